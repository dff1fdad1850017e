//! "Évaluation de l'agence" (`/contrats/{id}/evaluation-agence`): the evaluation as notified,
//! read by both sides. For the establishment, its first opening is the receipt, from which the
//! reply window runs; the agency sees when it was received.

use ecars_core::routes::{appraisal_href, contract_href, document_href, YEAR_PARAM};
use leptos::prelude::*;

use super::api::get_agency_evaluation;
use super::{AgencyEvaluation, AppraisedQuestion, NotificationView, NOTIFIED_PARAM};
use crate::app::contract_resource_with;
use crate::layout::forms::{query_param, DoneNotice};
use crate::layout::{field_value, when_loaded, ContractPageTop};

const TITLE: &str = "Évaluation de l'agence";

#[component]
pub fn AgencyEvaluationPage() -> impl IntoView {
    let page = contract_resource_with(YEAR_PARAM, get_agency_evaluation);
    view! { {when_loaded(page, |evaluation| view! { <AgencyEvaluationView evaluation/> })} }
}

#[component]
fn AgencyEvaluationView(evaluation: AgencyEvaluation) -> impl IntoView {
    let AgencyEvaluation { contract, provisional, rows, appraiser } = evaluation;
    let notified_now = query_param(NOTIFIED_PARAM)
        .get_untracked()
        .map(|_| "Évaluation provisoire notifiée : l'établissement en est prévenu par courriel.".to_owned());
    let heading = format!("Évaluation provisoire {} : {}", contract.year, contract.name);
    view! {
        <ContractPageTop contract=contract.clone() page=TITLE/>
        <h1>{heading}</h1>
        <DoneNotice message=notified_now/>
        {match provisional {
            Some(notified) => view! { <Notified notified/> }.into_any(),
            None => view! {
                <div class="fr-alert fr-alert--info fr-alert--sm fr-mb-3w">
                    <p>
                        "L'évaluation provisoire n'est pas encore notifiée : l'établissement n'en voit rien. "
                        {appraiser.then(|| view! {
                            <a class="fr-link" href=appraisal_href(contract.id)>"Évaluer"</a>
                        })}
                    </p>
                </div>
            }
            .into_any(),
        }}
        <AppraisedTable rows/>
        <p><a class="fr-link" href=contract_href(contract.id)>"Revenir au contrat"</a></p>
    }
}

/// When it was notified and received, until when the establishment may answer, the letter.
#[component]
fn Notified(notified: NotificationView) -> impl IntoView {
    let deadline = match notified.window_over {
        true => format!("terminé le {} inclus", notified.deadline),
        false => format!("jusqu'au {} inclus", notified.deadline),
    };
    view! {
        <dl class="fields fr-mb-3w">
            <div><dt>"Notifiée le :"</dt><dd>{notified.notified_on.clone()}</dd></div>
            <div>
                <dt>"Accusé de réception :"</dt>
                <dd>{notified.receipt.clone().unwrap_or_else(|| "pas encore consultée par l'établissement".to_owned())}</dd>
            </div>
            <div><dt>"Délai de réponse :"</dt><dd>{deadline}</dd></div>
            <div><dt>"Score :"</dt><dd>{notified.score.clone()}</dd></div>
        </dl>
        <p>
            <a class="fr-link fr-icon-download-line fr-link--icon-left" href=document_href(notified.document_id)>
                "Télécharger le courrier de l'évaluation provisoire (PDF)"
            </a>
        </p>
    }
}

/// Each question: the establishment's answer beside the agency's appraisal.
#[component]
fn AppraisedTable(rows: Vec<AppraisedQuestion>) -> impl IntoView {
    view! {
        <div class="fr-table fr-table--no-caption">
            <table>
                <caption>"Évaluation de chaque question"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Question"</th>
                        <th scope="col">"Cible"</th>
                        <th scope="col">"Réalisé"</th>
                        <th scope="col">"Valeur retenue"</th>
                        <th scope="col">"Appréciation de l'agence"</th>
                        <th scope="col">"Commentaire de l'agence"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|row| view! {
                        <tr>
                            <th scope="row">{format!("{} - {}", row.code, row.label)}</th>
                            <td>{field_value(row.target)}</td>
                            <td>{row.achieved}</td>
                            <td>{field_value(row.retained)}</td>
                            <td>{field_value(row.appreciation.map(|appreciation| appreciation.label().to_owned()))}</td>
                            <td>{field_value(row.comment)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
