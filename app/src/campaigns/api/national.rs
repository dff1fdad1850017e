//! The server's side of `api` (behind `ssr`: the browser's build never reads this file).

use super::super::national_values::{parse_lines, CampaignChoice, Line};
use super::super::national_values_web::CAMPAIGN_NOTE;
use crate::administration::staging::StagedImport;
use crate::administration::staging::FILE_FIELD;
use crate::referentials::RefusedRow;
use crate::AppError;

pub use crate::administration::staging::unreadable;
pub use crate::state::agency_administrator as administrator;

/// A staged file, read and checked line by line.
pub struct Read {
    pub choice: CampaignChoice,
    pub file_name: String,
    pub lines: Vec<Line>,
    pub refused: Vec<RefusedRow>,
}

/// The staged file read (on the blocking pool: a spreadsheet is unpacked) and its lines checked.
pub async fn read(staged: &StagedImport) -> Result<Read, AppError> {
    let choice = CampaignChoice::parse(&staged.note(CAMPAIGN_NOTE).map_err(unreadable)?).ok_or(AppError::NotFound)?;
    let file_name = staged.note(FILE_FIELD).map_err(unreadable)?;
    let bytes = staged.bytes(1).await.map_err(unreadable)?;
    let (lines, refused) =
        tokio::task::spawn_blocking(move || crate::administration::spreadsheet::read(&bytes).and_then(parse_lines))
            .await
            .map_err(|error| {
                tracing::error!(%error, "the national values check stopped");
                AppError::Internal
            })?
            .map_err(AppError::Invalid)?;
    Ok(Read { choice, file_name, lines, refused })
}
