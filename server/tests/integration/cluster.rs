//! Two `ecars` processes on one database and one S3 store, as `make cluster` and `deploy/` run
//! them: what one instance does, the other sees at once; mail and reminders go out once, even when
//! an instance is killed in the middle of a delivery; and SIGTERM stops an instance cleanly.

use app::accounts::api::Logout;
use app::AppError;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use app::db::entities::outbox_message::{self, DeliveryStatus};
use app::db::entities::{document, evaluation};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use server::config::DatabaseUrl;

use crate::closing::{close, director, not_concerned, own_questions, save_contact, DIRECTOR};
use crate::helpers::{caqes_test, test_database, S3Server, ServerProcess, Visitor, CHU, REFERENT};

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n";
const SECRET_KEY: &str = "la-cle-partagee-par-les-instances-du-test-0123456789";

/// What every instance of a cluster shares: the database, the bucket, the secret key.
struct Shared {
    database: DatabaseUrl,
    settings: Vec<(String, String)>,
    /// The first instance's data directory holds the SQLite database when there is one.
    first_dir: Arc<tempfile::TempDir>,
}

impl Shared {
    async fn new(more: &[(&str, &str)]) -> Shared {
        let first_dir = Arc::new(tempfile::tempdir().unwrap());
        let database = test_database(first_dir.path()).await;
        let bucket = S3Server::shared().fresh_bucket().await;
        let mut settings: Vec<(String, String)> = vec![
            ("ECARS_DOCUMENTS_S3".into(), bucket.url.clone()),
            ("ECARS_S3_ENDPOINT".into(), bucket.endpoint.clone().unwrap()),
            ("AWS_ACCESS_KEY_ID".into(), bucket.access_key_id.clone()),
            ("AWS_SECRET_ACCESS_KEY".into(), bucket.secret_access_key.clone()),
            ("ECARS_SECRET_KEY".into(), SECRET_KEY.into()),
        ];
        settings.extend(more.iter().map(|(name, value)| (name.to_string(), value.to_string())));
        Shared { database, settings, first_dir }
    }

    /// An instance with its own data directory (the first one's for `n == 0`), its log in it.
    async fn instance(&self, n: usize) -> ServerProcess {
        let data_dir = if n == 0 { self.first_dir.clone() } else { Arc::new(tempfile::tempdir().unwrap()) };
        let log = data_dir.path().join("ecars.log");
        let settings: Vec<(&str, &str)> = self.settings.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        ServerProcess::launch(data_dir, &self.database, "info", Some(&log), &settings).await
    }
}

fn seen_by(instance: &ServerProcess, visitor: &Visitor) -> Visitor {
    Visitor { app: instance.app.clone(), cookie: visitor.cookie.clone() }
}

#[tokio::test]
async fn a_session_a_document_a_closing_and_a_lock_made_on_one_instance_hold_on_the_other_at_once() {
    let shared = Shared::new(&[]).await;
    let (one, other) = (shared.instance(0).await, shared.instance(1).await);

    // A session opened on one is a session on the other; closed on the other, on both.
    let chu = one.app.login_as(CHU).await;
    let chu_elsewhere = seen_by(&other, &chu);
    let home = chu_elsewhere.get("/").await;
    assert_eq!(home.status, 200, "not sent to the login page: {:?}", home.location);
    home.assert_shows(&["Mon compte"]);
    let referent = other.app.login_as(REFERENT).await;
    assert_eq!(referent.call_fn::<Logout>(&[]).await.status / 100, 2);
    assert_eq!(seen_by(&one, &referent).get("/").await.status, 303, "logged out everywhere");

    // A document uploaded to one downloads from the other, identical.
    let contract = caqes_test(&one.app).await.id;
    let questions = own_questions(&one.app).await;
    let uploaded =
        one.app.upload("question", &questions[0], "Preuve.pdf", PDF.to_vec().into(), Some(&chu.cookie)).await;
    assert_eq!(uploaded.status, 201, "{}", uploaded.body);
    let id = serde_json::from_str::<serde_json::Value>(&uploaded.body).unwrap()["id"].to_string();
    let (status, bytes, _) = other.app.download(&id, Some(&chu.cookie)).await;
    assert_eq!((status, bytes.as_slice()), (200, PDF));

    // Closed on one: the other refuses the next save at once.
    for question in &questions {
        assert_eq!(not_concerned(&chu, question, "0").await.status, 200);
    }
    assert_eq!(save_contact(&chu, &director(&one.app).await, DIRECTOR).await.status, 200);
    let closed = close(&chu, contract).await;
    assert_eq!(closed.status, 200, "{}", closed.body);
    not_concerned(&chu_elsewhere, &questions[0], "1").await.assert_refused(409, &["Consultation"]);
    let late = other.app.upload("question", &questions[0], "Tard.pdf", PDF.to_vec().into(), Some(&chu.cookie)).await;
    assert!(late.not_editable().contains("Consultation"), "{}", late.body);

    // Five failures on one lock the address out of the account on both: the right password is
    // refused from it on the other.
    for _ in 0..5 {
        assert_eq!(one.app.login((REFERENT.0, "mauvais-mot-de-passe")).await.error(401), AppError::InvalidCredentials);
    }
    let started = Instant::now();
    while other.app.login(REFERENT).await.status == 200 {
        assert!(started.elapsed() < Duration::from_secs(5), "the lock is not seen by the other instance");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(one.app.login(REFERENT).await.error(401), AppError::InvalidCredentials);
}

/// An SMTP server that holds each recipient for `delay` before accepting it (a delivery is then
/// in progress long enough to kill its sender), and keeps each message in `dir`.
struct SlowSmtp {
    _child: crate::helpers::Child,
    port: u16,
    dir: tempfile::TempDir,
}

const SLOW_SMTP: &str = r#"
import asyncio, os, signal, sys, time
from aiosmtpd.controller import Controller
port, folder, delay = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
class Slow:
    async def handle_RCPT(self, server, session, envelope, address, options):
        open(os.path.join(folder, "recipients.log"), "a").write(address + "\n")
        await asyncio.sleep(delay)
        envelope.rcpt_tos.append(address)
        return "250 OK"
    async def handle_DATA(self, server, session, envelope):
        with open(os.path.join(folder, "%d.eml" % time.time_ns()), "wb") as message:
            message.write(envelope.content)
        return "250 OK"
controller = Controller(Slow(), hostname="127.0.0.1", port=port)
controller.start()
signal.sigwait([signal.SIGTERM, signal.SIGINT])
"#;

impl SlowSmtp {
    fn start(delay: Duration) -> SlowSmtp {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let dir = tempfile::tempdir().unwrap();
        let python = std::env::var("ECARS_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
        let child = Command::new(&python)
            .args(["-c", SLOW_SMTP, &port.to_string(), dir.path().to_str().unwrap(), &delay.as_secs_f64().to_string()])
            .stdout(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start aiosmtpd with {python}: {error}"));
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed() < Duration::from_secs(20), "the SMTP server did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        SlowSmtp { _child: crate::helpers::Child::from(child), port, dir }
    }

    /// The Message-ID of every message accepted.
    fn accepted(&self) -> Vec<String> {
        let messages = std::fs::read_dir(self.dir.path()).unwrap().map(|entry| entry.unwrap().path());
        messages
            .filter(|path| path.extension().is_some_and(|extension| extension == "eml"))
            .map(|path| message_id(&path))
            .collect()
    }

    fn recipients_begun(&self) -> usize {
        std::fs::read_to_string(self.dir.path().join("recipients.log")).map(|text| text.lines().count()).unwrap_or(0)
    }
}

fn message_id(path: &PathBuf) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let line = text.lines().find(|line| line.to_ascii_lowercase().starts_with("message-id:"));
    line.unwrap_or_else(|| panic!("no Message-ID in {text}"))[11..].trim().to_owned()
}

#[tokio::test]
async fn mail_and_reminders_go_out_once_from_two_instances_even_when_one_is_killed_mid_delivery() {
    let smtp = SlowSmtp::start(Duration::from_millis(700));
    let shared = Shared::new(&[("ECARS_SMTP_URL", &format!("smtp://127.0.0.1:{}", smtp.port))]).await;
    // The first start loads the demo; then the campaign's last day is five days away, which makes
    // the 7-day reminder due for both instances when they start together.
    shared.instance(0).await.kill();
    let db = app::db::connect(shared.database.as_str()).await.unwrap();
    let today = ecars_core::time::Clock::default().agency_today();
    evaluation::Entity::update_many()
        .col_expr(evaluation::Column::OpensOn, Expr::value(today - chrono::Duration::days(30)))
        .col_expr(evaluation::Column::ClosesOn, Expr::value(today + chrono::Duration::days(5)))
        .exec(&db)
        .await
        .unwrap();
    let outbox = app::mail::outbox::Outbox::default();
    for n in 0..8 {
        let mail = app::mail::templates::verification_code(&format!("personne{n}@exemple.fr"), &format!("{n:08}"));
        outbox.queue(&db, mail).await.unwrap();
    }
    let (mut one, _other) = tokio::join!(shared.instance(0), shared.instance(1));

    // Both deliver, one message at a time each: when two are held at the server at once, each
    // instance is in the middle of one, and one of them is killed there.
    let started = Instant::now();
    while smtp.recipients_begun() < smtp.accepted().len() + 2 {
        assert!(started.elapsed() < Duration::from_secs(30), "the two instances never delivered at once");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    one.kill();

    // The survivor delivers everything, the killed one's message once its lease is over.
    let rows = || outbox_message::Entity::find().all(&db);
    let started = Instant::now();
    while rows().await.unwrap().iter().any(|row| row.status != DeliveryStatus::Sent) {
        assert!(started.elapsed() < Duration::from_secs(120), "not all sent: {:?}", rows().await.unwrap());
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let sent = rows().await.unwrap();
    let reminders: Vec<_> = sent.iter().filter(|row| row.kind == "rappel_campagne").collect();
    assert!(!reminders.is_empty(), "the 7-day reminder was due");
    let mut recipients: Vec<_> = reminders.iter().map(|row| row.recipient.clone()).collect();
    recipients.sort();
    recipients.dedup();
    assert_eq!(recipients.len(), reminders.len(), "one reminder per person, though both instances looked");
    assert!(sent.iter().any(|row| row.attempts == 2), "the killed instance's message was sent by the other");
    let mut accepted = smtp.accepted();
    assert_eq!(accepted.len(), sent.len(), "each message accepted once: {accepted:?}");
    accepted.sort();
    accepted.dedup();
    assert_eq!(accepted.len(), sent.len(), "no Message-ID twice");
}

#[tokio::test]
async fn sigterm_finishes_the_requests_in_flight_refuses_new_ones_and_stops_the_workers_cleanly() {
    let shared = Shared::new(&[]).await;
    let mut instance = shared.instance(0).await;
    let app = instance.app.clone();
    let chu = app.login_as(CHU).await;
    let question = own_questions(&app).await.remove(0);

    // An upload under way: its first part sent, the rest to come after the signal.
    let (more, waiting) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(1);
    more.send(Ok(PDF.to_vec())).await.unwrap();
    let body = futures_util::stream::unfold(waiting, |mut waiting| async move {
        waiting.recv().await.map(|chunk| (chunk, waiting))
    });
    let upload = tokio::spawn({
        let (app, cookie) = (app.clone(), chu.cookie.clone());
        async move { app.upload("question", &question, "Long.pdf", reqwest::Body::wrap_stream(body), Some(&cookie)).await }
    });
    let temporary = shared.first_dir.path().join("documents/tmp");
    let started = Instant::now();
    while std::fs::read_dir(&temporary).unwrap().count() == 0 {
        assert!(started.elapsed() < Duration::from_secs(10), "the upload did not begin");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    instance.terminate();

    // No new connection once told to stop...
    let started = Instant::now();
    while reqwest::get(format!("{}/sante/vivant", app.address)).await.is_ok() {
        assert!(started.elapsed() < Duration::from_secs(5), "still taking new requests");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // ...but the upload under way is finished and stored.
    more.send(Ok(b"\n% la suite\n".to_vec())).await.unwrap();
    drop(more);
    let uploaded = upload.await.unwrap();
    assert_eq!(uploaded.status, 201, "{}", uploaded.body);
    let status = instance.exited(Duration::from_secs(40)).await.expect("stopped within 40 s");
    assert!(status.success(), "{status:?}");
    let db = app.database().await;
    assert_eq!(document::Entity::find().count(&db).await.unwrap(), 1);

    let log = std::fs::read_to_string(shared.first_dir.path().join("ecars.log")).unwrap();
    for said in ["mail delivery stopped", "security journal stopped", "campaign reminders stopped", "stopped cleanly"] {
        assert!(log.contains(said), "no \"{said}\" in:\n{log}");
    }
    // The login's security event was written before the end, not lost.
    let logins = app::db::entities::journal_entry::Entity::find()
        .filter(app::db::entities::journal_entry::Column::ActorEmail.eq(CHU.0))
        .count(&db)
        .await
        .unwrap();
    assert!(logins >= 1);
}
