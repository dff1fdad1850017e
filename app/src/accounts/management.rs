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
    crate::legal_entities::finess::parse_finess_list(typed, MAX_ENTITIES, "entités juridiques par compte")
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
mod server {
    use std::collections::HashMap;

    use chrono::Utc;
    use sea_orm::sea_query::Expr;
    use sea_orm::{
        ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
        QueryOrder, QuerySelect, QueryTrait,
    };

    use super::{AccountAction, AccountRow, AccountsList, LISTED_ACCOUNTS, SHARED_ACCOUNT};
    use crate::accounts::access::Viewer;
    use crate::accounts::invitations::{self, Invitation, PreparedInvitation};
    use crate::accounts::login::{self, forget_failures};
    use crate::accounts::{sessions, Role};
    use crate::audit::{self, Actor, Entry};
    use crate::db::entities::{legal_entity, user, user_legal_entity};
    use crate::db::{begin_write, french_date_time};
    use crate::legal_entities::LegalEntityRef;
    use crate::state::AppState;
    use crate::AppError;
    use ecars_core::vocabulary::ChangeKind;

    /// The accounts an agency sees: its own administrators and referents (`users.agency_id`,
    /// whatever legal entity they follow), and the establishment users attached to its legal
    /// entities, or invited by it and attached to none (never a national administrator).
    fn of_agency(agency_id: i32) -> sea_orm::Select<user::Entity> {
        let attached = user_legal_entity::Entity::find()
            .select_only()
            .column(user_legal_entity::Column::UserId)
            .filter(
                user_legal_entity::Column::LegalEntityId.in_subquery(
                    legal_entity::Entity::find()
                        .select_only()
                        .column(legal_entity::Column::Id)
                        .filter(legal_entity::Column::AgencyId.eq(agency_id))
                        .into_query(),
                ),
            )
            .into_query();
        let linked =
            user_legal_entity::Entity::find().select_only().column(user_legal_entity::Column::UserId).into_query();
        let staff = Condition::all()
            .add(user::Column::Role.is_in([Role::Admin, Role::Referent]))
            .add(user::Column::AgencyId.eq(agency_id));
        let establishment_users = Condition::all().add(user::Column::Role.eq(Role::Establishment)).add(
            Condition::any().add(user::Column::Id.in_subquery(attached)).add(
                Condition::all()
                    .add(user::Column::AgencyId.eq(agency_id))
                    .add(user::Column::Id.not_in_subquery(linked)),
            ),
        );
        user::Entity::find().filter(Condition::any().add(staff).add(establishment_users))
    }

    /// The rows of `users`, with their legal entities of the agency.
    async fn rows(
        db: &impl ConnectionTrait,
        agency_id: i32,
        users: Vec<user::Model>,
    ) -> Result<Vec<AccountRow>, AppError> {
        let links = user_legal_entity::Entity::find()
            .filter(user_legal_entity::Column::UserId.is_in(users.iter().map(|user| user.id)))
            .all(db)
            .await?;
        let linked: HashMap<i32, legal_entity::Model> = legal_entity::Entity::find()
            .filter(legal_entity::Column::Id.is_in(links.iter().map(|link| link.legal_entity_id)))
            .order_by_asc(legal_entity::Column::Finess)
            .all(db)
            .await?
            .into_iter()
            .map(|entity| (entity.id, entity))
            .collect();
        let of_another_agency = |entity: &legal_entity::Model| entity.agency_id.is_some_and(|owner| owner != agency_id);
        let entities: HashMap<i32, &legal_entity::Model> =
            linked.iter().filter(|(_, entity)| !of_another_agency(entity)).map(|(id, entity)| (*id, entity)).collect();
        let now = Utc::now();
        let locks = login::locks_of(db, &users, now).await?;
        Ok(users
            .into_iter()
            .map(|user| {
                let (locked_until, locked_addresses) = locks.get(&user.id).copied().unwrap_or_default();
                let mut legal_entities: Vec<LegalEntityRef> = links
                    .iter()
                    .filter(|link| link.user_id == user.id)
                    .filter_map(|link| entities.get(&link.legal_entity_id))
                    .map(|entity| LegalEntityRef { finess: entity.finess.clone(), name: entity.name.clone() })
                    .collect();
                legal_entities.sort_by(|a, b| a.finess.cmp(&b.finess));
                let shared = user.role == Role::Establishment
                    && links
                        .iter()
                        .filter(|link| link.user_id == user.id)
                        .filter_map(|link| linked.get(&link.legal_entity_id))
                        .any(of_another_agency);
                AccountRow {
                    id: user.id,
                    email: user.email,
                    role: user.role,
                    legal_entities,
                    last_login: user.last_login_at.map(french_date_time),
                    locked_until: locked_until.map(french_date_time),
                    locked_addresses,
                    must_renew: user.must_renew_password,
                    deactivated: user.deactivated_at.is_some(),
                    shared,
                }
            })
            .collect())
    }

    /// The agency's accounts whose identifier contains `search`, by identifier.
    pub async fn accounts_of_agency(
        db: &DatabaseConnection,
        agency_id: i32,
        search: &str,
    ) -> Result<AccountsList, AppError> {
        let search = search.trim().to_lowercase();
        let mut matching = of_agency(agency_id);
        if !search.is_empty() {
            matching = matching.filter(user::Column::Email.contains(&search));
        }
        let count = matching.clone().count(db).await?;
        let users = matching.order_by_asc(user::Column::Email).limit(LISTED_ACCOUNTS).all(db).await?;
        Ok(AccountsList { accounts: rows(db, agency_id, users).await?, matching: count })
    }

    /// Account `id` if it is one of the agency's; "not found" otherwise, like what does not exist.
    async fn find_in_agency(db: &impl ConnectionTrait, agency_id: i32, id: i32) -> Result<user::Model, AppError> {
        of_agency(agency_id).filter(user::Column::Id.eq(id)).one(db).await?.ok_or(AppError::NotFound)
    }

    pub async fn account_of_agency(db: &DatabaseConnection, agency_id: i32, id: i32) -> Result<AccountRow, AppError> {
        let user = find_in_agency(db, agency_id, id).await?;
        rows(db, agency_id, vec![user]).await?.pop().ok_or(AppError::NotFound)
    }

    /// The ids of the legal entities of `finesses`, all of the agency's; otherwise the first
    /// number that is not, as "unknown" (another agency's entities are not its to give).
    async fn entities_of_agency(
        db: &impl ConnectionTrait,
        agency_id: i32,
        finesses: &[String],
    ) -> Result<Vec<legal_entity::Model>, AppError> {
        let found = legal_entity::Entity::find()
            .filter(legal_entity::Column::AgencyId.eq(agency_id))
            .filter(legal_entity::Column::Finess.is_in(finesses.iter().cloned()))
            .all(db)
            .await?;
        if let Some(unknown) = finesses.iter().find(|finess| !found.iter().any(|entity| &entity.finess == *finess)) {
            return Err(AppError::Invalid(format!(
                "Aucune entité juridique de l'agence n'a le numéro FINESS {unknown} : importez-la d'abord du fichier FINESS."
            )));
        }
        Ok(found)
    }

    /// "Inviter un utilisateur": the account, attached to (or following) the agency's legal
    /// entities of `finesses`, and its invitation mail, with the rules of `ecars user add`.
    pub async fn invite_to_agency(
        state: &AppState,
        agency_id: i32,
        viewer: &Viewer,
        email: &str,
        role: Role,
        finesses: &[String],
    ) -> Result<user::Model, AppError> {
        entities_of_agency(&state.db, agency_id, finesses).await?;
        let invitation = Invitation { email, role, finesses, agency_id: Some(agency_id) };
        let prepared = PreparedInvitation::new(&state.hashing, invitation)
            .await
            .map_err(|error| AppError::Invalid(error.french()))?;
        let txn = begin_write(&state.db).await?;
        let user = prepared
            .write(&txn, &state.outbox, &state.settings.public_url, &Actor::of(viewer))
            .await
            .map_err(|error| AppError::Invalid(error.french()))?;
        txn.commit().await?;
        state.outbox.wake();
        Ok(user)
    }

    fn state_of(account: &AccountRow) -> serde_json::Value {
        let state = if account.deactivated {
            "désactivé"
        } else if account.locked_until.is_some() {
            "bloqué"
        } else {
            "actif"
        };
        serde_json::json!({ "état": state })
    }

    /// Does `action` to account `id` of the agency, journaled in the same transaction. `finesses`
    /// is the new list of legal entities for [`AccountAction::ChangeEntities`].
    pub async fn change_account(
        state: &AppState,
        agency_id: i32,
        viewer: &Viewer,
        id: i32,
        action: AccountAction,
        finesses: &[String],
    ) -> Result<(), AppError> {
        let db = &state.db;
        let user = find_in_agency(db, agency_id, id).await?;
        let before_row = account_of_agency(db, agency_id, id).await?;
        if before_row.shared && action != AccountAction::ChangeEntities {
            return Err(AppError::Invalid(SHARED_ACCOUNT.to_owned()));
        }
        if action == AccountAction::Deactivate && user.id == viewer.user_id {
            return Err(AppError::Invalid("Vous ne pouvez pas désactiver votre propre compte.".to_owned()));
        }
        if action == AccountAction::ResendInvitation {
            if !user.must_renew_password || user.deactivated_at.is_some() {
                return Err(AppError::Invalid(
                    "Cet utilisateur a déjà choisi son mot de passe : il peut le renouveler lui-même.".to_owned(),
                ));
            }
            return invitations::invite_again(state, &Actor::of(viewer), user, agency_id).await;
        }
        let entities = match action {
            AccountAction::ChangeEntities => {
                if !matches!(user.role, Role::Establishment | Role::Referent) {
                    return Err(AppError::Invalid("Ce profil n'est rattaché à aucune entité juridique.".to_owned()));
                }
                if finesses.is_empty() {
                    return Err(AppError::Invalid(
                        "Choisissez au moins une entité juridique pour ce profil.".to_owned(),
                    ));
                }
                entities_of_agency(db, agency_id, finesses).await?
            }
            _ => Vec::new(),
        };
        let txn = begin_write(db).await?;
        let now = Utc::now();
        let update = user::Entity::update_many().filter(user::Column::Id.eq(user.id));
        let (kind, before, after) = match action {
            AccountAction::Unlock => {
                forget_failures(&txn, user.id).await?;
                (ChangeKind::AccountUnlocked, state_of(&before_row), serde_json::json!({ "état": "actif" }))
            }
            AccountAction::Deactivate => {
                update.col_expr(user::Column::DeactivatedAt, Expr::value(now)).exec(&txn).await?;
                sessions::close_all(&txn, user.id).await?;
                (ChangeKind::AccountDeactivated, state_of(&before_row), serde_json::json!({ "état": "désactivé" }))
            }
            AccountAction::Reactivate => {
                update
                    .col_expr(user::Column::DeactivatedAt, Expr::value(None::<chrono::DateTime<Utc>>))
                    .exec(&txn)
                    .await?;
                forget_failures(&txn, user.id).await?;
                (ChangeKind::AccountReactivated, state_of(&before_row), serde_json::json!({ "état": "actif" }))
            }
            AccountAction::ChangeEntities => {
                // Only the links to this agency's entities are the agency's to change.
                let agency_entities = legal_entity::Entity::find()
                    .select_only()
                    .column(legal_entity::Column::Id)
                    .filter(legal_entity::Column::AgencyId.eq(agency_id))
                    .into_query();
                user_legal_entity::Entity::delete_many()
                    .filter(user_legal_entity::Column::UserId.eq(user.id))
                    .filter(user_legal_entity::Column::LegalEntityId.in_subquery(agency_entities))
                    .exec(&txn)
                    .await?;
                user_legal_entity::Entity::insert_many(entities.iter().map(|entity| user_legal_entity::ActiveModel {
                    user_id: sea_orm::Set(user.id),
                    legal_entity_id: sea_orm::Set(entity.id),
                }))
                .exec(&txn)
                .await?;
                let mut after: Vec<&str> = entities.iter().map(|entity| entity.finess.as_str()).collect();
                after.sort_unstable();
                let before: Vec<&str> = before_row.legal_entities.iter().map(|entity| entity.finess.as_str()).collect();
                (
                    ChangeKind::AccountEntitiesChanged,
                    serde_json::json!({ "entités juridiques": before }),
                    serde_json::json!({ "entités juridiques": after }),
                )
            }
            AccountAction::ResendInvitation => return Err(AppError::NotFound),
        };
        let entry = Entry { kind, subject: user.email.clone(), before: Some(before), after: Some(after) };
        audit::record(&txn, &Actor::of(viewer), Some(agency_id), entry).await?;
        txn.commit().await?;
        tracing::info!(user = viewer.user_id, account = user.id, action = action.code(), "account changed");
        Ok(())
    }
}
