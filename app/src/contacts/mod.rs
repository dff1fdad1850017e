//! Administrative contacts of a contract.

pub mod api;
mod page;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod service;

pub use page::{ContactPage, ContactsPage};

use serde::{Deserialize, Serialize};

use crate::contracts::ContractHeader;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactRow {
    pub id: i32,
    pub function: String,
    pub last_name: Option<String>,
    pub first_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub mandatory: bool,
    /// Confirmed by the establishment in this self-evaluation (saved, even unchanged).
    pub updated: bool,
}

impl ContactRow {
    /// A mandatory contact not yet confirmed in this self-evaluation: closing waits for it.
    pub fn blocks_closing(&self) -> bool {
        self.mandatory && !self.updated
    }
}

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
