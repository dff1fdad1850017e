use sea_orm::entity::prelude::*;

/// An agency's opening of the self-evaluations of one year for its contracts of one type.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "campaigns")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub agency_id: i32,
    pub year: i32,
    pub kind: ecars_core::vocabulary::ContractKind,
    pub referential_version_id: i32,
    /// "Saisie ouverte du ... au ...", both days included.
    pub opens_on: Date,
    pub closes_on: Date,
    /// The filter its contracts were chosen by: a département, FINESS numbers of legal entities.
    pub departement: Option<String>,
    pub legal_entities: Option<String>,
    pub opened_at: DateTimeUtc,
    pub opened_by: Option<i32>,
    /// "Délai de réponse": the days the establishment has to answer the provisional evaluation.
    pub reply_days: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
