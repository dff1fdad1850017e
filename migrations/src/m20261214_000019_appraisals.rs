//! The agency's appraisal of each question of a closed evaluation: the value it retains, its
//! appreciation on the scale, and its comment to the establishment. Versioned like answers, so two
//! appraisers never overwrite each other; each save is also in the journal, with the values
//! before and after.

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
                    .table("appraisals")
                    .col(pk_auto("id"))
                    .col(integer("question_id"))
                    .col(text_null("retained_value"))
                    // `atteint`, `partiel`, `non_atteint` or `non_evaluable`.
                    .col(text("appreciation"))
                    .col(text_null("comment"))
                    .col(integer("version"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(integer_null("updated_by"))
                    .foreign_key(&mut reference("appraisals", "question_id", "indicators", true))
                    .foreign_key(&mut reference("appraisals", "updated_by", "users", false))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("appraisals", &["question_id"], true)).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("appraisals").to_owned()).await
    }
}
