//! Server functions of the self-evaluation.

use leptos::prelude::*;

use super::IndicatorTree;
use crate::AppError;

#[server]
pub async fn get_indicator_tree(contract_id: i32) -> Result<IndicatorTree, AppError> {
    let db = crate::db::from_context()?;
    super::service::tree(&db, contract_id).await?.ok_or(AppError::NotFound)
}
