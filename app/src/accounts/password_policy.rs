//! The password rule lives in `ecars_core::password`, shared by browser and server.
pub use ecars_core::password::*;
