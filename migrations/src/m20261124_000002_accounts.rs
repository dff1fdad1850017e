//! Accounts: lockout columns on users, the legal entities each user is attached to (or follows),
//! sessions shared by every app instance, and the verification codes of password renewal.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{index, reference};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        manager
            .alter_table(Table::alter().table("users").add_column(integer("failed_logins").default(0)).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter().table("users").add_column(timestamp_with_time_zone_null("locked_until")).to_owned(),
            )
            .await?;

        // An establishment user is attached to these entities; a referent follows them.
        manager
            .create_table(
                Table::create()
                    .table("user_legal_entities")
                    .col(integer("user_id"))
                    .col(integer("legal_entity_id"))
                    .primary_key(Index::create().col("user_id").col("legal_entity_id"))
                    .foreign_key(&mut reference("user_legal_entities", "user_id", "users", true))
                    .foreign_key(&mut reference("user_legal_entities", "legal_entity_id", "legal_entities", true))
                    .to_owned(),
            )
            .await?;

        // Only a hash of the session token is stored: a copy of the database opens no session.
        manager
            .create_table(
                Table::create()
                    .table("sessions")
                    .col(pk_auto("id"))
                    .col(string_len_uniq("token_hash", 64))
                    .col(integer("user_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("last_seen_at"))
                    .foreign_key(&mut reference("sessions", "user_id", "users", true))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("sessions", &["user_id"], false)).await?;

        // One row per code sent, also for unknown addresses (so sending limits reveal nothing).
        manager
            .create_table(
                Table::create()
                    .table("verification_codes")
                    .col(pk_auto("id"))
                    .col(string("email"))
                    .col(integer_null("user_id"))
                    .col(string_len("code_hash", 64))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(integer("attempts").default(0))
                    .col(timestamp_with_time_zone_null("verified_at"))
                    .col(string_len_null("renewal_token_hash", 64))
                    .col(timestamp_with_time_zone_null("consumed_at"))
                    .foreign_key(&mut reference("verification_codes", "user_id", "users", true))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("verification_codes", &["email", "created_at"], false)).await?;
        manager.create_index(index("verification_codes", &["renewal_token_hash"], false)).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["verification_codes", "sessions", "user_legal_entities"] {
            manager.drop_table(Table::drop().table(table.to_owned()).to_owned()).await?;
        }
        for column in ["locked_until", "failed_logins"] {
            manager.alter_table(Table::alter().table("users").drop_column(column.to_owned()).to_owned()).await?;
        }
        Ok(())
    }
}
