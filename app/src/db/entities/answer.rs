use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "answers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub question_id: i32,
    pub not_concerned: bool,
    #[sea_orm(column_type = "Text", nullable)]
    pub achieved: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub comment: Option<String>,
    pub version: i32,
    pub updated_at: DateTimeUtc,
    pub updated_by: Option<i32>,
    /// Where a national indicator's value came from (the file the agency imported); none for
    /// what a user typed.
    #[sea_orm(column_type = "Text", nullable)]
    pub source: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
