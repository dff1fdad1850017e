//! The server's side of `api` (behind `ssr`: the browser's build never reads this file).

use super::super::web::NAME_NOTE;
use super::super::ReferentialPreview;
use crate::administration::staging::StagedImport;
use crate::administration::staging::FILE_FIELD;
use crate::state::AppState;
use crate::AppError;

pub use crate::administration::staging::unreadable;
pub use crate::state::agency_administrator as administrator;

/// The staged file read and checked (on the blocking pool: a spreadsheet is unpacked).
pub async fn preview(
    state: &AppState,
    agency_id: ecars_core::ids::AgencyId,
    staged: &StagedImport,
) -> Result<ReferentialPreview, AppError> {
    let name = staged.note(NAME_NOTE).map_err(unreadable)?;
    let file_name = staged.note(FILE_FIELD).map_err(unreadable)?;
    let bytes = staged.bytes(1).await.map_err(unreadable)?;
    let checked = tokio::task::spawn_blocking(move || {
        crate::administration::spreadsheet::read(&bytes).and_then(super::super::rows::check)
    })
    .await
    .map_err(|error| {
        tracing::error!(%error, "the referential check stopped");
        AppError::Internal
    })?
    .map_err(AppError::Invalid)?;
    let version = super::super::service::next_version(&state.db, agency_id, &name).await?;
    Ok(ReferentialPreview { token: staged.token.clone(), name, version, file_name, checked })
}
