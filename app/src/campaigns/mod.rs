//! Campaigns: the yearly cycle of self-evaluations, each open for entry during a window
//! ("Saisie ouverte du 02/05/2023 au 30/06/2023") that a referent may extend.

pub mod api;
pub mod extension;
pub mod national_values;
mod national_values_page;
#[cfg(feature = "ssr")]
pub mod national_values_web;
pub mod opening;
pub mod page;
pub mod reminders;
pub mod reopening;
pub mod window;

pub use national_values_page::NationalValuesPage;
pub use window::{WindowNotice, WindowState};
