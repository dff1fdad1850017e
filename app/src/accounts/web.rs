//! What server functions need from the HTTP request around them: cookies, the client's
//! address, whether the page was posted without JavaScript.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::http::{header, request::Parts, HeaderMap, HeaderValue};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

use crate::AppError;

fn parts() -> Option<Parts> {
    use_context::<Parts>()
}

/// A browser without JavaScript posted a form: answer with a redirect to a page.
pub fn is_plain_form_post() -> bool {
    parts().is_some_and(|parts| {
        parts.headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"))
    })
}

/// After a plain form post, go to `target`; a script-driven call gets the target as its result.
pub fn redirect_form_post(target: &str) {
    if is_plain_form_post() {
        leptos_axum::redirect(target);
    }
}

/// The page that posted the form (browsers send it for same-origin posts).
pub fn referer() -> Option<url::Url> {
    parts()?.headers.get(header::REFERER)?.to_str().ok()?.parse().ok()
}

/// After a refused plain form post, back to the page of the form with what was typed (`typed`,
/// replacing those parameters, keeping the others) and the error, which the page shows.
pub fn back_to_form<'a>(
    server_fn_path: &'static str,
    typed: impl IntoIterator<Item = (&'a str, &'a str)>,
    error: &AppError,
) {
    use leptos::server_fn::error::ServerFnUrlError;

    let Some(mut page) = referer() else { return };
    let typed: Vec<_> = typed.into_iter().collect();
    let kept: Vec<(String, String)> = page
        .query_pairs()
        .filter(|(name, _)| !name.starts_with("__") && !typed.iter().any(|(typed, _)| typed == name))
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    page.query_pairs_mut().clear().extend_pairs(kept).extend_pairs(typed);
    let Ok(page) = ServerFnUrlError::new(server_fn_path, error.clone()).to_url(page.as_str()) else { return };
    // Only the path and query of our own page: never an address the request chose.
    leptos_axum::redirect(&format!("{}?{}", page.path(), page.query().unwrap_or_default()));
}

/// The peer address of the connection (the app is meant to face users directly or through a
/// proxy that limits by address itself).
pub fn client_ip() -> Option<IpAddr> {
    parts()?.extensions.get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip())
}

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

pub fn request_cookie(name: &str) -> Option<String> {
    cookie(&parts()?.headers, name)
}

/// Served over https (directly or behind a proxy that says so): cookies get `Secure`.
pub fn is_https(headers: &HeaderMap) -> bool {
    headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()).is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

/// An HttpOnly, SameSite=Lax cookie for the whole site; `max_age` zero deletes it.
pub fn cookie_header(name: &str, value: &str, max_age: Duration, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        max_age.as_secs()
    ))
    .expect("cookie names and hexadecimal values are valid header values")
}

pub fn set_cookie(name: &str, value: &str, max_age: Duration) -> Result<(), AppError> {
    let secure = parts().is_some_and(|parts| is_https(&parts.headers));
    let response = use_context::<ResponseOptions>().ok_or(AppError::Internal)?;
    response.append_header(header::SET_COOKIE, cookie_header(name, value, max_age, secure));
    Ok(())
}

pub fn clear_cookie(name: &str) -> Result<(), AppError> {
    set_cookie(name, "", Duration::ZERO)
}

/// Where to go back after login: only a path of this site, never another site.
pub fn local_path(target: Option<&str>) -> String {
    match target {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => path.to_owned(),
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_login() {
        assert_eq!(local_path(Some("/contrats/1?x=1")), "/contrats/1?x=1");
        for outside in ["https://evil.example", "//evil.example", "/\\evil.example", "contrats"] {
            assert_eq!(local_path(Some(outside)), "/", "{outside}");
        }
        assert_eq!(local_path(None), "/");
    }

    #[test]
    fn reads_a_cookie_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_static("a=1; ecars_session=abc; b=2"));
        assert_eq!(cookie(&headers, "ecars_session").as_deref(), Some("abc"));
        assert_eq!(cookie(&headers, "c"), None);
    }

    #[test]
    fn cookies_are_http_only_and_same_site_and_secure_over_https() {
        let plain = cookie_header("s", "v", Duration::from_secs(60), false);
        assert_eq!(plain, "s=v; Path=/; HttpOnly; SameSite=Lax; Max-Age=60");
        assert!(cookie_header("s", "v", Duration::from_secs(60), true).to_str().unwrap().ends_with("; Secure"));
    }
}
