//! Server functions of the follow-up: thin adapters over `service`.

use leptos::prelude::*;

use super::dashboard::{Dashboard, DashboardFilter};
use crate::AppError;

/// "Suivi de la campagne" as `filter` asks, for an agency user; "not found" for anyone else.
#[server(endpoint = "suivi_de_campagne", client = crate::accounts::csrf::PortalClient)]
pub async fn follow_up_dashboard(#[server(default)] filter: DashboardFilter) -> Result<Dashboard, AppError> {
    let viewer = crate::accounts::access::viewer()?;
    let db = crate::state::AppState::current()?.db;
    super::service::dashboard(&db, &viewer, filter).await
}
