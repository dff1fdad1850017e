use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "journal_entries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub recorded_at: DateTimeUtc,
    pub agency_id: Option<i32>,
    pub actor_id: Option<i32>,
    pub actor_email: String,
    pub kind: ecars_core::vocabulary::ChangeKind,
    pub subject: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
