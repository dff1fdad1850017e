//! Logging in, with the lockout after failed passwords.

use std::time::Duration;

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter, Set,
};

use super::directory::find_user;
use super::secrets::PasswordHashing;
use super::sessions;
use crate::db::entities::user;
use crate::db::plus_one;
use crate::AppError;

/// Failed logins allowed before the account locks.
const FREE_ATTEMPTS: i32 = 5;

/// The lock after the `failed`-th failure in a row: 1 minute at the 5th, doubling each time
/// after, at most an hour.
pub fn lock_duration(failed: i32) -> Option<Duration> {
    (failed >= FREE_ATTEMPTS).then(|| {
        let doublings = (failed - FREE_ATTEMPTS).min(6) as u32;
        Duration::from_secs(60 * 2u64.pow(doublings)).min(Duration::from_secs(3600))
    })
}

pub enum LoginResult {
    /// Logged in: the token of the new session.
    Session(String),
    /// Right password, but it must be renewed before anything else (first login).
    MustRenew,
}

/// Checks the credentials. Unknown account, wrong password and locked account all give the
/// same `InvalidCredentials`, after the same amount of work.
pub async fn login(
    db: &DatabaseConnection,
    hashing: &PasswordHashing,
    identifier: &str,
    password: &str,
) -> Result<LoginResult, AppError> {
    let user = find_user(db, identifier).await?;
    let matches = hashing.verify(password, user.as_ref().map(|u| u.password_hash.clone())).await?;
    let Some(user) = user else {
        return Err(AppError::InvalidCredentials);
    };
    if user.locked_until.is_some_and(|until| until > Utc::now()) {
        return Err(AppError::InvalidCredentials);
    }
    if !matches {
        // Recorded after answering: an unknown account writes nothing, and the answer must not
        // take longer for a known one.
        let (db, user_id) = (db.clone(), user.id);
        tokio::spawn(async move {
            if let Err(error) = record_failure(&db, user_id).await {
                tracing::error!(%error, user = user_id, "failed login not recorded");
            }
        });
        return Err(AppError::InvalidCredentials);
    }
    if user.failed_logins != 0 || user.locked_until.is_some() {
        let mut active = user.clone().into_active_model();
        active.failed_logins = Set(0);
        active.locked_until = Set(None);
        active.update(db).await?;
    }
    if user.must_renew_password {
        return Ok(LoginResult::MustRenew);
    }
    Ok(LoginResult::Session(sessions::open(db, user.id).await?))
}

/// Counts a failure (in the database, so concurrent attempts all count) and locks the
/// account from the fifth one on.
pub async fn record_failure(db: &impl ConnectionTrait, user_id: i32) -> Result<(), DbErr> {
    user::Entity::update_many()
        .col_expr(user::Column::FailedLogins, plus_one(user::Column::FailedLogins))
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    let Some(user) = user::Entity::find_by_id(user_id).one(db).await? else {
        return Ok(());
    };
    if let Some(lock) = lock_duration(user.failed_logins) {
        tracing::warn!(user = user_id, failed = user.failed_logins, "account locked after failed logins");
        let until = Utc::now() + chrono::Duration::from_std(lock).unwrap_or(chrono::Duration::hours(1));
        user::Entity::update_many()
            .col_expr(user::Column::LockedUntil, Expr::value(until))
            .filter(user::Column::Id.eq(user_id))
            .exec(db)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_account_locks_from_the_fifth_failure_for_longer_each_time() {
        assert_eq!(lock_duration(4), None);
        assert_eq!(lock_duration(5), Some(Duration::from_secs(60)));
        assert_eq!(lock_duration(6), Some(Duration::from_secs(120)));
        assert_eq!(lock_duration(8), Some(Duration::from_secs(480)));
        assert_eq!(lock_duration(50), Some(Duration::from_secs(3600)));
    }
}
