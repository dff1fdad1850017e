//! The server's side of `management` (behind `ssr`: the browser's build never reads this file).

use std::collections::HashMap;

use chrono::Utc;
use ecars_core::vocabulary::ChangeKind;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait,
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

/// The accounts an agency sees: its own administrators and referents (`users.agency_id`,
/// whatever legal entity they follow), and the establishment users attached to its legal
/// entities, or invited by it and attached to none (never a national administrator).
fn of_agency(agency_id: ecars_core::ids::AgencyId) -> sea_orm::Select<user::Entity> {
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
    let linked = user_legal_entity::Entity::find().select_only().column(user_legal_entity::Column::UserId).into_query();
    let staff = Condition::all()
        .add(user::Column::Role.is_in([Role::Admin, Role::Referent]))
        .add(user::Column::AgencyId.eq(agency_id));
    let establishment_users = Condition::all().add(user::Column::Role.eq(Role::Establishment)).add(
        Condition::any().add(user::Column::Id.in_subquery(attached)).add(
            Condition::all().add(user::Column::AgencyId.eq(agency_id)).add(user::Column::Id.not_in_subquery(linked)),
        ),
    );
    user::Entity::find().filter(Condition::any().add(staff).add(establishment_users))
}

/// The rows of `users`, with their legal entities of the agency.
async fn rows(
    db: &impl ConnectionTrait,
    agency_id: ecars_core::ids::AgencyId,
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
    let of_another_agency = |entity: &legal_entity::Model| entity.agency_id.is_some_and(|owner| owner != agency_id.0);
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
    agency_id: ecars_core::ids::AgencyId,
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
async fn find_in_agency(
    db: &impl ConnectionTrait,
    agency_id: ecars_core::ids::AgencyId,
    id: i32,
) -> Result<user::Model, AppError> {
    of_agency(agency_id).filter(user::Column::Id.eq(id)).one(db).await?.ok_or(AppError::NotFound)
}

pub async fn account_of_agency(
    db: &DatabaseConnection,
    agency_id: ecars_core::ids::AgencyId,
    id: i32,
) -> Result<AccountRow, AppError> {
    let user = find_in_agency(db, agency_id, id).await?;
    rows(db, agency_id, vec![user]).await?.pop().ok_or(AppError::NotFound)
}

/// The ids of the legal entities of `finesses`, all of the agency's; otherwise the first
/// number that is not, as "unknown" (another agency's entities are not its to give).
async fn entities_of_agency(
    db: &impl ConnectionTrait,
    agency_id: ecars_core::ids::AgencyId,
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
    agency_id: ecars_core::ids::AgencyId,
    viewer: &Viewer,
    email: &str,
    role: Role,
    finesses: &[String],
) -> Result<user::Model, AppError> {
    entities_of_agency(&state.db, agency_id, finesses).await?;
    let invitation = Invitation { email, role, finesses, agency_id: Some(agency_id.0) };
    let prepared =
        PreparedInvitation::new(&state.hashing, invitation).await.map_err(|error| AppError::Invalid(error.french()))?;
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
    agency_id: ecars_core::ids::AgencyId,
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
                return Err(AppError::Invalid("Choisissez au moins une entité juridique pour ce profil.".to_owned()));
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
            forget_failures(&txn, ecars_core::ids::UserId(user.id)).await?;
            (ChangeKind::AccountUnlocked, state_of(&before_row), serde_json::json!({ "état": "actif" }))
        }
        AccountAction::Deactivate => {
            update.col_expr(user::Column::DeactivatedAt, Expr::value(now)).exec(&txn).await?;
            sessions::close_all(&txn, ecars_core::ids::UserId(user.id)).await?;
            (ChangeKind::AccountDeactivated, state_of(&before_row), serde_json::json!({ "état": "désactivé" }))
        }
        AccountAction::Reactivate => {
            update.col_expr(user::Column::DeactivatedAt, Expr::value(None::<chrono::DateTime<Utc>>)).exec(&txn).await?;
            forget_failures(&txn, ecars_core::ids::UserId(user.id)).await?;
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
    audit::record(&txn, &Actor::of(viewer), Some(agency_id.0), entry).await?;
    txn.commit().await?;
    tracing::info!(user = viewer.user_id, account = user.id, action = action.code(), "account changed");
    Ok(())
}
