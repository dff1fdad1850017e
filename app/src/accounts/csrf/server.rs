//! The server's side of `csrf` (behind `ssr`: the browser's build never reads this file).

use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::HeaderMap;

use super::{CSRF_FIELD, CSRF_HEADER};
use crate::accounts::api::RENEWAL_COOKIE;
use crate::accounts::secrets::MessageKey;
use crate::accounts::sessions::SESSION_COOKIE;
use crate::accounts::web::cookie;

/// Form bodies read to find the token (server functions' forms are far smaller).
const MAX_FORM_BYTES: usize = 2 * 1024 * 1024;

/// The cookie the token is bound to: the session's, or during a password renewal the
/// renewal's.
fn credential(headers: &HeaderMap, secure: bool) -> Option<String> {
    cookie(headers, SESSION_COOKIE, secure).or_else(|| cookie(headers, RENEWAL_COOKIE, secure))
}

pub fn token(key: &MessageKey, credential: &str) -> String {
    key.sign(&["csrf", credential])
}

pub(super) fn request_token() -> Option<String> {
    let parts = leptos::prelude::use_context::<axum::http::request::Parts>()?;
    let state = crate::state::AppState::current().ok()?;
    let secure = parts.extensions.get::<crate::accounts::client::Client>().is_some_and(|client| client.https);
    credential(&parts.headers, secure).map(|credential| token(&state.message_key, &credential))
}

/// A state-changing request that did not say it comes from our own pages: passed on if it
/// carries no cookie to abuse, or this cookie's token (header, or form field: the form body
/// is then read and given back whole); `Err` otherwise.
pub async fn check(key: &MessageKey, secure: bool, request: Request) -> Result<Request, ()> {
    let Some(credential) = credential(request.headers(), secure) else { return Ok(request) };
    let header_token = request.headers().get(CSRF_HEADER).and_then(|value| value.to_str().ok());
    // A multipart form (files) carries it in its address, since its body is not read here.
    let query_token = request.uri().query().and_then(|query| {
        url::form_urlencoded::parse(query.as_bytes())
            .find(|(name, _)| name == CSRF_FIELD)
            .map(|(_, value)| value.into_owned())
    });
    if let Some(given) = header_token.map(str::to_owned).or(query_token) {
        return if key.verify(&["csrf", &credential], &given) { Ok(request) } else { Err(()) };
    }
    if !crate::accounts::web::has_content_type(request.headers(), "application/x-www-form-urlencoded") {
        return Err(());
    }
    let (parts, body) = request.into_parts();
    let bytes = to_bytes(body, MAX_FORM_BYTES).await.map_err(|_| ())?;
    let given = url::form_urlencoded::parse(&bytes).find(|(name, _)| name == CSRF_FIELD).map(|(_, value)| value);
    match given {
        Some(given) if key.verify(&["csrf", &credential], &given) => Ok(Request::from_parts(parts, Body::from(bytes))),
        _ => Err(()),
    }
}
