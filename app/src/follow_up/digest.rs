//! The weekly digest of the follow-up: once a week (day and hour configured, in the agencies' time
//! zone), each referent gets the evaluations it follows that were closed since the last digest and
//! those late, with a link to "Suivi de la campagne" — no mail when there is nothing to say. Each
//! referent's week is looked at once: its row and its mail are written in one transaction under a
//! unique (user, week) key, so a restart or a second instance never sends it again. "Mon compte"
//! lets a referent stop it (`accounts::mail_preferences`).

pub use ecars_core::evaluation::rules::LATE_WITHIN_DAYS;

#[cfg(feature = "ssr")]
pub mod server;
