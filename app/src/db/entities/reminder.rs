use sea_orm::entity::prelude::*;

/// An end-of-campaign reminder sent for an evaluation: once per stage.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reminders")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub evaluation_id: i32,
    /// Days before the last day of the window: 14, 7 or 1.
    pub stage: i32,
    pub sent_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
