//! Tagged PDF documents as a public service publishes them: A4, the DSFR's Marianne embedded,
//! "Page n / N", the title and the language set, and a structure tree (headings, paragraphs,
//! tables with their header cells) that screen readers follow, checked by krilla against
//! PDF/UA-1 as it writes. Domain-free: letters and decisions describe themselves as blocks.
//!
//! Why krilla: it is the one Rust writer that builds the structure tree of a tagged PDF and
//! validates PDF/UA-1; it does not lay text out, so the little layout a letter needs (wrapping
//! words in a column, breaking pages, repeating a table's header) is done here, measuring
//! the text with skrifa, the font reader krilla itself uses.

use std::collections::HashMap;
use std::num::NonZeroU16;
use std::sync::{Arc, LazyLock};

use krilla::configure::{Accessibility, ConfigurationBuilder};
use krilla::destination::XyzDestination;
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::Metadata;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::tagging::{
    Artifact, ArtifactType, ContentTag, Identifier, SpanTag, TableHeaderScope, Tag, TagGroup, TagTree,
};
use krilla::text::{Font, TextDirection};
use krilla::{Document, SerializeSettings};
use skrifa::prelude::{LocationRef, MetadataProvider, Size};

/// A document: its title (in the PDF's metadata, shown by readers) and its content in reading order.
pub struct PdfDocument {
    pub title: String,
    pub blocks: Vec<Block>,
}

/// One piece of content, in reading order.
pub enum Block {
    /// The document's main heading.
    Title(String),
    /// A section's heading.
    Heading(String),
    /// A paragraph; `\n` starts a new line.
    Paragraph(String),
    /// A paragraph in bold.
    Strong(String),
    Table(Table),
}

/// A table whose first row names its columns, repeated at the top of each page it runs onto.
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<String>>,
}

pub struct Column {
    pub title: String,
    /// Its share of the width of the page, relative to the other columns'.
    pub share: f32,
}

/// Why a document could not be written: a bug of ours (a structure krilla refuses), never the
/// user's input, whose characters are all made printable first.
#[derive(Debug)]
pub struct PdfError(pub String);

impl std::fmt::Display for PdfError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "PDF non écrit : {}", self.0)
    }
}

const PAGE_WIDTH: f32 = 595.28;
const PAGE_HEIGHT: f32 = 841.89;
/// 2 cm.
const MARGIN: f32 = 56.7;
const CONTENT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;
/// The lowest baseline of the content; the page number stands below.
const BOTTOM: f32 = PAGE_HEIGHT - MARGIN - 14.0;
const BODY_SIZE: f32 = 10.0;
const TABLE_SIZE: f32 = 8.0;
const CELL_PADDING: f32 = 3.0;
const LINE_SPACING: f32 = 1.3;

/// Marianne, regular and bold: decoded once per process from the DSFR's WOFF files, which the
/// build takes from `node_modules` (installed by `make setup`).
struct Face {
    data: Arc<Vec<u8>>,
    font: Font,
}

struct Fonts {
    regular: Face,
    bold: Face,
}

static FONTS: LazyLock<Result<Fonts, String>> = LazyLock::new(|| {
    let face = |woff: &[u8], name: &str| -> Result<Face, String> {
        let data = Arc::new(wuff::decompress_woff1(woff).map_err(|error| format!("{name} : {error:?}"))?);
        let font = Font::new(data.clone().into(), 0).ok_or_else(|| format!("{name} illisible"))?;
        Ok(Face { data, font })
    };
    Ok(Fonts {
        regular: face(
            include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../node_modules/@gouvfr/dsfr/dist/fonts/Marianne-Regular.woff"
            )),
            "Marianne-Regular",
        )?,
        bold: face(
            include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../node_modules/@gouvfr/dsfr/dist/fonts/Marianne-Bold.woff"
            )),
            "Marianne-Bold",
        )?,
    })
});

impl Face {
    /// The width of `text` at `size`, in points, as the font's advances say (no kerning).
    fn width(&self, text: &str, size: f32) -> f32 {
        let Ok(font) = skrifa::FontRef::new(&self.data) else { return 0.0 };
        let (charmap, metrics) = (font.charmap(), font.glyph_metrics(Size::new(size), LocationRef::default()));
        text.chars()
            .map(|character| {
                charmap.map(character).and_then(|glyph| metrics.advance_width(glyph)).unwrap_or(size / 2.0)
            })
            .sum()
    }

    /// `text` with what the font cannot draw (emoji, control characters) replaced, so that every
    /// glyph maps back to a character, as PDF/UA requires.
    fn printable(&self, text: &str) -> String {
        let Ok(font) = skrifa::FontRef::new(&self.data) else { return text.to_owned() };
        let charmap = font.charmap();
        text.chars()
            .map(|character| match character {
                '\t' => ' ',
                character if character.is_control() => ' ',
                character if charmap.map(character).is_some() => character,
                _ => '?',
            })
            .collect()
    }
}

/// Where a line of text belongs in the structure tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Place {
    Block(usize),
    Cell { block: usize, row: usize, column: usize },
}

/// A line of text placed on a page: real content, or an artifact (a repeated header).
struct PlacedLine {
    place: Option<Place>,
    x: f32,
    baseline: f32,
    size: f32,
    bold: bool,
    text: String,
}

#[derive(Default)]
struct PageLayout {
    lines: Vec<PlacedLine>,
    /// Horizontal rules of the tables, as (x from, x to, y).
    rules: Vec<(f32, f32, f32)>,
}

/// Words of `text` in lines no wider than `width`; a word wider than a line is cut.
fn wrap(face: &Face, text: &str, size: f32, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let candidate = if line.is_empty() { word.to_owned() } else { format!("{line} {word}") };
            if face.width(&candidate, size) <= width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // A word wider than the line: as many characters as fit, then the rest.
            let mut rest = word.to_owned();
            while face.width(&rest, size) > width {
                let mut cut = String::new();
                for character in rest.chars() {
                    if !cut.is_empty() && face.width(&format!("{cut}{character}"), size) > width {
                        break;
                    }
                    cut.push(character);
                }
                rest = rest[cut.len()..].to_owned();
                lines.push(cut);
            }
            line = rest;
        }
        lines.push(line);
    }
    lines
}

/// The layout of the blocks on pages, top to bottom.
struct Layout<'a> {
    fonts: &'a Fonts,
    pages: Vec<PageLayout>,
    /// The baseline of the next line's top: where the next line starts.
    y: f32,
}

impl<'a> Layout<'a> {
    fn new(fonts: &'a Fonts) -> Self {
        Layout { fonts, pages: vec![PageLayout::default()], y: MARGIN }
    }

    fn page(&mut self) -> &mut PageLayout {
        if self.pages.is_empty() {
            self.pages.push(PageLayout::default());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn new_page(&mut self) {
        self.pages.push(PageLayout::default());
        self.y = MARGIN;
    }

    /// Lines of text in the whole width, breaking pages as needed.
    fn text(&mut self, place: Place, text: &str, size: f32, bold: bool, space_before: f32) {
        let fonts = self.fonts;
        let face = if bold { &fonts.bold } else { &fonts.regular };
        let lines = wrap(face, &face.printable(text), size, CONTENT_WIDTH);
        let height = size * LINE_SPACING;
        if self.y > MARGIN {
            self.y += space_before;
        }
        for line in lines {
            if self.y + height > BOTTOM {
                self.new_page();
            }
            self.y += height;
            if !line.is_empty() {
                let baseline = self.y - size * 0.3;
                self.page().lines.push(PlacedLine { place: Some(place), x: MARGIN, baseline, size, bold, text: line });
            }
        }
    }

    fn table(&mut self, block: usize, table: &Table) {
        let total: f32 = table.columns.iter().map(|column| column.share.max(0.01)).sum();
        let mut lefts = Vec::with_capacity(table.columns.len());
        let mut x = MARGIN;
        for column in &table.columns {
            let width = CONTENT_WIDTH * column.share.max(0.01) / total;
            lefts.push((x, width));
            x += width;
        }
        let height = TABLE_SIZE * LINE_SPACING;
        let header: Vec<String> = table.columns.iter().map(|column| column.title.clone()).collect();
        let wrapped = |layout: &Layout, cells: &[String], bold: bool| -> Vec<Vec<String>> {
            let face = if bold { &layout.fonts.bold } else { &layout.fonts.regular };
            lefts
                .iter()
                .zip(cells.iter().map(String::as_str).chain(std::iter::repeat("")))
                .map(|(&(_, width), cell)| wrap(face, &face.printable(cell), TABLE_SIZE, width - 2.0 * CELL_PADDING))
                .collect()
        };
        let header_lines = wrapped(self, &header, true);
        let header_height = header_lines.iter().map(Vec::len).max().unwrap_or(1) as f32 * height + 2.0 * CELL_PADDING;
        self.y += 6.0;
        // The header, real content on the first page and an artifact where it is repeated.
        let draw_row =
            |layout: &mut Layout, lines: &[Vec<String>], row: Option<usize>, bold: bool, from: usize, count: usize| {
                let top = layout.y;
                layout.page().rules.push((MARGIN, MARGIN + CONTENT_WIDTH, top));
                for (column, (cell, &(left, _))) in lines.iter().zip(&lefts).enumerate() {
                    for (index, line) in cell.iter().enumerate().skip(from).take(count) {
                        if line.is_empty() {
                            continue;
                        }
                        let baseline = top + CELL_PADDING + (index - from + 1) as f32 * height - TABLE_SIZE * 0.3;
                        let place = row.map(|row| Place::Cell { block, row, column });
                        layout.page().lines.push(PlacedLine {
                            place,
                            x: left + CELL_PADDING,
                            baseline,
                            size: TABLE_SIZE,
                            bold,
                            text: line.clone(),
                        });
                    }
                }
                layout.y = top + count as f32 * height + 2.0 * CELL_PADDING;
            };
        if self.y + header_height + height + 2.0 * CELL_PADDING > BOTTOM {
            self.new_page();
        }
        let header_count = header_lines.iter().map(Vec::len).max().unwrap_or(1);
        draw_row(self, &header_lines, Some(0), true, 0, header_count);
        for (index, cells) in table.rows.iter().enumerate() {
            let lines = wrapped(self, cells, false);
            let count = lines.iter().map(Vec::len).max().unwrap_or(1);
            let mut from = 0;
            while from < count {
                let room = ((BOTTOM - self.y - 2.0 * CELL_PADDING) / height).floor().max(0.0) as usize;
                // Keep a row whole when it fits on a page; split only what is taller than a page.
                let whole_fits_on_fresh_page = (count - from) as f32 * height + header_height < BOTTOM - MARGIN;
                if room == 0 || (room < count - from && whole_fits_on_fresh_page) {
                    let y = self.y;
                    self.page().rules.push((MARGIN, MARGIN + CONTENT_WIDTH, y));
                    self.new_page();
                    draw_row(self, &header_lines, None, true, 0, header_count);
                    continue;
                }
                let taken = room.min(count - from);
                draw_row(self, &lines, Some(index + 1), false, from, taken);
                from += taken;
            }
        }
        let y = self.y;
        self.page().rules.push((MARGIN, MARGIN + CONTENT_WIDTH, y));
        self.y += 4.0;
    }
}

/// Writes `document` as a tagged PDF (PDF/UA-1). Pure computation: run it on the blocking pool.
pub fn render(document: &PdfDocument) -> Result<Vec<u8>, PdfError> {
    let fonts = FONTS.as_ref().map_err(|error| PdfError(error.clone()))?;
    let mut layout = Layout::new(fonts);
    // The headings, also the document's outline (bookmarks), which PDF/UA asks for.
    let mut outline = Outline::new();
    for (index, block) in document.blocks.iter().enumerate() {
        let place = Place::Block(index);
        match block {
            Block::Title(text) | Block::Heading(text) => {
                let size = if matches!(block, Block::Title(_)) { 15.0 } else { 12.0 };
                layout.text(place, text, size, true, 12.0);
                let page = layout.pages.len().saturating_sub(1);
                let top = layout.pages.last().and_then(|last| last.lines.iter().find(|line| line.place == Some(place)));
                let y = top.map_or(MARGIN, |line| line.baseline - size);
                let destination = XyzDestination::new(page, Point::from_xy(MARGIN, y));
                outline.push_child(OutlineNode::new(fonts.regular.printable(text), destination));
            }
            Block::Paragraph(text) => layout.text(place, text, BODY_SIZE, false, 6.0),
            Block::Strong(text) => layout.text(place, text, BODY_SIZE, true, 6.0),
            Block::Table(table) => layout.table(index, table),
        }
    }
    let configuration = ConfigurationBuilder::new()
        .with_accessibility_validator(Accessibility::UA1)
        .finish()
        .map_err(|error| PdfError(format!("{error:?}")))?;
    let settings = SerializeSettings { configuration, enable_tagging: true, ..Default::default() };
    let mut pdf = Document::new_with(settings);
    let title = fonts.regular.printable(&document.title);
    pdf.set_metadata(Metadata::new().title(title.clone()).language("fr-FR".to_owned()).creator("e-CARS".to_owned()));
    let mut identifiers: HashMap<Place, Vec<Identifier>> = HashMap::new();
    let page_count = layout.pages.len();
    for (number, page_layout) in layout.pages.iter().enumerate() {
        let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT).ok_or_else(|| PdfError("A4".to_owned()))?;
        let mut page = pdf.start_page_with(settings);
        let mut surface = page.surface();
        surface.set_fill(Some(Fill::default()));
        for line in &page_layout.lines {
            let face = if line.bold { &fonts.bold } else { &fonts.regular };
            let tag = match line.place {
                Some(_) => ContentTag::Span(SpanTag::empty()),
                None => ContentTag::Artifact(Artifact::with_kind(ArtifactType::PaginationOther)),
            };
            let identifier = surface.start_tagged(tag);
            draw(&mut surface, face, line.x, line.baseline, line.size, &line.text);
            surface.end_tagged();
            if let Some(place) = line.place {
                identifiers.entry(place).or_default().push(identifier);
            }
        }
        // The table's rules and the page number are layout, not content.
        surface.start_tagged(ContentTag::Artifact(Artifact::with_kind(ArtifactType::Layout)));
        surface.set_fill(None);
        surface.set_stroke(Some(Stroke { width: 0.5, ..Default::default() }));
        for &(from, to, y) in &page_layout.rules {
            let mut path = PathBuilder::new();
            path.move_to(from, y);
            path.line_to(to, y);
            if let Some(path) = path.finish() {
                surface.draw_path(&path);
            }
        }
        surface.set_stroke(None);
        surface.end_tagged();
        surface.start_tagged(ContentTag::Artifact(Artifact::with_kind(ArtifactType::PageNumber)));
        surface.set_fill(Some(Fill::default()));
        let footer = format!("Page {} / {page_count}", number + 1);
        let width = fonts.regular.width(&footer, 8.0);
        draw(&mut surface, &fonts.regular, PAGE_WIDTH - MARGIN - width, PAGE_HEIGHT - MARGIN / 2.0, 8.0, &footer);
        let short_title: String = title.chars().take(90).collect();
        draw(&mut surface, &fonts.regular, MARGIN, PAGE_HEIGHT - MARGIN / 2.0, 8.0, &short_title);
        surface.end_tagged();
        surface.finish();
        page.finish();
    }
    pdf.set_outline(outline);
    pdf.set_tag_tree(tag_tree(document, &mut identifiers));
    pdf.finish().map_err(|error| PdfError(format!("{error:?}")))
}

fn draw(surface: &mut Surface, face: &Face, x: f32, baseline: f32, size: f32, text: &str) {
    surface.draw_text(Point::from_xy(x, baseline), face.font.clone(), size, text, false, TextDirection::Auto);
}

/// The structure tree: the blocks in reading order, each with the lines drawn for it.
fn tag_tree(document: &PdfDocument, identifiers: &mut HashMap<Place, Vec<Identifier>>) -> TagTree {
    let mut tree = TagTree::new();
    let mut leaves = |place: Place, group: &mut TagGroup| {
        for identifier in identifiers.remove(&place).unwrap_or_default() {
            group.push(identifier);
        }
    };
    for (index, block) in document.blocks.iter().enumerate() {
        let place = Place::Block(index);
        let level = |level: u16| NonZeroU16::new(level).unwrap_or(NonZeroU16::MIN);
        let mut group = match block {
            Block::Title(text) => TagGroup::new(Tag::Hn(level(1), Some(text.clone()))),
            Block::Heading(text) => TagGroup::new(Tag::Hn(level(2), Some(text.clone()))),
            Block::Paragraph(_) | Block::Strong(_) => TagGroup::new(Tag::P),
            Block::Table(table) => {
                let mut head = TagGroup::new(Tag::THead);
                let mut header = TagGroup::new(Tag::TR);
                for column in 0..table.columns.len() {
                    let mut cell = TagGroup::new(Tag::TH(TableHeaderScope::Column));
                    leaves(Place::Cell { block: index, row: 0, column }, &mut cell);
                    header.push(cell);
                }
                head.push(header);
                let mut body = TagGroup::new(Tag::TBody);
                for row in 1..=table.rows.len() {
                    let mut tr = TagGroup::new(Tag::TR);
                    for column in 0..table.columns.len() {
                        let mut cell = TagGroup::new(Tag::TD);
                        leaves(Place::Cell { block: index, row, column }, &mut cell);
                        tr.push(cell);
                    }
                    body.push(tr);
                }
                let mut table_group = TagGroup::new(Tag::Table);
                table_group.push(head);
                table_group.push(body);
                tree.push(table_group);
                continue;
            }
        };
        leaves(place, &mut group);
        tree.push(group);
    }
    tree
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(rows: usize) -> PdfDocument {
        let columns = ["Code", "Question", "Appréciation", "Commentaire"]
            .into_iter()
            .zip([1.0, 3.0, 1.5, 3.0])
            .map(|(title, share)| Column { title: title.to_owned(), share })
            .collect();
        let rows = (0..rows)
            .map(|n| {
                vec![
                    format!("1.{n}"),
                    format!("Taux d'ordonnances conformes n° {n} — prescriptions de sortie"),
                    "Atteint".to_owned(),
                    "Un commentaire assez long pour tenir sur plusieurs lignes de la colonne, avec des accents : éèàç."
                        .to_owned(),
                ]
            })
            .collect();
        PdfDocument {
            title: "Évaluation provisoire 2025 — CAQES TEST".to_owned(),
            blocks: vec![
                Block::Title("Évaluation provisoire 2025".to_owned()),
                Block::Paragraph("Madame, Monsieur,\nVoici l'évaluation de l'agence. 🙂".to_owned()),
                Block::Table(Table { columns, rows }),
                Block::Strong("Score : 14,5 points sur 20 (72,5 %)".to_owned()),
            ],
        }
    }

    #[test]
    fn a_long_table_runs_onto_numbered_pages_and_keeps_every_row() {
        let pdf = render(&sample(120)).unwrap();
        assert!(pdf.starts_with(b"%PDF-1.7"));
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("/MarkInfo") && text.contains("/StructTreeRoot"), "tagged");
        assert!(text.contains("pdfuaid"), "declared PDF/UA");
    }

    #[test]
    fn words_wider_than_a_column_are_cut_and_nothing_is_lost() {
        let Ok(fonts) = FONTS.as_ref() else { panic!("fonts") };
        let lines = wrap(&fonts.regular, "un mot-tres-long-qui-ne-tient-pas-dans-la-colonne fin", 10.0, 60.0);
        assert!(lines.len() > 2, "{lines:?}");
        assert_eq!(lines.concat().replace(' ', ""), "unmot-tres-long-qui-ne-tient-pas-dans-la-colonnefin");
        assert!(lines.iter().all(|line| fonts.regular.width(line, 10.0) <= 60.0), "{lines:?}");
        assert_eq!(fonts.regular.printable("a\u{1F642}\tb"), "a? b");
    }
}
