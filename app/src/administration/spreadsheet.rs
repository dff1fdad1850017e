//! Reading an imported table (a referential, national values) into rows of text cells: an .xlsx
//! or .ods spreadsheet (its first sheet, formulas read as the values they show, never evaluated)
//! or a .csv file (UTF-8 or Windows-1252, `;`, `,` or tab-separated, `"`-quoted). What the file
//! is comes from its content, not its name.
//!
//! A spreadsheet is a zip of XML parts, which a file of a few kilobytes can make unpack to
//! gigabytes, or describe as millions of cells. Before anything is held, every part is unpacked
//! once and its real bytes counted, and only the cells within [`MAX_COLUMNS`] × [`MAX_ROWS`] are
//! read: an .xlsx sheet is streamed cell by cell (its declared `<dimension>` is never trusted),
//! an .ods `content.xml` is looked over the way calamine reads it before calamine, which expands
//! repeated rows and columns as it opens the file, is given it.

use std::collections::BTreeMap;
use std::io::{self, BufRead, BufReader, Cursor, Read, Seek};

use calamine::{Data, DataRef, Ods, Range, Reader, Xlsx, XlsxError};
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::QName;

/// The rows of a file (number from 1, cells as text), or why it cannot be read, in French.
pub type Rows = Vec<(u64, Vec<String>)>;

/// A spreadsheet whose parts would unpack to more than this is refused (a "zip bomb"); the text
/// of its cells, repeats counted, is held to the same.
const MAX_UNPACKED_BYTES: u64 = 100 * 1024 * 1024;
/// The columns and rows of a sheet that are read: a value beyond is refused. A referential or a
/// file of national values has a few columns and some thousands of rows.
pub const MAX_COLUMNS: u32 = 64;
pub const MAX_ROWS: u32 = 100_000;
/// Cells an .ods may make calamine hold, all sheets together.
const MAX_CELLS: u64 = MAX_COLUMNS as u64 * MAX_ROWS as u64;

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

fn damaged() -> String {
    "Le classeur est incomplet ou abîmé : enregistrez-le à nouveau, en .xlsx ou en .ods.".to_owned()
}

fn too_big() -> String {
    "Le classeur décompressé dépasse 100 Mo : le fichier attendu tient dans bien moins.".to_owned()
}

/// `64 colonnes, 100 000 lignes`.
fn limits() -> String {
    format!("{MAX_COLUMNS} colonnes, {} lignes", ecars_core::text::thousands(u64::from(MAX_ROWS)))
}

/// A cell holding a value beyond the columns and rows read, named as the spreadsheet shows it.
fn out_of_bounds(cell: &str) -> String {
    format!("La cellule {cell} est hors des limites lues ({}) : le classeur attendu tient dans bien moins.", limits())
}

fn read_spreadsheet(bytes: &[u8]) -> Result<Rows, String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| damaged())?;
    // Entries sharing their bytes make a small file unpack to many times its size.
    if archive.has_overlapping_entries().map_err(|_| damaged())? {
        return Err("Le classeur est endommagé ou piégé : enregistrez-le à nouveau, en .xlsx ou en .ods.".to_owned());
    }
    let unpacked = unpacked_sizes(&mut archive)?;
    if archive.index_for_name("content.xml").is_some() {
        let content = archive.by_name("content.xml").map_err(|_| damaged())?;
        check_ods_content(BufReader::new(content))?;
        return read_ods(bytes);
    }
    if archive.index_for_name("xl/workbook.bin").is_some() {
        return Err("Les classeurs .xlsb (binaires) ne sont pas lus : enregistrez-le en .xlsx ou en .ods.".to_owned());
    }
    check_shared_strings(&mut archive, &unpacked)?;
    read_xlsx(bytes)
}

/// Every entry unpacked once, its real bytes counted (the sizes the archive declares are the
/// sender's word): past [`MAX_UNPACKED_BYTES`] in all, the file is refused. The size of each.
fn unpacked_sizes<R: Read + Seek>(archive: &mut zip::ZipArchive<R>) -> Result<Vec<u64>, String> {
    let mut remaining = MAX_UNPACKED_BYTES;
    let mut sizes = Vec::with_capacity(archive.len());
    for index in 0..archive.len() {
        let entry = archive.by_index(index).map_err(|_| damaged())?;
        // One byte more than the budget left tells that it is exceeded, without reading on.
        let unpacked = io::copy(&mut entry.take(remaining + 1), &mut io::sink()).map_err(|_| damaged())?;
        remaining = remaining.checked_sub(unpacked).ok_or_else(too_big)?;
        sizes.push(unpacked);
    }
    Ok(sizes)
}

/// calamine reserves room for as many shared strings as the `.xlsx` declares (`uniqueCount`),
/// before reading one: a count the part cannot hold is refused. Every part calamine could take
/// for the shared strings is looked at (it finds them case-insensitively, `\` read as `/`).
fn check_shared_strings<R: Read + Seek>(archive: &mut zip::ZipArchive<R>, unpacked: &[u64]) -> Result<(), String> {
    for (index, size) in unpacked.iter().enumerate() {
        let entry = archive.by_index(index).map_err(|_| damaged())?;
        let name = entry.name().map_err(|_| damaged())?.replace('\\', "/").to_ascii_lowercase();
        if !name.ends_with("sharedstrings.xml") {
            continue;
        }
        let mut xml = calamine_xml_reader(BufReader::new(entry));
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match xml.read_event_into(&mut buf) {
                Ok(Event::Start(start)) if start.local_name().as_ref() == "sst" => {
                    let Some(count) = raw_attr(&start, "uniqueCount")? else { break };
                    // Each string takes more than a byte of the part.
                    match count.parse::<u64>() {
                        Ok(count) if count <= MAX_CELLS && count <= *size => break,
                        _ => return Err(too_big()),
                    }
                }
                Ok(Event::Eof) | Err(_) => break,
                Ok(_) => {}
            }
        }
    }
    Ok(())
}

/// An XML reader set as calamine sets its own, so that both see the same events.
fn calamine_xml_reader<B: BufRead>(input: B) -> quick_xml::Reader<B> {
    let mut xml = quick_xml::Reader::from_reader(input);
    let config = xml.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    xml
}

/// The first sheet of an `.xlsx`, streamed cell by cell: only the cells within the limits are
/// kept, a value beyond them refuses the file. Rows without any cell are left out (the readers
/// of these rows skip blank rows); columns before the first one with a value are empty strings.
fn read_xlsx(bytes: &[u8]) -> Result<Rows, String> {
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| damaged())?;
    let name = workbook.sheet_names().first().cloned().ok_or_else(no_sheet)?;
    let mut cells = match workbook.worksheet_cells_reader(&name) {
        Ok(cells) => cells,
        // A chart sheet first: no cell.
        Err(XlsxError::NotAWorksheet(_)) => return Ok(Vec::new()),
        Err(_) => return Err(damaged()),
    };
    let mut rows: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    let mut last_column = 0u32;
    // A shared string is copied into each cell that shows it.
    let mut text_bytes = 0u64;
    while let Some(cell) = cells.next_cell().map_err(|_| damaged())? {
        let (row, column) = cell.get_position();
        let value = cell.get_value();
        if matches!(value, DataRef::Empty) {
            continue;
        }
        if row >= MAX_ROWS || column >= MAX_COLUMNS {
            let blank = match value {
                DataRef::String(text) => text.is_empty(),
                DataRef::SharedString(text) => text.is_empty(),
                other => cell_text(&Data::from(other.clone())).is_empty(),
            };
            if blank {
                continue;
            }
            return Err(out_of_bounds(&format!("{}{}", column_letters(column), u64::from(row) + 1)));
        }
        let text = cell_text(&Data::from(value.clone()));
        text_bytes = text_bytes.saturating_add(text.len() as u64);
        if text_bytes > MAX_UNPACKED_BYTES {
            return Err(too_big());
        }
        let cells = rows.entry(row).or_default();
        let column = column as usize;
        if cells.len() <= column {
            cells.resize(column + 1, String::new());
        }
        if let Some(slot) = cells.get_mut(column) {
            *slot = text;
        }
        last_column = last_column.max(column as u32);
    }
    let width = last_column as usize + 1;
    Ok(rows
        .into_iter()
        .map(|(row, mut cells)| {
            cells.resize(width, String::new());
            (u64::from(row) + 1, cells)
        })
        .collect())
}

fn no_sheet() -> String {
    "Le classeur n'a aucune feuille.".to_owned()
}

/// `A`, ..., `Z`, `AA`, ... for the column numbered from 0.
fn column_letters(column: u32) -> String {
    let mut letters = Vec::new();
    let mut number = u64::from(column) + 1;
    while number > 0 {
        letters.push(char::from(b'A' + ((number - 1) % 26) as u8));
        number = (number - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// The first sheet of an `.ods` whose content was checked ([`check_ods_content`]).
fn read_ods(bytes: &[u8]) -> Result<Rows, String> {
    let mut workbook: Ods<_> = Ods::new(Cursor::new(bytes)).map_err(|_| damaged())?;
    let range = workbook.worksheet_range_at(0).ok_or_else(no_sheet)?.map_err(|_| damaged())?;
    Ok(range_rows(&range))
}

/// The rows of a range, from its first non-empty row to its last.
fn range_rows(range: &Range<Data>) -> Rows {
    let Some((first_row, first_column)) = range.start() else { return Vec::new() };
    range
        .rows()
        .enumerate()
        .map(|(index, cells)| {
            // The range starts at its first non-empty cell: columns before it are empty.
            let mut row: Vec<String> = vec![String::new(); first_column as usize];
            row.extend(cells.iter().map(cell_text));
            (u64::from(first_row) + index as u64 + 1, row)
        })
        .collect()
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

/// What calamine will hold of an `.ods`, counted from its `content.xml` read event by event as
/// calamine reads it (`ods.rs` of calamine 0.38: the same reader settings, elements, attributes
/// and repeats), holding nothing. calamine keeps every sheet; of each row it keeps every cell,
/// repeats counted, but a last empty one, then repeats the rows between the first and the last
/// one with a value over the columns that have one.
#[derive(Default)]
struct OdsScan {
    /// Cells kept as read, before rows are repeated (all sheets).
    read_cells: u64,
    /// Rows × columns of each sheet's values, summed.
    area: u64,
    /// Cells holding a value, repeats counted (all sheets).
    value_cells: u64,
    /// Bytes of those cells' XML, repeats counted: the text calamine copies into each.
    value_bytes: u64,
}

fn check_ods_content(content: impl BufRead) -> Result<(), String> {
    let mut xml = calamine_xml_reader(content);
    let mut scan = OdsScan::default();
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf).map_err(|_| damaged())? {
            // calamine reads a table that has a name, and the rows found before its end.
            Event::Start(table) if table.name().0 == "table:table" && raw_attr(&table, "table:name")?.is_some() => {
                scan.table(&mut xml)?;
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// The cells of a row, as calamine's `read_row` keeps them.
#[derive(Default)]
struct RowScan {
    /// Cells kept: every cell's repeats but the last one's when it is empty.
    kept: u64,
    /// The column after the last one with a value.
    value_end: u64,
    /// Cells with a value, repeats counted; the bytes of their XML, repeats counted.
    value_cells: u64,
    value_bytes: u64,
}

impl OdsScan {
    fn table<B: BufRead>(&mut self, xml: &mut quick_xml::Reader<B>) -> Result<(), String> {
        // Rows before the current one, repeats counted (calamine caps them; not counted here).
        let mut row: u64 = 0;
        let (mut last_row, mut last_column) = (0u64, 0u64);
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match xml.read_event_into(&mut buf).map_err(|_| damaged())? {
                Event::Start(start) if start.name().0 == "table:table-row" => {
                    let repeats = match raw_attr(&start, "table:number-rows-repeated")? {
                        Some(repeats) => count(&decoded(repeats)?)?,
                        None => 1,
                    };
                    // A row repeated 0 times is still read once.
                    let copies = repeats.max(1);
                    let found = scan_row(xml, row.saturating_add(1), row.saturating_add(copies))?;
                    self.read_cells = self.read_cells.saturating_add(found.kept);
                    if found.value_end > 0 {
                        last_row = last_row.max(row.saturating_add(copies));
                        last_column = last_column.max(found.value_end);
                        self.value_cells = self.value_cells.saturating_add(found.value_cells.saturating_mul(copies));
                        self.value_bytes = self.value_bytes.saturating_add(found.value_bytes.saturating_mul(copies));
                    }
                    self.check(last_row.saturating_mul(last_column))?;
                    row = row.saturating_add(repeats);
                }
                Event::End(end) if end.name().0 == "table:table" => break,
                // calamine would wait for the end of the table forever.
                Event::Eof => return Err(damaged()),
                _ => {}
            }
        }
        self.area = self.area.saturating_add(last_row.saturating_mul(last_column));
        Ok(())
    }

    /// With `area` the current sheet's so far.
    fn check(&self, area: u64) -> Result<(), String> {
        if self.value_bytes > MAX_UNPACKED_BYTES {
            return Err(too_big());
        }
        if self.read_cells > MAX_CELLS || self.value_cells > MAX_CELLS || self.area.saturating_add(area) > MAX_CELLS {
            return Err(format!(
                "Les feuilles du classeur comptent ensemble plus de cellules que les limites lues ({}) : \
                 le classeur attendu tient dans bien moins.",
                limits()
            ));
        }
        Ok(())
    }
}

/// A row spanning rows `first_row..=last_row` (from 1), read up to its end as calamine does;
/// a value beyond the limits refuses the file at once.
fn scan_row<B: BufRead>(xml: &mut quick_xml::Reader<B>, first_row: u64, last_row: u64) -> Result<RowScan, String> {
    let mut row = RowScan::default();
    // An empty cell's repeats, kept if another cell follows.
    let mut pending_empty = 0u64;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let cell_start = xml.buffer_position();
        match xml.read_event_into(&mut buf).map_err(|_| damaged())? {
            Event::Start(cell) if is_cell(cell.name()) => {
                let repeats = match raw_attr(&cell, "table:number-columns-repeated")? {
                    Some(repeats) => count(repeats)?,
                    None => 1,
                };
                let name = cell.name().0.to_owned();
                let (has_value, closed, spaces) = scan_cell(xml, &cell)?;
                if !closed {
                    let mut skipped = Vec::new();
                    xml.read_to_end_into(QName(&name), &mut skipped).map_err(|_| damaged())?;
                }
                row.kept = row.kept.saturating_add(pending_empty);
                pending_empty = 0;
                if !has_value {
                    pending_empty = repeats;
                    continue;
                }
                let first_column = row.kept.saturating_add(1);
                row.kept = row.kept.saturating_add(repeats);
                if last_row > u64::from(MAX_ROWS) {
                    return Err(out_of_bounds(&format!("de la ligne {last_row}, colonne {first_column},")));
                }
                if repeats > 0 {
                    row.value_end = row.kept;
                    if row.value_end > u64::from(MAX_COLUMNS) {
                        return Err(out_of_bounds(&format!("de la ligne {first_row}, colonne {},", row.value_end)));
                    }
                }
                let bytes = xml.buffer_position().saturating_sub(cell_start).saturating_add(spaces);
                row.value_cells = row.value_cells.saturating_add(repeats);
                row.value_bytes = row.value_bytes.saturating_add(bytes.saturating_mul(repeats));
                if row.value_bytes > MAX_UNPACKED_BYTES {
                    return Err(too_big());
                }
            }
            Event::End(end) if end.name().0 == "table:table-row" => return Ok(row),
            // calamine stops on anything else.
            _ => return Err(damaged()),
        }
    }
}

fn is_cell(name: QName<'_>) -> bool {
    name.0 == "table:table-cell" || name.0 == "table:covered-table-cell"
}

/// Whether the cell holds a value or a formula, whether its end was read, and the spaces its
/// text would expand to (`<text:s text:c="…"/>`), as calamine's `get_datatype` reads them.
fn scan_cell<B: BufRead>(xml: &mut quick_xml::Reader<B>, cell: &BytesStart<'_>) -> Result<(bool, bool, u64), String> {
    let (mut is_string, mut is_error, mut value_set, mut empty_string, mut formula) =
        (false, false, false, false, false);
    for attribute in RawAttributes(cell.attributes_raw()) {
        let (key, value) = attribute?;
        match key {
            "office:value" if !value_set => value_set = true,
            "office:string-value" | "office:date-value" | "office:time-value" if !value_set => {
                empty_string = key == "office:string-value" && decoded(value)?.is_empty();
                value_set = true;
            }
            "office:boolean-value" if !value_set => value_set = true,
            "office:value-type" if !value_set => is_string = value == "string",
            "calcext:value-type" => is_error = value == "error",
            "table:formula" => formula = !decoded(value)?.is_empty(),
            _ => {}
        }
    }
    if !((!value_set && is_string) || (is_error && empty_string)) {
        return Ok((value_set || formula, false, 0));
    }
    // The text of the cell, up to the end of a cell.
    let mut spaces = 0u64;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf).map_err(|_| damaged())? {
            Event::End(end) if is_cell(end.name()) => return Ok((true, true, spaces)),
            Event::Start(start) if start.name().0 == "office:annotation" => loop {
                buf.clear();
                match xml.read_event_into(&mut buf).map_err(|_| damaged())? {
                    Event::End(end) if end.name().0 == "office:annotation" => break,
                    // calamine would wait for the end of the annotation forever.
                    Event::Eof => return Err(damaged()),
                    _ => {}
                }
            },
            Event::Start(start) if start.name().0 == "text:s" => {
                let repeated = match raw_attr(&start, "text:c")? {
                    Some(repeated) => count(&decoded(repeated)?)?,
                    None => 1,
                };
                spaces = spaces.saturating_add(repeated);
            }
            Event::Eof => return Err(damaged()),
            _ => {}
        }
    }
}

/// A count written in an attribute; calamine refuses one that is not a number too.
fn count(text: &str) -> Result<u64, String> {
    text.parse().map_err(|_| damaged())
}

fn decoded(value: &str) -> Result<std::borrow::Cow<'_, str>, String> {
    quick_xml::escape::unescape(value).map_err(|_| damaged())
}

/// The first attribute named `key`, as calamine finds it (stopping at a malformed attribute).
fn raw_attr<'a>(start: &'a BytesStart<'_>, key: &str) -> Result<Option<&'a str>, String> {
    for attribute in RawAttributes(start.attributes_raw()) {
        let (name, value) = attribute?;
        if name == key {
            return Ok(Some(value));
        }
    }
    Ok(None)
}

/// The attributes of a start tag split as calamine splits them (`attrs.rs`): the name is all
/// before `=`, the value is quoted with `"` or `'`, and is not unescaped.
struct RawAttributes<'a>(&'a str);

impl<'a> Iterator for RawAttributes<'a> {
    type Item = Result<(&'a str, &'a str), String>;

    fn next(&mut self) -> Option<Self::Item> {
        let rest = self.0.trim_start_matches(|c: char| c.is_ascii_whitespace());
        if rest.is_empty() {
            self.0 = rest;
            return None;
        }
        // Malformed: reported once, then nothing more.
        self.0 = "";
        let Some((name, after)) = rest.split_once('=') else { return Some(Err(damaged())) };
        let after = after.trim_start_matches(|c: char| c.is_ascii_whitespace());
        let quote = after.chars().next().filter(|quote| matches!(quote, '"' | '\''));
        let Some(quote) = quote else { return Some(Err(damaged())) };
        let quoted = &after[1..];
        let (value, rest) = quoted.split_once(quote).unwrap_or((quoted, ""));
        self.0 = rest;
        Some(Ok((name.trim_end_matches(|c: char| c.is_ascii_whitespace()), value)))
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

#[cfg(any(test, feature = "test-samples"))]
#[allow(clippy::unwrap_used)]
pub mod samples {
    //! Spreadsheets built here for the tests, hostile ones included; the integration tests
    //! upload them too (feature `test-samples`).
    use std::io::{Cursor, Write};

    use zip::write::SimpleFileOptions;
    use zip::CompressionMethod;

    /// An .xlsx whose first sheet holds these texts, at (row, column) numbered from 0.
    pub fn xlsx(cells: &[(u32, u16, &str)]) -> Vec<u8> {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let sheet = workbook.add_worksheet();
        for (row, column, text) in cells {
            sheet.write_string(*row, *column, *text).unwrap();
        }
        workbook.save_to_buffer().unwrap()
    }

    /// Two cells, at A1 and XFD1048576 (the last cell of a sheet): a file of 1.5 KB whose whole
    /// range is 17 billion cells.
    pub fn sparse_xlsx() -> Vec<u8> {
        xlsx(&[(0, 0, "Code"), (1_048_575, 16_383, "fin")])
    }

    /// An .xlsx whose sheet unpacks to 200 MiB of zeros, about 200 KB deflated.
    pub fn zip_bomb_xlsx() -> Vec<u8> {
        crate::documents::macros::samples::zeros_zip("xl/worksheets/sheet1.xml", 200 * 1024 * 1024)
    }

    /// An .ods whose sheet `Feuille1` holds these `<table:table-row>`s (which may also end it
    /// and start another sheet).
    pub fn ods(rows: &str) -> Vec<u8> {
        ods_content(&format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Feuille1">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
        ))
    }

    /// An .ods with this `content.xml`.
    pub fn ods_content(content: &str) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
        let deflated = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
        writer.start_file("mimetype", stored).unwrap();
        writer.write_all(b"application/vnd.oasis.opendocument.spreadsheet").unwrap();
        writer.start_file("META-INF/manifest.xml", deflated).unwrap();
        writer.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#).unwrap();
        writer.start_file("content.xml", deflated).unwrap();
        writer.write_all(content.as_bytes()).unwrap();
        writer.finish().unwrap().into_inner()
    }

    /// A row repeated over the 1,048,576 rows of a sheet, holding a number repeated over its
    /// 16,384 columns: a few hundred bytes that calamine would expand to 100 million cells.
    pub fn repeated_ods() -> Vec<u8> {
        ods(
            r#"<table:table-row table:number-rows-repeated="1048576"><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="16384"><text:p>1</text:p></table:table-cell></table:table-row>"#,
        )
    }
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

    fn rows_of(rows: &[(u64, &[&str])]) -> Rows {
        rows.iter().map(|(row, cells)| (*row, cells.iter().map(|cell| (*cell).to_owned()).collect())).collect()
    }

    #[test]
    fn the_limits_are_said_as_a_french_reader_writes_them() {
        assert_eq!(limits(), "64 colonnes, 100\u{202f}000 lignes");
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(16_383), "XFD");
    }

    #[test]
    fn an_xlsx_cell_far_beyond_the_limits_is_refused_at_once() {
        let sparse = samples::sparse_xlsx();
        assert!(sparse.len() < 10_000, "{} bytes", sparse.len());
        let started = std::time::Instant::now();
        let refused = read(&sparse).unwrap_err();
        assert!(started.elapsed() < std::time::Duration::from_secs(2), "{:?}", started.elapsed());
        assert_eq!(
            refused,
            "La cellule XFD1048576 est hors des limites lues (64 colonnes, 100\u{202f}000 lignes) : \
             le classeur attendu tient dans bien moins."
        );
        // Just past the last column or row read.
        assert!(read(&samples::xlsx(&[(0, 0, "a"), (0, 64, "b")])).unwrap_err().contains("BM1 "));
        assert!(read(&samples::xlsx(&[(0, 0, "a"), (100_000, 0, "b")])).unwrap_err().contains("A100001 "));
        // The last cell read is read.
        let edge = read(&samples::xlsx(&[(0, 0, "a"), (99_999, 63, "b")])).unwrap();
        assert_eq!(edge.len(), 2);
        assert_eq!(edge[1].0, 100_000);
        assert_eq!(edge[1].1.len(), 64);
    }

    #[test]
    fn xlsx_cells_are_read_as_they_show() {
        let rows = read(&samples::xlsx(&[(0, 0, "Code"), (1, 1, "Élan")])).unwrap();
        assert_eq!(rows, rows_of(&[(1, &["Code", ""]), (2, &["", "Élan"])]));
        // Columns before the first value are kept empty; a row without a cell is left out.
        let rows = read(&samples::xlsx(&[(1, 1, "x"), (3, 2, "y")])).unwrap();
        assert_eq!(rows, rows_of(&[(2, &["", "x", ""]), (4, &["", "", "y"])]));

        let mut workbook = rust_xlsxwriter::Workbook::new();
        let sheet = workbook.add_worksheet();
        sheet.write_number(0, 0, 1.0).unwrap();
        sheet.write_number(0, 1, 2.5).unwrap();
        sheet.write_boolean(0, 2, true).unwrap();
        sheet.write_boolean(0, 3, false).unwrap();
        sheet.write_formula(0, 4, "=A1+B1").unwrap().set_formula_result(0, 4, "3.5");
        // A formatted cell without a value, far out: nothing to read.
        sheet.write_blank(1_048_575, 16_383, &rust_xlsxwriter::Format::new().set_bold()).unwrap();
        let rows = read(&workbook.save_to_buffer().unwrap()).unwrap();
        assert_eq!(rows, rows_of(&[(1, &["1", "2.5", "oui", "non", "3.5"])]));
    }

    #[test]
    fn an_xlsx_declaring_more_shared_strings_than_it_holds_is_refused() {
        let plain = samples::xlsx(&[(0, 0, "Code")]);
        let mut archive = zip::ZipArchive::new(Cursor::new(plain)).unwrap();
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for index in 0..archive.len() {
            let mut entry = archive.by_index(index).unwrap();
            let name = entry.name().unwrap().into_owned();
            let mut content = Vec::new();
            entry.read_to_end(&mut content).unwrap();
            if name == "xl/sharedStrings.xml" {
                let text = String::from_utf8(content).unwrap();
                assert!(text.contains("uniqueCount=\"1\""), "{text}");
                content = text.replace("uniqueCount=\"1\"", "uniqueCount=\"4000000000\"").into_bytes();
            }
            writer.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
            std::io::Write::write_all(&mut writer, &content).unwrap();
        }
        let claiming = writer.finish().unwrap().into_inner();
        assert!(read(&claiming).unwrap_err().contains("100 Mo"));
    }

    #[test]
    fn an_ods_is_read_as_libreoffice_writes_it() {
        let ods = samples::ods(concat!(
            r#"<table:table-column table:number-columns-repeated="3"/>"#,
            r#"<table:table-row><table:table-cell office:value-type="string"><text:p>Code</text:p></table:table-cell>"#,
            r#"<table:table-cell office:value-type="string"><text:p>Libellé</text:p></table:table-cell>"#,
            r#"<table:table-cell table:number-columns-repeated="16382"/></table:table-row>"#,
            r#"<table:table-row><table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>"#,
            r#"<table:table-cell office:value-type="string"><text:p>Un<text:s text:c="2"/>deux</text:p></table:table-cell>"#,
            r#"<table:table-cell table:style-name="ce1" table:number-columns-repeated="2"/><table:table-cell table:number-columns-repeated="16380"/></table:table-row>"#,
            r#"<table:table-row table:number-rows-repeated="1048574"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>"#,
        ));
        assert_eq!(read(&ods).unwrap(), rows_of(&[(1, &["Code", "Libellé"]), (2, &["1", "Un  deux"])]));
    }

    #[test]
    fn an_ods_repeating_a_value_over_the_whole_sheet_is_refused_before_calamine_expands_it() {
        let started = std::time::Instant::now();
        let refused = read(&samples::repeated_ods()).unwrap_err();
        assert!(started.elapsed() < std::time::Duration::from_secs(2), "{:?}", started.elapsed());
        assert!(refused.contains("hors des limites lues (64 colonnes, 100\u{202f}000 lignes)"), "{refused}");
        assert!(refused.contains("ligne 1048576"), "{refused}");
        // One column too many, or one row.
        let wide = samples::ods(
            r#"<table:table-row><table:table-cell table:number-columns-repeated="64"/><table:table-cell office:value="1"/></table:table-row>"#,
        );
        assert!(read(&wide).unwrap_err().contains("colonne 65"));
        let long = samples::ods(concat!(
            r#"<table:table-row table:number-rows-repeated="100000"><table:table-cell/></table:table-row>"#,
            r#"<table:table-row><table:table-cell office:value="1"/></table:table-row>"#
        ));
        assert!(read(&long).unwrap_err().contains("ligne 100001"));
        let last = samples::ods(concat!(
            r#"<table:table-row table:number-rows-repeated="99999"><table:table-cell/></table:table-row>"#,
            r#"<table:table-row><table:table-cell table:number-columns-repeated="63"/><table:table-cell office:value="1"/></table:table-row>"#
        ));
        let rows = read(&last).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].0, 100_000);
        assert_eq!(rows[0].1.len(), 64);
    }

    #[test]
    fn an_ods_holding_too_many_cells_or_too_much_text_is_refused() {
        // Empty cells followed by another cell are kept by calamine, row after row.
        let empty_runs = r#"<table:table-row><table:table-cell table:number-columns-repeated="16384"/><table:table-cell/></table:table-row>"#;
        let refused = read(&samples::ods(&empty_runs.repeat(400))).unwrap_err();
        assert!(refused.contains("plus de cellules"), "{refused}");
        // Within the limits, the same text copied into every cell.
        let text = "x".repeat(20_000);
        let copied = samples::ods(&format!(
            r#"<table:table-row table:number-rows-repeated="100"><table:table-cell office:value-type="string" table:number-columns-repeated="64"><text:p>{text}</text:p></table:table-cell></table:table-row>"#
        ));
        assert!(read(&copied).unwrap_err().contains("100 Mo"));
        let spaces = samples::ods(
            r#"<table:table-row><table:table-cell office:value-type="string"><text:p><text:s text:c="4000000000"/></text:p></table:table-cell></table:table-row>"#,
        );
        assert!(read(&spaces).unwrap_err().contains("100 Mo"));
        // Several sheets, each within the limits, together beyond.
        let sheet = concat!(
            r#"<table:table-row table:number-rows-repeated="99999"><table:table-cell/></table:table-row>"#,
            r#"<table:table-row><table:table-cell table:number-columns-repeated="63"/><table:table-cell office:value="1"/></table:table-row>"#
        );
        let sheets = samples::ods(&format!(r#"{sheet}</table:table><table:table table:name="Feuille2">{sheet}"#));
        assert!(read(&sheets).unwrap_err().contains("plus de cellules"));
    }

    #[test]
    fn an_ods_that_calamine_would_read_forever_is_refused() {
        let unclosed = samples::ods_content(concat!(
            r#"<office:document-content><table:table table:name="F">"#,
            r#"<table:table-row><table:table-cell office:value="1"/></table:table-row>"#
        ));
        assert!(read(&unclosed).unwrap_err().contains("abîmé"));
        let annotation = samples::ods_content(concat!(
            r#"<office:document-content><table:table table:name="F"><table:table-row>"#,
            r#"<table:table-cell office:value-type="string"><office:annotation><text:p>note"#
        ));
        assert!(read(&annotation).unwrap_err().contains("abîmé"));
    }

    #[test]
    fn a_zip_bomb_or_entries_sharing_their_bytes_are_refused() {
        let bomb = samples::zip_bomb_xlsx();
        assert!(bomb.len() < 250 * 1024, "{} bytes", bomb.len());
        let started = std::time::Instant::now();
        assert_eq!(read(&bomb).unwrap_err(), too_big());
        assert!(started.elapsed() < std::time::Duration::from_secs(10), "{:?}", started.elapsed());
        let overlapping = crate::documents::macros::samples::overlapping_zip(3, 1000);
        assert_eq!(
            read(&overlapping).unwrap_err(),
            "Le classeur est endommagé ou piégé : enregistrez-le à nouveau, en .xlsx ou en .ods."
        );
    }
}
