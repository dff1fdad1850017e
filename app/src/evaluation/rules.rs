//! The evaluation's rules live in `ecars_core`, shared by browser and server.
pub use ecars_core::evaluation::rules::*;
