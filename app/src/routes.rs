//! Every address of the portal lives in `ecars_core::routes`.
pub use ecars_core::routes::*;
