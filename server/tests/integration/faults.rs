//! Faults: the real `ecars` process killed (SIGKILL) in the middle of a save, a closing and a
//! report declaration, then restarted: the change is there whole or not at all, the database is
//! intact, and the change's mail is delivered exactly once. And a database that stops answering
//! for a few seconds: clear 503 pages, nothing half-written, recovery without a restart.

use app::documents::api::DeclareEvaluationReport;
use app::evaluation::api::SaveAnswer;
use std::sync::Arc;
use std::time::Duration;

use app::contracts::Phase;
use app::db::entities::outbox_message::{self, DeliveryStatus};
use app::db::entities::{answer, answer_history, document, establishment};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Statement};

use crate::closing::{close, director, not_concerned, own_questions, save_contact, DIRECTOR};
use crate::helpers::{caqes_test, caqes_test_evaluation, test_database, ServerProcess, TcpLink, TestApp, Visitor, CHU};

/// Delays between sending the request and the kill: before, during and after the change.
const KILL_AFTER_MS: [u64; 4] = [1, 4, 12, 60];

/// Sends `request` and kills the server `delay` later, whatever it was doing.
async fn kill_during<F>(server: &mut ServerProcess, delay: Duration, request: F)
where
    F: std::future::Future + Send + 'static,
    F::Output: Send,
{
    let sent = tokio::spawn(request);
    tokio::time::sleep(delay).await;
    server.kill();
    let _ = sent.await;
}

async fn integrity_is_ok(app: &TestApp) {
    if !app.config.database.is_sqlite() {
        return;
    }
    let db = app.database().await;
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), "PRAGMA integrity_check"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.try_get_by_index::<String>(0).unwrap(), "ok");
}

/// The outbox rows of `kind`; once the restarted worker is done, each is sent and delivered once.
async fn delivered_once(app: &TestApp, kind: &str) -> Vec<outbox_message::Model> {
    let files = app.outbox().await;
    let rows = outbox_message::Entity::find()
        .filter(outbox_message::Column::Kind.eq(kind))
        .all(&app.database().await)
        .await
        .unwrap();
    for row in &rows {
        assert_eq!(row.status, DeliveryStatus::Sent, "{row:?}");
        let copies =
            files.iter().filter(|message| message.contains(&format!("Message-ID: <outbox-{}@", row.id))).count();
        assert_eq!(copies, 1, "message {} delivered once", row.id);
    }
    rows
}

async fn start(data_dir: &Arc<tempfile::TempDir>, database: &server::config::DatabaseUrl) -> ServerProcess {
    ServerProcess::start(data_dir.clone(), database).await
}

#[tokio::test]
async fn a_save_killed_midway_is_there_whole_or_not_at_all() {
    let data_dir = Arc::new(tempfile::tempdir().unwrap());
    let database = test_database(data_dir.path()).await;
    let mut server = start(&data_dir, &database).await;
    let question = own_questions(&server.app).await[0].clone();
    let question_id: i32 = question.parse().unwrap();
    for (trial, delay) in KILL_AFTER_MS.into_iter().enumerate() {
        let app = server.app.clone();
        let db = app.database().await;
        let version = answer::Entity::find()
            .filter(answer::Column::QuestionId.eq(question_id))
            .one(&db)
            .await
            .unwrap()
            .map_or(0, |answer| answer.version);
        let chu = app.login_as(CHU).await;
        let comment = format!("Essai {trial}");
        let form = [
            ("question_id", question.clone()),
            ("version", version.to_string()),
            ("not_concerned", "on".to_owned()),
            ("achieved", String::new()),
            ("comment", comment.clone()),
        ];
        kill_during(&mut server, Duration::from_millis(delay), async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(name, value)| (*name, value.as_str())).collect();
            chu.call_fn::<SaveAnswer>(&form).await
        })
        .await;
        server = start(&data_dir, &database).await;
        let db = server.app.database().await;
        let stored = answer::Entity::find().filter(answer::Column::QuestionId.eq(question_id)).one(&db).await.unwrap();
        let history = answer_history::Entity::find()
            .filter(answer_history::Column::QuestionId.eq(question_id))
            .filter(answer_history::Column::Version.eq(version + 1))
            .all(&db)
            .await
            .unwrap();
        match stored.filter(|answer| answer.version == version + 1) {
            Some(saved) => {
                assert_eq!(saved.comment.as_deref(), Some(comment.as_str()), "the whole answer");
                assert_eq!(history.len(), 1, "with its history row");
            }
            None => assert!(history.is_empty(), "no history without the answer (kill after {delay} ms)"),
        }
        integrity_is_ok(&server.app).await;
    }
}

/// A fresh CAQES TEST ready to close: every own question answered, DIRECTEUR updated.
async fn closable(data_dir: &Arc<tempfile::TempDir>, database: &server::config::DatabaseUrl) -> ServerProcess {
    let server = start(data_dir, database).await;
    let chu = server.app.login_as(CHU).await;
    for question in own_questions(&server.app).await {
        assert_eq!(not_concerned(&chu, &question, "0").await.status, 200);
    }
    assert_eq!(save_contact(&chu, &director(&server.app).await, DIRECTOR).await.status, 200);
    server
}

#[tokio::test]
async fn a_closing_killed_midway_is_there_whole_with_its_receipts_or_not_at_all() {
    for delay in [2, 8, 30] {
        let data_dir = Arc::new(tempfile::tempdir().unwrap());
        let database = test_database(data_dir.path()).await;
        let mut server = closable(&data_dir, &database).await;
        let app = server.app.clone();
        let contract = caqes_test(&app).await.id;
        let chu = app.login_as(CHU).await;
        kill_during(&mut server, Duration::from_millis(delay), async move { close(&chu, contract).await }).await;

        let restarted = start(&data_dir, &database).await;
        let stored = caqes_test_evaluation(&restarted.app).await;
        let receipts = delivered_once(&restarted.app, "accuse_de_cloture").await;
        match stored.phase {
            Phase::Consultation => {
                assert!(stored.closed_at.is_some() && stored.closed_by.is_some(), "{stored:?}");
                let mut to: Vec<_> = receipts.iter().map(|row| row.recipient.as_str()).collect();
                to.sort();
                assert_eq!(to, ["chu-grenoble@exemple.fr", "referent@ars.exemple.fr"], "one receipt each");
            }
            Phase::AutoEvaluation => {
                assert!(stored.closed_at.is_none(), "{stored:?}");
                assert!(receipts.is_empty(), "no receipt without the closing (kill after {delay} ms)");
            }
            other => panic!("closing never leads to {other:?}"),
        }
        integrity_is_ok(&restarted.app).await;
    }
}

#[tokio::test]
async fn a_report_declaration_killed_midway_is_there_whole_with_its_notices_or_not_at_all() {
    let data_dir = Arc::new(tempfile::tempdir().unwrap());
    let database = test_database(data_dir.path()).await;
    let mut server = start(&data_dir, &database).await;
    let establishment_id = {
        let contract = caqes_test(&server.app).await;
        establishment::Entity::find()
            .filter(establishment::Column::LegalEntityId.eq(contract.legal_entity_id))
            .one(&server.app.database().await)
            .await
            .unwrap()
            .unwrap()
            .id
            .to_string()
    };
    let mut notices = 0;
    for (trial, delay) in KILL_AFTER_MS.into_iter().enumerate() {
        let app = server.app.clone();
        let chu = app.login_as(CHU).await;
        let pdf = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n".to_vec();
        let name = format!("Rapport {trial}.pdf");
        let uploaded = app.upload("etablissement", &establishment_id, &name, pdf.into(), Some(&chu.cookie)).await;
        assert_eq!(uploaded.status, 201, "{}", uploaded.body);
        let row: app::documents::DocumentRow = serde_json::from_str(&uploaded.body).unwrap();
        let visitor = Visitor { app: app.clone(), cookie: chu.cookie.clone() };
        kill_during(&mut server, Duration::from_millis(delay), async move {
            visitor.call_fn::<DeclareEvaluationReport>(&[("document_id", &row.id.to_string())]).await
        })
        .await;

        server = start(&data_dir, &database).await;
        let stored = document::Entity::find_by_id(row.id).one(&server.app.database().await).await.unwrap().unwrap();
        let sent = delivered_once(&server.app, "rapport_evaluation").await;
        let new_notices = sent.len() - notices;
        notices = sent.len();
        if stored.evaluation_report {
            assert_eq!(
                stored.report_notified_to.as_deref(),
                Some("referent@ars.exemple.fr, qualite@ars.exemple.fr"),
                "{stored:?}"
            );
            assert_eq!(new_notices, 2, "one notice to the referent, one to the quality department");
        } else {
            assert!(stored.report_notified_at.is_none(), "{stored:?}");
            assert_eq!(new_notices, 0, "no notice without the declaration (kill after {delay} ms)");
        }
        integrity_is_ok(&server.app).await;
    }
}

#[tokio::test]
async fn a_database_that_goes_away_gives_clear_503_pages_then_the_portal_recovers_alone() {
    if std::env::var("ECARS_TEST_DATABASE").as_deref() != Ok("postgres") {
        return; // a TCP link to cut: the PostgreSQL run of the suite
    }
    let data_dir = tempfile::tempdir().unwrap();
    let direct = test_database(data_dir.path()).await;
    let url = url::Url::parse(direct.as_str()).unwrap();
    let upstream = format!("{}:{}", url.host_str().unwrap(), url.port().unwrap_or(5432));
    let link = TcpLink::start(tokio::net::lookup_host(upstream).await.unwrap().next().unwrap()).await;
    let mut proxied = url.clone();
    proxied.set_port(Some(link.port)).unwrap();
    let database = server::config::DatabaseUrl::parse(proxied.as_str()).unwrap();
    let app = crate::helpers::spawn_app_with(|config| config.database = database).await;
    let chu = app.login_as(CHU).await;
    let question = own_questions(&app).await[0].clone();
    let home = chu.get("/").await;
    home.assert_shows(&["Gestion des Contrats"]);

    link.set_up(false);
    let page = app.request(reqwest::Method::GET, "/", None, Some(&chu.cookie), &[("accept", "text/html")]).await;
    page.assert_refused(503, &["Service momentanément indisponible", "Réessayez dans quelques instants"]);
    assert!(page.body.contains("<html"), "a page, not a bare message: {}", page.body);
    // The proxy's probes: alive, not ready, the database named.
    assert_eq!(app.get("/sante/vivant").await.status, 200);
    let ready = app.get("/sante/pret").await;
    assert_eq!(ready.status, 503, "{}", ready.body);
    assert_eq!(ready.body, r#"{"statut":"indisponible","base_de_donnees":"indisponible","documents":"ok"}"#);
    let save = not_concerned(&chu, &question, "0").await;
    assert_eq!(save.status, 503, "{}", save.body);
    let error: app::AppError = serde_json::from_str(&save.body).expect("the shared error type");
    assert_eq!(error, app::AppError::Unavailable);

    tokio::time::sleep(Duration::from_secs(3)).await;
    link.set_up(true);
    let started = std::time::Instant::now();
    loop {
        let page = chu.get("/").await;
        if page.status == 200 {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "not recovered: {} {}", page.status, page.body);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(app.get("/sante/pret").await.status, 200, "ready again");
    // Nothing of the refused save was written; the same save now goes through.
    let db = app::db::connect(direct.as_str()).await.unwrap();
    let written = answer_history::Entity::find()
        .filter(answer_history::Column::QuestionId.eq(question.parse::<i32>().unwrap()))
        .all(&db)
        .await
        .unwrap();
    assert!(written.is_empty(), "{written:?}");
    assert_eq!(not_concerned(&chu, &question, "0").await.status, 200);
}
