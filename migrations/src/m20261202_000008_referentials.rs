//! Indicator referentials: an agency's named trees of objectives and questions, in versions that
//! never change once written; a contract records the version its tree was made from.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("referentials")
                    .col(pk_auto("id"))
                    .col(integer("agency_id"))
                    .col(string("name"))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("referentials", &["agency_id", "name"], true)).await?;
        manager
            .create_table(
                Table::create()
                    .table("referential_versions")
                    .col(pk_auto("id"))
                    .col(integer("referential_id"))
                    // 1, 2, 3... within its referential.
                    .col(integer("number"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(string("created_by"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("referential_versions", &["referential_id", "number"], true)).await?;
        manager
            .create_table(
                Table::create()
                    .table("referential_nodes")
                    .col(pk_auto("id"))
                    .col(integer("version_id"))
                    .col(integer_null("parent_id"))
                    // Depth-first order, as in `indicators`.
                    .col(integer("position"))
                    .col(string("node_kind"))
                    .col(string("code"))
                    .col(text("label"))
                    .col(string_null("value_kind"))
                    .col(string_null("target"))
                    .col(boolean("national"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("referential_nodes", &["version_id", "position"], false)).await?;
        manager
            .alter_table(
                Table::alter().table("contracts").add_column(integer_null("referential_version_id")).to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table("contracts").drop_column("referential_version_id").to_owned()).await?;
        for table in ["referential_nodes", "referential_versions", "referentials"] {
            manager.drop_table(Table::drop().table(table.to_owned()).to_owned()).await?;
        }
        Ok(())
    }
}
