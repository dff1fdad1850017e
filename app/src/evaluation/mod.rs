//! The self-evaluation: the indicator tree of a contract and its answers.

#[cfg(feature = "ssr")]
pub mod access;
pub mod api;
pub mod closing;
mod closing_page;
#[cfg(feature = "ssr")]
pub mod figures;
mod page;
mod panel;
mod panel_browser;
pub mod printable;
#[cfg(feature = "ssr")]
pub mod service;
mod tree_browser;
mod tree_html;
pub mod years;

pub use closing_page::{ClosingPage, MissingPanel, ReceiptPage};
pub use page::{IndicatorsPage, QuestionPanelPage};

use ecars_core::evaluation::rules::QuestionStatus;
use serde::{Deserialize, Serialize};

use crate::contracts::ContractHeader;

pub use ecars_core::evaluation::tree::{IndicatorTree, TreeMode, TreeNode};
pub(crate) use page::{question_in_address, tree_beside_panel};
pub(crate) use panel::{ACHIEVED_ERROR, ACHIEVED_GROUP, PANEL_AREA, SAVE_STATUS};

/// The tree's filter in the current address (`?a_saisir=1&recherche=...`).
pub(crate) fn filter_in_address() -> ecars_core::evaluation::tree_filter::TreeFilter {
    let query = crate::layout::forms::page_query();
    ecars_core::evaluation::tree_filter::TreeFilter::from_query(|name| query.get(name))
}
pub use ecars_core::vocabulary::ValueKind;

/// The current answer to a question, as the panel shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerView {
    pub not_concerned: bool,
    pub achieved: Option<String>,
    pub comment: Option<String>,
    /// Sent back when saving, so that a change made meanwhile by someone else is not overwritten.
    pub version: i32,
    /// "Date de modification" and "Auteur de la modification".
    pub updated_at: String,
    pub updated_by: Option<String>,
    /// Where a national indicator's value came from; none for what a user typed.
    #[serde(default)]
    pub source: Option<String>,
}

/// Everything the question panel shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuestionDetail {
    pub contract: ContractHeader,
    pub id: i32,
    pub code: String,
    pub label: String,
    /// "Objectif": the parent node, "2.1 - Identification des 3 classes ...".
    pub objective: Option<String>,
    pub year: Option<i32>,
    /// "Cible", e.g. "1 - OUI".
    pub target: Option<String>,
    pub kind: ValueKind,
    pub previous_achieved: Option<String>,
    pub previous_comment: Option<String>,
    pub answer: Option<AnswerView>,
    /// The status the tree shows for this question.
    pub status: QuestionStatus,
    /// Whether this user may save it now (own entity, establishment role, Auto-Evaluation, not national).
    pub editable: bool,
    /// A national indicator: the agency fills it from the ministry's values.
    #[serde(default)]
    pub national: bool,
    /// "Documents de l'indicateur".
    pub documents: crate::documents::DocumentFolder,
}

/// What a successful save returns: the stored answer and the question's new status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedAnswer {
    pub question_id: i32,
    pub answer: AnswerView,
    pub status: QuestionStatus,
    /// After "Enregistrer et passer à la suivante": the next question still to answer, in tree
    /// order (`None`: none is left).
    #[serde(default)]
    pub next: Option<i32>,
}

/// What the user typed in the answer form. After a plain form post (no JavaScript) that failed,
/// the server puts it in the address it redirects to, so that nothing typed is lost.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TypedAnswer {
    pub not_concerned: bool,
    pub achieved: String,
    pub comment: String,
}

impl TypedAnswer {
    const NOT_CONCERNED: &'static str = "non_concerne";
    const ACHIEVED: &'static str = "realise";
    const COMMENT: &'static str = "commentaire";

    pub fn query_pairs(&self) -> Vec<(&'static str, &str)> {
        let mut pairs = vec![(Self::ACHIEVED, self.achieved.as_str()), (Self::COMMENT, self.comment.as_str())];
        if self.not_concerned {
            pairs.push((Self::NOT_CONCERNED, "on"));
        }
        pairs
    }

    pub fn from_query(query: &leptos_router::params::ParamsMap) -> Self {
        TypedAnswer {
            not_concerned: query.get(Self::NOT_CONCERNED).is_some(),
            achieved: query.get(Self::ACHIEVED).unwrap_or_default(),
            comment: query.get(Self::COMMENT).unwrap_or_default(),
        }
    }
}

/// Query parameter of the address a plain form post returns to after a successful save.
pub const SAVED_PARAM: &str = "enregistre";
/// `SAVED_PARAM`'s value after "Enregistrer et passer à la suivante" when no question is left.
pub const ALL_SAVED: &str = "tout";
/// After "Enregistrer et passer à la suivante", in the next question's address: the one saved.
pub const PREVIOUS_PARAM: &str = "precedente";
/// After a save sent by the tree's island: the saved question's new status, in the address of
/// the panel the server answers with ([`rules::QuestionStatus::code`]).
pub const SAVED_STATUS_PARAM: &str = "statut";
/// Sent by the tree's island with the answer form: the server then answers with the panel alone.
pub const PANEL_FIELD: &str = "panel";
/// The name and value "Enregistrer et passer à la suivante" sends with the form.
pub const NEXT_FIELD: &str = "next";

/// Query parameter of the contract page right after "Clore la saisie".
pub const CLOSED_PARAM: &str = "cloture";
