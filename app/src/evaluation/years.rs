//! A contract's self-evaluations, one per campaign year, and the closings of each: the current
//! one is the latest year; earlier ones are read-only ("Évaluations précédentes").

use serde::{Deserialize, Serialize};

use ecars_core::vocabulary::Phase;

pub use ecars_core::routes::{CLOSING_PARAM, YEAR_PARAM};

/// "Rouvrir la saisie": when, by whom and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reopening {
    pub at: String,
    pub by: String,
    pub reason: String,
}

/// One "Clore la saisie" of an evaluation, and its reopening if it was reopened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosingEvent {
    pub id: i32,
    pub closed_at: String,
    pub closed_by: String,
    pub reopened: Option<Reopening>,
}

/// One year of a contract's self-evaluation, as the contract page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvaluationYear {
    pub year: i32,
    pub phase: Phase,
    /// Oldest first.
    pub closings: Vec<ClosingEvent>,
}

#[cfg(feature = "ssr")]
pub mod server;
