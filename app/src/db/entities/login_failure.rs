use sea_orm::entity::prelude::*;

/// The failed passwords of one account from one client address (see `accounts::login`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "login_failures")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub user_id: i32,
    /// The address as the login limit counts it (an IPv6 address by its /64).
    pub client: String,
    /// Failures in a row from that address, forgotten a day after the last one.
    pub failures: i32,
    pub locked_until: Option<DateTimeUtc>,
    pub last_failed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
