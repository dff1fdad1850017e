//! `make bench`, documents: one 200 MB upload to the real `ecars` binary (a child process on
//! loopback, SQLite), its throughput, and the server's resident memory before and at its peak
//! during the upload (read from /proc). Prints figures; asserts nothing about speed.

// A harness that stops on the first surprise, like a test: the workspace lints deny this elsewhere.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use app::db::entities::indicator;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

mod support;

const ACCOUNT: (&str, &str) = ("chu-grenoble@exemple.fr", "Grenoble-Demo-2026!");
const MEGABYTES: usize = 200;
const CHUNK: usize = 1024 * 1024;

#[tokio::main]
async fn main() {
    let data_dir = tempfile::tempdir().expect("temporary data directory");
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let database = format!("sqlite://{}?mode=rwc", data_dir.path().join("ecars.db").display());
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_ecars"))
        .env("DATABASE_URL", &database)
        .env("ECARS_DATA_DIR", data_dir.path())
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("ECARS_DEMO", "1")
        .env("ECARS_MAX_DOCUMENT_MB", (MEGABYTES + 10).to_string())
        .env("RUST_LOG", "warn")
        .spawn()
        .expect("ecars starts");
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(support::as_the_portals_pages())
        .build()
        .unwrap();
    while client.get(format!("{base}/connexion")).send().await.is_err() {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let cookie = support::session_cookie(&client, &base, ACCOUNT).await;
    let db = app::db::connect(&database).await.expect("database reachable");
    let question = indicator::Entity::find()
        .filter(indicator::Column::Code.eq("1.1.1.a"))
        .one(&db)
        .await
        .unwrap()
        .expect("the demo question 1.1.1.a")
        .id;

    let pid = server.id();
    let before = resident_kb(pid, "VmRSS");
    // Sampled every 10 ms while the upload runs.
    let peak = Arc::new(AtomicU64::new(before));
    let sampler = tokio::spawn({
        let peak = peak.clone();
        async move {
            loop {
                peak.fetch_max(resident_kb(pid, "VmRSS"), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    });
    // Generated as it is sent: the client holds one chunk at a time.
    let chunks = (0..MEGABYTES).map(|index| {
        let mut chunk = vec![b' '; CHUNK];
        if index == 0 {
            chunk[..9].copy_from_slice(b"%PDF-1.7\n");
        }
        Ok::<_, std::io::Error>(chunk)
    });
    let started = Instant::now();
    let response = client
        .post(format!("{base}/api/documents/question/{question}"))
        .header("cookie", &cookie)
        .header("x-nom-document", "gros-rapport.pdf")
        .header("content-length", (MEGABYTES * CHUNK).to_string())
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(chunks)))
        .send()
        .await
        .expect("upload sent");
    let elapsed = started.elapsed();
    let status = response.status();
    sampler.abort();
    let peak = peak.load(Ordering::Relaxed);
    let whole_run = resident_kb(pid, "VmHWM");
    let _ = server.kill();
    let _ = server.wait();

    println!("== Documents (SQLite, release binary)");
    println!(
        "  upload of {MEGABYTES} MB: {:.1} s, {:.0} MB/s (answer {status})",
        elapsed.as_secs_f64(),
        MEGABYTES as f64 / elapsed.as_secs_f64()
    );
    println!(
        "  server resident memory: {} MB before the upload, peak {} MB during it ({} MB peak of the whole run)",
        before / 1024,
        peak / 1024,
        whole_run / 1024
    );
}

/// A memory figure of /proc/<pid>/status, in kB.
fn resident_kb(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with(field))
                .and_then(|line| line.split_whitespace().nth(1).and_then(|kb| kb.parse().ok()))
        })
        .unwrap_or(0)
}
