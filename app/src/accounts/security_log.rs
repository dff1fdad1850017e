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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    /// Wrong password, unknown account, wrong or expired code.
    Failure,
    /// Locked account, too many requests, not allowed.
    Refused,
}

/// At most this many characters of what a visitor typed as an identifier.
const MAX_IDENTIFIER: usize = 100;

/// Logs one event of the current request. `account` is an account's email or what was typed as
/// one; `detail` a fixed word saying why (never user input).
pub fn record(event: Event, account: Option<&str>, outcome: Outcome, detail: &'static str) {
    record_from(client_ip(), event, account, outcome, detail)
}

/// The same, outside a page or server function (the gate), with the client's address.
pub fn record_from(ip: Option<IpAddr>, event: Event, account: Option<&str>, outcome: Outcome, detail: &'static str) {
    let account: Option<String> = account.map(|typed| {
        typed.trim().chars().filter(|c| !c.is_control()).take(MAX_IDENTIFIER).collect::<String>().to_lowercase()
    });
    let ip = ip.map(|ip| ip.to_string());
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
