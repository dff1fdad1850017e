//! "Modifier le contrat" in the administration: every field of the creation form, on an existing
//! contract of the agency. Its legal entity and referential version stay; its contact functions
//! may grow, change their mandatory flag, or lose a function nobody was named for yet.

use serde::{Deserialize, Serialize};

use super::creation::ContractForm;
use crate::legal_entities::LegalEntityRef;

/// What the edition page needs: the contract as its form shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractEdition {
    pub id: i32,
    pub legal_entity: LegalEntityRef,
    /// "CAQES 2026 (version 2)"; `None` for a contract made before referentials.
    pub referential: Option<String>,
    pub form: ContractForm,
    /// The FINESS numbers of the establishments it covers, comma-separated.
    pub establishments: String,
}

/// Query parameter of the edition page after a change.
pub const EDITED_PARAM: &str = "modifie";

pub const EDITED_MESSAGE: &str = "Les modifications du contrat sont enregistrées.";

#[cfg(feature = "ssr")]
pub use server::{contract_edition, edit_contract};

#[cfg(feature = "ssr")]
mod server;
