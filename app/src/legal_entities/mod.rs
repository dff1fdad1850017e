//! Legal entities (EJ) and their establishments (ET).

pub mod api;
mod establishment_page;
mod pages;
#[cfg(feature = "ssr")]
pub mod service;
mod sorting;

pub use establishment_page::EstablishmentPage;
pub use pages::{EstablishmentTable, HomePage, LegalEntityPage};
pub use sorting::{SortKey, SortOrder};

use serde::{Deserialize, Serialize};

use crate::contracts::{ContractSummary, CpomSummary};
use crate::documents::DocumentFolder;

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
        format!("/entites-juridiques/{}", self.finess)
    }
}

/// A row of "Gestion des Contrats".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegalEntityRow {
    pub entity: LegalEntityRef,
    pub address: String,
    pub phone: String,
}

/// An establishment (ET) as listed under its legal entity or its contract.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EstablishmentRow {
    pub id: i32,
    pub finess: String,
    pub name: String,
    pub region: String,
    pub domain: String,
    pub address: String,
}

pub fn establishment_href(id: i32) -> String {
    format!("/etablissements/{id}")
}

/// The establishment page: who it is, and "Documents de l'établissement".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EstablishmentDetail {
    pub establishment: EstablishmentRow,
    pub legal_entity: LegalEntityRef,
    pub documents: DocumentFolder,
}

/// The legal entity page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegalEntityDetail {
    pub entity: LegalEntityRef,
    pub address: String,
    pub phone: String,
    /// Medico-social entities also list their CPOM and their establishments.
    pub medico_social: bool,
    pub contracts: Vec<ContractSummary>,
    pub cpoms: Vec<CpomSummary>,
    pub establishments: Vec<EstablishmentRow>,
}

/// Domain value of a medico-social legal entity or establishment.
pub const MEDICO_SOCIAL: &str = "Médicosocial";
