use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use sea_orm::{ConnectionTrait, Database};
use server::config::DatabaseUrl;
use server::{Application, Config};
use tokio::sync::OnceCell;

pub struct TestApp {
    pub address: String,
    client: reqwest::Client,
    config: Config,
    _data_dir: std::sync::Arc<tempfile::TempDir>,
}

pub struct Page {
    pub status: u16,
    pub body: String,
}

impl TestApp {
    /// Starts a second instance on the same data directory and database, as after a restart.
    pub async fn restart(&self) -> TestApp {
        start(self.config.clone(), self._data_dir.clone()).await
    }

    pub async fn get(&self, path: &str) -> Page {
        let response = self.client.get(format!("{}{path}", self.address)).send().await.expect("request sent");
        let status = response.status().as_u16();
        Page { status, body: response.text().await.expect("body read") }
    }
}

impl Page {
    /// Asserts the page is a success and shows each text.
    pub fn assert_shows(&self, texts: &[&str]) {
        assert_eq!(self.status, 200, "unexpected status, page:\n{}", self.body);
        for text in texts {
            assert!(self.body.contains(text), "`{text}` is missing from the page:\n{}", self.body);
        }
    }

    pub fn count(&self, text: &str) -> usize {
        self.body.matches(text).count()
    }
}

/// Starts the application as `ecars` would, with the demo data, on a free port.
pub async fn spawn_app() -> TestApp {
    let data_dir = tempfile::tempdir().expect("temporary data directory");
    let database = match std::env::var("ECARS_TEST_DATABASE").as_deref() {
        Ok("postgres") => fresh_postgres_database().await,
        _ => DatabaseUrl::sqlite_in(data_dir.path()),
    };
    let config = Config {
        database,
        data_dir: data_dir.path().to_owned(),
        site_addr: "127.0.0.1:0".parse().unwrap(),
        site_root: PathBuf::from("target/site"),
        demo: true,
    };
    start(config, std::sync::Arc::new(data_dir)).await
}

async fn start(config: Config, data_dir: std::sync::Arc<tempfile::TempDir>) -> TestApp {
    let app = Application::build(config.clone()).await.expect("the application starts");
    let address = format!("http://{}", app.address());
    tokio::spawn(app.run_until_stopped());
    TestApp { address, client: reqwest::Client::new(), config, _data_dir: data_dir }
}

fn postgres_admin_url() -> String {
    std::env::var("ECARS_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A new, empty database for one test. Databases of earlier runs are dropped once per run.
async fn fresh_postgres_database() -> DatabaseUrl {
    static CLEANED: OnceCell<()> = OnceCell::const_new();
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let admin_url = postgres_admin_url();
    let admin = Database::connect(&admin_url).await.expect("PostgreSQL reachable for the tests");
    CLEANED
        .get_or_init(|| async {
            let stale = admin
                .query_all_raw(sea_orm::Statement::from_string(
                    admin.get_database_backend(),
                    "SELECT datname FROM pg_database WHERE datname LIKE 'ecars_test_%'",
                ))
                .await
                .expect("list test databases");
            for row in stale {
                let name: String = row.try_get("", "datname").unwrap();
                admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                    .await
                    .expect("drop a stale test database");
            }
        })
        .await;
    let name = format!("ecars_test_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::SeqCst));
    admin.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await.expect("create a test database");
    let base = admin_url.rsplit_once('/').map(|(base, _)| base.to_owned()).unwrap_or(admin_url);
    DatabaseUrl::parse(&format!("{base}/{name}")).unwrap()
}
