//! The e-CARS server: configuration, start-up and the HTTP router around the Leptos app.
// The router's page types nest deeply: Leptos's views keep their full types (no
// `erase_components`, which would cost the browser's WASM a quarter more once split).
#![recursion_limit = "256"]

pub mod config;
mod requests;
pub mod startup;

pub use config::{Cli, Command, Config};
pub use startup::{Application, StartError};
