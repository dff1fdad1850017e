//! Who the accounts are: looking one up, the viewer of a session, the account as shown, and
//! the addresses of the users of a legal entity (for notices).

use std::collections::{HashMap, HashSet};

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::access::{Reach, Viewer};
use super::{Account, Role};
use crate::db::entities::{legal_entity, session, user, user_legal_entity};
use crate::legal_entities::LegalEntityRef;

/// The account of an identifier, as typed (case and surrounding spaces do not matter).
pub async fn find_user(db: &impl ConnectionTrait, email: &str) -> Result<Option<user::Model>, DbErr> {
    user::Entity::find().filter(user::Column::Email.eq(email.trim().to_lowercase())).one(db).await
}

/// Not deactivated: it may log in, renew its password and use its sessions.
pub fn is_active(user: &user::Model) -> bool {
    user.deactivated_at.is_none()
}

/// The account of an identifier if it may log in: a deactivated one is as good as unknown.
pub async fn find_active_user(db: &impl ConnectionTrait, email: &str) -> Result<Option<user::Model>, DbErr> {
    Ok(find_user(db, email).await?.filter(is_active))
}

pub async fn legal_entity_ids_of(
    db: &impl ConnectionTrait,
    user_id: ecars_core::ids::UserId,
) -> Result<Vec<i32>, DbErr> {
    user_legal_entity::Entity::find()
        .select_only()
        .column(user_legal_entity::Column::LegalEntityId)
        .filter(user_legal_entity::Column::UserId.eq(user_id))
        .into_tuple()
        .all(db)
        .await
}

/// The viewer of a live session, with the legal entities it reaches.
pub async fn viewer_of_session(
    db: &impl ConnectionTrait,
    session: &session::Model,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<Viewer>, DbErr> {
    // A deactivated account's sessions are closed; this holds should one be opened meanwhile.
    let Some(user) = user::Entity::find_by_id(session.user_id).one(db).await?.filter(is_active) else {
        return Ok(None);
    };
    viewer_of_user(db, user, session.id, now).await.map(Some)
}

/// The viewer `user` is in session `session_id` at `now`, with the legal entities it reaches and
/// its agency.
pub async fn viewer_of_user(
    db: &impl ConnectionTrait,
    user: user::Model,
    session_id: i32,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Viewer, DbErr> {
    let legal_entity_ids = legal_entity_ids_of(db, ecars_core::ids::UserId(user.id)).await?;
    let agency = crate::agencies::service::of_user(db, &user, &legal_entity_ids).await?;
    Ok(Viewer { user_id: user.id, session_id, email: user.email, role: user.role, legal_entity_ids, agency, now })
}

/// The account shown in the header and on "Mon compte".
pub async fn account(db: &impl ConnectionTrait, viewer: &Viewer) -> Result<Account, DbErr> {
    let legal_entities = match viewer.reach() {
        // An administrator is attached to nothing in particular.
        Reach::Everything | Reach::Agency(_) | Reach::Nothing => Vec::new(),
        Reach::Entities(ids) => legal_entity::Entity::find()
            .filter(legal_entity::Column::Id.is_in(ids.iter().copied()))
            .order_by_asc(legal_entity::Column::Name)
            .all(db)
            .await?
            .into_iter()
            .map(|entity| LegalEntityRef { finess: entity.finess, name: entity.name })
            .collect(),
    };
    // An establishment user's agency is that of its entities, not its own.
    let agency = match viewer.role {
        Role::Admin | Role::Referent => viewer.agency.as_ref().map(|agency| agency.name.clone()),
        Role::Establishment | Role::NationalAdmin => None,
    };
    let mail_preference = match super::mail_preferences::MailPreference::of_role(viewer.role) {
        Some(preference) => user::Entity::find_by_id(viewer.user_id)
            .one(db)
            .await?
            .map(|user| (preference, super::mail_preferences::server::wanted(&user, preference))),
        None => None,
    };
    Ok(Account { email: viewer.email.clone(), role: viewer.role, legal_entities, agency, mail_preference })
}

/// The accounts that receive mail: never a deactivated one. Every mail about an establishment or
/// an agency takes its recipients from these (closing receipts, reopenings, report notices,
/// reminders, digests).
pub fn mail_recipients() -> sea_orm::Select<user::Entity> {
    user::Entity::find().filter(user::Column::DeactivatedAt.is_null())
}

/// The accounts of `roles` attached to (or following) a legal entity that receive mail.
pub async fn mail_recipients_of_legal_entity(
    db: &impl ConnectionTrait,
    legal_entity_id: ecars_core::ids::LegalEntityId,
    roles: &[Role],
) -> Result<sea_orm::Select<user::Entity>, DbErr> {
    let user_ids: Vec<i32> = user_legal_entity::Entity::find()
        .select_only()
        .column(user_legal_entity::Column::UserId)
        .filter(user_legal_entity::Column::LegalEntityId.eq(legal_entity_id))
        .into_tuple()
        .all(db)
        .await?;
    Ok(mail_recipients()
        .filter(user::Column::Id.is_in(user_ids))
        .filter(user::Column::Role.is_in(roles.iter().copied()))
        .order_by_asc(user::Column::Email))
}

/// The addresses of the users of `roles` attached to (or following) a legal entity, sorted;
/// deactivated accounts receive nothing.
pub async fn user_emails(
    db: &impl ConnectionTrait,
    legal_entity_id: ecars_core::ids::LegalEntityId,
    roles: &[Role],
) -> Result<Vec<String>, DbErr> {
    Ok(mail_recipients_of_legal_entity(db, legal_entity_id, roles)
        .await?
        .all(db)
        .await?
        .into_iter()
        .map(|user| user.email)
        .collect())
}

/// The identifiers of accounts `ids` (a deleted account is simply absent).
pub async fn emails_by_id(
    db: &impl ConnectionTrait,
    ids: impl Iterator<Item = i32>,
) -> Result<HashMap<i32, String>, DbErr> {
    let ids: Vec<i32> = ids.collect::<HashSet<i32>>().into_iter().collect();
    let mut emails = HashMap::with_capacity(ids.len());
    // Bounded lists: far below the databases' limits on bound values.
    for chunk in ids.chunks(1000) {
        let users: Vec<(i32, String)> = user::Entity::find()
            .select_only()
            .columns([user::Column::Id, user::Column::Email])
            .filter(user::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        emails.extend(users);
    }
    Ok(emails)
}
