//! The two HTTP endpoints of documents, outside server functions because they stream: an upload
//! is written to disk as it arrives (never held whole in memory), a download is read from disk.
//!
//! - `POST /api/documents/{contrat|question|etablissement}/{id}`: the raw file as the body, its
//!   name percent-encoded in `X-Nom-Document`. Answers the new row, or an `AppError` (JSON).
//! - `GET /api/documents/{id}`: the file, as an attachment under its original name.
//! - `GET /api/documents/{contrat|question|etablissement}/{id}/tous`: "Récupérer tous les
//!   documents", a zip written as it is sent.

use axum::body::Body;
use axum::extract::{Path, Request};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use ecars_core::documents::too_big_message;
use ecars_core::documents::DocumentName;
use futures_util::StreamExt;

use super::antivirus::{self, Verdict};
use super::content::{check_signature, SIGNATURE_LENGTH};
use super::delivery::{paced_body, WRITE_TIMEOUT};
use super::macros::{self, Damaged, Macros};
use super::service::{self, ArchiveEntry};
use super::store::{DocumentStore, Upload};
use super::{Place, NAME_HEADER};
use crate::accounts::access::Viewer;
use crate::state::AppState;
use crate::AppError;

pub async fn upload(
    Extension(state): Extension<AppState>,
    viewer: Option<Extension<Viewer>>,
    Path((kind, id)): Path<(String, i32)>,
    request: Request,
) -> Result<Response, AppError> {
    let Extension(viewer) = viewer.ok_or(AppError::Unauthenticated)?;
    let place = Place::parse(&kind, id).ok_or(AppError::NotFound)?;
    service::check_can_add(&state.db, &viewer, place).await?;
    let max_bytes = state.settings.max_document_bytes;
    let name = document_name(request.headers())?;
    let too_big = || AppError::Invalid(too_big_message(max_bytes));
    let announced = request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if announced.is_some_and(|length| length > max_bytes) {
        return Err(too_big());
    }

    let mut upload = state.documents.begin().await.map_err(internal)?;
    let written = receive(&mut upload, request.into_body(), &name, max_bytes, too_big).await;
    let checked = match written {
        Ok(()) => match check_office_macros(&mut upload, name.extension, max_bytes).await {
            Ok(()) => scan(&state, &mut upload, &viewer, &name).await,
            Err(error) => Err(error),
        },
        Err(error) => Err(error),
    };
    if let Err(error) = checked {
        let _ = upload.abandon().await;
        return Err(error);
    }
    let stored = upload.finish().await.map_err(internal)?;
    let row = service::record(&state.db, &viewer, place, &name.display, content_type(name.extension), &stored).await?;
    tracing::info!(document = row.id, size = stored.size_bytes, "document stored");
    Ok((StatusCode::CREATED, axum::Json(row)).into_response())
}

/// Streams the body into `upload`: the first bytes must match the extension, and the size limit
/// holds while streaming.
async fn receive(
    upload: &mut Upload,
    body: Body,
    name: &DocumentName,
    max_bytes: u64,
    too_big: impl Fn() -> AppError,
) -> Result<(), AppError> {
    let mut stream = body.into_data_stream();
    let mut head = Vec::with_capacity(SIGNATURE_LENGTH);
    let mut checked = false;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| AppError::Invalid("L'envoi du fichier a été interrompu.".to_owned()))?;
        if upload.size_bytes() + chunk.len() as u64 > max_bytes {
            return Err(too_big());
        }
        if !checked {
            head.extend_from_slice(&chunk[..chunk.len().min(SIGNATURE_LENGTH - head.len())]);
            if head.len() == SIGNATURE_LENGTH {
                check_signature(name.extension, &head).map_err(AppError::Invalid)?;
                checked = true;
            }
        }
        upload.write(&chunk).await.map_err(internal)?;
    }
    if !checked {
        check_signature(name.extension, &head).map_err(AppError::Invalid)?;
    }
    Ok(())
}

/// Office files are refused when they carry macros ([`macros`]), or when they are made to unpack
/// to far more than an upload may weigh (`max_bytes`): such a file is said damaged or trapped.
/// The check unpacks: it runs on the blocking threads.
async fn check_office_macros(upload: &mut Upload, extension: &str, max_bytes: u64) -> Result<(), AppError> {
    let open: fn(std::fs::File, u64) -> Result<Option<Macros>, Damaged> = match extension {
        "docx" | "xlsx" | "pptx" | "dotx" | "odt" | "odg" | "odp" | "ods" | "odf" => macros::in_office_zip,
        "doc" | "xls" | "ppt" | "dot" | "xlm" => |file, _| macros::in_compound_file(file),
        _ => return Ok(()),
    };
    let path = upload.written_path().await.map_err(internal)?.to_owned();
    let budget = macros::unpacked_budget(max_bytes);
    let found = tokio::task::spawn_blocking(move || open(std::fs::File::open(path).map_err(|_| Damaged)?, budget))
        .await
        .map_err(internal)?
        .map_err(|Damaged| {
            AppError::Invalid(format!(
                "Le fichier .{extension} est endommagé ou piégé, ou n'est pas un document Office."
            ))
        })?;
    if let Some(found) = found {
        tracing::warn!(target: "security", event = "document_refused", ?found, extension, "Office document with macros refused");
        return Err(AppError::Invalid(
            "Ce document contient des macros : pour la sécurité de tous, il n'est pas accepté. \
             Enregistrez-le sans macros (par exemple en .docx ou .xlsx) puis ajoutez-le à nouveau."
                .to_owned(),
        ));
    }
    Ok(())
}

/// With an antivirus configured, nothing is stored that it did not pass.
async fn scan(state: &AppState, upload: &mut Upload, viewer: &Viewer, name: &DocumentName) -> Result<(), AppError> {
    let Some(clamd) = &state.settings.clamd else { return Ok(()) };
    let path = upload.written_path().await.map_err(internal)?.to_owned();
    match clamd.scan(&path).await {
        Ok(Verdict::Clean) => Ok(()),
        Ok(Verdict::Infected(signature)) => {
            tracing::warn!(target: "security", event = "document_refused", user = viewer.user_id, %signature,
                extension = name.extension, "antivirus flagged an upload");
            Err(antivirus::infected(&signature))
        }
        Err(error) => {
            tracing::error!(%error, scanner = %clamd, "antivirus unreachable: upload refused");
            Err(antivirus::scanner_unavailable())
        }
    }
}

fn document_name(headers: &HeaderMap) -> Result<DocumentName, AppError> {
    let raw = headers.get(NAME_HEADER).and_then(|value| value.to_str().ok()).unwrap_or_default();
    let decoded = percent_encoding::percent_decode_str(raw).decode_utf8_lossy();
    DocumentName::parse(&decoded).map_err(AppError::Invalid)
}

fn content_type(extension: &str) -> &'static str {
    match extension {
        "pdf" => "application/pdf",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "tiff" => "image/tiff",
        "txt" => "text/plain; charset=utf-8",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

pub async fn download(
    Extension(state): Extension<AppState>,
    viewer: Option<Extension<Viewer>>,
    Path(id): Path<i32>,
) -> Result<Response, AppError> {
    let Extension(viewer) = viewer.ok_or(AppError::Unauthenticated)?;
    let document = service::readable(&state.db, &viewer, id).await?;
    let file = state.documents.open_stored(&document.stored_name).await.map_err(internal)?;
    let headers = attachment_headers("application/octet-stream", &document.original_name);
    Ok((headers, paced_body(file, WRITE_TIMEOUT)).into_response())
}

/// A download is never displayed by the browser, whatever it contains.
fn attachment_headers(content_type: &'static str, name: &str) -> [(header::HeaderName, HeaderValue); 4] {
    [
        (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
        (header::CONTENT_DISPOSITION, attachment(name)),
        (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        (header::CACHE_CONTROL, HeaderValue::from_static("private, no-store")),
    ]
}

/// "Récupérer tous les documents": the zip is written by a blocking task into a pipe that the
/// response reads, one file at a time, so neither the archive nor a file is held in memory.
/// Files are stored as they are (most are already compressed). The task holds one of the
/// limited archive slots; a client that stops reading makes it fail, which frees both.
pub async fn download_all(
    Extension(state): Extension<AppState>,
    viewer: Option<Extension<Viewer>>,
    Path((kind, id)): Path<(String, i32)>,
) -> Result<Response, AppError> {
    let Extension(viewer) = viewer.ok_or(AppError::Unauthenticated)?;
    let place = Place::parse(&kind, id).ok_or(AppError::NotFound)?;
    let entries = service::archive(&state.db, &viewer, place).await?;
    let slot = state.archives.take(viewer.user_id).inspect_err(|_| {
        tracing::warn!(user = viewer.user_id, "archive refused: too many being written");
    })?;
    let (writer, reader) = tokio::io::duplex(64 * 1024);
    let writer = tokio_util::io::SyncIoBridge::new(writer);
    let store = state.documents.clone();
    let handle = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || {
        let _slot = slot;
        // A failure midway cuts the response short: the browser reports the download as failed.
        if let Err(error) = write_zip(&handle, &store, entries, writer) {
            tracing::warn!(%error, "zip of documents cut short");
        }
    });
    let headers = attachment_headers("application/zip", &format!("documents-{kind}-{id}.zip"));
    Ok((headers, paced_body(reader, WRITE_TIMEOUT)).into_response())
}

fn write_zip(
    handle: &tokio::runtime::Handle,
    store: &DocumentStore,
    entries: Vec<ArchiveEntry>,
    writer: impl std::io::Write,
) -> zip::result::ZipResult<()> {
    use zip::write::SimpleFileOptions;

    let mut zip = zip::ZipWriter::new_stream(writer);
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored).large_file(true);
    for entry in entries {
        zip.start_file(entry.path, options)?;
        let file = handle.block_on(store.open_stored(&entry.stored_name))?;
        let mut file = tokio_util::io::SyncIoBridge::new_with_handle(file, handle.clone());
        std::io::copy(&mut file, &mut zip)?;
    }
    zip.finish()?;
    Ok(())
}

/// `attachment; filename="rapport.pdf"; filename*=UTF-8''rapport%20%C3%A9t%C3%A9.pdf`: an ASCII
/// fallback for old browsers, the exact name for the others.
pub fn attachment(name: &str) -> HeaderValue {
    let fallback: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || "._- ".contains(c) { c } else { '_' }).collect();
    let encoded = percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC);
    HeaderValue::from_str(&format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

fn internal(error: impl std::fmt::Display) -> AppError {
    tracing::error!(%error, "document storage failed");
    AppError::Internal
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downloads_keep_the_original_name_safely_encoded() {
        let header = attachment("Rapport d'évaluation \"2024\".pdf");
        let header = header.to_str().unwrap();
        assert!(header.starts_with("attachment; filename=\"Rapport d__valuation _2024_.pdf\";"), "{header}");
        assert!(header.ends_with("filename*=UTF-8''Rapport%20d%27%C3%A9valuation%20%222024%22%2Epdf"), "{header}");
    }
}
