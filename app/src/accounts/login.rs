//! Logging in, with the lockout after failed passwords.

use std::time::Duration;

use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};

use super::directory::find_active_user;
use super::secrets::PasswordHashing;
use super::security_log::{record, Event, Outcome};
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
        let doublings = Ord::min(failed - FREE_ATTEMPTS, 6) as u32;
        Duration::from_secs(60 * 2u64.pow(doublings)).min(Duration::from_secs(3600))
    })
}

pub enum LoginResult {
    /// Logged in: the token of the new session, and the account's role.
    Session(String, crate::accounts::Role),
    /// Right password, but it must be renewed before anything else (first login).
    MustRenew,
}

/// Checks the credentials. Unknown or deactivated account, wrong password and locked account all
/// give the same `InvalidCredentials`, after the same amount of work.
pub async fn login(
    db: &DatabaseConnection,
    hashing: &PasswordHashing,
    identifier: &str,
    password: &str,
) -> Result<LoginResult, AppError> {
    let user = find_active_user(db, identifier).await?;
    // Counted before the password is checked (an unknown account runs the same statement on no
    // row), so that concurrent guesses cannot outnumber the free attempts.
    let admitted = admit_attempt(db, user.as_ref().map_or(NO_ACCOUNT, |user| user.id)).await?;
    let matches = hashing.verify(password, user.as_ref().map(|user| user.password_hash.clone())).await?;
    let Some(user) = user else {
        record(Event::Login, Some(identifier), Outcome::Failure, "unknown_account");
        return Err(AppError::InvalidCredentials);
    };
    if !admitted {
        record(Event::Login, Some(&user.email), Outcome::Refused, "account_locked");
        return Err(AppError::InvalidCredentials);
    }
    if !matches {
        record(Event::Login, Some(&user.email), Outcome::Failure, "wrong_password");
        report_lockout(db, &user).await?;
        return Err(AppError::InvalidCredentials);
    }
    clear_failures(db, user.id).await?;
    if user.must_renew_password {
        record(Event::Login, Some(&user.email), Outcome::Success, "must_renew_password");
        return Ok(LoginResult::MustRenew);
    }
    let session = sessions::open(db, user.id).await?;
    record(Event::Login, Some(&user.email), Outcome::Success, "session_opened");
    Ok(LoginResult::Session(session, user.role))
}

/// After a failed check: if that failure locked the account, says so in the security log.
pub async fn report_lockout(db: &impl ConnectionTrait, user: &user::Model) -> Result<(), DbErr> {
    let locked = user::Entity::find_by_id(user.id)
        .one(db)
        .await?
        .and_then(|now| now.locked_until)
        .is_some_and(|until| until > Utc::now() && user.locked_until.is_none_or(|before| before <= Utc::now()));
    if locked {
        record(Event::Lockout, Some(&user.email), Outcome::Refused, "too_many_failures");
    }
    Ok(())
}

/// No account has this id: the statement an unknown identifier runs.
const NO_ACCOUNT: i32 = -1;

/// Lets one password check through unless the account is locked, counting it as a failure until
/// it succeeds; the failure that reaches the fifth locks the account, in the same statement. One
/// conditional update: concurrent attempts are counted one by one, and at most five failures in
/// a row are ever checked before the lock.
pub async fn admit_attempt(db: &impl ConnectionTrait, user_id: i32) -> Result<bool, DbErr> {
    use user::Column;
    let now = Utc::now();
    let failures = plus_one(Column::FailedLogins);
    let mut lock = Expr::case(failures.clone().lt(FREE_ATTEMPTS), Expr::value(None::<chrono::DateTime<Utc>>));
    for failed in FREE_ATTEMPTS..FREE_ATTEMPTS + 6 {
        lock = lock.case(failures.clone().eq(failed), Expr::value(locked_until(now, failed)));
    }
    let lock = lock.finally(Expr::value(locked_until(now, FREE_ATTEMPTS + 6)));
    let admitted = user::Entity::update_many()
        .col_expr(Column::FailedLogins, failures)
        .col_expr(Column::LockedUntil, lock.into())
        .filter(Column::Id.eq(user_id))
        .filter(Column::LockedUntil.is_null().or(Column::LockedUntil.lte(now)))
        .exec(db)
        .await?;
    Ok(admitted.rows_affected == 1)
}

fn locked_until(now: chrono::DateTime<Utc>, failed: i32) -> Option<chrono::DateTime<Utc>> {
    lock_duration(failed).map(|lock| now + chrono::Duration::from_std(lock).unwrap_or(chrono::Duration::hours(1)))
}

/// The right password: the failures in a row start again from zero.
pub async fn clear_failures(db: &impl ConnectionTrait, user_id: i32) -> Result<(), DbErr> {
    user::Entity::update_many()
        .col_expr(user::Column::FailedLogins, Expr::value(0))
        .col_expr(user::Column::LockedUntil, Expr::value(None::<chrono::DateTime<Utc>>))
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
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
