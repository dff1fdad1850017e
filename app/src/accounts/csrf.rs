//! Cross-site request forgery, for browsers that do not say where a request comes from.
//!
//! Current browsers send `Sec-Fetch-Site` or `Origin` with every state-changing request, and the
//! gate refuses those from other sites. A browser sending neither (old, or a plug-in stripping
//! them) also ignores `SameSite`, so a page elsewhere could post with the user's cookie. Such a
//! request is accepted only with this session's token: every form carries it in the hidden field
//! [`CSRF_FIELD`] (a form sending files, in its address), every island's request and upload in the
//! header [`CSRF_HEADER`]. The token is
//! the server key's HMAC of the session (or renewal) cookie: nothing to store, unknown to any page
//! that cannot read the cookie.

use leptos::prelude::*;

/// The hidden field of every form.
pub const CSRF_FIELD: &str = "__csrf";
/// The header of the requests islands make.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// The page's `<meta name=...>` holding the token, for the islands.
const META_NAME: &str = "csrf-token";

/// The token the current page's forms and requests carry ("" for a visitor with no session).
pub fn page_token() -> String {
    #[cfg(feature = "ssr")]
    {
        server::request_token().unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        document()
            .query_selector(&format!("meta[name='{META_NAME}']"))
            .ok()
            .flatten()
            .and_then(|meta| meta.get_attribute("content"))
            .unwrap_or_default()
    }
}

/// In the page's head: where the islands read the token.
#[component]
pub fn CsrfMeta() -> impl IntoView {
    view! { <meta name=META_NAME content=page_token()/> }
}

/// Inside every `<form>` that posts.
#[component]
pub fn CsrfField() -> impl IntoView {
    view! { <input type="hidden" name=CSRF_FIELD value=page_token()/> }
}

/// The client of every server function: the browser's `fetch`, with the token in a header.
pub struct PortalClient;

mod client {
    use super::*;
    use leptos::server_fn::client::{browser::BrowserClient, Client};
    use leptos::server_fn::error::FromServerFnError;
    use leptos::server_fn::request::browser::BrowserRequest;
    use leptos::server_fn::response::browser::BrowserResponse;
    use leptos::server_fn::Bytes;
    use std::future::Future;

    impl<E, InputStreamError, OutputStreamError> Client<E, InputStreamError, OutputStreamError> for PortalClient
    where
        E: FromServerFnError,
        InputStreamError: FromServerFnError,
        OutputStreamError: FromServerFnError,
    {
        type Request = BrowserRequest;
        type Response = BrowserResponse;

        fn send(request: Self::Request) -> impl Future<Output = Result<Self::Response, E>> + Send {
            #[cfg(feature = "hydrate")]
            {
                let token = page_token();
                if !token.is_empty() {
                    request.headers().set(CSRF_HEADER, &token);
                }
            }
            <BrowserClient as Client<E, InputStreamError, OutputStreamError>>::send(request)
        }

        fn open_websocket(
            path: &str,
        ) -> impl Future<
            Output = Result<
                (
                    impl futures::Stream<Item = Result<Bytes, Bytes>> + Send + 'static,
                    impl futures::Sink<Bytes> + Send + 'static,
                ),
                E,
            >,
        > + Send {
            <BrowserClient as Client<E, InputStreamError, OutputStreamError>>::open_websocket(path)
        }

        fn spawn(future: impl Future<Output = ()> + Send + 'static) {
            <BrowserClient as Client<E, InputStreamError, OutputStreamError>>::spawn(future)
        }
    }
}

#[cfg(feature = "ssr")]
pub mod server {
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
            Some(given) if key.verify(&["csrf", &credential], &given) => {
                Ok(Request::from_parts(parts, Body::from(bytes)))
            }
            _ => Err(()),
        }
    }
}
