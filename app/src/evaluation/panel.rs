//! The question panel under the tree: the question, last year's values, and the form that
//! saves "Réalisé", "Non concerné" and the comment. It works as a plain form too: without
//! JavaScript the browser posts it and the server redirects back to the page.

use std::collections::HashMap;

use leptos::form::ActionForm;

use crate::accounts::csrf::CsrfField;
use leptos::prelude::*;

use super::api::SaveAnswer;
use super::page::TreeNavigation;
use super::rules::{FillProgress, QuestionStatus};
use super::values::AnswerValue;
use super::{AnswerView, QuestionDetail, TypedAnswer, ValueKind, ALL_SAVED, NEXT_FIELD, PREVIOUS_PARAM, SAVED_PARAM};
use crate::documents::DocumentsBlock;
use crate::layout::field_value;
use crate::layout::forms::{error_in_url, page_query, query_param, ticked_before_hydration, typed_before_hydration};
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
        #[cfg(feature = "hydrate")]
        super::page::tree_dom::paint(question_id, status);
    }

    /// A question's status as shown, without following its changes.
    #[cfg(feature = "hydrate")]
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

#[component]
pub fn QuestionPanel(
    detail: QuestionDetail,
    statuses: Statuses,
    dirty: RwSignal<bool>,
    navigation: TreeNavigation,
) -> impl IntoView {
    let year = detail.year.map(|year| year.to_string()).unwrap_or_default();
    let answer = detail.answer.clone();
    // Keyboard and screen-reader users land on the question they chose.
    let heading = NodeRef::<leptos::html::H2>::new();
    Effect::new(move |_| {
        if let Some(heading) = heading.get() {
            let _ = heading.focus();
        }
    });
    view! {
        <section class="question-panel fr-mt-4w fr-p-3w" id="question" aria-labelledby="question-titre">
            <h2 id="question-titre" class="fr-h4" tabindex="-1" node_ref=heading>{format!("{} - {}", detail.code, detail.label)}</h2>
            <PreviousSaved navigation/>
            <dl class="fields">
                <div><dt>"Etablissement :"</dt><dd>{detail.contract.legal_entity.title()}</dd></div>
                <div><dt>"Objectif :"</dt><dd>{field_value(detail.objective.clone())}</dd></div>
                <div><dt>"Indicateur / Question :"</dt><dd>{detail.label.clone()}</dd></div>
                <div><dt>"Année :"</dt><dd>{year.clone()}</dd></div>
                <div><dt>"Cible :"</dt><dd>{field_value(detail.target.clone())}</dd></div>
            </dl>
            {if detail.editable {
                view! { <AnswerForm detail statuses dirty navigation/> }.into_any()
            } else {
                view! {
                    <ReadOnlyAnswer answer previous=(detail.previous_achieved, detail.previous_comment) year national=detail.national/>
                    <DocumentsBlock title=DOCUMENTS.to_owned() folder=detail.documents heading_level=3/>
                }
                .into_any()
            }}
        </section>
    }
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

/// Right after "Enregistrer et passer à la suivante", on the next question: the one just saved.
#[component]
fn PreviousSaved(navigation: TreeNavigation) -> impl IntoView {
    let previous = page_query().get(PREVIOUS_PARAM).and_then(|id| id.parse::<i32>().ok());
    previous.map(|previous| {
        view! {
            <p class="fr-text--sm previous-saved">
                "Réponse précédente enregistrée. "
                <a class="fr-link fr-text--sm" href=navigation.address(previous)
                    on:click=move |event| navigation.follow(event, previous)>
                    "Revenir à la question précédente"
                </a>
            </p>
        }
    })
}

#[component]
fn AnswerForm(
    detail: QuestionDetail,
    statuses: Statuses,
    dirty: RwSignal<bool>,
    navigation: TreeNavigation,
) -> impl IntoView {
    let save = ServerAction::<SaveAnswer>::new();
    let question_id = detail.id;
    let initial = detail.answer.clone();
    let current = RwSignal::new(initial.clone());
    // After a plain form post that failed, the address holds the error and what was typed.
    let error_after_post = error_in_url::<SaveAnswer>().get_untracked();
    let shown = match &error_after_post {
        Some(_) => TypedAnswer::from_query(&page_query()),
        None => TypedAnswer {
            not_concerned: initial.as_ref().is_some_and(|answer| answer.not_concerned),
            achieved: initial.as_ref().and_then(|answer| answer.achieved.clone()).unwrap_or_default(),
            comment: initial.as_ref().and_then(|answer| answer.comment.clone()).unwrap_or_default(),
        },
    };
    dirty.set(error_after_post.is_some());
    let typed = typed_before_hydration_answer(detail.kind, &shown);
    let not_concerned = RwSignal::new(shown.not_concerned);
    let achieved = RwSignal::new(shown.achieved.clone());
    let comment = RwSignal::new(shown.comment.clone());
    // On a slow link, what was typed before the WASM arrived wins once hydrated, and is unsaved.
    if typed != shown {
        Effect::new(move |_| {
            not_concerned.set(typed.not_concerned);
            achieved.set(typed.achieved.clone());
            comment.set(typed.comment.clone());
            dirty.set(true);
        });
    }
    let conflict = RwSignal::new(match &error_after_post {
        Some(AppError::Conflict(newer)) => Some((**newer).clone()),
        _ => None,
    });
    // Shown a conflict, "Remplacer par ma réponse" saves over the version just shown.
    let version = RwSignal::new(match conflict.get_untracked() {
        Some(newer) => newer.version,
        None => initial.as_ref().map_or(0, |answer| answer.version),
    });
    let version_input = NodeRef::<leptos::html::Input>::new();
    let saved_after_post = query_param(SAVED_PARAM).get_untracked();
    // Which button sent the form: "Enregistrer et passer à la suivante" opens the next question.
    let wants_next = RwSignal::new(false);

    // A saved answer: the dot turns green and the percentage rises at once (both follow `statuses`).
    Effect::new(move |_| match save.value().get() {
        Some(Ok(saved)) => {
            version.set(saved.answer.version);
            current.set(Some(saved.answer));
            statuses.set(saved.question_id, saved.status);
            conflict.set(None);
            dirty.set(false);
            if let (true, Some(next)) = (wants_next.get_untracked(), saved.next) {
                navigation.open(next, Some(saved.question_id));
            }
        }
        Some(Err(AppError::Conflict(newer))) => conflict.set(Some(*newer)),
        _ => {}
    });
    // What the shared rules refuse is not sent: the same message as the server's is shown.
    let refused = RwSignal::new(None::<String>);
    let error = Signal::derive(move || {
        refused.get().or_else(|| {
            match save.value().get().map(Result::err).unwrap_or_else(|| error_after_post.clone()) {
                Some(AppError::Conflict(_)) | None => None,
                Some(error) => Some(error.to_string()),
            }
        })
    });
    let saved_message = move || {
        let all_saved = match save.value().get() {
            Some(Ok(saved)) => wants_next.get_untracked() && saved.next.is_none(),
            Some(Err(_)) => return None,
            None => saved_after_post.as_deref()? == ALL_SAVED,
        };
        Some(match all_saved {
            true => "Réponse enregistrée. Il ne reste aucune question à saisir : vous pouvez clore la saisie depuis la page du contrat.",
            false => "Réponse enregistrée.",
        })
    };
    let touched = move || dirty.set(true);
    let year = detail.year.map(|year| year.to_string()).unwrap_or_default();
    let kind = detail.kind;
    let check_before_sending = move |event: leptos::ev::MouseEvent| {
        let refusal = AnswerValue::parse(
            kind,
            not_concerned.get_untracked(),
            &achieved.get_untracked(),
            &comment.get_untracked(),
        )
        .err();
        if refusal.is_some() {
            event.prevent_default();
        }
        refused.set(refusal);
    };

    view! {
        <ActionForm action=save attr:class="answer-form" attr:novalidate=true>
            <CsrfField/>
            <input type="hidden" name="question_id" value=question_id/>
            <input type="hidden" name="version" node_ref=version_input value=version.get_untracked()
                prop:value=move || version.get().to_string()/>
            <div class="fr-checkbox-group fr-mb-3w">
                <input type="checkbox" id="non-concerne" name="not_concerned" value="on"
                    checked=not_concerned.get_untracked() prop:checked=move || not_concerned.get()
                    on:change=move |ev| { not_concerned.set(event_target_checked(&ev)); touched(); }/>
                <label class="fr-label" for="non-concerne">"Non concerné"</label>
            </div>
            <div class="answer-columns">
                <div class=move || if error.get().is_some() { "fr-input-group fr-input-group--error" } else { "fr-input-group" }>
                    <AchievedInput kind value=achieved disabled=not_concerned on_change=touched/>
                    {move || error.get().map(|message| view! {
                        <p class="fr-error-text" id="realise-erreur" role="alert">{message}</p>
                    })}
                </div>
                <div class="previous-value">
                    <p class="fr-text--sm fr-mb-1v"><strong>"Réalisé l'année précédente"</strong></p>
                    <p class="fr-text--sm">{field_value(detail.previous_achieved.clone())}</p>
                </div>
            </div>
            <div class="answer-columns">
                <div class="fr-input-group">
                    <label class="fr-label" for="commentaire">{format!("Commentaire évalué {year}")}</label>
                    <textarea class="fr-input" id="commentaire" name="comment" rows="4"
                        prop:value=move || comment.get()
                        on:input=move |ev| { comment.set(event_target_value(&ev)); touched(); }>
                        {comment.get_untracked()}
                    </textarea>
                </div>
                <div class="previous-value">
                    <p class="fr-text--sm fr-mb-1v"><strong>"Commentaire de l'année précédente"</strong></p>
                    <p class="fr-text--sm">{field_value(detail.previous_comment.clone())}</p>
                </div>
            </div>
            {move || conflict.get().map(|newer| {
                let shown = newer.clone();
                let choose = move |replace: bool| {
                    // "Remplacer par ma réponse" is a plain save.
                    wants_next.set(false);
                    version.set(newer.version);
                    // Set at once: the form is read right after this click.
                    if let Some(input) = version_input.get_untracked() {
                        input.set_value(&newer.version.to_string());
                    }
                    if !replace {
                        not_concerned.set(newer.not_concerned);
                        achieved.set(newer.achieved.clone().unwrap_or_default());
                        comment.set(newer.comment.clone().unwrap_or_default());
                        current.set(Some(newer.clone()));
                        dirty.set(false);
                        conflict.set(None);
                    }
                    // To replace, the notice stays until the save answers: removing its button
                    // now would cancel the form's submission.
                };
                view! { <ConflictNotice question_id newer=shown choose check_before_sending/> }
            })}
            <DocumentsBlock title=DOCUMENTS.to_owned() folder=detail.documents.clone() heading_level=3/>
            // "Enregistrer" first: Enter in a field still means it.
            <div class="answer-actions fr-mt-3w">
                <button class="fr-btn" type="submit" disabled=move || save.pending().get()
                    on:click=move |event| { wants_next.set(false); check_before_sending(event); }>"Enregistrer"</button>
                <button class="fr-btn fr-btn--secondary" type="submit" name=NEXT_FIELD value="1"
                    disabled=move || save.pending().get()
                    on:click=move |event| { wants_next.set(true); check_before_sending(event); }>
                    "Enregistrer et passer à la suivante"
                </button>
            </div>
            <p role="status" class="fr-text--sm fr-mt-1w">
                {move || match save.pending().get() {
                    true => Some("Enregistrement…"),
                    false => saved_message(),
                }}
            </p>
        </ActionForm>
        {move || modification(current.get())}
    }
}

/// The answer form's fields as they stand when the panel is hydrated (`shown` where untouched).
fn typed_before_hydration_answer(kind: ValueKind, shown: &TypedAnswer) -> TypedAnswer {
    let achieved = match kind {
        // Both read, so that neither is read later from another panel.
        ValueKind::YesNo => ["Oui", "Non"]
            .map(|choice| (choice, ticked_before_hydration(&format!("realise-{}", choice.to_lowercase()))))
            .into_iter()
            .find(|(_, ticked)| *ticked == Some(true))
            .map(|(choice, _)| choice.to_owned()),
        _ => typed_before_hydration("realise"),
    };
    TypedAnswer {
        not_concerned: ticked_before_hydration("non-concerne").unwrap_or(shown.not_concerned),
        achieved: achieved.unwrap_or_else(|| shown.achieved.clone()),
        comment: typed_before_hydration("commentaire").unwrap_or_else(|| shown.comment.clone()),
    }
}

/// "Réalisé", as the question's kind wants it.
#[component]
fn AchievedInput(
    kind: ValueKind,
    value: RwSignal<String>,
    disabled: RwSignal<bool>,
    on_change: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let set = move |text: String| {
        value.set(text);
        on_change();
    };
    match kind {
        ValueKind::YesNo => view! {
            <fieldset class="fr-fieldset" aria-describedby="realise-erreur">
                <legend class="fr-fieldset__legend fr-text--regular">"Réalisé"</legend>
                {["Oui", "Non"].into_iter().map(|choice| {
                    let id = format!("realise-{}", choice.to_lowercase());
                    view! {
                        <div class="fr-fieldset__element fr-fieldset__element--inline">
                            <div class="fr-radio-group">
                                <input type="radio" id=id.clone() name="achieved" value=choice
                                    checked=value.get_untracked() == choice
                                    prop:checked=move || value.get() == choice
                                    prop:disabled=move || disabled.get()
                                    on:change=move |_| set(choice.to_owned())/>
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
            <textarea class="fr-input" id="realise" name="achieved" rows="3" aria-describedby="realise-erreur"
                prop:disabled=move || disabled.get()
                prop:value=move || value.get()
                on:input=move |ev| set(event_target_value(&ev))>
                {value.get_untracked()}
            </textarea>
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
                    autocomplete="off" aria-describedby="realise-erreur"
                    value=value.get_untracked()
                    prop:value=move || value.get()
                    prop:disabled=move || disabled.get()
                    on:input=move |ev| set(event_target_value(&ev))/>
            }
            .into_any()
        }
    }
}

/// Someone saved meanwhile: show their answer, let the user keep it or replace it.
#[component]
fn ConflictNotice(
    question_id: i32,
    newer: AnswerView,
    choose: impl Fn(bool) + Clone + Send + Sync + 'static,
    check_before_sending: impl Fn(leptos::ev::MouseEvent) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let shown =
        if newer.not_concerned { "Non concerné".to_owned() } else { newer.achieved.clone().unwrap_or_default() };
    let author = newer.updated_by.clone().unwrap_or_default();
    let keep = choose.clone();
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
                    // A link, so that without JavaScript it reloads the question with the current answer.
                    <a class="fr-btn fr-btn--secondary" href=crate::routes::question_query(question_id) data-choice=""
                        on:click=move |event| { event.prevent_default(); keep(false); }>
                        "Reprendre la réponse actuelle"
                    </a>
                </li>
                <li>
                    <button type="submit" class="fr-btn"
                        on:click=move |event| { check_before_sending(event); choose(true); }>
                        "Remplacer par ma réponse"
                    </button>
                </li>
            </ul>
        </div>
    }
}
