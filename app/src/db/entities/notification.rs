use ecars_core::vocabulary::NotificationKind;
use sea_orm::entity::prelude::*;

/// A letter of the agency about an evaluation (see the `notifications` migration).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub evaluation_id: i32,
    pub kind: NotificationKind,
    /// The PDF, among the contract's documents.
    pub document_id: i32,
    pub notified_at: DateTimeUtc,
    pub notified_by: Option<i32>,
    /// The score as the letter states it.
    #[sea_orm(column_type = "Text")]
    pub score: String,
    /// The first opening by one of the establishment's users.
    pub receipt_at: Option<DateTimeUtc>,
    pub receipt_by: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
