//! The agency's administration: loading its legal entities and establishments from the national
//! FINESS file (and, in the steps that follow, its referentials, contracts and accounts).

#[cfg(feature = "ssr")]
pub mod finess_file;
#[cfg(feature = "ssr")]
pub mod finess_import;
