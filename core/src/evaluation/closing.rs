//! "Clore la saisie": the closing rule, shared by the browser (what is still missing, shown
//! live) and the server (which applies it in the transaction that closes).

use serde::{Deserialize, Serialize};

use super::rules::{FillProgress, QuestionStatus};
use super::tree::{IndicatorTree, TreeNode};
use crate::contacts::ContactRow;

/// A red question: it must be answered before closing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingQuestion {
    pub id: i32,
    /// "1.1.1.a - Taux d'ordonnances ..."
    pub title: String,
}

/// A mandatory contact not yet confirmed in this self-evaluation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingContact {
    pub id: i32,
    /// "DIRECTEUR", "REF. CAQES" ...
    pub function: String,
}

/// What still stands between a self-evaluation and its closing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingItems {
    pub progress: FillProgress,
    pub questions: Vec<MissingQuestion>,
    pub contacts: Vec<MissingContact>,
}

impl MissingItems {
    /// The rule of the guide: no red dot left (100 %) and every mandatory contact updated.
    pub fn of(tree: &IndicatorTree, contacts: &[ContactRow]) -> Self {
        let mut questions = Vec::new();
        fn red_questions(node: &TreeNode, into: &mut Vec<MissingQuestion>) {
            if node.status == Some(QuestionStatus::ToFill) {
                into.push(MissingQuestion { id: node.id, title: node.title() });
            }
            for child in &node.children {
                red_questions(child, into);
            }
        }
        for objective in &tree.objectives {
            red_questions(objective, &mut questions);
        }
        let contacts = contacts
            .iter()
            .filter(|contact| contact.blocks_closing())
            .map(|contact| MissingContact { id: contact.id, function: contact.function.clone() })
            .collect();
        MissingItems { progress: tree.progress(), questions, contacts }
    }

    pub fn may_close(&self) -> bool {
        self.progress.is_complete() && self.questions.is_empty() && self.contacts.is_empty()
    }

    /// "2 questions à saisir et 1 contact obligatoire à mettre à jour".
    pub fn summary(&self) -> String {
        let questions = match self.questions.len() {
            0 => None,
            1 => Some("1 question à saisir".to_owned()),
            count => Some(format!("{count} questions à saisir")),
        };
        let contacts = match self.contacts.len() {
            0 => None,
            1 => Some("1 contact obligatoire à mettre à jour".to_owned()),
            count => Some(format!("{count} contacts obligatoires à mettre à jour")),
        };
        match (questions, contacts) {
            (Some(questions), Some(contacts)) => format!("{questions} et {contacts}"),
            (Some(only), None) | (None, Some(only)) => only,
            (None, None) => "Tout est saisi : la saisie peut être close.".to_owned(),
        }
    }
}

/// Where a contract stands with its closing, as the contract page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClosingState {
    /// Auto-Evaluation: what is still missing (empty when the establishment may close).
    Open(MissingItems),
    /// Consultation: when and by whom it was closed (`None` for a contract closed before e-CARS).
    Closed(Option<(String, String)>),
}

/// One answer as the closure receipt lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptLine {
    /// "1.1.1.a - Taux d'ordonnances ..."
    pub title: String,
    /// "Non concerné", the achieved value, or "Non renseigné" (grey questions may be empty).
    pub achieved: String,
    pub comment: Option<String>,
}

/// "Accusé de clôture": what was closed, when, by whom, and every answer. The same content is
/// mailed and shown as a printable page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosingReceipt {
    pub contract: crate::contracts::ContractHeader,
    pub closed_at: String,
    pub closed_by: String,
    pub percentage: u8,
    pub answers: Vec<ReceiptLine>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contracts::ContractHeader;
    use crate::legal_entities::LegalEntityRef;
    use crate::vocabulary::Phase;
    use QuestionStatus::*;

    fn question(id: i32, status: QuestionStatus) -> TreeNode {
        TreeNode {
            id,
            code: format!("1.1.{id}"),
            label: "Question".into(),
            status: Some(status),
            agency_value: None,
            children: vec![],
        }
    }

    fn tree(statuses: &[QuestionStatus]) -> IndicatorTree {
        let children = statuses.iter().enumerate().map(|(i, status)| question(i as i32 + 10, *status)).collect();
        IndicatorTree {
            contract: ContractHeader {
                id: 1,
                kind: crate::vocabulary::ContractKind::Caqes,
                name: "CAQES TEST".into(),
                phase: Phase::AutoEvaluation,
                year: 2022,
                window: None,
                legal_entity: LegalEntityRef { finess: "380780080".into(), name: "CHU".into() },
            },
            objectives: vec![TreeNode {
                id: 1,
                code: "1".into(),
                label: "Objectif".into(),
                status: None,
                agency_value: None,
                children,
            }],
            earlier: false,
        }
    }

    fn contact(id: i32, mandatory: bool, updated: bool) -> ContactRow {
        ContactRow {
            id,
            function: format!("FONCTION {id}"),
            last_name: None,
            first_name: None,
            email: None,
            phone: None,
            mandatory,
            updated,
        }
    }

    #[test]
    fn closing_needs_every_red_question_answered() {
        let missing = MissingItems::of(&tree(&[Filled, ToFill, Locked]), &[contact(1, true, true)]);
        assert!(!missing.may_close());
        assert_eq!(missing.questions, [MissingQuestion { id: 11, title: "1.1.11 - Question".into() }]);
        assert_eq!(missing.summary(), "1 question à saisir");
        assert_eq!(missing.progress.percentage(), 50);
    }

    #[test]
    fn closing_needs_every_mandatory_contact_updated() {
        let contacts = [contact(1, true, false), contact(2, false, false), contact(3, true, true)];
        let missing = MissingItems::of(&tree(&[Filled, Filled]), &contacts);
        assert!(!missing.may_close());
        assert_eq!(missing.contacts, [MissingContact { id: 1, function: "FONCTION 1".into() }]);
        assert_eq!(missing.summary(), "1 contact obligatoire à mettre à jour");
    }

    #[test]
    fn closing_is_allowed_at_100_percent_with_mandatory_contacts_updated() {
        // Grey questions and optional contacts never block.
        let missing = MissingItems::of(&tree(&[Filled, Locked]), &[contact(1, true, true), contact(2, false, false)]);
        assert!(missing.may_close());
        assert_eq!(missing.summary(), "Tout est saisi : la saisie peut être close.");
    }

    #[test]
    fn both_kinds_of_missing_items_are_counted() {
        let missing =
            MissingItems::of(&tree(&[ToFill, ToFill, Filled]), &[contact(1, true, false), contact(2, true, false)]);
        assert_eq!(missing.summary(), "2 questions à saisir et 2 contacts obligatoires à mettre à jour");
        assert_eq!(missing.progress.percentage(), 33);
    }
}
