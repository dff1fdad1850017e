//! Running the portal: what the reverse proxy and the supervisors ask of each instance.

#[cfg(feature = "ssr")]
pub mod health;
