//! Accounts: login, sessions, password renewal by emailed code, and who may see what.

pub mod api;
pub mod csrf;
pub mod mail_preferences;
pub mod management;
pub mod management_api;
mod management_page;
mod pages;

#[cfg(feature = "ssr")]
pub mod access;
#[cfg(feature = "ssr")]
pub mod client;
#[cfg(feature = "ssr")]
pub mod directory;
#[cfg(feature = "ssr")]
pub mod invitations;
#[cfg(feature = "ssr")]
pub mod login;
#[cfg(feature = "ssr")]
pub mod middleware;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod password_strength;
#[cfg(feature = "ssr")]
pub mod rate_limit;
#[cfg(feature = "ssr")]
pub mod renewal;
#[cfg(feature = "ssr")]
pub mod secrets;
#[cfg(feature = "ssr")]
pub mod security_log;
#[cfg(feature = "ssr")]
pub mod security_worker;
#[cfg(feature = "ssr")]
pub mod sessions;
#[cfg(feature = "ssr")]
pub mod web;

pub use management_page::{AccountsPage, ManagedAccountPage};
pub use pages::{AccountMenu, AccountPage, LoginPage, NewPasswordPage, RenewPasswordPage};

use serde::{Deserialize, Serialize};

use crate::legal_entities::LegalEntityRef;

pub use ecars_core::vocabulary::Role;

/// The logged-in user as the header and "Mon compte" show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub email: String,
    pub role: Role,
    pub legal_entities: Vec<LegalEntityRef>,
    /// The agency an administrator or referent belongs to.
    pub agency: Option<String>,
    /// The mail its role may stop ("Recevoir les rappels de fin de campagne"...), and whether it
    /// still wants it.
    pub mail_preference: Option<(mail_preferences::MailPreference, bool)>,
}

/// Query parameter of the login page holding the identifier typed before a refusal.
pub const IDENTIFIER_PARAM: &str = "identifiant";
