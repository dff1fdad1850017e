//! Contracts (CAQES, CPOM), as the pages below a contract show them.

use serde::{Deserialize, Serialize};

use crate::legal_entities::LegalEntityRef;
use crate::vocabulary::{ContractKind, Phase};

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
