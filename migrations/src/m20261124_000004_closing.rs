//! Closing a self-evaluation ("Clore la saisie"): who closed the contract and when, and who last
//! confirmed each administrative contact.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one column at a time.
        for column in [timestamp_with_time_zone_null("closed_at"), integer_null("closed_by")] {
            manager.alter_table(Table::alter().table("contracts").add_column(column).to_owned()).await?;
        }
        manager.alter_table(Table::alter().table("contacts").add_column(integer_null("updated_by")).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table("contacts").drop_column("updated_by").to_owned()).await?;
        for column in ["closed_by", "closed_at"] {
            manager.alter_table(Table::alter().table("contracts").drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
