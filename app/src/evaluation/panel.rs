//! The question panel beside the tree: the question, last year's values, and the form that
//! saves "Réalisé", "Non concerné" and the comment.
//!
//! The server writes it, as it stands after loading, saving or refusing, from the address alone
//! (`?question=`, then what a save adds). It is a plain form: without JavaScript the browser
//! posts it and the server redirects back to the page. With JavaScript the tree's island sends
//! the same form and swaps in the panel the server answers (`panel_browser.rs`), so the browser
//! carries no code to draw it.

use std::collections::HashMap;

use ecars_core::evaluation::rules::{FillProgress, QuestionStatus};
use ecars_core::routes::indicators_href;
use leptos::prelude::*;

use super::api::SaveAnswer;
use super::{AnswerView, QuestionDetail, TypedAnswer, ValueKind, ALL_SAVED, NEXT_FIELD, PREVIOUS_PARAM, SAVED_PARAM};
use crate::accounts::csrf::CsrfField;
use crate::documents::DocumentsIsland;
use crate::layout::field_value;
use crate::layout::forms::{error_in_url, page_query, query_param, text_area_content};
use crate::AppError;

/// The status of each question of the tree, one signal per question: a saved answer changes
/// its own dot and the percentage, nothing else of the tree is touched.
#[derive(Clone, Copy)]
pub struct Statuses(StoredValue<HashMap<i32, RwSignal<QuestionStatus>>>);

impl Statuses {
    pub fn new(statuses: Vec<(i32, QuestionStatus)>) -> Self {
        Statuses(StoredValue::new(statuses.into_iter().map(|(id, status)| (id, RwSignal::new(status))).collect()))
    }

    /// A saved answer's new status: the percentage follows, and so does the question's dot.
    pub fn set(&self, question_id: i32, status: QuestionStatus) {
        if let Some(signal) = self.0.with_value(|statuses| statuses.get(&question_id).copied()) {
            signal.set(status);
        }
        super::tree_browser::paint(question_id, status);
    }

    /// A question's status as shown, without following its changes.
    pub fn get_untracked(&self, question_id: i32) -> Option<QuestionStatus> {
        self.0.with_value(|statuses| statuses.get(&question_id).map(|status| status.get_untracked()))
    }

    /// The same shared rule as on the server, over the statuses shown.
    pub fn progress(&self) -> FillProgress {
        self.0.with_value(|statuses| FillProgress::from_statuses(statuses.values().map(|status| status.get())))
    }
}

/// The block of the question's documents, just above "Enregistrer" (as in the guide).
const DOCUMENTS: &str = "Documents de l'indicateur";

/// Where the panel stands in the page, and what the island swaps when another question opens.
pub const PANEL_AREA: &str = "panneau-question";
/// The group of "Réalisé", where a refusal is shown.
pub const ACHIEVED_GROUP: &str = "realise-groupe";
/// The refusal under "Réalisé", which the fields name as their description.
pub const ACHIEVED_ERROR: &str = "realise-erreur";
/// The status line under the buttons: "Enregistrement…", then "Réponse enregistrée.".
pub const SAVE_STATUS: &str = "enregistrement";

/// The panel of the question chosen, if any: nothing for a question of another contract.
pub fn panel_area(question: Option<Result<QuestionDetail, AppError>>, contract_id: i32) -> impl IntoView {
    let panel = match question {
        Some(Ok(detail)) if detail.contract.id == contract_id => Some(view! { <QuestionPanel detail/> }.into_any()),
        Some(Err(error)) => Some(view! { <crate::layout::ErrorAlert error/> }.into_any()),
        _ => None,
    };
    view! { <div class="tree-layout__panel" id=PANEL_AREA>{panel}</div> }
}

#[component]
fn QuestionPanel(detail: QuestionDetail) -> impl IntoView {
    let year = detail.year.map(|year| year.to_string()).unwrap_or_default();
    let answer = detail.answer.clone();
    let (question_id, contract_id) = (detail.id, detail.contract.id);
    // `data-question`: which question this is, for the island that swaps panels.
    view! {
        <section class="question-panel fr-mt-4w fr-p-3w" id="question" aria-labelledby="question-titre"
            data-question=question_id>
            <h2 id="question-titre" class="fr-h4" tabindex="-1">{format!("{} - {}", detail.code, detail.label)}</h2>
            <PreviousSaved contract_id/>
            <dl class="fields">
                <div><dt>"Etablissement :"</dt><dd>{detail.contract.legal_entity.title()}</dd></div>
                <div><dt>"Objectif :"</dt><dd>{field_value(detail.objective.clone())}</dd></div>
                <div><dt>"Indicateur / Question :"</dt><dd>{detail.label.clone()}</dd></div>
                <div><dt>"Année :"</dt><dd>{year.clone()}</dd></div>
                <div><dt>"Cible :"</dt><dd>{field_value(detail.target.clone())}</dd></div>
            </dl>
            {if detail.editable {
                view! { <AnswerForm detail/> }.into_any()
            } else {
                view! {
                    <ReadOnlyAnswer answer previous=(detail.previous_achieved, detail.previous_comment) year national=detail.national/>
                    <QuestionDocuments folder=detail.documents/>
                }
                .into_any()
            }}
        </section>
    }
}

/// "Documents de l'indicateur": an island of its own, hydrated again with each panel.
#[component]
fn QuestionDocuments(folder: crate::documents::DocumentFolder) -> impl IntoView {
    view! { <DocumentsIsland title=DOCUMENTS.to_owned() folder heading_level=3/> }
}

/// "Date de modification" and "Auteur de la modification" of the current answer.
fn modification(answer: Option<AnswerView>) -> impl IntoView {
    answer.map(|answer| {
        view! {
            <p class="fr-text--sm fr-mb-0">
                "Date de modification : " {answer.updated_at} <br/>
                "Auteur de la modification : " {answer.updated_by.unwrap_or_else(|| "reprise de données".to_owned())}
                {answer.source.map(|source| view! { <br/> {format!("Source : {source}")} })}
            </p>
        }
    })
}

#[component]
fn ReadOnlyAnswer(
    answer: Option<AnswerView>,
    previous: (Option<String>, Option<String>),
    year: String,
    national: bool,
) -> impl IntoView {
    let achieved = answer.as_ref().map(|answer| {
        if answer.not_concerned {
            Some("Non concerné".to_owned())
        } else {
            answer.achieved.clone()
        }
    });
    view! {
        {if national {
            view! {
                <p class="fr-badge fr-badge--info fr-mb-1w">"Indicateur national"</p>
                <p class="fr-text--sm national-notice">
                    "L'agence le renseigne à partir des valeurs du ministère : il n'appelle aucune contribution de votre part."
                </p>
            }
            .into_any()
        } else {
            view! { <p class="fr-badge fr-badge--info fr-mb-2w">"Consultation : cette question n'est pas modifiable ici."</p> }.into_any()
        }}
        <dl class="fields">
            <div><dt>"Réalisé :"</dt><dd>{field_value(achieved.flatten())}</dd></div>
            <div>
                <dt>{format!("Commentaire évalué {year} :")}</dt>
                <dd>{field_value(answer.as_ref().and_then(|answer| answer.comment.clone()))}</dd>
            </div>
            <div><dt>"Réalisé l'année précédente :"</dt><dd>{field_value(previous.0)}</dd></div>
            <div><dt>"Commentaire de l'année précédente :"</dt><dd>{field_value(previous.1)}</dd></div>
        </dl>
        {modification(answer)}
    }
}

/// The address of `question`'s panel in the tree, the tree's filter kept.
fn question_in_tree(contract_id: i32, question: i32) -> String {
    let kept = super::filter_in_address().query();
    format!("{}{}", indicators_href(contract_id), ecars_core::routes::question_query_in(question, None, &kept))
}

/// Right after "Enregistrer et passer à la suivante", on the next question: the one just saved.
#[component]
fn PreviousSaved(contract_id: i32) -> impl IntoView {
    let previous = page_query().get(PREVIOUS_PARAM).and_then(|id| id.parse::<i32>().ok());
    previous.map(|previous| {
        view! {
            <p class="fr-text--sm previous-saved">
                "Réponse précédente enregistrée. "
                <a class="fr-link fr-text--sm" href=question_in_tree(contract_id, previous) data-question=previous>
                    "Revenir à la question précédente"
                </a>
            </p>
        }
    })
}

#[component]
fn AnswerForm(detail: QuestionDetail) -> impl IntoView {
    let question_id = detail.id;
    let contract_id = detail.contract.id;
    let current = detail.answer.clone();
    // After a post that was refused, the address holds the error and what was typed.
    let refusal = error_in_url::<SaveAnswer>().get_untracked();
    let typed = match &refusal {
        Some(_) => TypedAnswer::from_query(&page_query()),
        None => TypedAnswer {
            not_concerned: current.as_ref().is_some_and(|answer| answer.not_concerned),
            achieved: current.as_ref().and_then(|answer| answer.achieved.clone()).unwrap_or_default(),
            comment: current.as_ref().and_then(|answer| answer.comment.clone()).unwrap_or_default(),
        },
    };
    let (conflict, error) = match refusal {
        Some(AppError::Conflict(newer)) => (Some(*newer), None),
        Some(error) => (None, Some(error.to_string())),
        None => (None, None),
    };
    // Shown a conflict, "Remplacer par ma réponse" saves over the version just shown.
    let version = match &conflict {
        Some(newer) => newer.version,
        None => current.as_ref().map_or(0, |answer| answer.version),
    };
    let saved = query_param(SAVED_PARAM).get_untracked().map(|saved| match saved.as_str() {
        ALL_SAVED => "Réponse enregistrée. Il ne reste aucune question à saisir : vous pouvez clore la saisie depuis la page du contrat.",
        _ => "Réponse enregistrée.",
    });
    let year = detail.year.map(|year| year.to_string()).unwrap_or_default();
    let changed = if conflict.is_some() || error.is_some() { "true" } else { "false" };
    let save_path = <SaveAnswer as leptos::server_fn::ServerFn>::PATH;
    let group_class = if error.is_some() { "fr-input-group fr-input-group--error" } else { "fr-input-group" };
    // `data-kind` and `data-changed`: what the island checks before sending, and whether the
    // fields already hold something unsaved (a refused post).
    view! {
        <form class="answer-form" method="post" action=save_path novalidate
            data-kind=detail.kind.name() data-changed=changed>
            <CsrfField/>
            <input type="hidden" name="question_id" value=question_id/>
            <input type="hidden" name="version" value=version/>
            <div class="fr-checkbox-group fr-mb-3w">
                <input type="checkbox" id="non-concerne" name="not_concerned" value="on" checked=typed.not_concerned/>
                <label class="fr-label" for="non-concerne">"Non concerné"</label>
            </div>
            <div class="answer-columns">
                <div class=group_class id=ACHIEVED_GROUP>
                    <AchievedInput kind=detail.kind value=typed.achieved.clone() disabled=typed.not_concerned/>
                    {error.map(|message| view! { <p class="fr-error-text" id=ACHIEVED_ERROR role="alert">{message}</p> })}
                </div>
                <div class="previous-value">
                    <p class="fr-text--sm fr-mb-1v"><strong>"Réalisé l'année précédente"</strong></p>
                    <p class="fr-text--sm">{field_value(detail.previous_achieved.clone())}</p>
                </div>
            </div>
            <div class="answer-columns">
                <div class="fr-input-group">
                    <label class="fr-label" for="commentaire">{format!("Commentaire évalué {year}")}</label>
                    <textarea class="fr-input" id="commentaire" name="comment" rows="4">{text_area_content(&typed.comment)}</textarea>
                </div>
                <div class="previous-value">
                    <p class="fr-text--sm fr-mb-1v"><strong>"Commentaire de l'année précédente"</strong></p>
                    <p class="fr-text--sm">{field_value(detail.previous_comment.clone())}</p>
                </div>
            </div>
            {conflict.map(|newer| view! { <ConflictNotice contract_id question_id newer/> })}
            <QuestionDocuments folder=detail.documents.clone()/>
            // "Enregistrer" first: Enter in a field still means it.
            <div class="answer-actions fr-mt-3w">
                <button class="fr-btn" type="submit">"Enregistrer"</button>
                <button class="fr-btn fr-btn--secondary" type="submit" name=NEXT_FIELD value="1">
                    "Enregistrer et passer à la suivante"
                </button>
            </div>
            <p role="status" class="fr-text--sm fr-mt-1w" id=SAVE_STATUS>{saved}</p>
        </form>
        {modification(current)}
    }
}

/// "Réalisé", as the question's kind wants it.
#[component]
fn AchievedInput(kind: ValueKind, value: String, disabled: bool) -> impl IntoView {
    match kind {
        ValueKind::YesNo => view! {
            <fieldset class="fr-fieldset" aria-describedby=ACHIEVED_ERROR>
                <legend class="fr-fieldset__legend fr-text--regular">"Réalisé"</legend>
                {["Oui", "Non"].into_iter().map(|choice| {
                    let id = format!("realise-{}", choice.to_lowercase());
                    view! {
                        <div class="fr-fieldset__element fr-fieldset__element--inline">
                            <div class="fr-radio-group">
                                <input type="radio" id=id.clone() name="achieved" value=choice
                                    checked=value == choice disabled=disabled/>
                                <label class="fr-label" for=id>{choice}</label>
                            </div>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
        }
        .into_any(),
        ValueKind::Text => view! {
            <label class="fr-label" for="realise">"Réalisé"</label>
            <textarea class="fr-input" id="realise" name="achieved" rows="3" aria-describedby=ACHIEVED_ERROR
                disabled=disabled>{text_area_content(value)}</textarea>
        }
        .into_any(),
        ValueKind::Percentage | ValueKind::Number => {
            let hint = if kind == ValueKind::Percentage {
                "Pourcentage entre 0 et 100, virgule ou point (exemple : 12,5)"
            } else {
                "Nombre, virgule ou point (exemple : 1250 ou 12,5)"
            };
            view! {
                <label class="fr-label" for="realise">"Réalisé" <span class="fr-hint-text">{hint}</span></label>
                <input class="fr-input" id="realise" name="achieved" type="text" inputmode="decimal"
                    autocomplete="off" aria-describedby=ACHIEVED_ERROR value=value disabled=disabled/>
            }
            .into_any()
        }
    }
}

/// Someone saved meanwhile: show their answer, let the user keep it or replace it.
#[component]
fn ConflictNotice(contract_id: i32, question_id: i32, newer: AnswerView) -> impl IntoView {
    let shown =
        if newer.not_concerned { "Non concerné".to_owned() } else { newer.achieved.clone().unwrap_or_default() };
    let author = newer.updated_by.clone().unwrap_or_default();
    view! {
        <div class="fr-alert fr-alert--warning fr-mb-3w" role="alert">
            <h3 class="fr-alert__title">"Cette réponse a été modifiée entre-temps"</h3>
            <p>
                {format!("Réponse actuelle, enregistrée le {} par {author} : ", newer.updated_at)}
                <strong>{shown}</strong>
                {newer.comment.clone().map(|comment| format!(" (commentaire : {comment})"))}
            </p>
            <p>"Rien n'a été écrasé. Que voulez-vous faire ?"</p>
            <ul class="fr-btns-group fr-btns-group--inline-sm">
                <li>
                    // The question again, with the current answer; a choice about the changes, so
                    // leaving them does not ask (`data-choice`).
                    <a class="fr-btn fr-btn--secondary" href=question_in_tree(contract_id, question_id)
                        data-question=question_id data-choice="">
                        "Reprendre la réponse actuelle"
                    </a>
                </li>
                <li>
                    <button type="submit" class="fr-btn">"Remplacer par ma réponse"</button>
                </li>
            </ul>
        </div>
    }
}
