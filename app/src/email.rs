//! Email addresses are parsed by `ecars_core::email`.
pub use ecars_core::email::*;
