//! Changing a password: the rule for a new one, and what a change does (sessions closed, the
//! user told by mail), shared by "Mon compte" and the renewal by emailed code.

use ecars_core::password::PasswordCheck;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
    QuerySelect, Set,
};

use super::access::Viewer;
use super::directory::legal_entity_ids_of;
use super::login::{admit_attempt, client_key, forget_failures, report_lockout};
use super::password_strength;
use super::secrets::PasswordHashing;
use super::security_log::{record, Event, Outcome};
use super::sessions;
use crate::db::begin_write;
use crate::db::entities::{legal_entity, user};
use crate::mail::outbox::Outbox;
use crate::mail::templates;
use crate::AppError;

/// "Nouveau mot de passe" and "Confirmer le nouveau mot de passe", as typed.
#[derive(Clone, Copy)]
pub struct NewPassword<'a> {
    pub password: &'a str,
    pub confirmation: &'a str,
}

/// The shared rule, then the estimate of how easy it is to guess, knowing `own_words` (the
/// account's email and the names of its legal entities: see [`own_words`]).
pub fn check_new_password(new: NewPassword, identifier: &str, own_words: &[String]) -> Result<(), AppError> {
    if new.password != new.confirmation {
        return Err(AppError::Invalid("Les deux mots de passe saisis sont différents.".to_owned()));
    }
    if let Some(refusal) = PasswordCheck::of(new.password, identifier).refusal() {
        return Err(AppError::Invalid(refusal));
    }
    let context: Vec<&str> = std::iter::once(identifier).chain(own_words.iter().map(String::as_str)).collect();
    match password_strength::refusal(new.password, &context) {
        Some(refusal) => Err(AppError::Invalid(refusal)),
        None => Ok(()),
    }
}

/// The words of an account an attacker would try first: its email and its legal entities' names.
pub async fn own_words(db: &impl ConnectionTrait, user: &user::Model) -> Result<Vec<String>, AppError> {
    let entity_ids = legal_entity_ids_of(db, ecars_core::ids::UserId(user.id)).await?;
    let names: Vec<String> = legal_entity::Entity::find()
        .select_only()
        .column(legal_entity::Column::Name)
        .filter(legal_entity::Column::Id.is_in(entity_ids))
        .into_tuple()
        .all(db)
        .await?;
    Ok(std::iter::once(user.email.clone()).chain(names).collect())
}

/// Within the caller's transaction: stores the new hash, closes every session of the account,
/// opens a new one (its token is returned) and queues the notice to the user.
pub async fn set_password(
    txn: &impl ConnectionTrait,
    outbox: &Outbox,
    public_url: &str,
    user: user::Model,
    hash: String,
) -> Result<String, AppError> {
    let (user_id, email) = (user.id, user.email.clone());
    let mut active = user.into_active_model();
    active.password_hash = Set(hash);
    active.must_renew_password = Set(false);
    active.update(txn).await?;
    forget_failures(txn, ecars_core::ids::UserId(user_id)).await?;
    sessions::close_all(txn, ecars_core::ids::UserId(user_id)).await?;
    outbox.queue(txn, templates::password_changed(&email, public_url)).await?;
    tracing::info!(user = user_id, "password changed, sessions closed");
    Ok(sessions::open(txn, ecars_core::ids::UserId(user_id)).await?)
}

/// The current password as typed on "Mon compte", and the address it came from (guesses of it
/// are counted as failed logins are).
pub struct CurrentPassword<'a> {
    pub typed: &'a str,
    pub client: Option<std::net::IpAddr>,
}

/// "Mon compte": change the password knowing the current one.
pub async fn change_password(
    db: &DatabaseConnection,
    hashing: &PasswordHashing,
    outbox: &Outbox,
    public_url: &str,
    viewer: &Viewer,
    current: CurrentPassword<'_>,
    new: NewPassword<'_>,
) -> Result<String, AppError> {
    let CurrentPassword { typed: current, client } = current;
    let user = user::Entity::find_by_id(viewer.user_id).one(db).await?.ok_or(AppError::Unauthenticated)?;
    // The new password first: a refusal of the rule is not a wrong guess of the current one.
    check_new_password(new, &user.email, &own_words(db, &user).await?)?;
    // The current password is guessed under the same lockout as at login.
    let client = client_key(client);
    if let Err(lock) = admit_attempt(db, ecars_core::ids::UserId(user.id), &client).await? {
        record(Event::PasswordChanged, Some(&user.email), Outcome::Refused, lock.reason());
        return Err(AppError::Invalid(
            "Trop d'essais : le compte est bloqué quelques minutes. Réessayez plus tard.".to_owned(),
        ));
    }
    if !hashing.verify(current, Some(user.password_hash.clone())).await? {
        record(Event::PasswordChanged, Some(&user.email), Outcome::Failure, "wrong_current_password");
        report_lockout(db, &user, &client).await?;
        return Err(AppError::Invalid("Le mot de passe actuel est incorrect.".to_owned()));
    }
    let hash = hashing.hash(new.password).await?;
    let txn = begin_write(db).await?;
    let email = user.email.clone();
    let session = set_password(&txn, outbox, public_url, user, hash).await?;
    txn.commit().await?;
    outbox.wake();
    record(Event::PasswordChanged, Some(&email), Outcome::Success, "");
    Ok(session)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_password_must_be_confirmed_and_follow_the_rule() {
        let typed = |password, confirmation| NewPassword { password, confirmation };
        assert!(check_new_password(typed("Grenoble-Demo-2027!", "Grenoble-Demo-2027!"), "a@b.fr", &[]).is_ok());
        assert!(
            matches!(check_new_password(typed("Grenoble-Demo-2027!", "Grenoble-Demo-2028!"), "a@b.fr", &[]), Err(AppError::Invalid(m)) if m.contains("différents"))
        );
        assert!(
            matches!(check_new_password(typed("court", "court"), "a@b.fr", &[]), Err(AppError::Invalid(m)) if m.contains("12 et 64"))
        );
    }
}
