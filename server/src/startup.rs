//! Start-up: check the data directory, open and migrate the database, load the demo data,
//! bind the address, and build the router. Integration tests start the app the same way on port 0.

use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use axum::http::{header, HeaderValue};
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{
    file_and_error_handler_with_context, generate_route_list_with_exclusions_and_ssg_and_context, AxumRouteListing,
    LeptosRoutes,
};
use migrations::{Migrator, MigratorTrait};
use sea_orm::{DatabaseConnection, DbErr};
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;

use app::accounts::middleware::gate;
use app::accounts::rate_limit::RateLimiter;
use app::accounts::secrets::{MessageKey, PasswordHashing};
use app::accounts::security_log::{SecurityJournal, SecurityRecord};
use app::accounts::security_worker::write_to_journal;
use app::administration::staging::Staging;
use app::documents::store::{DocumentStore, RemoteStore};
use app::documents::web::{download, download_all, upload};
use app::evaluation::service::TreeShapes;
use app::mail::outbox::{Outbox, Worker};
use app::mail::{MailConfigError, Mailer};
use app::operations::shutdown::Stopping;
use app::state::{AppState, Settings};
use ecars_core::routes::{
    DOCUMENT_ROUTE, DOCUMENT_UPLOAD_ROUTE, DOCUMENT_ZIP_ROUTE, FINESS_UPLOAD_ROUTE, JOURNAL_EXPORT_ROUTE,
    NATIONAL_VALUES_UPLOAD_ROUTE, REFERENTIAL_TEMPLATE_ROUTE, REFERENTIAL_UPLOAD_ROUTE, SAMPLE_ROUTE,
};

use crate::config::{Config, DatabaseUrl};

/// How long the workers get to finish once the requests are: a mail being sent is bounded by the
/// SMTP timeout, which is shorter.
const WORKERS_STOP: std::time::Duration = std::time::Duration::from_secs(30);

/// Why the application could not start; each is printed as one line before exiting.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("data directory {path} is not usable: {source}")]
    DataDir { path: PathBuf, source: io::Error },
    #[error("cannot open the database {url}: {source}")]
    Database { url: DatabaseUrl, source: DbErr },
    #[error("cannot migrate the database: {0}")]
    Migration(DbErr),
    #[error("cannot list the stored documents: {0}")]
    Documents(DbErr),
    #[error("document store {store} is not usable: {reason}")]
    DocumentStore { store: String, reason: String },
    #[error("cannot load the demo data: {0}")]
    Demo(DbErr),
    #[error("{0}")]
    Mail(#[from] MailConfigError),
    #[error("the secret key is not usable: {0}")]
    SecretKey(String),
    #[error("cannot listen on {addr}: {source}")]
    Listen { addr: SocketAddr, source: io::Error },
}

pub struct Application {
    listener: TcpListener,
    address: SocketAddr,
    router: Router,
    mail: Worker,
    /// Security events to write to the journal, and the database they go to.
    security_events: (DatabaseConnection, tokio::sync::mpsc::Receiver<SecurityRecord>),
    /// The end-of-campaign reminders, looked for at start and then every hour.
    reminders: std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>,
    /// The weekly digest of the follow-up, looked for at start and then every quarter of an hour.
    digest: std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>,
    /// Told to the workers once the requests in flight are finished.
    stopping: Stopping,
}

impl Application {
    pub async fn build(config: Config) -> Result<Self, StartError> {
        app::db::set_agency_time_zone(config.time_zone);
        app::operations::metrics::install();
        let db = open_database(&config).await?;
        let hashing = password_hashing();
        let message_key = message_key(&config)?;
        let (outbox, mail) = mail_services(&config, db.clone())?;
        let stopping = mail.stopping.clone();
        let documents = open_documents(&config, &db).await?;
        if config.demo {
            let loaded = app::demo::load(&db, &hashing).await.map_err(StartError::Demo)?;
            tracing::info!(loaded, "demo data and accounts checked");
        }
        let listener = TcpListener::bind(config.site_addr)
            .await
            .map_err(|source| StartError::Listen { addr: config.site_addr, source })?;
        let address = listener.local_addr().map_err(|source| StartError::Listen { addr: config.site_addr, source })?;
        // `cargo leptos build` writes the site's hashed file names beside the binary; without
        // them (tests, a plain `cargo build`) the names are plain.
        let hash_files = std::env::current_exe()
            .ok()
            .and_then(|exe| Some(exe.parent()?.join("hash.txt")))
            .is_some_and(|file| file.is_file());
        let options = LeptosOptions::builder()
            .output_name("ecars")
            .hash_files(hash_files)
            .site_root(config.site_root.to_string_lossy().into_owned())
            .site_pkg_dir("pkg")
            .site_addr(address)
            .build();
        let (security_journal, security_events) = SecurityJournal::new();
        let security_events = (db.clone(), security_events);
        let state = AppState {
            db,
            settings: std::sync::Arc::new(Settings {
                public_url: config.public_url.clone(),
                sessions: config.sessions,
                max_document_bytes: config.max_document_bytes,
                trusted_proxies: config.trusted_proxies.clone(),
                clamd: config.clamd.clone(),
                demo: config.demo,
                operator: config.operator.clone(),
                metrics_token: config.metrics_token.clone(),
            }),
            hashing,
            message_key,
            limiter: RateLimiter::default(),
            outbox,
            documents,
            archives: Default::default(),
            exports: app::documents::delivery::ArchiveSlots::for_exports(),
            staging: Staging::new(config.data_dir.join("imports")),
            tree_shapes: TreeShapes::default(),
            security_journal,
            clock: config.clock.clone(),
        };
        let reminders = Box::pin(app::campaigns::reminders::server::run(
            state.db.clone(),
            state.tree_shapes.clone(),
            state.outbox.clone(),
            config.public_url.clone(),
            state.clock.clone(),
            stopping.clone(),
        ));
        let digest: std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> = match config.digest {
            Some(schedule) => Box::pin(app::follow_up::digest::server::run(
                state.db.clone(),
                state.outbox.clone(),
                config.public_url.clone(),
                schedule,
                state.clock.clone(),
                stopping.clone(),
            )),
            None => Box::pin(std::future::ready(())),
        };
        Ok(Application {
            listener,
            address,
            router: router(options, state),
            mail,
            security_events,
            reminders,
            digest,
            stopping,
        })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Serves until SIGINT or SIGTERM, delivering the outbox's mail meanwhile. Then new
    /// connections are refused, the requests in flight are finished, and the workers finish what
    /// they are doing and end (for [`WORKERS_STOP`] at most).
    pub async fn run_until_stopped(self) -> io::Result<()> {
        let mut workers = tokio::task::JoinSet::new();
        workers.spawn(self.mail.run());
        let (db, events) = self.security_events;
        workers.spawn(write_to_journal(db, events, self.stopping.clone()));
        workers.spawn(self.reminders);
        workers.spawn(self.digest);
        // The peer address feeds the per-address limits on logins and code requests.
        let service = self.router.into_make_service_with_connect_info::<SocketAddr>();
        let served = axum::serve(self.listener, service).with_graceful_shutdown(shutdown_signal()).await;
        tracing::info!("requests finished, stopping the workers");
        self.stopping.cancel();
        match tokio::time::timeout(WORKERS_STOP, workers.join_all()).await {
            Ok(_) => tracing::info!("e-CARS stopped cleanly"),
            Err(_) => tracing::warn!("workers still busy after {WORKERS_STOP:?}, stopped anyway"),
        }
        served
    }
}

/// Prepares the data directory, connects and applies the migrations: what `ecars migrate` does.
pub async fn open_database(config: &Config) -> Result<DatabaseConnection, StartError> {
    prepare_data_dir(&config.data_dir)?;
    let mut db = app::db::connect(config.database.as_str())
        .await
        .map_err(|source| StartError::Database { url: config.database.clone(), source })?;
    Migrator::up(&db, None).await.map_err(StartError::Migration)?;
    app::db::watch_statements(&mut db, app::operations::metrics::database_statement, config.statement_observer.clone());
    Ok(db)
}

/// `ECARS_SECRET_KEY`, or the key of `<data dir>/secret.key`, generated the first time (readable
/// by the server's user only).
fn message_key(config: &Config) -> Result<MessageKey, StartError> {
    if let Some(secret) = &config.secret_key {
        return MessageKey::from_secret(secret).ok_or(StartError::SecretKey("ECARS_SECRET_KEY is too short".into()));
    }
    let path = config.data_dir.join("secret.key");
    let fail = |error: io::Error| StartError::SecretKey(format!("{}: {error}", path.display()));
    match std::fs::read_to_string(&path) {
        Ok(text) => MessageKey::from_hex(&text)
            .ok_or_else(|| StartError::SecretKey(format!("{} does not hold a key", path.display()))),
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            let key = MessageKey::generate();
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut file = options.open(&path).map_err(fail)?;
            std::io::Write::write_all(&mut file, key.to_hex().as_bytes()).map_err(fail)?;
            file.sync_all().map_err(fail)?;
            Ok(key)
        }
        Err(error) => Err(fail(error)),
    }
}

/// At most one password hash per core at a time.
pub fn password_hashing() -> PasswordHashing {
    PasswordHashing::new(std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2))
}

/// The outbox requests queue mail in, and the worker that delivers it.
pub fn mail_services(config: &Config, db: DatabaseConnection) -> Result<(Outbox, Worker), StartError> {
    let mailer = Mailer::new(config.smtp_url.as_deref(), config.data_dir.join("outbox"), &config.mail_from)?;
    let outbox = Outbox::default();
    let stopping = Stopping::new();
    Ok((outbox.clone(), Worker { db, mailer, outbox, policy: config.mail_retry, stopping }))
}

/// Creates the data directory and its sub-directories, and proves it is writable now
/// rather than at the first upload.
fn prepare_data_dir(path: &Path) -> Result<(), StartError> {
    let fail = |source| StartError::DataDir { path: path.to_owned(), source };
    for sub in ["documents", "outbox"] {
        std::fs::create_dir_all(path.join(sub)).map_err(fail)?;
    }
    let probe = path.join(".write-test");
    std::fs::write(&probe, b"ok").map_err(fail)?;
    std::fs::remove_file(&probe).map_err(fail)
}

/// The document store. Uploads a stop cut off are removed; stored files without a database row
/// (a stop between the move into place and the commit) are reported, never removed.
async fn open_documents(config: &Config, db: &DatabaseConnection) -> Result<DocumentStore, StartError> {
    let root = config.data_dir.join("documents");
    let (store, removed) = DocumentStore::open(&root, remote_documents(config)?)
        .await
        .map_err(|source| StartError::DataDir { path: root.clone(), source })?;
    if removed > 0 {
        tracing::warn!(removed, "unfinished uploads removed");
    }
    // Listing the stored files also proves the store is reachable before the first upload.
    let known = app::documents::service::stored_names(db).await.map_err(StartError::Documents)?;
    let unknown = store
        .unknown_files(&known)
        .await
        .map_err(|error| StartError::DocumentStore { store: store.describe(), reason: error.to_string() })?;
    tracing::info!(store = %store.describe(), "documents stored");
    if !unknown.is_empty() {
        tracing::warn!(count = unknown.len(), files = ?unknown, "stored documents without a database row (kept)");
    }
    Ok(store)
}

/// The object store holding the documents, if one is configured.
fn remote_documents(config: &Config) -> Result<Option<RemoteStore>, StartError> {
    match &config.documents_s3 {
        Some(s3) => {
            Ok(Some(s3.connect().map_err(|reason| StartError::DocumentStore { store: s3.url.clone(), reason })?))
        }
        None => Ok(None),
    }
}

/// The document store for a command: beside the running portal (a backup: its uploads in
/// progress are left alone), or in its stead (a restore: what a stop cut off is removed).
pub async fn command_documents(config: &Config, portal_running: bool) -> Result<DocumentStore, StartError> {
    let root = config.data_dir.join("documents");
    let remote = remote_documents(config)?;
    if portal_running {
        return Ok(DocumentStore::beside_portal(root, remote));
    }
    let (store, _) = DocumentStore::open(&root, remote)
        .await
        .map_err(|source| StartError::DataDir { path: root.clone(), source })?;
    Ok(store)
}

/// The app's routes, listed once per process. Listing them runs the app under a process-wide
/// switch that leaves pending for good any resource first polled meanwhile, on any thread (leptos
/// issue #4773): when the integration tests started an instance of the app while another served a
/// page, that page now and then never answered. Listed once, before any instance serves, the
/// switch is never on while a page renders.
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES
        .get_or_init(|| {
            let listing = || provide_context(app::state::ListingRoutes);
            generate_route_list_with_exclusions_and_ssg_and_context(app::App, None, listing).0
        })
        .clone()
}

fn router(options: LeptosOptions, state: AppState) -> Router {
    let routes = route_list();
    let context = {
        let state = state.clone();
        move || state.provide_context()
    };
    let shell = {
        let options = options.clone();
        move || app::shell(options.clone())
    };
    let router = Router::new()
        .route(DOCUMENT_UPLOAD_ROUTE, axum::routing::post(upload))
        .route(DOCUMENT_ROUTE, axum::routing::get(download))
        .route(DOCUMENT_ZIP_ROUTE, axum::routing::get(download_all))
        .route(FINESS_UPLOAD_ROUTE, axum::routing::post(app::administration::web::upload))
        .route(REFERENTIAL_UPLOAD_ROUTE, axum::routing::post(app::referentials::web::upload))
        .route(REFERENTIAL_TEMPLATE_ROUTE, axum::routing::get(app::referentials::web::template))
        .route(NATIONAL_VALUES_UPLOAD_ROUTE, axum::routing::post(app::campaigns::national_values_web::upload))
        .route(JOURNAL_EXPORT_ROUTE, axum::routing::get(app::administration::web::journal_export))
        .route(ecars_core::routes::FOLLOW_UP_EXPORT_ROUTE, axum::routing::get(app::follow_up::web::export))
        .route(SAMPLE_ROUTE, axum::routing::get(app::administration::web::demo_sample))
        .route(ecars_core::routes::ALIVE_PATH, axum::routing::get(app::operations::health::alive))
        .route(ecars_core::routes::READY_PATH, axum::routing::get(app::operations::health::ready))
        .route(ecars_core::routes::METRICS_PATH, axum::routing::get(app::operations::scrape::scrape))
        // The upload streams to disk under its own limit; axum's default body limit would cut it.
        .layer(axum::extract::DefaultBodyLimit::disable())
        .layer(axum::Extension(state.clone()))
        .leptos_routes_with_context(&options, routes, context.clone(), shell)
        .fallback(file_and_error_handler_with_context(context, app::shell))
        .layer(axum::middleware::from_fn_with_state(state, gate))
        .layer(axum::middleware::from_fn(app::layout::sent_pages::finish_pages))
        .layer(CompressionLayer::new())
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        // So that every answer counts, the gate's refusals included.
        .layer(axum::middleware::from_fn(app::operations::metrics::track));
    // Outermost: every request has its id and span, whatever answers it.
    crate::requests::traced(router).with_state(options)
}

async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {},
        _ = terminate => {},
    }
}
