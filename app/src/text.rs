//! French text rules live in `ecars_core::text`.
pub use ecars_core::text::*;
