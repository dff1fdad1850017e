use sea_orm::entity::prelude::*;

/// A contract's self-evaluation of one campaign year.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "evaluations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub contract_id: i32,
    pub year: i32,
    pub phase: ecars_core::vocabulary::Phase,
    /// The referential version its tree was made from (none for the demo's own trees).
    pub referential_version_id: Option<i32>,
    /// The campaign that opened it (none for a contract's first evaluation, made with it).
    pub campaign_id: Option<i32>,
    /// "Saisie ouverte du ... au ...": none when it was opened without a campaign.
    pub opens_on: Option<Date>,
    pub closes_on: Option<Date>,
    /// "Prolonger la saisie jusqu'au ...": this evaluation's own last day.
    pub extended_until: Option<Date>,
    /// Contacts count as updated in this evaluation when confirmed since (none: since ever).
    pub opened_at: Option<DateTimeUtc>,
    /// Its figures, kept by [`crate::evaluation::figures`] with every change so the follow-up
    /// never counts answers: the establishment's questions ("grey" ones are the agency's)...
    pub required_questions: i32,
    /// ...how many of them are answered...
    pub answered_questions: i32,
    /// ...the latest change of their answers, with its author...
    pub latest_answer_at: Option<DateTimeUtc>,
    pub latest_answer_by: Option<i32>,
    /// ...and the documents attached to its questions.
    pub question_documents: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
