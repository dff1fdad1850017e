//! The appraisal panel beside the tree: the question, the establishment's answer and documents,
//! and the form of the agency's appraisal. Written by the server from the address alone, a plain
//! form like the answer's, which the tree's island sends and swaps the same way (its classes and
//! ids are the answer panel's: `evaluation::panel`).

use ecars_core::evaluation::appraisal::{AppraisalView, Appreciation};
use ecars_core::routes::appraisal_href;
use leptos::prelude::*;

use super::api::SaveAppraisal;
use super::{AppraisalDetail, TypedAppraisal, SCORE_ID};
use crate::accounts::csrf::CsrfField;
use crate::documents::DocumentsIsland;
use crate::evaluation::{
    filter_in_address, AnswerView, ValueKind, ACHIEVED_ERROR, ACHIEVED_GROUP, ALL_SAVED, NEXT_FIELD, PANEL_AREA,
    PREVIOUS_PARAM, SAVED_PARAM, SAVE_STATUS,
};
use crate::layout::field_value;
use crate::layout::forms::{error_in_url, page_query, query_param, text_area_content};
use crate::AppError;

/// The appraisal panel of the question chosen, if any: nothing for a question of another contract.
pub fn appraisal_panel_area(question: Option<Result<AppraisalDetail, AppError>>, contract_id: i32) -> impl IntoView {
    let panel = match question {
        Some(Ok(detail)) if detail.question.contract.id == contract_id => {
            Some(view! { <AppraisalPanel detail/> }.into_any())
        }
        Some(Err(error)) => Some(view! { <crate::layout::ErrorAlert error/> }.into_any()),
        _ => None,
    };
    view! { <div class="tree-layout__panel" id=PANEL_AREA>{panel}</div> }
}

#[component]
fn AppraisalPanel(detail: AppraisalDetail) -> impl IntoView {
    let question = &detail.question;
    let (question_id, contract_id) = (question.id, question.contract.id);
    let year = question.year.map(|year| year.to_string()).unwrap_or_default();
    let weight = detail.weight.to_string();
    view! {
        <section class="question-panel fr-mt-4w fr-p-3w" id="question" aria-labelledby="question-titre"
            data-question=question_id>
            <h2 id="question-titre" class="fr-h4" tabindex="-1">{format!("{} - {}", question.code, question.label)}</h2>
            <PreviousAppraised contract_id/>
            <dl class="fields">
                <div><dt>"Etablissement :"</dt><dd>{question.contract.legal_entity.title()}</dd></div>
                <div><dt>"Objectif :"</dt><dd>{field_value(question.objective.clone())}</dd></div>
                <div><dt>"Année :"</dt><dd>{year.clone()}</dd></div>
                <div><dt>"Cible :"</dt><dd>{field_value(question.target.clone())}</dd></div>
                <div><dt>"Sens :"</dt><dd>{detail.direction.label()}</dd></div>
                <div><dt>"Poids :"</dt><dd>{weight}</dd></div>
            </dl>
            <EstablishmentAnswer answer=question.answer.clone() national=question.national year/>
            <DocumentsIsland title="Documents de l'indicateur".to_owned() folder=question.documents.clone() heading_level=3/>
            {if detail.editable {
                view! { <AppraisalForm detail=detail.clone()/> }.into_any()
            } else {
                view! { <ReadOnlyAppraisal appraisal=detail.appraisal.clone()/> }.into_any()
            }}
            // The score after this save: the page's score line follows (`data-replaces`).
            <p class="fr-text--sm fr-mt-2w" data-replaces=SCORE_ID data-text=detail.score.summary()>
                "Score de l'évaluation : " {detail.score.summary()}
            </p>
        </section>
    }
}

/// "Réponse de l'établissement": its Réalisé (or the national value) and comment, read-only.
#[component]
fn EstablishmentAnswer(answer: Option<AnswerView>, national: bool, year: String) -> impl IntoView {
    let achieved = answer.as_ref().and_then(|answer| match answer.not_concerned {
        true => Some("Non concerné".to_owned()),
        false => answer.achieved.clone(),
    });
    let (heading, value_label) = match national {
        true => ("Indicateur national", "Valeur nationale :"),
        false => ("Réponse de l'établissement", "Réalisé :"),
    };
    let modified = answer.as_ref().map(|answer| {
        let author = answer.updated_by.clone().unwrap_or_else(|| "reprise de données".to_owned());
        let source = answer.source.clone().map(|source| format!(" — source : {source}")).unwrap_or_default();
        format!("Modifiée le {} par {author}{source}", answer.updated_at)
    });
    view! {
        <h3 class="fr-h6 fr-mt-3w fr-mb-1w">{heading}</h3>
        <dl class="fields">
            <div><dt>{value_label}</dt><dd>{field_value(achieved)}</dd></div>
            <div>
                <dt>{format!("Commentaire évalué {year} :")}</dt>
                <dd>{field_value(answer.as_ref().and_then(|answer| answer.comment.clone()))}</dd>
            </div>
        </dl>
        {modified.map(|modified| view! { <p class="fr-text--sm">{modified}</p> })}
    }
}

/// The address of `question`'s appraisal panel in the tree, its year and filter kept.
fn question_in_tree(contract_id: i32, question: i32) -> String {
    let kept = filter_in_address().query();
    let year = page_query().get(ecars_core::routes::YEAR_PARAM).and_then(|year| year.parse().ok());
    format!("{}{}", appraisal_href(contract_id), ecars_core::routes::question_query_in(question, year, &kept))
}

/// Right after "Enregistrer et passer à la suivante", on the next question: the one just saved.
#[component]
fn PreviousAppraised(contract_id: i32) -> impl IntoView {
    let previous = page_query().get(PREVIOUS_PARAM).and_then(|id| id.parse::<i32>().ok());
    previous.map(|previous| {
        view! {
            <p class="fr-text--sm previous-saved">
                "Appréciation précédente enregistrée. "
                <a class="fr-link fr-text--sm" href=question_in_tree(contract_id, previous) data-question=previous>
                    "Revenir à la question précédente"
                </a>
            </p>
        }
    })
}

#[component]
fn AppraisalForm(detail: AppraisalDetail) -> impl IntoView {
    let question_id = detail.question.id;
    let contract_id = detail.question.contract.id;
    let current = detail.appraisal.clone();
    // After a post that was refused, the address holds the error and what was typed.
    let refusal = error_in_url::<SaveAppraisal>().get_untracked();
    let typed = match &refusal {
        Some(_) => TypedAppraisal::from_query(&page_query()),
        None => TypedAppraisal {
            retained_value: match &current {
                Some(appraisal) => appraisal.retained_value.clone().unwrap_or_default(),
                None => detail.proposed_value.clone().unwrap_or_default(),
            },
            appreciation: current
                .as_ref()
                .map_or(detail.proposed, |appraisal| appraisal.appreciation)
                .code()
                .to_owned(),
            comment: current.as_ref().and_then(|appraisal| appraisal.comment.clone()).unwrap_or_default(),
        },
    };
    let (conflict, error) = match refusal {
        Some(AppError::AppraisalConflict(newer)) => (Some(*newer), None),
        Some(error) => (None, Some(error.to_string())),
        None => (None, None),
    };
    // Shown a conflict, "Remplacer par mon appréciation" saves over the version just shown.
    let version = match &conflict {
        Some(newer) => newer.version,
        None => current.as_ref().map_or(0, |appraisal| appraisal.version),
    };
    let saved = query_param(SAVED_PARAM).get_untracked().map(|saved| match saved.as_str() {
        ALL_SAVED => "Appréciation enregistrée. Toutes les questions sont appréciées.",
        _ => "Appréciation enregistrée.",
    });
    let changed = if conflict.is_some() || error.is_some() { "true" } else { "false" };
    let save_path = <SaveAppraisal as leptos::server_fn::ServerFn>::PATH;
    let group_class = if error.is_some() { "fr-input-group fr-input-group--error" } else { "fr-input-group" };
    let hint = match detail.question.kind {
        ValueKind::YesNo => "Oui ou Non",
        ValueKind::Percentage => "Pourcentage, virgule ou point (exemple : 12,5)",
        ValueKind::Number => "Nombre, virgule ou point (exemple : 1250 ou 12,5)",
        ValueKind::Text => "Texte",
    };
    let proposal = format!("Appréciation proposée pour la valeur de l'établissement : {}", detail.proposed.label());
    view! {
        <form class="answer-form appraisal-form fr-mt-3w" method="post" action=save_path novalidate data-changed=changed>
            <h3 class="fr-h6">"Évaluation de l'agence"</h3>
            <CsrfField/>
            <input type="hidden" name="question_id" value=question_id/>
            <input type="hidden" name="version" value=version/>
            <div class=group_class id=ACHIEVED_GROUP>
                <label class="fr-label" for="valeur-retenue">"Valeur retenue" <span class="fr-hint-text">{hint}</span></label>
                <input class="fr-input" id="valeur-retenue" name="retained_value" type="text" autocomplete="off"
                    aria-describedby=ACHIEVED_ERROR value=typed.retained_value.clone()/>
                {error.map(|message| view! { <p class="fr-error-text" id=ACHIEVED_ERROR role="alert">{message}</p> })}
            </div>
            <fieldset class="fr-fieldset" aria-describedby="appreciation-proposee">
                <legend class="fr-fieldset__legend fr-text--regular">"Appréciation de l'agence"</legend>
                {Appreciation::ALL.into_iter().map(|appreciation| {
                    let id = format!("appreciation-{}", appreciation.code());
                    view! {
                        <div class="fr-fieldset__element">
                            <div class="fr-radio-group">
                                <input type="radio" id=id.clone() name="appreciation" value=appreciation.code()
                                    checked=typed.appreciation == appreciation.code()/>
                                <label class="fr-label" for=id>
                                    {format!("{} ({})", appreciation.label(), appreciation.points_label())}
                                </label>
                            </div>
                        </div>
                    }
                }).collect_view()}
                <p class="fr-hint-text fr-fieldset__element" id="appreciation-proposee">{proposal}</p>
            </fieldset>
            <div class="fr-input-group">
                <label class="fr-label" for="commentaire-agence">
                    "Commentaire de l'agence"
                    <span class="fr-hint-text">"Visible par l'établissement une fois l'évaluation notifiée"</span>
                </label>
                <textarea class="fr-input" id="commentaire-agence" name="comment" rows="4">{text_area_content(&typed.comment)}</textarea>
            </div>
            {conflict.map(|newer| view! { <AppraisalConflictNotice contract_id question_id newer/> })}
            <div class="answer-actions fr-mt-3w">
                <button class="fr-btn" type="submit">"Enregistrer"</button>
                <button class="fr-btn fr-btn--secondary" type="submit" name=NEXT_FIELD value="1">
                    "Enregistrer et passer à la suivante"
                </button>
            </div>
            <p role="status" class="fr-text--sm fr-mt-1w" id=SAVE_STATUS>{saved}</p>
        </form>
        {current.map(|appraisal| view! { <p class="fr-text--sm fr-mb-0">{modification(&appraisal)}</p> })}
    }
}

/// "Appréciation modifiée le ... par ...".
fn modification(appraisal: &AppraisalView) -> String {
    let author = appraisal.updated_by.clone().unwrap_or_default();
    format!("Appréciation modifiée le {} par {author}", appraisal.updated_at)
}

/// The appraisal as notified: no form.
#[component]
fn ReadOnlyAppraisal(appraisal: Option<AppraisalView>) -> impl IntoView {
    let modified = appraisal.as_ref().map(modification);
    view! {
        <h3 class="fr-h6 fr-mt-3w">"Évaluation de l'agence"</h3>
        <dl class="fields">
            <div><dt>"Valeur retenue :"</dt><dd>{field_value(appraisal.as_ref().and_then(|a| a.retained_value.clone()))}</dd></div>
            <div>
                <dt>"Appréciation de l'agence :"</dt>
                <dd>{field_value(appraisal.as_ref().map(|a| a.appreciation.label().to_owned()))}</dd>
            </div>
            <div><dt>"Commentaire de l'agence :"</dt><dd>{field_value(appraisal.as_ref().and_then(|a| a.comment.clone()))}</dd></div>
        </dl>
        {modified.map(|modified| view! { <p class="fr-text--sm">{modified}</p> })}
    }
}

/// Someone saved this appraisal meanwhile: show theirs, let the appraiser keep it or replace it.
#[component]
fn AppraisalConflictNotice(contract_id: i32, question_id: i32, newer: AppraisalView) -> impl IntoView {
    let retained = newer.retained_value.clone().map(|value| format!(", valeur retenue {value}")).unwrap_or_default();
    let author = newer.updated_by.clone().unwrap_or_default();
    view! {
        <div class="fr-alert fr-alert--warning fr-mb-3w" role="alert">
            <h3 class="fr-alert__title">"Cette appréciation a été modifiée entre-temps"</h3>
            <p>
                {format!("Appréciation actuelle, enregistrée le {} par {author} : ", newer.updated_at)}
                <strong>{format!("{}{retained}", newer.appreciation.label())}</strong>
                {newer.comment.clone().map(|comment| format!(" (commentaire : {comment})"))}
            </p>
            <p>"Rien n'a été écrasé. Que voulez-vous faire ?"</p>
            <ul class="fr-btns-group fr-btns-group--inline-sm">
                <li>
                    <a class="fr-btn fr-btn--secondary" href=question_in_tree(contract_id, question_id)
                        data-question=question_id data-choice="">
                        "Reprendre l'appréciation actuelle"
                    </a>
                </li>
                <li><button type="submit" class="fr-btn">"Remplacer par mon appréciation"</button></li>
            </ul>
        </div>
    }
}
