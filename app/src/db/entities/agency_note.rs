use sea_orm::entity::prelude::*;

/// A note agency users wrote on an evaluation ("Notes de l'agence"); establishment users never see it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "agency_notes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub evaluation_id: i32,
    pub author_id: Option<i32>,
    pub author_email: String,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub written_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
