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
pub mod server;
