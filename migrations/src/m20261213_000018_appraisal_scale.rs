//! What the agency's evaluation needs of each indicator: which way it improves ("Sens": higher or
//! lower is better) and its weight in the score ("Poids", in hundredths). Both come from the
//! referential's version and are copied with the tree into each evaluation, so that a later
//! version never changes a year already scored.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: [&str; 2] = ["referential_nodes", "indicators"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one at a time. Existing rows take the defaults:
        // higher is better, a weight of 1.
        for table in TABLES {
            for column in
                [string_len("direction", 16).default("plus_haut").to_owned(), integer("weight").default(100).to_owned()]
            {
                manager.alter_table(Table::alter().table(table).add_column(column).to_owned()).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES {
            for column in ["direction", "weight"] {
                manager.alter_table(Table::alter().table(table).drop_column(column).to_owned()).await?;
            }
        }
        Ok(())
    }
}
