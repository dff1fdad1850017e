use sea_orm::entity::prelude::*;

/// A node of an evaluation's indicator tree: an objective (inner node) or a question (leaf).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "indicators")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub contract_id: i32,
    /// The evaluation (contract and year) whose tree it belongs to.
    pub evaluation_id: i32,
    pub parent_id: Option<i32>,
    pub node_kind: NodeKind,
    pub code: String,
    #[sea_orm(column_type = "Text")]
    pub label: String,
    /// Order among all nodes of the evaluation (depth-first), so one sorted query rebuilds the tree.
    pub position: i32,
    pub year: Option<i32>,
    pub target: Option<String>,
    /// Questions only.
    pub value_kind: Option<ecars_core::vocabulary::ValueKind>,
    /// National indicators are filled by the agency, not the establishment (grey dot).
    pub editable_by_establishment: bool,
    pub previous_achieved: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub previous_comment: Option<String>,
    /// Which way the indicator improves ("Sens"), for the agency's appraisal.
    pub direction: ecars_core::evaluation::appraisal::Direction,
    /// Its weight in the score ("Poids"), in hundredths.
    pub weight: ecars_core::evaluation::appraisal::Weight,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

pub use ecars_core::vocabulary::NodeKind;
