//! "Évaluer": the tree of a closed year, each question's dot saying whether the agency appraised
//! it, the score, and the appraisal panel of the question chosen. The same tree, island and panel
//! swapping as "Saisir les indicateurs" (`evaluation::tree_beside_panel`), in its appraisal mode.

use ecars_core::routes::{appraisal_href, contract_href, YEAR_PARAM};
use leptos::prelude::*;

use super::api::{get_appraisal, get_appraisal_tree, NotifyProvisional};
use super::panel::appraisal_panel_area;
use super::{AppraisalDetail, AppraisalTree, SCORE_ID};
use crate::accounts::csrf::CsrfField;
use crate::app::{contract_resource, contract_resource_with};
use crate::evaluation::{question_in_address, tree_beside_panel, TreeMode};
use crate::layout::forms::error_in_url;
use crate::layout::{when_loaded, ContractPageTop};
use crate::AppError;

const TITLE: &str = "Évaluer";

#[component]
pub fn AppraisalPage() -> impl IntoView {
    let question = question_in_address();
    let page = contract_resource_with(YEAR_PARAM, move |contract_id, year| async move {
        let tree = get_appraisal_tree(contract_id, year).await?;
        Ok((tree, load_appraisal(question).await))
    });
    view! {
        {when_loaded(page, |(appraisal, question)| {
            let AppraisalTree { tree, score, editable } = appraisal;
            let contract = tree.contract.clone();
            let phase = contract.phase;
            let progress = tree.progress();
            let left = progress.required - progress.answered;
            view! {
                <ContractPageTop contract=contract.clone() page=TITLE/>
                <h1>{format!("Évaluer l'année {} : {}", contract.year, contract.name)}</h1>
                <p>
                    "Pour chaque question, la valeur retenue, l'appréciation et le commentaire de l'agence. "
                    "L'établissement ne les voit qu'une fois l'évaluation provisoire notifiée. "
                    <a class="fr-link" href=contract_href(contract.id)>"Revenir au contrat"</a>
                </p>
                {(!editable).then(|| view! {
                    <div class="fr-alert fr-alert--info fr-alert--sm fr-mb-3w">
                        <p>{format!("L'évaluation est à l'étape « {} » : ses appréciations ne sont plus modifiables.", phase.label())}</p>
                    </div>
                })}
                <p class="appraisal-score">
                    "Score de l'évaluation : " <strong id=SCORE_ID>{score.summary()}</strong>
                </p>
                {editable.then(|| view! { <NotifyForm contract_id=contract.id year=contract.year left/> })}
                {tree_beside_panel(TreeMode::Appraisal, tree, appraisal_panel_area(question, contract.id).into_any())}
            }
        })}
    }
}

/// "Notifier l'évaluation provisoire", once every question is appraised, confirmed by a box
/// (a plain form: the page that follows says what was done).
#[component]
fn NotifyForm(contract_id: i32, year: i32, left: usize) -> impl IntoView {
    let refusal = error_in_url::<NotifyProvisional>().get_untracked().map(|error| error.to_string());
    let action = <NotifyProvisional as leptos::server_fn::ServerFn>::PATH;
    view! {
        <section class="notify-provisional fr-mb-3w" aria-labelledby="notifier">
            <h2 id="notifier" class="fr-h6">"Notifier l'évaluation provisoire"</h2>
            {match left {
                0 => view! {
                    <form method="post" action=action>
                        <CsrfField/>
                        <input type="hidden" name="contract_id" value=contract_id/>
                        <input type="hidden" name="year" value=year/>
                        <div class="fr-checkbox-group fr-mb-2w">
                            <input type="checkbox" id="confirmer-notification" name="confirm" value="on" required/>
                            <label class="fr-label" for="confirmer-notification">
                                "Je confirme la notification : le courrier est envoyé à l'établissement, qui dispose du délai \
                                 de réponse pour présenter ses observations, et les appréciations ne sont plus modifiables."
                            </label>
                        </div>
                        {refusal.map(|message| view! { <p class="fr-error-text fr-mb-2w" role="alert">{message}</p> })}
                        <button class="fr-btn" type="submit">"Notifier l'évaluation provisoire"</button>
                    </form>
                }
                .into_any(),
                left => view! {
                    <p class="fr-text--sm">
                        {format!("Chaque question doit être appréciée avant la notification : il en reste {left}.")}
                    </p>
                }
                .into_any(),
            }}
        </section>
    }
}

/// The question chosen, loaded for its panel; `None` when none is.
async fn load_appraisal(question: Option<i32>) -> Option<Result<AppraisalDetail, AppError>> {
    match question {
        Some(id) => Some(get_appraisal(id).await),
        None => None,
    }
}

/// A question's appraisal panel alone, as the tree's island fetches it: a page of its own too,
/// which works without JavaScript.
#[component]
pub fn AppraisalPanelPage() -> impl IntoView {
    let question = question_in_address();
    let page = contract_resource(move |contract_id| async move {
        let detail = load_appraisal(question).await.ok_or(AppError::NotFound)??;
        // A question of another contract is not shown under this one.
        match detail.question.contract.id == contract_id {
            true => Ok(detail),
            false => Err(AppError::NotFound),
        }
    });
    view! {
        {when_loaded(page, |detail: AppraisalDetail| {
            let contract = detail.question.contract.clone();
            let heading = format!("Évaluer la question {} - {}", detail.question.code, contract.name);
            view! {
                <ContractPageTop contract=contract.clone() page=TITLE/>
                <h1 class="fr-h3">{heading}</h1>
                <p><a class="fr-link" href=appraisal_href(contract.id)>"Voir l'arbre des indicateurs"</a></p>
                {appraisal_panel_area(Some(Ok(detail)), contract.id)}
            }
        })}
    }
}
