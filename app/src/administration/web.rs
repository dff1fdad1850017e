//! `POST /api/administration/finess`: the FINESS files, as the import page's form sends them
//! (multipart: the départements first, then one or both files). Each file is streamed to the
//! import's staging folder under a size limit; the browser is then sent to the preview. Nothing is
//! written to the database here.

use axum::extract::Multipart;
use axum::response::{IntoResponse, Response};
use axum::Extension;
use ecars_core::routes::FINESS_IMPORT_PATH;

use super::staging::{finish_upload, read_small_part, redirect_after_upload, PartError, StagedImport};
use super::{parse_departements, FinessFile, UploadRefusal};
use crate::accounts::access::{administered_agency, Viewer};
use crate::state::AppState;
use crate::AppError;

/// Largest file accepted (the national establishments file is about 100 MB).
const MAX_FILE_BYTES: usize = 300 * 1024 * 1024;
/// The départements field is a short list.
const MAX_DEPARTEMENTS_BYTES: usize = 1024;

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
    Ok(redirect_after_upload(FINESS_IMPORT_PATH, received.map_err(UploadRefusal::code)))
}

async fn receive(state: &AppState, viewer: &Viewer, mut multipart: Multipart) -> Result<StagedImport, UploadRefusal> {
    let mut departements: Option<Vec<String>> = None;
    let mut staged: Option<StagedImport> = None;
    let outcome = async {
        while let Some(mut field) = multipart.next_field().await.map_err(|_| UploadRefusal::Unreadable)? {
            let name = field.name().unwrap_or_default().to_owned();
            if name == "departements" {
                let typed = read_small_part(&mut field, MAX_DEPARTEMENTS_BYTES).await.map_err(|error| match error {
                    PartError::TooBig => UploadRefusal::UnknownDepartement,
                    PartError::Unreadable => UploadRefusal::Unreadable,
                })?;
                let allowed = viewer.agency.as_ref().map(|agency| agency.departements.as_slice()).unwrap_or_default();
                departements = Some(parse_departements(&typed, allowed)?);
                continue;
            }
            let file =
                [FinessFile::LegalEntities, FinessFile::Establishments].into_iter().find(|file| file.field() == name);
            // An empty file input still sends a part, without a file name.
            let (Some(file), true) = (file, field.file_name().is_some_and(|name| !name.is_empty())) else { continue };
            let chosen = departements.as_ref().ok_or(UploadRefusal::NoDepartement)?;
            if staged.is_none() {
                staged =
                    Some(state.staging.create(viewer.user_id, chosen).await.map_err(|_| UploadRefusal::Unreadable)?);
            }
            let Some(import) = staged.as_ref() else { return Err(UploadRefusal::Unreadable) };
            import.receive(file.index(), &mut field, MAX_FILE_BYTES).await.map_err(|error| match error {
                PartError::TooBig => UploadRefusal::TooBig,
                PartError::Unreadable => UploadRefusal::Unreadable,
            })?;
        }
        if departements.is_none() {
            return Err(UploadRefusal::NoDepartement);
        }
        Ok(())
    }
    .await;
    finish_upload(outcome, staged, UploadRefusal::NoFile).await
}

/// `GET /api/administration/journal.csv`: the journal's entries matching the page's filter.
pub async fn journal_export(
    Extension(state): Extension<AppState>,
    viewer: Option<Extension<Viewer>>,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> Result<Response, AppError> {
    use axum::http::header;
    let Extension(viewer) = viewer.ok_or(AppError::Unauthenticated)?;
    let scope = crate::administration::journal::search::journal_scope(&viewer)?;
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    let filter = super::journal::JournalFilter::from_query(|name| {
        pairs.iter().find(|(key, _)| key == name).map(|(_, value)| value.clone())
    });
    let csv = super::journal::search::csv(&state.db, scope, &filter).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"journal-des-modifications.csv\""),
            (header::CACHE_CONTROL, "no-store"),
        ],
        csv,
    )
        .into_response())
}

/// `GET /api/administration/exemples/{name}`: a sample import file of the demo, for agency
/// administrators, while the demo is loaded.
pub async fn demo_sample(
    Extension(state): Extension<AppState>,
    viewer: Option<Extension<Viewer>>,
    axum::extract::Path(name): axum::extract::Path<String>,
) -> Result<Response, AppError> {
    use axum::http::header;
    let Extension(viewer) = viewer.ok_or(AppError::Unauthenticated)?;
    administered_agency(&viewer)?;
    let bytes = crate::demo::files::sample(&name).filter(|_| state.settings.demo).ok_or(AppError::NotFound)?;
    let disposition = format!("attachment; filename=\"{name}\"");
    Ok(([(header::CONTENT_TYPE, "text/csv".to_owned()), (header::CONTENT_DISPOSITION, disposition)], bytes)
        .into_response())
}
