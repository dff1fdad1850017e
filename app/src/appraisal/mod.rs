//! "Évaluer": the agency's evaluation of a closed year. Its referents and administrators appraise
//! each question beside the establishment's answer (the value retained, an appreciation on the
//! scale, a comment), see what is left and the score, until they notify it. Nothing of it is
//! shown to the establishment before.

pub mod api;
#[cfg(feature = "ssr")]
pub mod letter;
#[cfg(feature = "ssr")]
pub mod notification;
mod page;
mod panel;
#[cfg(feature = "ssr")]
pub mod service;
mod view_page;

pub use page::{AppraisalPage, AppraisalPanelPage};
pub use view_page::AgencyEvaluationPage;

use ecars_core::evaluation::appraisal::{AppraisalView, Appreciation, Direction, Score, Weight};
use ecars_core::evaluation::rules::QuestionStatus;
use serde::{Deserialize, Serialize};

use crate::contracts::ContractHeader;
use crate::evaluation::{IndicatorTree, QuestionDetail};

/// The tree of "Évaluer": a green dot for each question appraised, a red one for the others.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AppraisalTree {
    pub tree: IndicatorTree,
    pub score: Score,
    /// The agency may still change its appraisals (not notified yet).
    pub editable: bool,
}

/// Everything the appraisal panel shows: the question and the establishment's answer as on its
/// own panel, and the agency's appraisal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AppraisalDetail {
    pub question: QuestionDetail,
    pub direction: Direction,
    pub weight: Weight,
    pub appraisal: Option<AppraisalView>,
    /// What "Valeur retenue" starts from: the Réalisé, or the national value.
    pub proposed_value: Option<String>,
    /// The appreciation the shared rule proposes for the value retained (or proposed).
    pub proposed: Appreciation,
    pub editable: bool,
    /// The evaluation's score as it stands.
    pub score: Score,
}

/// What a successful save returns: the stored appraisal, the question's new dot, the score.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedAppraisal {
    pub question_id: i32,
    pub appraisal: AppraisalView,
    pub status: QuestionStatus,
    pub score: Score,
    /// After "Enregistrer et passer à la suivante": the next question still to appraise.
    #[serde(default)]
    pub next: Option<i32>,
}

/// What the appraiser typed. After a plain form post that was refused, the server puts it in the
/// address it redirects to, so that nothing typed is lost.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TypedAppraisal {
    pub retained_value: String,
    pub appreciation: String,
    pub comment: String,
}

impl TypedAppraisal {
    const RETAINED: &'static str = "valeur_retenue";
    const APPRECIATION: &'static str = "appreciation";
    const COMMENT: &'static str = "commentaire_agence";

    pub fn query_pairs(&self) -> Vec<(&'static str, &str)> {
        vec![
            (Self::RETAINED, self.retained_value.as_str()),
            (Self::APPRECIATION, self.appreciation.as_str()),
            (Self::COMMENT, self.comment.as_str()),
        ]
    }

    pub fn from_query(query: &leptos_router::params::ParamsMap) -> Self {
        TypedAppraisal {
            retained_value: query.get(Self::RETAINED).unwrap_or_default(),
            appreciation: query.get(Self::APPRECIATION).unwrap_or_default(),
            comment: query.get(Self::COMMENT).unwrap_or_default(),
        }
    }
}

/// The score line, which the panel carries after a save so that the page's follows
/// (`panel_browser`).
pub const SCORE_ID: &str = "score-evaluation";

/// "Évaluation de l'agence" once notified, as both sides read it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AgencyEvaluation {
    pub contract: ContractHeader,
    /// `None` before the provisional evaluation is notified (the agency's view only).
    pub provisional: Option<NotificationView>,
    pub rows: Vec<AppraisedQuestion>,
    /// The viewer appraises this contract: "Évaluer" is offered.
    pub appraiser: bool,
}

/// A letter as notified: its dates, its receipt and its PDF.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationView {
    /// "07/12/2026".
    pub notified_on: String,
    /// "Consultée le 08/12/2026 10:02 par ...", or none yet.
    pub receipt: Option<String>,
    /// The last day to answer, included: "29/12/2026".
    pub deadline: String,
    /// The reply window is over (the deadline is past).
    pub window_over: bool,
    pub document_id: i32,
    pub score: String,
}

/// One question with the establishment's answer and the agency's appraisal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppraisedQuestion {
    pub id: i32,
    pub code: String,
    pub label: String,
    pub target: Option<String>,
    pub achieved: String,
    pub retained: Option<String>,
    pub appreciation: Option<Appreciation>,
    pub comment: Option<String>,
}

/// Query parameter of the agency's evaluation page right after "Notifier l'évaluation provisoire".
pub const NOTIFIED_PARAM: &str = "notifie";
