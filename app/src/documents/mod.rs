//! Documents attached to a contract, a question or an establishment: never deleted.

pub mod rules;
