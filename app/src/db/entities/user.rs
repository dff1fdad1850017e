use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub email: String,
    pub password_hash: String,
    pub role: ecars_core::vocabulary::Role,
    pub must_renew_password: bool,
    pub created_at: DateTimeUtc,
    /// Failed logins of the day that started at `failures_since`, from every address together
    /// (each address's own are in `login_failures`); at the daily bound the account locks.
    pub failed_logins: i32,
    pub locked_until: Option<DateTimeUtc>,
    pub failures_since: Option<DateTimeUtc>,
    /// The agency of an administrator or referent.
    pub agency_id: Option<i32>,
    /// When a session was last opened (a login, or a password renewed).
    pub last_login_at: Option<DateTimeUtc>,
    /// Set by "Désactiver": the account can no longer log in.
    pub deactivated_at: Option<DateTimeUtc>,
    /// Unticked "Recevoir les rappels de fin de campagne" on "Mon compte".
    pub reminders_stopped: bool,
    /// Unticked "Recevoir le récapitulatif hebdomadaire du suivi" on "Mon compte" (referents).
    pub digest_stopped: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
