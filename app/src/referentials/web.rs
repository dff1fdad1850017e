//! `POST /api/administration/referentiels`: the referential file and its name, as the page's
//! form sends them (multipart), streamed to the staging folder under a size limit; the browser is
//! then sent to the preview. `GET /api/administration/referentiels/modele`: the template.
//! Agency administrators only; nothing is written to the database here.

use axum::extract::Multipart;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;

use super::{parse_name, UploadRefusal, PREVIEW_PARAM, REFUSAL_PARAM};
use crate::accounts::access::{administered_agency, Viewer};
use crate::administration::staging::{read_small_part, PartError, StagedImport};
use crate::routes::REFERENTIALS_PATH;
use crate::state::AppState;
use crate::AppError;

/// A referential is a few hundred rows: 10 MB is far more than any needs.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
const MAX_NAME_BYTES: usize = 1024;
/// Names of the staged import's notes.
pub const NAME_NOTE: &str = "nom";
pub const FILE_NAME_NOTE: &str = "fichier";

pub async fn upload(
    Extension(state): Extension<AppState>,
    viewer: Option<Extension<Viewer>>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, AppError> {
    let Extension(viewer) = viewer.ok_or(AppError::Unauthenticated)?;
    administered_agency(&viewer)?;
    let received = match multipart {
        Ok(multipart) => receive(&state, &viewer, multipart).await,
        Err(_) => Err(UploadRefusal::Unreadable),
    };
    let target = match received {
        Ok(staged) => format!("{REFERENTIALS_PATH}?{PREVIEW_PARAM}={}", staged.token),
        Err(refusal) => format!("{REFERENTIALS_PATH}?{REFUSAL_PARAM}={}", refusal.code()),
    };
    Ok(Redirect::to(&target).into_response())
}

async fn receive(state: &AppState, viewer: &Viewer, mut multipart: Multipart) -> Result<StagedImport, UploadRefusal> {
    let mut name: Option<String> = None;
    let mut staged: Option<StagedImport> = None;
    let outcome = async {
        while let Some(mut field) = multipart.next_field().await.map_err(|_| UploadRefusal::Unreadable)? {
            match field.name().unwrap_or_default() {
                "nom" => {
                    let typed = read_small_part(&mut field, MAX_NAME_BYTES).await.map_err(|error| match error {
                        PartError::TooBig => UploadRefusal::NoName,
                        PartError::Unreadable => UploadRefusal::Unreadable,
                    })?;
                    name = Some(parse_name(&typed).ok_or(UploadRefusal::NoName)?);
                }
                "fichier" => {
                    let file_name: String = field.file_name().unwrap_or_default().chars().take(200).collect();
                    if file_name.is_empty() {
                        continue;
                    }
                    let name = name.as_deref().ok_or(UploadRefusal::NoName)?;
                    let notes = [(NAME_NOTE, name), (FILE_NAME_NOTE, file_name.as_str())];
                    let import = state
                        .staging
                        .create_with(viewer.user_id, &notes)
                        .await
                        .map_err(|_| UploadRefusal::Unreadable)?;
                    let received = import.receive(1, &mut field, MAX_FILE_BYTES).await;
                    staged = Some(import);
                    received.map_err(|error| match error {
                        PartError::TooBig => UploadRefusal::TooBig,
                        PartError::Unreadable => UploadRefusal::Unreadable,
                    })?;
                }
                _ => {}
            }
        }
        if name.is_none() {
            return Err(UploadRefusal::NoName);
        }
        Ok(())
    }
    .await;
    match (outcome, staged) {
        (Ok(()), Some(staged)) => Ok(staged),
        (Ok(()), None) => Err(UploadRefusal::NoFile),
        (Err(refusal), staged) => {
            if let Some(staged) = staged {
                let _ = staged.remove().await;
            }
            Err(refusal)
        }
    }
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
