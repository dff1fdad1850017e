//! Server functions of the contract pages.

use leptos::prelude::*;

use super::{ContractDetail, ContractEstablishments};
use crate::AppError;

#[server]
pub async fn get_contract(id: i32) -> Result<ContractDetail, AppError> {
    let db = crate::db::from_context()?;
    super::service::detail(&db, id).await?.ok_or(AppError::NotFound)
}

#[server]
pub async fn get_contract_establishments(id: i32) -> Result<ContractEstablishments, AppError> {
    let db = crate::db::from_context()?;
    super::service::establishments(&db, id).await?.ok_or(AppError::NotFound)
}
