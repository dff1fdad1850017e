//! "Version imprimable": one evaluation in full — every question, its answer and the history of
//! its changes (who changed what, when) — on a page the browser prints to PDF cleanly (the print
//! stylesheet drops the menus and keeps each question on one sheet). Anyone who reads the contract
//! reads it; the agency's notes are never on it.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::contracts::ContractHeader;
use crate::evaluation::years::ClosingEvent;
use crate::AppError;

/// One change of an answer, as it was saved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrintedChange {
    /// "05/12/2026 10:15", in the agency's time zone.
    pub at: String,
    pub by: String,
    /// "Réalisé" after the change: the value, "Non concerné" or "Non renseigné".
    pub achieved: String,
    pub comment: Option<String>,
}

/// A question with its answer and its history, oldest change first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrintedQuestion {
    pub target: Option<String>,
    /// A national indicator: the agency fills it from the ministry's values.
    pub national: bool,
    pub achieved: String,
    pub comment: Option<String>,
    pub previous_achieved: Option<String>,
    /// "05/12/2026 10:15 par ...", the current answer's last change.
    pub modified: Option<String>,
    pub history: Vec<PrintedChange>,
}

/// A node of the tree in depth-first order: an objective, or a question.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrintedNode {
    /// 0 for a top-level objective.
    pub depth: usize,
    pub code: String,
    pub label: String,
    pub question: Option<PrintedQuestion>,
}

/// The whole printable page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrintableEvaluation {
    pub contract: ContractHeader,
    pub percentage: u8,
    /// Closings and reopenings of this evaluation, oldest first.
    pub closings: Vec<ClosingEvent>,
    /// When the page was made, in the agency's time zone.
    pub printed_at: String,
    pub nodes: Vec<PrintedNode>,
}

/// The printable page of contract `contract_id`'s evaluation of `year` (the current one for none).
#[server(endpoint = "evaluation_imprimable", client = crate::accounts::csrf::PortalClient)]
pub async fn get_printable_evaluation(
    contract_id: i32,
    #[server(default)] year: Option<i32>,
) -> Result<PrintableEvaluation, AppError> {
    let viewer = crate::accounts::access::viewer()?;
    let db = crate::state::AppState::current()?.db;
    server::printable(&db, &viewer, ecars_core::ids::ContractId(contract_id), year).await
}

#[component]
pub fn PrintablePage() -> impl IntoView {
    let page = crate::app::contract_resource_with(super::years::YEAR_PARAM, get_printable_evaluation);
    view! { {crate::layout::when_loaded(page, |page| view! { <PrintableView page/> })} }
}

#[component]
fn PrintableView(page: PrintableEvaluation) -> impl IntoView {
    use crate::layout::{BackToContract, ContractPageTop};

    let PrintableEvaluation { contract, percentage, closings, printed_at, nodes } = page;
    let closing = match closings.last() {
        Some(closing) if closing.reopened.is_none() => {
            format!("Close le {} par {}", closing.closed_at, closing.closed_by)
        }
        Some(_) => "Rouverte, pas encore close à nouveau".to_owned(),
        None => "Jamais close".to_owned(),
    };
    view! {
        <ContractPageTop contract=contract.clone() page="Version imprimable"/>
        <h1>{format!("Évaluation {} : {}", contract.year, contract.name)}</h1>
        <div class="no-print">
            <BackToContract id=contract.id/>
            <p class="fr-text--sm">
                "Pour l'enregistrer en PDF, imprimez cette page et choisissez « Enregistrer au format PDF » comme imprimante."
            </p>
            <PrintButton/>
        </div>
        <dl class="fields">
            <div><dt>"Entité juridique :"</dt><dd>{contract.legal_entity.title()}</dd></div>
            <div><dt>"Contrat :"</dt><dd>{format!("{} ({})", contract.name, contract.kind.label())}</dd></div>
            <div><dt>"Phase :"</dt><dd>{contract.phase.label()}</dd></div>
            <div><dt>"Pourcentage de remplissage :"</dt><dd>{format!("{percentage} %")}</dd></div>
            <div><dt>"Saisie :"</dt><dd>{closing}</dd></div>
            <div><dt>"Imprimé le :"</dt><dd>{printed_at}</dd></div>
        </dl>
        <div class="printable-evaluation">
            {nodes.into_iter().map(|node| view! { <PrintedNodeView node/> }).collect_view()}
        </div>
    }
}

/// A heading of level 2 to 6, as deep as the node (deeper ones stay at 6).
#[component]
fn Heading(level: usize, text: String) -> impl IntoView {
    match level {
        ..=2 => view! { <h2 class="fr-h4">{text}</h2> }.into_any(),
        3 => view! { <h3 class="fr-h5">{text}</h3> }.into_any(),
        4 => view! { <h4 class="fr-h6">{text}</h4> }.into_any(),
        5 => view! { <h5 class="fr-h6">{text}</h5> }.into_any(),
        _ => view! { <h6 class="fr-text--md fr-text--bold">{text}</h6> }.into_any(),
    }
}

#[component]
fn PrintedNodeView(node: PrintedNode) -> impl IntoView {
    let title = format!("{} - {}", node.code, node.label);
    let level = node.depth + 2;
    match node.question {
        None => view! { <Heading level text=title/> }.into_any(),
        Some(question) => view! {
            <section class="printable-question">
                <Heading level text=title/>
                <dl class="printable-answer">
                    <div><dt>"Cible :"</dt><dd>{question.target.unwrap_or_else(|| "—".to_owned())}</dd></div>
                    <div><dt>"Réalisé :"</dt><dd>{question.achieved}</dd></div>
                    <div><dt>"Commentaire :"</dt><dd>{question.comment.unwrap_or_else(|| "—".to_owned())}</dd></div>
                    <div>
                        <dt>"Réalisé l'année précédente :"</dt>
                        <dd>{question.previous_achieved.unwrap_or_else(|| "—".to_owned())}</dd>
                    </div>
                    <div>
                        <dt>"Dernière modification :"</dt>
                        <dd>{question.modified.unwrap_or_else(|| "Aucune saisie".to_owned())}</dd>
                    </div>
                    {question.national.then(|| view! {
                        <div><dt>"Indicateur national :"</dt><dd>"renseigné par l'agence"</dd></div>
                    })}
                </dl>
                {if question.history.is_empty() {
                    view! { <p class="fr-text--sm">"Aucun historique de modification enregistré."</p> }.into_any()
                } else {
                    view! {
                        <div class="fr-table fr-table--sm fr-table--no-caption-top printable-history">
                            <table>
                                <caption>{format!("Historique des modifications de {}", node.code)}</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">"Le"</th>
                                        <th scope="col">"Par"</th>
                                        <th scope="col">"Réalisé"</th>
                                        <th scope="col">"Commentaire"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {question.history.into_iter().map(|change| view! {
                                        <tr>
                                            <td>{change.at}</td>
                                            <td>{change.by}</td>
                                            <td>{change.achieved}</td>
                                            <td>{change.comment.unwrap_or_default()}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }
                    .into_any()
                }}
            </section>
        }
        .into_any(),
    }
}

/// "Imprimer": hidden until the WASM can answer the click (the browser's own print works anyway).
#[island(lazy)]
fn PrintButton() -> impl IntoView {
    crate::app::island_ready();
    let ready = RwSignal::new(false);
    Effect::new(move |_| ready.set(true));
    view! {
        <button class="fr-btn fr-btn--secondary fr-icon-printer-line fr-btn--icon-left fr-mb-3w" type="button"
            hidden=move || !ready.get()
            on:click=move |_| {
                window().print().ok();
            }>
            "Imprimer"
        </button>
    }
}

#[cfg(feature = "ssr")]
pub mod server;
