//! "Clore la saisie": the confirmation step, the panel of what is still missing, and the
//! printable "Accusé de clôture".

use ecars_core::routes::{contact_href, contract_href, indicators_href, question_href};
use leptos::form::ActionForm;

use crate::accounts::csrf::CsrfField;
use leptos::prelude::*;

use super::api::{get_closing_receipt, CloseEvaluation};
use super::closing::{ClosingReceipt, ClosingState, MissingItems};
use crate::app::{contract_resource, contract_resource_with};
use crate::contracts::{api::get_contract, ContractPageData};
use crate::layout::forms::error_in_url;
use crate::layout::{when_loaded, BackToContract, ContractPageTop};
use crate::AppError;

const CLOSE: &str = "Clore la saisie";
/// Beyond this many missing questions, the panel sends to the tree for the rest.
const LISTED_QUESTIONS: usize = 20;

/// What is still missing before closing, each item a link straight to it.
#[component]
pub fn MissingPanel(contract_id: i32, missing: MissingItems) -> impl IntoView {
    let tree = indicators_href(contract_id);
    let more = missing.questions.len().saturating_sub(LISTED_QUESTIONS);
    let question_count = missing.questions.len();
    let summary = format!("Pourcentage de remplissage : {} %. {}", missing.progress.percentage(), missing.summary());
    let questions = (!missing.questions.is_empty()).then(|| {
        let links = missing
            .questions
            .into_iter()
            .take(LISTED_QUESTIONS)
            .map(|question| {
                let href = question_href(contract_id, question.id);
                view! { <li><a class="fr-link" href=href>{question.title}</a></li> }
            })
            .collect_view();
        view! {
            <h3 class="fr-h6 fr-mb-1w">{format!("Questions à saisir ({question_count})")}</h3>
            <ul class="missing-items__list">{links}</ul>
            {(more > 0).then(|| view! {
                <p class="fr-text--sm"><a class="fr-link" href=tree.clone()>{format!("… et {more} autres, dans l'arbre des indicateurs")}</a></p>
            })}
        }
    });
    let contacts = (!missing.contacts.is_empty()).then(|| {
        let links = missing
            .contacts
            .into_iter()
            .map(|contact| view! { <li><a class="fr-link" href=contact_href(contract_id, contact.id)>{contact.function}</a></li> })
            .collect_view();
        view! {
            <h3 class="fr-h6 fr-mb-1w">"Contacts obligatoires à mettre à jour"</h3>
            <ul class="missing-items__list">{links}</ul>
        }
    });
    view! {
        <section class="fr-callout missing-items" aria-labelledby="reste-a-saisir">
            <h2 class="fr-callout__title fr-h5" id="reste-a-saisir">"Reste à saisir avant la clôture"</h2>
            <p class="fr-callout__text">{summary}</p>
            {questions}
            {contacts}
        </section>
    }
}

/// `/contrats/:id/cloture`: what is missing, or the confirmation that closing cannot be undone.
#[component]
pub fn ClosingPage() -> impl IntoView {
    let contract = contract_resource(get_contract);
    view! { {when_loaded(contract, |data| view! { <ClosingView data/> })} }
}

#[component]
fn ClosingView(data: ContractPageData) -> impl IntoView {
    let ContractPageData { detail, editable, closing, .. } = data;
    let contract_id = detail.header.id;
    let close = ServerAction::<CloseEvaluation>::new();
    // A plain form (the page is not an island): a refusal comes back in the address.
    let error = error_in_url::<CloseEvaluation>().get_untracked();
    let body = match (editable, closing) {
        (_, ClosingState::Closed(_)) => view! {
            <p class="fr-alert fr-alert--info fr-alert--sm">"La saisie de ce contrat est déjà close."</p>
        }
        .into_any(),
        (false, _) => view! {
            <p class="fr-alert fr-alert--info fr-alert--sm">{AppError::Forbidden.to_string()}</p>
        }
        .into_any(),
        (true, ClosingState::Open(missing)) if !missing.may_close() => {
            view! { <MissingPanel contract_id missing/> }.into_any()
        }
        (true, ClosingState::Open(_)) => view! {
            {error.map(|error| match error {
                // Someone answered or changed something meanwhile: say what is missing now.
                AppError::NotClosable(missing) => view! { <MissingPanel contract_id missing=*missing/> }.into_any(),
                error => view! {
                    <crate::layout::forms::FormRefusal message=error.to_string()/>
                }
                .into_any(),
            })}
            <div class="fr-alert fr-alert--warning fr-mb-3w">
                <h2 class="fr-alert__title">"Cette action est définitive"</h2>
                <p>
                    "Une fois la saisie close, le contrat passe en Consultation : plus aucune réponse, aucun contact "
                    "ni aucun document ne pourra être modifié. Un accusé de clôture est envoyé par courriel aux "
                    "utilisateurs de l'établissement et au référent de l'agence."
                </p>
            </div>
            <ActionForm action=close>
                <CsrfField/>
                <input type="hidden" name="contract_id" value=contract_id/>
                <ul class="fr-btns-group fr-btns-group--inline-sm">
                    <li>
                        <button class="fr-btn" type="submit">"Confirmer la clôture"</button>
                    </li>
                    <li><a class="fr-btn fr-btn--secondary" href=contract_href(contract_id)>"Annuler"</a></li>
                </ul>
            </ActionForm>
        }
        .into_any(),
    };
    view! {
        <ContractPageTop contract=detail.header.clone() page=CLOSE/>
        <h1>{CLOSE}</h1>
        <BackToContract id=contract_id/>
        {body}
    }
}

/// `/contrats/:id/accuse-de-cloture`: the receipt, laid out for printing.
#[component]
pub fn ReceiptPage() -> impl IntoView {
    let receipt = contract_resource_with(super::years::CLOSING_PARAM, get_closing_receipt);
    view! { {when_loaded(receipt, |receipt| view! { <ReceiptView receipt/> })} }
}

#[component]
fn ReceiptView(receipt: ClosingReceipt) -> impl IntoView {
    let ClosingReceipt { contract, closed_at, closed_by, percentage, answers } = receipt;
    view! {
        <ContractPageTop contract=contract.clone() page="Accusé de clôture"/>
        <h1>"Accusé de clôture"</h1>
        <BackToContract id=contract.id/>
        <dl class="fields">
            <div><dt>"Etablissement :"</dt><dd>{contract.legal_entity.title()}</dd></div>
            <div><dt>"Contrat :"</dt><dd>{contract.name.clone()}</dd></div>
            <div><dt>"Date de clôture :"</dt><dd>{closed_at}</dd></div>
            <div><dt>"Close par :"</dt><dd>{closed_by}</dd></div>
            <div><dt>"Pourcentage de remplissage :"</dt><dd>{format!("{percentage} %")}</dd></div>
        </dl>
        <div class="fr-table">
            <table>
                <caption>"Réponses"</caption>
                <thead>
                    <tr><th scope="col">"Indicateur / Question"</th><th scope="col">"Réalisé"</th><th scope="col">"Commentaire"</th></tr>
                </thead>
                <tbody>
                    {answers.into_iter().map(|line| view! {
                        <tr><td>{line.title}</td><td>{line.achieved}</td><td>{line.comment}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
