//! "Télécharger le modèle": the empty referential as an .xlsx workbook, its first sheet with the
//! column titles the import expects, the second explaining each column with an example.

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::COLUMNS;

pub const FILE_NAME: &str = "modele-referentiel-indicateurs.xlsx";

pub fn workbook() -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let title = Format::new().set_bold();
    // Codes as text: "1.10" must not become the number 1.1.
    let text = Format::new().set_num_format("@");
    let tree = workbook.add_worksheet();
    tree.set_name("Référentiel")?;
    for (column, spec) in COLUMNS.iter().enumerate() {
        let column = column as u16;
        tree.write_string_with_format(0, column, spec.title, &title)?;
        tree.set_column_width(column, if column == 2 { 60 } else { 16 })?;
        tree.set_column_format(column, &text)?;
    }
    tree.set_freeze_panes(1, 0)?;
    let help = workbook.add_worksheet();
    help.set_name("Colonnes")?;
    for (column, heading) in ["Colonne", "Contenu", "Exemple"].into_iter().enumerate() {
        help.write_string_with_format(0, column as u16, heading, &title)?;
    }
    for (row, spec) in COLUMNS.iter().enumerate() {
        let row = row as u32 + 1;
        help.write_string(row, 0, spec.title)?;
        help.write_string(row, 1, spec.explanation)?;
        help.write_string(row, 2, spec.example)?;
    }
    help.set_column_width(0, 18)?;
    help.set_column_width(1, 110)?;
    help.set_column_width(2, 40)?;
    workbook.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::administration::spreadsheet::read;

    #[test]
    fn the_template_reads_back_as_the_titles_the_import_expects() {
        let bytes = workbook().unwrap();
        let rows = read(&bytes).unwrap();
        let titles: Vec<&str> = COLUMNS.iter().map(|column| column.title).collect();
        assert_eq!(rows, vec![(1, titles.iter().map(|title| (*title).to_owned()).collect())]);
        // Empty, it is refused with a reason, not read as a referential.
        assert!(crate::referentials::rows::check(rows).unwrap_err().contains("aucune ligne après les titres"));
    }
}
