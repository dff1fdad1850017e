//! The clock lives in `ecars_core::time`.
pub use ecars_core::time::Clock;
