//! The audit journal's write side: every change made in the administration, with who made it,
//! when, and the values before and after, written in the same transaction as the change; and every
//! security event, written just after it by a worker. Written by every domain, it imports none
//! (an `Actor` is made from a viewer beside the viewer, in `accounts::access`); the journal's pages
//! are the administration's (`administration::journal`).

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};

use ecars_core::vocabulary::ChangeKind;

use crate::db::entities::journal_entry;

/// Who made a change: a person of the portal, or an operator on the server's command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub id: Option<i32>,
    pub email: String,
}

impl Actor {
    /// `ecars user add` and the like, run by whoever operates the server.
    pub fn command_line() -> Self {
        Actor { id: None, email: "ligne de commande du serveur".to_owned() }
    }
}

/// One change: what, to what, and the values before and after (`None` for a creation).
pub struct Entry {
    pub kind: ChangeKind,
    pub subject: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// Records `change`, made by `actor` in the administration of `agency_id` (`None`: national).
pub async fn record(
    db: &impl ConnectionTrait,
    actor: &Actor,
    agency_id: Option<i32>,
    change: Entry,
) -> Result<(), DbErr> {
    record_at(db, Utc::now(), actor, agency_id, change).await
}

/// [`record`] for something that happened at `at` (a security event, written just after).
pub async fn record_at(
    db: &impl ConnectionTrait,
    at: chrono::DateTime<Utc>,
    actor: &Actor,
    agency_id: Option<i32>,
    change: Entry,
) -> Result<(), DbErr> {
    journal_entry::ActiveModel {
        recorded_at: Set(at),
        agency_id: Set(agency_id),
        actor_id: Set(actor.id),
        actor_email: Set(actor.email.clone()),
        kind: Set(change.kind),
        subject: Set(change.subject),
        before: Set(change.before.map(|value| value.to_string())),
        after: Set(change.after.map(|value| value.to_string())),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}
