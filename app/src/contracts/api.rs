//! Server functions of the contract pages.

use leptos::prelude::*;

use super::{ContractEstablishments, ContractPageData};
use crate::AppError;

#[server(endpoint = "contrat")]
pub async fn get_contract(id: i32) -> Result<ContractPageData, AppError> {
    use crate::evaluation::{closing::ClosingState, closing_service, service::TreeShapes};

    let viewer = crate::accounts::access::viewer()?;
    let db = crate::db::from_context()?;
    let contract = crate::accounts::access::readable_contract(&db, &viewer, id).await?;
    let detail = super::service::detail(&db, id).await?.ok_or(AppError::NotFound)?;
    let open = detail.header.phase == super::Phase::AutoEvaluation;
    let closing = match open {
        true => ClosingState::Open(closing_service::missing(&db, &TreeShapes::from_context()?, id).await?),
        false => ClosingState::Closed(closing_service::closed_by(&db, &contract).await?),
    };
    Ok(ContractPageData { detail, editable: open && viewer.can_write(contract.legal_entity_id), closing })
}

#[server(endpoint = "etablissements_du_contrat")]
pub async fn get_contract_establishments(id: i32) -> Result<ContractEstablishments, AppError> {
    let db = crate::accounts::access::contract_for_reading(id).await?;
    super::service::establishments(&db, id).await?.ok_or(AppError::NotFound)
}
