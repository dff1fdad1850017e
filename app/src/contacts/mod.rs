//! Administrative contacts of a contract.

pub mod api;
mod page;
#[cfg(feature = "ssr")]
pub mod service;

pub use page::{ContactPage, ContactsPage};

use serde::{Deserialize, Serialize};

use crate::contracts::ContractHeader;

pub use ecars_core::contacts::ContactRow;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactList {
    pub contract: ContractHeader,
    pub contacts: Vec<ContactRow>,
    /// Whether this user may change the contacts now (own entity, Auto-Evaluation).
    pub editable: bool,
}

/// The contact form: one contact and its contract.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactDetail {
    pub contract: ContractHeader,
    pub contact: ContactRow,
    pub editable: bool,
}

/// Query parameter of the list a plain form post returns to after a save (the contact's id).
pub const SAVED_PARAM: &str = "enregistre";
