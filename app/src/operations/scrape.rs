//! `/metrics` itself: the figures to a scraper that presents the operator's token, with the
//! outbox and the database pool counted as it asks (see [`super::metrics`] for the figures).

use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use sea_orm::{ColumnTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, PaginatorTrait, QueryFilter};

use super::metrics::{recorder, OUTBOX_FAILED, OUTBOX_PENDING, POOL_CONNECTIONS, POOL_IDLE};
use crate::db::entities::outbox_message::{self, DeliveryStatus};
use crate::state::AppState;

/// The figures, to a scraper with the token; 404 when no token is configured, 401 without it.
pub async fn scrape(Extension(state): Extension<AppState>, headers: HeaderMap) -> Response {
    let Some(token) = &state.settings.metrics_token else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if !token.admits(&headers) {
        tracing::warn!("metrics asked for without the right token");
        return (StatusCode::UNAUTHORIZED, [(header::WWW_AUTHENTICATE, "Bearer")]).into_response();
    }
    let Some(handle) = recorder() else {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    };
    if let Err(error) = record_outbox(&state.db).await {
        tracing::warn!(%error, "metrics: the outbox could not be counted");
    }
    record_pool(&state.db);
    handle.run_upkeep();
    (StatusCode::OK, [(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], handle.render())
        .into_response()
}

/// Counted when scraped, by the index on the outbox's status: the database is the truth that
/// every instance shares.
async fn record_outbox(db: &DatabaseConnection) -> Result<(), DbErr> {
    let count = |status: DeliveryStatus| {
        outbox_message::Entity::find().filter(outbox_message::Column::Status.eq(status)).count(db)
    };
    let pending = count(DeliveryStatus::Pending).await?;
    let failed = count(DeliveryStatus::Failed).await?;
    metrics::gauge!(OUTBOX_PENDING).set(pending as f64);
    metrics::gauge!(OUTBOX_FAILED).set(failed as f64);
    Ok(())
}

fn record_pool(db: &DatabaseConnection) {
    let (size, idle) = match db.get_database_backend() {
        DbBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (pool.size(), pool.num_idle())
        }
        DbBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            (pool.size(), pool.num_idle())
        }
        _ => return,
    };
    metrics::gauge!(POOL_CONNECTIONS).set(f64::from(size));
    metrics::gauge!(POOL_IDLE).set(idle as f64);
}
