//! Evaluations by year: a contract has one self-evaluation per campaign year, with its own phase,
//! window, tree (and so answers, history and question documents) and closings. Today's data
//! becomes each contract's evaluation of its `evaluation_year`; its closing, if any, the first
//! closing of that evaluation.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{index, reference};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Statements that move today's rows; the same SQL runs on SQLite and PostgreSQL.
const MOVE_DATA: [&str; 3] = [
    "INSERT INTO evaluations (contract_id, year, phase, referential_version_id) \
     SELECT id, evaluation_year, phase, referential_version_id FROM contracts",
    "INSERT INTO closings (evaluation_id, closed_at, closed_by) \
     SELECT evaluations.id, contracts.closed_at, contracts.closed_by FROM contracts \
     JOIN evaluations ON evaluations.contract_id = contracts.id WHERE contracts.closed_at IS NOT NULL",
    "UPDATE indicators SET evaluation_id = \
     (SELECT evaluations.id FROM evaluations WHERE evaluations.contract_id = indicators.contract_id)",
];

/// What the contract no longer holds: it lives on each evaluation.
const CONTRACT_COLUMNS: [&str; 4] = ["phase", "evaluation_year", "closed_at", "closed_by"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("evaluations")
                    .col(pk_auto("id"))
                    .col(integer("contract_id"))
                    .col(integer("year"))
                    .col(string("phase"))
                    .col(integer_null("referential_version_id"))
                    .col(integer_null("campaign_id"))
                    // The window of its campaign ("Saisie ouverte du ... au ..."), and the
                    // later last day an agency may grant this one evaluation.
                    .col(date_null("opens_on"))
                    .col(date_null("closes_on"))
                    .col(date_null("extended_until"))
                    // When its campaign opened it: contacts count as updated in this evaluation
                    // when changed since (none for evaluations from before campaigns).
                    .col(timestamp_with_time_zone_null("opened_at"))
                    .foreign_key(&mut reference("evaluations", "contract_id", "contracts", true))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("evaluations", &["contract_id", "year"], true)).await?;
        manager
            .create_table(
                Table::create()
                    .table("closings")
                    .col(pk_auto("id"))
                    .col(integer("evaluation_id"))
                    .col(timestamp_with_time_zone("closed_at"))
                    .col(integer_null("closed_by"))
                    // The receipt as it was closed (JSON); none for closings from before
                    // reopenings existed, whose answers have not changed since.
                    .col(text_null("receipt"))
                    .col(timestamp_with_time_zone_null("reopened_at"))
                    .col(integer_null("reopened_by"))
                    .col(text_null("reopen_reason"))
                    .foreign_key(&mut reference("closings", "evaluation_id", "evaluations", true))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("closings", &["evaluation_id"], false)).await?;
        manager
            .alter_table(Table::alter().table("indicators").add_column(integer_null("evaluation_id")).to_owned())
            .await?;

        let db = manager.get_connection();
        for statement in MOVE_DATA {
            db.execute_unprepared(statement).await?;
        }

        manager.drop_index(Index::drop().name("ix_indicators_contract_id_code").table("indicators").to_owned()).await?;
        manager.create_index(index("indicators", &["evaluation_id", "code"], true)).await?;
        manager.create_index(index("indicators", &["evaluation_id", "position"], false)).await?;
        for column in CONTRACT_COLUMNS {
            manager.alter_table(Table::alter().table("contracts").drop_column(column).to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter().table("contracts").add_column(string("phase").default("auto_evaluation")).to_owned(),
            )
            .await?;
        manager
            .alter_table(Table::alter().table("contracts").add_column(integer("evaluation_year").default(0)).to_owned())
            .await?;
        for column in [timestamp_with_time_zone_null("closed_at"), integer_null("closed_by")] {
            manager.alter_table(Table::alter().table("contracts").add_column(column).to_owned()).await?;
        }
        let db = manager.get_connection();
        // The latest evaluation of each contract goes back on it, with its last closing.
        for statement in [
            "UPDATE contracts SET \
             evaluation_year = (SELECT MAX(year) FROM evaluations WHERE contract_id = contracts.id), \
             phase = (SELECT phase FROM evaluations WHERE contract_id = contracts.id ORDER BY year DESC LIMIT 1)",
            "UPDATE contracts SET \
             closed_at = (SELECT closings.closed_at FROM closings JOIN evaluations ON evaluations.id = closings.evaluation_id \
               WHERE evaluations.contract_id = contracts.id AND evaluations.year = contracts.evaluation_year \
               AND closings.reopened_at IS NULL ORDER BY closings.closed_at DESC LIMIT 1), \
             closed_by = (SELECT closings.closed_by FROM closings JOIN evaluations ON evaluations.id = closings.evaluation_id \
               WHERE evaluations.contract_id = contracts.id AND evaluations.year = contracts.evaluation_year \
               AND closings.reopened_at IS NULL ORDER BY closings.closed_at DESC LIMIT 1)",
            "DELETE FROM indicators WHERE evaluation_id NOT IN \
             (SELECT evaluations.id FROM evaluations JOIN contracts ON contracts.id = evaluations.contract_id \
              WHERE evaluations.year = contracts.evaluation_year)",
        ] {
            db.execute_unprepared(statement).await?;
        }
        manager
            .drop_index(Index::drop().name("ix_indicators_evaluation_id_position").table("indicators").to_owned())
            .await?;
        manager
            .drop_index(Index::drop().name("ix_indicators_evaluation_id_code").table("indicators").to_owned())
            .await?;
        manager.alter_table(Table::alter().table("indicators").drop_column("evaluation_id").to_owned()).await?;
        manager.create_index(index("indicators", &["contract_id", "code"], true)).await?;
        manager.drop_table(Table::drop().table("closings").to_owned()).await?;
        manager.drop_table(Table::drop().table("evaluations").to_owned()).await
    }
}
