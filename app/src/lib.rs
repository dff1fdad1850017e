//! e-CARS: pages, components and server functions, compiled both for the server (`ssr`)
//! and for the browser (`hydrate`).
//!
//! Each domain folder holds its view models (`mod.rs`), its server functions (`api.rs`,
//! thin adapters), its pages, and behind the `ssr` feature its service (`service.rs`, database
//! queries that know nothing of HTTP). The rules shared by both sides, the routes and the view
//! models every page shares are in the `core` crate (`ecars_core`), imported from there.
#![recursion_limit = "256"]

pub mod accounts;
pub mod administration;
pub mod agencies;
pub mod app;
pub mod appraisal;
pub mod campaigns;
pub mod contacts;
pub mod contracts;
pub mod documents;
pub mod error;
pub mod evaluation;
pub mod follow_up;
pub mod layout;
pub mod legal_entities;
pub mod operations;
pub mod public_service;
pub mod referentials;

#[cfg(feature = "ssr")]
pub mod audit;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod demo;
#[cfg(all(test, feature = "ssr"))]
mod input_properties;
#[cfg(feature = "ssr")]
pub mod mail;
#[cfg(feature = "ssr")]
pub mod pdf;
#[cfg(feature = "ssr")]
pub mod state;

#[cfg(feature = "hydrate")]
pub use app::mark_interactive;
pub use app::{shell, App};
pub use error::AppError;
