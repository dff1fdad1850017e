//! Agencies: e-CARS serves every ARS. Legal entities and agency-side accounts belong to one;
//! the administration's journal records who changed what, agency by agency.

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
                    .table("agencies")
                    .col(pk_auto("id"))
                    .col(string_uniq("name"))
                    .col(string("region"))
                    // The départements it loads from FINESS, comma-separated ("21,25,39").
                    .col(string("departements"))
                    // Told of each evaluation report; answers "une question d'ordre métier".
                    .col(string("quality_email"))
                    .col(string("support_email"))
                    .col(string("support_phone"))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;
        // Null: not yet given to an agency (only national administrators see it).
        manager
            .alter_table(Table::alter().table("legal_entities").add_column(integer_null("agency_id")).to_owned())
            .await?;
        manager.create_index(index("legal_entities", &["agency_id"], false)).await?;
        // Agency-side accounts (administrators, referents); null for establishment users and
        // national administrators.
        manager.alter_table(Table::alter().table("users").add_column(integer_null("agency_id")).to_owned()).await?;
        manager
            .create_table(
                Table::create()
                    .table("journal_entries")
                    .col(pk_auto("id"))
                    .col(timestamp_with_time_zone("recorded_at"))
                    // Whose administration the change was made in; null for national changes.
                    .col(integer_null("agency_id"))
                    .col(integer_null("actor_id"))
                    // Kept as it was, should the account go.
                    .col(string("actor_email"))
                    .col(string("kind"))
                    // What was changed, as a person reads it ("ARS Bourgogne-Franche-Comté").
                    .col(text("subject"))
                    .col(text_null("before"))
                    .col(text_null("after"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("journal_entries", &["agency_id", "recorded_at"], false)).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("journal_entries").to_owned()).await?;
        manager.alter_table(Table::alter().table("users").drop_column("agency_id").to_owned()).await?;
        manager
            .drop_index(Index::drop().name("ix_legal_entities_agency_id").table("legal_entities").to_owned())
            .await?;
        manager.alter_table(Table::alter().table("legal_entities").drop_column("agency_id").to_owned()).await?;
        manager.drop_table(Table::drop().table("agencies").to_owned()).await
    }
}
