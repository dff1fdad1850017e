//! Server functions of the self-evaluation.

use leptos::prelude::*;

use super::IndicatorTree;
use crate::AppError;

#[server(endpoint = "indicateurs")]
pub async fn get_indicator_tree(contract_id: i32) -> Result<IndicatorTree, AppError> {
    let db = crate::accounts::access::contract_for_reading(contract_id).await?;
    super::service::tree(&db, contract_id).await?.ok_or(AppError::NotFound)
}
