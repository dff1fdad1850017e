//! What the reverse proxy and the supervisors ask of an instance: `/sante/vivant` and
//! `/sante/pret`, and Prometheus `/metrics`. The database going away is in `faults.rs` (a
//! PostgreSQL link to cut).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use server::config::DatabaseUrl;

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

/// The id of the request that answered: 16 hexadecimal digits of ours.
fn request_id(page: &crate::helpers::Page) -> String {
    let id = page.headers.get("x-request-id").and_then(|value| value.to_str().ok()).unwrap_or_default();
    assert!(id.len() == 16 && id.chars().all(|c| c.is_ascii_hexdigit()), "not a request id of ours: {id:?}");
    id.to_owned()
}

/// A user who meets an error quotes its reference to the support, who finds the request's log
/// lines by it: every answer names its request, with an id the client cannot choose.
#[tokio::test]
async fn every_answer_names_its_request_and_the_error_page_shows_the_reference() {
    let app = spawn_app().await;
    let first = request_id(&app.get("/sante/vivant").await);
    let second = request_id(&app.get("/sante/vivant").await);
    assert_ne!(first, second);
    let forged =
        app.request(reqwest::Method::GET, "/sante/vivant", None, None, &[("x-request-id", "1111222233334444")]).await;
    assert_ne!(request_id(&forged), "1111222233334444", "an id the client sent is replaced");

    let chu = app.login_as(CHU).await;
    let missing = chu.get(&ecars_core::routes::contract_href(999_999)).await;
    let reference = request_id(&missing);
    missing.assert_refused(
        404,
        &["Page introuvable", "Référence de la demande, à donner au support", &format!("<code>{reference}</code>")],
    );
    // A server function's refusal names its request too.
    let refused = chu.call_fn::<app::contracts::api::GetContract>(&[("id", "999999")]).await;
    assert_eq!(refused.error(404), app::AppError::NotFound);
    assert_ne!(request_id(&refused), reference);
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

const METRICS_TOKEN: &str = "jeton-de-prometheus-pour-les-tests-0123456789";

async fn metrics(app: &crate::helpers::TestApp, authorization: Option<&str>) -> crate::helpers::Page {
    let headers: Vec<(&str, &str)> = authorization.map(|value| ("authorization", value)).into_iter().collect();
    app.request(reqwest::Method::GET, "/metrics", None, None, &headers).await
}

#[tokio::test]
async fn metrics_exist_only_with_a_token_configured_and_only_for_whoever_presents_it() {
    let without = spawn_app().await;
    // A bare 404, not the router's fallback (an HTML "Page introuvable").
    for authorization in [None, Some(format!("Bearer {METRICS_TOKEN}"))] {
        let refused = metrics(&without, authorization.as_deref()).await;
        assert_eq!((refused.status, refused.body.as_str()), (404, ""), "{authorization:?}");
    }

    let app = spawn_app_with(|config| {
        config.metrics_token = app::operations::metrics::MetricsToken::parse(METRICS_TOKEN);
    })
    .await;
    let anonymous = metrics(&app, None).await;
    assert_eq!(anonymous.status, 401, "not the login page: {}", anonymous.body);
    assert_eq!(anonymous.headers["www-authenticate"], "Bearer");
    assert!(!anonymous.body.contains("ecars_"), "{}", anonymous.body);
    let wrong = metrics(&app, Some("Bearer jeton-de-prometheus-pour-les-tests-012345678")).await;
    assert_eq!((wrong.status, wrong.headers["www-authenticate"].to_str().unwrap()), (401, "Bearer"));
    // A session is no token: even the national administrator does not read them.
    let admin = app.login_as(crate::helpers::ADMIN).await;
    let session = admin.get("/metrics").await;
    assert_eq!((session.status, session.headers["www-authenticate"].to_str().unwrap()), (401, "Bearer"));
}

#[tokio::test]
async fn metrics_count_requests_by_route_pattern_and_report_the_outbox_and_the_pool() {
    let app = spawn_app_with(|config| {
        config.metrics_token = app::operations::metrics::MetricsToken::parse(METRICS_TOKEN);
    })
    .await;
    assert_eq!(app.get("/sante/vivant").await.status, 200);
    assert_eq!(app.get("/api/documents/987654321").await.status / 100, 4);
    assert_eq!(app.get("/pkg/inconnu-8d1f3.js").await.status, 404);

    let scraped = metrics(&app, Some(&format!("Bearer {METRICS_TOKEN}"))).await;
    assert_eq!(scraped.status, 200, "{}", scraped.body);
    assert!(scraped.headers["content-type"].to_str().unwrap().starts_with("text/plain; version=0.0.4"));
    let text = scraped.body;
    let line = |prefix: &str, labels: &[&str]| {
        text.lines()
            .find(|line| line.starts_with(prefix) && labels.iter().all(|label| line.contains(label)))
            .unwrap_or_else(|| panic!("no {prefix} with {labels:?} in:\n{text}"))
            .to_owned()
    };
    let alive = line("ecars_http_requests_total{", &[r#"route="/sante/vivant""#, r#"method="GET""#, r#"status="200""#]);
    let count: f64 = alive.rsplit(' ').next().unwrap().parse().unwrap();
    assert!(count >= 1.0, "{alive}");
    // A route with a parameter counts under its pattern, never under the address asked for.
    line("ecars_http_requests_total{", &[r#"route="/api/documents/{id}""#]);
    assert!(!text.contains("987654321") && !text.contains("8d1f3"), "addresses must not become labels:\n{text}");
    line("ecars_http_requests_total{", &[r#"route="(fichier ou adresse inconnue)""#]);
    line("ecars_http_request_duration_seconds_bucket{", &[r#"route="/sante/vivant""#, r#"le="0.005""#]);
    line("ecars_http_request_duration_seconds_count{", &[r#"route="/sante/vivant""#]);
    line("ecars_outbox_pending_messages ", &[]);
    line("ecars_outbox_failed_messages ", &[]);
    let pool = line("ecars_database_pool_connections ", &[]);
    assert!(pool.rsplit(' ').next().unwrap().parse::<f64>().unwrap() >= 1.0, "{pool}");
    assert!(text.contains("# HELP ecars_outbox_pending_messages"), "described for whoever reads them");
}

/// `ecars <arguments>` on `database` and `data_dir`, to its end.
fn ecars(arguments: &[&str], database: &DatabaseUrl, data_dir: &Path) -> (bool, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_ecars"))
        .args(arguments)
        .env("DATABASE_URL", database.as_str())
        .env("ECARS_DATA_DIR", data_dir)
        .env("RUST_LOG", "warn")
        .env("NO_COLOR", "1")
        .output()
        .expect("ecars runs");
    let said = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output.status.success(), said)
}

#[tokio::test]
async fn a_backup_taken_while_the_portal_serves_restores_accounts_and_documents_and_refuses_altered_ones() {
    const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n";
    let app = spawn_app().await;
    let chu = app.login_as(CHU).await;
    let question = crate::documents::question_id(&app, "1.1.1.a").await.to_string();
    let uploaded = app.upload("question", &question, "Preuve.pdf", PDF.to_vec().into(), Some(&chu.cookie)).await;
    assert_eq!(uploaded.status, 201, "{}", uploaded.body);
    let id = serde_json::from_str::<serde_json::Value>(&uploaded.body).unwrap()["id"].to_string();

    let backups = tempfile::tempdir().unwrap();
    let dir = backups.path().join("sauvegarde");
    let dir_text = dir.to_str().unwrap();
    let (saved, said) = ecars(&["backup", dir_text], &app.config.database, &app.config.data_dir);
    assert!(saved, "{said}");
    assert!(said.contains("1 document(s)"), "{said}");
    let sqlite = app.config.database.is_sqlite();
    assert_eq!(dir.join("ecars.db").is_file(), sqlite, "PostgreSQL's database is pg_dump's: {said}");
    // The owner's only, whatever the umask it was run with.
    let mode = |path: std::path::PathBuf| {
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(path).unwrap().permissions()) & 0o777
    };
    assert_eq!(mode(dir.clone()), 0o700);
    assert_eq!(mode(dir.join("documents")), 0o700);
    for file in std::fs::read_dir(dir.join("documents")).unwrap().chain(std::fs::read_dir(&dir).unwrap()) {
        let path = file.unwrap().path();
        if path.is_file() {
            assert_eq!(mode(path.clone()), 0o600, "{}", path.display());
        }
    }
    let (again, said) = ecars(&["backup", dir_text], &app.config.database, &app.config.data_dir);
    assert!(!again && said.contains("is not empty"), "a backup never replaces another: {said}");

    // Restored into another data directory: on SQLite a new database file; on PostgreSQL the
    // same database, as pg_restore would have put it back.
    let target_dir = Arc::new(tempfile::tempdir().unwrap());
    let target = if sqlite { DatabaseUrl::sqlite_in(target_dir.path()) } else { app.config.database.clone() };
    let (restored, said) = ecars(&["restore", dir_text], &target, target_dir.path());
    assert!(restored, "{said}");
    assert!(said.contains("1 document(s) written, 0 already stored"), "{said}");
    if sqlite {
        let (over, said) = ecars(&["restore", dir_text], &target, target_dir.path());
        assert!(!over && said.contains("--overwrite"), "a database holding data is not replaced unasked: {said}");
        let (over, said) = ecars(&["restore", dir_text, "--overwrite"], &target, target_dir.path());
        assert!(over && said.contains("0 document(s) written, 1 already stored"), "{said}");
    }
    let served = ServerProcess::launch(target_dir.clone(), &target, "warn", None, &[("ECARS_DEMO", "0")]).await;
    let chu_again = served.app.login_as(CHU).await;
    let (status, bytes, _) = served.app.download(&id, Some(&chu_again.cookie)).await;
    assert_eq!((status, bytes.as_slice()), (200, PDF), "the document comes back identical");

    // A document altered in the backup is never stored, and the restore says which.
    let stored_name = std::fs::read_dir(dir.join("documents")).unwrap().next().unwrap().unwrap().file_name();
    std::fs::write(dir.join("documents").join(&stored_name), b"%PDF-1.7 autre chose").unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let target = if sqlite { DatabaseUrl::sqlite_in(elsewhere.path()) } else { app.config.database.clone() };
    let (restored, said) = ecars(&["restore", dir_text], &target, elsewhere.path());
    assert!(!restored, "{said}");
    assert!(
        said.contains("1 document(s) missing or altered") && said.contains(stored_name.to_str().unwrap()),
        "{said}"
    );
    assert_eq!(std::fs::read_dir(elsewhere.path().join("documents").join("files")).unwrap().count(), 0);
    // Nor is a folder that holds no backup taken for one.
    let (restored, said) = ecars(&["restore", elsewhere.path().to_str().unwrap()], &target, elsewhere.path());
    assert!(!restored && said.contains("is not an e-CARS backup"), "{said}");
}
