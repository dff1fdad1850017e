//! Accounts: login, sessions, password renewal by emailed code, and who may see what.

pub mod api;
mod pages;
pub mod password_policy;

#[cfg(feature = "ssr")]
pub mod access;
#[cfg(feature = "ssr")]
pub mod middleware;
#[cfg(feature = "ssr")]
pub mod rate_limit;
#[cfg(feature = "ssr")]
pub mod secrets;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod sessions;
#[cfg(feature = "ssr")]
pub mod web;

pub use pages::{AccountMenu, AccountPage, LoginPage, NewPasswordPage, RenewPasswordPage};

use serde::{Deserialize, Serialize};

use crate::legal_entities::LegalEntityRef;

pub const LOGIN_PATH: &str = "/connexion";
pub const RENEW_PATH: &str = "/mot-de-passe/renouveler";
pub const NEW_PASSWORD_PATH: &str = "/mot-de-passe/nouveau";
pub const ACCOUNT_PATH: &str = "/mon-compte";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    /// Staff of an establishment: fills the self-evaluation of its legal entities.
    Establishment,
    /// Agency referent: reads the legal entities it follows.
    Referent,
    /// Agency administrator: reads everything, creates accounts.
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Establishment => "establishment",
            Role::Referent => "referent",
            Role::Admin => "admin",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [Role::Establishment, Role::Referent, Role::Admin].into_iter().find(|role| role.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Establishment => "Utilisateur d'établissement",
            Role::Referent => "Référent ARS (consultation)",
            Role::Admin => "Administrateur ARS",
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
}

/// The login page address that brings the visitor back to `path` afterwards.
/// Query parameter of the login page holding the identifier typed before a refusal.
pub const IDENTIFIER_PARAM: &str = "identifiant";

pub fn login_href(path: &str) -> String {
    if path == "/" || path.is_empty() {
        LOGIN_PATH.to_owned()
    } else {
        format!("{LOGIN_PATH}?retour={}", percent_encode(path))
    }
}

/// Enough percent-encoding for a path and query carried in a query parameter.
pub fn percent_encode(value: &str) -> String {
    value
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (byte as char).to_string(),
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_login_link_remembers_where_to_return() {
        assert_eq!(login_href("/"), "/connexion");
        assert_eq!(login_href("/contrats/1/indicateurs"), "/connexion?retour=/contrats/1/indicateurs");
        assert_eq!(login_href("/?tri=nom&ordre=desc"), "/connexion?retour=/%3Ftri%3Dnom%26ordre%3Ddesc");
    }

    #[test]
    fn roles_are_stored_by_name() {
        for role in [Role::Establishment, Role::Referent, Role::Admin] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
