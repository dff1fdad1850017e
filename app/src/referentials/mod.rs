//! Indicator referentials ("Référentiels d'indicateurs"): an agency's trees of objectives and
//! questions, imported from a spreadsheet (.xlsx, .ods) or a .csv file, one row per node, and
//! checked before anything is written. A referential has a name and versions; a version never
//! changes once written (importing again makes the next version), so a contract made from one
//! keeps its tree.

pub mod api;
mod page;
pub mod rows;

#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod template;
#[cfg(feature = "ssr")]
pub mod web;

pub use page::ReferentialsPage;

use serde::{Deserialize, Serialize};

use ecars_core::evaluation::appraisal::{Direction, Weight};
use ecars_core::vocabulary::ValueKind;

/// A column of the file, as the template names and explains it.
pub struct Column {
    pub title: &'static str,
    pub explanation: &'static str,
    pub example: &'static str,
}

pub const COLUMNS: [Column; 9] = [
    Column {
        title: "Code",
        explanation: "Le code du nœud, unique dans le référentiel : lettres, chiffres, points et tirets (30 caractères au plus), commençant par une lettre ou un chiffre, sans « .. ».",
        example: "1.1.1.a",
    },
    Column {
        title: "Code parent",
        explanation: "Le code de l'objectif dont le nœud dépend ; vide pour un objectif de premier niveau. Une question dépend toujours d'un objectif.",
        example: "1.1.1",
    },
    Column {
        title: "Libellé",
        explanation: "Le texte affiché dans l'arbre des indicateurs (2 000 caractères au plus).",
        example: "Taux d'ordonnances de sortie conformes",
    },
    Column {
        title: "Type de nœud",
        explanation: "objectif (un objectif ou sous-objectif, qui a des enfants) ou question (un indicateur, que l'on renseigne).",
        example: "question",
    },
    Column {
        title: "Type de valeur",
        explanation: "Pour une question : Oui/Non, pourcentage, nombre ou texte. Vide pour un objectif.",
        example: "pourcentage",
    },
    Column {
        title: "Cible",
        explanation: "Pour une question, facultatif : la valeur visée, du type de la question (par exemple 80 pour un pourcentage, Oui pour Oui/Non).",
        example: "80",
    },
    Column {
        title: "National",
        explanation: "oui pour un indicateur national, renseigné par l'agence à partir des valeurs du ministère (en gris pour l'établissement) ; non ou vide sinon.",
        example: "non",
    },
    Column {
        title: "Sens",
        explanation: "Pour une question chiffrée, facultatif : plus haut est mieux (par défaut) ou plus bas est mieux (un taux de réhospitalisation, par exemple). L'appréciation proposée par l'agence compare la valeur retenue à la cible dans ce sens.",
        example: "plus haut est mieux",
    },
    Column {
        title: "Poids",
        explanation: "Pour une question, facultatif : son poids dans le score de l'évaluation par l'agence, un nombre supérieur à 0 (deux décimales au plus) ; 1 si vide.",
        example: "1",
    },
];

/// The columns a file must have: the last ones ("Sens", "Poids") may be left out, as in the files
/// made before them.
pub const REQUIRED_COLUMNS: usize = 7;

/// An objective (it has children) or a question (a leaf, filled in).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RowKind {
    Objective,
    Question,
}

/// A node of the file, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckedNode {
    /// Its row in the file, from 1.
    pub row: u64,
    pub code: String,
    pub parent: Option<String>,
    pub label: String,
    pub kind: RowKind,
    pub value_kind: Option<ValueKind>,
    pub target: Option<String>,
    pub national: bool,
    /// Which way a question improves ("Sens"); the default for an objective.
    #[serde(default)]
    pub direction: Direction,
    /// A question's weight in the score ("Poids"); the default for an objective.
    #[serde(default)]
    pub weight: Weight,
    /// 0 for a top-level objective.
    pub depth: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusedRow {
    pub row: u64,
    pub reason: String,
}

/// What a file holds: the tree (depth-first) and the rows left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckedReferential {
    pub nodes: Vec<CheckedNode>,
    pub refused: Vec<RefusedRow>,
}

impl CheckedReferential {
    pub fn count(&self, kind: RowKind) -> usize {
        self.nodes.iter().filter(|node| node.kind == kind).count()
    }
}

/// What "Confirmer l'import" would write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferentialPreview {
    pub token: String,
    pub name: String,
    /// The version it would be: 1 for a new referential.
    pub version: i32,
    pub file_name: String,
    pub checked: CheckedReferential,
}

/// A referential as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferentialRow {
    pub name: String,
    pub versions: Vec<VersionRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionRow {
    pub number: i32,
    /// "02/12/2026 à 10:15", in the agency's time zone.
    pub created_at: String,
    pub created_by: String,
    pub objectives: u64,
    pub questions: u64,
    /// Contracts made from it: while there is one, the version is in use (it never changes anyway).
    pub contracts: u64,
}

/// Query parameters of the referentials page, as of every import page (the one just written is
/// "version,name").
pub use crate::administration::{IMPORTED_PARAM, PREVIEW_PARAM, REFUSAL_PARAM};

/// Why a file sent was refused before it could be read, shown by the page from the address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadRefusal {
    NoFile,
    NoName,
    TooBig,
    Unreadable,
}

impl UploadRefusal {
    pub const ALL: [UploadRefusal; 4] =
        [UploadRefusal::NoFile, UploadRefusal::NoName, UploadRefusal::TooBig, UploadRefusal::Unreadable];

    pub fn code(self) -> &'static str {
        match self {
            UploadRefusal::NoFile => "fichier",
            UploadRefusal::NoName => "nom",
            UploadRefusal::TooBig => "taille",
            UploadRefusal::Unreadable => "envoi",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        UploadRefusal::ALL.into_iter().find(|refusal| refusal.code() == code)
    }

    pub fn message(self) -> &'static str {
        match self {
            UploadRefusal::NoFile => "Veuillez choisir le fichier du référentiel (.xlsx, .ods ou .csv).",
            UploadRefusal::NoName => {
                "Veuillez donner un nom au référentiel, d'une ligne de 120 caractères au plus (par exemple : CAQES 2026)."
            }
            UploadRefusal::TooBig => "Le fichier dépasse 10 Mo : un référentiel tient dans bien moins.",
            UploadRefusal::Unreadable => "L'envoi du fichier a échoué : rien n'a été enregistré. Veuillez réessayer.",
        }
    }
}

/// A referential's name: one line of at most 120 characters.
/// "CAQES 2026 (version 2)": a referential version as every page and the journal name it.
pub fn version_label(referential: &str, number: i32) -> String {
    format!("{referential} (version {number})")
}

pub fn parse_name(typed: &str) -> Option<String> {
    let name = typed.trim();
    (!name.is_empty() && name.chars().count() <= 120 && !name.chars().any(char::is_control)).then(|| name.to_owned())
}
