//! Contact rules live in `ecars_core::contacts`, shared by browser and server.
pub use ecars_core::contacts::*;
