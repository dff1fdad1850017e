//! The server's side of `mail_preferences` (behind `ssr`: the browser's build never reads this file).

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use super::MailPreference;
use crate::db::entities::user;

/// The column that says a user stopped `preference`.
fn stopped_column(preference: MailPreference) -> user::Column {
    match preference {
        MailPreference::Reminders => user::Column::RemindersStopped,
        MailPreference::Digest => user::Column::DigestStopped,
    }
}

/// Whether `user` still wants `preference`.
pub fn wanted(user: &user::Model, preference: MailPreference) -> bool {
    match preference {
        MailPreference::Reminders => !user.reminders_stopped,
        MailPreference::Digest => !user.digest_stopped,
    }
}

pub async fn set_wanted(
    db: &impl ConnectionTrait,
    user_id: ecars_core::ids::UserId,
    preference: MailPreference,
    wanted: bool,
) -> Result<(), DbErr> {
    user::Entity::update_many()
        .col_expr(stopped_column(preference), Expr::value(!wanted))
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// The condition "still wants `preference`", for the queries that choose recipients.
pub fn wanting(preference: MailPreference) -> sea_orm::Condition {
    sea_orm::Condition::all().add(stopped_column(preference).eq(false))
}
