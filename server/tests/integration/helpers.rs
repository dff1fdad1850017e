use std::sync::atomic::{AtomicU32, Ordering};

use app::accounts::api::Login;
use leptos::server_fn::ServerFn;
use sea_orm::{ConnectionTrait, Database};
use server::config::DatabaseUrl;
use server::{Application, Config};
use tokio::sync::OnceCell;

/// A running app on a free port, its own data directory and database, seen by an anonymous visitor.
#[derive(Clone)]
pub struct TestApp {
    pub address: String,
    client: reqwest::Client,
    pub config: Config,
    _data_dir: std::sync::Arc<tempfile::TempDir>,
}

/// The same app, seen by a logged-in user.
pub struct Visitor {
    pub app: TestApp,
    pub cookie: String,
}

/// What came back: status, body, and the headers tests look at.
#[derive(Debug)]
pub struct Page {
    pub status: u16,
    pub body: String,
    pub location: Option<String>,
    pub set_cookies: Vec<String>,
    pub retry_after: Option<String>,
    pub headers: reqwest::header::HeaderMap,
}

pub const CHU: (&str, &str) = ("chu-grenoble@exemple.fr", "Grenoble-Demo-2026!");
pub const ACODEGE: (&str, &str) = ("acodege@exemple.fr", "Acodege-Initial-2026!");
pub const REFERENT: (&str, &str) = ("referent@ars.exemple.fr", "Referent-Demo-2026!");
pub const ADMIN: (&str, &str) = ("admin@ars.exemple.fr", "Admin-Demo-2026!");
/// The gate's refusal of a change that comes from another site, or without the session's token: a
/// plain text, before any server function or page.
pub const CROSS_SITE_REFUSAL: &str = "Requête refusée : elle ne provient pas du portail e-CARS.";
/// The user of the generated 500-question contract's legal entity: another entity than the CHU.
pub const PERFORMANCE: (&str, &str) = ("performance@exemple.fr", "Performance-Demo-2026!");

impl TestApp {
    /// Starts a second instance on the same data directory and database, as after a restart.
    pub async fn restart(&self) -> TestApp {
        start(self.config.clone(), self._data_dir.clone()).await
    }

    /// Any request, as a browser script would send it (no redirect followed): a current browser
    /// says it comes from the portal's own pages (`Sec-Fetch-Site`), unless `headers` say otherwise.
    pub async fn request(
        &self,
        method: reqwest::Method,
        path: &str,
        form: Option<&[(&str, &str)]>,
        cookie: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Page {
        let says_origin = headers.iter().any(|(name, _)| matches!(*name, "sec-fetch-site" | "origin"));
        let same_origin: &[(&str, &str)] = if says_origin { &[] } else { &[("sec-fetch-site", "same-origin")] };
        let headers: Vec<(&str, &str)> = headers.iter().chain(same_origin).copied().collect();
        self.request_unsaid(method, path, form, cookie, &headers).await
    }

    /// The same, with only the headers given: as an old browser, or a forged page, would send it.
    pub async fn request_unsaid(
        &self,
        method: reqwest::Method,
        path: &str,
        form: Option<&[(&str, &str)]>,
        cookie: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Page {
        let mut request = self.client.request(method, format!("{}{path}", self.address));
        if let Some(form) = form {
            request = request.form(form);
        }
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.expect("request sent");
        let header = |name: &str| response.headers().get(name).map(|v| v.to_str().unwrap().to_owned());
        let location = header("location");
        let retry_after = header("retry-after");
        let set_cookies =
            response.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        // Tests read what the user reads: hydration markers between dynamic texts (`<!---->`, see
        // `layout::sent_pages`) are dropped.
        let body = response.text().await.expect("body read").replace("<!---->", "");
        Page { status, body, location, set_cookies, retry_after, headers }
    }

    /// Sends a document as the upload page does: the raw bytes, the name percent-encoded.
    pub async fn upload(&self, place: &str, id: &str, name: &str, body: reqwest::Body, cookie: Option<&str>) -> Page {
        let mut request = self
            .client
            .post(format!("{}/api/documents/{place}/{id}", self.address))
            .header("x-nom-document", percent_encode(name))
            .header("sec-fetch-site", "same-origin")
            .body(body);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        let response = request.send().await.expect("request sent");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        Page {
            status,
            body: response.text().await.unwrap_or_default(),
            location: None,
            set_cookies: vec![],
            retry_after: None,
            headers,
        }
    }

    /// A document's bytes and its Content-Disposition, or the refusal's status.
    pub async fn download(&self, id: &str, cookie: Option<&str>) -> (u16, Vec<u8>, Option<String>) {
        let response = self.get_raw(&format!("/api/documents/{id}"), cookie).await;
        let disposition = response.headers().get("content-disposition").map(|value| value.to_str().unwrap().to_owned());
        (response.status().as_u16(), response.bytes().await.unwrap().to_vec(), disposition)
    }

    /// A GET whose answer is read as it is (downloads: bytes and headers).
    pub async fn get_raw(&self, path: &str, cookie: Option<&str>) -> reqwest::Response {
        let mut request = self.client.get(format!("{}{path}", self.address));
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        request.send().await.expect("request sent")
    }

    pub async fn get(&self, path: &str) -> Page {
        self.request(reqwest::Method::GET, path, None, None, &[]).await
    }

    /// Calls server function `F` at the path its `#[server]` macro gave it, as the browser's
    /// script does: a renamed endpoint moves with it, a removed one does not compile.
    pub async fn call_fn<F: ServerFn>(&self, form: &[(&str, &str)]) -> Page {
        self.call_fn_with::<F>(form, None).await
    }

    pub async fn call_fn_with<F: ServerFn>(&self, form: &[(&str, &str)], cookie: Option<&str>) -> Page {
        self.call_path(F::PATH, form, cookie).await
    }

    /// Calls the server function at `path`, a [`ServerFn::PATH`] (tables of several functions):
    /// a path no server function has fails here, instead of meeting the router's fallback.
    pub async fn call_path(&self, path: &str, form: &[(&str, &str)], cookie: Option<&str>) -> Page {
        assert!(
            leptos::server_fn::axum::server_fn_paths().any(|(registered, _)| registered == path),
            "{path} is the path of no server function"
        );
        self.request(reqwest::Method::POST, path, Some(form), cookie, &[]).await
    }

    pub async fn login(&self, (email, password): (&str, &str)) -> Page {
        self.call_fn::<Login>(&[("identifier", email), ("password", password)]).await
    }

    /// Logs in, asserting it works, and returns the session.
    pub async fn login_as(&self, account: (&str, &str)) -> Visitor {
        let page = self.login(account).await;
        assert_eq!(page.status, 200, "login of {} failed: {}", account.0, page.body);
        let cookie = page.cookie("ecars_session").expect("a session cookie");
        Visitor { app: self.clone(), cookie: format!("ecars_session={cookie}") }
    }

    pub async fn admin(self) -> Visitor {
        self.login_as(ADMIN).await
    }

    /// The messages delivered to the outbox directory so far, oldest first, decoded from
    /// quoted-printable, once the mail worker has tried everything due.
    pub async fn outbox(&self) -> Vec<String> {
        self.deliveries_settled().await;
        let mut files: Vec<_> = std::fs::read_dir(self.config.data_dir.join("outbox"))
            .expect("outbox directory")
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|extension| extension == "eml"))
            .collect();
        files.sort_by_key(|path| std::fs::metadata(path).unwrap().modified().unwrap());
        files.iter().map(|path| decode_quoted_printable(&std::fs::read_to_string(path).unwrap())).collect()
    }

    /// Waits until the mail worker has tried every message due now: what remains pending waits
    /// for a later retry.
    pub async fn deliveries_settled(&self) {
        use app::db::entities::outbox_message::{Column, DeliveryStatus, Entity};
        use sea_orm::sea_query::Condition;
        use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
        let db = self.database().await;
        // A row taken by an instance that was killed waits for its lease (30 s) to run out.
        for _ in 0..1000 {
            let now = chrono::Utc::now();
            let unsettled = Entity::find()
                .filter(Column::Status.eq(DeliveryStatus::Pending))
                .filter(Condition::any().add(Column::DueAt.lte(now)).add(Column::ClaimedUntil.gt(now)))
                .count(&db)
                .await
                .expect("outbox readable");
            if unsettled == 0 {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("the mail worker did not deliver the due messages within 50 s");
    }

    /// The last verification code mailed to `email`.
    pub async fn last_code_for(&self, email: &str) -> String {
        let message = self
            .outbox()
            .await
            .into_iter()
            .rev()
            .find(|message| message.contains(&format!("To: {email}")) && message.contains("code de vérification :"))
            .unwrap_or_else(|| panic!("no code mailed to {email}"));
        find_code(&message).expect("a code in the message")
    }

    /// A direct connection to the app's database, to move time forward in tests.
    pub async fn database(&self) -> sea_orm::DatabaseConnection {
        app::db::connect(self.config.database.as_str()).await.expect("database reachable")
    }
}

/// A plain endpoint's refusal with `status` (downloads: the answer's status and bytes), decoded as
/// the shared error type, as [`Page::error`] does.
pub fn refusal((got, body): (u16, &[u8]), status: u16) -> app::AppError {
    let body = String::from_utf8_lossy(body);
    assert_eq!(got, status, "unexpected status, answer:\n{body}");
    serde_json::from_str(&body).unwrap_or_else(|error| panic!("not an AppError ({error}):\n{body}"))
}

/// The 8-digit code alone on its line.
pub fn find_code(message: &str) -> Option<String> {
    message
        .lines()
        .map(str::trim)
        .find(|line| line.len() == 8 && line.chars().all(|c| c.is_ascii_digit()))
        .map(str::to_owned)
}

fn decode_quoted_printable(text: &str) -> String {
    let joined = text.replace("=\r\n", "").replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() {
            if let Ok(byte) = u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"), 16) {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl Visitor {
    pub async fn get(&self, path: &str) -> Page {
        self.app.request(reqwest::Method::GET, path, None, Some(&self.cookie), &[]).await
    }

    /// Calls server function `F` with this session (see [`TestApp::call_fn`]).
    pub async fn call_fn<F: ServerFn>(&self, form: &[(&str, &str)]) -> Page {
        self.app.call_fn_with::<F>(form, Some(&self.cookie)).await
    }

    /// Calls the server function at `path`, a [`ServerFn::PATH`], with this session.
    pub async fn call_path(&self, path: &str, form: &[(&str, &str)]) -> Page {
        self.app.call_path(path, form, Some(&self.cookie)).await
    }

    /// GETs page `path` and asserts it is refused with the portal's "Page introuvable" (404).
    pub async fn get_not_found(&self, path: &str) -> Page {
        let page = self.get(path).await;
        page.assert_page_not_found(path);
        page
    }

    /// Sends `form` as the file form of `page` does: to its action starting with `action`, which
    /// carries the page's CSRF token (a browser sends `Sec-Fetch-Site` too). Redirects not followed.
    pub async fn send_file_form(&self, page: &str, action: &str, form: reqwest::multipart::Form) -> Page {
        let shown = self.get(page).await;
        let found = shown.body.split("action=\"").find(|rest| rest.starts_with(action));
        let target = found.and_then(|rest| rest.split('"').next()).expect("the form's action").replace("&amp;", "&");
        let response = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
            .post(format!("{}{target}", self.app.address))
            .header("cookie", &self.cookie)
            .header("sec-fetch-site", "same-origin")
            .multipart(form)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let location = response.headers().get("location").map(|value| value.to_str().unwrap().to_owned());
        let headers = response.headers().clone();
        let body = response.text().await.unwrap_or_default();
        Page { status, body, location, set_cookies: vec![], retry_after: None, headers }
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

    /// Asserts the request was refused with `status` and the answer says each text.
    pub fn assert_refused(&self, status: u16, texts: &[&str]) {
        assert_eq!(self.status, status, "unexpected status, page:\n{}", self.body);
        for text in texts {
            assert!(self.body.contains(text), "`{text}` is missing from the answer:\n{}", self.body);
        }
    }

    /// What a server function answered, decoded as the shared type the browser decodes.
    pub fn value<T: serde::de::DeserializeOwned>(&self) -> T {
        assert!((200..300).contains(&self.status), "unexpected status {}, answer:\n{}", self.status, self.body);
        serde_json::from_str(&self.body)
            .unwrap_or_else(|error| panic!("not the expected answer ({error}):\n{}", self.body))
    }

    /// A server function's refusal with `status`, decoded as the shared error type.
    pub fn error(&self, status: u16) -> app::AppError {
        assert_eq!(self.status, status, "unexpected status, answer:\n{}", self.body);
        serde_json::from_str(&self.body).unwrap_or_else(|error| panic!("not an AppError ({error}):\n{}", self.body))
    }

    /// A refusal of what was typed (400): its message.
    pub fn invalid(&self) -> String {
        match self.error(400) {
            app::AppError::Invalid(message) => message,
            other => panic!("not a refusal of what was typed: {other:?}"),
        }
    }

    /// A change the rules forbid (409): its message.
    pub fn not_editable(&self) -> String {
        match self.error(409) {
            app::AppError::NotEditable(message) => message,
            other => panic!("not a change the rules forbid: {other:?}"),
        }
    }

    /// Asserts the answer to page `path` is the portal's "Page introuvable" (404). The router's
    /// fallback renders the same notice for an address no page has: `path` must be a page's.
    pub fn assert_page_not_found(&self, path: &str) {
        assert_eq!(self.status, 404, "{path}: unexpected status, page:\n{}", self.body);
        for text in ["<title>Page introuvable - e-CARS</title>", &app::AppError::NotFound.to_string()] {
            assert!(self.body.contains(text), "{path}: `{text}` is missing from the page:\n{}", self.body);
        }
        assert!(is_page(path), "{path} is the address of no page: the router's fallback answered");
    }

    pub fn count(&self, text: &str) -> usize {
        self.body.matches(text).count()
    }

    /// The value a `Set-Cookie` of this response gives to `name`.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.set_cookies.iter().find_map(|cookie| {
            let value = cookie.strip_prefix(&format!("{name}="))?;
            Some(value.split(';').next().unwrap_or("").to_owned())
        })
    }

    pub fn set_cookie_header(&self, name: &str) -> Option<&str> {
        self.set_cookies.iter().find(|cookie| cookie.starts_with(&format!("{name}="))).map(String::as_str)
    }
}

/// Starts the application as `ecars` would, with the demo data, on a free port.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// The same, with settings changed by `configure` first.
pub async fn spawn_app_with(configure: impl FnOnce(&mut Config)) -> TestApp {
    let data_dir = tempfile::tempdir().expect("temporary data directory");
    let mut config = Config::on_loopback(test_database(data_dir.path()).await, data_dir.path());
    configure(&mut config);
    start(config, std::sync::Arc::new(data_dir)).await
}

/// A fresh database of the kind under test: SQLite in `data_dir`, or a new PostgreSQL database.
pub async fn test_database(data_dir: &std::path::Path) -> DatabaseUrl {
    match std::env::var("ECARS_TEST_DATABASE").as_deref() {
        Ok("postgres") => fresh_postgres_database().await,
        _ => DatabaseUrl::sqlite_in(data_dir),
    }
}

/// A process the tests started: killed (SIGKILL, no chance to tidy anything) and reaped when
/// asked, or when dropped.
pub struct Child(std::process::Child);

impl Child {
    pub fn kill(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }

    /// SIGTERM, as systemd or a supervisor stops a service.
    pub fn terminate(&self) {
        let sent = std::process::Command::new("kill").args(["-TERM", &self.0.id().to_string()]).status().unwrap();
        assert!(sent.success(), "SIGTERM not sent");
    }

    /// Its exit status, once it has exited; `None` if it still runs after `within`.
    pub async fn exited(&mut self, within: std::time::Duration) -> Option<std::process::ExitStatus> {
        let started = std::time::Instant::now();
        while started.elapsed() < within {
            if let Some(status) = self.0.try_wait().unwrap() {
                return Some(status);
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        None
    }
}

impl From<std::process::Child> for Child {
    fn from(child: std::process::Child) -> Self {
        Child(child)
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        self.kill();
    }
}

/// `ecars` itself in a child process, with the demo data: for what only a real stop can show.
pub struct ServerProcess {
    pub app: TestApp,
    child: Child,
}

impl ServerProcess {
    pub async fn start(data_dir: std::sync::Arc<tempfile::TempDir>, database: &DatabaseUrl) -> Self {
        Self::start_logging(data_dir, database, "warn", None).await
    }

    /// The same, with more settings in its environment.
    pub async fn start_with(
        data_dir: std::sync::Arc<tempfile::TempDir>,
        database: &DatabaseUrl,
        settings: &[(&str, &str)],
    ) -> Self {
        Self::launch(data_dir, database, "warn", None, settings).await
    }

    /// The same, its log at `filter` (`RUST_LOG`) written to `log` when given.
    pub async fn start_logging(
        data_dir: std::sync::Arc<tempfile::TempDir>,
        database: &DatabaseUrl,
        filter: &str,
        log: Option<&std::path::Path>,
    ) -> Self {
        Self::launch(data_dir, database, filter, log, &[]).await
    }

    /// Any of the above: its log at `filter` written to `log` when given, `settings` added to
    /// its environment.
    pub async fn launch(
        data_dir: std::sync::Arc<tempfile::TempDir>,
        database: &DatabaseUrl,
        filter: &str,
        log: Option<&std::path::Path>,
        settings: &[(&str, &str)],
    ) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_ecars"));
        command
            .env("DATABASE_URL", database.as_str())
            .env("ECARS_DATA_DIR", data_dir.path())
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("ECARS_DEMO", "1")
            .env("RUST_LOG", filter)
            .env("NO_COLOR", "1")
            .envs(settings.iter().copied());
        if let Some(log) = log {
            command.stdout(std::fs::File::create(log).unwrap());
        }
        let mut child = Child(command.spawn().expect("ecars starts"));
        let config = Config::on_loopback(database.clone(), data_dir.path());
        let app = client_for(format!("http://127.0.0.1:{port}"), config, data_dir);
        for _ in 0..600 {
            if app.client.get(format!("{}/connexion", app.address)).send().await.is_ok() {
                return ServerProcess { app, child };
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        child.kill();
        panic!("ecars did not answer within a minute");
    }

    /// SIGKILL: the process gets no chance to tidy anything.
    pub fn kill(&mut self) {
        self.child.kill();
    }

    /// SIGTERM: the process stops as it does under systemd.
    pub fn terminate(&self) {
        self.child.terminate();
    }

    pub async fn exited(&mut self, within: std::time::Duration) -> Option<std::process::ExitStatus> {
        self.child.exited(within).await
    }
}

async fn start(config: Config, data_dir: std::sync::Arc<tempfile::TempDir>) -> TestApp {
    pages();
    let app = Application::build(config.clone()).await.expect("the application starts");
    let address = format!("http://{}", app.address());
    tokio::spawn(app.run_until_stopped());
    client_for(address, config, data_dir)
}

/// The addresses of the app's pages (`/contrats/{id}`...), listed once, before any instance of the
/// app serves in this process: listing runs the app under a process-wide switch that would leave a
/// page being served meanwhile pending (see `route_list` in the server's `startup`). [`start`]
/// lists them before it builds an instance, so whoever lists them first, nothing serves yet.
fn pages() -> &'static [String] {
    static PAGES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    PAGES.get_or_init(|| {
        let listing = || leptos::prelude::provide_context(app::state::ListingRoutes);
        let (routes, _) = leptos_axum::generate_route_list_with_exclusions_and_ssg_and_context(app::App, None, listing);
        routes.iter().map(|route| route.path().to_owned()).collect()
    })
}

/// `path` (a query aside) is the address of one of the app's pages.
fn is_page(path: &str) -> bool {
    let segments = |address: &str| -> Vec<String> {
        address.split('?').next().unwrap_or_default().trim_matches('/').split('/').map(str::to_owned).collect()
    };
    let path = segments(path);
    pages().iter().map(|page| segments(page)).any(|page| {
        page.len() == path.len()
            && page
                .iter()
                .zip(&path)
                .all(|(pattern, segment)| pattern == segment || (pattern.starts_with('{') && !segment.is_empty()))
    })
}

fn client_for(address: String, config: Config, data_dir: std::sync::Arc<tempfile::TempDir>) -> TestApp {
    TestApp { address, client: client_from(None), config, _data_dir: data_dir }
}

/// A fresh connection per request, and a request without an answer fails its test after a
/// minute instead of stalling the whole run (as happened before `startup::route_list`).
fn client_from(source: Option<std::net::IpAddr>) -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(0)
        .timeout(std::time::Duration::from_secs(60))
        .local_address(source)
        .build()
        .unwrap()
}

impl TestApp {
    /// The same app, requested from another loopback address (127.0.0.`n`): another client for
    /// the per-address limits.
    pub fn seen_from(&self, n: u8) -> TestApp {
        TestApp { client: client_from(Some([127, 0, 0, n].into())), ..self.clone() }
    }
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

/// What `encodeURIComponent` does in the browser.
pub fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'!' | b'~' | b'*' | b'\'' | b'(' | b')' => {
                (byte as char).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

/// The demo contract of the guide, "CAQES TEST" of the CHU.
pub async fn caqes_test(app: &TestApp) -> app::db::entities::contract::Model {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let db = app.database().await;
    let contracts = app::db::entities::contract::Entity::find();
    contracts.filter(app::db::entities::contract::Column::Name.eq("CAQES TEST")).one(&db).await.unwrap().unwrap()
}

/// Where the current evaluation of "CAQES TEST" stands: its phase and its closing in force.
#[derive(Debug)]
pub struct EvaluationNow {
    pub phase: app::contracts::Phase,
    pub closed_at: Option<chrono::DateTime<chrono::Utc>>,
    pub closed_by: Option<i32>,
}

/// The indicators of contract `contract_id`'s current evaluation (earlier years have the same codes).
pub async fn current_indicators(
    app: &TestApp,
    contract_id: i32,
) -> sea_orm::Select<app::db::entities::indicator::Entity> {
    use app::db::entities::indicator;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let evaluation =
        app::evaluation::years::server::current(&app.database().await, ecars_core::ids::ContractId(contract_id))
            .await
            .unwrap();
    indicator::Entity::find().filter(indicator::Column::EvaluationId.eq(evaluation.id))
}

/// The question coded `code` (1.1.1.a...) of evaluation `evaluation_id`.
pub async fn question_coded(
    db: &sea_orm::DatabaseConnection,
    evaluation_id: i32,
    code: &str,
) -> app::db::entities::indicator::Model {
    use app::db::entities::indicator;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    indicator::Entity::find()
        .filter(indicator::Column::EvaluationId.eq(evaluation_id))
        .filter(indicator::Column::Code.eq(code))
        .one(db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no question {code} in evaluation {evaluation_id}"))
}

pub async fn caqes_test_evaluation(app: &TestApp) -> EvaluationNow {
    use app::evaluation::years::server as years;
    let db = app.database().await;
    let evaluation = years::current(&db, ecars_core::ids::ContractId(caqes_test(app).await.id)).await.unwrap();
    let closing = years::closing_in_force(&db, ecars_core::ids::EvaluationId(evaluation.id)).await.unwrap();
    EvaluationNow {
        phase: evaluation.phase,
        closed_at: closing.as_ref().map(|closing| closing.closed_at),
        closed_by: closing.and_then(|closing| closing.closed_by),
    }
}

/// A TCP proxy between the app and a server it needs (PostgreSQL, the S3 store) that can drop
/// every connection and refuse new ones for a while, as a host that goes away does.
pub struct TcpLink {
    pub port: u16,
    up: tokio::sync::watch::Sender<bool>,
}

impl TcpLink {
    pub async fn start(upstream: std::net::SocketAddr) -> TcpLink {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (up, watch) = tokio::sync::watch::channel(true);
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if !*watch.borrow() {
                    continue; // dropped: the connection is refused
                }
                let mut down = watch.clone();
                tokio::spawn(async move {
                    let Ok(mut server) = tokio::net::TcpStream::connect(upstream).await else { return };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                        _ = down.wait_for(|up| !*up) => {} // both sockets dropped mid-conversation
                    }
                });
            }
        });
        TcpLink { port, up }
    }

    pub fn set_up(&self, up: bool) {
        self.up.send_replace(up);
    }
}

/// moto's S3 server on loopback, started once for the whole run (`make test` installs it next
/// to aiosmtpd); each test takes a bucket of its own.
pub struct S3Server {
    endpoint: String,
    _child: std::sync::Mutex<std::process::Child>,
}

impl S3Server {
    pub fn shared() -> &'static S3Server {
        static SERVER: std::sync::OnceLock<S3Server> = std::sync::OnceLock::new();
        SERVER.get_or_init(|| {
            let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
            let python = std::env::var("ECARS_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
            // A shared server outlives every test but not the run: the shell stops it once the test
            // process is gone (statics are never dropped).
            let watch = r#""$0" -m moto.server -H 127.0.0.1 -p "$1" & moto=$!
                while kill -0 "$PPID" 2>/dev/null; do sleep 1; done; kill "$moto""#;
            let child = std::process::Command::new("sh")
                .args(["-c", watch, &python, &port.to_string()])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap_or_else(|error| panic!("cannot start moto with {python}: {error}"));
            let started = std::time::Instant::now();
            while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
                assert!(started.elapsed().as_secs() < 30, "moto did not start (is it installed for {python}?)");
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            S3Server { endpoint: format!("http://127.0.0.1:{port}"), _child: std::sync::Mutex::new(child) }
        })
    }

    pub async fn fresh_bucket(&self) -> app::documents::store::S3Settings {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let bucket = format!("ecars-{}-{}", std::process::id(), COUNTER.fetch_add(1, Ordering::SeqCst));
        let created = reqwest::Client::new().put(format!("{}/{bucket}", self.endpoint)).send().await.unwrap();
        assert!(created.status().is_success(), "bucket {bucket} not created: {}", created.status());
        app::documents::store::S3Settings {
            url: format!("s3://{bucket}"),
            endpoint: Some(self.endpoint.clone()),
            region: "us-east-1".to_owned(),
            access_key_id: "test".to_owned(),
            secret_access_key: "test".to_owned(),
        }
    }

    /// The port moto listens on.
    pub fn port(&self) -> u16 {
        self.endpoint.rsplit(':').next().and_then(|port| port.parse().ok()).unwrap()
    }

    /// The keys of the objects in the bucket.
    pub async fn objects(&self, settings: &app::documents::store::S3Settings) -> Vec<String> {
        use futures_util::StreamExt;
        let store = settings.connect().unwrap();
        store.list(None).map(|object| object.unwrap().location.to_string()).collect().await
    }
}

/// Debian's ClamAV daemon on a socket of its own, with the one signature the test writes: the
/// EICAR test file (`make test` installs the `clamav-daemon` package).
pub struct Clamd {
    pub socket: std::path::PathBuf,
    child: Child,
    _dir: tempfile::TempDir,
}

/// The antivirus test file every scanner flags: harmless text, built here rather than stored.
pub const EICAR: &[u8] = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

impl Clamd {
    pub async fn start() -> Clamd {
        let dir = tempfile::tempdir().unwrap();
        let database = dir.path().join("signatures");
        std::fs::create_dir(&database).unwrap();
        // A body signature (.ndb): name, any file type, anywhere, the bytes in hexadecimal.
        let body: String = b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE".iter().map(|byte| format!("{byte:02x}")).collect();
        std::fs::write(database.join("ecars-test.ndb"), format!("Ecars.Test.EICAR:0:*:{body}\n")).unwrap();
        let socket = dir.path().join("clamd.sock");
        let config = dir.path().join("clamd.conf");
        std::fs::write(
            &config,
            format!(
                // As the README asks: what it cannot scan whole, or cannot open, is flagged.
                "Foreground yes\nLocalSocket {}\nDatabaseDirectory {}\nLogFile {}\nStreamMaxLength 100M\n\
                 MaxFileSize 100M\nMaxScanSize 400M\nAlertExceedsMax yes\nAlertEncrypted yes\n",
                socket.display(),
                database.display(),
                dir.path().join("clamd.log").display()
            ),
        )
        .unwrap();
        let clamd = ["/usr/sbin/clamd", "/usr/bin/clamd"].into_iter().find(|path| std::path::Path::new(path).exists());
        let clamd = clamd.expect("clamd is installed (make setup-test-servers installs clamav-daemon)");
        let child = Child(
            std::process::Command::new(clamd)
                .arg("--config-file")
                .arg(&config)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .expect("clamd starts"),
        );
        for _ in 0..600 {
            if tokio::net::UnixStream::connect(&socket).await.is_ok() {
                return Clamd { socket, child, _dir: dir };
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!(
            "clamd did not listen within a minute: {}",
            std::fs::read_to_string(dir.path().join("clamd.log")).unwrap_or_default()
        );
    }

    pub fn stop(&mut self) {
        self.child.kill();
    }
}
