//! Mail through a real SMTP server (aiosmtpd on loopback), and accounts created from the
//! command line receive their invitation.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::{find_code, spawn_app, spawn_app_with, CHU};

/// An SMTP server storing what it receives in a maildir; stopped when dropped.
struct SmtpServer {
    child: Child,
    port: u16,
    maildir: tempfile::TempDir,
}

impl SmtpServer {
    fn start() -> SmtpServer {
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
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

#[tokio::test]
async fn the_verification_code_goes_through_smtp() {
    let smtp = SmtpServer::start();
    let url = format!("smtp://127.0.0.1:{}", smtp.port);
    let app = spawn_app_with(|config| config.smtp_url = Some(url)).await;
    let sent = app.call("envoyer_code", &[("email", CHU.0)]).await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    let messages = smtp.messages();
    assert_eq!(messages.len(), 1, "one message received");
    let message = &messages[0];
    assert!(message.contains("To: chu-grenoble@exemple.fr"), "{message}");
    assert!(message.contains("From: e-CARS <ne-pas-repondre@ecars.exemple.fr>"), "{message}");
    let code = find_code(message).expect("the code is in the message");
    assert_eq!(app.call("verifier_code", &[("email", CHU.0), ("code", &code)]).await.status, 200);
    assert!(app.outbox().is_empty(), "nothing written to the outbox when SMTP is configured");
}

#[tokio::test]
async fn a_mail_server_that_does_not_answer_is_reported_to_the_user() {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let app = spawn_app_with(|config| config.smtp_url = Some(format!("smtp://127.0.0.1:{port}"))).await;
    let sent = app.call("envoyer_code", &[("email", CHU.0)]).await;
    assert_eq!(sent.status, 502);
    assert!(sent.body.contains("MailNotSent"), "{}", sent.body);
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
