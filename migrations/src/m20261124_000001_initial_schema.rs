//! Legal entities, establishments, contracts, the indicator tree, answers,
//! administrative contacts, document metadata and users.

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
                    .table("legal_entities")
                    .col(pk_auto("id"))
                    .col(string_len_uniq("finess", 9))
                    .col(string("name"))
                    .col(string("address"))
                    .col(string("phone"))
                    // "Sanitaire" or "Médicosocial": decides which lists the entity page shows.
                    .col(string("domain"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("establishments")
                    .col(pk_auto("id"))
                    .col(integer("legal_entity_id"))
                    .col(string_len_uniq("finess", 9))
                    .col(string("name"))
                    .col(string("region"))
                    .col(string("domain"))
                    .col(string("address"))
                    .foreign_key(&mut reference("establishments", "legal_entity_id", "legal_entities", false))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("establishments", &["legal_entity_id"], false)).await?;

        manager
            .create_table(
                Table::create()
                    .table("contracts")
                    .col(pk_auto("id"))
                    .col(integer("legal_entity_id"))
                    .col(string("kind"))
                    .col(string("name"))
                    .col(string("code"))
                    .col(string("status"))
                    .col(string("phase"))
                    .col(string("agency_contact"))
                    .col(integer("evaluation_year"))
                    .col(date_null("estimated_signature_date"))
                    .col(date_null("effective_date"))
                    .col(integer_null("prorogation_months"))
                    .col(date_null("effective_end_date"))
                    .col(date_null("last_prorogation_date"))
                    .col(date("created_on"))
                    .col(string_null("status_reason"))
                    .col(string_null("competence"))
                    .foreign_key(&mut reference("contracts", "legal_entity_id", "legal_entities", false))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("contracts", &["legal_entity_id"], false)).await?;

        manager
            .create_table(
                Table::create()
                    .table("contract_establishments")
                    .col(integer("contract_id"))
                    .col(integer("establishment_id"))
                    .primary_key(Index::create().col("contract_id").col("establishment_id"))
                    .foreign_key(&mut reference("contract_establishments", "contract_id", "contracts", true))
                    .foreign_key(&mut reference("contract_establishments", "establishment_id", "establishments", false))
                    .to_owned(),
            )
            .await?;

        // The indicator tree: objectives are inner nodes, questions are leaves.
        manager
            .create_table(
                Table::create()
                    .table("indicators")
                    .col(pk_auto("id"))
                    .col(integer("contract_id"))
                    .col(integer_null("parent_id"))
                    .col(string("node_kind"))
                    .col(string("code"))
                    .col(text("label"))
                    .col(integer("position"))
                    .col(integer_null("year"))
                    .col(string_null("target"))
                    .col(string_null("value_kind"))
                    .col(boolean("editable_by_establishment"))
                    .col(string_null("previous_achieved"))
                    .col(text_null("previous_comment"))
                    .foreign_key(&mut reference("indicators", "contract_id", "contracts", true))
                    .foreign_key(&mut reference("indicators", "parent_id", "indicators", true))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("indicators", &["contract_id", "position"], false)).await?;
        manager.create_index(index("indicators", &["contract_id", "code"], true)).await?;

        manager
            .create_table(
                Table::create()
                    .table("users")
                    .col(pk_auto("id"))
                    .col(string_uniq("email"))
                    .col(string("password_hash"))
                    .col(string("role"))
                    .col(boolean("must_renew_password"))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;

        // One answer per question; `version` guards against silent overwrites.
        manager
            .create_table(
                Table::create()
                    .table("answers")
                    .col(pk_auto("id"))
                    .col(integer_uniq("question_id"))
                    .col(boolean("not_concerned"))
                    .col(text_null("achieved"))
                    .col(text_null("comment"))
                    .col(integer("version"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(integer_null("updated_by"))
                    .foreign_key(&mut reference("answers", "question_id", "indicators", true))
                    .foreign_key(&mut reference("answers", "updated_by", "users", false))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("contacts")
                    .col(pk_auto("id"))
                    .col(integer("contract_id"))
                    .col(string("function"))
                    .col(integer("position"))
                    .col(boolean("mandatory"))
                    .col(string_null("last_name"))
                    .col(string_null("first_name"))
                    .col(string_null("email"))
                    .col(string_null("phone"))
                    .col(timestamp_with_time_zone_null("updated_at"))
                    .foreign_key(&mut reference("contacts", "contract_id", "contracts", true))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("contacts", &["contract_id", "position"], false)).await?;

        // Documents are attached to exactly one of: a contract, a question, an establishment.
        // Rows are never deleted (no cascade).
        manager
            .create_table(
                Table::create()
                    .table("documents")
                    .col(pk_auto("id"))
                    .col(integer_null("contract_id"))
                    .col(integer_null("question_id"))
                    .col(integer_null("establishment_id"))
                    .col(string("original_name"))
                    .col(string_uniq("stored_name"))
                    .col(string_len("sha256", 64))
                    .col(big_integer("size_bytes"))
                    .col(string("content_type"))
                    .col(boolean("evaluation_report"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(integer_null("created_by"))
                    .foreign_key(&mut reference("documents", "contract_id", "contracts", false))
                    .foreign_key(&mut reference("documents", "question_id", "indicators", false))
                    .foreign_key(&mut reference("documents", "establishment_id", "establishments", false))
                    .foreign_key(&mut reference("documents", "created_by", "users", false))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("documents", &["contract_id"], false)).await?;
        manager.create_index(index("documents", &["question_id"], false)).await?;
        manager.create_index(index("documents", &["establishment_id"], false)).await?;

        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "documents",
            "contacts",
            "answers",
            "users",
            "indicators",
            "contract_establishments",
            "contracts",
            "establishments",
            "legal_entities",
        ] {
            manager.drop_table(Table::drop().table(table.to_owned()).to_owned()).await?;
        }
        Ok(())
    }
}
