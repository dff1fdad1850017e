//! Running the portal: what the reverse proxy, the supervisors and Prometheus ask of each
//! instance, and its backups.

#[cfg(feature = "ssr")]
pub mod backup;
#[cfg(feature = "ssr")]
pub mod health;
#[cfg(feature = "ssr")]
pub mod metrics;
#[cfg(feature = "ssr")]
pub mod scrape;
#[cfg(feature = "ssr")]
pub mod shutdown;
