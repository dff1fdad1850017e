//! The self-evaluation: the indicator tree of a contract and its answers.

pub mod api;
mod page;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod service;

pub use page::IndicatorsPage;

use serde::{Deserialize, Serialize};

use crate::contracts::ContractHeader;
use rules::{FillProgress, QuestionStatus};

/// How a question's achieved value ("Réalisé") is entered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ValueKind {
    YesNo,
    Percentage,
    Number,
    Text,
}

impl ValueKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ValueKind::YesNo => "yes_no",
            ValueKind::Percentage => "percentage",
            ValueKind::Number => "number",
            ValueKind::Text => "text",
        }
    }

    pub fn parse(stored: &str) -> Option<Self> {
        [ValueKind::YesNo, ValueKind::Percentage, ValueKind::Number, ValueKind::Text]
            .into_iter()
            .find(|kind| kind.as_str() == stored)
    }
}

/// A node of the tree as the browser shows it: an objective with children, or a question.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TreeNode {
    pub id: i32,
    pub code: String,
    pub label: String,
    /// `Some` for a question (leaf), `None` for an objective.
    pub status: Option<QuestionStatus>,
    pub children: Vec<TreeNode>,
}

impl TreeNode {
    /// "1.1.1.a - Taux d'ordonnances ..." as in the guide.
    pub fn title(&self) -> String {
        format!("{} - {}", self.code, self.label)
    }

    fn collect_statuses(&self, into: &mut Vec<QuestionStatus>) {
        into.extend(self.status);
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
}

impl IndicatorTree {
    pub fn progress(&self) -> FillProgress {
        let mut statuses = Vec::new();
        for objective in &self.objectives {
            objective.collect_statuses(&mut statuses);
        }
        FillProgress::from_statuses(statuses)
    }
}
