//! End-of-campaign reminders: each one sent once per evaluation and stage (14, 7 and 1 days
//! before the last day), whatever the restarts and instances; and the users who stopped them.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{index, reference};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("reminders")
                    .col(pk_auto("id"))
                    .col(integer("evaluation_id"))
                    // Days before the last day: 14, 7 or 1.
                    .col(integer("stage"))
                    .col(timestamp_with_time_zone("sent_at"))
                    .foreign_key(&mut reference("reminders", "evaluation_id", "evaluations", true))
                    .to_owned(),
            )
            .await?;
        // The key that makes a reminder once: a second instance's insert fails and it sends nothing.
        manager.create_index(index("reminders", &["evaluation_id", "stage"], true)).await?;
        manager
            .alter_table(
                Table::alter().table("users").add_column(boolean("reminders_stopped").default(false)).to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table("users").drop_column("reminders_stopped").to_owned()).await?;
        manager.drop_table(Table::drop().table("reminders").to_owned()).await
    }
}
