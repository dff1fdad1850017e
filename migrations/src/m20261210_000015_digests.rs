//! The weekly digest of the follow-up: each referent's week looked at once (and mailed only when
//! there was something to say), whatever the restarts and instances; and the referents who
//! stopped it.

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
                    .table("digests")
                    .col(pk_auto("id"))
                    .col(integer("user_id"))
                    // The Monday of the week, in the agencies' time zone.
                    .col(date("week_of"))
                    // When it was looked at: the next digest lists what happened since.
                    .col(timestamp_with_time_zone("looked_at"))
                    .col(boolean("sent"))
                    .foreign_key(&mut reference("digests", "user_id", "users", true))
                    .to_owned(),
            )
            .await?;
        // The key that makes a digest once a week: a second instance's insert fails and it sends nothing.
        manager.create_index(index("digests", &["user_id", "week_of"], true)).await?;
        manager
            .alter_table(Table::alter().table("users").add_column(boolean("digest_stopped").default(false)).to_owned())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table("users").drop_column("digest_stopped").to_owned()).await?;
        manager.drop_table(Table::drop().table("digests").to_owned()).await
    }
}
