//! `/metrics`, for Prometheus: requests by route and status with their latency, the outbox's
//! backlog and failed deliveries, and the database pool. The exporter crate keeps the figures;
//! this module names them, records them and says who may read them: only a scraper that presents
//! the operator's token (`ECARS_METRICS_TOKEN`), since a reverse proxy would otherwise expose
//! them to anyone. Without a token configured, the address does not exist.

use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::{header, HeaderMap, Method};
use axum::middleware::Next;
use axum::response::Response;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use sha2::{Digest, Sha256};

const REQUESTS: &str = "ecars_http_requests_total";
const REQUEST_SECONDS: &str = "ecars_http_request_duration_seconds";
pub(super) const OUTBOX_PENDING: &str = "ecars_outbox_pending_messages";
pub(super) const OUTBOX_FAILED: &str = "ecars_outbox_failed_messages";
const DELIVERY_FAILURES: &str = "ecars_mail_delivery_failures_total";
pub(super) const POOL_CONNECTIONS: &str = "ecars_database_pool_connections";
pub(super) const POOL_IDLE: &str = "ecars_database_pool_idle_connections";
const QUERY_SECONDS: &str = "ecars_database_query_duration_seconds";

/// From a quick page to a slow export: the buckets a latency falls into.
const LATENCY_BUCKETS: [f64; 12] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];

/// From an index lookup to a region's export: the buckets a database statement falls into.
const QUERY_BUCKETS: [f64; 10] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 0.5, 2.5, 10.0];

/// The label of requests no route matched (static files, unknown addresses): the address itself
/// would let anyone grow the figures without end.
const NO_ROUTE: &str = "(fichier ou adresse inconnue)";

/// The token a scraper presents (`Authorization: Bearer ...`); never printed.
#[derive(Clone)]
pub struct MetricsToken(String);

impl MetricsToken {
    /// Long enough not to be guessed: 32 characters at least.
    pub fn parse(token: &str) -> Option<Self> {
        (token.chars().count() >= 32).then(|| MetricsToken(token.to_owned()))
    }

    /// Compared through their digests, so the time taken says nothing of the token.
    pub fn admits(&self, headers: &HeaderMap) -> bool {
        let presented = headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .map(str::trim);
        presented.is_some_and(|presented| Sha256::digest(presented.as_bytes()) == Sha256::digest(self.0.as_bytes()))
    }
}

impl std::fmt::Debug for MetricsToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MetricsToken(…)")
    }
}

/// The process's recorder, installed at the first call (one per process, as the figures are).
pub(super) fn recorder() -> Option<&'static PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let installed = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Full(REQUEST_SECONDS.to_owned()), &LATENCY_BUCKETS)
                .and_then(|builder| {
                    builder.set_buckets_for_metric(Matcher::Full(QUERY_SECONDS.to_owned()), &QUERY_BUCKETS)
                })
                .and_then(PrometheusBuilder::install_recorder);
            match installed {
                Ok(handle) => {
                    describe();
                    Some(handle)
                }
                Err(error) => {
                    tracing::error!(%error, "the metrics recorder could not be installed");
                    None
                }
            }
        })
        .as_ref()
}

fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram, Unit};
    describe_counter!(REQUESTS, "Requêtes HTTP servies, par route, méthode et statut.");
    describe_histogram!(
        REQUEST_SECONDS,
        Unit::Seconds,
        "Temps jusqu'aux en-têtes de la réponse, par route et méthode."
    );
    describe_gauge!(OUTBOX_PENDING, "Courriels en attente d'envoi dans la file.");
    describe_gauge!(OUTBOX_FAILED, "Courriels abandonnés après tous les essais.");
    describe_counter!(DELIVERY_FAILURES, "Essais d'envoi de courriel échoués (chaque essai compte).");
    describe_gauge!(POOL_CONNECTIONS, "Connexions ouvertes par cette instance vers la base.");
    describe_gauge!(POOL_IDLE, "Connexions ouvertes inoccupées.");
    describe_histogram!(
        QUERY_SECONDS,
        Unit::Seconds,
        "Durée des instructions envoyées à la base, selon qu'elles ont réussi ou échoué."
    );
}

/// Installs the recorder, so that figures are kept from the first request on.
pub fn install() {
    let _ = recorder();
}

/// Counts every request by the route that served it, its method and status, with its latency
/// up to the response's headers (a long download counts until it starts).
pub async fn track(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = request.extensions().get::<MatchedPath>().map_or(NO_ROUTE, MatchedPath::as_str).to_owned();
    let method = method_label(request.method());
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!(REQUESTS, "route" => route.clone(), "method" => method, "status" => status).increment(1);
    metrics::histogram!(REQUEST_SECONDS, "route" => route, "method" => method).record(started.elapsed().as_secs_f64());
    response
}

/// The methods the portal serves; any other name a client makes up counts as one.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        Method::PATCH => "PATCH",
        _ => "AUTRE",
    }
}

/// A database statement ran for `elapsed`.
pub fn database_statement(elapsed: std::time::Duration, failed: bool) {
    let outcome = if failed { "echec" } else { "succes" };
    metrics::histogram!(QUERY_SECONDS, "resultat" => outcome).record(elapsed.as_secs_f64());
}

/// A try at sending a mail failed (it may be retried).
pub fn delivery_failed() {
    metrics::counter!(DELIVERY_FAILURES).increment(1);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_long_and_only_the_same_one_admits() {
        assert!(MetricsToken::parse("court").is_none());
        let token = MetricsToken::parse("un-jeton-de-plus-de-trente-deux-caracteres").unwrap();
        let with = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::AUTHORIZATION, axum::http::HeaderValue::from_static(value));
            headers
        };
        assert!(token.admits(&with("Bearer un-jeton-de-plus-de-trente-deux-caracteres")));
        assert!(!token.admits(&with("Bearer un-jeton-de-plus-de-trente-deux-caractere")));
        assert!(!token.admits(&with("un-jeton-de-plus-de-trente-deux-caracteres")));
        assert!(!token.admits(&HeaderMap::new()));
        assert_eq!(format!("{token:?}"), "MetricsToken(…)");
    }

    #[test]
    fn made_up_methods_count_as_one() {
        assert_eq!(method_label(&Method::POST), "POST");
        assert_eq!(method_label(&Method::from_bytes(b"BREW").unwrap()), "AUTRE");
    }
}
