//! `GET /api/suivi/export/{xlsx|ods|csv}`: the dashboard's export, with the page's query.

use axum::extract::{Path, RawQuery};
use axum::response::{IntoResponse, Response};
use axum::Extension;

use super::dashboard::DashboardFilter;
use super::export::{file_name, ExportFormat, Sheet, SHEET_PARAM};
use crate::accounts::access::Viewer;
use crate::state::AppState;
use crate::AppError;

pub async fn export(
    Extension(state): Extension<AppState>,
    viewer: Option<Extension<Viewer>>,
    Path(format): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    use axum::http::header;
    let Extension(viewer) = viewer.ok_or(AppError::Unauthenticated)?;
    let format = ExportFormat::parse(&format).ok_or(AppError::NotFound)?;
    let query = query.unwrap_or_default();
    // An address is a few hundred bytes; anything much longer is not one the page wrote.
    if query.len() > 4096 {
        return Err(AppError::Invalid("Adresse d'export trop longue.".to_owned()));
    }
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    let value = |name: &str| pairs.iter().find(|(key, _)| key == name).map(|(_, value)| value.clone());
    let filter = DashboardFilter::from_query(value);
    let sheet = value(SHEET_PARAM).and_then(|code| Sheet::parse(&code)).unwrap_or(Sheet::Summary);
    let slot = state.exports.take(viewer.user_id).inspect_err(|_| {
        tracing::warn!(user = viewer.user_id, "export refused: too many being made");
    })?;
    let (file, length, filter) = super::export::server::export(&state.db, &viewer, filter, format, sheet).await?;
    // Written: sending the file from the disk is light.
    drop(slot);
    let disposition = format!("attachment; filename=\"{}\"", file_name(&filter, format, sheet));
    let body = axum::body::Body::from_stream(tokio_util::io::ReaderStream::new(tokio::fs::File::from_std(file)));
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CONTENT_LENGTH, length.to_string()),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response())
}
