//! Server functions of the legal entity pages.

use leptos::prelude::*;

use super::{EstablishmentDetail, LegalEntityDetail, LegalEntityRow};
use crate::AppError;

#[server(endpoint = "entites_juridiques", client = crate::accounts::csrf::PortalClient)]
pub async fn list_legal_entities() -> Result<Vec<LegalEntityRow>, AppError> {
    let viewer = crate::accounts::access::viewer()?;
    let db = crate::state::AppState::current()?.db;
    Ok(super::service::list(&db, viewer.reach()).await?)
}

#[server(endpoint = "entite_juridique", client = crate::accounts::csrf::PortalClient)]
pub async fn get_legal_entity(finess: String) -> Result<LegalEntityDetail, AppError> {
    use crate::accounts::access;

    let viewer = access::viewer()?;
    let db = crate::state::AppState::current()?.db;
    let entity = access::readable_legal_entity(&db, &viewer, &finess).await?;
    Ok(super::service::detail(&db, entity).await?)
}

/// An establishment of a legal entity the viewer may read, with its documents.
#[server(endpoint = "etablissement", client = crate::accounts::csrf::PortalClient)]
pub async fn get_establishment(id: i32) -> Result<EstablishmentDetail, AppError> {
    let viewer = crate::accounts::access::viewer()?;
    let state = crate::state::AppState::current()?;
    super::service::establishment(&state.db, &viewer, id, state.settings.max_document_bytes).await
}
