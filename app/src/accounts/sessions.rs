//! Sessions kept in the database, so that several instances of the app share them. The
//! browser holds a random token in an HttpOnly cookie; the table holds only its hash.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set};

use super::secrets::{new_token, token_hash};
use crate::db::entities::{session, user};

pub const SESSION_COOKIE: &str = "ecars_session";

/// How long a session lives: `idle` since the last request, `absolute` since login.
#[derive(Debug, Clone, Copy)]
pub struct SessionLimits {
    pub idle: Duration,
    pub absolute: Duration,
}

impl Default for SessionLimits {
    fn default() -> Self {
        SessionLimits { idle: Duration::from_secs(30 * 60), absolute: Duration::from_secs(12 * 3600) }
    }
}

impl SessionLimits {
    pub fn is_live(&self, session: &session::Model, now: DateTime<Utc>) -> bool {
        let within = |since: DateTime<Utc>, limit: Duration| {
            now.signed_duration_since(since).to_std().map(|elapsed| elapsed < limit).unwrap_or(true)
        };
        within(session.last_seen_at, self.idle) && within(session.created_at, self.absolute)
    }
}

/// Recording every request would cost a write each time: once a minute is precise enough.
const TOUCH_EVERY: Duration = Duration::from_secs(60);

/// Opens a session and returns the token for the cookie: the account's last login is now.
pub async fn open(db: &impl ConnectionTrait, user_id: ecars_core::ids::UserId) -> Result<String, DbErr> {
    let token = new_token();
    let now = Utc::now();
    user::Entity::update_many()
        .col_expr(user::Column::LastLoginAt, sea_orm::sea_query::Expr::value(now))
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    session::ActiveModel {
        token_hash: Set(token_hash(&token)),
        user_id: Set(user_id.0),
        created_at: Set(now),
        last_seen_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// The live session of `token`, recorded as seen now. An expired one is deleted.
pub async fn resume(
    db: &impl ConnectionTrait,
    token: &str,
    limits: &SessionLimits,
) -> Result<Option<session::Model>, DbErr> {
    let Some(session) =
        session::Entity::find().filter(session::Column::TokenHash.eq(token_hash(token))).one(db).await?
    else {
        return Ok(None);
    };
    let now = Utc::now();
    if !limits.is_live(&session, now) {
        session::Entity::delete_by_id(session.id).exec(db).await?;
        return Ok(None);
    }
    if now.signed_duration_since(session.last_seen_at).to_std().unwrap_or_default() >= TOUCH_EVERY {
        touch(db, session.id).await?;
    }
    Ok(Some(session))
}

/// "Rafraîchir la session": restarts the idle timeout now (the absolute one still holds).
pub async fn touch(db: &impl ConnectionTrait, session_id: i32) -> Result<(), DbErr> {
    session::Entity::update_many()
        .col_expr(session::Column::LastSeenAt, sea_orm::sea_query::Expr::value(Utc::now()))
        .filter(session::Column::Id.eq(session_id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn close(db: &impl ConnectionTrait, session_id: i32) -> Result<(), DbErr> {
    session::Entity::delete_by_id(session_id).exec(db).await?;
    Ok(())
}

/// Closes every session of a user (password changed or renewed).
pub async fn close_all(db: &impl ConnectionTrait, user_id: ecars_core::ids::UserId) -> Result<(), DbErr> {
    session::Entity::delete_many().filter(session::Column::UserId.eq(user_id)).exec(db).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(created_minutes_ago: i64, seen_minutes_ago: i64) -> session::Model {
        let now = Utc::now();
        session::Model {
            id: 1,
            token_hash: String::new(),
            user_id: 1,
            created_at: now - chrono::Duration::minutes(created_minutes_ago),
            last_seen_at: now - chrono::Duration::minutes(seen_minutes_ago),
        }
    }

    #[test]
    fn a_session_ends_after_30_idle_minutes_or_12_hours() {
        let limits = SessionLimits::default();
        let now = Utc::now();
        assert!(limits.is_live(&session(10, 1), now));
        assert!(limits.is_live(&session(60, 29), now));
        assert!(!limits.is_live(&session(60, 31), now));
        assert!(limits.is_live(&session(11 * 60 + 50, 1), now));
        assert!(!limits.is_live(&session(12 * 60 + 1, 1), now));
    }
}
