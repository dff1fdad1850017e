//! The configuration, in one typed place: flags, or the environment variables they name.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use app::accounts::client::TrustedProxies;
use app::accounts::sessions::SessionLimits;
use app::documents::antivirus::Clamd;
use app::documents::store::S3Settings;
use app::follow_up::digest::server::DigestSchedule;
use app::mail::outbox::RetryPolicy;
use app::operations::metrics::MetricsToken;
use app::public_service::Operator;

use clap::{Parser, Subcommand};

/// How log lines are written (`ECARS_LOG_FORMAT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Parser)]
#[command(
    name = "ecars",
    version,
    about = "e-CARS: contracts between a regional health agency and the establishments it funds"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Database URL: `sqlite://path/to/file.db` or `postgres://user@host:port/database`.
    /// Default: the SQLite file `ecars.db` in the data directory.
    #[arg(long, env = "DATABASE_URL", global = true)]
    pub database_url: Option<String>,

    /// Directory for the SQLite database, documents and the mail outbox.
    #[arg(long, env = "ECARS_DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,

    /// Address and port to listen on.
    #[arg(long, env = "LEPTOS_SITE_ADDR", default_value = "127.0.0.1:3000", global = true)]
    pub site_addr: String,

    /// Directory of the built site (WASM, CSS, assets), as produced by `cargo leptos build`.
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site", global = true)]
    pub site_root: PathBuf,

    /// Time zone of the agencies served: every date and time shown is in it, and a day ends at its
    /// midnight there (tz database names: Europe/Paris, America/Cayenne, Indian/Reunion...).
    #[arg(long, env = "ECARS_TIME_ZONE", default_value = "Europe/Paris", global = true)]
    pub time_zone: String,

    /// Log lines as text (`text`, the default) or as one JSON object per line (`json`), for a log
    /// collector. `RUST_LOG` chooses what is logged either way (default `info`).
    #[arg(long, env = "ECARS_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,

    /// Load the demo data at start (idempotent). `ECARS_DEMO=1` enables it, `0` disables it.
    #[arg(long, env = "ECARS_DEMO", global = true, action = clap::ArgAction::SetTrue,
          value_parser = clap::builder::FalseyValueParser::new())]
    pub demo: bool,

    /// SMTP server for outgoing mail, e.g. `smtp://127.0.0.1:2525` or `smtps://user:password@host`.
    /// Without it, each message is written as an `.eml` file in `<data dir>/outbox/`.
    #[arg(long, env = "ECARS_SMTP_URL", global = true)]
    pub smtp_url: Option<String>,

    /// Sender of the portal's emails.
    #[arg(long, env = "ECARS_MAIL_FROM", default_value = "e-CARS <ne-pas-repondre@ecars.exemple.fr>", global = true)]
    pub mail_from: String,

    /// Tries to deliver each message before it is marked failed in the outbox (retries after 5,
    /// 10, 20, 40 s..., then hourly).
    #[arg(long, env = "ECARS_MAIL_ATTEMPTS", default_value_t = RetryPolicy::default().attempts, global = true)]
    pub mail_attempts: i32,

    /// Address users reach the portal at, for links in emails.
    #[arg(long, env = "ECARS_PUBLIC_URL", default_value = "http://127.0.0.1:3000", global = true)]
    pub public_url: String,

    /// A session ends after this many minutes without a request.
    #[arg(long, env = "ECARS_SESSION_IDLE_MINUTES", default_value_t = 30, global = true)]
    pub session_idle_minutes: u64,

    /// A session ends this many hours after login, whatever the activity.
    #[arg(long, env = "ECARS_SESSION_MAX_HOURS", default_value_t = 12, global = true)]
    pub session_max_hours: u64,

    /// Largest document accepted, in megabytes (checked while the upload streams in).
    #[arg(long, env = "ECARS_MAX_DOCUMENT_MB", default_value_t = 50, global = true)]
    pub max_document_mb: u64,

    /// Keep documents in an S3-compatible object store instead of the data directory, e.g.
    /// `s3://ecars-documents` (several app instances can then share them). Credentials from
    /// AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.
    #[arg(long, env = "ECARS_DOCUMENTS_S3", global = true)]
    pub documents_s3: Option<String>,

    /// The object store's address when it is not AWS, e.g. `http://127.0.0.1:9000`.
    #[arg(long, env = "ECARS_S3_ENDPOINT", global = true)]
    pub s3_endpoint: Option<String>,

    #[arg(long, env = "ECARS_S3_REGION", default_value = "us-east-1", global = true)]
    pub s3_region: String,

    #[arg(long, env = "AWS_ACCESS_KEY_ID", hide_env_values = true, global = true)]
    pub s3_access_key_id: Option<String>,

    #[arg(long, env = "AWS_SECRET_ACCESS_KEY", hide_env_values = true, global = true)]
    pub s3_secret_access_key: Option<String>,

    /// The server's secret (32 characters at least), which signs the messages shown after a form
    /// is posted without JavaScript. Several instances share it. Without it, a key is generated
    /// once into `<data dir>/secret.key`.
    #[arg(long, env = "ECARS_SECRET_KEY", hide_env_values = true, global = true)]
    pub secret_key: Option<String>,

    /// Reverse proxies in front of the portal (addresses or CIDR networks, comma-separated, e.g.
    /// `127.0.0.1, 10.0.0.0/8`): only from them are `X-Forwarded-For` (the client's address, for
    /// the per-client limits) and `X-Forwarded-Proto` (https) believed. Empty: the portal faces
    /// users directly and counts each connection's own address.
    #[arg(long, env = "ECARS_TRUSTED_PROXIES", default_value = "", global = true)]
    pub trusted_proxies: String,

    /// The token (32 characters at least) Prometheus presents as `Authorization: Bearer ...` to
    /// read `/metrics`. Without it, `/metrics` does not exist.
    #[arg(long, env = "ECARS_METRICS_TOKEN", hide_env_values = true, global = true)]
    pub metrics_token: Option<String>,

    /// ClamAV's daemon, which scans every upload before it is stored: its socket
    /// (`/run/clamav/clamd.ctl`) or address (`127.0.0.1:3310`). While it cannot be reached,
    /// uploads are refused. Its `StreamMaxLength` must be at least `ECARS_MAX_DOCUMENT_MB`.
    #[arg(long, env = "ECARS_CLAMD", global = true)]
    pub clamd: Option<String>,

    /// Day the weekly digest of the follow-up goes to referents, in French (lundi ... dimanche), or
    /// `aucun` for none.
    #[arg(long, env = "ECARS_DIGEST_DAY", default_value = "lundi", global = true)]
    pub digest_day: String,

    /// The agency running the portal, as the footer and the legal pages ("Mentions légales",
    /// "Données personnelles", "Déclaration d'accessibilité") name it. Default: the guides' values.
    #[arg(long, env = "ECARS_AGENCY_NAME", global = true)]
    pub agency_name: Option<String>,

    /// Its postal address.
    #[arg(long, env = "ECARS_AGENCY_ADDRESS", global = true)]
    pub agency_address: Option<String>,

    /// "Directeur de la publication".
    #[arg(long, env = "ECARS_PUBLICATION_DIRECTOR", global = true)]
    pub publication_director: Option<String>,

    /// The portal's support, shown before login and to accounts of no agency.
    #[arg(long, env = "ECARS_SUPPORT_EMAIL", global = true)]
    pub support_email: Option<String>,

    #[arg(long, env = "ECARS_SUPPORT_PHONE", global = true)]
    pub support_phone: Option<String>,

    /// "Une question d'ordre métier".
    #[arg(long, env = "ECARS_QUALITY_EMAIL", global = true)]
    pub quality_email: Option<String>,

    /// The data protection officer, on "Données personnelles".
    #[arg(long, env = "ECARS_DPO_EMAIL", global = true)]
    pub dpo_email: Option<String>,

    /// Who hosts the servers, on "Mentions légales".
    #[arg(long, env = "ECARS_HOST", global = true)]
    pub host: Option<String>,

    /// Hour (0 to 23, in `ECARS_TIME_ZONE`) from which the weekly digest goes out that day.
    #[arg(long, env = "ECARS_DIGEST_HOUR", default_value_t = 8, global = true)]
    pub digest_hour: u32,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the portal (the default).
    Serve,
    /// Apply the database migrations, then exit.
    Migrate,
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Save the database (SQLite; PostgreSQL's is pg_dump's) and every document into a new
    /// folder, while the portal serves.
    Backup {
        /// A folder that does not exist yet, or an empty one.
        dir: PathBuf,
    },
    /// Demo data.
    #[command(subcommand)]
    Demo(DemoCommand),
    /// Put a backup back: its SQLite database (stop the portal first), then every document the
    /// store lacks, each checked against its SHA-256.
    Restore {
        /// The folder `ecars backup` wrote.
        dir: PathBuf,
        /// Replace a database that already holds data.
        #[arg(long)]
        overwrite: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum DemoCommand {
    /// Fill the database with national-size data after the demo (for measurements): legal
    /// entities spread over the agencies, each with an account `etablissement-NNNNN@generation.exemple.fr`
    /// (password `Generation-Demo-2026!`) and a 500-question CAQES evaluated every year.
    Generate {
        #[arg(long, default_value_t = 3000)]
        entities: usize,
        #[arg(long, default_value_t = 5)]
        years: usize,
        /// The last day of a campaign: the current year answered but for its last ten or so
        /// questions (otherwise half answered), as `make loadtest` uses it.
        #[arg(long)]
        last_day: bool,
        /// Every entity in this region's agency ("Auvergne-Rhône-Alpes"), as one region's last
        /// day; otherwise spread over the eighteen regions (the missing agencies are added).
        #[arg(long)]
        region: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account flagged "must renew" and email the person an initial password.
    Add {
        /// The person's email address, which is also the identifier.
        #[arg(long)]
        email: String,
        /// `establishment` (fills its entities' evaluations), `referent` (reads the entities it
        /// follows), `admin` (administers its agency) or `national-admin` (creates the agencies).
        #[arg(long)]
        role: String,
        /// FINESS number of a legal entity the account is attached to (or follows); repeatable.
        #[arg(long = "entity")]
        entities: Vec<String>,
        /// The agency of an `admin` (required) or a `referent` (else that of its entities), by name.
        #[arg(long)]
        agency: Option<String>,
    },
}

/// The validated configuration the application starts from.
#[derive(Debug, Clone)]
pub struct Config {
    pub database: DatabaseUrl,
    pub data_dir: PathBuf,
    pub site_addr: SocketAddr,
    pub site_root: PathBuf,
    pub demo: bool,
    pub time_zone: app::db::TimeZone,
    pub smtp_url: Option<String>,
    pub mail_from: String,
    pub mail_retry: RetryPolicy,
    /// Without a trailing slash.
    pub public_url: String,
    pub sessions: SessionLimits,
    pub max_document_bytes: u64,
    /// `None`: a key generated once into the data directory.
    pub secret_key: Option<String>,
    pub trusted_proxies: TrustedProxies,
    /// `None`: no `/metrics`.
    pub metrics_token: Option<MetricsToken>,
    /// `None`: uploads are not scanned.
    pub clamd: Option<Clamd>,
    /// `None`: documents in `<data dir>/documents/files`.
    pub documents_s3: Option<S3Settings>,
    /// The system's time; tests pin it.
    pub clock: ecars_core::time::Clock,
    /// When the weekly digest of the follow-up goes out; none: never (the tests drive it themselves).
    pub digest: Option<DigestSchedule>,
    /// The agency running the portal (footer, legal pages).
    pub operator: Operator,
    /// Told of every database statement (tests); none in service.
    pub statement_observer: Option<app::db::StatementObserver>,
}

/// A database URL the application knows how to open.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    pub fn parse(url: &str) -> Result<Self, ConfigError> {
        if url.starts_with("sqlite:") || url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(DatabaseUrl(url.to_owned()))
        } else {
            Err(ConfigError::DatabaseUrl(redact(url)))
        }
    }

    /// The default: a SQLite file in the data directory, created if missing.
    pub fn sqlite_in(data_dir: &std::path::Path) -> Self {
        DatabaseUrl(format!("sqlite://{}?mode=rwc", data_dir.join("ecars.db").display()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_sqlite(&self) -> bool {
        self.0.starts_with("sqlite:")
    }
}

/// Never print a password that a URL may carry.
impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&redact(&self.0))
    }
}

impl std::fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&redact(&self.0))
    }
}

fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("DATABASE_URL `{0}` is not supported: use sqlite://path/to/file.db or postgres://user@host:port/database")]
    DatabaseUrl(String),
    #[error("LEPTOS_SITE_ADDR `{0}` is not an address and port such as 127.0.0.1:3000")]
    SiteAddr(String),
    #[error("ECARS_DOCUMENTS_S3 needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")]
    S3Credentials,
    #[error("ECARS_TIME_ZONE `{0}` is not a time zone such as Europe/Paris, America/Cayenne or Indian/Reunion")]
    TimeZone(String),
    #[error("ECARS_SECRET_KEY must be at least 32 characters long")]
    SecretKey,
    #[error("ECARS_METRICS_TOKEN must be at least 32 characters long")]
    MetricsToken,
    #[error("ECARS_TRUSTED_PROXIES: {0}")]
    TrustedProxies(String),
    #[error("ECARS_CLAMD: {0}")]
    Clamd(String),
    #[error("ECARS_DIGEST_DAY / ECARS_DIGEST_HOUR: {0}")]
    Digest(String),
    #[error("{0} `{1}` is not an email address")]
    OperatorEmail(&'static str, String),
}

impl Config {
    /// The app with the demo data on a free loopback port, mail to the outbox: what integration
    /// tests and `make bench` start.
    pub fn on_loopback(database: DatabaseUrl, data_dir: &std::path::Path) -> Self {
        Config {
            database,
            data_dir: data_dir.to_owned(),
            site_addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            site_root: PathBuf::from("target/site"),
            demo: true,
            time_zone: app::db::DEFAULT_TIME_ZONE,
            smtp_url: None,
            mail_from: "e-CARS <ne-pas-repondre@ecars.exemple.fr>".to_owned(),
            mail_retry: RetryPolicy::default(),
            public_url: "http://127.0.0.1:3000".to_owned(),
            sessions: Default::default(),
            max_document_bytes: 50 * 1024 * 1024,
            secret_key: None,
            trusted_proxies: TrustedProxies::default(),
            metrics_token: None,
            clamd: None,
            documents_s3: None,
            clock: Default::default(),
            digest: None,
            operator: Operator::default(),
            statement_observer: None,
        }
    }

    pub fn from_cli(cli: &Cli) -> Result<Self, ConfigError> {
        let site_addr = cli.site_addr.parse().map_err(|_| ConfigError::SiteAddr(cli.site_addr.clone()))?;
        let database = match &cli.database_url {
            Some(url) if !url.is_empty() => DatabaseUrl::parse(url)?,
            _ => DatabaseUrl::sqlite_in(&cli.data_dir),
        };
        Ok(Config {
            database,
            data_dir: cli.data_dir.clone(),
            site_addr,
            site_root: cli.site_root.clone(),
            demo: cli.demo,
            time_zone: app::db::parse_time_zone(&cli.time_zone)
                .ok_or_else(|| ConfigError::TimeZone(cli.time_zone.chars().take(60).collect()))?,
            smtp_url: cli.smtp_url.clone().filter(|url| !url.is_empty()),
            mail_from: cli.mail_from.clone(),
            mail_retry: RetryPolicy { attempts: cli.mail_attempts.max(1), ..RetryPolicy::default() },
            public_url: cli.public_url.trim_end_matches('/').to_owned(),
            sessions: SessionLimits {
                idle: Duration::from_secs(cli.session_idle_minutes.max(1) * 60),
                absolute: Duration::from_secs(cli.session_max_hours.max(1) * 3600),
            },
            max_document_bytes: cli.max_document_mb.max(1) * 1024 * 1024,
            secret_key: match &cli.secret_key {
                Some(secret) if secret.len() < 32 => return Err(ConfigError::SecretKey),
                Some(secret) if !secret.is_empty() => Some(secret.clone()),
                _ => None,
            },
            trusted_proxies: cli.trusted_proxies.parse().map_err(ConfigError::TrustedProxies)?,
            metrics_token: match cli.metrics_token.as_deref().map(str::trim) {
                Some(token) if !token.is_empty() => Some(MetricsToken::parse(token).ok_or(ConfigError::MetricsToken)?),
                _ => None,
            },
            clamd: match &cli.clamd {
                Some(address) if !address.trim().is_empty() => Some(address.parse().map_err(ConfigError::Clamd)?),
                _ => None,
            },
            documents_s3: match &cli.documents_s3 {
                Some(url) if !url.is_empty() => Some(S3Settings {
                    url: url.clone(),
                    endpoint: cli.s3_endpoint.clone().filter(|endpoint| !endpoint.is_empty()),
                    region: cli.s3_region.clone(),
                    access_key_id: cli.s3_access_key_id.clone().ok_or(ConfigError::S3Credentials)?,
                    secret_access_key: cli.s3_secret_access_key.clone().ok_or(ConfigError::S3Credentials)?,
                }),
                _ => None,
            },
            clock: Default::default(),
            digest: DigestSchedule::parse(&cli.digest_day, cli.digest_hour).map_err(ConfigError::Digest)?,
            operator: operator(cli)?,
            statement_observer: None,
        })
    }
}

/// The operator as configured, each value not given being the guides'; addresses must be ones.
fn operator(cli: &Cli) -> Result<Operator, ConfigError> {
    let given =
        |value: &Option<String>| value.as_deref().map(str::trim).filter(|value| !value.is_empty()).map(str::to_owned);
    let email = |name: &'static str, value: &Option<String>, default: String| match given(value) {
        Some(address) => ecars_core::email::EmailAddress::parse(&address)
            .map(|address| address.as_str().to_owned())
            .map_err(|_| ConfigError::OperatorEmail(name, address.chars().take(80).collect())),
        None => Ok(default),
    };
    let default = Operator::default();
    Ok(Operator {
        name: given(&cli.agency_name).unwrap_or(default.name),
        address: given(&cli.agency_address).unwrap_or(default.address),
        publication_director: given(&cli.publication_director).unwrap_or(default.publication_director),
        support_email: email("ECARS_SUPPORT_EMAIL", &cli.support_email, default.support_email)?,
        support_phone: given(&cli.support_phone).unwrap_or(default.support_phone),
        quality_email: email("ECARS_QUALITY_EMAIL", &cli.quality_email, default.quality_email)?,
        dpo_email: email("ECARS_DPO_EMAIL", &cli.dpo_email, default.dpo_email)?,
        host: given(&cli.host).unwrap_or(default.host),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cli(args: &[&str]) -> Cli {
        Cli::try_parse_from(std::iter::once("ecars").chain(args.iter().copied())).unwrap()
    }

    #[test]
    fn defaults_to_sqlite_in_the_data_directory() {
        let config = Config::from_cli(&cli(&["--data-dir", "/var/lib/ecars"])).unwrap();
        assert!(config.database.is_sqlite());
        assert!(config.database.as_str().contains("/var/lib/ecars/ecars.db"));
        assert_eq!(config.site_addr.to_string(), "127.0.0.1:3000");
    }

    #[test]
    fn a_malformed_address_is_refused() {
        let error = Config::from_cli(&cli(&["--site-addr", "localhost"])).unwrap_err();
        assert!(error.to_string().contains("LEPTOS_SITE_ADDR"));
    }

    #[test]
    fn an_unknown_database_scheme_is_refused() {
        assert!(Config::from_cli(&cli(&["--database-url", "mysql://x"])).is_err());
        assert!(Config::from_cli(&cli(&["--database-url", "postgres://u@127.0.0.1:5432/db"])).is_ok());
    }

    #[test]
    fn demo_follows_ecars_demo_values() {
        assert!(cli(&["--demo"]).demo);
        assert!(!cli(&[]).demo);
    }

    #[test]
    fn sessions_last_30_idle_minutes_and_12_hours_unless_configured() {
        let config = Config::from_cli(&cli(&[])).unwrap();
        assert_eq!(config.sessions.idle, Duration::from_secs(1800));
        assert_eq!(config.sessions.absolute, Duration::from_secs(12 * 3600));
        let config = Config::from_cli(&cli(&["--session-idle-minutes", "5"])).unwrap();
        assert_eq!(config.sessions.idle, Duration::from_secs(300));
    }

    #[test]
    fn user_add_takes_repeated_entities() {
        let parsed = cli(&["user", "add", "--email", "a@b.fr", "--role", "referent", "--entity", "1", "--entity", "2"]);
        match parsed.command {
            Some(Command::User(UserCommand::Add { entities, .. })) => {
                assert_eq!(entities, ["1", "2"])
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn metrics_need_a_long_token_and_a_short_one_stops_the_start() {
        assert!(Config::from_cli(&cli(&[])).unwrap().metrics_token.is_none());
        let error = Config::from_cli(&cli(&["--metrics-token", "court"])).unwrap_err();
        assert!(error.to_string().contains("ECARS_METRICS_TOKEN"), "{error}");
        let long = "t".repeat(32);
        assert!(Config::from_cli(&cli(&["--metrics-token", &long])).unwrap().metrics_token.is_some());
    }

    #[test]
    fn trusted_proxies_are_none_unless_listed_and_a_bad_entry_stops_the_start() {
        assert_eq!(Config::from_cli(&cli(&[])).unwrap().trusted_proxies, TrustedProxies::default());
        let listed = Config::from_cli(&cli(&["--trusted-proxies", "127.0.0.1, 10.0.0.0/8"])).unwrap();
        assert_ne!(listed.trusted_proxies, TrustedProxies::default());
        let error = Config::from_cli(&cli(&["--trusted-proxies", "10.0.0.0/33"])).unwrap_err();
        assert!(error.to_string().contains("ECARS_TRUSTED_PROXIES"), "{error}");
    }

    #[test]
    fn the_operator_defaults_to_the_guides_and_its_addresses_must_be_ones() {
        let config = Config::from_cli(&cli(&[])).unwrap();
        assert_eq!(config.operator, Operator::default());
        assert_eq!(config.operator.support_email, "ars-ecars@ars.sante.fr");
        let set =
            cli(&["--agency-name", "ARS Normandie", "--dpo-email", "dpd@ars-normandie.exemple.fr", "--host", " "]);
        let operator = Config::from_cli(&set).unwrap().operator;
        assert_eq!(
            (operator.name.as_str(), operator.dpo_email.as_str()),
            ("ARS Normandie", "dpd@ars-normandie.exemple.fr")
        );
        assert_eq!(operator.host, Operator::default().host, "blank is not given");
        let error = Config::from_cli(&cli(&["--support-email", "pas une adresse"])).unwrap_err();
        assert!(error.to_string().contains("ECARS_SUPPORT_EMAIL"), "{error}");
    }

    #[test]
    fn the_digest_goes_out_on_monday_at_8_unless_configured() {
        assert_eq!(Config::from_cli(&cli(&[])).unwrap().digest, Some(DigestSchedule::default()));
        assert_eq!(Config::from_cli(&cli(&["--digest-day", "aucun"])).unwrap().digest, None);
        let error = Config::from_cli(&cli(&["--digest-day", "monday"])).unwrap_err();
        assert!(error.to_string().contains("ECARS_DIGEST_DAY"), "{error}");
    }

    #[test]
    fn passwords_are_not_printed() {
        let url = DatabaseUrl::parse("postgres://ecars:secret@db:5432/ecars").unwrap();
        assert_eq!(url.to_string(), "postgres://ecars:***@db:5432/ecars");
    }
}
