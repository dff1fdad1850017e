//! Security events: one structured line each, under the log target `security`, saying what
//! happened, to which account, from which client address and with what outcome, so that an
//! operator can filter them (`RUST_LOG=security=info`) and feed them to their SIEM. Never a
//! password, a code or a token: callers pass none, and identifiers typed by visitors are cut.

use std::net::IpAddr;

use super::web::client_ip;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    Login,
    /// The failure that locked the account.
    Lockout,
    Logout,
    CodeSent,
    CodeVerified,
    PasswordChanged,
    PasswordRenewed,
    AccessRefused,
}

impl Event {
    fn name(self) -> &'static str {
        match self {
            Event::Login => "login",
            Event::Lockout => "lockout",
            Event::Logout => "logout",
            Event::CodeSent => "code_sent",
            Event::CodeVerified => "code_verified",
            Event::PasswordChanged => "password_changed",
            Event::PasswordRenewed => "password_renewed",
            Event::AccessRefused => "access_refused",
        }
    }

    /// As the journal names it.
    pub fn label(self) -> &'static str {
        match self {
            Event::Login => "Connexion",
            Event::Lockout => "Compte bloqué après des échecs de connexion",
            Event::Logout => "Déconnexion",
            Event::CodeSent => "Code de vérification envoyé",
            Event::CodeVerified => "Code de vérification saisi",
            Event::PasswordChanged => "Mot de passe modifié",
            Event::PasswordRenewed => "Mot de passe renouvelé",
            Event::AccessRefused => "Accès refusé",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    /// Wrong password, unknown account, wrong or expired code.
    Failure,
    /// Locked account, too many requests, not allowed.
    Refused,
}

impl Outcome {
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Success => "réussi",
            Outcome::Failure => "échec",
            Outcome::Refused => "refusé",
        }
    }
}

/// At most this many characters of what a visitor typed as an identifier.
const MAX_IDENTIFIER: usize = 100;

/// Logs one event of the current request. `account` is an account's email or what was typed as
/// one; `detail` a fixed word saying why (never user input).
/// The event goes to the journal too.
pub fn record(event: Event, account: Option<&str>, outcome: Outcome, detail: &'static str) {
    let journal = leptos::prelude::use_context::<SecurityJournal>();
    record_from(journal.as_ref(), client_ip(), event, account, outcome, detail)
}

/// The same, outside a page or server function (the gate), with the client's address.
pub fn record_from(
    journal: Option<&SecurityJournal>,
    ip: Option<IpAddr>,
    event: Event,
    account: Option<&str>,
    outcome: Outcome,
    detail: &'static str,
) {
    let account: Option<String> = account.map(|typed| {
        typed.trim().chars().filter(|c| !c.is_control()).take(MAX_IDENTIFIER).collect::<String>().to_lowercase()
    });
    let ip = ip.map(|ip| ip.to_string());
    if let Some(journal) = journal {
        let at = chrono::Utc::now();
        journal.push(SecurityRecord { at, event, account: account.clone(), ip: ip.clone(), outcome, detail });
    }
    let (event, outcome_name) = (event.name(), format!("{outcome:?}").to_lowercase());
    match outcome {
        Outcome::Success => {
            tracing::info!(target: "security", event, account, ip, outcome = outcome_name, detail)
        }
        Outcome::Failure | Outcome::Refused => {
            tracing::warn!(target: "security", event, account, ip, outcome = outcome_name, detail)
        }
    }
}

/// A security event on its way to the journal.
#[derive(Debug, Clone)]
pub struct SecurityRecord {
    pub at: chrono::DateTime<chrono::Utc>,
    pub event: Event,
    pub account: Option<String>,
    pub ip: Option<String>,
    pub outcome: Outcome,
    pub detail: &'static str,
}

/// Where security events wait to be written to the journal by [`write_to_journal`], so that the
/// request never waits for it. Bounded: under a flood, what does not fit is only logged.
#[derive(Debug, Clone)]
pub struct SecurityJournal {
    sender: tokio::sync::mpsc::Sender<SecurityRecord>,
}

impl SecurityJournal {
    pub fn new() -> (Self, tokio::sync::mpsc::Receiver<SecurityRecord>) {
        let (sender, receiver) = tokio::sync::mpsc::channel(4096);
        (SecurityJournal { sender }, receiver)
    }

    fn push(&self, record: SecurityRecord) {
        if self.sender.try_send(record).is_err() {
            tracing::warn!(target: "security", "security journal full: this event is in the log only");
        }
    }
}
