//! Progressive enhancement of forms: with JavaScript a form's result shows in place; without
//! it the browser posts the form to the server function, which answers with a redirect and puts
//! any error in the URL (`__path`, `__err`), read back here.
//!
//! Pages are loaded whole (only islands are hydrated), so the address does not change under a
//! form: it is read once. In the browser an island has no router, so it reads the address itself.

use leptos::prelude::*;
use leptos::server_fn::{error::ServerFnUrlError, ServerFn};
use leptos_router::params::ParamsMap;

use crate::AppError;

/// The error to show for the form of server function `S`: the last call's, or after a plain
/// form post, the one the server put in the URL.
pub fn form_error<S>(action: ServerAction<S>) -> Signal<Option<AppError>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let from_url = error_in_url::<S>();
    Signal::derive(move || match action.value().get() {
        Some(result) => result.err(),
        None => from_url.get(),
    })
}

/// The error a plain form post of server function `S` came back with, if any.
pub fn error_in_url<S: ServerFn<Error = AppError>>() -> Signal<Option<AppError>> {
    let query = page_query();
    Signal::stored(
        (query.get("__path").as_deref() == Some(S::PATH))
            .then(|| query.get("__err").map(|err| ServerFnUrlError::<AppError>::decode_err(&err)))
            .flatten(),
    )
}

/// A non-empty query parameter of the current address.
pub fn query_param(name: &'static str) -> Signal<Option<String>> {
    Signal::stored(page_query().get(name).filter(|value| !value.is_empty()))
}

/// The query of the current address.
pub fn page_query() -> ParamsMap {
    #[cfg(feature = "hydrate")]
    {
        use leptos_router::location::{BrowserUrl, LocationProvider};
        BrowserUrl::current().map(|url| url.search_params().clone()).unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        leptos_router::hooks::use_query_map().get_untracked()
    }
}

/// The path and query of the current address, to come back to after logging in again.
pub fn page_address() -> String {
    #[cfg(feature = "hydrate")]
    {
        let location = window().location();
        format!("{}{}", location.pathname().unwrap_or_default(), location.search().unwrap_or_default())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        // The router keeps the query without its "?".
        let location = leptos_router::hooks::use_location();
        let (path, query) = (location.pathname.get_untracked(), location.search.get_untracked());
        if query.is_empty() {
            path
        } else {
            format!("{path}?{query}")
        }
    }
}
