//! "Exporter": what the dashboard's filter shows, as a spreadsheet. Sheet "Synthèse" has one row
//! per evaluation with the dashboard's columns; sheet "Réponses" one row per evaluation and
//! question. Values are typed (numbers, percentages, dates) where they are; text never starts a
//! formula. `.xlsx` and `.ods` hold both sheets; a `.csv` holds one (UTF-8 with its mark, `;`).

use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod server;

/// The formats offered, by their extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExportFormat {
    Xlsx,
    Ods,
    Csv,
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 3] = [ExportFormat::Xlsx, ExportFormat::Ods, ExportFormat::Csv];

    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Xlsx => "xlsx",
            ExportFormat::Ods => "ods",
            ExportFormat::Csv => "csv",
        }
    }

    pub fn parse(extension: &str) -> Option<Self> {
        ExportFormat::ALL.into_iter().find(|format| format.extension() == extension)
    }

    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ExportFormat::Ods => "application/vnd.oasis.opendocument.spreadsheet",
            ExportFormat::Csv => "text/csv; charset=utf-8",
        }
    }
}

/// The two sheets; a `.csv` is one of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Sheet {
    Summary,
    Answers,
}

impl Sheet {
    pub const ALL: [Sheet; 2] = [Sheet::Summary, Sheet::Answers];

    pub fn name(self) -> &'static str {
        match self {
            Sheet::Summary => "Synthèse",
            Sheet::Answers => "Réponses",
        }
    }

    /// `synthese` or `reponses`, as the address says.
    pub fn code(self) -> &'static str {
        match self {
            Sheet::Summary => "synthese",
            Sheet::Answers => "reponses",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Sheet::ALL.into_iter().find(|sheet| sheet.code() == code)
    }

    pub fn headers(self) -> &'static [&'static str] {
        match self {
            Sheet::Summary => &[
                "FINESS",
                "Entité juridique",
                "Département",
                "Type de contrat",
                "Contrat",
                "Année",
                "Phase",
                "État",
                "Pourcentage de remplissage",
                "Questions saisies",
                "Questions à saisir",
                "Contacts obligatoires mis à jour",
                "Contacts obligatoires",
                "Documents",
                "Dernière modification",
                "Modifié par",
                "Clôturé le",
            ],
            Sheet::Answers => &[
                "FINESS",
                "Entité juridique",
                "Contrat",
                "Année",
                "Code objectif",
                "Objectif",
                "Code question",
                "Question",
                "Cible",
                "Non concerné",
                "Réalisé",
                "Commentaire",
                "Réalisé l'année précédente",
                "Modifié le",
                "Modifié par",
            ],
        }
    }
}

/// Query parameter naming the sheet of a `.csv`.
pub const SHEET_PARAM: &str = "feuille";

/// Where the export of what `filter` shows (every page of it) is downloaded; a `.csv` is of one sheet.
pub fn export_href(filter: &super::dashboard::DashboardFilter, format: ExportFormat, sheet: Sheet) -> String {
    let sheet = (format == ExportFormat::Csv).then(|| format!("{SHEET_PARAM}={}", sheet.code()));
    let route = ecars_core::routes::FOLLOW_UP_EXPORT_ROUTE.replace("{format}", format.extension());
    filter.at_page(1).address(&route, sheet.as_deref())
}

/// The downloaded file's name: "suivi-CAQES-2022-reponses.csv", or for one contract's evaluation
/// "evaluation-contrat-12-2022.xlsx".
pub fn file_name(filter: &super::dashboard::DashboardFilter, format: ExportFormat, sheet: Sheet) -> String {
    let mut name = match filter.contract {
        Some(id) => format!("evaluation-contrat-{id}"),
        None => String::from("suivi"),
    };
    if let Some(kind) = filter.kind {
        name.push('-');
        name.push_str(kind.label());
    }
    if let Some(year) = filter.year {
        name.push_str(&format!("-{year}"));
    }
    if format == ExportFormat::Csv {
        name.push('-');
        name.push_str(sheet.code());
    }
    format!("{name}.{}", format.extension())
}

/// Cells as the server writes them (dates need the agency's time zone: server side only).
#[cfg(feature = "ssr")]
pub mod cells {
    use chrono::{NaiveDate, NaiveDateTime};
    use ecars_core::vocabulary::ValueKind;

    use super::Sheet;

    /// A cell, typed.
    #[derive(Debug, Clone, PartialEq)]
    pub enum Cell {
        Empty,
        Text(String),
        Number(f64),
        /// A fraction shown as a percentage: 0.125 is "12,5 %".
        Percent(f64),
        /// In the agency's time zone.
        DateTime(NaiveDateTime),
        Date(NaiveDate),
    }

    impl Cell {
        /// Text that a spreadsheet will never read as a formula: a leading `=`, `+`, `-`, `@`, tab or
        /// carriage return is preceded by `'`.
        pub fn text(text: &str) -> Cell {
            if text.is_empty() {
                Cell::Empty
            } else {
                Cell::Text(neutralised(text))
            }
        }

        pub fn optional(text: Option<&str>) -> Cell {
            text.map_or(Cell::Empty, Cell::text)
        }

        pub fn count(count: usize) -> Cell {
            Cell::Number(count as f64)
        }

        /// An answer as stored ("12,5", "Oui"), typed by its question's kind: a number, a percentage,
        /// or text when it is not one (a national value, a value from before the rules).
        pub fn answer(kind: ValueKind, stored: &str) -> Cell {
            let number = || stored.trim().trim_end_matches('%').trim().replace(',', ".").parse::<f64>().ok();
            match kind {
                ValueKind::Number => {
                    number().filter(|n| n.is_finite()).map_or_else(|| Cell::text(stored), Cell::Number)
                }
                ValueKind::Percentage => {
                    number().filter(|n| n.is_finite()).map_or_else(|| Cell::text(stored), |n| Cell::Percent(n / 100.0))
                }
                ValueKind::YesNo | ValueKind::Text => Cell::text(stored),
            }
        }

        /// The cell as a CSV field: `;`-separated, quoted when needed, numbers with a decimal comma.
        pub fn csv(&self) -> String {
            let text = match self {
                Cell::Empty => return String::new(),
                Cell::Text(text) => text.clone(),
                Cell::Number(number) => french_number(*number),
                Cell::Percent(fraction) => format!("{} %", french_number(fraction * 100.0)),
                Cell::DateTime(moment) => moment.format("%d/%m/%Y %H:%M").to_string(),
                Cell::Date(date) => date.format("%d/%m/%Y").to_string(),
            };
            if text.contains([';', '"', '\n', '\r']) {
                format!("\"{}\"", text.replace('"', "\"\""))
            } else {
                text
            }
        }
    }

    /// `text`, preceded by `'` when a spreadsheet would take it for a formula.
    pub fn neutralised(text: &str) -> String {
        if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            format!("'{text}")
        } else {
            text.to_owned()
        }
    }

    /// 12.5 as "12,5"; whole numbers without decimals.
    fn french_number(number: f64) -> String {
        let rounded = (number * 1_000_000.0).round() / 1_000_000.0;
        if rounded.fract() == 0.0 && rounded.abs() < 1e15 {
            format!("{}", rounded as i64)
        } else {
            format!("{rounded}").replace('.', ",")
        }
    }

    /// One CSV line, ending with CRLF as spreadsheet software expects.
    pub fn csv_line(cells: &[Cell]) -> String {
        let mut line = cells.iter().map(Cell::csv).collect::<Vec<_>>().join(";");
        line.push_str("\r\n");
        line
    }

    /// The header line of a CSV sheet, after the UTF-8 mark that tells Excel the encoding.
    pub fn csv_header(sheet: Sheet) -> String {
        let cells: Vec<Cell> = sheet.headers().iter().map(|header| Cell::text(header)).collect();
        format!("\u{feff}{}", csv_line(&cells))
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use crate::follow_up::export::ExportFormat;

        #[test]
        fn text_never_starts_a_formula() {
            for formula in ["=HYPERLINK(\"http://x\")", "+33 1", "-2+3", "@SUM(A1)", "\tTAB"] {
                match Cell::text(formula) {
                    Cell::Text(text) => assert!(text.starts_with('\''), "{text}"),
                    other => panic!("{other:?}"),
                }
            }
            assert_eq!(Cell::text("CHU de Grenoble"), Cell::Text("CHU de Grenoble".into()));
            assert_eq!(Cell::text(""), Cell::Empty);
        }

        #[test]
        fn answers_are_typed_by_their_question() {
            assert_eq!(Cell::answer(ValueKind::Percentage, "12,5"), Cell::Percent(0.125));
            assert_eq!(Cell::answer(ValueKind::Percentage, "-4,2"), Cell::Percent(-0.042));
            assert_eq!(Cell::answer(ValueKind::Number, "1250"), Cell::Number(1250.0));
            assert_eq!(Cell::answer(ValueKind::YesNo, "Oui"), Cell::Text("Oui".into()));
            assert_eq!(Cell::answer(ValueKind::Text, "-5 % de dépenses"), Cell::Text("'-5 % de dépenses".into()));
            assert_eq!(Cell::answer(ValueKind::Number, "NaN"), Cell::Text("NaN".into()));
            assert_eq!(Cell::answer(ValueKind::Number, "environ 12"), Cell::Text("environ 12".into()));
        }

        #[test]
        fn csv_cells_read_as_french_spreadsheets_expect() {
            let line = csv_line(&[
                Cell::text("A; B \"C\""),
                Cell::Number(12.5),
                Cell::Percent(0.125),
                Cell::Number(3.0),
                Cell::Empty,
                Cell::Date(NaiveDate::from_ymd_opt(2026, 12, 5).unwrap()),
            ]);
            assert_eq!(line, "\"A; B \"\"C\"\"\";12,5;12,5 %;3;;05/12/2026\r\n");
            assert!(csv_header(Sheet::Answers).starts_with("\u{feff}FINESS;Entité juridique;"));
        }

        #[test]
        fn formats_and_sheets_are_named_in_the_address() {
            for format in ExportFormat::ALL {
                assert_eq!(ExportFormat::parse(format.extension()), Some(format));
            }
            for sheet in Sheet::ALL {
                assert_eq!(Sheet::parse(sheet.code()), Some(sheet));
            }
            let filter = crate::follow_up::dashboard::DashboardFilter {
                year: Some(2022),
                contract: Some(12),
                ..Default::default()
            };
            use crate::follow_up::export::{export_href, file_name};
            assert_eq!(file_name(&filter, ExportFormat::Xlsx, Sheet::Summary), "evaluation-contrat-12-2022.xlsx");
            assert_eq!(
                export_href(&filter, ExportFormat::Csv, Sheet::Answers),
                "/api/suivi/export/csv?annee=2022&contrat=12&feuille=reponses"
            );
            assert_eq!(ExportFormat::parse("exe"), None);
        }
    }
}
