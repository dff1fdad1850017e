//! Server functions of the administration: thin adapters over `finess_import`, for
//! administrators only ("not found" for anyone else).

use leptos::prelude::*;

use super::FinessPreview;
use crate::AppError;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;

/// The preview of a staged import: what "Confirmer l'import" would write.
#[server(endpoint = "apercu_import_finess", client = crate::accounts::csrf::PortalClient)]
pub async fn import_preview(token: String) -> Result<FinessPreview, AppError> {
    let (state, viewer, agency) = server::administrator()?;
    let staged = state.staging.open(viewer.user_id, &token)?;
    let plan = server::plan(&state, &agency, &staged).await?;
    Ok(server::preview(&staged.token, staged.departements().map_err(server::unreadable)?, &plan))
}

/// "Confirmer l'import": the same reading, written in one transaction.
#[server(endpoint = "confirmer_import_finess", client = crate::accounts::csrf::PortalClient)]
pub async fn confirm_finess_import(token: String) -> Result<String, AppError> {
    use ecars_core::routes::FINESS_IMPORT_PATH;

    use super::finess_import::apply;
    use super::IMPORTED_PARAM;
    use crate::accounts::web::{answer_plain_post, FormPage};
    use crate::audit::Actor;

    let imported = async {
        let (state, viewer, agency) = server::administrator()?;
        let staged = state.staging.open(viewer.user_id, &token)?;
        let plan = server::plan(&state, &agency, &staged).await?;
        let departements = staged.departements().map_err(server::unreadable)?;
        let applied = apply(&state.db, &agency, &departements, &plan, &Actor::of(&viewer)).await?;
        tracing::info!(
            user = viewer.user_id,
            created = applied.created,
            updated = applied.updated,
            "FINESS import applied"
        );
        if let Err(error) = staged.remove().await {
            tracing::warn!(%error, "an applied import's files could not be removed");
        }
        Ok::<_, AppError>(applied)
    }
    .await;
    let done = |applied: &super::finess_import::Applied| {
        format!("{FINESS_IMPORT_PATH}?{IMPORTED_PARAM}={},{}", applied.created, applied.updated)
    };
    answer_plain_post(ConfirmFinessImport::PATH, &imported, done, FormPage::posting([]));
    imported.map(|applied| imported_message(applied.created, applied.updated))
}

/// "Annuler": the staged files are removed, nothing is written.
#[server(endpoint = "annuler_import_finess", client = crate::accounts::csrf::PortalClient)]
pub async fn cancel_finess_import(token: String) -> Result<String, AppError> {
    use ecars_core::routes::FINESS_IMPORT_PATH;

    use crate::accounts::web::{answer_plain_post, FormPage};

    let cancelled = async {
        let (state, viewer, _) = server::administrator()?;
        state.staging.open(viewer.user_id, &token)?.remove().await.map_err(server::unreadable)?;
        Ok::<_, AppError>(FINESS_IMPORT_PATH.to_owned())
    }
    .await;
    answer_plain_post(CancelFinessImport::PATH, &cancelled, String::clone, FormPage::posting([]));
    cancelled
}

/// The journal's newest entries matching `filter`, and how many match.
#[server(endpoint = "journal", client = crate::accounts::csrf::PortalClient)]
pub async fn journal(
    #[server(default)] filter: super::journal::JournalFilter,
) -> Result<super::journal::JournalPage, AppError> {
    use super::journal::{search, JournalPage, SHOWN_ENTRIES};
    let viewer = crate::accounts::access::viewer()?;
    let scope = crate::administration::journal::search::journal_scope(&viewer)?;
    let state = crate::state::AppState::current()?;
    let (rows, total) = search::entries(&state.db, scope, &filter, SHOWN_ENTRIES).await?;
    Ok(JournalPage { rows, total })
}

/// "Import terminé : ...", after a confirmation.
pub fn imported_message(created: usize, updated: usize) -> String {
    format!("Import terminé : {created} création(s) et {updated} mise(s) à jour, en une seule fois.")
}

#[cfg(feature = "ssr")]
mod server;
