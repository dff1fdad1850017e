//! The indicator tree of a contract, as the server sends it and the pages show it.

use serde::{Deserialize, Serialize};

use super::rules::{FillProgress, QuestionStatus};
use crate::contracts::ContractHeader;

/// A node of the tree as the browser shows it: an objective with children, or a question.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TreeNode {
    pub id: i32,
    pub code: String,
    pub label: String,
    /// `Some` for a question (leaf), `None` for an objective.
    pub status: Option<QuestionStatus>,
    /// The value shown beside a grey question the agency filled (a national indicator).
    #[serde(default)]
    pub agency_value: Option<String>,
    pub children: Vec<TreeNode>,
}

impl TreeNode {
    /// "1.1.1.a - Taux d'ordonnances ..." as in the guide.
    pub fn title(&self) -> String {
        format!("{} - {}", self.code, self.label)
    }

    fn collect_statuses(&self, into: &mut Vec<(i32, QuestionStatus)>) {
        into.extend(self.status.map(|status| (self.id, status)));
        for child in &self.children {
            child.collect_statuses(into);
        }
    }
}

/// "Saisir les indicateurs": contract > legal entity > objectives > ... > questions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IndicatorTree {
    pub contract: ContractHeader,
    pub objectives: Vec<TreeNode>,
    /// An earlier year's tree, read-only (the contract's current year is a later one).
    pub earlier: bool,
}

impl IndicatorTree {
    pub fn progress(&self) -> FillProgress {
        FillProgress::from_statuses(self.statuses().into_iter().map(|(_, status)| status))
    }

    /// Every question's status, by question id.
    pub fn statuses(&self) -> Vec<(i32, QuestionStatus)> {
        let mut statuses = Vec::new();
        for objective in &self.objectives {
            objective.collect_statuses(&mut statuses);
        }
        statuses
    }
}
