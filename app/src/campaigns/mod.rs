//! Campaigns: the yearly cycle of self-evaluations, each open for entry during a window
//! ("Saisie ouverte du 02/05/2023 au 30/06/2023") that a referent may extend.

pub mod api;
pub mod extension;
pub mod opening;
pub mod page;
pub mod reminders;
pub mod reopening;
pub mod window;

pub use window::{WindowNotice, WindowState};
