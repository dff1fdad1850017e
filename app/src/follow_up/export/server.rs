//! Writing an export of the dashboard to a temporary file, which the web handler then streams.
//! Memory stays bounded whatever the region: the answers are read a few evaluations at a time,
//! the `.xlsx` sheets are written in rust_xlsxwriter's constant-memory mode, the `.ods` and `.csv`
//! row by row into their file. Writing rows and compressing the workbook take seconds of CPU for a
//! large region: that work runs on the blocking threads, so the instance keeps serving meanwhile.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Seek, Write};
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use ecars_core::evaluation::appraisal::Direction;
use ecars_core::vocabulary::{NodeKind, ValueKind};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::cells::{csv_header, csv_line, Cell};
use super::{ExportFormat, Sheet};
use crate::accounts::access::Viewer;
use crate::accounts::directory::emails_by_id;
use crate::db::agency_time_zone;
use crate::db::entities::{answer, indicator};
use crate::follow_up::dashboard::{select, DashboardFilter, DashboardRow};
use crate::follow_up::service::{follower, year_rows};
use crate::AppError;

/// Evaluations whose answers are read in one query.
pub(crate) const EVALUATIONS_PER_BATCH: usize = 20;
/// Rows of a sheet, as the formats allow (an `.xlsx` holds 1,048,576, header included).
pub const MAX_ROWS: usize = 1_048_575;

/// Why an export could not be written: too big, or the disk.
fn write_failed(error: impl std::fmt::Display) -> AppError {
    tracing::error!(%error, "export not written");
    AppError::Internal
}

/// Where the rows of one sheet go.
trait SheetWriter: Send {
    fn begin(&mut self, sheet: Sheet) -> Result<(), AppError>;
    fn row(&mut self, cells: &[Cell]) -> Result<(), AppError>;
    /// The file written, at its start.
    fn finish(self: Box<Self>) -> Result<File, AppError>;
}

type Writer = Box<dyn SheetWriter>;

/// Runs `work` (writing rows, compressing) on a blocking thread, away from the requests.
async fn off_the_runtime<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(work).await.map_err(write_failed)?
}

/// A moment as the agency reads it.
fn local(moment: DateTime<Utc>) -> NaiveDateTime {
    moment.with_timezone(&agency_time_zone()).naive_local()
}

fn timestamp(seconds: i64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(seconds, 0)
}

fn summary_cells(row: &DashboardRow) -> Vec<Cell> {
    let progress = row.progress;
    let fraction = if progress.required == 0 { 1.0 } else { progress.answered as f64 / progress.required as f64 };
    let modified = row.modified.as_ref();
    vec![
        Cell::text(&row.finess),
        Cell::text(&row.legal_entity),
        Cell::text(&row.departement),
        Cell::text(row.kind.label()),
        Cell::text(&row.contract),
        Cell::Number(row.year.into()),
        Cell::text(row.phase.label()),
        Cell::text(row.state.label()),
        Cell::Percent(fraction),
        Cell::count(progress.answered),
        Cell::count(progress.required),
        Cell::count(row.contacts_updated),
        Cell::count(row.contacts_mandatory),
        Cell::count(row.documents),
        modified.and_then(|modified| timestamp(modified.timestamp)).map_or(Cell::Empty, |at| Cell::DateTime(local(at))),
        modified.map_or(Cell::Empty, |modified| Cell::text(&modified.by)),
        row.closed_on
            .as_ref()
            .and_then(|(_, seconds)| timestamp(*seconds))
            .map_or(Cell::Empty, |at| Cell::Date(local(at).date())),
    ]
}

/// A node of an evaluation's tree, as the answers sheet and the charts need it.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub evaluation_id: i32,
    pub id: i32,
    pub parent_id: Option<i32>,
    pub kind: NodeKind,
    pub code: String,
    pub label: String,
    pub target: Option<String>,
    pub value_kind: Option<ValueKind>,
    pub previous_achieved: Option<String>,
    /// Which way the question improves, to judge its answer against the target.
    pub direction: Direction,
}

type NodeRow =
    (i32, i32, Option<i32>, NodeKind, String, String, Option<String>, Option<ValueKind>, Option<String>, Direction);
/// question id, not concerned, achieved, comment, changed at, by.
pub(crate) type AnswerRow = (i32, bool, Option<String>, Option<String>, DateTime<Utc>, Option<i32>);

/// The trees of evaluations `ids` (each in its order) and their answers by question, in two queries.
pub(crate) async fn trees_and_answers(
    db: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<(Vec<Node>, HashMap<i32, AnswerRow>), sea_orm::DbErr> {
    let nodes: Vec<Node> = indicator::Entity::find()
        .select_only()
        .columns([
            indicator::Column::EvaluationId,
            indicator::Column::Id,
            indicator::Column::ParentId,
            indicator::Column::NodeKind,
            indicator::Column::Code,
            indicator::Column::Label,
            indicator::Column::Target,
            indicator::Column::ValueKind,
            indicator::Column::PreviousAchieved,
            indicator::Column::Direction,
        ])
        .filter(indicator::Column::EvaluationId.is_in(ids.iter().copied()))
        .order_by_asc(indicator::Column::EvaluationId)
        .order_by_asc(indicator::Column::Position)
        .into_tuple::<NodeRow>()
        .all(db)
        .await?
        .into_iter()
        .map(|(evaluation_id, id, parent_id, kind, code, label, target, value_kind, previous_achieved, direction)| {
            Node { evaluation_id, id, parent_id, kind, code, label, target, value_kind, previous_achieved, direction }
        })
        .collect();
    let answers: HashMap<i32, AnswerRow> = answer::Entity::find()
        .select_only()
        .columns([
            answer::Column::QuestionId,
            answer::Column::NotConcerned,
            answer::Column::Achieved,
            answer::Column::Comment,
            answer::Column::UpdatedAt,
            answer::Column::UpdatedBy,
        ])
        .filter(
            answer::Column::QuestionId.in_subquery(sea_orm::QueryTrait::into_query(
                indicator::Entity::find()
                    .select_only()
                    .column(indicator::Column::Id)
                    .filter(indicator::Column::EvaluationId.is_in(ids.iter().copied())),
            )),
        )
        .into_tuple::<AnswerRow>()
        .all(db)
        .await?
        .into_iter()
        .map(|row| (row.0, row))
        .collect();
    Ok((nodes, answers))
}

/// Writes the answers of `evaluations` (in this order) to `out`, a few evaluations at a time:
/// each batch is read, then written on a blocking thread. Returns `out`.
async fn write_answers(
    db: &impl ConnectionTrait,
    evaluations: &[DashboardRow],
    mut out: Writer,
) -> Result<Writer, AppError> {
    let mut authors: HashMap<i32, String> = HashMap::new();
    let mut written = 0usize;
    for batch in evaluations.chunks(EVALUATIONS_PER_BATCH) {
        let ids: Vec<i32> = batch.iter().map(|row| row.evaluation_id).collect();
        let (nodes, answers) = trees_and_answers(db, &ids).await?;
        let unknown = answers.values().filter_map(|row| row.5).filter(|id| !authors.contains_key(id));
        let found = emails_by_id(db, unknown.collect::<Vec<_>>().into_iter()).await?;
        authors.extend(found);
        let batch = batch.to_vec();
        (out, authors, written) = off_the_runtime(move || {
            written = write_batch(&batch, &nodes, &answers, &authors, written, out.as_mut())?;
            Ok((out, authors, written))
        })
        .await?;
    }
    Ok(out)
}

/// Writes the answers of one batch of evaluations, `written` rows being already there; returns
/// the rows written in all.
fn write_batch(
    batch: &[DashboardRow],
    nodes: &[Node],
    answers: &HashMap<i32, AnswerRow>,
    authors: &HashMap<i32, String>,
    mut written: usize,
    out: &mut dyn SheetWriter,
) -> Result<usize, AppError> {
    let mut by_evaluation: HashMap<i32, Vec<&Node>> = HashMap::new();
    for node in nodes {
        by_evaluation.entry(node.evaluation_id).or_default().push(node);
    }
    for row in batch {
        let Some(nodes) = by_evaluation.get(&row.evaluation_id) else { continue };
        let objectives: HashMap<i32, &Node> =
            nodes.iter().filter(|node| node.kind == NodeKind::Objective).map(|node| (node.id, *node)).collect();
        for question in nodes.iter().filter(|node| node.kind == NodeKind::Question) {
            written += 1;
            if written > MAX_ROWS {
                return Err(too_many_rows());
            }
            let objective = question.parent_id.and_then(|id| objectives.get(&id));
            let kind = question.value_kind.unwrap_or(ValueKind::Text);
            let answer = answers.get(&question.id);
            let (not_concerned, achieved, comment, at, by) = match answer {
                Some((_, not_concerned, achieved, comment, at, by)) => (
                    Cell::text(if *not_concerned { "Oui" } else { "Non" }),
                    achieved.as_deref().map_or(Cell::Empty, |value| Cell::answer(kind, value)),
                    Cell::optional(comment.as_deref()),
                    Cell::DateTime(local(*at)),
                    Cell::text(by.and_then(|id| authors.get(&id)).map_or("compte supprimé", String::as_str)),
                ),
                None => (Cell::Empty, Cell::Empty, Cell::Empty, Cell::Empty, Cell::Empty),
            };
            out.row(&[
                Cell::text(&row.finess),
                Cell::text(&row.legal_entity),
                Cell::text(&row.contract),
                Cell::Number(row.year.into()),
                objective.map_or(Cell::Empty, |objective| Cell::text(&objective.code)),
                objective.map_or(Cell::Empty, |objective| Cell::text(&objective.label)),
                Cell::text(&question.code),
                Cell::text(&question.label),
                Cell::optional(question.target.as_deref()),
                not_concerned,
                achieved,
                comment,
                question.previous_achieved.as_deref().map_or(Cell::Empty, |value| Cell::answer(kind, value)),
                at,
                by,
            ])?;
        }
    }
    Ok(written)
}

fn too_many_rows() -> AppError {
    AppError::Invalid(format!(
        "L'export dépasserait {MAX_ROWS} lignes, le plus qu'un tableur ouvre : filtrez par type de contrat, \
         département ou état, puis exportez chaque partie."
    ))
}

/// The export of what `filter` shows (every page), in `format` (a `.csv` holds `sheet` only),
/// written to an anonymous temporary file returned at its start, with its length.
pub async fn export(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    mut filter: DashboardFilter,
    format: ExportFormat,
    sheet: Sheet,
) -> Result<(File, u64, DashboardFilter), AppError> {
    let reach = follower(viewer)?;
    let (_, all) = year_rows(db, reach, &mut filter).await?;
    let evaluations = select(all, &filter).1;
    if evaluations.len() > MAX_ROWS {
        return Err(too_many_rows());
    }
    let evaluations = Arc::new(evaluations);
    let file = tempfile::tempfile().map_err(write_failed)?;
    let mut out: Writer = match format {
        ExportFormat::Csv => Box::new(CsvWriter { out: BufWriter::new(file) }),
        ExportFormat::Xlsx => Box::new(XlsxWriter::new(file)?),
        ExportFormat::Ods => Box::new(OdsWriter::new(file)?),
    };
    let sheets: &[Sheet] = match format {
        ExportFormat::Csv => std::slice::from_ref(&sheet),
        ExportFormat::Xlsx | ExportFormat::Ods => &Sheet::ALL,
    };
    for sheet in sheets.iter().copied() {
        out.begin(sheet)?;
        out = match sheet {
            Sheet::Summary => {
                let evaluations = evaluations.clone();
                off_the_runtime(move || {
                    for row in evaluations.iter() {
                        out.row(&summary_cells(row))?;
                    }
                    Ok(out)
                })
                .await?
            }
            Sheet::Answers => write_answers(db, &evaluations, out).await?,
        };
    }
    off_the_runtime(move || {
        let mut file = out.finish()?;
        let length = file.seek(std::io::SeekFrom::End(0)).map_err(write_failed)?;
        file.rewind().map_err(write_failed)?;
        Ok((file, length, filter))
    })
    .await
}

struct CsvWriter {
    out: BufWriter<File>,
}

impl SheetWriter for CsvWriter {
    fn begin(&mut self, sheet: Sheet) -> Result<(), AppError> {
        self.out.write_all(csv_header(sheet).as_bytes()).map_err(write_failed)
    }

    fn row(&mut self, cells: &[Cell]) -> Result<(), AppError> {
        self.out.write_all(csv_line(cells).as_bytes()).map_err(write_failed)
    }

    fn finish(self: Box<Self>) -> Result<File, AppError> {
        self.out.into_inner().map_err(write_failed)
    }
}

/// `.xlsx` through rust_xlsxwriter, each sheet in constant-memory mode (rows go to a temporary
/// file as they are written).
struct XlsxWriter {
    file: File,
    workbook: rust_xlsxwriter::Workbook,
    sheets: usize,
    next_row: u32,
    header: rust_xlsxwriter::Format,
    percent: rust_xlsxwriter::Format,
    date: rust_xlsxwriter::Format,
    date_time: rust_xlsxwriter::Format,
}

impl XlsxWriter {
    fn new(file: File) -> Result<Self, AppError> {
        use rust_xlsxwriter::Format;
        Ok(XlsxWriter {
            file,
            workbook: rust_xlsxwriter::Workbook::new(),
            sheets: 0,
            next_row: 0,
            header: Format::new().set_bold(),
            percent: Format::new().set_num_format("0.0 %"),
            date: Format::new().set_num_format("dd/mm/yyyy"),
            date_time: Format::new().set_num_format("dd/mm/yyyy hh:mm"),
        })
    }

    fn excel_date(date: NaiveDate) -> Result<rust_xlsxwriter::ExcelDateTime, rust_xlsxwriter::XlsxError> {
        use chrono::Datelike;
        rust_xlsxwriter::ExcelDateTime::from_ymd(
            u16::try_from(date.year()).unwrap_or(1900),
            date.month() as u8,
            date.day() as u8,
        )
    }
}

impl SheetWriter for XlsxWriter {
    fn begin(&mut self, sheet: Sheet) -> Result<(), AppError> {
        let worksheet = self.workbook.add_worksheet_with_constant_memory().map_err(write_failed)?;
        worksheet.set_name(sheet.name()).map_err(write_failed)?;
        worksheet.set_freeze_panes(1, 0).map_err(write_failed)?;
        for (column, header) in sheet.headers().iter().enumerate() {
            worksheet.write_string_with_format(0, column as u16, *header, &self.header).map_err(write_failed)?;
        }
        self.sheets += 1;
        self.next_row = 1;
        Ok(())
    }

    fn row(&mut self, cells: &[Cell]) -> Result<(), AppError> {
        use chrono::Timelike;
        let row = self.next_row;
        let worksheet = self.workbook.worksheet_from_index(self.sheets - 1).map_err(write_failed)?;
        for (column, cell) in cells.iter().enumerate() {
            let column = column as u16;
            let written = match cell {
                Cell::Empty => continue,
                // rust_xlsxwriter escapes what XML forbids (`_xFFFE_`), which Calc and Excel then
                // show as such: dropped here, as in the .ods.
                Cell::Text(text) if !text.chars().all(xml_allows) => {
                    let allowed: String = text.chars().filter(|c| xml_allows(*c)).collect();
                    worksheet.write_string(row, column, allowed).map(|_| ())
                }
                Cell::Text(text) => worksheet.write_string(row, column, text.as_str()).map(|_| ()),
                Cell::Number(number) => worksheet.write_number(row, column, *number).map(|_| ()),
                Cell::Percent(fraction) => {
                    worksheet.write_number_with_format(row, column, *fraction, &self.percent).map(|_| ())
                }
                Cell::Date(date) => Self::excel_date(*date)
                    .and_then(|date| worksheet.write_datetime_with_format(row, column, date, &self.date).map(|_| ())),
                Cell::DateTime(moment) => Self::excel_date(moment.date())
                    .and_then(|date| date.and_hms(moment.hour() as u16, moment.minute() as u8, moment.second()))
                    .and_then(|at| worksheet.write_datetime_with_format(row, column, at, &self.date_time).map(|_| ())),
            };
            written.map_err(write_failed)?;
        }
        self.next_row += 1;
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<File, AppError> {
        self.workbook.save_to_writer(&mut self.file).map_err(write_failed)?;
        Ok(self.file)
    }
}

/// `.ods` (OpenDocument, as the State's interoperability rules recommend), written row by row
/// into the `content.xml` of its zip: no library here keeps a sheet of this size out of memory.
struct OdsWriter {
    zip: zip::ZipWriter<File>,
    in_table: bool,
}

const ODS_MANIFEST: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.2" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"#;

const ODS_CONTENT_START: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" office:version="1.2">
<office:automatic-styles>
<number:percentage-style style:name="N-percent"><number:number number:decimal-places="1" number:min-decimal-places="1" number:min-integer-digits="1"/><number:text> %</number:text></number:percentage-style>
<number:date-style style:name="N-date"><number:day number:style="long"/><number:text>/</number:text><number:month number:style="long"/><number:text>/</number:text><number:year number:style="long"/></number:date-style>
<number:date-style style:name="N-date-time"><number:day number:style="long"/><number:text>/</number:text><number:month number:style="long"/><number:text>/</number:text><number:year number:style="long"/><number:text> </number:text><number:hours number:style="long"/><number:text>:</number:text><number:minutes number:style="long"/></number:date-style>
<style:style style:name="percent" style:family="table-cell" style:data-style-name="N-percent"/>
<style:style style:name="date" style:family="table-cell" style:data-style-name="N-date"/>
<style:style style:name="date-time" style:family="table-cell" style:data-style-name="N-date-time"/>
<style:style style:name="header" style:family="table-cell"><style:text-properties fo:font-weight="bold"/></style:style>
</office:automatic-styles>
<office:body><office:spreadsheet>
"#;

const ODS_CONTENT_END: &str = "</office:spreadsheet></office:body></office:document-content>\n";

/// Whether XML 1.0 allows `c` in a document (its `Char` production: tab, newline, carriage
/// return, U+0020 to U+D7FF, U+E000 to U+FFFD, U+10000 and above; a `char` is never a surrogate).
/// A document holding another is refused whole by LibreOffice and by XML parsers.
fn xml_allows(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Text as XML character data: escaped, without the characters XML forbids. A carriage return
/// is dropped too: a parser reads `\r\n` as `\n`, written here as a line break.
fn xml_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("<text:line-break/>"),
            '\t' => out.push_str("<text:tab/>"),
            '\r' => {}
            c if !xml_allows(c) => {}
            c => out.push(c),
        }
    }
    out
}

impl OdsWriter {
    fn new(file: File) -> Result<Self, AppError> {
        use zip::write::SimpleFileOptions;
        let mut zip = zip::ZipWriter::new(file);
        // The media type comes first and uncompressed, so that it can be recognised.
        let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        let deflated = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("mimetype", stored).map_err(write_failed)?;
        zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet").map_err(write_failed)?;
        zip.start_file("META-INF/manifest.xml", deflated).map_err(write_failed)?;
        zip.write_all(ODS_MANIFEST.as_bytes()).map_err(write_failed)?;
        // Without ZIP64 (LibreOffice 7.4 refuses an entry whose local header carries its extra
        // field): a content past 4 GiB fails the export, far beyond the rows a sheet holds.
        zip.start_file("content.xml", deflated).map_err(write_failed)?;
        zip.write_all(ODS_CONTENT_START.as_bytes()).map_err(write_failed)?;
        Ok(OdsWriter { zip, in_table: false })
    }

    fn write(&mut self, text: &str) -> Result<(), AppError> {
        self.zip.write_all(text.as_bytes()).map_err(write_failed)
    }
}

impl SheetWriter for OdsWriter {
    fn begin(&mut self, sheet: Sheet) -> Result<(), AppError> {
        if self.in_table {
            self.write("</table:table>\n")?;
        }
        self.in_table = true;
        let mut header = format!("<table:table table:name=\"{}\">", xml_text(sheet.name()));
        header.push_str(&format!("<table:table-column table:number-columns-repeated=\"{}\"/>", sheet.headers().len()));
        header.push_str("<table:table-header-rows><table:table-row>");
        for title in sheet.headers() {
            header.push_str(&format!(
                "<table:table-cell table:style-name=\"header\" office:value-type=\"string\"><text:p>{}</text:p></table:table-cell>",
                xml_text(title)
            ));
        }
        header.push_str("</table:table-row></table:table-header-rows>\n");
        self.write(&header)
    }

    fn row(&mut self, cells: &[Cell]) -> Result<(), AppError> {
        let mut row = String::from("<table:table-row>");
        for cell in cells {
            match cell {
                Cell::Empty => row.push_str("<table:table-cell/>"),
                Cell::Text(text) => row.push_str(&format!(
                    "<table:table-cell office:value-type=\"string\"><text:p>{}</text:p></table:table-cell>",
                    xml_text(text)
                )),
                Cell::Number(number) => row.push_str(&format!(
                    "<table:table-cell office:value-type=\"float\" office:value=\"{number}\"><text:p>{}</text:p></table:table-cell>",
                    cell.csv()
                )),
                Cell::Percent(fraction) => row.push_str(&format!(
                    "<table:table-cell table:style-name=\"percent\" office:value-type=\"percentage\" office:value=\"{fraction}\"><text:p>{}</text:p></table:table-cell>",
                    cell.csv()
                )),
                Cell::Date(date) => row.push_str(&format!(
                    "<table:table-cell table:style-name=\"date\" office:value-type=\"date\" office:date-value=\"{}\"><text:p>{}</text:p></table:table-cell>",
                    date.format("%Y-%m-%d"),
                    cell.csv()
                )),
                Cell::DateTime(moment) => row.push_str(&format!(
                    "<table:table-cell table:style-name=\"date-time\" office:value-type=\"date\" office:date-value=\"{}\"><text:p>{}</text:p></table:table-cell>",
                    moment.format("%Y-%m-%dT%H:%M:%S"),
                    cell.csv()
                )),
            }
        }
        row.push_str("</table:table-row>\n");
        self.write(&row)
    }

    fn finish(mut self: Box<Self>) -> Result<File, AppError> {
        if self.in_table {
            self.write("</table:table>\n")?;
        }
        self.write(ODS_CONTENT_END)?;
        self.zip.finish().map_err(write_failed)
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Seek};

    use super::*;

    fn u16_at(bytes: &[u8], at: usize) -> usize {
        u16::from_le_bytes([bytes[at], bytes[at + 1]]) as usize
    }

    fn u32_at(bytes: &[u8], at: usize) -> usize {
        u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]) as usize
    }

    /// The ids of an extra field's blocks (id, length, data).
    fn extra_ids(extra: &[u8]) -> Vec<usize> {
        let (mut ids, mut at) = (Vec::new(), 0);
        while at + 4 <= extra.len() {
            ids.push(u16_at(extra, at));
            at += 4 + u16_at(extra, at + 2);
        }
        ids
    }

    /// Each entry's name and extra field ids, in its local header then in the central directory.
    fn extra_field_ids(zip: &[u8]) -> Vec<(String, Vec<usize>, Vec<usize>)> {
        let mut entries = Vec::new();
        let end = zip.len() - 22;
        assert_eq!(u32_at(zip, end), 0x0605_4B50, "an end of central directory without comment");
        let mut at = u32_at(zip, end + 16);
        for _ in 0..u16_at(zip, end + 10) {
            assert_eq!(u32_at(zip, at), 0x0201_4B50);
            let (name_length, extra_length) = (u16_at(zip, at + 28), u16_at(zip, at + 30));
            let name = String::from_utf8_lossy(&zip[at + 46..at + 46 + name_length]).into_owned();
            let central = extra_ids(&zip[at + 46 + name_length..at + 46 + name_length + extra_length]);
            let local_at = u32_at(zip, at + 42);
            assert_eq!(u32_at(zip, local_at), 0x0403_4B50);
            let (local_name_length, local_extra_length) = (u16_at(zip, local_at + 26), u16_at(zip, local_at + 28));
            let extra_at = local_at + 30 + local_name_length;
            let local = extra_ids(&zip[extra_at..extra_at + local_extra_length]);
            entries.push((name, local, central));
            at += 46 + name_length + extra_length + u16_at(zip, at + 32);
        }
        entries
    }

    #[test]
    fn an_xlsx_export_carries_no_zip64_either() {
        // rust_xlsxwriter streams its entries (sizes in data descriptors, after the data).
        let mut xlsx: Writer = Box::new(XlsxWriter::new(tempfile::tempfile().unwrap()).unwrap());
        xlsx.begin(Sheet::Summary).unwrap();
        xlsx.row(&[Cell::Text("a\u{FFFE}b".to_owned()), Cell::Number(1.5)]).unwrap();
        let mut file = xlsx.finish().unwrap();
        file.rewind().unwrap();
        let mut zip = Vec::new();
        file.read_to_end(&mut zip).unwrap();
        let entries = extra_field_ids(&zip);
        assert!(entries.iter().any(|(name, _, _)| name == "xl/worksheets/sheet1.xml"));
        for (name, local, central) in &entries {
            assert!(!local.contains(&0x0001) && !central.contains(&0x0001), "{name}: ZIP64 in {local:?} {central:?}");
        }
        // What XML forbids is dropped, not escaped as `_xFFFE_` (which Calc would show back).
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
        let mut sheet = String::new();
        archive.by_name("xl/worksheets/sheet1.xml").unwrap().read_to_string(&mut sheet).unwrap();
        assert!(!sheet.contains('\u{FFFE}') && !sheet.contains("_xFFFE_") && sheet.contains(">ab<"), "{sheet}");
    }

    #[test]
    fn an_ods_export_is_well_formed_xml_in_a_zip_without_zip64() {
        let mut ods: Writer = Box::new(OdsWriter::new(tempfile::tempfile().unwrap()).unwrap());
        ods.begin(Sheet::Summary).unwrap();
        let hostile = "a\u{FFFE}b\u{FFFF}c\u{1}d\r\ne\u{B}\u{1F600}\u{E000}\u{FFFD}".to_owned();
        ods.row(&[Cell::Text(hostile), Cell::Number(1.5), Cell::Empty]).unwrap();
        ods.begin(Sheet::Answers).unwrap();
        ods.row(&[Cell::Text("<&\">".to_owned())]).unwrap();
        let mut file = ods.finish().unwrap();
        file.rewind().unwrap();
        let mut zip = Vec::new();
        file.read_to_end(&mut zip).unwrap();

        let entries = extra_field_ids(&zip);
        let names: Vec<&str> = entries.iter().map(|(name, _, _)| name.as_str()).collect();
        assert_eq!(names, ["mimetype", "META-INF/manifest.xml", "content.xml"]);
        for (name, local, central) in &entries {
            assert!(!local.contains(&0x0001) && !central.contains(&0x0001), "{name}: ZIP64 in {local:?} {central:?}");
        }

        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
        let mut content = String::new();
        archive.by_name("content.xml").unwrap().read_to_string(&mut content).unwrap();
        assert!(!content.contains(['\u{FFFE}', '\u{FFFF}', '\u{1}', '\u{B}', '\r']), "{content}");
        assert!(content.contains("<text:p>abcd<text:line-break/>e\u{1F600}\u{E000}\u{FFFD}</text:p>"), "{content}");
        assert!(content.contains("<text:p>&lt;&amp;&quot;&gt;</text:p>"), "{content}");
        let mut xml = quick_xml::Reader::from_str(&content);
        xml.config_mut().check_end_names = true;
        let mut depth = 0i32;
        loop {
            match xml.read_event() {
                Ok(quick_xml::events::Event::Start(_)) => depth += 1,
                Ok(quick_xml::events::Event::End(_)) => depth -= 1,
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(_) => {}
                Err(error) => panic!("content.xml is not well-formed: {error}"),
            }
        }
        assert_eq!(depth, 0);
    }
}
