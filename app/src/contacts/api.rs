//! Server functions of the administrative contacts.

use leptos::prelude::*;

use super::{ContactDetail, ContactList, ContactRow};
use crate::AppError;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;

#[server(endpoint = "contacts", client = crate::accounts::csrf::PortalClient)]
pub async fn list_contacts(contract_id: i32) -> Result<ContactList, AppError> {
    let viewer = crate::accounts::access::viewer()?;
    super::service::list(&crate::state::AppState::current()?.db, &viewer, ecars_core::ids::ContractId(contract_id))
        .await
}

#[server(endpoint = "contact", client = crate::accounts::csrf::PortalClient)]
pub async fn get_contact(contact_id: i32) -> Result<ContactDetail, AppError> {
    let viewer = crate::accounts::access::viewer()?;
    super::service::detail(&crate::state::AppState::current()?.db, &viewer, contact_id).await
}

/// "Enregistrer" on the contact form. Without JavaScript the browser goes back to the list
/// after a save, or to the form with the error and what was typed.
#[server(endpoint = "enregistrer_contact", client = crate::accounts::csrf::PortalClient)]
pub async fn save_contact(
    contact_id: i32,
    last_name: String,
    first_name: String,
    email: String,
    phone: String,
) -> Result<ContactRow, AppError> {
    use ecars_core::contacts::ContactInput;

    let viewer = crate::accounts::access::viewer()?;
    let input = ContactInput { last_name, first_name, email, phone };
    let result = super::service::save(&crate::state::AppState::current()?.db, &viewer, contact_id, &input).await;
    // Without JavaScript, back to the list after a save, or to the form with the error and what was typed.
    use crate::accounts::web::{answer_plain_post, FormPage};
    // The form is at /contrats/:id/contacts/:contact, the list one level up.
    let list = |saved: &ContactRow| {
        let saved = saved.id.to_string();
        let list = FormPage::posting_with([(super::SAVED_PARAM, saved.as_str())]).map(FormPage::up);
        list.map(|list| list.href()).unwrap_or_else(|| ecars_core::routes::HOME_PATH.to_owned())
    };
    answer_plain_post(SaveContact::PATH, &result, list, FormPage::posting(input.query_pairs()));
    result
}
