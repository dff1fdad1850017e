//! National-size data: `ecars demo generate` writes entities, accounts, contracts and years of
//! evaluations in bulk, which the portal then serves and writes to like any other.

use std::sync::Arc;

use app::db::entities::{answer, contract, evaluation, indicator, legal_entity};
use app::demo::national::{generated_email, GENERATED_PASSWORD};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use crate::closing::not_concerned;
use crate::helpers::{question_coded, test_database, ServerProcess};

/// Per entity and year: 500 questions, 55 of them national (every ninth, never answered by the
/// establishment); a closed year has the 445 others answered, the open year the even ones (223).
const ANSWERED_CLOSED_YEAR: u64 = 445;
const ANSWERED_OPEN_YEAR: u64 = 223;

#[tokio::test]
async fn generated_entities_log_in_see_their_half_answered_year_and_save_into_it() {
    let data_dir = Arc::new(tempfile::tempdir().unwrap());
    let database = test_database(data_dir.path()).await;
    let generate = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_ecars"))
            .args(["demo", "generate", "--entities", "12", "--years", "3"])
            .env("DATABASE_URL", database.as_str())
            .env("ECARS_DATA_DIR", data_dir.path())
            .env("RUST_LOG", "warn")
            .output()
            .unwrap()
    };
    let output = generate();
    let said = String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{said}");
    let answers = 12 * (2 * ANSWERED_CLOSED_YEAR + ANSWERED_OPEN_YEAR);
    assert!(said.contains(&format!("generated: 12 entities, 36 evaluations, {answers} answers")), "{said}");
    assert!(said.contains("(20160 tree nodes)"), "560 nodes per evaluation: {said}");
    let again = generate();
    assert!(!again.status.success(), "generated twice");
    assert!(String::from_utf8_lossy(&again.stderr).contains("already there"));

    let db = app::db::connect(database.as_str()).await.unwrap();
    let generated = legal_entity::Entity::find().filter(legal_entity::Column::Finess.starts_with("80"));
    assert_eq!(generated.clone().count(&db).await.unwrap(), 12);
    let agencies: std::collections::HashSet<Option<i32>> =
        generated.all(&db).await.unwrap().into_iter().map(|entity| entity.agency_id).collect();
    assert!(agencies.len() > 1 && !agencies.contains(&None), "spread over the agencies: {agencies:?}");
    let seventh = contract::Entity::find().filter(contract::Column::Name.eq("CAQES GENERE 7")).one(&db).await;
    let seventh = seventh.unwrap().expect("entity 7's contract");
    let years = evaluation::Entity::find().filter(evaluation::Column::ContractId.eq(seventh.id));
    let years = years.order_by_asc(evaluation::Column::Year).all(&db).await.unwrap();
    assert_eq!(years.len(), 3);
    let current = years.last().unwrap();
    let answered = |evaluation_id: i32| {
        let questions = sea_orm::sea_query::Query::select()
            .column(indicator::Column::Id)
            .from(indicator::Entity)
            .and_where(indicator::Column::EvaluationId.eq(evaluation_id))
            .to_owned();
        answer::Entity::find().filter(answer::Column::QuestionId.in_subquery(questions)).count(&db)
    };
    assert_eq!(answered(years[0].id).await.unwrap(), ANSWERED_CLOSED_YEAR);
    assert_eq!(answered(current.id).await.unwrap(), ANSWERED_OPEN_YEAR);

    // The portal serves them: the account logs in, its contract shows half the year answered,
    // and a save writes new rows after the generated ones (PostgreSQL's sequences moved on).
    let server = ServerProcess::start(data_dir.clone(), &database).await;
    let user = server.app.login_as((&generated_email(7), GENERATED_PASSWORD)).await;
    let page = user.get(&format!("/contrats/{}", seventh.id)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    page.assert_shows(&["CAQES GENERE 7", "50 %"]);
    let first = question_coded(&db, current.id, "1.1.1.a").await;
    let saved = not_concerned(&user, &first.id.to_string(), "0").await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_eq!(answered(current.id).await.unwrap(), ANSWERED_OPEN_YEAR + 1);
    // The figures the follow-up reads were kept by the save, as the generator wrote them.
    let kept = evaluation::Entity::find_by_id(current.id).one(&db).await.unwrap().unwrap();
    assert_eq!(kept.answered_questions as u64, ANSWERED_OPEN_YEAR + 1);
    assert_eq!(kept.required_questions as u64, ANSWERED_CLOSED_YEAR);
    assert!(kept.latest_answer_at > current.latest_answer_at, "{kept:?}");
    assert_eq!(years[0].answered_questions as u64, ANSWERED_CLOSED_YEAR);
    let other = server.app.login_as((&generated_email(8), GENERATED_PASSWORD)).await;
    other.get_not_found(&format!("/contrats/{}", seventh.id)).await; // each sees its own only
}
