use sea_orm::entity::prelude::*;

/// A code sent by email to renew a password; once verified, it yields a renewal token
/// (kept in an HttpOnly cookie) that allows setting the new password once.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "verification_codes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Lower-cased address the code was asked for, known account or not.
    pub email: String,
    pub user_id: Option<i32>,
    /// SHA-256 of the address and the code (see `accounts::secrets::code_hash`).
    pub code_hash: String,
    pub created_at: DateTimeUtc,
    pub attempts: i32,
    pub verified_at: Option<DateTimeUtc>,
    pub renewal_token_hash: Option<String>,
    pub consumed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
