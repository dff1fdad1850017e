//! The application state: everything a request may need, built once at start
//! (`server::startup`), given to the router and to every server function, and read through
//! [`AppState::current`]. Services take the parts they need as arguments, never the state itself.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::accounts::client::TrustedProxies;
use crate::accounts::rate_limit::RateLimiter;
use crate::accounts::secrets::{MessageKey, PasswordHashing};
use crate::accounts::sessions::SessionLimits;
use crate::administration::staging::Staging;
use crate::documents::antivirus::Clamd;
use crate::documents::delivery::ArchiveSlots;
use crate::documents::store::DocumentStore;
use crate::evaluation::service::TreeShapes;
use crate::mail::outbox::Outbox;
use crate::AppError;

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub settings: Arc<Settings>,
    pub hashing: PasswordHashing,
    /// Signs the messages plain form posts come back with (`accounts::web::FormPage`).
    pub message_key: MessageKey,
    pub limiter: RateLimiter,
    pub outbox: Outbox,
    pub documents: DocumentStore,
    /// Archives of documents being written, limited per user and overall.
    pub archives: ArchiveSlots,
    /// Exports and charts of the follow-up being made, limited per user and overall.
    pub exports: ArchiveSlots,
    /// Files sent to an import, kept until it is confirmed or cancelled.
    pub staging: Staging,
    pub tree_shapes: TreeShapes,
    /// Security events on their way to the journal.
    pub security_journal: crate::accounts::security_log::SecurityJournal,
    pub clock: ecars_core::time::Clock,
}

/// The settings requests read (the rest of the configuration only serves the start).
#[derive(Debug, Clone)]
pub struct Settings {
    /// The address users reach the portal at, for links in mail; no trailing slash.
    pub public_url: String,
    pub sessions: SessionLimits,
    /// Largest document accepted, checked while the upload streams in.
    pub max_document_bytes: u64,
    /// Reverse proxies whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed.
    pub trusted_proxies: TrustedProxies,
    /// The antivirus every upload goes through, if any.
    pub clamd: Option<Clamd>,
    /// The demo is loaded: its sample import files are offered for download.
    pub demo: bool,
    /// The agency running the portal: the footer and the legal pages name it.
    pub operator: crate::public_service::Operator,
    /// What Prometheus presents to read `/metrics`; none: no metrics served.
    pub metrics_token: Option<crate::operations::metrics::MetricsToken>,
}

/// Provided while the server lists the app's routes at start: the pages then run without a
/// request nor a state, and asking for it is no error.
#[derive(Clone, Copy, Debug)]
pub struct ListingRoutes;

impl AppState {
    /// Gives a request's pages and server functions the state, and apart from it what the layers
    /// below ask for by itself (the key that signs messages, the security journal), so that they
    /// need not know the state.
    pub fn provide_context(&self) {
        leptos::prelude::provide_context(self.clone());
        leptos::prelude::provide_context(self.message_key.clone());
        leptos::prelude::provide_context(self.security_journal.clone());
        leptos::prelude::provide_context(self.settings.operator.clone());
    }

    /// The state of the current request, inside a server function or a page.
    pub fn current() -> Result<Self, AppError> {
        use leptos::prelude::use_context;
        use_context::<AppState>().ok_or_else(|| {
            if use_context::<ListingRoutes>().is_none() {
                tracing::error!("no application state in the Leptos context");
            }
            AppError::Internal
        })
    }
}

/// The agency administrator calling an import's server function, with the application's state
/// and the id of the agency it imports for; "not found" for anyone else.
pub fn agency_administrator() -> Result<(AppState, crate::accounts::access::Viewer, i32), AppError> {
    let viewer = crate::accounts::access::viewer()?;
    let agency_id = crate::accounts::access::administered_agency(&viewer)?;
    Ok((AppState::current()?, viewer, agency_id))
}
