use sea_orm::entity::prelude::*;

/// A node of a referential version: an objective or a question, as a contract's tree copies it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "referential_nodes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub version_id: i32,
    pub parent_id: Option<i32>,
    /// Depth-first order of the version's nodes.
    pub position: i32,
    pub node_kind: super::indicator::NodeKind,
    pub code: String,
    #[sea_orm(column_type = "Text")]
    pub label: String,
    pub value_kind: Option<ecars_core::vocabulary::ValueKind>,
    pub target: Option<String>,
    /// Filled by the agency, not the establishment (grey dot).
    pub national: bool,
    /// Which way the indicator improves ("Sens"), for the agency's appraisal.
    pub direction: ecars_core::evaluation::appraisal::Direction,
    /// Its weight in the score ("Poids"), in hundredths.
    pub weight: ecars_core::evaluation::appraisal::Weight,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
