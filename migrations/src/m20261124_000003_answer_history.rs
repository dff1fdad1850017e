//! Every change of an answer, kept: who, when, the old and the new value.

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
                    .table("answer_history")
                    .col(pk_auto("id"))
                    .col(integer("question_id"))
                    // The answer's version after this change.
                    .col(integer("version"))
                    .col(boolean_null("old_not_concerned"))
                    .col(text_null("old_achieved"))
                    .col(text_null("old_comment"))
                    .col(boolean("new_not_concerned"))
                    .col(text_null("new_achieved"))
                    .col(text_null("new_comment"))
                    .col(integer_null("changed_by"))
                    .col(timestamp_with_time_zone("changed_at"))
                    .foreign_key(&mut reference("answer_history", "question_id", "indicators", true))
                    .foreign_key(&mut reference("answer_history", "changed_by", "users", false))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("answer_history", &["question_id", "version"], true)).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("answer_history").to_owned()).await
    }
}
