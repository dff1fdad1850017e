//! Server functions of documents (the streaming endpoints are in `web.rs`).

use leptos::prelude::*;

use super::{DocumentFolder, DocumentRow};
use crate::AppError;

/// The documents block of a contract (`contrat`) or an establishment (`etablissement`).
#[server(endpoint = "documents", client = crate::accounts::csrf::PortalClient)]
pub async fn get_documents(kind: String, id: i32) -> Result<DocumentFolder, AppError> {
    let viewer = crate::accounts::access::viewer()?;
    let state = crate::state::AppState::current()?;
    let place = super::Place::parse(&kind, id).ok_or(AppError::NotFound)?;
    super::service::folder(&state.db, &viewer, place, state.settings.max_document_bytes).await
}

/// Declares an establishment's document as its "Rapport d'évaluation" and tells the agency.
#[server(endpoint = "declarer_rapport_evaluation", client = crate::accounts::csrf::PortalClient)]
pub async fn declare_evaluation_report(document_id: i32) -> Result<DocumentRow, AppError> {
    let viewer = crate::accounts::access::viewer()?;
    let state = crate::state::AppState::current()?;
    // Without JavaScript, the browser comes back to the page it posted from, showing the notice.
    super::service::declare_report(&state.db, &state.outbox, &state.settings, &viewer, document_id).await
}
