//! "Comptes" in the administration: an agency administrator lists and searches its accounts,
//! invites users, changes the legal entities they are attached to or follow, unlocks, deactivates
//! and reactivates them, and sends an invitation again. The rules are plain Rust (shared); the
//! service that writes, behind `ssr`, journals every change in the same transaction.

use serde::{Deserialize, Serialize};

use super::Role;
use crate::legal_entities::LegalEntityRef;

/// Query parameters: the list's search, and after a change what was done.
pub const SEARCH_PARAM: &str = "recherche";
pub const DONE_PARAM: &str = "fait";
/// After an invitation: the identifier invited.
pub const INVITED_PARAM: &str = "invite";

/// At most this many accounts are listed at once: the search narrows them.
pub const LISTED_ACCOUNTS: u64 = 200;
/// At most this many legal entities per account.
pub const MAX_ENTITIES: usize = 500;

/// The profiles an agency administrator gives (national administrators are made on the server).
pub const INVITABLE_ROLES: [Role; 3] = [Role::Establishment, Role::Referent, Role::Admin];

/// An account as "Comptes" shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRow {
    pub id: i32,
    pub email: String,
    pub role: Role,
    /// The agency's legal entities it is attached to or follows.
    pub legal_entities: Vec<LegalEntityRef>,
    /// "02/12/2026 09:41", in the agency's time zone.
    pub last_login: Option<String>,
    pub locked_until: Option<String>,
    /// Locked for some addresses only (those that failed), not for the account: how many.
    pub locked_addresses: usize,
    pub must_renew: bool,
    pub deactivated: bool,
    /// An establishment user also attached to legal entities of another agency: the agency
    /// changes only its own links; the rest is the national administrator's.
    pub shared: bool,
}

impl AccountRow {
    /// "Désactivé", "Bloqué jusqu'au ...", "Invitation en attente", "Actif".
    pub fn state(&self) -> String {
        match (&self.locked_until, self.deactivated, self.must_renew) {
            (_, true, _) => "Désactivé".to_owned(),
            (Some(until), false, _) if self.locked_addresses > 0 => format!(
                "Bloqué jusqu'au {until} depuis {} adresse(s) qui ont échoué ; l'utilisateur se connecte d'ailleurs",
                self.locked_addresses
            ),
            (Some(until), false, _) => format!("Bloqué jusqu'au {until}"),
            (None, false, true) => "Mot de passe initial à renouveler".to_owned(),
            (None, false, false) => "Actif".to_owned(),
        }
    }

    /// The legal entities as typed in the form that changes them: one FINESS per line.
    pub fn finess_text(&self) -> String {
        self.legal_entities.iter().map(|entity| entity.finess.as_str()).collect::<Vec<_>>().join("\n")
    }
}

/// The "Comptes" page: the accounts matching the search (at most [`LISTED_ACCOUNTS`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountsList {
    pub accounts: Vec<AccountRow>,
    pub matching: u64,
}

/// What an administrator does to an account from its page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccountAction {
    Unlock,
    Deactivate,
    Reactivate,
    ResendInvitation,
    ChangeEntities,
}

impl AccountAction {
    pub const ALL: [AccountAction; 5] = [
        AccountAction::Unlock,
        AccountAction::Deactivate,
        AccountAction::Reactivate,
        AccountAction::ResendInvitation,
        AccountAction::ChangeEntities,
    ];

    /// Its name in forms and addresses.
    pub fn code(self) -> &'static str {
        match self {
            AccountAction::Unlock => "debloquer",
            AccountAction::Deactivate => "desactiver",
            AccountAction::Reactivate => "reactiver",
            AccountAction::ResendInvitation => "renvoyer",
            AccountAction::ChangeEntities => "entites",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        AccountAction::ALL.into_iter().find(|action| action.code() == code)
    }

    /// The button's label.
    pub fn label(self) -> &'static str {
        match self {
            AccountAction::Unlock => "Débloquer le compte",
            AccountAction::Deactivate => "Désactiver le compte",
            AccountAction::Reactivate => "Réactiver le compte",
            AccountAction::ResendInvitation => "Renvoyer l'invitation",
            AccountAction::ChangeEntities => "Enregistrer les entités juridiques",
        }
    }

    /// What the page says once it is done.
    pub fn done_message(self) -> &'static str {
        match self {
            AccountAction::Unlock => "Le compte est débloqué : l'utilisateur peut de nouveau se connecter.",
            AccountAction::Deactivate => {
                "Le compte est désactivé : ses sessions sont fermées et il ne peut plus se connecter."
            }
            AccountAction::Reactivate => "Le compte est réactivé : l'utilisateur peut de nouveau se connecter.",
            AccountAction::ResendInvitation => {
                "Une nouvelle invitation est partie, avec un nouveau mot de passe initial ; l'ancien ne vaut plus."
            }
            AccountAction::ChangeEntities => "Les entités juridiques du compte sont enregistrées.",
        }
    }

    /// Whether the action applies to the account as it is now (the page offers only those).
    pub fn applies_to(self, account: &AccountRow) -> bool {
        if account.shared && self != AccountAction::ChangeEntities {
            return false;
        }
        match self {
            AccountAction::Unlock => account.locked_until.is_some() && !account.deactivated,
            AccountAction::Deactivate => !account.deactivated,
            AccountAction::Reactivate => account.deactivated,
            AccountAction::ResendInvitation => account.must_renew && !account.deactivated,
            AccountAction::ChangeEntities => matches!(account.role, Role::Establishment | Role::Referent),
        }
    }
}

/// Why an agency cannot act on an account shared with another agency.
pub const SHARED_ACCOUNT: &str = "Ce compte est aussi rattaché aux entités juridiques d'une autre agence : \
    vous ne changez que ses rattachements à vos entités ; le reste revient à l'administrateur national.";

/// "Profil" as the invitation form sends it.
pub fn parse_invitable_role(typed: &str) -> Result<Role, String> {
    Role::parse(typed.trim())
        .filter(|role| INVITABLE_ROLES.contains(role))
        .ok_or_else(|| "Choisissez le profil de l'utilisateur.".to_owned())
}

/// FINESS numbers as typed: separated by lines, commas, semicolons or spaces; each checked, each
/// once, at most [`MAX_ENTITIES`].
pub fn parse_finess_list(typed: &str) -> Result<Vec<String>, String> {
    ecars_core::finess::parse_finess_list(typed, MAX_ENTITIES, "entités juridiques par compte")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finess_lists_are_read_in_any_separator_and_checked() {
        assert_eq!(
            parse_finess_list(" 380780080\n210987731 ; 380780080,2A0000012 ").unwrap(),
            ["380780080", "210987731", "2A0000012"]
        );
        assert_eq!(parse_finess_list("  \n").unwrap(), Vec::<String>::new());
        assert!(parse_finess_list("380780080 38078008X").unwrap_err().contains("38078008X"));
        let many: String = (0..=MAX_ENTITIES).map(|n| format!("{:09} ", 380000000 + n)).collect();
        assert!(parse_finess_list(&many).unwrap_err().contains("au plus"));
    }

    #[test]
    fn only_agency_profiles_can_be_given() {
        assert_eq!(parse_invitable_role("referent"), Ok(Role::Referent));
        assert!(parse_invitable_role("national-admin").is_err());
        assert!(parse_invitable_role("").is_err());
    }

    #[test]
    fn the_page_offers_only_the_actions_that_apply() {
        let row = AccountRow {
            id: 1,
            email: "a@b.fr".into(),
            role: Role::Establishment,
            legal_entities: vec![],
            last_login: None,
            locked_until: Some("02/12/2026 10:00".into()),
            locked_addresses: 0,
            must_renew: true,
            deactivated: false,
            shared: false,
        };
        let offered = |row: &AccountRow| {
            AccountAction::ALL.into_iter().filter(|action| action.applies_to(row)).collect::<Vec<_>>()
        };
        assert_eq!(
            offered(&row),
            [
                AccountAction::Unlock,
                AccountAction::Deactivate,
                AccountAction::ResendInvitation,
                AccountAction::ChangeEntities
            ]
        );
        assert!(row.state().starts_with("Bloqué jusqu'au"));
        let gone = AccountRow { deactivated: true, role: Role::Admin, ..row.clone() };
        assert_eq!(offered(&gone), [AccountAction::Reactivate]);
        assert_eq!(gone.state(), "Désactivé");
        let shared = AccountRow { shared: true, ..row.clone() };
        assert_eq!(offered(&shared), [AccountAction::ChangeEntities], "the other agency's to change");
        for action in AccountAction::ALL {
            assert_eq!(AccountAction::parse(action.code()), Some(action));
        }
    }
}

#[cfg(feature = "ssr")]
pub use server::{account_of_agency, accounts_of_agency, change_account, invite_to_agency};

#[cfg(feature = "ssr")]
mod server;
