//! Server functions of the contract pages.

use leptos::prelude::*;

use super::{ContractEstablishments, ContractPageData};
use crate::AppError;

#[server(endpoint = "contrat", client = crate::accounts::csrf::PortalClient)]
pub async fn get_contract(id: i32) -> Result<ContractPageData, AppError> {
    use crate::evaluation::{closing::ClosingState, closing_service};

    let viewer = crate::accounts::access::viewer()?;
    let state = crate::state::AppState::current()?;
    let db = state.db.clone();
    let access = crate::accounts::access::readable_contract(&db, &viewer, id).await?;
    let detail = super::service::detail(&db, id).await?.ok_or(AppError::NotFound)?;
    let open = detail.header.phase == super::Phase::AutoEvaluation;
    let closing = match open {
        true => ClosingState::Open(closing_service::missing(&db, &state.tree_shapes, id).await?),
        false => ClosingState::Closed(closing_service::closed_by(&db, &access.contract).await?),
    };
    Ok(ContractPageData { detail, editable: access.editable, closing })
}

#[server(endpoint = "etablissements_du_contrat", client = crate::accounts::csrf::PortalClient)]
pub async fn get_contract_establishments(id: i32) -> Result<ContractEstablishments, AppError> {
    let db = crate::accounts::access::contract_for_reading(id).await?;
    super::service::establishments(&db, id).await?.ok_or(AppError::NotFound)
}
