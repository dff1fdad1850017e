//! The transactional outbox. A change that causes a message queues it with [`Outbox::queue`] in
//! its own transaction, so the message exists exactly when the change does. A [`Worker`] in each
//! instance then delivers the due rows: it takes one for a while (its lease), sends it, and marks
//! it sent, or due again later (exponential backoff), or failed after the last try, with the
//! reason.
//!
//! - A crash between the commit and the delivery loses nothing: the row is delivered after the
//!   restart (or by another instance once the lease is over).
//! - Two instances never take the same row: on PostgreSQL the rows are chosen `FOR UPDATE SKIP
//!   LOCKED`; SQLite has a single writer, so choosing and taking them is one atomic statement.
//! - A code asked for is sent at once: the request wakes its instance's worker after the commit;
//!   the worker also looks every few seconds, for rows queued elsewhere or due again.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType, Order, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QuerySelect,
    Set,
};
use tokio::sync::Notify;

use super::Mail;
use super::Mailer;
use crate::db::entities::outbox_message::{self, DeliveryStatus};
use crate::operations::shutdown::Stopping;

/// How often a worker looks for due rows when nothing wakes it.
const POLL: Duration = Duration::from_secs(5);
const MIN_WAIT: Duration = Duration::from_millis(500);
/// How long a worker holds the row it took: long enough for one SMTP exchange to time out, short
/// enough that a message taken by an instance that died is sent by another within a minute.
const LEASE: Duration = Duration::from_secs(2 * super::SMTP_TIMEOUT.as_secs());

/// When to try again, and when to give up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Tries in all, the first one included.
    pub attempts: i32,
    /// Wait after the first failure; doubled after each further one...
    pub first_delay: Duration,
    /// ...up to this.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    /// Retries after 5, 10, 20, 40 s... (three within the first minute, so a code asked for
    /// during a short outage still arrives while it is valid), then hourly: about 9 hours in all.
    fn default() -> Self {
        RetryPolicy { attempts: 18, first_delay: Duration::from_secs(5), max_delay: Duration::from_secs(3600) }
    }
}

impl RetryPolicy {
    /// The wait after the `failed`-th failed try, or `None` when that was the last try.
    pub fn delay_after(&self, failed: i32) -> Option<Duration> {
        if failed >= self.attempts {
            return None;
        }
        let doublings = Ord::min(Ord::max(failed, 1) - 1, 20) as u32;
        Some(self.first_delay.saturating_mul(2u32.saturating_pow(doublings)).min(self.max_delay))
    }
}

/// The handle requests queue messages with; cheap to clone.
#[derive(Clone, Default)]
pub struct Outbox {
    wake: Arc<Notify>,
}

impl Outbox {
    /// Queues `mail`, to be delivered once `db`'s transaction commits.
    pub async fn queue(&self, db: &impl ConnectionTrait, mail: Mail) -> Result<(), DbErr> {
        let now = Utc::now();
        outbox_message::ActiveModel {
            kind: Set(mail.kind.to_owned()),
            recipient: Set(mail.to),
            subject: Set(mail.subject),
            text_body: Set(mail.text),
            html_body: Set(mail.html),
            status: Set(DeliveryStatus::Pending),
            attempts: Set(0),
            created_at: Set(now),
            due_at: Set(now),
            claimed_until: Set(None),
            sent_at: Set(None),
            last_error: Set(None),
            ..Default::default()
        }
        .insert(db)
        .await?;
        Ok(())
    }

    /// After the commit: the worker delivers now rather than at its next look.
    pub fn wake(&self) {
        self.wake.notify_one();
    }
}

/// Delivers the outbox's due rows; one per instance.
pub struct Worker {
    pub db: DatabaseConnection,
    pub mailer: Mailer,
    pub outbox: Outbox,
    pub policy: RetryPolicy,
    /// Once told, the mail being sent is finished and recorded, and no other is taken.
    pub stopping: Stopping,
}

impl Worker {
    /// Delivers until the instance stops; a database that cannot be reached is tried again.
    pub async fn run(self) {
        while !self.stopping.is_cancelled() {
            if let Err(error) = self.deliver_due().await {
                tracing::error!(%error, "outbox: cannot read the due messages");
            }
            // Everything that could be taken was: a row still due now is another worker's, held
            // for its lease, so the wait never drops to zero.
            let wait = match self.next_due().await {
                Ok(Some(due)) => (due - Utc::now()).to_std().unwrap_or(Duration::ZERO).clamp(MIN_WAIT, POLL),
                _ => POLL,
            };
            tokio::select! {
                _ = tokio::time::timeout(wait, self.outbox.wake.notified()) => {}
                _ = self.stopping.cancelled() => {}
            }
        }
        tracing::info!("mail delivery stopped");
    }

    /// Delivers every row due now; returns how many were sent.
    pub async fn deliver_due(&self) -> Result<usize, DbErr> {
        let mut sent = 0;
        while !self.stopping.is_cancelled() {
            let Some(message) = self.claim().await? else {
                return Ok(sent);
            };
            if self.deliver(message).await? {
                sent += 1;
            }
        }
        Ok(sent)
    }

    /// Takes the next due row for the time of one try (one row at a time: a lease never runs out
    /// while the row waits behind others).
    async fn claim(&self) -> Result<Option<outbox_message::Model>, DbErr> {
        use outbox_message::Column;
        let now = Utc::now();
        let lease = chrono::Duration::from_std(LEASE).unwrap_or(chrono::Duration::minutes(1));
        let due = Query::select()
            .column(Column::Id)
            .from(outbox_message::Entity)
            .and_where(Expr::col(Column::Status).eq(DeliveryStatus::Pending))
            .and_where(Expr::col(Column::DueAt).lte(now))
            .and_where(Expr::col(Column::ClaimedUntil).is_null().or(Expr::col(Column::ClaimedUntil).lte(now)))
            .order_by(Column::DueAt, Order::Asc)
            .order_by(Column::Id, Order::Asc)
            .limit(1)
            // PostgreSQL: a row another instance is taking is skipped, not waited for.
            .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
            .to_owned();
        outbox_message::Entity::update_many()
            .col_expr(Column::ClaimedUntil, Expr::value(now + lease))
            .col_expr(Column::Attempts, Expr::col(Column::Attempts).add(1))
            .filter(Column::Id.in_subquery(due))
            .exec_with_returning(&self.db)
            .await
            .map(|taken| taken.into_iter().next())
    }

    /// One try; returns whether it was sent.
    async fn deliver(&self, message: outbox_message::Model) -> Result<bool, DbErr> {
        let id = message.id;
        let outcome =
            self.mailer.send(id, &message.recipient, &message.subject, &message.text_body, &message.html_body).await;
        let (kind, attempts) = (message.kind.clone(), message.attempts);
        let mut row: outbox_message::ActiveModel = message.into();
        row.claimed_until = Set(None);
        let sent = match outcome {
            Ok(()) => {
                tracing::info!(id, kind, attempts, "mail sent");
                row.status = Set(DeliveryStatus::Sent);
                row.sent_at = Set(Some(Utc::now()));
                row.last_error = Set(None);
                true
            }
            Err(reason) => {
                crate::operations::metrics::delivery_failed();
                match self.policy.delay_after(attempts) {
                    Some(delay) => {
                        tracing::warn!(id, kind, attempts, %reason, retry_in = ?delay, "mail not sent, will retry");
                        row.due_at = Set(later(delay));
                    }
                    None => {
                        tracing::error!(id, kind, attempts, %reason, "mail not sent, giving up");
                        row.status = Set(DeliveryStatus::Failed);
                    }
                }
                row.last_error = Set(Some(reason));
                false
            }
        };
        row.update(&self.db).await?;
        Ok(sent)
    }

    /// When the earliest pending row is due.
    async fn next_due(&self) -> Result<Option<DateTime<Utc>>, DbErr> {
        use outbox_message::Column;
        let due: Option<Option<DateTime<Utc>>> = outbox_message::Entity::find()
            .select_only()
            .column_as(Expr::col(Column::DueAt).min(), "due")
            .filter(Column::Status.eq(DeliveryStatus::Pending))
            .into_tuple()
            .one(&self.db)
            .await?;
        Ok(due.flatten())
    }
}

fn later(delay: Duration) -> DateTime<Utc> {
    Utc::now() + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::hours(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_double_from_five_seconds_up_to_an_hour_then_stop() {
        let policy = RetryPolicy::default();
        let delays: Vec<_> = (1..=5).map(|failed| policy.delay_after(failed).unwrap().as_secs()).collect();
        assert_eq!(delays, [5, 10, 20, 40, 80]);
        assert!(delays[..3].iter().sum::<u64>() < 60, "three retries within the first minute");
        assert_eq!(policy.delay_after(17), Some(Duration::from_secs(3600)));
        assert_eq!(policy.delay_after(18), None, "the last try");
    }
}
