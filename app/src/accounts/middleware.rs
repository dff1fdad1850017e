//! The gate in front of every request: finds out the client ([`Client`]), refuses
//! state-changing requests from other sites or, when the browser does not say, without the
//! session's CSRF token ([`csrf`]), resumes the session from its cookie (making the user
//! available to pages and server functions as a [`Viewer`]), and sends anonymous visitors of any
//! page to the login page.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use ecars_core::routes::{login_href, segment, LOGIN_PATH};

use super::access::Viewer;
use super::client::Client;
use super::csrf;
use super::directory::viewer_of_session;
use super::security_log::{record_from, Event, Outcome};
use super::sessions::{self, SESSION_COOKIE};
use super::web::{cookie, cookie_header, cookie_name, message_signature, SIGNATURE_PARAM};
use crate::state::AppState;

pub async fn gate(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip());
    let client = Client::of(peer, request.headers(), &state.settings.trusted_proxies);
    let secure = client.https;
    request.extensions_mut().insert(client);

    let changes_state = !matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if changes_state {
        request = match request_origin(request.headers()) {
            RequestOrigin::OurPages => request,
            RequestOrigin::OtherSite => return cross_site_refusal(&state, client, request.uri().path(), "other_site"),
            RequestOrigin::Unsaid => {
                let path = request.uri().path().to_owned();
                match csrf::server::check(&state.message_key, secure, request).await {
                    Ok(request) => request,
                    Err(()) => return cross_site_refusal(&state, client, &path, "no_csrf_token"),
                }
            }
        };
    }
    let forged = (*request.method() == Method::GET).then(|| without_forged_message(&state, request.uri())).flatten();
    if let Some(cleaned) = forged {
        tracing::warn!(path = %request.uri().path(), "unsigned form message removed from the address");
        return Redirect::to(&cleaned).into_response();
    }

    let mut stale_cookie = false;
    if let Some(token) = cookie(request.headers(), SESSION_COOKIE, secure) {
        match resume(&state, &token).await {
            Ok(Some(viewer)) => {
                // The request's span (`server/src/requests.rs`) names who asked: its id only.
                tracing::Span::current().record("user", viewer.user_id);
                request.extensions_mut().insert(viewer);
            }
            Ok(None) => stale_cookie = true,
            Err(error) => {
                tracing::error!(%error, "session lookup failed");
                return unavailable(request.headers());
            }
        }
    }

    let path = request.uri().path();
    let home = request.extensions().get::<Viewer>().map(|viewer| viewer.role.home());
    let logged_in = home.is_some();
    let personal = !is_static_asset(path);
    let cache = (!personal).then(|| static_cache(path));
    let mut response = if !logged_in && needs_login(path) {
        let target = request.uri().path_and_query().map(|pq| pq.as_str()).unwrap_or("/");
        Redirect::to(&login_href(target)).into_response()
    } else if let Some(home) = home.filter(|_| path == LOGIN_PATH) {
        Redirect::to(home).into_response()
    } else {
        next.run(request).await
    };
    // An expired or revoked session: forget its cookie, unless a new session was just opened.
    if stale_cookie && !sets_session_cookie(&response, secure) {
        if let Ok(forget) = cookie_header(SESSION_COOKIE, "", Default::default(), secure) {
            response.headers_mut().append(header::SET_COOKIE, forget);
        }
    }
    let status = response.status();
    let headers = response.headers_mut();
    // Pages and answers carry personal data: no copy in a browser's or a proxy's cache.
    if personal {
        headers.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    } else if let Some(cache) = cache.filter(|_| status.is_success()) {
        headers.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static(cache));
    }
    if secure {
        headers
            .insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=63072000; includeSubDomains"));
    }
    response
}

/// The built site's files: the same for everybody, and cached.
fn is_static_asset(path: &str) -> bool {
    path.starts_with("/pkg/") || path.starts_with("/dsfr/") || path == "/favicon.svg"
}

/// How long a browser keeps a static file: for good when its address changes with its content
/// (`ecars.<hash>.wasm`, the DSFR under its version), a day otherwise (the favicon, a build
/// without hashes).
fn static_cache(path: &str) -> &'static str {
    let hashed = path.strip_prefix("/pkg/").is_some_and(|name| {
        name.split('.').nth(1).is_some_and(|hash| {
            hash.len() == 22 && hash.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
    });
    if hashed || path.starts_with(&format!("{}/", ecars_core::routes::DSFR_DIR)) {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=86400"
    }
}

/// A page address whose form message (`__err`) the server did not sign: the same address without
/// it. A link cannot make a page of the portal say "Compte suspendu : appelez le ...".
fn without_forged_message(state: &AppState, uri: &axum::http::Uri) -> Option<String> {
    let query = uri.query()?;
    if !query.contains("__err") {
        return None;
    }
    let address = url::Url::parse("http://localhost").ok()?.join(&uri.to_string()).ok()?;
    let signature = address.query_pairs().find(|(name, _)| name == SIGNATURE_PARAM).map(|(_, value)| value);
    if message_signature(&address, &state.message_key, Some(signature.as_deref().unwrap_or_default())).is_some() {
        return None;
    }
    let kept: Vec<(String, String)> = address
        .query_pairs()
        .filter(|(name, _)| !matches!(name.as_ref(), "__err" | "__path" | SIGNATURE_PARAM))
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    let query = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(kept).finish();
    Some(if query.is_empty() { address.path().to_owned() } else { format!("{}?{query}", address.path()) })
}

/// The database does not answer: a page saying so to a browser, the shared error to a script.
fn unavailable(headers: &HeaderMap) -> Response {
    let message = crate::AppError::Unavailable.to_string();
    let retry = [(header::RETRY_AFTER, HeaderValue::from_static("5"))];
    let wants_page = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"));
    if wants_page {
        let page = format!(
            "<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>Service momentanément indisponible - e-CARS</title></head>\
             <body><main class=\"fr-container fr-py-8w\"><h1>Service momentanément indisponible</h1>\
             <p>{message}</p><p><a class=\"fr-btn\" href=\"\">Réessayer</a></p></main></body></html>"
        );
        (StatusCode::SERVICE_UNAVAILABLE, retry, axum::response::Html(page)).into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, retry, axum::Json(crate::AppError::Unavailable)).into_response()
    }
}

async fn resume(state: &AppState, token: &str) -> Result<Option<Viewer>, sea_orm::DbErr> {
    match sessions::resume(&state.db, token, &state.settings.sessions).await? {
        Some(session) => viewer_of_session(&state.db, &session, state.clock.now()).await,
        None => Ok(None),
    }
}

/// Pages need a session; the login and renewal pages, assets, and server functions (which
/// check the caller themselves, see `access`) do not.
fn needs_login(path: &str) -> bool {
    let first_segment = path.trim_start_matches('/').split('/').next().unwrap_or_default();
    !(path == LOGIN_PATH
        || ecars_core::routes::PUBLIC_PATHS.contains(&path)
        || ecars_core::routes::OPERATIONS_PATHS.contains(&path)
        || (first_segment == segment::PASSWORD && path.len() > segment::PASSWORD.len() + 1)
        || path.starts_with("/api/")
        || is_static_asset(path))
}

/// A browser says where a request comes from with `Sec-Fetch-Site`, or at least `Origin`.
/// Requests with neither (not from a browser) carry no ambient cookie risk.
#[derive(Debug, PartialEq, Eq)]
enum RequestOrigin {
    /// `Sec-Fetch-Site: same-origin` (or `none`: typed by the user), or our own `Origin`.
    OurPages,
    OtherSite,
    /// Neither header: the CSRF token decides.
    Unsaid,
}

fn request_origin(headers: &HeaderMap) -> RequestOrigin {
    let text = |value: &HeaderValue| value.to_str().unwrap_or("").to_owned();
    if let Some(site) = headers.get("sec-fetch-site").map(text) {
        return match site.as_str() {
            "same-origin" | "none" => RequestOrigin::OurPages,
            _ => RequestOrigin::OtherSite,
        };
    }
    match (headers.get(header::ORIGIN).map(text), headers.get(header::HOST).map(text)) {
        (Some(origin), Some(host))
            if origin.split_once("://").map(|(_, authority)| authority) == Some(host.as_str()) =>
        {
            RequestOrigin::OurPages
        }
        (Some(_), _) => RequestOrigin::OtherSite,
        (None, _) => RequestOrigin::Unsaid,
    }
}

fn cross_site_refusal(state: &AppState, client: Client, path: &str, why: &'static str) -> Response {
    tracing::debug!(path, "cross-site request refused");
    record_from(Some(&state.security_journal), client.ip, Event::AccessRefused, None, Outcome::Refused, why);
    (StatusCode::FORBIDDEN, "Requête refusée : elle ne provient pas du portail e-CARS.").into_response()
}

fn sets_session_cookie(response: &Response, secure: bool) -> bool {
    let set = format!("{}=", cookie_name(SESSION_COOKIE, secure));
    response.headers().get_all(header::SET_COOKIE).iter().any(|value| value.to_str().is_ok_and(|v| v.starts_with(&set)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs.iter().map(|(k, v)| (header::HeaderName::from_static(k), HeaderValue::from_static(v))).collect()
    }

    #[test]
    fn requests_from_other_sites_are_recognised() {
        use RequestOrigin::*;
        let host = ("host", "127.0.0.1:3000");
        assert_eq!(request_origin(&headers(&[("sec-fetch-site", "same-origin")])), OurPages);
        assert_eq!(request_origin(&headers(&[("sec-fetch-site", "cross-site")])), OtherSite);
        assert_eq!(request_origin(&headers(&[("sec-fetch-site", "same-site")])), OtherSite);
        assert_eq!(request_origin(&headers(&[("origin", "http://127.0.0.1:3000"), host])), OurPages);
        assert_eq!(request_origin(&headers(&[("origin", "https://evil.example"), host])), OtherSite);
        assert_eq!(request_origin(&headers(&[("origin", "null"), host])), OtherSite);
        assert_eq!(request_origin(&headers(&[host])), Unsaid);
    }

    #[test]
    fn files_whose_address_changes_with_them_are_kept_for_good() {
        let forever = "public, max-age=31536000, immutable";
        assert_eq!(static_cache("/pkg/ecars.vS1mAB2pQ3rT4uV5wX6yZ7.wasm"), forever);
        assert_eq!(static_cache("/pkg/ecars.vS1mAB2pQ3rT4uV5wX6y-_.css"), forever);
        assert_eq!(static_cache(&format!("{}/fonts/Marianne-Regular.woff2", ecars_core::routes::DSFR_DIR)), forever);
        assert_eq!(static_cache("/pkg/ecars.wasm"), "public, max-age=86400", "a build without hashes");
        assert_eq!(static_cache("/dsfr/0.1/dsfr.min.css"), "public, max-age=86400", "another version");
        assert_eq!(static_cache("/favicon.svg"), "public, max-age=86400");
    }

    #[test]
    fn only_login_renewal_the_footer_s_pages_assets_and_server_functions_are_public() {
        for public in [
            "/connexion",
            "/mot-de-passe/renouveler",
            "/pkg/ecars.wasm",
            "/dsfr/1.15.3/dsfr.min.css",
            "/api/connexion",
            "/accessibilite",
            "/mentions-legales",
            "/donnees-personnelles",
            "/plan-du-site",
        ] {
            assert!(!needs_login(public), "{public}");
        }
        for private in
            ["/", "/contrats/1", "/mon-compte", "/entites-juridiques/380780080", "/inconnu", "/plan-du-site/x"]
        {
            assert!(needs_login(private), "{private}");
        }
    }
}
