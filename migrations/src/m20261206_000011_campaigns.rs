//! Campaigns: an agency's yearly opening of the self-evaluations of its contracts of one type,
//! from a referential version, with an entry window. The evaluations it opened name it.

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
                    .table("campaigns")
                    .col(pk_auto("id"))
                    .col(integer("agency_id"))
                    .col(integer("year"))
                    .col(string("kind"))
                    .col(integer("referential_version_id"))
                    .col(date("opens_on"))
                    .col(date("closes_on"))
                    // The filter its contracts were chosen by, as the administrator gave it.
                    .col(string_null("departement"))
                    .col(text_null("legal_entities"))
                    .col(timestamp_with_time_zone("opened_at"))
                    .col(integer_null("opened_by"))
                    .foreign_key(&mut reference("campaigns", "agency_id", "agencies", false))
                    .foreign_key(&mut reference("campaigns", "referential_version_id", "referential_versions", false))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("campaigns", &["agency_id", "year"], false)).await?;
        manager.create_index(index("evaluations", &["campaign_id"], false)).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name("ix_evaluations_campaign_id").table("evaluations").to_owned()).await?;
        let db = manager.get_connection();
        db.execute_unprepared("UPDATE evaluations SET campaign_id = NULL").await?;
        manager.drop_table(Table::drop().table("campaigns").to_owned()).await
    }
}
