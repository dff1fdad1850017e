//! `POST /api/administration/referentiels`: the referential file and its name, as the page's
//! form sends them (multipart), streamed to the staging folder under a size limit; the browser is
//! then sent to the preview. `GET /api/administration/referentiels/modele`: the template.
//! Agency administrators only; nothing is written to the database here.

use axum::extract::Multipart;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Extension;
use ecars_core::routes::REFERENTIALS_PATH;

use super::{parse_name, UploadRefusal};
use crate::accounts::access::{administered_agency, Viewer};
use crate::administration::staging::{receive_note_and_file, redirect_after_upload, FileFormRefusal, NoteAndFile};
use crate::state::AppState;
use crate::AppError;

/// A referential is a few hundred rows: 10 MB is far more than any needs.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
const MAX_NAME_BYTES: usize = 1024;
/// The referential's name, kept as the staged import's note of this name.
pub const NAME_NOTE: &str = "nom";

pub async fn upload(
    Extension(state): Extension<AppState>,
    viewer: Option<Extension<Viewer>>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, AppError> {
    let Extension(viewer) = viewer.ok_or(AppError::Unauthenticated)?;
    administered_agency(&viewer)?;
    let parse = |typed: &str| parse_name(typed).ok_or(UploadRefusal::NoName);
    let form = NoteAndFile {
        field: NAME_NOTE,
        parse: &parse,
        missing: UploadRefusal::NoName,
        max_field_bytes: MAX_NAME_BYTES,
        max_file_bytes: MAX_FILE_BYTES,
    };
    let received = match multipart {
        Ok(multipart) => receive_note_and_file(&state.staging, viewer.user_id, multipart, form).await,
        Err(_) => Err(UploadRefusal::Unreadable),
    };
    Ok(redirect_after_upload(REFERENTIALS_PATH, received.map_err(UploadRefusal::code)))
}

impl FileFormRefusal for UploadRefusal {
    const TOO_BIG: Self = UploadRefusal::TooBig;
    const UNREADABLE: Self = UploadRefusal::Unreadable;
    const NO_FILE: Self = UploadRefusal::NoFile;
}

/// "Télécharger le modèle".
pub async fn template(viewer: Option<Extension<Viewer>>) -> Result<Response, AppError> {
    let Extension(viewer) = viewer.ok_or(AppError::Unauthenticated)?;
    administered_agency(&viewer)?;
    let bytes = super::template::workbook().map_err(|error| {
        tracing::error!(%error, "the referential template could not be written");
        AppError::Internal
    })?;
    let disposition = format!("attachment; filename=\"{}\"", super::template::FILE_NAME);
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}
