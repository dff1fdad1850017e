//! The e-CARS server: configuration, start-up and the HTTP router around the Leptos app.

pub mod config;
pub mod startup;

pub use config::{Cli, Command, Config};
pub use startup::{Application, StartError};
