use ecars_core::evaluation::appraisal::Appreciation;
use sea_orm::entity::prelude::*;

/// The agency's appraisal of one question (see the `appraisals` migration).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "appraisals")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub question_id: i32,
    /// "Valeur retenue"; none when the question cannot be evaluated.
    #[sea_orm(column_type = "Text", nullable)]
    pub retained_value: Option<String>,
    /// "Appréciation de l'agence".
    pub appreciation: Appreciation,
    /// "Commentaire de l'agence", shown to the establishment once notified.
    #[sea_orm(column_type = "Text", nullable)]
    pub comment: Option<String>,
    pub version: i32,
    pub updated_at: DateTimeUtc,
    pub updated_by: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
