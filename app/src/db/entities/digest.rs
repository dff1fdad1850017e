use sea_orm::entity::prelude::*;

/// A referent's week looked at by the weekly digest: once per user and week, mailed or not.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "digests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub user_id: i32,
    /// The Monday of the week, in the agencies' time zone.
    pub week_of: Date,
    /// The next digest lists what happened since.
    pub looked_at: DateTimeUtc,
    /// There was something to say: the mail was queued.
    pub sent: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
