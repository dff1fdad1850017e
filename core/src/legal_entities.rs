//! Legal entities (EJ), as every page names and links them.

use serde::{Deserialize, Serialize};

/// Enough to name and link a legal entity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegalEntityRef {
    pub finess: String,
    pub name: String,
}

impl LegalEntityRef {
    /// "380780080 - CHU DE GRENOBLE ALPES", as everywhere in the guides.
    pub fn title(&self) -> String {
        format!("{} - {}", self.finess, self.name)
    }

    pub fn href(&self) -> String {
        crate::routes::legal_entity_href(&self.finess)
    }
}
