//! An evaluation's entry window: the notice pages show is `ecars_core::campaigns`; the server
//! computes it from the campaign's days (`server.rs`).

pub use ecars_core::campaigns::{WindowNotice, WindowState};

#[cfg(feature = "ssr")]
pub mod server;
