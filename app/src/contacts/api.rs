//! Server functions of the administrative contacts.

use leptos::prelude::*;

use super::ContactList;
use crate::AppError;

#[server(endpoint = "contacts")]
pub async fn list_contacts(contract_id: i32) -> Result<ContactList, AppError> {
    let db = crate::accounts::access::contract_for_reading(contract_id).await?;
    super::service::list(&db, contract_id).await?.ok_or(AppError::NotFound)
}
