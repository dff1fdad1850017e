//! Server functions of the self-evaluation.

use leptos::prelude::*;

use super::{IndicatorTree, QuestionDetail, SavedAnswer};
use crate::AppError;

#[server(endpoint = "indicateurs")]
pub async fn get_indicator_tree(contract_id: i32) -> Result<IndicatorTree, AppError> {
    let db = crate::accounts::access::contract_for_reading(contract_id).await?;
    super::service::tree(&db, contract_id).await?.ok_or(AppError::NotFound)
}

/// The question panel: the question, last year's values and the current answer.
#[server(endpoint = "question")]
pub async fn get_question(question_id: i32) -> Result<QuestionDetail, AppError> {
    let viewer = crate::accounts::access::viewer()?;
    super::service::question(&crate::db::from_context()?, &viewer, question_id).await
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

    let viewer = crate::accounts::access::viewer()?;
    let input = AnswerInput {
        version,
        not_concerned: not_concerned.is_some_and(|value| !value.is_empty()),
        achieved: achieved.as_deref().unwrap_or(""),
        comment: comment.as_deref().unwrap_or(""),
    };
    save(&crate::db::from_context()?, &viewer, question_id, input).await
}
