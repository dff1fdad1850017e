//! The requests islands send themselves, over `XMLHttpRequest` (the browser API that also tells
//! an upload's progress): a server function called as its plain form would be, a file, a panel
//! page. One place for the CSRF header, the reading of the answer and a lost connection, so that
//! an island needs neither Leptos' actions nor its server-function client in the browser.

use leptos::wasm_bindgen::{closure::Closure, JsCast, JsValue};
use leptos::web_sys::XmlHttpRequest;
use serde::de::DeserializeOwned;

use crate::accounts::csrf::{page_token, CSRF_HEADER};
use crate::AppError;

/// What the server answered: status 0 when it could not be reached.
pub struct Answer {
    pub status: u16,
    pub body: String,
    /// The address of the answer, after the redirects followed.
    pub address: String,
}

/// A request opened, its headers set and `done` called with its answer; the caller adds what
/// it needs (an upload's progress) and sends it.
pub fn open(
    method: &str,
    address: &str,
    headers: &[(&str, &str)],
    done: impl FnOnce(Answer) + 'static,
) -> Result<XmlHttpRequest, JsValue> {
    let request = XmlHttpRequest::new()?;
    request.open(method, address)?;
    request.set_request_header(CSRF_HEADER, &page_token())?;
    for (name, value) in headers {
        request.set_request_header(name, value)?;
    }
    let answered = request.clone();
    let on_end = Closure::once_into_js(move || {
        done(Answer {
            status: answered.status().unwrap_or(0),
            body: answered.response_text().ok().flatten().unwrap_or_default(),
            address: answered.response_url(),
        })
    });
    request.set_onloadend(Some(on_end.unchecked_ref()));
    Ok(request)
}

/// Sends `form` (`name=value&...`) as a form post, or nothing (a page asked for), to
/// `address`; `done` gets the answer, with status 0 if the request could not even be sent.
pub fn send_form(method: &str, address: &str, accept: &str, form: Option<&str>, done: impl FnOnce(Answer) + 'static) {
    // Kept to answer with "unreachable" if the request fails before being sent.
    let failed = std::rc::Rc::new(std::cell::Cell::new(Some(Box::new(done) as Box<dyn FnOnce(Answer)>)));
    let answered = failed.clone();
    let mut headers = vec![("Accept", accept)];
    if form.is_some() {
        headers.push(("Content-Type", "application/x-www-form-urlencoded"));
    }
    let sent = open(method, address, &headers, move |answer| {
        if let Some(done) = answered.take() {
            done(answer)
        }
    })
    .and_then(|request| match form {
        Some(form) => request.send_with_opt_str(Some(form)),
        None => request.send(),
    });
    if sent.is_err() {
        if let Some(done) = failed.take() {
            done(Answer { status: 0, body: String::new(), address: String::new() });
        }
    }
}

/// Calls the server function at `path` with its arguments as a form, as Leptos' client would:
/// `done` gets its value, or its error (`Unreachable` when the server could not be reached).
pub fn call<T: DeserializeOwned + 'static>(path: &str, form: &str, done: impl FnOnce(Result<T, AppError>) + 'static) {
    send_form("POST", path, "application/json", Some(form), move |answer| done(read(&answer)));
}

/// A server function's answer: its value, or the error it encoded.
pub fn read<T: DeserializeOwned>(answer: &Answer) -> Result<T, AppError> {
    match answer.status {
        0 => Err(AppError::Unreachable),
        200..=299 => serde_json::from_str(&answer.body).map_err(|_| AppError::Unreachable),
        _ => Err(serde_json::from_str(&answer.body).unwrap_or(AppError::Internal)),
    }
}
