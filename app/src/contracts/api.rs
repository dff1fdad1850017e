//! Server functions of the contract pages.

use leptos::prelude::*;

use super::{ContractDetail, ContractEstablishments};
use crate::AppError;

#[server(endpoint = "contrat")]
pub async fn get_contract(id: i32) -> Result<ContractDetail, AppError> {
    let db = crate::accounts::access::contract_for_reading(id).await?;
    super::service::detail(&db, id).await?.ok_or(AppError::NotFound)
}

#[server(endpoint = "etablissements_du_contrat")]
pub async fn get_contract_establishments(id: i32) -> Result<ContractEstablishments, AppError> {
    let db = crate::accounts::access::contract_for_reading(id).await?;
    super::service::establishments(&db, id).await?.ok_or(AppError::NotFound)
}
