//! Changing a password: the rule for a new one, and what a change does (sessions closed, the
//! user told by mail), shared by "Mon compte" and the renewal by emailed code.

use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel, Set};

use super::access::Viewer;
use super::login::admit_attempt;
use super::password_policy::PasswordCheck;
use super::secrets::PasswordHashing;
use super::sessions;
use crate::db::begin_write;
use crate::db::entities::user;
use crate::mail::outbox::Outbox;
use crate::notifications;
use crate::AppError;

/// "Nouveau mot de passe" and "Confirmer le nouveau mot de passe", as typed.
#[derive(Clone, Copy)]
pub struct NewPassword<'a> {
    pub password: &'a str,
    pub confirmation: &'a str,
}

pub fn check_new_password(new: NewPassword, identifier: &str) -> Result<(), AppError> {
    if new.password != new.confirmation {
        return Err(AppError::Invalid("Les deux mots de passe saisis sont différents.".to_owned()));
    }
    match PasswordCheck::of(new.password, identifier).refusal() {
        Some(refusal) => Err(AppError::Invalid(refusal)),
        None => Ok(()),
    }
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
    active.failed_logins = Set(0);
    active.locked_until = Set(None);
    active.update(txn).await?;
    sessions::close_all(txn, user_id).await?;
    outbox.queue(txn, notifications::password_changed(&email, public_url)).await?;
    tracing::info!(user = user_id, "password changed, sessions closed");
    Ok(sessions::open(txn, user_id).await?)
}

/// "Mon compte": change the password knowing the current one.
pub async fn change_password(
    db: &DatabaseConnection,
    hashing: &PasswordHashing,
    outbox: &Outbox,
    public_url: &str,
    viewer: &Viewer,
    current: &str,
    new: NewPassword<'_>,
) -> Result<String, AppError> {
    let user = user::Entity::find_by_id(viewer.user_id).one(db).await?.ok_or(AppError::Unauthenticated)?;
    // The new password first: a refusal of the rule is not a wrong guess of the current one.
    check_new_password(new, &user.email)?;
    // The current password is guessed under the same lockout as at login.
    if !admit_attempt(db, user.id).await? {
        return Err(AppError::Invalid(
            "Trop d'essais : le compte est bloqué quelques minutes. Réessayez plus tard.".to_owned(),
        ));
    }
    if !hashing.verify(current, Some(user.password_hash.clone())).await? {
        return Err(AppError::Invalid("Le mot de passe actuel est incorrect.".to_owned()));
    }
    let hash = hashing.hash(new.password).await?;
    let txn = begin_write(db).await?;
    let session = set_password(&txn, outbox, public_url, user, hash).await?;
    txn.commit().await?;
    outbox.wake();
    Ok(session)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_password_must_be_confirmed_and_follow_the_rule() {
        let typed = |password, confirmation| NewPassword { password, confirmation };
        assert!(check_new_password(typed("Grenoble-Demo-2027!", "Grenoble-Demo-2027!"), "a@b.fr").is_ok());
        assert!(
            matches!(check_new_password(typed("Grenoble-Demo-2027!", "Grenoble-Demo-2028!"), "a@b.fr"), Err(AppError::Invalid(m)) if m.contains("différents"))
        );
        assert!(
            matches!(check_new_password(typed("court", "court"), "a@b.fr"), Err(AppError::Invalid(m)) if m.contains("12 et 64"))
        );
    }
}
