//! Database schema of e-CARS, applied at start and by `ecars migrate`.
//!
//! Tables are named in English after the glossary of `DOMAIN.md`; every migration
//! runs unchanged on SQLite (the embedded default) and PostgreSQL.

pub use sea_orm_migration::prelude::*;

mod m20261124_000001_initial_schema;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(m20261124_000001_initial_schema::Migration)]
    }
}
