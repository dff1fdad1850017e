//! The agency's follow-up of the evaluations it steers: "Notes de l'agence" on each evaluation.

pub mod notes;
