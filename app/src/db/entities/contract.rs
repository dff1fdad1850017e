use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contracts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub legal_entity_id: i32,
    pub kind: ecars_core::vocabulary::ContractKind,
    pub name: String,
    pub code: String,
    pub status: String,
    pub agency_contact: String,
    pub estimated_signature_date: Option<Date>,
    pub effective_date: Option<Date>,
    pub prorogation_months: Option<i32>,
    pub effective_end_date: Option<Date>,
    pub last_prorogation_date: Option<Date>,
    pub created_on: Date,
    pub status_reason: Option<String>,
    pub competence: Option<String>,
    /// The referential version its first tree was made from (none for the demo's own trees).
    pub referential_version_id: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
