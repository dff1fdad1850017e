//! Outgoing mail: through an SMTP server when one is configured, otherwise written as `.eml`
//! files in the outbox directory (handy on a workstation and in tests). A message that cannot
//! be handed over is logged and reported to the caller, never dropped silently.

use std::path::PathBuf;
use std::time::Duration;

use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Body, Mailbox};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::AppError;

#[derive(Clone)]
enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Outbox(AsyncFileTransport<Tokio1Executor>),
}

#[derive(Clone)]
pub struct Mailer {
    transport: Transport,
    from: Mailbox,
}

#[derive(Debug, thiserror::Error)]
pub enum MailConfigError {
    #[error("ECARS_SMTP_URL is not a valid SMTP URL (e.g. smtp://127.0.0.1:2525): {0}")]
    SmtpUrl(String),
    #[error("ECARS_MAIL_FROM `{0}` is not a valid sender address")]
    From(String),
}

impl Mailer {
    /// `smtp://host:port` (or `smtps://`, with `user:password@` if needed), or `None` for the outbox.
    pub fn new(smtp_url: Option<&str>, outbox: PathBuf, from: &str) -> Result<Self, MailConfigError> {
        let from: Mailbox = from.parse().map_err(|_| MailConfigError::From(from.to_owned()))?;
        let transport = match smtp_url {
            Some(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|error| MailConfigError::SmtpUrl(error.to_string()))?
                    .timeout(Some(Duration::from_secs(15)))
                    .build(),
            ),
            None => Transport::Outbox(AsyncFileTransport::new(outbox)),
        };
        Ok(Mailer { transport, from })
    }

    /// Sends a plain-text French message (quoted-printable, so every line stays readable).
    pub async fn send(&self, to: &str, subject: &str, text: String) -> Result<(), AppError> {
        let failed = |error: &dyn std::fmt::Display| {
            tracing::error!(%error, to, subject, "mail not sent");
            AppError::MailNotSent
        };
        let to: Mailbox = to.parse().map_err(|error: lettre::address::AddressError| failed(&error))?;
        let body = Body::new_with_encoding(text, ContentTransferEncoding::QuotedPrintable)
            .map_err(|_| failed(&"body cannot be encoded"))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|error| failed(&error))?;
        let sent = match &self.transport {
            Transport::Smtp(smtp) => smtp.send(message).await.map(drop).map_err(|error| failed(&error)),
            Transport::Outbox(outbox) => outbox.send(message).await.map(drop).map_err(|error| failed(&error)),
        };
        if sent.is_ok() {
            tracing::info!(subject, "mail sent");
        }
        sent
    }
}
