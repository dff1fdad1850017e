//! e-CARS's floor: what both the browser and the server know, and nothing of how either works.
//!
//! - the stored vocabulary ([`vocabulary`]) and the typed identifiers of the main tables ([`ids`]);
//! - days and the agencies' time zone ([`day`], [`time`]);
//! - the newtypes that parse what users type: email addresses ([`email`]), contacts and phone
//!   numbers ([`contacts`]), FINESS numbers ([`finess`]), document names ([`documents`]),
//!   passwords ([`password`]);
//! - the rules the browser checks before the server does ([`evaluation`]: answers, the fill
//!   percentage, the tree's filter, closing; [`text`]);
//! - every address of the portal ([`routes`]);
//! - what pages show of contracts, legal entities, entry windows and the indicator tree
//!   ([`contracts`], [`legal_entities`], [`campaigns`], [`evaluation::tree`]).
//!
//! No Leptos, axum or sea-orm here: the database derives are behind the `database` feature and
//! the clock behind `clock`, both for the server only. Nothing here imports the portal's other
//! crates, and `core/tests/layers.rs` checks that it depends on no framework.

pub mod campaigns;
pub mod contacts;
pub mod contracts;
pub mod day;
pub mod documents;
pub mod email;
pub mod evaluation;
pub mod finess;
pub mod ids;
pub mod legal_entities;
pub mod password;
pub mod routes;
pub mod text;
#[cfg(feature = "clock")]
pub mod time;
pub mod vocabulary;
