//! Server functions of the administrative contacts.

use leptos::prelude::*;

use super::{ContactDetail, ContactList, ContactRow};
use crate::AppError;

#[server(endpoint = "contacts")]
pub async fn list_contacts(contract_id: i32) -> Result<ContactList, AppError> {
    let viewer = crate::accounts::access::viewer()?;
    super::service::list(&crate::state::AppState::current()?.db, &viewer, contract_id).await
}

#[server(endpoint = "contact")]
pub async fn get_contact(contact_id: i32) -> Result<ContactDetail, AppError> {
    let viewer = crate::accounts::access::viewer()?;
    super::service::detail(&crate::state::AppState::current()?.db, &viewer, contact_id).await
}

/// "Enregistrer" on the contact form. Without JavaScript the browser goes back to the list
/// after a save, or to the form with the error and what was typed.
#[server(endpoint = "enregistrer_contact")]
pub async fn save_contact(
    contact_id: i32,
    last_name: String,
    first_name: String,
    email: String,
    phone: String,
) -> Result<ContactRow, AppError> {
    use super::rules::ContactInput;

    let viewer = crate::accounts::access::viewer()?;
    let input = ContactInput { last_name, first_name, email, phone };
    let result = super::service::save(&crate::state::AppState::current()?.db, &viewer, contact_id, &input).await;
    if crate::accounts::web::is_plain_form_post() {
        back_after_post(&input, &result);
    }
    result
}

#[cfg(feature = "ssr")]
fn back_after_post(input: &super::rules::ContactInput, result: &Result<ContactRow, AppError>) {
    use leptos::server_fn::ServerFn;

    match result {
        Ok(saved) => {
            let Some(page) = crate::accounts::web::referer() else { return };
            // The form is at /contrats/:id/contacts/:contact: back to the list.
            let list = page.path().rsplit_once('/').map(|(list, _)| list.to_owned()).unwrap_or_default();
            leptos_axum::redirect(&format!("{list}?{}={}", super::SAVED_PARAM, saved.id));
        }
        Err(error) => crate::accounts::web::back_to_form(SaveContact::PATH, input.query_pairs(), error),
    }
}
