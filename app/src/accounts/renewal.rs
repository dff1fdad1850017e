//! Renewing a password by a code emailed to the account's address (also the first login).

use std::time::Duration;

use chrono::Utc;
use ecars_core::email::EmailAddress;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Set, Statement,
};

use super::directory::{find_active_user, is_active};
use super::password::{check_new_password, own_words, set_password, NewPassword};
use super::secrets::{code_hash, new_code, new_token, token_hash, PasswordHashing, CODE_DIGITS};
use super::security_log::{record, Event, Outcome};
use crate::db::entities::{user, verification_code};
use crate::db::{begin_write, plus_one};
use crate::mail::outbox::Outbox;
use crate::mail::templates;
use crate::AppError;

/// A code is valid 10 minutes, for 5 tries; an address gets at most 3 codes per 15 minutes.
pub const CODE_VALIDITY: Duration = Duration::from_secs(10 * 60);
const CODE_TRIES: i32 = 5;
const CODES_PER_WINDOW: u64 = 3;
const CODE_WINDOW: Duration = Duration::from_secs(15 * 60);

const CODE_REFUSED: &str =
    "Code incorrect ou expiré. Vérifiez le code du dernier courriel reçu, ou demandez un nouveau code.";
const CODE_EXHAUSTED: &str = "Trop d'essais pour ce code. Demandez un nouveau code de vérification.";
const RENEWAL_EXPIRED: &str =
    "La vérification de votre adresse a expiré. Recommencez le renouvellement du mot de passe.";

fn ago(duration: Duration) -> chrono::DateTime<Utc> {
    Utc::now() - chrono::Duration::from_std(duration).unwrap_or(chrono::Duration::zero())
}

fn parse_email(input: &str) -> Result<String, AppError> {
    EmailAddress::parse(input).map(|email| email.identifier()).map_err(|message| AppError::Invalid(message.to_owned()))
}

/// Sends a verification code to `email`. Unknown addresses get a notice instead of a code;
/// the caller sees the same answer either way. The code and its mail are written together.
pub async fn send_code(
    db: &DatabaseConnection,
    outbox: &Outbox,
    public_url: &str,
    email: &str,
) -> Result<(), AppError> {
    let email = parse_email(email)?;
    let txn = begin_write(db).await?;
    // Requests for one address are counted one at a time: SQLite's write lock is already taken;
    // PostgreSQL takes a lock on the address until the transaction ends.
    if txn.get_database_backend() == DbBackend::Postgres {
        let lock = "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))";
        txn.execute_raw(Statement::from_sql_and_values(DbBackend::Postgres, lock, [email.clone().into()])).await?;
    }
    let window_start = ago(CODE_WINDOW);
    let recent = verification_code::Entity::find()
        .filter(verification_code::Column::Email.eq(&email))
        .filter(verification_code::Column::CreatedAt.gt(window_start))
        .order_by_asc(verification_code::Column::CreatedAt);
    if recent.clone().count(&txn).await? >= CODES_PER_WINDOW {
        let oldest = recent.one(&txn).await?.map(|code| code.created_at).unwrap_or_else(Utc::now);
        let wait = (oldest - window_start).num_seconds().max(1) as u64;
        record(Event::CodeSent, Some(&email), Outcome::Refused, "codes_per_address_reached");
        return Err(AppError::TooManyRequests { retry_after_seconds: wait });
    }
    // A deactivated account gets no code: renewing would not let it in again.
    let user = find_active_user(&txn, &email).await?;
    void_pending_codes(&txn, &email).await?;
    let code = new_code();
    verification_code::ActiveModel {
        email: Set(email.clone()),
        user_id: Set(user.as_ref().map(|user| user.id)),
        code_hash: Set(code_hash(&email, &code)),
        created_at: Set(Utc::now()),
        attempts: Set(0),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let (mail, detail) = match user {
        Some(_) => (templates::verification_code(&email, &code), "code"),
        None => (templates::renewal_without_account(&email, public_url), "unknown_account_notice"),
    };
    outbox.queue(&txn, mail).await?;
    txn.commit().await?;
    outbox.wake();
    record(Event::CodeSent, Some(&email), Outcome::Success, detail);
    Ok(())
}

/// Only the last code sent to an address is valid: earlier ones are void.
async fn void_pending_codes(db: &impl ConnectionTrait, email: &str) -> Result<(), DbErr> {
    verification_code::Entity::update_many()
        .col_expr(verification_code::Column::ConsumedAt, Expr::value(Utc::now()))
        .filter(verification_code::Column::Email.eq(email))
        .filter(verification_code::Column::ConsumedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Checks a code; on success returns the renewal token that allows choosing a new password.
pub async fn verify_code(db: &DatabaseConnection, email: &str, code: &str) -> Result<String, AppError> {
    let verified = check_code(db, email, code).await;
    let (outcome, detail) = match &verified {
        Ok(_) => (Outcome::Success, ""),
        Err(AppError::Invalid(message)) if message == CODE_EXHAUSTED => (Outcome::Refused, "tries_exhausted"),
        Err(_) => (Outcome::Failure, "wrong_or_expired_code"),
    };
    record(Event::CodeVerified, Some(email), outcome, detail);
    verified
}

async fn check_code(db: &DatabaseConnection, email: &str, code: &str) -> Result<String, AppError> {
    let email = parse_email(email)?;
    let code = code.trim();
    if code.len() != CODE_DIGITS || !code.chars().all(|c| c.is_ascii_digit()) {
        return Err(AppError::Invalid(format!("Le code de vérification comporte {CODE_DIGITS} chiffres.")));
    }
    let Some(latest) = verification_code::Entity::find()
        .filter(verification_code::Column::Email.eq(&email))
        .filter(verification_code::Column::CreatedAt.gt(ago(CODE_VALIDITY)))
        .filter(verification_code::Column::VerifiedAt.is_null())
        .filter(verification_code::Column::ConsumedAt.is_null())
        .order_by_desc(verification_code::Column::CreatedAt)
        .order_by_desc(verification_code::Column::Id)
        .one(db)
        .await?
    else {
        return Err(AppError::Invalid(CODE_REFUSED.to_owned()));
    };
    // One conditional update counts the try, so concurrent guesses cannot exceed the limit.
    let counted = verification_code::Entity::update_many()
        .col_expr(verification_code::Column::Attempts, plus_one(verification_code::Column::Attempts))
        .filter(verification_code::Column::Id.eq(latest.id))
        .filter(verification_code::Column::Attempts.lt(CODE_TRIES))
        .exec(db)
        .await?;
    if counted.rows_affected == 0 {
        return Err(AppError::Invalid(CODE_EXHAUSTED.to_owned()));
    }
    if code_hash(&email, code) != latest.code_hash {
        return Err(AppError::Invalid(CODE_REFUSED.to_owned()));
    }
    let token = new_token();
    let verified = verification_code::Entity::update_many()
        .col_expr(verification_code::Column::VerifiedAt, Expr::value(Utc::now()))
        .col_expr(verification_code::Column::RenewalTokenHash, Expr::value(token_hash(&token)))
        .filter(verification_code::Column::Id.eq(latest.id))
        .filter(verification_code::Column::VerifiedAt.is_null())
        .exec(db)
        .await?;
    if verified.rows_affected == 0 {
        return Err(AppError::Invalid(CODE_REFUSED.to_owned()));
    }
    Ok(token)
}

/// The verified code behind a renewal token, if it is still usable.
async fn renewal(db: &impl ConnectionTrait, token: &str) -> Result<Option<verification_code::Model>, DbErr> {
    verification_code::Entity::find()
        .filter(verification_code::Column::RenewalTokenHash.eq(token_hash(token)))
        .filter(verification_code::Column::VerifiedAt.gt(ago(CODE_VALIDITY)))
        .filter(verification_code::Column::ConsumedAt.is_null())
        .filter(verification_code::Column::UserId.is_not_null())
        .one(db)
        .await
}

/// The address whose password is being renewed (shown on the new-password page).
pub async fn renewal_email(db: &impl ConnectionTrait, token: &str) -> Result<Option<String>, DbErr> {
    Ok(renewal(db, token).await?.map(|code| code.email))
}

/// Sets the new password chosen after a verified code, in one transaction with the code's use:
/// every session of the account is closed and a new one opened, whose token is returned.
pub async fn renew_password(
    db: &DatabaseConnection,
    hashing: &PasswordHashing,
    outbox: &Outbox,
    public_url: &str,
    token: &str,
    new: NewPassword<'_>,
) -> Result<String, AppError> {
    let expired = || AppError::Invalid(RENEWAL_EXPIRED.to_owned());
    let code = renewal(db, token).await?.ok_or_else(expired)?;
    let user_id = code.user_id.ok_or_else(expired)?;
    let user = user::Entity::find_by_id(user_id).one(db).await?.filter(is_active).ok_or_else(expired)?;
    check_new_password(new, &user.email, &own_words(db, &user).await?)?;
    let hash = hashing.hash(new.password).await?;
    let txn = begin_write(db).await?;
    let consumed = verification_code::Entity::update_many()
        .col_expr(verification_code::Column::ConsumedAt, Expr::value(Utc::now()))
        .filter(verification_code::Column::Id.eq(code.id))
        .filter(verification_code::Column::ConsumedAt.is_null())
        .exec(&txn)
        .await?;
    if consumed.rows_affected == 0 {
        return Err(expired());
    }
    void_pending_codes(&txn, &code.email).await?;
    let email = user.email.clone();
    let session = set_password(&txn, outbox, public_url, user, hash).await?;
    txn.commit().await?;
    outbox.wake();
    record(Event::PasswordRenewed, Some(&email), Outcome::Success, "");
    Ok(session)
}
