//! "Rapport d'évaluation": when the agency was told that an establishment deposited its report,
//! and to which addresses.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one column at a time.
        for column in [timestamp_with_time_zone_null("report_notified_at"), text_null("report_notified_to")] {
            manager.alter_table(Table::alter().table("documents").add_column(column).to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["report_notified_to", "report_notified_at"] {
            manager.alter_table(Table::alter().table("documents").drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
