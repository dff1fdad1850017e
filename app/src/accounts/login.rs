//! Logging in, with the lockout after failed passwords.
//!
//! Failed passwords slow the guesser, not the owner. They are counted twice, before the password
//! is checked:
//! - per account and client address: from the fifth failure in a row, that address is locked out
//!   of the account for a minute, twice longer each time, an hour at most (forgotten a day after
//!   its last failure, or at once when the right password comes from it). The owner, from an
//!   address that has not failed, still logs in;
//! - per account, from every address together: at most [`DAILY_FAILURES`] a day, after which the
//!   account locks for a day (the bound on guesses whatever the number of addresses). An
//!   administrator's "Débloquer le compte" lifts both.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, Set};

use super::directory::find_active_user;
use super::secrets::PasswordHashing;
use super::security_log::{record, Event, Outcome};
use super::sessions;
use crate::db::entities::{login_failure, user};
use crate::db::plus_one;
use crate::AppError;

/// Failed logins allowed from one address before it is locked out of the account.
const FREE_ATTEMPTS: i32 = 5;

/// Failed logins an account takes in a day from every address together.
pub const DAILY_FAILURES: i32 = 100;

/// The day over which failures are counted, and the account's lock once it took them all.
const FAILURES_KEPT: chrono::Duration = chrono::Duration::hours(24);

/// The lock of an address after its `failed`-th failure in a row: 1 minute at the 5th, doubling
/// each time after, at most an hour.
pub fn lock_duration(failed: i32) -> Option<Duration> {
    (failed >= FREE_ATTEMPTS).then(|| {
        let doublings = Ord::min(failed - FREE_ATTEMPTS, 6) as u32;
        Duration::from_secs(60 * 2u64.pow(doublings)).min(Duration::from_secs(3600))
    })
}

/// The key failures are counted under: the address as the login limit counts it (an IPv6
/// address by its /64), or one shared key when no address is known.
pub fn client_key(ip: Option<IpAddr>) -> String {
    ip.map_or_else(|| "inconnue".to_owned(), |ip| super::rate_limit::bucket(ip).to_string())
}

pub enum LoginResult {
    /// Logged in: the token of the new session, and the account's role.
    Session(String, ecars_core::vocabulary::Role),
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
    client: Option<IpAddr>,
) -> Result<LoginResult, AppError> {
    let user = find_active_user(db, identifier).await?;
    let client = client_key(client);
    // Counted before the password is checked (an unknown account runs the same statements on no
    // row), so that concurrent guesses cannot outnumber the free attempts.
    let admitted = admit_attempt(
        db,
        user.as_ref().map_or(ecars_core::ids::UserId(NO_ACCOUNT), |user| ecars_core::ids::UserId(user.id)),
        &client,
    )
    .await?;
    let matches = hashing.verify(password, user.as_ref().map(|user| user.password_hash.clone())).await?;
    let Some(user) = user else {
        record(Event::Login, Some(identifier), Outcome::Failure, "unknown_account");
        return Err(AppError::InvalidCredentials);
    };
    if let Err(lock) = admitted {
        record(Event::Login, Some(&user.email), Outcome::Refused, lock.reason());
        return Err(AppError::InvalidCredentials);
    }
    if !matches {
        record(Event::Login, Some(&user.email), Outcome::Failure, "wrong_password");
        report_lockout(db, &user, &client).await?;
        return Err(AppError::InvalidCredentials);
    }
    clear_failures(db, ecars_core::ids::UserId(user.id), &client).await?;
    if user.must_renew_password {
        record(Event::Login, Some(&user.email), Outcome::Success, "must_renew_password");
        return Ok(LoginResult::MustRenew);
    }
    let session = sessions::open(db, ecars_core::ids::UserId(user.id)).await?;
    record(Event::Login, Some(&user.email), Outcome::Success, "session_opened");
    Ok(LoginResult::Session(session, user.role))
}

/// After a failed check: if that failure locked the address or the account, says so in the
/// security log. The attempt was let through, so neither was locked before it.
pub async fn report_lockout(db: &impl ConnectionTrait, user: &user::Model, client: &str) -> Result<(), DbErr> {
    let now = Utc::now();
    let locked = |until: Option<DateTime<Utc>>| until.is_some_and(|until| until > now);
    if locked(user::Entity::find_by_id(user.id).one(db).await?.and_then(|now| now.locked_until)) {
        record(Event::Lockout, Some(&user.email), Outcome::Refused, "too_many_failures_in_a_day");
    } else if locked(
        address_failures(db, ecars_core::ids::UserId(user.id), client).await?.and_then(|address| address.locked_until),
    ) {
        record(Event::Lockout, Some(&user.email), Outcome::Refused, "too_many_failures_from_one_address");
    }
    Ok(())
}

async fn address_failures(
    db: &impl ConnectionTrait,
    user_id: ecars_core::ids::UserId,
    client: &str,
) -> Result<Option<login_failure::Model>, DbErr> {
    login_failure::Entity::find()
        .filter(login_failure::Column::UserId.eq(user_id))
        .filter(login_failure::Column::Client.eq(client))
        .one(db)
        .await
}

/// No account has this id: the statements an unknown identifier runs.
const NO_ACCOUNT: i32 = -1;

/// Why an attempt was not let through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locked {
    /// This address failed too often on this account.
    Address,
    /// The account took its failures of the day.
    Account,
}

impl Locked {
    pub fn reason(self) -> &'static str {
        match self {
            Locked::Address => "address_locked",
            Locked::Account => "account_locked",
        }
    }
}

/// Lets one password check through unless the address or the account is locked, counting it as
/// a failure of both until it succeeds; the failure that reaches a bound locks, in the same
/// statement. Conditional writes: concurrent attempts are counted one by one, so at most
/// [`FREE_ATTEMPTS`] failures in a row from one address, and [`DAILY_FAILURES`] a day in all,
/// are ever checked before a lock.
pub async fn admit_attempt(
    db: &impl ConnectionTrait,
    user_id: ecars_core::ids::UserId,
    client: &str,
) -> Result<Result<(), Locked>, DbErr> {
    let now = Utc::now();
    if !admit_from_address(db, user_id, client, now).await? {
        return Ok(Err(Locked::Address));
    }
    if !admit_on_account(db, user_id, now).await? {
        return Ok(Err(Locked::Account));
    }
    Ok(Ok(()))
}

/// One more failure from `client`: its row is written, or counted up where it is not locked (a
/// count whose last failure is a day old starts again).
async fn admit_from_address(
    db: &impl ConnectionTrait,
    user_id: ecars_core::ids::UserId,
    client: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    use login_failure::Column;
    if user_id == ecars_core::ids::UserId(NO_ACCOUNT) {
        // The same amount of work as a known account's first failure, on no row.
        login_failure::Entity::find().filter(Column::UserId.eq(NO_ACCOUNT)).one(db).await?;
        return Ok(true);
    }
    let existing = |column: Column| Expr::col((login_failure::Entity, column));
    let failures: Expr = Expr::case(existing(Column::LastFailedAt).lte(now - FAILURES_KEPT), Expr::value(1))
        .finally(plus_one((login_failure::Entity, Column::Failures)))
        .into();
    let lock = lock_for(failures.clone(), now);
    let first = login_failure::ActiveModel {
        user_id: Set(user_id.0),
        client: Set(client.to_owned()),
        failures: Set(1),
        locked_until: Set(None),
        last_failed_at: Set(now),
        ..Default::default()
    };
    let written = login_failure::Entity::insert(first)
        .on_conflict(
            OnConflict::columns([Column::UserId, Column::Client])
                .value(Column::Failures, failures)
                .value(Column::LockedUntil, lock)
                .value(Column::LastFailedAt, Expr::value(now))
                .action_and_where(existing(Column::LockedUntil).is_null().or(existing(Column::LockedUntil).lte(now)))
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(written == 1)
}

/// One more failure of the account's day, unless it is locked; the one that reaches
/// [`DAILY_FAILURES`] locks it for a day.
async fn admit_on_account(
    db: &impl ConnectionTrait,
    user_id: ecars_core::ids::UserId,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    use user::Column;
    let new_day =
        Expr::col(Column::FailuresSince).is_null().or(Expr::col(Column::FailuresSince).lte(now - FAILURES_KEPT));
    let failures: Expr = Expr::case(new_day.clone(), Expr::value(1)).finally(plus_one(Column::FailedLogins)).into();
    let since = Expr::case(new_day, Expr::value(now)).finally(Expr::col(Column::FailuresSince));
    let lock = Expr::case(failures.clone().gte(DAILY_FAILURES), Expr::value(now + FAILURES_KEPT))
        .finally(Expr::value(None::<DateTime<Utc>>));
    let admitted = user::Entity::update_many()
        .col_expr(Column::FailedLogins, failures)
        .col_expr(Column::FailuresSince, since.into())
        .col_expr(Column::LockedUntil, lock.into())
        .filter(Column::Id.eq(user_id))
        .filter(Column::LockedUntil.is_null().or(Column::LockedUntil.lte(now)))
        .exec(db)
        .await?;
    Ok(admitted.rows_affected == 1 || user_id == ecars_core::ids::UserId(NO_ACCOUNT))
}

/// The lock an address gets for its count of failures `failures` (an expression of it).
fn lock_for(failures: Expr, now: DateTime<Utc>) -> Expr {
    let mut lock = Expr::case(failures.clone().lt(FREE_ATTEMPTS), Expr::value(None::<DateTime<Utc>>));
    for failed in FREE_ATTEMPTS..FREE_ATTEMPTS + 6 {
        lock = lock.case(failures.clone().eq(failed), Expr::value(locked_until(now, failed)));
    }
    lock.finally(Expr::value(locked_until(now, FREE_ATTEMPTS + 6))).into()
}

fn locked_until(now: DateTime<Utc>, failed: i32) -> Option<DateTime<Utc>> {
    lock_duration(failed).map(|lock| now + chrono::Duration::from_std(lock).unwrap_or(chrono::Duration::hours(1)))
}

/// The right password from `client`: that address's failures are forgotten, and this attempt is
/// no failure of the account's day (the day's others stay: the owner's login does not give a
/// guesser a new day).
pub async fn clear_failures(
    db: &impl ConnectionTrait,
    user_id: ecars_core::ids::UserId,
    client: &str,
) -> Result<(), DbErr> {
    login_failure::Entity::delete_many()
        .filter(login_failure::Column::UserId.eq(user_id))
        .filter(login_failure::Column::Client.eq(client))
        .exec(db)
        .await?;
    let failures =
        Expr::case(Expr::col(user::Column::FailedLogins).gt(0), Expr::col(user::Column::FailedLogins).sub(1))
            .finally(Expr::value(0));
    user::Entity::update_many()
        .col_expr(user::Column::FailedLogins, failures.into())
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// "Débloquer le compte", a new password: every address and the account start again from zero.
pub async fn forget_failures(db: &impl ConnectionTrait, user_id: ecars_core::ids::UserId) -> Result<(), DbErr> {
    login_failure::Entity::delete_many().filter(login_failure::Column::UserId.eq(user_id)).exec(db).await?;
    user::Entity::update_many()
        .col_expr(user::Column::FailedLogins, Expr::value(0))
        .col_expr(user::Column::FailuresSince, Expr::value(None::<DateTime<Utc>>))
        .col_expr(user::Column::LockedUntil, Expr::value(None::<DateTime<Utc>>))
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// How each account is locked, for its administrator: until when (its own lock, or the latest
/// of its addresses'), and how many addresses are locked when the account itself is not.
pub async fn locks_of(
    db: &impl ConnectionTrait,
    users: &[user::Model],
    now: DateTime<Utc>,
) -> Result<HashMap<i32, (Option<DateTime<Utc>>, usize)>, DbErr> {
    let mut locks: HashMap<i32, (Option<DateTime<Utc>>, usize)> = users
        .iter()
        .filter_map(|user| user.locked_until.filter(|until| *until > now).map(|until| (user.id, (Some(until), 0))))
        .collect();
    let addresses = login_failure::Entity::find()
        .filter(login_failure::Column::UserId.is_in(users.iter().map(|user| user.id)))
        .filter(login_failure::Column::LockedUntil.gt(now))
        .all(db)
        .await?;
    for address in addresses {
        let Some(until) = address.locked_until else { continue };
        match locks.entry(address.user_id).or_insert((None, 0)) {
            // The account's own lock says it all.
            (Some(_), 0) => {}
            (latest, count) => {
                *latest = Some(latest.map_or(until, |latest| Ord::max(latest, until)));
                *count += 1;
            }
        }
    }
    Ok(locks)
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
