//! FINESS numbers and régions live in `ecars_core::finess`, shared by browser and server.
pub use ecars_core::finess::*;
