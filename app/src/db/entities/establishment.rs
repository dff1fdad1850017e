use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "establishments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub legal_entity_id: i32,
    #[sea_orm(unique)]
    pub finess: String,
    pub name: String,
    pub region: String,
    pub domain: ecars_core::vocabulary::Domain,
    pub address: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
