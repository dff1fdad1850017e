//! e-CARS's floor: what both the browser and the server know, and nothing of how either works.
//!
//! The stored vocabulary ([`vocabulary`]), days and the agencies' time zone ([`day`], [`time`]),
//! the newtypes that parse what users type ([`email`]) and the typed identifiers ([`ids`]), the rules the browser checks
//! before the server does ([`evaluation`], [`text`]), and every address of the portal
//! ([`routes`]). No Leptos, axum or sea-orm here: the database derives are behind the `database`
//! feature and the clock behind `clock`, both for the server only. Nothing here imports the
//! portal's other crates (`app/tests/layers.rs` checks it).

pub mod day;
pub mod email;
pub mod evaluation;
pub mod ids;
pub mod routes;
pub mod text;
#[cfg(feature = "clock")]
pub mod time;
pub mod vocabulary;
