//! What "Comptes" shows and changes of an account: when it last logged in, and whether an
//! administrator deactivated it (its login is then refused, its sessions closed).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Two statements: SQLite adds one column at a time.
        manager
            .alter_table(
                Table::alter().table("users").add_column(timestamp_with_time_zone_null("last_login_at")).to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter().table("users").add_column(timestamp_with_time_zone_null("deactivated_at")).to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table("users").drop_column("deactivated_at").to_owned()).await?;
        manager.alter_table(Table::alter().table("users").drop_column("last_login_at").to_owned()).await
    }
}
