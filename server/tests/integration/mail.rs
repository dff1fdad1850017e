//! Mail through a real SMTP server (aiosmtpd on loopback), and accounts created from the
//! command line receive their invitation.

use app::accounts::api::{SendCode, VerifyCode};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use app::db::entities::outbox_message::{self, DeliveryStatus};
use app::mail::outbox::{Outbox, RetryPolicy};
use sea_orm::{EntityTrait, QueryOrder};

use crate::helpers::{find_code, spawn_app, spawn_app_with, TestApp, CHU};

/// An SMTP server storing what it receives in a maildir; stopped when dropped.
struct SmtpServer {
    child: Child,
    port: u16,
    maildir: tempfile::TempDir,
}

impl SmtpServer {
    fn start() -> SmtpServer {
        Self::spawn(free_port())
    }

    fn spawn(port: u16) -> SmtpServer {
        let maildir = tempfile::tempdir().unwrap();
        // `make test` installs aiosmtpd in a virtual environment and names its Python here.
        let python = std::env::var("ECARS_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
        let child = Command::new(&python)
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
            // A missing directory: aiosmtpd creates the maildir (tmp/, new/, cur/) itself.
            .arg(maildir.path().join("maildir"))
            .stdout(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start aiosmtpd with {python}: {error}"));
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "aiosmtpd did not start (is it installed for {python}?)"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        SmtpServer { child, port, maildir }
    }

    fn messages(&self) -> Vec<String> {
        let new = self.maildir.path().join("maildir").join("new");
        let Ok(entries) = std::fs::read_dir(&new) else {
            return Vec::new();
        };
        entries.map(|entry| read_message(&entry.unwrap().path())).collect()
    }
}

fn read_message(path: &Path) -> String {
    let raw = std::fs::read_to_string(path).unwrap();
    raw.replace("=\r\n", "").replace("=\n", "").replace("=C3=A9", "é")
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl SmtpServer {
    /// The same, on a port chosen beforehand (a mail server that comes back after an outage).
    fn start_on(port: u16) -> SmtpServer {
        Self::spawn(port)
    }
}

/// A loopback port nothing listens on (for now).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

async fn outbox_rows(app: &TestApp) -> Vec<outbox_message::Model> {
    outbox_message::Entity::find().order_by_asc(outbox_message::Column::Id).all(&app.database().await).await.unwrap()
}

#[tokio::test]
async fn the_verification_code_goes_through_smtp_with_a_text_and_an_html_part() {
    let smtp = SmtpServer::start();
    let url = format!("smtp://127.0.0.1:{}", smtp.port);
    let app = spawn_app_with(|config| config.smtp_url = Some(url)).await;
    let sent = app.call_fn::<SendCode>(&[("email", CHU.0)]).await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    app.deliveries_settled().await;
    let messages = smtp.messages();
    assert_eq!(messages.len(), 1, "one message received");
    let message = &messages[0];
    assert!(message.contains("To: chu-grenoble@exemple.fr"), "{message}");
    assert!(message.contains("From: e-CARS <ne-pas-repondre@ecars.exemple.fr>"), "{message}");
    assert!(message.contains("multipart/alternative"), "{message}");
    assert!(message.contains("Content-Type: text/plain") && message.contains("Content-Type: text/html"), "{message}");
    let code = find_code(message).expect("the code is in the message");
    assert_eq!(app.call_fn::<VerifyCode>(&[("email", CHU.0), ("code", &code)]).await.status, 200);
    let rows = outbox_rows(&app).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0].status, rows[0].attempts, rows[0].kind.as_str()),
        (DeliveryStatus::Sent, 1, "code_verification")
    );
    assert!(app.outbox().await.is_empty(), "nothing written to the outbox directory when SMTP is configured");
}

#[tokio::test]
async fn a_code_asked_for_while_the_mail_server_is_down_arrives_once_it_is_back() {
    let port = free_port();
    let app = spawn_app_with(|config| config.smtp_url = Some(format!("smtp://127.0.0.1:{port}"))).await;
    // The user is not told of the outage: the code is queued and the answer is the usual one.
    let sent = app.call_fn::<SendCode>(&[("email", CHU.0)]).await;
    sent.assert_shows(&["un code de vérification vient d'y être envoyé"]);
    app.deliveries_settled().await;
    let rows = outbox_rows(&app).await;
    assert_eq!((rows.len(), rows[0].status, rows[0].attempts), (1, DeliveryStatus::Pending, 1), "{rows:?}");
    assert!(rows[0].last_error.is_some(), "the reason of the failed try is kept");
    assert!(rows[0].due_at > chrono::Utc::now(), "due again later");

    // The mail server comes back: the next retry (5 s after the first try) delivers the code.
    let smtp = SmtpServer::start_on(port);
    let started = Instant::now();
    while smtp.messages().is_empty() {
        assert!(started.elapsed() < Duration::from_secs(30), "the code did not arrive after the outage");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let code = find_code(&smtp.messages()[0]).expect("the code is in the message");
    app.call_fn::<VerifyCode>(&[("email", CHU.0), ("code", &code)]).await.assert_shows(&[]);
    app.deliveries_settled().await;
    let rows = outbox_rows(&app).await;
    assert_eq!((rows[0].status, rows[0].attempts), (DeliveryStatus::Sent, 2));
    assert_eq!(smtp.messages().len(), 1, "delivered once");
}

#[tokio::test]
async fn a_message_is_marked_failed_with_its_reason_after_the_last_try() {
    let port = free_port();
    let app = spawn_app_with(|config| {
        config.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
        config.mail_retry =
            RetryPolicy { attempts: 3, first_delay: Duration::from_millis(100), max_delay: Duration::from_millis(200) };
        config.metrics_token = app::operations::metrics::MetricsToken::parse(METRICS_TOKEN);
    })
    .await;
    app.call_fn::<SendCode>(&[("email", CHU.0)]).await.assert_shows(&[]);
    let started = Instant::now();
    let failed = loop {
        let rows = outbox_rows(&app).await;
        if rows[0].status == DeliveryStatus::Failed {
            break rows[0].clone();
        }
        assert!(started.elapsed() < Duration::from_secs(30), "still not given up: {rows:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(failed.attempts, 3);
    assert!(failed.last_error.as_deref().is_some_and(|reason| !reason.is_empty()), "{failed:?}");
    assert!(failed.sent_at.is_none());
    // Each failed try shows in the metrics (counted for the whole process: at least these three).
    let bearer = format!("Bearer {METRICS_TOKEN}");
    let scraped = app.request(reqwest::Method::GET, "/metrics", None, None, &[("authorization", &bearer)]).await;
    let failures = scraped.body.lines().find_map(|line| line.strip_prefix("ecars_mail_delivery_failures_total "));
    let failures: f64 = failures.unwrap_or_else(|| panic!("no failure count in {}", scraped.body)).parse().unwrap();
    assert!(failures >= 3.0, "{failures}");
}

const METRICS_TOKEN: &str = "jeton-de-prometheus-pour-les-tests-du-courrier";

#[tokio::test]
async fn messages_queued_before_a_crash_are_delivered_once_by_two_instances() {
    let first = spawn_app().await;
    // As if an instance had committed changes and died before delivering their mail.
    let db = first.database().await;
    let outbox = Outbox::default();
    for n in 0..40 {
        let mail = app::mail::templates::verification_code(&format!("personne{n}@exemple.fr"), &format!("{n:08}"));
        outbox.queue(&db, mail).await.unwrap();
    }
    let second = first.restart().await;
    second.deliveries_settled().await;
    let mut delivered: Vec<String> = first
        .outbox()
        .await
        .iter()
        .filter_map(|message| message.lines().find_map(|line| line.strip_prefix("To: ").map(str::to_owned)))
        .collect();
    assert_eq!(delivered.len(), 40, "each message delivered once, by one instance or the other");
    delivered.sort();
    delivered.dedup();
    assert_eq!(delivered.len(), 40, "no message sent twice");
    assert!(outbox_rows(&first).await.iter().all(|row| row.status == DeliveryStatus::Sent && row.attempts == 1));
}

#[tokio::test]
async fn user_add_creates_an_account_that_must_renew_and_emails_its_initial_password() {
    let app = spawn_app().await;
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_ecars"))
            .args(args)
            .env("DATABASE_URL", app.config.database.as_str())
            .env("ECARS_DATA_DIR", &app.config.data_dir)
            .env("RUST_LOG", "off")
            .env_remove("ECARS_SMTP_URL")
            .output()
            .unwrap()
    };
    let added =
        run(&["user", "add", "--email", "Qualite@CHU.exemple.fr", "--role", "establishment", "--entity", "380780080"]);
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    let invitation = app
        .outbox()
        .await
        .into_iter()
        .find(|message| message.contains("To: qualite@chu.exemple.fr"))
        .expect("an invitation in the outbox");
    assert!(invitation.contains("Identifiant : qualite@chu.exemple.fr"), "{invitation}");
    let password = invitation
        .lines()
        .find_map(|line| line.strip_prefix("Mot de passe provisoire : "))
        .expect("the initial password")
        .trim()
        .to_owned();
    let login = app.login(("qualite@chu.exemple.fr", &password)).await;
    assert!(login.body.contains("/mot-de-passe/renouveler?premiere=1"), "must renew first: {}", login.body);

    for (args, expected) in [
        (
            vec!["--email", "qualite@chu.exemple.fr", "--role", "establishment", "--entity", "380780080"],
            "already exists",
        ),
        (
            vec!["--email", "x@chu.exemple.fr", "--role", "establishment", "--entity", "999999999"],
            "FINESS number 999999999",
        ),
        (vec!["--email", "x@chu.exemple.fr", "--role", "establishment"], "at least one --entity"),
        (vec!["--email", "x@chu.exemple.fr", "--role", "root", "--entity", "380780080"], "--role must be"),
        (vec!["--email", "x@b", "--role", "referent", "--entity", "380780080"], "adresse email n'est pas valide"),
    ] {
        let output = run(&[&["user", "add"][..], &args].concat());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success() && stderr.contains(expected), "{args:?}: {stderr}");
    }
}
