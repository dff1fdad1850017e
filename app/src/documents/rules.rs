//! Document names, formats and sizes live in `ecars_core::documents`, shared by browser and server.
pub use ecars_core::documents::*;
