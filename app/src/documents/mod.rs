//! Documents attached to a contract, a question or an establishment: never deleted.

pub mod content;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod store;
