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

use crate::legal_entities::{EstablishmentRow, LegalEntityRef};

/// "Etat en cours" of a self-evaluation, stored by name in `evaluations.phase`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum Phase {
    /// The establishment may edit its self-evaluation.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "auto_evaluation"))]
    AutoEvaluation,
    /// Read-only for everybody.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "consultation"))]
    Consultation,
}

impl Phase {
    /// The modifier of the banner's CSS class.
    pub fn css_modifier(self) -> &'static str {
        match self {
            Phase::AutoEvaluation => "auto_evaluation",
            Phase::Consultation => "consultation",
        }
    }

    /// The label of the guide's banner.
    pub fn label(self) -> &'static str {
        match self {
            Phase::AutoEvaluation => "Auto-Evaluation",
            Phase::Consultation => "Consultation",
        }
    }
}

/// The type of a contract, stored as its name in `contracts.kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum ContractKind {
    /// Quality and efficiency of care (hospitals), evaluated yearly by self-evaluation.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "CAQES"))]
    Caqes,
    /// Multi-year objectives and means (medico-social).
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "CPOM"))]
    Cpom,
}

impl ContractKind {
    pub const ALL: [ContractKind; 2] = [ContractKind::Caqes, ContractKind::Cpom];

    /// `CAQES` or `CPOM`, as forms send it.
    pub fn parse(text: &str) -> Option<Self> {
        ContractKind::ALL.into_iter().find(|kind| kind.label() == text.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            ContractKind::Caqes => "CAQES",
            ContractKind::Cpom => "CPOM",
        }
    }
}

/// What every page below a contract needs for its banner and breadcrumb.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractHeader {
    pub id: i32,
    pub kind: ContractKind,
    pub name: String,
    /// Of the evaluation shown (the current one unless an earlier year is asked for).
    pub phase: Phase,
    /// The campaign year of that evaluation.
    pub year: i32,
    /// Its entry window, if a campaign opened it (receipts kept from before windows have none).
    #[serde(default)]
    pub window: Option<crate::campaigns::WindowNotice>,
    pub legal_entity: LegalEntityRef,
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
    pub agency_notes: Option<Vec<crate::follow_up::notes::AgencyNote>>,
    /// Read by whoever follows its campaign: "Exporter l'évaluation" is offered.
    pub exportable: bool,
}

/// "Accéder à la liste des établissements du contrat".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractEstablishments {
    pub contract: ContractHeader,
    pub establishments: Vec<EstablishmentRow>,
}
