//! The mail outbox: every message is a row written in the same transaction as the change that
//! causes it, then delivered by a worker with retries (see `app::mail::outbox`).

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("outbox_messages")
                    .col(pk_auto("id"))
                    // Which message of `mail::templates` this is, for the logs and the operators.
                    .col(string("kind"))
                    .col(text("recipient"))
                    .col(text("subject"))
                    .col(text("text_body"))
                    .col(text("html_body"))
                    // pending, sent or failed.
                    .col(string("status"))
                    .col(integer("attempts").default(0))
                    .col(timestamp_with_time_zone("created_at"))
                    // When the next try may start.
                    .col(timestamp_with_time_zone("due_at"))
                    // A worker that took the row has it until then; after a crash, another takes it.
                    .col(timestamp_with_time_zone_null("claimed_until"))
                    .col(timestamp_with_time_zone_null("sent_at"))
                    .col(text_null("last_error"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("outbox_messages", &["status", "due_at"], false)).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("outbox_messages").to_owned()).await
    }
}
