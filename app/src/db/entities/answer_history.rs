use sea_orm::entity::prelude::*;

/// One change of an answer; `old_*` are empty for the first answer to a question.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "answer_history")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub question_id: i32,
    pub version: i32,
    pub old_not_concerned: Option<bool>,
    #[sea_orm(column_type = "Text", nullable)]
    pub old_achieved: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub old_comment: Option<String>,
    pub new_not_concerned: bool,
    #[sea_orm(column_type = "Text", nullable)]
    pub new_achieved: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub new_comment: Option<String>,
    pub changed_by: Option<i32>,
    pub changed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
