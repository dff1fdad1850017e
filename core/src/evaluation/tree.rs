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

/// Which page a tree is on: the establishment's "Saisir les indicateurs", or the agency's
/// "Évaluer" of a closed year. The same tree, dots, filter and panel swapping; the words and the
/// panel's address differ. On "Évaluer" a red dot is a question the agency has not appraised yet.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum TreeMode {
    #[default]
    Entry,
    Appraisal,
}

impl TreeMode {
    /// What a dot means, for screen readers and tooltips.
    pub fn status_label(self, status: QuestionStatus) -> &'static str {
        match (self, status) {
            (TreeMode::Appraisal, QuestionStatus::ToFill) => "à évaluer",
            (TreeMode::Appraisal, QuestionStatus::Filled) => "évalué",
            (_, status) => status.label(),
        }
    }

    /// What a screen reader says before a question's title.
    pub fn spoken_prefix(self, status: QuestionStatus) -> &'static str {
        match (self, status) {
            (TreeMode::Appraisal, QuestionStatus::ToFill) => "à évaluer : ",
            (TreeMode::Appraisal, QuestionStatus::Filled) => "évalué : ",
            (_, status) => status.spoken_prefix(),
        }
    }

    /// "Pourcentage de remplissage : 40 %".
    pub fn progress_label(self) -> &'static str {
        match self {
            TreeMode::Entry => "Pourcentage de remplissage : ",
            TreeMode::Appraisal => "Pourcentage évalué : ",
        }
    }

    /// " (4 questions saisies sur 10)", for screen readers.
    pub fn progress_detail(self, progress: FillProgress) -> String {
        let done = match self {
            TreeMode::Entry => "saisies",
            TreeMode::Appraisal => "évaluées",
        };
        format!(" ({} questions {done} sur {})", progress.answered, progress.required)
    }

    /// The filter's checkbox.
    pub fn to_do_label(self) -> &'static str {
        match self {
            TreeMode::Entry => "Questions à saisir uniquement",
            TreeMode::Appraisal => "Questions à évaluer uniquement",
        }
    }

    /// The address of a question's panel alone, which the tree's island fetches.
    pub fn panel_href(self, contract_id: i32) -> String {
        match self {
            TreeMode::Entry => crate::routes::panel_href(contract_id),
            TreeMode::Appraisal => crate::routes::appraisal_panel_href(contract_id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_appraisal_page_says_what_is_left_to_evaluate_and_loads_its_own_panel() {
        let appraisal = TreeMode::Appraisal;
        assert_eq!(appraisal.status_label(QuestionStatus::ToFill), "à évaluer");
        assert_eq!(TreeMode::Entry.status_label(QuestionStatus::ToFill), "à saisir");
        assert_eq!(appraisal.spoken_prefix(QuestionStatus::Filled), "évalué : ");
        let progress = FillProgress::from_statuses([QuestionStatus::Filled, QuestionStatus::ToFill]);
        assert_eq!(appraisal.progress_detail(progress), " (1 questions évaluées sur 2)");
        assert_eq!(appraisal.panel_href(7), "/contrats/7/evaluer/question");
        assert_eq!(TreeMode::Entry.panel_href(7), "/contrats/7/indicateurs/question");
    }
}
