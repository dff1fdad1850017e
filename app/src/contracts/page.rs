//! The contract page: phase banner, every field of the contract, and the ways into it.

use ecars_core::routes::{
    agency_evaluation_href, appraisal_href, closing_href, closing_receipt_href, contacts_href,
    contract_establishments_href, indicators_href, printable_href, receipt_href, year_agency_evaluation_href,
    year_appraisal_href, year_indicators_href,
};
use leptos::prelude::*;

use super::api::get_contract;
use super::{ContractDetail, ContractPageData};
use crate::app::contract_resource;
use crate::campaigns::extension::ExtensionForm;
use crate::campaigns::reopening::{ReopeningForm, REOPENED_MESSAGE, REOPENED_PARAM};
use crate::documents::{api::get_documents, DocumentsIsland};
use crate::evaluation::closing::ClosingState;
use crate::evaluation::years::{ClosingEvent, EvaluationYear};
use crate::evaluation::{MissingPanel, CLOSED_PARAM};
use crate::follow_up::dashboard::DashboardFilter;
use crate::follow_up::notes::AgencyNotes;
use crate::follow_up::ExportLinks;
use crate::layout::forms::{query_param, DoneNotice};
use crate::layout::{field_value, when_loaded, ContractPageTop};

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
    let ContractPageData {
        detail,
        editable,
        administrable,
        extendable,
        reopenable,
        closing,
        closings,
        earlier_years,
        agency_notes,
        exportable,
        appraiser,
    } = data;
    let reopened = query_param(REOPENED_PARAM).get_untracked().map(|_| REOPENED_MESSAGE.to_owned());
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
                {(appraiser && header.phase.is_closed()).then(|| view! {
                    <li><a class="fr-btn fr-btn--secondary" href=appraisal_href(header.id)>"Évaluer"</a></li>
                })}
                {header.phase.is_notified().then(|| view! {
                    <li><a class="fr-btn fr-btn--secondary" href=agency_evaluation_href(header.id)>"Évaluation de l'agence"</a></li>
                })}
                {administrable.then(|| view! {
                    <li><a class="fr-btn fr-btn--tertiary" href=ecars_core::routes::contract_edition_href(header.id)>"Modifier le contrat"</a></li>
                })}
            </ul>
        </div>
        <DoneNotice message=reopened/>
        <ClosingStatus contract_id=header.id closing/>
        {reopenable.then(|| view! { <ReopeningForm contract_id=header.id/> })}
        {extendable.then(|| view! { <ExtensionForm contract_id=header.id/> })}
        <ClosingHistory contract_id=header.id year=header.year closings/>
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
            <li><a class="fr-link fr-icon-printer-line fr-link--icon-left" href=printable_href(header.id, None)>
                {format!("Version imprimable de l'évaluation {} (réponses et historique)", header.year)}
            </a></li>
        </ul>
        {exportable.then(|| {
            let filter = DashboardFilter { year: Some(header.year), contract: Some(header.id), ..Default::default() };
            view! {
                <ExportLinks filter title=format!("Exporter l'évaluation {}", header.year)
                    intro="Ses réponses et sa synthèse, comme dans le suivi de la campagne (sans les notes de l'agence).".to_owned()/>
            }
        })}
        {agency_notes.map(|notes| view! { <AgencyNotes contract_id=header.id year=header.year notes/> })}
        <EarlierYears contract_id=header.id years=earlier_years appraiser/>
    }
}

/// "Historique de la saisie": each closing of an evaluation (closed on ... by ...) and its
/// reopening (reopened on ... by ... because ...), each closing with its receipt.
#[component]
fn ClosingHistory(contract_id: i32, year: i32, closings: Vec<ClosingEvent>) -> impl IntoView {
    // A single closing in force is already said by the closing status above.
    let shown = closings.len() > 1 || closings.iter().any(|closing| closing.reopened.is_some());
    shown.then(|| {
        view! {
            <section class="fr-mb-4w" aria-labelledby="closing-history">
                <h2 id="closing-history" class="fr-h6">{format!("Historique de la saisie {year}")}</h2>
                <ClosingEvents contract_id closings/>
            </section>
        }
    })
}

#[component]
fn ClosingEvents(contract_id: i32, closings: Vec<ClosingEvent>) -> impl IntoView {
    view! {
        <ul class="closing-history">
            {closings.into_iter().map(|closing| view! {
                <li>
                    {format!("Close le {} par {}. ", closing.closed_at, closing.closed_by)}
                    <a class="fr-link" href=closing_receipt_href(contract_id, closing.id)>
                        {format!("Accusé de clôture du {}", closing.closed_at)}
                    </a>
                </li>
                {closing.reopened.map(|reopened| view! {
                    <li>{format!("Rouverte le {} par {} : {}", reopened.at, reopened.by, reopened.reason)}</li>
                })}
            }).collect_view()}
        </ul>
    }
}

/// "Évaluations précédentes": earlier years, read-only, with their receipts.
#[component]
fn EarlierYears(contract_id: i32, years: Vec<EvaluationYear>, appraiser: bool) -> impl IntoView {
    (!years.is_empty()).then(|| view! {
        <section class="fr-mt-4w" aria-labelledby="earlier-years">
            <h2 id="earlier-years" class="fr-h5">"Évaluations précédentes"</h2>
            <div class="fr-table">
                <table>
                    <caption class="fr-sr-only">"Évaluations précédentes"</caption>
                    <thead>
                        <tr><th scope="col">"Année"</th><th scope="col">"Etat"</th><th scope="col">"Saisie"</th></tr>
                    </thead>
                    <tbody>
                        {years.into_iter().map(|year| view! {
                            <tr>
                                <td>
                                    <a class="fr-link" href=year_indicators_href(contract_id, year.year)>
                                        {format!("Indicateurs {}", year.year)}
                                    </a>
                                </td>
                                <td>
                                    {year.phase.label()}
                                    <br/>
                                    <a class="fr-link fr-text--sm" href=printable_href(contract_id, Some(year.year))>
                                        {format!("Version imprimable {}", year.year)}
                                    </a>
                                    {year.phase.is_notified().then(|| view! {
                                        <br/>
                                        <a class="fr-link fr-text--sm" href=year_agency_evaluation_href(contract_id, year.year)>
                                            {format!("Évaluation de l'agence {}", year.year)}
                                        </a>
                                    })}
                                    {(appraiser && year.phase.is_closed()).then(|| view! {
                                        <br/>
                                        <a class="fr-link fr-text--sm" href=year_appraisal_href(contract_id, year.year)>
                                            {format!("Évaluer {}", year.year)}
                                        </a>
                                    })}
                                </td>
                                <td>
                                    {year.closings.is_empty().then_some("Jamais close")}
                                    <ClosingEvents contract_id closings=year.closings/>
                                </td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    })
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
