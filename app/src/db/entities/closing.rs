use sea_orm::entity::prelude::*;

/// "Clore la saisie" of an evaluation, and its reopening ("Rouvrir la saisie") if any.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "closings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub evaluation_id: i32,
    pub closed_at: DateTimeUtc,
    pub closed_by: Option<i32>,
    /// The receipt as closed (JSON of `ClosingReceipt`); none for closings migrated from before
    /// reopenings, whose answers cannot have changed since (it is written when reopened).
    #[sea_orm(column_type = "Text", nullable)]
    pub receipt: Option<String>,
    pub reopened_at: Option<DateTimeUtc>,
    pub reopened_by: Option<i32>,
    #[sea_orm(column_type = "Text", nullable)]
    pub reopen_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
