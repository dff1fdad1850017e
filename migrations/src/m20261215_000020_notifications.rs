//! The agency's letters to an establishment about its evaluation: the provisional evaluation,
//! then the final one. Each is a PDF stored once among the contract's documents (with its
//! SHA-256) and never rewritten; the row keeps when and by whom it was notified, the first
//! opening by the establishment (the receipt) and, for the provisional one, the reply deadline.
//! Each campaign sets how many days the establishment has to answer.

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
                    .table("notifications")
                    .col(pk_auto("id"))
                    .col(integer("evaluation_id"))
                    // `provisoire` or `definitive`.
                    .col(text("kind"))
                    .col(integer("document_id"))
                    .col(timestamp_with_time_zone("notified_at"))
                    .col(integer_null("notified_by"))
                    // The score as notified, in the words of the letter.
                    .col(text("score"))
                    .col(timestamp_with_time_zone_null("receipt_at"))
                    .col(integer_null("receipt_by"))
                    .foreign_key(&mut reference("notifications", "evaluation_id", "evaluations", true))
                    .foreign_key(&mut reference("notifications", "document_id", "documents", false))
                    .foreign_key(&mut reference("notifications", "notified_by", "users", false))
                    .foreign_key(&mut reference("notifications", "receipt_by", "users", false))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("notifications", &["evaluation_id", "kind"], true)).await?;
        manager
            .alter_table(
                Table::alter().table("campaigns").add_column(integer("reply_days").default(21).to_owned()).to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table("campaigns").drop_column("reply_days").to_owned()).await?;
        manager.drop_table(Table::drop().table("notifications").to_owned()).await
    }
}
