//! `/sante/vivant` and `/sante/pret`, for the reverse proxy and the supervisors. Alive: the
//! process answers (a supervisor restarts it otherwise). Ready: it can serve pages, its database
//! and its document store both answering (a proxy sends it no requests otherwise). Open to
//! anyone, without a session, and they say nothing of the portal's contents.

use std::future::Future;
use std::time::Duration;

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use serde::Serialize;

use crate::state::AppState;

/// Longer than this, a dependency counts as not answering: a proxy's probe must not hang.
const CHECK_TIMEOUT: Duration = Duration::from_secs(3);

/// The process answers requests.
pub async fn alive() -> Response {
    answer(StatusCode::OK, &Readiness { status: "vivant", database: None, documents: None })
}

/// The database and the document store answer: 200, or 503 naming what does not.
pub async fn ready(Extension(state): Extension<AppState>) -> Response {
    let (database, documents) =
        tokio::join!(checked("database", state.db.ping()), checked("document store", state.documents.reachable()));
    let ready = database && documents;
    let status = if ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    let word = |up: bool| Some(if up { "ok" } else { "indisponible" });
    let readiness = Readiness {
        status: if ready { "pret" } else { "indisponible" },
        database: word(database),
        documents: word(documents),
    };
    answer(status, &readiness)
}

/// Whether `check` succeeded in time; why not goes to the log, not to the answer.
async fn checked<E: std::fmt::Display>(what: &str, check: impl Future<Output = Result<(), E>>) -> bool {
    match tokio::time::timeout(CHECK_TIMEOUT, check).await {
        Ok(Ok(())) => true,
        Ok(Err(error)) => {
            tracing::warn!(%error, "readiness: the {what} does not answer");
            false
        }
        Err(_) => {
            tracing::warn!("readiness: the {what} did not answer within {CHECK_TIMEOUT:?}");
            false
        }
    }
}

#[derive(Serialize)]
struct Readiness {
    #[serde(rename = "statut")]
    status: &'static str,
    #[serde(rename = "base_de_donnees", skip_serializing_if = "Option::is_none")]
    database: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    documents: Option<&'static str>,
}

fn answer(status: StatusCode, readiness: &Readiness) -> Response {
    let body = serde_json::to_string(readiness).unwrap_or_default();
    // Never cached: the access gate says so for every answer of the portal.
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}
