//! The answers' values are checked by `ecars_core`, shared by browser and server.
pub use ecars_core::evaluation::values::*;
