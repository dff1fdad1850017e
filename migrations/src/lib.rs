//! Database schema of e-CARS, applied at start and by `ecars migrate`.
//!
//! Tables are named in English after the glossary of `DOMAIN.md`; every migration
//! runs unchanged on SQLite (the embedded default) and PostgreSQL.

pub use sea_orm_migration::prelude::*;

mod helpers;
mod m20261124_000001_initial_schema;
mod m20261124_000002_accounts;
mod m20261124_000003_answer_history;
mod m20261124_000004_closing;
mod m20261124_000005_evaluation_report;
mod m20261201_000006_mail_outbox;
mod m20261202_000007_agencies;
mod m20261202_000008_referentials;
mod m20261203_000009_account_states;
mod m20261204_000010_evaluations;
mod m20261206_000011_campaigns;
mod m20261207_000012_reminders;
mod m20261208_000013_national_values;
mod m20261209_000014_agency_notes;
mod m20261210_000015_digests;
mod m20261211_000016_evaluation_figures;
mod m20261212_000017_login_failures;
mod m20261213_000018_appraisal_scale;
mod m20261214_000019_appraisals;
mod m20261215_000020_notifications;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261124_000001_initial_schema::Migration),
            Box::new(m20261124_000002_accounts::Migration),
            Box::new(m20261124_000003_answer_history::Migration),
            Box::new(m20261124_000004_closing::Migration),
            Box::new(m20261124_000005_evaluation_report::Migration),
            Box::new(m20261201_000006_mail_outbox::Migration),
            Box::new(m20261202_000007_agencies::Migration),
            Box::new(m20261202_000008_referentials::Migration),
            Box::new(m20261203_000009_account_states::Migration),
            Box::new(m20261204_000010_evaluations::Migration),
            Box::new(m20261206_000011_campaigns::Migration),
            Box::new(m20261207_000012_reminders::Migration),
            Box::new(m20261208_000013_national_values::Migration),
            Box::new(m20261209_000014_agency_notes::Migration),
            Box::new(m20261210_000015_digests::Migration),
            Box::new(m20261211_000016_evaluation_figures::Migration),
            Box::new(m20261212_000017_login_failures::Migration),
            Box::new(m20261213_000018_appraisal_scale::Migration),
            Box::new(m20261214_000019_appraisals::Migration),
            Box::new(m20261215_000020_notifications::Migration),
        ]
    }
}
