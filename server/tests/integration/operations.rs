//! What the reverse proxy and the supervisors ask of an instance: `/sante/vivant` and
//! `/sante/pret`. The database going away is in `faults.rs` (a PostgreSQL link to cut).

use std::sync::Arc;
use std::time::Duration;

use crate::helpers::{spawn_app, spawn_app_with, test_database, S3Server, ServerProcess, TcpLink, CHU};

#[tokio::test]
async fn alive_and_ready_answer_anyone_without_a_session_and_say_nothing_else() {
    let app = spawn_app().await;
    let alive = app.get("/sante/vivant").await;
    assert_eq!(alive.status, 200, "not sent to the login page: {}", alive.body);
    assert_eq!(alive.body, r#"{"statut":"vivant"}"#);
    let ready = app.get("/sante/pret").await;
    assert_eq!(ready.status, 200, "{}", ready.body);
    assert_eq!(ready.body, r#"{"statut":"pret","base_de_donnees":"ok","documents":"ok"}"#);
    let head = app.get_raw("/sante/pret", None).await;
    assert_eq!(head.headers()["cache-control"], "no-store", "a proxy must ask again each time");
    // Only reading: a post is refused (no route for it), without a session or a token.
    let posted = app.request(reqwest::Method::POST, "/sante/pret", Some(&[("a", "b")]), None, &[]).await;
    assert_eq!(posted.status, 405, "{}", posted.body);
}

#[tokio::test]
async fn an_instance_whose_document_store_stops_answering_is_not_ready_until_it_answers_again() {
    let s3 = S3Server::shared();
    let link = TcpLink::start(([127, 0, 0, 1], s3.port()).into()).await;
    let mut settings = s3.fresh_bucket().await;
    settings.endpoint = Some(format!("http://127.0.0.1:{}", link.port));
    let app = spawn_app_with(|config| config.documents_s3 = Some(settings)).await;
    assert_eq!(app.get("/sante/pret").await.status, 200);

    link.set_up(false);
    let ready = app.get("/sante/pret").await;
    assert_eq!(ready.status, 503, "{}", ready.body);
    assert_eq!(ready.body, r#"{"statut":"indisponible","base_de_donnees":"ok","documents":"indisponible"}"#);
    assert_eq!(app.get("/sante/vivant").await.status, 200, "alive all the same: no restart needed");

    link.set_up(true);
    let started = std::time::Instant::now();
    while app.get("/sante/pret").await.status != 200 {
        assert!(started.elapsed() < Duration::from_secs(30), "still not ready once the store answers");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn with_ecars_log_format_json_every_log_line_is_a_json_object() {
    let data_dir = Arc::new(tempfile::tempdir().unwrap());
    let database = test_database(data_dir.path()).await;
    let log = data_dir.path().join("ecars.log");
    let settings = [("ECARS_LOG_FORMAT", "json")];
    let server = ServerProcess::launch(data_dir.clone(), &database, "info", Some(&log), &settings).await;
    server.app.login_as(CHU).await;
    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|error| panic!("not a JSON object ({error}): {line}")))
        .collect();
    let listening =
        lines.iter().find(|line| line["message"].as_str().is_some_and(|m| m.starts_with("e-CARS listening")));
    let listening = listening.unwrap_or_else(|| panic!("no start line in {text}"));
    assert_eq!(listening["level"], "INFO");
    assert!(listening["timestamp"].is_string());
    // An event's fields are beside its message, as a collector indexes them.
    let login = lines.iter().find(|line| line["target"] == "security" && line["event"] == "login");
    let login = login.unwrap_or_else(|| panic!("no login event in {text}"));
    assert_eq!(login["account"], CHU.0);
}
