//! At national size the main pages must not read the large tables whole: every statement the
//! tree page, the question panel, a save, an upload, the region's dashboard, charts and exports
//! send is explained by the database itself, and none may scan answers, indicators, their
//! history, documents or evaluations from end to end. PostgreSQL is asked with sequential scans,
//! hash and merge joins priced out, as a planner facing national tables would: a whole read it
//! still chooses means no index can serve. SQLite says it plainly (`SCAN` rather than `SEARCH`).

use std::sync::{Arc, Mutex};

use app::db::entities::contract;
use app::db::StatementObserver;
use app::demo::national::{generate, generated_email, Size, GENERATED_PASSWORD};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, QueryFilter, Statement, TransactionTrait,
};

use crate::administration::ADMIN_ARA;
use crate::closing::not_concerned;
use crate::documents::PDF;
use crate::helpers::{question_coded, spawn_app_with};

/// The tables that grow with the country and the years.
const LARGE_TABLES: [&str; 5] = ["answers", "indicators", "answer_history", "documents", "evaluations"];

#[tokio::test]
async fn the_main_pages_reach_the_large_tables_through_indexes() {
    let seen: Arc<Mutex<Vec<Statement>>> = Arc::default();
    let recorder = seen.clone();
    let app = spawn_app_with(move |config| {
        config.statement_observer = Some(StatementObserver(Arc::new(move |statement: &Statement| {
            recorder.lock().unwrap().push(statement.clone());
        })))
    })
    .await;
    let db = app.database().await;
    let hash = server::startup::password_hashing().hash(GENERATED_PASSWORD).await.unwrap();
    generate(&db, Size { entities: 60, years: 2, last_day: false, region: None }, &hash, |_| {}).await.unwrap();
    if db.get_database_backend() == DbBackend::Sqlite {
        db.execute_unprepared("ANALYZE").await.unwrap();
    }

    let seventh = contract::Entity::find().filter(contract::Column::Name.eq("CAQES GENERE 7")).one(&db).await;
    let seventh = seventh.unwrap().expect("entity 7's contract");
    let current = app::evaluation::years::server::current(&db, ecars_core::ids::ContractId(seventh.id)).await.unwrap();
    let question = question_coded(&db, current.id, "1.1.1.a").await;
    let user = app.login_as((&generated_email(7), GENERATED_PASSWORD)).await;
    let ara = app.login_as(ADMIN_ARA).await;
    seen.lock().unwrap().clear();

    // An establishment's last campaign day, then its agency following the region.
    let pages = [
        ecars_core::routes::indicators_href(seventh.id),
        ecars_core::routes::question_href(seventh.id, question.id),
        ecars_core::routes::contract_href(seventh.id),
    ];
    for page in &pages {
        let shown = user.get(page).await;
        assert_eq!(shown.status, 200, "{page}: {}", shown.body);
    }
    assert_eq!(not_concerned(&user, &question.id.to_string(), "0").await.status, 200);
    let uploaded =
        app.upload("question", &question.id.to_string(), "preuve.pdf", PDF.to_vec().into(), Some(&user.cookie)).await;
    assert!(uploaded.status < 400, "{}", uploaded.body);
    for page in ["/suivi", "/suivi/graphiques", "/api/suivi/export/csv", "/api/suivi/export/xlsx"] {
        let shown = ara.get(page).await;
        assert_eq!(shown.status, 200, "{page}: {}", shown.body);
    }

    let statements: Vec<Statement> = std::mem::take(&mut *seen.lock().unwrap());
    let reading_large: Vec<&Statement> = statements
        .iter()
        .filter(|statement| LARGE_TABLES.iter().any(|table| statement.sql.contains(&format!("\"{table}\""))))
        .filter(|statement| !statement.sql.trim_start().to_uppercase().starts_with("INSERT"))
        .collect();
    assert!(reading_large.len() >= 10, "the pages read the large tables: {}", reading_large.len());
    let mut whole_reads = Vec::new();
    for statement in reading_large {
        for scan in whole_table_reads(&db, statement).await {
            whole_reads.push(format!("{scan}\n    in: {}", statement.sql));
        }
    }
    assert!(whole_reads.is_empty(), "large tables read whole:\n{}", whole_reads.join("\n"));
}

/// The large tables `statement` reads from end to end, as the database plans it.
async fn whole_table_reads(db: &DatabaseConnection, statement: &Statement) -> Vec<String> {
    let backend = db.get_database_backend();
    let values = statement.values.clone().unwrap_or_else(|| sea_orm::Values(Vec::new()));
    match backend {
        DbBackend::Postgres => {
            let txn = db.begin().await.unwrap();
            // As if the tables were national: a join's other side too large to hash or merge whole.
            for setting in ["enable_seqscan", "enable_hashjoin", "enable_mergejoin"] {
                txn.execute_unprepared(&format!("SET LOCAL {setting} = off")).await.unwrap();
            }
            let explain = format!("EXPLAIN (FORMAT JSON) {}", statement.sql);
            let row = txn.query_one_raw(Statement::from_sql_and_values(backend, explain, values)).await.unwrap();
            txn.rollback().await.unwrap();
            let plan: serde_json::Value = row.unwrap().try_get("", "QUERY PLAN").unwrap();
            let mut scans = Vec::new();
            postgres_whole_reads(&plan[0]["Plan"], &mut scans);
            scans
        }
        _ => {
            let explain = format!("EXPLAIN QUERY PLAN {}", statement.sql);
            let rows = db.query_all_raw(Statement::from_sql_and_values(backend, explain, values)).await.unwrap();
            rows.iter()
                .filter_map(|row| row.try_get::<String>("", "detail").ok())
                .filter(|detail| {
                    LARGE_TABLES.iter().any(|table| {
                        detail.starts_with(&format!("SCAN {table}"))
                            || detail.contains(&format!("{table} USING AUTOMATIC"))
                    })
                })
                .collect()
        }
    }
}

/// Nodes of a PostgreSQL plan that read a large table whole: a sequential scan, or an index
/// walked from end to end without a condition.
fn postgres_whole_reads(node: &serde_json::Value, scans: &mut Vec<String>) {
    let relation = node["Relation Name"].as_str().unwrap_or_default();
    let kind = node["Node Type"].as_str().unwrap_or_default();
    if LARGE_TABLES.contains(&relation) {
        let whole = match kind {
            "Seq Scan" => true,
            "Index Scan" | "Index Only Scan" => node.get("Index Cond").is_none(),
            _ => false,
        };
        if whole {
            scans.push(format!("{kind} on {relation}"));
        }
    }
    for child in node["Plans"].as_array().into_iter().flatten() {
        postgres_whole_reads(child, scans);
    }
}
