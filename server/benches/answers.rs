//! `make bench`, server side: the 500-question demo contract (`CAQES PERFORMANCE 500`) served by
//! the real application on loopback, first on SQLite (`synchronous=FULL`), then on PostgreSQL.
//! Prints medians and 95th percentiles; asserts nothing about speed.
//!
//! Times are measured by an HTTP client on the same machine, from sending the request to the
//! last byte of the answer: server time plus a loopback round trip (about 0.1 ms).

// A harness that stops on the first surprise, like a test: the workspace lints deny this elsewhere.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use app::db::entities::{answer, contract, indicator};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use server::config::DatabaseUrl;
use server::{Application, Config};

mod support;

const ACCOUNT: (&str, &str) = ("performance@exemple.fr", "Performance-Demo-2026!");
const TREE_RUNS: usize = 300;
const SAVE_RUNS: usize = 300;
const CLIENTS: usize = 32;
const LOAD_DURATION: Duration = Duration::from_secs(5);

#[tokio::main]
async fn main() {
    println!("e-CARS bench: contract {}, {} runs per figure\n", app::demo::PERFORMANCE_CONTRACT, TREE_RUNS);
    let sqlite_dir = tempfile::tempdir().expect("temporary data directory");
    let sqlite =
        Target::start("SQLite (WAL, synchronous=FULL)", DatabaseUrl::sqlite_in(sqlite_dir.path()), &sqlite_dir).await;
    sqlite.run().await;

    let postgres_dir = tempfile::tempdir().expect("temporary data directory");
    match support::fresh_postgres_database("ecars_bench").await {
        Ok(url) => Target::start("PostgreSQL", url, &postgres_dir).await.run().await,
        Err(error) => println!("PostgreSQL skipped: {error}"),
    }
}

/// The app on one database, logged in as the performance contract's establishment user.
struct Target {
    name: &'static str,
    base: String,
    cookie: String,
    contract_id: i32,
    /// Editable questions and their current answer version.
    questions: Vec<(i32, i32)>,
}

impl Target {
    async fn start(name: &'static str, database: DatabaseUrl, data_dir: &tempfile::TempDir) -> Target {
        let config = Config::on_loopback(database.clone(), data_dir.path());
        let application = Application::build(config).await.expect("the application starts");
        let base = format!("http://{}", application.address());
        tokio::spawn(application.run_until_stopped());

        let db = app::db::connect(database.as_str()).await.expect("database reachable");
        let contract = contract::Entity::find()
            .filter(contract::Column::Name.eq(app::demo::PERFORMANCE_CONTRACT))
            .one(&db)
            .await
            .unwrap()
            .expect("the demo performance contract");
        let questions = indicator::Entity::find()
            .filter(indicator::Column::ContractId.eq(contract.id))
            .filter(indicator::Column::NodeKind.eq(indicator::NodeKind::Question))
            .filter(indicator::Column::EditableByEstablishment.eq(true))
            .all(&db)
            .await
            .unwrap();
        let answers = answer::Entity::find().all(&db).await.unwrap();
        let version =
            |id: i32| answers.iter().find(|answer| answer.question_id == id).map_or(0, |answer| answer.version);
        let questions = questions.iter().map(|question| (question.id, version(question.id))).collect();

        let client = client();
        let cookie = support::session_cookie(&client, &base, ACCOUNT).await;
        Target { name, base, cookie, contract_id: contract.id, questions }
    }

    async fn run(mut self) {
        println!("== {}", self.name);
        let client = client();
        let tree = self.tree_page_times(&client, false).await;
        report("tree page (500 questions), server time", &tree);
        let tree = self.tree_page_times(&client, true).await;
        report("the same, gzip-compressed as browsers ask", &tree);
        let saves = self.save_times(&client).await;
        report("save one answer, server time", &saves);
        self.concurrent_saves().await;
        println!();
    }

    async fn tree_page_times(&self, client: &reqwest::Client, gzip: bool) -> Vec<Duration> {
        let url = format!("{}/contrats/{}/indicateurs", self.base, self.contract_id);
        let mut times = Vec::with_capacity(TREE_RUNS);
        for run in 0..TREE_RUNS + 20 {
            let started = Instant::now();
            let response = client
                .get(&url)
                .header("cookie", &self.cookie)
                .header("accept", "text/html")
                .header("accept-encoding", if gzip { "gzip" } else { "identity" })
                .send()
                .await
                .unwrap();
            let status = response.status();
            let compressed = response.headers().get("content-encoding").is_some_and(|value| value == "gzip");
            let body = response.bytes().await.unwrap();
            let elapsed = started.elapsed();
            assert!(status.is_success() && compressed == gzip, "tree page: {status}");
            assert!(gzip || String::from_utf8_lossy(&body).contains("Pourcentage de remplissage"), "not the tree page");
            // The first runs warm the connection and the database cache.
            if run >= 20 {
                times.push(elapsed);
            }
        }
        times
    }

    async fn save_times(&mut self, client: &reqwest::Client) -> Vec<Duration> {
        let mut times = Vec::with_capacity(SAVE_RUNS);
        for run in 0..SAVE_RUNS {
            let index = run % self.questions.len();
            let (question, version) = self.questions[index];
            let started = Instant::now();
            let new_version = save(client, &self.base, &self.cookie, question, version, run).await;
            times.push(started.elapsed());
            self.questions[index].1 = new_version.expect("a save accepted");
        }
        times
    }

    /// `CLIENTS` clients, each on its own connection and its own questions, saving as fast as
    /// they can for `LOAD_DURATION`.
    async fn concurrent_saves(&self) {
        let shared = Arc::new((self.base.clone(), self.cookie.clone()));
        let started = Instant::now();
        let deadline = started + LOAD_DURATION;
        let tasks: Vec<_> = (0..CLIENTS)
            .map(|client_number| {
                let shared = shared.clone();
                let mut mine: Vec<(i32, i32)> =
                    self.questions.iter().skip(client_number).step_by(CLIENTS).copied().collect();
                tokio::spawn(async move {
                    let client = client();
                    let (mut times, mut refused) = (Vec::new(), 0);
                    let mut run = 0;
                    while Instant::now() < deadline {
                        let index = run % mine.len();
                        let (question, version) = mine[index];
                        let sent = Instant::now();
                        match save(&client, &shared.0, &shared.1, question, version, run).await {
                            Some(new_version) => {
                                times.push(sent.elapsed());
                                mine[index].1 = new_version;
                            }
                            None => refused += 1,
                        }
                        run += 1;
                    }
                    (times, refused)
                })
            })
            .collect();
        let (mut times, mut refused) = (Vec::new(), 0);
        for task in tasks {
            let (task_times, task_refused) = task.await.unwrap();
            times.extend(task_times);
            refused += task_refused;
        }
        let elapsed = started.elapsed().as_secs_f64();
        println!(
            "  {CLIENTS} concurrent clients: {:.0} saves/s ({} saves in {elapsed:.1} s, {refused} refused)",
            times.len() as f64 / elapsed,
            times.len()
        );
        report(&format!("save under {CLIENTS} clients, latency"), &times);
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(support::as_the_portals_pages())
        .build()
        .unwrap()
}

/// Saves "Non concerné" with a new comment (valid for every kind); the new version, or `None`
/// if refused.
async fn save(
    client: &reqwest::Client,
    base: &str,
    cookie: &str,
    question: i32,
    version: i32,
    run: usize,
) -> Option<i32> {
    let comment = format!("Passage de mesure n° {run}");
    let response = client
        .post(format!("{base}/api/enregistrer_reponse"))
        .header("cookie", cookie)
        .form(&[
            ("question_id", question.to_string().as_str()),
            ("version", version.to_string().as_str()),
            ("not_concerned", "on"),
            ("comment", comment.as_str()),
        ])
        .send()
        .await
        .ok()?;
    if !response.status().is_success() {
        return None;
    }
    let saved: serde_json::Value = response.json().await.ok()?;
    saved["answer"]["version"].as_i64().map(|version| version as i32)
}

fn report(what: &str, times: &[Duration]) {
    let mut sorted = times.to_vec();
    sorted.sort();
    let at = |fraction: f64| sorted[((sorted.len() as f64 - 1.0) * fraction).round() as usize];
    let ms = |duration: Duration| duration.as_secs_f64() * 1000.0;
    println!("  {what}: median {:.2} ms, p95 {:.2} ms ({} runs)", ms(at(0.5)), ms(at(0.95)), sorted.len());
}
