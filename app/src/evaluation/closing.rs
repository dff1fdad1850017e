//! "Clore la saisie": the closing rule is `ecars_core::evaluation::closing`, shared by the
//! browser (what is still missing, shown live) and the server, which applies it in the
//! transaction that closes (`server.rs`).

pub use ecars_core::evaluation::closing::*;

#[cfg(feature = "ssr")]
pub mod server;
