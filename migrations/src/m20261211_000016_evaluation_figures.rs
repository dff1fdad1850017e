//! Each evaluation keeps its own figures — how many questions the establishment must answer, how
//! many it has, its latest change, and the documents on its questions — written with every save
//! or upload, so the follow-up of a region reads
//! one row per evaluation instead of counting hundreds of answers for each.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The figures of every existing evaluation, counted once (the portal keeps them afterwards).
/// The same rule as `evaluation::rules::ANSWERED_IN_SQL`, frozen here as this migration ran.
const FILL_IN: &str = r#"
UPDATE "evaluations" SET
  "required_questions" = (
    SELECT COUNT(*) FROM "indicators"
    WHERE "indicators"."evaluation_id" = "evaluations"."id"
      AND "indicators"."node_kind" = 'question' AND "indicators"."editable_by_establishment" = TRUE),
  "answered_questions" = (
    SELECT COUNT(*) FROM "indicators" JOIN "answers" ON "answers"."question_id" = "indicators"."id"
    WHERE "indicators"."evaluation_id" = "evaluations"."id"
      AND "indicators"."node_kind" = 'question' AND "indicators"."editable_by_establishment" = TRUE
      AND ("answers"."not_concerned" OR TRIM(COALESCE("answers"."achieved", '')) <> '')),
  "latest_answer_at" = (
    SELECT MAX("answers"."updated_at") FROM "indicators" JOIN "answers" ON "answers"."question_id" = "indicators"."id"
    WHERE "indicators"."evaluation_id" = "evaluations"."id"
      AND "indicators"."node_kind" = 'question' AND "indicators"."editable_by_establishment" = TRUE),
  "latest_answer_by" = (
    SELECT "answers"."updated_by" FROM "indicators" JOIN "answers" ON "answers"."question_id" = "indicators"."id"
    WHERE "indicators"."evaluation_id" = "evaluations"."id"
      AND "indicators"."node_kind" = 'question' AND "indicators"."editable_by_establishment" = TRUE
    ORDER BY "answers"."updated_at" DESC, "answers"."id" DESC LIMIT 1),
  "question_documents" = (
    SELECT COUNT(*) FROM "indicators" JOIN "documents" ON "documents"."question_id" = "indicators"."id"
    WHERE "indicators"."evaluation_id" = "evaluations"."id")
"#;

const COLUMNS: [&str; 5] =
    ["required_questions", "answered_questions", "latest_answer_at", "latest_answer_by", "question_documents"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one at a time.
        for column in [
            integer("required_questions").default(0).to_owned(),
            integer("answered_questions").default(0).to_owned(),
            timestamp_with_time_zone_null("latest_answer_at"),
            // No reference: a deleted account's change reads "compte supprimé".
            integer_null("latest_answer_by"),
            integer("question_documents").default(0).to_owned(),
        ] {
            let mut column = column;
            manager.alter_table(Table::alter().table("evaluations").add_column(&mut column).to_owned()).await?;
        }
        manager.get_connection().execute_unprepared(FILL_IN).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in COLUMNS {
            manager.alter_table(Table::alter().table("evaluations").drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
