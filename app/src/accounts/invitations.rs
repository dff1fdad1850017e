//! Creating accounts: `ecars user add`, the demo accounts, and the invitation mail with the
//! initial password.

use chrono::Utc;
use rand::seq::SliceRandom;
use rand::Rng;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, Set,
};

use super::directory::find_user;
use super::secrets::PasswordHashing;
use super::Role;
use crate::db::begin_write;
use crate::db::entities::{legal_entity, user, user_legal_entity};
use crate::email::EmailAddress;
use crate::mail::outbox::Outbox;
use crate::notifications;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CreateUserError {
    #[error("{0}")]
    Email(&'static str),
    #[error("an account with the identifier {0} already exists")]
    Exists(String),
    #[error("no legal entity has the FINESS number {0}")]
    UnknownFiness(String),
    #[error("an {0} account needs at least one --entity FINESS")]
    EntitiesRequired(&'static str),
    #[error("an admin account sees every legal entity: give no --entity")]
    AdminWithEntities,
    #[error("the initial password does not follow the password rule")]
    WeakPassword,
    #[error("database error: {0}")]
    Database(#[from] DbErr),
}

pub struct NewUser<'a> {
    pub email: &'a str,
    pub role: Role,
    pub finesses: &'a [String],
    pub password: &'a str,
    pub must_renew: bool,
}

/// Creates an account attached to (or following) the legal entities of the given FINESS
/// numbers: the account and its links in one transaction.
pub async fn create_user(
    db: &DatabaseConnection,
    hashing: &PasswordHashing,
    new: NewUser<'_>,
) -> Result<user::Model, CreateUserError> {
    let (email, hash) = prepare(hashing, &new).await?;
    let txn = begin_write(db).await?;
    let user = insert_user(&txn, &new, email, hash).await?;
    txn.commit().await?;
    Ok(user)
}

/// `ecars user add`: creates the account, flagged "must renew", and queues the mail with its
/// initial password, in one transaction: the account exists exactly when its invitation does.
pub async fn invite(
    db: &DatabaseConnection,
    hashing: &PasswordHashing,
    outbox: &Outbox,
    public_url: &str,
    email: &str,
    role: Role,
    finesses: &[String],
) -> Result<user::Model, CreateUserError> {
    let password = initial_password();
    let new = NewUser { email, role, finesses, password: &password, must_renew: true };
    let (email, hash) = prepare(hashing, &new).await?;
    let txn = begin_write(db).await?;
    let user = insert_user(&txn, &new, email, hash).await?;
    outbox.queue(&txn, notifications::invitation(&user.email, public_url, &password)).await?;
    txn.commit().await?;
    outbox.wake();
    Ok(user)
}

/// What can be checked before the transaction: the identifier, the role's entities, and the
/// hash (slow on purpose, so never inside a transaction).
async fn prepare(hashing: &PasswordHashing, new: &NewUser<'_>) -> Result<(String, String), CreateUserError> {
    let email = EmailAddress::parse(new.email).map_err(CreateUserError::Email)?.identifier();
    match (new.role, new.finesses.is_empty()) {
        (Role::Admin, false) => return Err(CreateUserError::AdminWithEntities),
        (Role::Establishment | Role::Referent, true) => {
            return Err(CreateUserError::EntitiesRequired(new.role.as_str()))
        }
        _ => {}
    }
    let hash = hashing.hash(new.password).await.map_err(|_| CreateUserError::WeakPassword)?;
    Ok((email, hash))
}

async fn insert_user(
    txn: &impl ConnectionTrait,
    new: &NewUser<'_>,
    email: String,
    hash: String,
) -> Result<user::Model, CreateUserError> {
    if find_user(txn, &email).await?.is_some() {
        return Err(CreateUserError::Exists(email));
    }
    let mut entity_ids = Vec::new();
    for finess in new.finesses {
        let entity = legal_entity::Entity::find()
            .filter(legal_entity::Column::Finess.eq(finess.trim()))
            .one(txn)
            .await?
            .ok_or_else(|| CreateUserError::UnknownFiness(finess.clone()))?;
        entity_ids.push(entity.id);
    }
    let user = user::ActiveModel {
        email: Set(email),
        password_hash: Set(hash),
        role: Set(new.role),
        must_renew_password: Set(new.must_renew),
        created_at: Set(Utc::now()),
        failed_logins: Set(0),
        locked_until: Set(None),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    for legal_entity_id in entity_ids {
        user_legal_entity::ActiveModel { user_id: Set(user.id), legal_entity_id: Set(legal_entity_id) }
            .insert(txn)
            .await?;
    }
    Ok(user)
}

/// A random initial password that follows the rule: 16 characters, every class present.
pub fn initial_password() -> String {
    const LOWER: &[u8] = b"abcdefghijkmnopqrstuvwxyz";
    const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    const DIGITS: &[u8] = b"23456789";
    const SPECIAL: &[u8] = b"-_%&!?*";
    let mut rng = rand::rng();
    let mut pick = |set: &[u8]| set[rng.random_range(0..set.len())] as char;
    let mut chars: Vec<char> = vec![pick(LOWER), pick(UPPER), pick(DIGITS), pick(SPECIAL)];
    let all: Vec<u8> = [LOWER, UPPER, DIGITS, SPECIAL].concat();
    chars.extend((0..12).map(|_| pick(&all)));
    chars.shuffle(&mut rand::rng());
    chars.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::password_policy::PasswordCheck;

    #[test]
    fn initial_passwords_follow_the_rule() {
        for _ in 0..200 {
            let password = initial_password();
            assert!(PasswordCheck::of(&password, "x@y.fr").is_valid(), "{password}");
        }
    }
}
