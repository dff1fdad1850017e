//! What server functions need from the HTTP request around them: cookies, the client's
//! address, whether the page was posted without JavaScript.

use std::net::IpAddr;
use std::time::Duration;

use axum::http::{header, request::Parts, HeaderMap, HeaderValue};
use ecars_core::routes::HOME_PATH;
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

use super::client::Client;
use crate::AppError;

fn parts() -> Option<Parts> {
    use_context::<Parts>()
}

/// Whether a request or response says its body is of `media_type` (parameters such as
/// `; charset=utf-8` aside).
pub fn has_content_type(headers: &HeaderMap, media_type: &str) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.split(';').next().is_some_and(|given| given.trim().eq_ignore_ascii_case(media_type)))
}

/// A browser without JavaScript posted a form: answer with a redirect to a page.
pub fn is_plain_form_post() -> bool {
    parts().is_some_and(|parts| {
        parts.headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"))
    })
}

/// Where a plain form post (no JavaScript) sends the browser once its server function has
/// answered: on success to `done(value)`; refused, back to the form's page with what was typed
/// and the error, which the page reads from the address. A call from a script gets the result
/// itself and is not redirected. Every form goes through here.
pub fn answer_plain_post<T>(
    server_fn_path: &'static str,
    result: &Result<T, AppError>,
    done: impl FnOnce(&T) -> String,
    back: Option<FormPage>,
) {
    if !is_plain_form_post() {
        return;
    }
    match result {
        Ok(value) => leptos_axum::redirect(&done(value)),
        Err(error) => {
            if let Some(target) = back.and_then(|page| page.with_error(server_fn_path, error)) {
                leptos_axum::redirect(&target);
            }
        }
    }
}

/// Where the signature of a plain form post's error travels, beside Leptos' `__path` and `__err`.
pub const SIGNATURE_PARAM: &str = "__sig";

/// The signature of the error `address` carries: computed when `signature` is `None`, else
/// `Some` only if it matches. `None` when the address carries no error.
pub fn message_signature(
    address: &url::Url,
    key: &super::secrets::MessageKey,
    signature: Option<&str>,
) -> Option<String> {
    let value = |name: &str| address.query_pairs().find(|(key, _)| key == name).map(|(_, value)| value.into_owned());
    let (path, error) = (value("__path").unwrap_or_default(), value("__err")?);
    let parts = [path.as_str(), error.as_str()];
    match signature {
        None => Some(key.sign(&parts)),
        Some(signature) => key.verify(&parts, signature).then(|| signature.to_owned()),
    }
}

/// The page that posted the form (browsers send it for same-origin posts).
fn referer() -> Option<url::Url> {
    parts()?.headers.get(header::REFERER)?.to_str().ok()?.parse().ok()
}

/// A form's page to come back to after a refused plain form post.
pub struct FormPage {
    path: String,
    query: Vec<(String, String)>,
    anchor: Option<&'static str>,
}

impl FormPage {
    /// The page at `path`, with `query`.
    pub fn at<'a>(path: String, query: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let query = query.into_iter().map(|(name, value)| (name.to_owned(), value.to_owned())).collect();
        FormPage { path, query, anchor: None }
    }

    /// The page that posted the form (browsers send it for same-origin posts), its query kept
    /// but for the names `typed` gives again.
    pub fn posting<'a>(typed: impl IntoIterator<Item = (&'a str, &'a str)>) -> Option<Self> {
        let page = referer()?;
        let typed: Vec<_> = typed.into_iter().collect();
        let mut query: Vec<(String, String)> = page
            .query_pairs()
            .filter(|(name, _)| !name.starts_with("__") && !typed.iter().any(|(typed, _)| typed == name))
            .map(|(name, value)| (name.into_owned(), value.into_owned()))
            .collect();
        query.extend(typed.into_iter().map(|(name, value)| (name.to_owned(), value.to_owned())));
        Some(FormPage { path: page.path().to_owned(), query, anchor: None })
    }

    /// The page that posted the form, with `query` instead of its own.
    pub fn posting_with<'a>(query: impl IntoIterator<Item = (&'a str, &'a str)>) -> Option<Self> {
        Self::posting_keeping(&[], query)
    }

    /// The page that posted the form, keeping of its query only the names `kept`, then `query`.
    pub fn posting_keeping<'a>(kept: &[&str], query: impl IntoIterator<Item = (&'a str, &'a str)>) -> Option<Self> {
        let page = referer()?;
        let mut pairs: Vec<(String, String)> = page
            .query_pairs()
            .filter(|(name, _)| kept.contains(&name.as_ref()))
            .map(|(name, value)| (name.into_owned(), value.into_owned()))
            .collect();
        pairs.extend(query.into_iter().map(|(name, value)| (name.to_owned(), value.to_owned())));
        Some(FormPage { path: page.path().to_owned(), query: pairs, anchor: None })
    }

    /// Its address as it is (for a success that stays on the form's page).
    pub fn href(&self) -> String {
        let query = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(&self.query).finish();
        let anchor = self.anchor.map(|anchor| format!("#{anchor}")).unwrap_or_default();
        format!("{}?{query}{anchor}", self.path)
    }

    /// The page one level up (`/a/b/c` gives `/a/b`).
    pub fn up(mut self) -> Self {
        if let Some((parent, _)) = self.path.rsplit_once('/') {
            self.path = parent.to_owned();
        }
        self
    }

    /// The page one level down (`/a/b` and `segment` give `/a/b/segment`).
    pub fn below(mut self, segment: &str) -> Self {
        self.path = format!("{}/{segment}", self.path.trim_end_matches('/'));
        self
    }

    /// The same page, scrolled to the element `anchor`.
    pub fn at_anchor(mut self, anchor: &'static str) -> Self {
        self.anchor = Some(anchor);
        self
    }

    /// Only the path and query of our own page: never an address the request chose. The error
    /// is signed (see [`message_signature`]): the page shows no message the server did not write.
    fn with_error(self, server_fn_path: &'static str, error: &AppError) -> Option<String> {
        use leptos::server_fn::error::ServerFnUrlError;
        let mut base = url::Url::parse("http://localhost").ok()?.join(&self.path).ok()?;
        base.query_pairs_mut().clear().extend_pairs(&self.query);
        let mut page = ServerFnUrlError::new(server_fn_path, error.clone()).to_url(base.as_str()).ok()?;
        let key = leptos::prelude::use_context::<super::secrets::MessageKey>()?;
        let signature = message_signature(&page, &key, None)?;
        page.query_pairs_mut().append_pair(SIGNATURE_PARAM, &signature);
        let anchor = self.anchor.map(|anchor| format!("#{anchor}")).unwrap_or_default();
        Some(format!("{}?{}{anchor}", page.path(), page.query().unwrap_or_default()))
    }
}

/// The client of the current request, as the gate found it ([`Client::of`]).
fn client() -> Option<Client> {
    parts()?.extensions.get::<Client>().copied()
}

/// The client's address: the connection's, or the one a trusted proxy forwarded.
pub fn client_ip() -> Option<IpAddr> {
    client()?.ip
}

/// Over https every cookie of the portal is `__Host-` prefixed: the browser then keeps it only
/// if it is Secure, for the whole site and this host alone, so no sibling domain can plant one.
pub fn cookie_name(name: &str, secure: bool) -> String {
    if secure {
        format!("__Host-{name}")
    } else {
        name.to_owned()
    }
}

/// The value of the portal's cookie `name` (prefixed over https, when `secure`).
pub fn cookie(headers: &HeaderMap, name: &str, secure: bool) -> Option<String> {
    let name = cookie_name(name, secure);
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
    cookie(&parts()?.headers, name, is_https())
}

/// Served over https (behind a trusted proxy that says so): cookies get `Secure` and `__Host-`.
fn is_https() -> bool {
    client().is_some_and(|client| client.https)
}

/// An HttpOnly, SameSite=Lax cookie for the whole site; `max_age` zero deletes it. Names are
/// constants and values hexadecimal tokens, so it is always a valid header; if not, `Internal`.
pub fn cookie_header(name: &str, value: &str, max_age: Duration, secure: bool) -> Result<HeaderValue, AppError> {
    let name = cookie_name(name, secure);
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        max_age.as_secs()
    ))
    .map_err(|_| AppError::Internal)
}

pub fn set_cookie(name: &str, value: &str, max_age: Duration) -> Result<(), AppError> {
    let secure = is_https();
    let response = use_context::<ResponseOptions>().ok_or(AppError::Internal)?;
    response.append_header(header::SET_COOKIE, cookie_header(name, value, max_age, secure)?);
    Ok(())
}

pub fn clear_cookie(name: &str) -> Result<(), AppError> {
    set_cookie(name, "", Duration::ZERO)
}

/// Where a user may be sent back to (after login): a path of this site only, as the browser will
/// read it. Browsers drop tabs and newlines anywhere in an address, trim spaces and controls, and
/// read `\\` as `/`: `/<TAB>/evil.example` is `//evil.example`, another site. So the target is
/// cleaned the same way, resolved against this site, and kept only if it stays here; anything
/// else is the home page. What comes out is percent-encoded, safe in a `Location` header.
pub fn return_path(target: Option<&str>) -> String {
    target.and_then(same_site_path).unwrap_or_else(|| HOME_PATH.to_owned())
}

fn same_site_path(target: &str) -> Option<String> {
    let cleaned: String = target.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
    let cleaned = cleaned.trim_matches(|c: char| c <= ' ').replace('\\', "/");
    if !cleaned.starts_with('/') || cleaned.starts_with("//") {
        return None;
    }
    let here = url::Url::parse("http://portail.invalid/").ok()?;
    let resolved = here.join(&cleaned).ok().filter(|url| url.origin() == here.origin())?;
    let path = match resolved.query() {
        Some(query) => format!("{}?{query}", resolved.path()),
        None => resolved.path().to_owned(),
    };
    // "/.//x" resolves to the path "//x", which a browser would read as another site.
    (path.starts_with('/') && !path.starts_with("//")).then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_content_type_is_read_without_its_parameters() {
        let with =
            |value: &'static str| HeaderMap::from_iter([(header::CONTENT_TYPE, HeaderValue::from_static(value))]);
        assert!(has_content_type(&with("text/html; charset=utf-8"), "text/html"));
        assert!(has_content_type(&with("Application/X-WWW-Form-Urlencoded"), "application/x-www-form-urlencoded"));
        assert!(!has_content_type(&with("text/htmlx"), "text/html"));
        assert!(!has_content_type(&HeaderMap::new(), "text/html"));
    }

    #[test]
    fn only_paths_of_this_site_are_followed_after_login() {
        assert_eq!(return_path(Some("/contrats/1?x=1")), "/contrats/1?x=1");
        assert_eq!(
            return_path(Some("/contrats/1/indicateurs?question=8#question")),
            "/contrats/1/indicateurs?question=8"
        );
        for outside in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "contrats",
            "/\t/evil.example",
            "/\n/evil.example",
            "\t//evil.example",
            " //evil.example",
            "/.//evil.example",
            "/./\\evil.example",
            "javascript:alert(1)",
            "",
        ] {
            assert_eq!(return_path(Some(outside)), "/", "{outside:?}");
        }
        assert_eq!(return_path(None), "/");
    }

    #[test]
    fn what_comes_back_is_a_valid_header_value() {
        for target in ["/contrats/1\r\nSet-Cookie: x=1", "/é?é=1", "/a b", "/%0d%0aX: y"] {
            let path = return_path(Some(target));
            assert!(HeaderValue::from_str(&path).is_ok(), "{target:?} gives {path:?}");
            assert!(path.starts_with('/') && !path.starts_with("//"), "{path}");
        }
        assert_eq!(return_path(Some("/contrats/1\r\n")), "/contrats/1");
    }

    #[test]
    fn reads_a_cookie_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_static("a=1; ecars_session=abc; b=2"));
        assert_eq!(cookie(&headers, "ecars_session", false).as_deref(), Some("abc"));
        assert_eq!(cookie(&headers, "c", false), None);
        assert_eq!(cookie(&headers, "ecars_session", true), None, "over https only the __Host- cookie counts");
    }

    #[test]
    fn cookies_are_http_only_and_same_site_and_secure_over_https() {
        let plain = cookie_header("s", "v", Duration::from_secs(60), false).unwrap();
        assert_eq!(plain, "s=v; Path=/; HttpOnly; SameSite=Lax; Max-Age=60");
        let secure = cookie_header("s", "v", Duration::from_secs(60), true).unwrap();
        assert_eq!(secure, "__Host-s=v; Path=/; HttpOnly; SameSite=Lax; Max-Age=60; Secure");
    }
}
