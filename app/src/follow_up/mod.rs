//! The agency's follow-up of the evaluations it steers: "Suivi de la campagne" (every
//! evaluation of a campaign year at a glance) and "Notes de l'agence" on each evaluation.

pub mod api;
pub mod charts;
pub mod dashboard;
mod dashboard_page;
pub mod digest;
pub mod export;
pub mod notes;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod web;

pub use dashboard_page::{ExportLinks, FollowUpPage};
