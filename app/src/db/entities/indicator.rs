use sea_orm::entity::prelude::*;

/// A node of a contract's indicator tree: an objective (inner node) or a question (leaf).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "indicators")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub contract_id: i32,
    pub parent_id: Option<i32>,
    /// "objective" or "question".
    pub node_kind: String,
    pub code: String,
    #[sea_orm(column_type = "Text")]
    pub label: String,
    /// Order among all nodes of the contract (depth-first), so one sorted query rebuilds the tree.
    pub position: i32,
    pub year: Option<i32>,
    pub target: Option<String>,
    /// See [`crate::evaluation::ValueKind`]; questions only.
    pub value_kind: Option<String>,
    /// National indicators are filled by the agency, not the establishment (grey dot).
    pub editable_by_establishment: bool,
    pub previous_achieved: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub previous_comment: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

pub const OBJECTIVE: &str = "objective";
pub const QUESTION: &str = "question";
