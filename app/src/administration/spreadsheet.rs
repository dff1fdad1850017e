//! Reading an imported table (a referential, national values) into rows of text cells: an .xlsx
//! or .ods spreadsheet (its first sheet, formulas read as the values they show, never evaluated)
//! or a .csv file (UTF-8 or Windows-1252, `;`, `,` or tab-separated, `"`-quoted). What the file
//! is comes from its content, not its name.

use std::io::Cursor;

use calamine::{open_workbook_auto_from_rs, Data, Reader};

/// The rows of a file (number from 1, cells as text), or why it cannot be read, in French.
pub type Rows = Vec<(u64, Vec<String>)>;

/// A spreadsheet whose parts would unpack to more than this is refused (a "zip bomb").
const MAX_UNPACKED_BYTES: u64 = 100 * 1024 * 1024;

pub fn read(bytes: &[u8]) -> Result<Rows, String> {
    if bytes.is_empty() {
        return Err("Le fichier est vide.".to_owned());
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return read_spreadsheet(bytes);
    }
    if bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        return Err(
            "Les classeurs .xls (Excel 97-2003) ne sont pas lus : enregistrez-le en .xlsx ou en .ods.".to_owned()
        );
    }
    // Text has no NUL byte; a PDF, an image or an executable soon has one.
    if bytes.iter().take(8192).any(|byte| *byte == 0) || bytes.starts_with(b"%PDF") {
        return Err(not_a_table());
    }
    read_csv(bytes)
}

fn not_a_table() -> String {
    "Ce fichier n'est ni un classeur .xlsx ou .ods, ni un fichier .csv.".to_owned()
}

fn read_spreadsheet(bytes: &[u8]) -> Result<Rows, String> {
    let damaged = || "Le classeur est incomplet ou abîmé : enregistrez-le à nouveau, en .xlsx ou en .ods.".to_owned();
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| damaged())?;
    // The sizes of the central directory, which calamine trusts too.
    let mut unpacked: u64 = 0;
    for index in 0..archive.len() {
        unpacked = unpacked.saturating_add(archive.by_index_raw(index).map_err(|_| damaged())?.size());
    }
    if unpacked > MAX_UNPACKED_BYTES {
        return Err("Le classeur décompressé dépasse 100 Mo : le fichier attendu tient dans bien moins.".to_owned());
    }
    let mut workbook = open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|_| damaged())?;
    let range =
        workbook.worksheet_range_at(0).ok_or("Le classeur n'a aucune feuille.".to_owned())?.map_err(|_| damaged())?;
    let Some((first_row, first_column)) = range.start() else { return Ok(Vec::new()) };
    Ok(range
        .rows()
        .enumerate()
        .map(|(index, cells)| {
            // The range starts at its first non-empty cell: columns before it are empty.
            let mut row: Vec<String> = vec![String::new(); first_column as usize];
            row.extend(cells.iter().map(cell_text));
            (u64::from(first_row) + index as u64 + 1, row)
        })
        .collect())
}

/// What a cell shows: `1` for the number 1.0, `oui`/`non` for a boolean, the cached result of a
/// formula (never computed here).
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Bool(true) => "oui".to_owned(),
        Data::Bool(false) => "non".to_owned(),
        Data::Error(error) => format!("#{error}"),
        other => other.to_string(),
    }
}

fn read_csv(bytes: &[u8]) -> Result<Rows, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0.into_owned(),
    };
    if let Some(line) = unclosed_quote(&text) {
        return Err(format!(
            "Un guillemet ouvert ligne {line} n'est jamais fermé : le fichier est tronqué ou mal formé."
        ));
    }
    let first_line = text.lines().next().unwrap_or_default();
    let delimiter = [b';', b',', b'\t']
        .into_iter()
        .max_by_key(|delimiter| first_line.bytes().filter(|byte| byte == delimiter).count())
        .unwrap_or(b';');
    let mut reader = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
    let mut rows = Vec::new();
    let mut output = vec![0u8; text.len() + 1];
    let mut ends = vec![0usize; text.len() + 2];
    let newlines = |bytes: &[u8]| bytes.iter().filter(|byte| **byte == b'\n').count() as u64;
    // `line` is where the bytes not yet read start; blank lines before a record are skipped.
    let (mut input, mut line, mut record_line) = (text.as_bytes(), 1u64, None);
    loop {
        let (result, read, _, fields) = reader.read_record(input, &mut output, &mut ends);
        let consumed = &input[..read];
        input = &input[read..];
        let blank = consumed.iter().take_while(|byte| matches!(byte, b'\n' | b'\r')).copied().collect::<Vec<u8>>();
        let starts_at = *record_line.get_or_insert(line + newlines(&blank));
        line += newlines(consumed);
        match result {
            // The whole text was given: the next call, with nothing, ends the last record.
            csv_core::ReadRecordResult::InputEmpty => continue,
            csv_core::ReadRecordResult::Record => {
                let mut start = 0;
                let cells = ends[..fields]
                    .iter()
                    .map(|&end| {
                        let cell = String::from_utf8_lossy(&output[start..end]).into_owned();
                        start = end;
                        cell
                    })
                    .collect();
                rows.push((starts_at, cells));
                record_line = None;
            }
            csv_core::ReadRecordResult::End => break,
            csv_core::ReadRecordResult::OutputFull | csv_core::ReadRecordResult::OutputEndsFull => {
                return Err(not_a_table());
            }
        }
    }
    Ok(rows)
}

/// The line of a `"` opened and never closed, if any.
fn unclosed_quote(text: &str) -> Option<u64> {
    let mut open_at = None;
    for (index, line) in text.lines().enumerate() {
        for _ in line.matches('"') {
            open_at = match open_at {
                None => Some(index as u64 + 1),
                Some(_) => None,
            };
        }
    }
    open_at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_in_either_encoding_and_separator_gives_the_same_rows() {
        let utf8 = "Code;Libellé\n1;\"Objectif \"\"qualité\"\"\"\n\n2;Élan\n";
        let rows = read(utf8.as_bytes()).unwrap();
        assert_eq!(rows[0], (1, vec!["Code".to_owned(), "Libellé".to_owned()]));
        assert_eq!(rows[1], (2, vec!["1".to_owned(), "Objectif \"qualité\"".to_owned()]));
        assert_eq!(rows.last().unwrap().1[1], "Élan");
        let latin = encoding_rs::WINDOWS_1252.encode(&utf8.replace(';', ",")).0.into_owned();
        let same = read(&latin).unwrap();
        assert_eq!(
            same.iter().map(|(_, cells)| cells.clone()).collect::<Vec<_>>(),
            rows.iter().map(|(_, cells)| cells.clone()).collect::<Vec<_>>()
        );
        assert_eq!(same.last().unwrap().0, 4, "rows keep their line numbers");
    }

    #[test]
    fn what_is_not_a_table_is_refused_with_a_reason() {
        assert!(read(b"").unwrap_err().contains("vide"));
        assert!(read(b"Code;Libell\xc3\xa9\n1;\"ouvert\n").unwrap_err().contains("ligne 2"));
        assert!(read(b"%PDF-1.7\n...").unwrap_err().contains("ni un classeur"));
        assert!(read(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest").unwrap_err().contains(".xls"));
        assert!(read(b"PK\x03\x04truncated").unwrap_err().contains("abîmé"));
        let garbage: Vec<u8> = (0..200_000u32).map(|n| (n.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        assert!(read(&garbage).is_err());
    }
}
