//! Every message the portal sends, one file per audience: one function per message, in French,
//! each with a plain-text and an HTML part written from the same blocks, so the two never differ.
//! Messages are queued in the outbox ([`crate::mail::outbox`]) by the change that causes them.
//!
//! A template takes plain data (strings, numbers, dates and the small structs defined beside
//! it), never a domain's type: the caller says what the message says, the template how.

mod accounts;
mod campaigns;
mod closing;
mod digest;
mod exchange;

use html_escape::{encode_double_quoted_attribute as attribute, encode_text as text};

pub use crate::mail::Mail;
pub use accounts::{invitation, password_changed, renewal_without_account, verification_code};
pub use campaigns::{reminder, Reminder, LISTED_QUESTIONS};
pub use closing::{closing_receipt, reopened, ReceiptAnswer, ReceiptMail, Reopening};
pub use digest::{digest, evaluation_report, Digest, ReportNotice, DIGEST_LISTED};
pub use exchange::{letter_notified, LetterNotice};

/// The two parts of a message, written block by block.
struct Body {
    text: String,
    html: String,
}

impl Body {
    fn new() -> Self {
        Body { text: String::new(), html: String::new() }.paragraph("Bonjour,")
    }

    fn paragraph(mut self, words: &str) -> Self {
        self.text.push_str(&format!("{words}\n\n"));
        self.html.push_str(&format!("<p>{}</p>\n", text(words)));
        self
    }

    /// A code alone on its line, easy to read and to copy.
    fn code(mut self, code: &str) -> Self {
        self.text.push_str(&format!("{code}\n\n"));
        self.html.push_str(&format!(
            "<p style=\"font-size:1.5em;letter-spacing:0.2em\"><strong>{}</strong></p>\n",
            text(code)
        ));
        self
    }

    /// "Label : value" lines.
    fn fields(mut self, fields: &[(&str, String)]) -> Self {
        let lines: Vec<String> = fields.iter().map(|(label, value)| format!("{label} : {value}")).collect();
        self.text.push_str(&format!("{}\n\n", lines.join("\n")));
        let lines: Vec<String> = lines.iter().map(|line| text(line).into_owned()).collect();
        self.html.push_str(&format!("<p>{}</p>\n", lines.join("<br>\n")));
        self
    }

    /// A list, each item with an optional comment under it.
    fn items(mut self, items: &[(String, Option<String>)]) -> Self {
        self.html.push_str("<ul>\n");
        for (item, comment) in items {
            self.text.push_str(&format!("- {item}\n"));
            self.html.push_str(&format!("<li>{}", text(item)));
            if let Some(comment) = comment {
                self.text.push_str(&format!("  Commentaire : {}\n", comment.replace('\n', "\n  ")));
                self.html.push_str(&format!("<br>Commentaire : {}", text(comment).replace('\n', "<br>")));
            }
            self.html.push_str("</li>\n");
        }
        self.text.push('\n');
        self.html.push_str("</ul>\n");
        self
    }

    fn link(mut self, label: &str, url: &str) -> Self {
        self.text.push_str(&format!("{label} : {url}\n\n"));
        self.html.push_str(&format!("<p>{} : <a href=\"{}\">{}</a></p>\n", text(label), attribute(url), text(url)));
        self
    }

    fn mail(self, kind: &'static str, to: &str, subject: &str) -> Mail {
        let signature = "L'équipe e-CARS";
        Mail {
            kind,
            to: to.to_owned(),
            subject: subject.to_owned(),
            text: format!("{}-- \n{signature}\n", self.text),
            html: format!(
                "<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\"><title>{}</title></head>\n\
                 <body style=\"font-family:Arial,sans-serif\">\n{}<p>{signature}</p>\n</body></html>\n",
                text(subject),
                self.html
            ),
        }
    }
}

/// At most `listed` of `lines` as items, then one "et N autre(s)" item (followed by `what`) for the rest.
fn listed(lines: &[String], listed: usize, what: &str) -> Vec<(String, Option<String>)> {
    let mut items: Vec<(String, Option<String>)> = lines.iter().take(listed).map(|line| (line.clone(), None)).collect();
    if lines.len() > listed {
        items.push((format!("et {} autre(s){what}", lines.len() - listed), None));
    }
    items
}
