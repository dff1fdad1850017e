//! "Notes de l'agence": what agency users write on an evaluation, for themselves only.

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
                    .table("agency_notes")
                    .col(pk_auto("id"))
                    .col(integer("evaluation_id"))
                    .col(integer_null("author_id"))
                    // Kept as written: the note says who wrote it even once the account is gone.
                    .col(string("author_email"))
                    .col(text("body"))
                    .col(timestamp_with_time_zone("written_at"))
                    .foreign_key(&mut reference("agency_notes", "evaluation_id", "evaluations", true))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("agency_notes", &["evaluation_id"], false)).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("agency_notes").to_owned()).await
    }
}
