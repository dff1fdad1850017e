//! Documents attached to a contract, a question or an establishment: never deleted.

#[cfg(feature = "ssr")]
pub mod antivirus;
pub mod api;
mod block;
pub mod content;
#[cfg(feature = "ssr")]
pub mod delivery;
#[cfg(feature = "ssr")]
pub mod macros;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod web;

pub use block::hydrate_documents_islands;
pub use block::{DocumentsBlock, DocumentsIsland};

use serde::{Deserialize, Serialize};

/// The header carrying an uploaded document's name, percent-encoded (`encodeURIComponent`).
pub const NAME_HEADER: &str = "x-nom-document";

/// The three places a document belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Place {
    Contract(i32),
    Question(i32),
    Establishment(i32),
}

impl Place {
    /// `contrat`, `question` or `etablissement` and an id, as in the documents' addresses.
    pub fn parse(kind: &str, id: i32) -> Option<Self> {
        match kind {
            "contrat" => Some(Place::Contract(id)),
            "question" => Some(Place::Question(id)),
            "etablissement" => Some(Place::Establishment(id)),
            _ => None,
        }
    }

    fn path(self) -> String {
        match self {
            Place::Contract(id) => format!("contrat/{id}"),
            Place::Question(id) => format!("question/{id}"),
            Place::Establishment(id) => format!("etablissement/{id}"),
        }
    }

    /// A name for element ids: "contrat-12".
    pub fn slug(self) -> String {
        self.path().replace('/', "-")
    }

    /// Where the browser sends a new document (see `web::upload`).
    pub fn upload_href(self) -> String {
        ecars_core::routes::document_upload_href(&self.path())
    }

    /// "Récupérer tous les documents": a zip of the place's documents.
    pub fn zip_href(self) -> String {
        ecars_core::routes::document_zip_href(&self.path())
    }
}

/// A row of a documents block: "Documents", "Date de modification", "Auteur de la modification".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentRow {
    pub id: i32,
    pub name: String,
    pub added_at: String,
    pub added_by: Option<String>,
    /// Marked as the establishment's "Rapport d'évaluation", and who was told when.
    pub report: Option<ReportNotice>,
}

impl DocumentRow {
    pub fn href(&self) -> String {
        ecars_core::routes::document_href(self.id)
    }
}

/// "Notifié le <date> à <addresses>".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportNotice {
    pub notified_at: Option<String>,
    pub notified_to: Vec<String>,
}

impl ReportNotice {
    /// "Notifié le 24/11/2026 15:05 à referent@…, qualite@…"; nothing when no mail went out.
    pub fn summary(&self) -> Option<String> {
        let at = self.notified_at.as_ref()?;
        Some(format!("Notifié le {at} à {}", self.notified_to.join(", ")))
    }
}

/// The documents of one place, and what the viewer may do there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentFolder {
    pub place: Place,
    pub documents: Vec<DocumentRow>,
    /// The viewer may add documents here now (rights, phase, CAQES rule).
    pub can_add: bool,
    /// The size limit of one document, shown before upload.
    pub max_bytes: u64,
}
