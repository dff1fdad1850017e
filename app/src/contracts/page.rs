//! The contract page: phase banner, every field of the contract, and the ways into it.

use leptos::prelude::*;

use super::api::get_contract;
use super::{ContractDetail, ContractPageData};
use crate::app::contract_resource;
use crate::documents::{api::get_documents, DocumentsIsland};
use crate::evaluation::closing::ClosingState;
use crate::evaluation::{MissingPanel, CLOSED_PARAM};
use crate::layout::forms::query_param;
use crate::layout::{field_value, when_loaded, ContractPageTop};
use crate::routes::{closing_href, contacts_href, contract_establishments_href, indicators_href, receipt_href};

#[component]
pub fn ContractPage() -> impl IntoView {
    let contract = contract_resource(get_contract);
    let documents = contract_resource(|id| get_documents("contrat".to_owned(), id));
    // The documents' own errors would repeat the contract's: they show only under a contract.
    view! {
        {when_loaded(contract, move |data| view! {
            <ContractView data/>
            {when_loaded(documents, |folder| view! { <DocumentsIsland title="Documents du contrat".to_owned() folder/> })}
        })}
    }
}

#[component]
fn ContractView(data: ContractPageData) -> impl IntoView {
    let ContractPageData { detail, editable, administrable, closing } = data;
    let ContractDetail {
        header,
        code,
        status,
        agency_contact,
        estimated_signature_date,
        effective_date,
        prorogation,
        effective_end_date,
        last_prorogation_date,
        created_on,
        status_reason,
        competence,
    } = detail;
    view! {
        <ContractPageTop contract=header.clone()/>
        <div class="contract-head">
            <h1>"Contrat : " {header.name.clone()}</h1>
            <ul class="fr-btns-group fr-btns-group--inline-md">
                <li><a class="fr-btn" href=indicators_href(header.id)>"Saisir les indicateurs"</a></li>
                {editable.then(|| view! {
                    <li><a class="fr-btn fr-btn--secondary" href=closing_href(header.id)>"Clore la saisie"</a></li>
                })}
                {administrable.then(|| view! {
                    <li><a class="fr-btn fr-btn--tertiary" href=crate::routes::contract_edition_href(header.id)>"Modifier le contrat"</a></li>
                })}
            </ul>
        </div>
        <ClosingStatus contract_id=header.id closing/>
        <div class="fields-columns">
            <dl class="fields">
                <div><dt>"Contrat :"</dt><dd>{header.name}</dd></div>
                <div><dt>"Code :"</dt><dd>{code}</dd></div>
                <div><dt>"Contact ARS :"</dt><dd>{agency_contact}</dd></div>
                <div><dt>"Type de contrat :"</dt><dd>{header.kind.label()}</dd></div>
                <div><dt>"Statut :"</dt><dd>{status}</dd></div>
                <div><dt>"Date de signature estimée :"</dt><dd>{field_value(estimated_signature_date)}</dd></div>
                <div><dt>"Date d'effet :"</dt><dd>{field_value(effective_date)}</dd></div>
                <div><dt>"Durée de prorogation :"</dt><dd>{field_value(prorogation)}</dd></div>
            </dl>
            <dl class="fields">
                <div><dt>"Date fin de contrat effective :"</dt><dd>{field_value(effective_end_date)}</dd></div>
                <div><dt>"Date de dernière prorogation :"</dt><dd>{field_value(last_prorogation_date)}</dd></div>
                <div><dt>"Créé le :"</dt><dd>{created_on}</dd></div>
                <div><dt>"Raison du statut :"</dt><dd>{field_value(status_reason)}</dd></div>
                <div><dt>"Compétence :"</dt><dd>{field_value(competence)}</dd></div>
            </dl>
        </div>
        <ul class="contract-links">
            <li><a class="fr-link fr-icon-arrow-right-line fr-link--icon-right" href=contacts_href(header.id)>
                "Accéder à la liste des contacts administratifs"
            </a></li>
            <li><a class="fr-link fr-icon-arrow-right-line fr-link--icon-right" href=contract_establishments_href(header.id)>
                "Accéder à la liste des établissements du contrat"
            </a></li>
        </ul>
    }
}

/// While open, what is still missing before closing; once closed, when, by whom, and the receipt.
#[component]
fn ClosingStatus(contract_id: i32, closing: ClosingState) -> impl IntoView {
    let just_closed = query_param(CLOSED_PARAM).get_untracked().is_some();
    match closing {
        ClosingState::Open(missing) if missing.may_close() => view! {
            <p class="fr-alert fr-alert--success fr-alert--sm fr-mb-3w">{missing.summary()}</p>
        }
        .into_any(),
        ClosingState::Open(missing) => view! { <MissingPanel contract_id missing/> }.into_any(),
        ClosingState::Closed(closed) => {
            let receipt = receipt_href(contract_id);
            view! {
                {just_closed.then(|| view! {
                    <div class="fr-alert fr-alert--success fr-alert--sm fr-mb-3w" role="status">
                        <p>"La saisie est close. Un accusé de clôture a été envoyé par courriel."</p>
                    </div>
                })}
                {closed.map(|(at, by)| view! {
                    <p class="fr-mb-3w">
                        {format!("Saisie close le {at} par {by}. ")}
                        <a class="fr-link" href=receipt>"Accusé de clôture"</a>
                    </p>
                })}
            }
            .into_any()
        }
    }
}
