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

/// What the user typed into field `id` before its island was hydrated: on a slow link the page
/// is usable before the WASM arrives, and an island must go on from what its fields hold then,
/// not from the server's values. Read when the island is created; give it to the island's
/// signals in an effect, once hydrated (a signal must start from the server's value, or the
/// markup hydration expects would differ from the server's). Read once per field: a field
/// rendered later (a panel opened afterwards) starts from its own values. `None` on the server,
/// or when the page has no such field.
pub fn typed_before_hydration(id: &str) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        use leptos::web_sys::{HtmlInputElement, HtmlTextAreaElement};
        let field = field_at_hydration(id)?;
        if let Some(input) = field.dyn_ref::<HtmlInputElement>() {
            return Some(input.value());
        }
        field.dyn_ref::<HtmlTextAreaElement>().map(HtmlTextAreaElement::value)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = id;
        None
    }
}

/// The same for a checkbox or a radio button: whether it was ticked before hydration.
pub fn ticked_before_hydration(id: &str) -> Option<bool> {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        field_at_hydration(id)?.dyn_ref::<leptos::web_sys::HtmlInputElement>().map(|input| input.checked())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = id;
        None
    }
}

/// The element `id` the first time it is asked for, `None` afterwards.
#[cfg(feature = "hydrate")]
fn field_at_hydration(id: &str) -> Option<leptos::web_sys::Element> {
    use std::cell::RefCell;
    use std::collections::HashSet;
    thread_local! {
        static READ: RefCell<HashSet<String>> = RefCell::new(HashSet::new());
    }
    READ.with(|read| read.borrow_mut().insert(id.to_owned())).then(|| document().get_element_by_id(id)).flatten()
}

/// Why a form was refused, above it (read out at once by screen readers).
#[component]
pub fn FormRefusal(message: String) -> impl IntoView {
    view! {
        <div class="fr-alert fr-alert--error fr-alert--sm fr-mb-3w" role="alert"><p>{message}</p></div>
    }
}

/// What a form just did, after the redirect that followed it (announced by screen readers).
#[component]
pub fn DoneNotice(message: Option<String>) -> impl IntoView {
    view! {
        <div role="status">
            {message.map(|message| view! { <p class="fr-alert fr-alert--success fr-alert--sm fr-mb-3w">{message}</p> })}
        </div>
    }
}

/// A search form of a list (a plain GET to `action`): one field named `param`, filled with `value`.
#[component]
pub fn SearchForm(
    action: &'static str,
    param: &'static str,
    label: &'static str,
    hint: &'static str,
    button: &'static str,
    value: String,
) -> impl IntoView {
    view! {
        <form method="get" action=action role="search" class="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom fr-mb-2w">
            <div class="fr-col-12 fr-col-md-6 fr-input-group">
                <label class="fr-label" for=param>
                    {label}
                    <span class="fr-hint-text">{hint}</span>
                </label>
                <input class="fr-input" id=param name=param type="search" value=value autocomplete="off"/>
            </div>
            <div class="fr-col-12 fr-col-md-3">
                <button class="fr-btn fr-btn--secondary" type="submit">{button}</button>
            </div>
        </form>
    }
}
