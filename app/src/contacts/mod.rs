//! Administrative contacts of a contract.

pub mod api;
mod page;
#[cfg(feature = "ssr")]
pub mod service;

pub use page::ContactsPage;

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
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactList {
    pub contract: ContractHeader,
    pub contacts: Vec<ContactRow>,
}
