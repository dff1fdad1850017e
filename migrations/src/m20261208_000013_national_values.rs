//! National indicators: their values are imported by the agency from what the ministry sends,
//! stored as the question's answer with where they came from ("fichier ... importé par ...").

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table("answers").add_column(text_null("source")).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table("answers").drop_column("source").to_owned()).await
    }
}
