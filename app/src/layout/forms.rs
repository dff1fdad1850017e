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

/// What a `<textarea>` shows: every text area's content goes through this. Leptos writes the
/// children of the raw-text elements (script, style, textarea) as they are, so without it a
/// stored comment or a value kept from the address holding `</textarea><h1>` would become
/// markup in the page. In the browser the text becomes a text node, which is never markup.
pub fn text_area_content(text: impl AsRef<str>) -> String {
    #[cfg(feature = "ssr")]
    {
        html_escape::encode_text(text.as_ref()).into_owned()
    }
    #[cfg(not(feature = "ssr"))]
    {
        text.as_ref().to_owned()
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_text_stays_text_in_a_text_area() {
        let shown = text_area_content(r#"</textarea><h1 id="injecte">X</h1> & 'a' "b""#);
        assert!(!shown.contains('<'), "{shown}");
        assert!(shown.contains("&lt;/textarea&gt;&lt;h1"), "{shown}");
        assert!(shown.contains("&amp;") && shown.contains("'a'"), "{shown}");
    }

    /// Every text area of the portal gets its content through [`text_area_content`]: the rendered
    /// pages are checked in the integration tests; this finds a new one written otherwise.
    #[test]
    fn every_text_area_of_the_code_goes_through_the_helper() {
        fn walk(folder: &std::path::Path, found: &mut Vec<String>) {
            for entry in std::fs::read_dir(folder).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, found);
                } else if path.extension().is_some_and(|extension| extension == "rs") {
                    let code = std::fs::read_to_string(&path).unwrap();
                    for (at, _) in code.match_indices("</textarea>") {
                        let before = &code[..at];
                        let opened = before.rfind('>').map_or("", |end| &before[end + 1..]);
                        let helper_or_its_tests = path.ends_with("forms.rs") || path.ends_with("sent_pages.rs");
                        if !opened.trim_start().starts_with("{text_area_content(") && !helper_or_its_tests {
                            found.push(format!("{}: {opened}", path.display()));
                        }
                    }
                }
            }
        }
        let mut found = Vec::new();
        walk(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut found);
        assert!(found.is_empty(), "text areas whose content is not escaped: {found:#?}");
    }
}
