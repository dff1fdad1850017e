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

pub use ecars_core::legal_entities::LegalEntityRef;

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
    pub domain: Domain,
    pub address: String,
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

pub use ecars_core::vocabulary::Domain;
