//! Database access shared by the services: connection with the right settings, and entities.

pub mod entities;

use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DatabaseTransaction, DbErr, SqliteTransactionMode,
    TransactionOptions, TransactionTrait,
};

/// Opens the database. SQLite gets WAL, `synchronous=FULL` (an acknowledged save survives a
/// power cut), foreign keys and a busy timeout on every pooled connection; sqlx leaves them unset.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url.to_owned());
    options.sqlx_logging(false).connect_timeout(Duration::from_secs(5)).acquire_timeout(Duration::from_secs(10));
    if url.starts_with("sqlite:") {
        options.max_connections(4).map_sqlx_sqlite_opts(|opts| {
            opts.create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5))
        });
    } else {
        options.max_connections(16);
    }
    Database::connect(options).await
}

/// A statement that runs longer than this is logged (its SQL only: the values may be personal data).
const SLOW_STATEMENT: Duration = Duration::from_millis(500);

/// Something told of every statement the portal sends, with its values (the tests read their
/// query plans through it).
#[derive(Clone)]
pub struct StatementObserver(pub std::sync::Arc<dyn Fn(&sea_orm::Statement) + Send + Sync>);

impl std::fmt::Debug for StatementObserver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StatementObserver")
    }
}

/// Tells `timing` how long every statement took and whether it failed (for `/metrics`), logs the
/// slow ones, and tells `observer`.
pub fn watch_statements(db: &mut DatabaseConnection, timing: fn(Duration, bool), observer: Option<StatementObserver>) {
    db.set_metric_callback(move |info| {
        timing(info.elapsed, info.failed);
        if info.elapsed >= SLOW_STATEMENT {
            let elapsed_ms = u64::try_from(info.elapsed.as_millis()).unwrap_or(u64::MAX);
            tracing::warn!(elapsed_ms, failed = info.failed, sql = %info.statement.sql, "slow database statement");
        }
        if let Some(observer) = &observer {
            (observer.0)(info.statement);
        }
    });
}

/// Starts a transaction that will write. SQLite then takes the write lock at once (`BEGIN
/// IMMEDIATE`), waiting for it under the busy timeout: a transaction that reads first and then
/// writes would otherwise fail at once with "database is locked" when another writer came in
/// between. PostgreSQL starts an ordinary transaction.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    let options =
        TransactionOptions { sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate), ..Default::default() };
    db.begin_with_options(options).await
}

/// `column + 1`, computed by the database so that concurrent updates all count.
pub fn plus_one(column: impl sea_orm::sea_query::IntoColumnRef) -> sea_orm::sea_query::Expr {
    sea_orm::sea_query::ExprTrait::add(sea_orm::sea_query::Expr::col(column), 1)
}

pub use ecars_core::time::{
    agency_date, agency_midnight, agency_time_zone, agency_today, french_date, french_date_time, parse_time_zone,
    TimeZone, DEFAULT_TIME_ZONE,
};

/// Sets the agencies' time zone, once, at start: a process serves one set of agencies (another
/// application started in the same process, as in tests, keeps the first one's).
pub fn set_agency_time_zone(time_zone: TimeZone) {
    if let Err(kept) = ecars_core::time::set_agency_time_zone(time_zone) {
        tracing::warn!(%kept, ignored = %time_zone, "the time zone is set once per process");
    }
}

/// Service tests: an in-memory SQLite database with the real schema and the demo data.
#[cfg(test)]
pub mod testing {
    use migrations::{Migrator, MigratorTrait};
    use sea_orm::{ColumnTrait, ConnectOptions, Database, DatabaseConnection, EntityTrait, QueryFilter};

    use crate::accounts::access::Viewer;
    use crate::accounts::directory::{find_user, viewer_of_user};
    use crate::accounts::secrets::PasswordHashing;
    use crate::db::entities::contract;

    pub async fn demo_database() -> DatabaseConnection {
        // One connection: each connection to `:memory:` is a database of its own.
        let mut options = ConnectOptions::new("sqlite::memory:");
        options.max_connections(1).min_connections(1).sqlx_logging(false);
        let db = Database::connect(options).await.expect("in-memory SQLite");
        Migrator::up(&db, None).await.expect("migrations");
        crate::demo::load(&db, &PasswordHashing::new(2)).await.expect("demo data");
        db
    }

    /// The viewer of a demo account, as the session middleware makes it.
    pub async fn viewer(db: &DatabaseConnection, email: &str) -> Viewer {
        let user = find_user(db, email).await.unwrap().unwrap_or_else(|| panic!("no account {email}"));
        viewer_of_user(db, user, 0, chrono::Utc::now()).await.unwrap()
    }

    /// The indicators of contract `contract_id`'s current evaluation.
    pub async fn current_indicators(
        db: &DatabaseConnection,
        contract_id: i32,
    ) -> sea_orm::Select<crate::db::entities::indicator::Entity> {
        use crate::db::entities::indicator;
        let evaluation =
            crate::evaluation::years::server::current(db, ecars_core::ids::ContractId(contract_id)).await.unwrap();
        indicator::Entity::find().filter(indicator::Column::EvaluationId.eq(evaluation.id))
    }

    pub async fn contract_named(db: &DatabaseConnection, name: &str) -> contract::Model {
        contract::Entity::find().filter(contract::Column::Name.eq(name)).one(db).await.unwrap().unwrap()
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::{ConnectionTrait, Statement};

    async fn pragma(db: &sea_orm::DatabaseConnection, name: &str) -> String {
        let row = db
            .query_one_raw(Statement::from_string(db.get_database_backend(), format!("PRAGMA {name}")))
            .await
            .unwrap()
            .unwrap();
        row.try_get_by_index::<i64>(0).map(|v| v.to_string()).or_else(|_| row.try_get_by_index::<String>(0)).unwrap()
    }

    #[tokio::test]
    async fn sqlite_is_durable_and_checks_foreign_keys() {
        let path = std::env::temp_dir().join(format!("ecars-pragma-{}.db", std::process::id()));
        let db = super::connect(&format!("sqlite://{}?mode=rwc", path.display())).await.unwrap();
        assert_eq!(pragma(&db, "journal_mode").await, "wal");
        assert_eq!(pragma(&db, "synchronous").await, "2", "2 is FULL");
        assert_eq!(pragma(&db, "foreign_keys").await, "1");
        drop(db);
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
}
