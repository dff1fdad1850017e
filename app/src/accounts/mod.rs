//! Accounts: login, sessions, password renewal by emailed code, and who may see what.

pub mod api;
pub mod csrf;
pub mod mail_preferences;
pub mod management;
mod management_api;
mod management_page;
mod pages;
pub mod password_policy;

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
pub mod sessions;
#[cfg(feature = "ssr")]
pub mod web;

pub use management_page::{AccountsPage, ManagedAccountPage};
pub use pages::{AccountMenu, AccountPage, LoginPage, NewPasswordPage, RenewPasswordPage};

use serde::{Deserialize, Serialize};

use crate::legal_entities::LegalEntityRef;

/// Stored by name in `users.role`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum Role {
    /// Staff of an establishment: fills the self-evaluation of its legal entities.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "establishment"))]
    Establishment,
    /// Agency referent: reads the legal entities it follows.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "referent"))]
    Referent,
    /// Agency administrator: reads its agency's legal entities, loads them, manages its accounts.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "admin"))]
    Admin,
    /// National administrator: reads everything, creates the agencies and their first administrator.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "national-admin"))]
    NationalAdmin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Establishment, Role::Referent, Role::Admin, Role::NationalAdmin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Establishment => "establishment",
            Role::Referent => "referent",
            Role::Admin => "admin",
            Role::NationalAdmin => "national-admin",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Role::ALL.into_iter().find(|role| role.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Establishment => "Utilisateur d'établissement",
            Role::Referent => "Référent ARS (consultation)",
            Role::Admin => "Administrateur ARS",
            Role::NationalAdmin => "Administrateur national",
        }
    }

    /// Where the account lands after login: a referent follows its campaign first ("Suivi de la
    /// campagne"); everyone else starts from "Gestion des Contrats".
    pub fn home(self) -> &'static str {
        match self {
            Role::Referent => crate::routes::FOLLOW_UP_PATH,
            Role::Establishment | Role::Admin | Role::NationalAdmin => crate::routes::HOME_PATH,
        }
    }

    /// What the legal entities of the account are to it.
    pub fn entities_label(self) -> &'static str {
        match self {
            Role::Referent => "Entités juridiques suivies",
            _ => "Entités juridiques rattachées",
        }
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_stored_by_name() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
