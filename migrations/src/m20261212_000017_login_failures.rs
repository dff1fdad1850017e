//! Failed passwords slow the guesser, not the owner: failures are counted per account and client
//! address (each address locked on its own, for longer each time), and per account over a day
//! (the bound on guesses from every address together).

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
                    .table("login_failures")
                    .col(pk_auto("id"))
                    .col(integer("user_id"))
                    // The client's address (an IPv6 one by its /64), as the login limit counts it.
                    .col(string_len("client", 64))
                    // Failures in a row from that address, forgotten a day after the last one.
                    .col(integer("failures"))
                    .col(timestamp_with_time_zone_null("locked_until"))
                    .col(timestamp_with_time_zone("last_failed_at"))
                    .foreign_key(&mut reference("login_failures", "user_id", "users", true))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("login_failures", &["user_id", "client"], true)).await?;
        // `users.failed_logins` now counts the failures of the day that started then; the
        // account locks for the rest of that day when they reach the daily bound.
        manager
            .alter_table(
                Table::alter().table("users").add_column(timestamp_with_time_zone_null("failures_since")).to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table("users").drop_column("failures_since").to_owned()).await?;
        manager.drop_table(Table::drop().table("login_failures").to_owned()).await
    }
}
