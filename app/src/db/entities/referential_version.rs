use sea_orm::entity::prelude::*;

/// One imported tree of a referential; never changed once written.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "referential_versions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub referential_id: i32,
    /// 1, 2, 3... within the referential.
    pub number: i32,
    pub created_at: DateTimeUtc,
    /// Who imported it (kept as it was, should the account go).
    pub created_by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
