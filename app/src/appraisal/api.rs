//! Server functions of "Évaluer".

use leptos::prelude::*;

use super::{AppraisalDetail, AppraisalTree, SavedAppraisal};
use crate::AppError;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;

/// The tree of the contract's current evaluation, or of an earlier `year`, as the agency appraises it.
#[server(endpoint = "evaluation_agence", client = crate::accounts::csrf::PortalClient)]
pub async fn get_appraisal_tree(
    contract_id: i32,
    #[server(default)] year: Option<i32>,
) -> Result<AppraisalTree, AppError> {
    let viewer = crate::accounts::access::viewer()?;
    let state = crate::state::AppState::current()?;
    super::service::tree(&state.db, &state.tree_shapes, &viewer, ecars_core::ids::ContractId(contract_id), year).await
}

/// The appraisal panel of a question.
#[server(endpoint = "appreciation", client = crate::accounts::csrf::PortalClient)]
pub async fn get_appraisal(question_id: i32) -> Result<AppraisalDetail, AppError> {
    let viewer = crate::accounts::access::viewer()?;
    let state = crate::state::AppState::current()?;
    super::service::question(
        &state.db,
        &viewer,
        ecars_core::ids::QuestionId(question_id),
        state.settings.max_document_bytes,
    )
    .await
}

/// "Enregistrer" an appraisal: `version` is the one the panel was loaded with (0 for a first
/// one). `next` and `panel` as for an answer (`evaluation::api::save_answer`).
#[server(endpoint = "enregistrer_appreciation", client = crate::accounts::csrf::PortalClient)]
pub async fn save_appraisal(
    question_id: i32,
    version: i32,
    retained_value: Option<String>,
    appreciation: Option<String>,
    comment: Option<String>,
    #[server(default)] next: Option<String>,
    #[server(default)] panel: Option<String>,
) -> Result<SavedAppraisal, AppError> {
    use ecars_core::routes::YEAR_PARAM;

    use super::service::{next_to_appraise, save, AppraisalInput};
    use super::TypedAppraisal;
    use crate::evaluation::api::PanelPost;

    let viewer = crate::accounts::access::viewer()?;
    let state = crate::state::AppState::current()?;
    let typed = TypedAppraisal {
        retained_value: retained_value.unwrap_or_default(),
        appreciation: appreciation.unwrap_or_default(),
        comment: comment.unwrap_or_default(),
    };
    let input = AppraisalInput {
        version,
        retained_value: &typed.retained_value,
        appreciation: &typed.appreciation,
        comment: &typed.comment,
    };
    let question = ecars_core::ids::QuestionId(question_id);
    let mut result = save(&state.db, &viewer, question, input).await;
    let wants_next = next.is_some();
    if let (Ok(saved), true) = (&mut result, wants_next) {
        saved.next = next_to_appraise(&state.db, &state.tree_shapes, &viewer, question).await?;
    }
    // As for an answer, the tree's year kept too.
    let kept: Vec<&str> = ecars_core::evaluation::tree_filter::PARAMS.into_iter().chain([YEAR_PARAM]).collect();
    let post =
        PanelPost { path: SaveAppraisal::PATH, kept: &kept, question_id, wants_next, for_island: panel.is_some() };
    post.answer(&result, typed.query_pairs(), |saved| (saved.next, saved.status));
    result
}

/// "Évaluation de l'agence" of the contract's current evaluation, or of an earlier `year`.
#[server(endpoint = "evaluation_notifiee", client = crate::accounts::csrf::PortalClient)]
pub async fn get_agency_evaluation(
    contract_id: i32,
    #[server(default)] year: Option<i32>,
) -> Result<super::AgencyEvaluation, AppError> {
    let viewer = crate::accounts::access::viewer()?;
    let state = crate::state::AppState::current()?;
    super::notification::agency_evaluation(&state.db, &viewer, ecars_core::ids::ContractId(contract_id), year).await
}

/// "Notifier l'évaluation provisoire", once confirmed (`confirm`, the box ticked). Without
/// JavaScript the browser goes to the agency's evaluation as notified, or back to "Évaluer" with
/// why it was refused.
#[server(endpoint = "notifier_evaluation_provisoire", client = crate::accounts::csrf::PortalClient)]
pub async fn notify_provisional(
    contract_id: i32,
    #[server(default)] year: Option<i32>,
    #[server(default)] confirm: Option<String>,
) -> Result<i32, AppError> {
    use crate::accounts::web::{answer_plain_post, FormPage};
    use ecars_core::routes::{agency_evaluation_href, YEAR_PARAM};

    let viewer = crate::accounts::access::viewer()?;
    let state = crate::state::AppState::current()?;
    let result = match confirm.filter(|value| !value.is_empty()) {
        None => Err(AppError::Invalid(
            "Cochez la case de confirmation : la notification prévient l'établissement et fige l'évaluation."
                .to_owned(),
        )),
        Some(_) => {
            super::notification::notify_provisional(
                &state.db,
                &state.documents,
                &state.outbox,
                &state.settings.public_url,
                &viewer,
                ecars_core::ids::ContractId(contract_id),
                year,
            )
            .await
        }
    };
    let done = |_: &i32| {
        let year = year.map(|year| format!("&{YEAR_PARAM}={year}")).unwrap_or_default();
        format!("{}?{}=1{year}", agency_evaluation_href(contract_id), super::NOTIFIED_PARAM)
    };
    let back = FormPage::posting([]);
    answer_plain_post(NotifyProvisional::PATH, &result, done, back);
    result
}
