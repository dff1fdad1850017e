//! Outgoing mail. Every message is first a row of the outbox ([`outbox`]), written with the
//! change that causes it; the outbox's worker hands it to the transport below: an SMTP server
//! when one is configured, otherwise `.eml` files in the outbox directory (handy on a
//! workstation and in tests). What each message says is in [`templates`].

pub mod outbox;
pub mod templates;

use std::path::PathBuf;
use std::time::Duration;

use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Body, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// How long one SMTP exchange may take before the try counts as failed.
pub const SMTP_TIMEOUT: Duration = Duration::from_secs(15);

/// A message ready to be queued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    /// Which message this is, for the logs and the outbox table.
    pub kind: &'static str,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

#[derive(Clone)]
enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// One `<outbox row id>.eml` per message: a message delivered again after a crash replaces
    /// its own file instead of adding a copy.
    Files(PathBuf),
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
    /// `smtp://host:port` (or `smtps://`, with `user:password@` if needed), or `None` for files
    /// in `outbox_dir`.
    pub fn new(smtp_url: Option<&str>, outbox_dir: PathBuf, from: &str) -> Result<Self, MailConfigError> {
        let from: Mailbox = from.parse().map_err(|_| MailConfigError::From(from.to_owned()))?;
        let transport = match smtp_url {
            Some(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|error| MailConfigError::SmtpUrl(error.to_string()))?
                    .timeout(Some(SMTP_TIMEOUT))
                    .build(),
            ),
            None => Transport::Files(outbox_dir),
        };
        Ok(Mailer { transport, from })
    }

    /// Hands message `id` of the outbox over: a plain-text and an HTML part, both
    /// quoted-printable so that every line stays readable, and a Message-ID made from the row, so
    /// that a receiving server can recognise a message sent again after a crash. The error says
    /// why, for the outbox row.
    pub async fn send(&self, id: i32, to: &str, subject: &str, text: &str, html: &str) -> Result<(), String> {
        let to: Mailbox = to.parse().map_err(|error| format!("invalid recipient: {error}"))?;
        let part = |content_type: ContentType, content: &str| -> Result<SinglePart, String> {
            let body = Body::new_with_encoding(content.to_owned(), ContentTransferEncoding::QuotedPrintable)
                .map_err(|_| "body cannot be encoded".to_owned())?;
            Ok(SinglePart::builder().header(content_type).body(body))
        };
        let parts = MultiPart::alternative()
            .singlepart(part(ContentType::TEXT_PLAIN, text)?)
            .singlepart(part(ContentType::TEXT_HTML, html)?);
        let message = Message::builder()
            .message_id(Some(format!("<outbox-{id}@{}>", self.from.email.domain())))
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .multipart(parts)
            .map_err(|error| error.to_string())?;
        match &self.transport {
            Transport::Smtp(smtp) => smtp.send(message).await.map(drop).map_err(|error| error.to_string()),
            Transport::Files(dir) => {
                let (temporary, file) = (dir.join(format!(".{id}.eml.part")), dir.join(format!("{id}.eml")));
                tokio::fs::write(&temporary, message.formatted()).await.map_err(|error| error.to_string())?;
                tokio::fs::rename(&temporary, &file).await.map_err(|error| error.to_string())
            }
        }
    }
}
