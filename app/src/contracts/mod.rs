//! Contracts (CAQES, CPOM) between the agency and a legal entity.

mod administration_page;
pub mod api;
pub mod creation;
pub mod edition;
mod edition_page;
mod establishments_page;
mod page;
#[cfg(feature = "ssr")]
pub mod service;

pub use administration_page::AgencyContractsPage;
pub use edition_page::ContractEditionPage;
pub use establishments_page::ContractEstablishmentsPage;
pub use page::ContractPage;

use serde::{Deserialize, Serialize};

use crate::legal_entities::EstablishmentRow;

pub use ecars_core::contracts::ContractHeader;
pub use ecars_core::vocabulary::{ContractKind, Phase};

/// An agency's note on a contract, as the contract page shows it to the agency's staff
/// (written on the follow-up, `follow_up::notes`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyNote {
    pub author: String,
    /// "05/12/2026 10:15", in the agency's time zone.
    pub written_at: String,
    pub body: String,
}

/// A row of the legal entity's "Liste des contrats".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractSummary {
    pub id: i32,
    pub kind: ContractKind,
    pub name: String,
    pub status: String,
    pub effective_date: Option<String>,
    pub effective_end_date: Option<String>,
    pub phase: Phase,
}

/// A row of the medico-social entity's "Liste de mes CPOM".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CpomSummary {
    pub id: i32,
    pub name: String,
    pub created_on: String,
    pub status_reason: Option<String>,
    pub competence: Option<String>,
    pub effective_date: Option<String>,
}

/// Every field of the contract page; dates are already formatted (dd/mm/yyyy).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractDetail {
    pub header: ContractHeader,
    pub code: String,
    pub status: String,
    pub agency_contact: String,
    pub estimated_signature_date: Option<String>,
    pub effective_date: Option<String>,
    pub prorogation: Option<String>,
    pub effective_end_date: Option<String>,
    pub last_prorogation_date: Option<String>,
    pub created_on: String,
    pub status_reason: Option<String>,
    pub competence: Option<String>,
}

/// The contract page: the contract, whether this user may change it, and its closing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractPageData {
    pub detail: ContractDetail,
    /// Own entity, establishment role, Auto-Evaluation: "Clore la saisie" is offered.
    pub editable: bool,
    /// Read by its agency's administrator: "Modifier le contrat" is offered.
    pub administrable: bool,
    /// Read by whoever steers its campaign, and opened with a window: "Prolonger la saisie".
    pub extendable: bool,
    /// Read by whoever steers its campaign, and closed: "Rouvrir la saisie".
    pub reopenable: bool,
    pub closing: crate::evaluation::closing::ClosingState,
    /// The closings and reopenings of the current evaluation, oldest first.
    pub closings: Vec<crate::evaluation::years::ClosingEvent>,
    /// "Évaluations précédentes", latest first.
    pub earlier_years: Vec<crate::evaluation::years::EvaluationYear>,
    /// "Notes de l'agence" on the current evaluation: only for agency users, never sent to others.
    pub agency_notes: Option<Vec<AgencyNote>>,
    /// Read by whoever follows its campaign: "Exporter l'évaluation" is offered.
    pub exportable: bool,
    /// Read by one of its referents or its agency's administrators: "Évaluer" is offered on each
    /// closed year.
    #[serde(default)]
    pub appraiser: bool,
}

/// "Accéder à la liste des établissements du contrat".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractEstablishments {
    pub contract: ContractHeader,
    pub establishments: Vec<EstablishmentRow>,
}
