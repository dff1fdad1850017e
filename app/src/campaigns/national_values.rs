//! National indicators ("n'appelle aucune contribution de votre part"): the agency imports the
//! values the ministry sends, one line per legal entity and question (FINESS of the legal entity,
//! question code, value, optional comment), into one year's evaluations of one contract type. The
//! lines are checked alone here (plain Rust), then against the evaluations on the server; nothing
//! is written before the administrator has seen the preview and confirmed. Each value becomes the
//! national question's answer with its source, shown read-only (grey): it never counts in the
//! establishment's fill percentage.

use std::collections::HashMap;

use ecars_core::text::folded;
use ecars_core::vocabulary::ContractKind;
use serde::{Deserialize, Serialize};

use crate::referentials::RefusedRow;

/// The columns of the file, in this order; the comment may be left out.
pub const COLUMNS: [&str; 4] = ["FINESS", "Code question", "Valeur", "Commentaire"];
/// 3,000 legal entities with a dozen national indicators each fit well below.
pub const MAX_LINES: usize = 100_000;
const MAX_CODE_CHARS: usize = 30;
/// At most this many changes are listed in the preview (all are counted and written).
pub const LISTED_CHANGES: usize = 1000;

/// Query parameters of the page, as of every import page (the counts of an import just made are
/// "created,updated").
pub use crate::administration::{IMPORTED_PARAM, PREVIEW_PARAM, REFUSAL_PARAM};

/// The evaluations an import goes into: those of one year of the agency's contracts of one type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CampaignChoice {
    pub year: i32,
    pub kind: ContractKind,
}

impl CampaignChoice {
    /// "CAQES-2024", as the form sends it.
    pub fn code(self) -> String {
        format!("{}-{}", self.kind.label(), self.year)
    }

    pub fn parse(code: &str) -> Option<Self> {
        let (kind, year) = code.trim().split_once('-')?;
        let year: i32 = year.parse().ok()?;
        Some(CampaignChoice { kind: ContractKind::parse(kind)?, year }).filter(|_| (2000..=2100).contains(&year))
    }

    /// "CAQES 2024".
    pub fn label(self) -> String {
        format!("{} {}", self.kind.label(), self.year)
    }
}

/// Why a file sent was refused before it could be read, shown by the page from the address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadRefusal {
    NoFile,
    NoCampaign,
    TooBig,
    Unreadable,
}

impl UploadRefusal {
    pub const ALL: [UploadRefusal; 4] =
        [UploadRefusal::NoFile, UploadRefusal::NoCampaign, UploadRefusal::TooBig, UploadRefusal::Unreadable];

    pub fn code(self) -> &'static str {
        match self {
            UploadRefusal::NoFile => "fichier",
            UploadRefusal::NoCampaign => "campagne",
            UploadRefusal::TooBig => "taille",
            UploadRefusal::Unreadable => "envoi",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        UploadRefusal::ALL.into_iter().find(|refusal| refusal.code() == code)
    }

    pub fn message(self) -> &'static str {
        match self {
            UploadRefusal::NoFile => "Veuillez choisir le fichier des valeurs nationales (.csv, .xlsx ou .ods).",
            UploadRefusal::NoCampaign => "Veuillez choisir la campagne dont les évaluations reçoivent les valeurs.",
            UploadRefusal::TooBig => "Le fichier dépasse 20 Mo : rien n'a été importé.",
            UploadRefusal::Unreadable => "L'envoi du fichier a échoué : rien n'a été enregistré. Veuillez réessayer.",
        }
    }
}

/// A line of the file, checked alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub row: u64,
    pub finess: String,
    pub code: String,
    /// As written; checked against the question's kind on the server.
    pub value: String,
    pub comment: String,
}

/// The rows of a file (number from 1, cells as text), its first row the column titles: the lines
/// to look up, and those refused (a malformed FINESS, no code or value, the same question twice).
pub fn parse_lines(rows: Vec<(u64, Vec<String>)>) -> Result<(Vec<Line>, Vec<RefusedRow>), String> {
    let mut rows = rows.into_iter().filter(|(_, cells)| cells.iter().any(|cell| !cell.trim().is_empty()));
    let Some((_, headers)) = rows.next() else {
        return Err("Le fichier est vide.".to_owned());
    };
    let headers: Vec<String> = headers.iter().map(|cell| folded(cell)).filter(|cell| !cell.is_empty()).collect();
    let expected: Vec<String> = COLUMNS.iter().map(|title| folded(title)).collect();
    if headers.len() < 3 || headers[..] != expected[..headers.len().min(expected.len())] || headers.len() > 4 {
        return Err(format!(
            "La première ligne n'est pas celle des titres attendus ({}) : le fichier n'est pas un fichier de valeurs nationales.",
            COLUMNS.join(" ; ")
        ));
    }
    let rows: Vec<(u64, Vec<String>)> = rows.collect();
    if rows.is_empty() {
        return Err("Le fichier ne contient aucune ligne après les titres.".to_owned());
    }
    if rows.len() > MAX_LINES {
        return Err(format!("Le fichier compte {} lignes : {MAX_LINES} au plus.", rows.len()));
    }
    let mut lines = Vec::with_capacity(rows.len());
    let mut refused = Vec::new();
    let mut first_row: HashMap<(String, String), u64> = HashMap::new();
    for (row, cells) in rows {
        let cell = |index: usize| cells.get(index).map(|cell| cell.trim()).unwrap_or_default();
        let checked = parse_line(row, cell(0), cell(1), cell(2), cell(3)).and_then(|line| {
            match first_row.get(&(line.finess.clone(), line.code.clone())) {
                Some(first) => Err(format!(
                    "la valeur de la question {} pour l'entité {} est déjà donnée ligne {first}",
                    line.code, line.finess
                )),
                None => Ok(line),
            }
        });
        match checked {
            Ok(line) => {
                first_row.insert((line.finess.clone(), line.code.clone()), row);
                lines.push(line);
            }
            Err(reason) => refused.push(RefusedRow { row, reason }),
        }
    }
    Ok((lines, refused))
}

fn parse_line(row: u64, finess: &str, code: &str, value: &str, comment: &str) -> Result<Line, String> {
    let finess = ecars_core::finess::FinessNumber::parse(finess)?.as_str().to_owned();
    if code.is_empty() {
        return Err("le code de la question manque".to_owned());
    }
    if code.chars().count() > MAX_CODE_CHARS || code.chars().any(char::is_control) {
        return Err(format!("« {} » n'est pas un code de question", code.chars().take(40).collect::<String>()));
    }
    if value.is_empty() {
        return Err(format!("la valeur de la question {code} manque"));
    }
    Ok(Line { row, finess, code: code.to_owned(), value: value.to_owned(), comment: comment.to_owned() })
}

/// A value the import writes (or would write).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueChange {
    /// "380780080 - CHU DE GRENOBLE ALPES".
    pub legal_entity: String,
    pub contract: String,
    pub code: String,
    /// The value it replaces; none for a first value.
    pub before: Option<String>,
    pub after: String,
    pub comment: Option<String>,
}

/// What "Confirmer l'import" would write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NationalValuesPreview {
    pub token: String,
    /// "CAQES 2024".
    pub campaign: String,
    pub file_name: String,
    pub lines: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// The first [`LISTED_CHANGES`] creations and updates.
    pub changes: Vec<ValueChange>,
    pub refused: Vec<RefusedRow>,
}

/// "Valeurs nationales importées : 12 nouvelle(s), 3 mise(s) à jour."
pub fn imported_message(created: usize, updated: usize) -> String {
    format!("Valeurs nationales importées en une seule fois : {created} nouvelle(s), {updated} mise(s) à jour.")
}

/// Where a value came from, as the question panel shows it.
pub fn source_label(file_name: &str) -> String {
    format!("valeurs nationales importées par l'agence (fichier « {file_name} »)")
}

#[cfg(feature = "ssr")]
pub mod server;

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(lines: &[&str]) -> Vec<(u64, Vec<String>)> {
        lines
            .iter()
            .enumerate()
            .map(|(index, line)| (index as u64 + 1, line.split(';').map(str::to_owned).collect()))
            .collect()
    }

    #[test]
    fn lines_are_checked_alone_and_the_same_question_twice_is_refused() {
        let (lines, refused) = parse_lines(rows(&[
            "FINESS;Code question;Valeur;Commentaire",
            "380780080;4.1.1.a;-4,5;Source DGOS",
            "38078008;4.1.1.a;3;",
            "380780080;;3;",
            "380780080;4.1.1.b;;",
            "380780080;4.1.1.a;2;",
            ";;;",
            "2a0000016;4.1.1.a;1",
        ]))
        .unwrap();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].comment, "Source DGOS");
        assert_eq!(lines[1].finess, "2A0000016");
        let reasons: Vec<(u64, &str)> = refused.iter().map(|refused| (refused.row, refused.reason.as_str())).collect();
        assert_eq!(reasons.len(), 4, "{reasons:?}");
        assert!(reasons[0].1.contains("n'est pas un numéro FINESS"));
        assert!(reasons[1].1.contains("code de la question manque"));
        assert!(reasons[2].1.contains("valeur de la question 4.1.1.b manque"));
        assert_eq!(reasons[3].0, 6);
        assert!(reasons[3].1.contains("déjà donnée ligne 2"));
    }

    #[test]
    fn a_file_that_is_not_one_of_national_values_is_refused_whole() {
        assert!(parse_lines(rows(&["Code;Code parent;Libellé"])).unwrap_err().contains("titres attendus"));
        assert!(parse_lines(rows(&["FINESS;Code question;Valeur"])).unwrap_err().contains("aucune ligne"));
        assert!(parse_lines(Vec::new()).unwrap_err().contains("vide"));
        // Without the optional comment column, and with accents or case that differ.
        assert!(parse_lines(rows(&["finess;CODE QUESTION;valeur", "380780080;4.1.1.a;3"])).is_ok());
    }

    #[test]
    fn choices_and_refusals_come_back_from_their_codes() {
        let choice = CampaignChoice { year: 2024, kind: ContractKind::Caqes };
        assert_eq!(CampaignChoice::parse(&choice.code()), Some(choice));
        assert_eq!(choice.label(), "CAQES 2024");
        for bad in ["", "CAQES", "CAQES-abc", "AUTRE-2024", "CAQES-1999"] {
            assert_eq!(CampaignChoice::parse(bad), None, "{bad}");
        }
        for refusal in UploadRefusal::ALL {
            assert_eq!(UploadRefusal::parse(refusal.code()), Some(refusal));
        }
    }
}
