//! `POST /api/administration/valeurs-nationales`: the campaign chosen and the file of national
//! values, as the page's form sends them (multipart), streamed to the staging folder under a size
//! limit; the browser is then sent to the preview. Agency administrators only; nothing is written
//! to the database here.

use axum::extract::Multipart;
use axum::response::Response;
use axum::Extension;
use ecars_core::routes::NATIONAL_VALUES_PATH;

use super::national_values::{CampaignChoice, UploadRefusal};
use crate::accounts::access::{administered_agency, Viewer};
use crate::administration::staging::{receive_note_and_file, redirect_after_upload, FileFormRefusal, NoteAndFile};
use crate::state::AppState;
use crate::AppError;

/// A dozen values per legal entity of a whole region: far below this.
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;
/// The campaign chosen ("CAQES-2024"), kept as the staged import's note of this name.
pub const CAMPAIGN_NOTE: &str = "campagne";

pub async fn upload(
    Extension(state): Extension<AppState>,
    viewer: Option<Extension<Viewer>>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, AppError> {
    let Extension(viewer) = viewer.ok_or(AppError::Unauthenticated)?;
    administered_agency(&viewer)?;
    let parse = |typed: &str| CampaignChoice::parse(typed).map(CampaignChoice::code).ok_or(UploadRefusal::NoCampaign);
    let form = NoteAndFile {
        field: CAMPAIGN_NOTE,
        parse: &parse,
        missing: UploadRefusal::NoCampaign,
        max_field_bytes: 64,
        max_file_bytes: MAX_FILE_BYTES,
    };
    let received = match multipart {
        Ok(multipart) => receive_note_and_file(&state.staging, viewer.user_id, multipart, form).await,
        Err(_) => Err(UploadRefusal::Unreadable),
    };
    Ok(redirect_after_upload(NATIONAL_VALUES_PATH, received.map_err(UploadRefusal::code)))
}

impl FileFormRefusal for UploadRefusal {
    const TOO_BIG: Self = UploadRefusal::TooBig;
    const UNREADABLE: Self = UploadRefusal::Unreadable;
    const NO_FILE: Self = UploadRefusal::NoFile;
}
