//! Progressive enhancement of forms: with JavaScript a form's result shows in place; without
//! it the browser posts the form to the server function, which answers with a redirect and puts
//! any error in the URL (`__path`, `__err`), read back here.

use leptos::prelude::*;
use leptos::server_fn::{error::ServerFnUrlError, ServerFn};
use leptos_router::hooks::use_query_map;

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
    let query = use_query_map();
    Signal::derive(move || {
        let query = query.read();
        (query.get("__path").as_deref() == Some(S::PATH))
            .then(|| query.get("__err").map(|err| ServerFnUrlError::<AppError>::decode_err(&err)))
            .flatten()
    })
}

/// A non-empty query parameter of the current address.
pub fn query_param(name: &'static str) -> Signal<Option<String>> {
    let query = use_query_map();
    Signal::derive(move || query.read().get(name).filter(|value| !value.is_empty()))
}
