//! Migration 10 (evaluations by year) on a database holding the previous schema's data: a closed
//! contract and an open one, with answers, history and a question document. Nothing is lost, each
//! contract gets the evaluation of its year, and the closed one keeps its closing and receipt;
//! later migrations count each evaluation's figures.

use app::contracts::Phase;
use app::db::entities::{answer, answer_history, closing, document, evaluation, indicator};
use chrono::{TimeZone, Utc};
use migrations::{Migrator, MigratorTrait};
use sea_orm::sea_query::{Query, SimpleExpr};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

use crate::helpers::test_database;

/// Migrations 1 to 9: the schema before evaluations by year.
const BEFORE_EVALUATIONS: u32 = 9;

async fn insert(db: &DatabaseConnection, table: &str, row: Vec<(&str, SimpleExpr)>) {
    let (columns, values): (Vec<&str>, Vec<SimpleExpr>) = row.into_iter().unzip();
    let mut statement = Query::insert();
    statement.into_table(table.to_owned()).columns(columns.iter().map(|column| column.to_string()));
    statement.values_panic(values);
    db.execute(&statement).await.unwrap_or_else(|error| panic!("{table}: {error}"));
}

fn value(value: impl Into<sea_orm::Value>) -> SimpleExpr {
    SimpleExpr::Value(value.into())
}

async fn previous_schema_data(db: &DatabaseConnection) {
    let closed_at = Utc.with_ymd_and_hms(2023, 6, 20, 14, 30, 0).unwrap();
    let day = chrono::NaiveDate::from_ymd_opt(2023, 5, 2).unwrap();
    insert(
        db,
        "legal_entities",
        vec![
            ("id", value(1)),
            ("finess", value("380780080")),
            ("name", value("CHU DE GRENOBLE ALPES")),
            ("address", value("BD DE LA CHANTOURNE")),
            ("phone", value("0476767575")),
            ("domain", value("Sanitaire")),
        ],
    )
    .await;
    insert(
        db,
        "users",
        vec![
            ("id", value(1)),
            ("email", value("chu-grenoble@exemple.fr")),
            ("password_hash", value("x")),
            ("role", value("establishment")),
            ("must_renew_password", value(false)),
            ("created_at", value(closed_at)),
        ],
    )
    .await;
    for (id, name, phase, closed) in
        [(1, "CAQES TEST", "consultation", true), (2, "CAQES OUVERT", "auto_evaluation", false)]
    {
        insert(
            db,
            "contracts",
            vec![
                ("id", value(id)),
                ("legal_entity_id", value(1)),
                ("kind", value("CAQES")),
                ("name", value(name)),
                ("code", value("PUBLIC")),
                ("status", value("Signé")),
                ("phase", value(phase)),
                ("agency_contact", value("Mourad ABED")),
                ("evaluation_year", value(2022)),
                ("created_on", value(day)),
                ("closed_at", value(closed.then_some(closed_at))),
                ("closed_by", value(closed.then_some(1))),
            ],
        )
        .await;
        // The same codes in both contracts: unique per tree, not across trees.
        let (objective, question) = (id * 10, id * 10 + 1);
        insert(
            db,
            "indicators",
            vec![
                ("id", value(objective)),
                ("contract_id", value(id)),
                ("node_kind", value("objective")),
                ("code", value("1.1")),
                ("label", value("Objectif")),
                ("position", value(1)),
                ("editable_by_establishment", value(true)),
            ],
        )
        .await;
        insert(
            db,
            "indicators",
            vec![
                ("id", value(question)),
                ("contract_id", value(id)),
                ("parent_id", value(objective)),
                ("node_kind", value("question")),
                ("code", value("1.1.1.a")),
                ("label", value("Taux d'ordonnances")),
                ("position", value(2)),
                ("year", value(2022)),
                ("value_kind", value("percentage")),
                ("editable_by_establishment", value(true)),
                ("previous_achieved", value("40")),
            ],
        )
        .await;
        insert(
            db,
            "answers",
            vec![
                ("question_id", value(question)),
                ("not_concerned", value(false)),
                ("achieved", value("55")),
                ("comment", value("Plan d'actions")),
                ("version", value(1)),
                ("updated_at", value(closed_at)),
                ("updated_by", value(1)),
            ],
        )
        .await;
        insert(
            db,
            "answer_history",
            vec![
                ("question_id", value(question)),
                ("version", value(1)),
                ("new_not_concerned", value(false)),
                ("new_achieved", value("55")),
                ("changed_by", value(1)),
                ("changed_at", value(closed_at)),
            ],
        )
        .await;
        insert(
            db,
            "documents",
            vec![
                ("question_id", value(question)),
                ("original_name", value("preuve.pdf")),
                ("stored_name", value(format!("stored-{id}"))),
                ("sha256", value("0".repeat(64))),
                ("size_bytes", value(1234_i64)),
                ("content_type", value("application/pdf")),
                ("evaluation_report", value(false)),
                ("created_at", value(closed_at)),
                ("created_by", value(1)),
            ],
        )
        .await;
    }
}

#[tokio::test]
async fn todays_contracts_become_evaluations_of_their_year_with_everything_kept() {
    let data_dir = tempfile::tempdir().unwrap();
    let url = test_database(data_dir.path()).await;
    let db = app::db::connect(url.as_str()).await.unwrap();
    Migrator::up(&db, Some(BEFORE_EVALUATIONS)).await.unwrap();
    previous_schema_data(&db).await;

    Migrator::up(&db, None).await.unwrap();

    let closed = app::evaluation::years::server::current(&db, ecars_core::ids::ContractId(1)).await.unwrap();
    let open = app::evaluation::years::server::current(&db, ecars_core::ids::ContractId(2)).await.unwrap();
    assert_eq!(
        (closed.year, closed.phase, open.year, open.phase),
        (2022, Phase::Consultation, 2022, Phase::AutoEvaluation)
    );
    let closings = closing::Entity::find().all(&db).await.unwrap();
    assert_eq!(closings.len(), 1, "only the closed contract was closed");
    assert_eq!(closings[0].evaluation_id, closed.id);
    assert_eq!(closings[0].closed_at, Utc.with_ymd_and_hms(2023, 6, 20, 14, 30, 0).unwrap());
    assert_eq!(closings[0].closed_by, Some(1));
    for (evaluation, question) in [(&closed, 11), (&open, 21)] {
        let nodes =
            indicator::Entity::find().filter(indicator::Column::EvaluationId.eq(evaluation.id)).all(&db).await.unwrap();
        assert_eq!(nodes.iter().map(|node| node.id).collect::<Vec<_>>(), [question - 1, question]);
        let kept =
            answer::Entity::find().filter(answer::Column::QuestionId.eq(question)).one(&db).await.unwrap().unwrap();
        assert_eq!((kept.achieved.as_deref(), kept.comment.as_deref()), (Some("55"), Some("Plan d'actions")));
    }
    // Migration 16 counted each evaluation's figures once, as the saves keep them since.
    for evaluation in [&closed, &open] {
        let figures = (evaluation.required_questions, evaluation.answered_questions, evaluation.question_documents);
        assert_eq!(figures, (1, 1, 1), "{evaluation:?}");
        assert!(evaluation.latest_answer_at.is_some(), "{evaluation:?}");
    }
    assert_eq!(answer_history::Entity::find().count(&db).await.unwrap(), 2);
    assert_eq!(
        document::Entity::find().filter(document::Column::QuestionId.is_not_null()).count(&db).await.unwrap(),
        2
    );

    // The receipt of the migrated closing is the one its answers make.
    let receipt = app::evaluation::closing::server::receipt_as_closed(&db, &closings[0]).await.unwrap();
    assert_eq!(
        (receipt.closed_by.as_str(), receipt.percentage, receipt.contract.year),
        ("chu-grenoble@exemple.fr", 100, 2022)
    );
    assert_eq!(receipt.answers[0].achieved, "55");

    // And back: the contract holds its phase and closing again, then forward once more.
    let since = Migrator::migrations().len() as u32 - BEFORE_EVALUATIONS;
    Migrator::down(&db, Some(since)).await.unwrap();
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT phase, evaluation_year FROM contracts WHERE id = 1",
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.try_get::<String>("", "phase").unwrap(), "consultation");
    assert_eq!(row.try_get::<i32>("", "evaluation_year").unwrap(), 2022);
    Migrator::up(&db, None).await.unwrap();
    assert_eq!(evaluation::Entity::find().count(&db).await.unwrap(), 2);
    assert_eq!(closing::Entity::find().count(&db).await.unwrap(), 1);
}
