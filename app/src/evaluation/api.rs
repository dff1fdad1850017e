//! Server functions of the self-evaluation.

use leptos::prelude::*;

use super::{IndicatorTree, QuestionDetail, SavedAnswer};
use crate::AppError;

#[server(endpoint = "indicateurs")]
pub async fn get_indicator_tree(contract_id: i32) -> Result<IndicatorTree, AppError> {
    let db = crate::accounts::access::contract_for_reading(contract_id).await?;
    let state = crate::state::AppState::current()?;
    super::service::tree(&db, &state.tree_shapes, contract_id).await?.ok_or(AppError::NotFound)
}

/// The question panel: the question, last year's values and the current answer.
#[server(endpoint = "question")]
pub async fn get_question(question_id: i32) -> Result<QuestionDetail, AppError> {
    let viewer = crate::accounts::access::viewer()?;
    let state = crate::state::AppState::current()?;
    super::service::question(&state.db, &viewer, question_id, state.settings.max_document_bytes).await
}

/// "Enregistrer": `version` is the one the panel was loaded with (0 for a first answer);
/// `not_concerned` is the checkbox ("on" when ticked).
#[server(endpoint = "enregistrer_reponse")]
pub async fn save_answer(
    question_id: i32,
    version: i32,
    not_concerned: Option<String>,
    achieved: Option<String>,
    comment: Option<String>,
) -> Result<SavedAnswer, AppError> {
    use super::service::{save, AnswerInput};
    use super::TypedAnswer;

    let viewer = crate::accounts::access::viewer()?;
    let typed = TypedAnswer {
        not_concerned: not_concerned.is_some_and(|value| !value.is_empty()),
        achieved: achieved.unwrap_or_default(),
        comment: comment.unwrap_or_default(),
    };
    let input =
        AnswerInput { version, not_concerned: typed.not_concerned, achieved: &typed.achieved, comment: &typed.comment };
    let result = save(&crate::state::AppState::current()?.db, &viewer, question_id, input).await;
    if crate::accounts::web::is_plain_form_post() {
        back_to_panel(question_id, &typed, &result);
    }
    result
}

/// Without JavaScript, the browser goes back to the question's panel: with "Réponse
/// enregistrée.", or with the error and what the user typed.
#[cfg(feature = "ssr")]
fn back_to_panel(question_id: i32, typed: &super::TypedAnswer, result: &Result<SavedAnswer, AppError>) {
    use leptos::server_fn::{error::ServerFnUrlError, ServerFn};

    let Some(mut page) = crate::accounts::web::referer() else { return };
    page.query_pairs_mut().clear().append_pair(crate::routes::QUESTION_PARAM, &question_id.to_string());
    match result {
        Ok(_) => {
            page.query_pairs_mut().append_pair(super::SAVED_PARAM, "1");
        }
        Err(error) => {
            page.query_pairs_mut().extend_pairs(typed.query_pairs());
            match ServerFnUrlError::new(SaveAnswer::PATH, error.clone()).to_url(page.as_str()) {
                Ok(with_error) => page = with_error,
                Err(_) => return,
            }
        }
    }
    // Only the path and query of our own page: never an address the request chose.
    let query = page.query().unwrap_or_default();
    leptos_axum::redirect(&format!("{}?{query}#{}", page.path(), crate::routes::QUESTION_ANCHOR));
}

/// "Clore la saisie", once confirmed. Without JavaScript the browser goes to the contract page
/// after closing, or back to the confirmation page with what is still missing.
#[server(endpoint = "clore_la_saisie")]
pub async fn close_evaluation(contract_id: i32) -> Result<super::closing::ClosingReceipt, AppError> {
    use super::closing_service;

    let viewer = crate::accounts::access::viewer()?;
    let state = crate::state::AppState::current()?;
    let public_url = &state.settings.public_url;
    let result =
        closing_service::close(&state.db, &state.tree_shapes, &state.outbox, public_url, &viewer, contract_id).await;
    if crate::accounts::web::is_plain_form_post() {
        use leptos::server_fn::{error::ServerFnUrlError, ServerFn};
        let contract_page = crate::routes::contract_href(contract_id);
        match &result {
            Ok(_) => leptos_axum::redirect(&format!("{contract_page}?{}=1", super::CLOSED_PARAM)),
            Err(error) => {
                let page = crate::routes::closing_href(contract_id);
                let with_error = ServerFnUrlError::new(CloseEvaluation::PATH, error.clone())
                    .to_url(&format!("http://localhost{page}"))
                    .map(|url| format!("{page}?{}", url.query().unwrap_or_default()));
                leptos_axum::redirect(&with_error.unwrap_or(page));
            }
        }
    }
    result
}

/// The printable "Accusé de clôture" of a closed contract.
#[server(endpoint = "accuse_de_cloture")]
pub async fn get_closing_receipt(contract_id: i32) -> Result<super::closing::ClosingReceipt, AppError> {
    let viewer = crate::accounts::access::viewer()?;
    super::closing_service::receipt(&crate::state::AppState::current()?.db, &viewer, contract_id).await
}
