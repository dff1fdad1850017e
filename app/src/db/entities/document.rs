use sea_orm::entity::prelude::*;

/// Metadata of a stored document; the bytes live in the document store under `stored_name`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "documents")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub contract_id: Option<i32>,
    pub question_id: Option<i32>,
    pub establishment_id: Option<i32>,
    pub original_name: String,
    #[sea_orm(unique)]
    pub stored_name: String,
    pub sha256: String,
    pub size_bytes: i64,
    pub content_type: String,
    pub evaluation_report: bool,
    pub created_at: DateTimeUtc,
    pub created_by: Option<i32>,
    /// When the agency was told of a declared evaluation report, and to which addresses.
    pub report_notified_at: Option<DateTimeUtc>,
    pub report_notified_to: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
