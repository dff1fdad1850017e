//! Reading the national FINESS extract as the State publishes it on data.gouv.fr: the legal
//! entities file (`etalab-cs1100501-stock-*.csv`, `structureej` lines) and the establishments file
//! (`etalab-cs1100502` / `cs1100507-stock-*.csv`, `structureet` lines, with `geolocalisation` lines
//! that are ignored). `;`-separated, `"`-quoted with doubled inner quotes, a first metadata line
//! (`finess;etalab;...`) and no header. Lines are read one at a time (the national file is about
//! 100 MB), each decoded as UTF-8 or, failing that, Windows-1252; every line that cannot be taken is
//! reported with its number and a French reason, and the reading goes on.

use std::io::{self, BufRead, Read};

use ecars_core::finess::{region_of, FinessNumber};
use ecars_core::vocabulary::Domain;

/// A line longer than this is refused (FINESS lines are a few hundred bytes).
const MAX_LINE_BYTES: usize = 16 * 1024;

/// `structureej`: section, nofinessej, rs, rslongue, complrs, numvoie, typvoie, voie, compvoie,
/// compldistrib, lieuditbp, commune, ligneacheminement, departement, libdepartement, telephone,
/// statutjuridique, libstatutjuridique, categetab, libcategetab, siren, codeape, datecrea.
const LEGAL_ENTITY_FIELDS: usize = 23;
/// `structureet`: section, nofinesset, nofinessej, rs, rslongue, complrs, compldistrib, numvoie,
/// typvoie, voie, compvoie, lieuditbp, commune, departement, libdepartement, ligneacheminement,
/// telephone, telecopie, categetab, libcategetab, categagretab, libcategagretab, siret, codeape,
/// codemft, libmft, codesph, libsph, dateouv, dateautor, maj, numuai.
const ESTABLISHMENT_FIELDS: usize = 32;

/// A legal entity as the portal keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegalEntityLine {
    pub finess: FinessNumber,
    pub name: String,
    pub address: String,
    pub phone: String,
    pub departement: String,
}

/// An establishment as the portal keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EstablishmentLine {
    pub finess: FinessNumber,
    pub legal_entity: FinessNumber,
    pub name: String,
    pub address: String,
    pub departement: String,
    pub region: String,
    pub domain: Domain,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    LegalEntity(LegalEntityLine),
    Establishment(EstablishmentLine),
    /// The metadata line, geolocations, blank lines.
    Ignored,
    Refused(String),
}

/// One line of the file: its number (from 1) and what it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub number: u64,
    pub record: Record,
}

/// The lines of a FINESS extract, read one by one from `reader`.
pub struct FinessLines<R> {
    reader: R,
    number: u64,
    buffer: Vec<u8>,
    /// Built once: building the parser's automaton took 94 % of the time when done per line.
    splitter: csv_core::Reader,
}

impl<R: BufRead> FinessLines<R> {
    pub fn new(reader: R) -> Self {
        let splitter = csv_core::ReaderBuilder::new().delimiter(b';').build();
        FinessLines { reader, number: 0, buffer: Vec::with_capacity(1024), splitter }
    }

    /// How many lines were read so far.
    pub fn lines_read(&self) -> u64 {
        self.number
    }

    /// The next raw line, at most [`MAX_LINE_BYTES`]: `Ok(None)` at the end, `Err(too long)`
    /// after skipping the rest of a longer one.
    fn next_raw(&mut self) -> io::Result<Option<Result<(), ()>>> {
        self.buffer.clear();
        let read = (&mut self.reader).take(MAX_LINE_BYTES as u64 + 1).read_until(b'\n', &mut self.buffer)?;
        if read == 0 {
            return Ok(None);
        }
        if self.buffer.len() > MAX_LINE_BYTES && !self.buffer.ends_with(b"\n") {
            // Skip to the end of this line without holding it.
            loop {
                self.buffer.clear();
                let skipped = (&mut self.reader).take(64 * 1024).read_until(b'\n', &mut self.buffer)?;
                if skipped == 0 || self.buffer.ends_with(b"\n") {
                    break;
                }
            }
            return Ok(Some(Err(())));
        }
        Ok(Some(Ok(())))
    }
}

impl<R: BufRead> Iterator for FinessLines<R> {
    type Item = io::Result<Line>;

    fn next(&mut self) -> Option<Self::Item> {
        let raw = match self.next_raw() {
            Ok(None) => return None,
            Ok(Some(raw)) => raw,
            Err(error) => return Some(Err(error)),
        };
        self.number += 1;
        let record = match raw {
            Err(()) => Record::Refused(format!("ligne trop longue (plus de {} Ko)", MAX_LINE_BYTES / 1024)),
            Ok(()) => parse_line(&mut self.splitter, &decode(&self.buffer), self.number == 1),
        };
        Some(Ok(Line { number: self.number, record }))
    }
}

/// UTF-8 when the line is valid UTF-8 (a BOM dropped), Windows-1252 otherwise: the State's files
/// were long Windows-1252 and are now UTF-8, and a valid UTF-8 line is almost never intended as
/// Windows-1252.
fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0.into_owned(),
    };
    text.trim_end_matches(['\n', '\r']).to_owned()
}

fn parse_line(splitter: &mut csv_core::Reader, text: &str, first: bool) -> Record {
    if text.trim().is_empty() || (first && text.starts_with("finess;")) {
        return Record::Ignored;
    }
    // Quotes come in pairs (delimiters, and doubled quotes inside a field): an odd count is a
    // field left open, which would otherwise swallow the following separators.
    if text.matches('"').count() % 2 == 1 {
        return Record::Refused("guillemet non fermé".to_owned());
    }
    let fields = split(splitter, text);
    let expected = match field(&fields, 0) {
        "structureej" => LEGAL_ENTITY_FIELDS,
        "structureet" => ESTABLISHMENT_FIELDS,
        "geolocalisation" => return Record::Ignored,
        other => {
            let shown: String = other.chars().take(30).collect();
            return Record::Refused(format!("type de ligne inconnu (« {shown} »)"));
        }
    };
    if fields.len() != expected {
        return Record::Refused(format!("{} champs au lieu de {expected}", fields.len()));
    }
    let parsed = if expected == LEGAL_ENTITY_FIELDS {
        legal_entity(&fields).map(Record::LegalEntity)
    } else {
        establishment(&fields).map(Record::Establishment)
    };
    parsed.unwrap_or_else(Record::Refused)
}

/// The fields of one line: `;`-separated, `"`-quoted with doubled inner quotes.
fn split(splitter: &mut csv_core::Reader, line: &str) -> Vec<String> {
    use csv_core::ReadRecordResult;
    splitter.reset();
    // Unquoting only shortens: the fields fit in the line's length, and there are at most one
    // more fields than bytes.
    let mut output = vec![0u8; line.len() + 1];
    let mut ends = vec![0usize; line.len() + 2];
    let (mut input, mut written, mut fields) = (line.as_bytes(), 0, 0);
    // The whole line, then an empty input that tells the parser the line is over: two calls
    // (a few more at most, should the buffers ever be short).
    for _ in 0..4 {
        let (result, read, out, ended) = splitter.read_record(input, &mut output[written..], &mut ends[fields..]);
        input = &input[read..];
        written += out;
        fields += ended;
        if matches!(result, ReadRecordResult::Record | ReadRecordResult::End) {
            break;
        }
    }
    let mut start = 0;
    ends[..fields]
        .iter()
        .map(|&end| {
            let text = String::from_utf8_lossy(&output[start..end]).into_owned();
            start = end;
            text
        })
        .collect()
}

/// Field `index` of a line, trimmed ("" past the end).
fn field(fields: &[String], index: usize) -> &str {
    fields.get(index).map(String::as_str).unwrap_or("").trim()
}

fn legal_entity(fields: &[String]) -> Result<LegalEntityLine, String> {
    let field = |index| field(fields, index);
    Ok(LegalEntityLine {
        finess: FinessNumber::parse(field(1))?,
        name: name(field(2), field(3))?,
        address: address(&[field(5), field(8), field(6), field(7)], field(10), field(12)),
        phone: field(15).to_owned(),
        departement: field(13).to_owned(),
    })
}

fn establishment(fields: &[String]) -> Result<EstablishmentLine, String> {
    let field = |index| field(fields, index);
    let departement = field(13).to_owned();
    Ok(EstablishmentLine {
        finess: FinessNumber::parse(field(1))?,
        legal_entity: FinessNumber::parse(field(2)).map_err(|reason| format!("entité juridique : {reason}"))?,
        name: name(field(3), field(4))?,
        address: address(&[field(7), field(10), field(8), field(9)], field(11), field(15)),
        region: region_of(&departement).unwrap_or_default().to_owned(),
        departement,
        domain: domain_of_category(field(20)),
    })
}

/// The raison sociale, or the long one when the short one is empty.
fn name(short: &str, long: &str) -> Result<String, String> {
    let name = if short.is_empty() { long } else { short };
    if name.is_empty() {
        Err("raison sociale vide".to_owned())
    } else {
        Ok(name.to_owned())
    }
}

/// "2 R GAGNIEREUX 21014 DIJON": number, complement, street type and street, then the locality
/// or post box, then the routing line (post code and town).
fn address(street: &[&str], locality: &str, routing: &str) -> String {
    let parts = street.iter().copied().chain([locality, routing]).filter(|part| !part.is_empty());
    parts.collect::<Vec<_>>().join(" ")
}

/// The category aggregate's first level: 4000 is "Établissements et services sociaux et
/// médico-sociaux"; the others (hospitals, other care and prevention) are Sanitaire.
fn domain_of_category(aggregate: &str) -> Domain {
    if aggregate.starts_with('4') {
        Domain::MedicoSocial
    } else {
        Domain::Sanitaire
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(bytes: &[u8]) -> Vec<Line> {
        FinessLines::new(bytes).map(Result::unwrap).collect()
    }

    const METADATA: &str = "finess;etalab;100;2026-11-30\n";

    fn legal_entity_line(finess: &str, rs: &str) -> String {
        format!(
            "structureej;{finess};{rs};CENTRE HOSPITALIER;;;BD;DE LA CHANTOURNE;;;CS 10217;269;38043 GRENOBLE CEDEX 9;38;ISERE;0476767575;13;Etb.Pub.Communal Hosp.;;;263800302;8610Z;1901-01-01\n"
        )
    }

    fn establishment_line(finess: &str, ej: &str, departement: &str, aggregate: &str) -> String {
        format!(
            "structureet;{finess};{ej};\"HOPITAL \"\"NORD\"\"\";HOPITAL NORD;;;2;R;GAGNIEREUX;;;231;{departement};COTE D'OR;21014 DIJON;0390288028;;355;C.H.;{aggregate};Agr;;8610Z;03;ARS;1;Etb public;1990-01-01;1990-01-01;2026-01-01;\n"
        )
    }

    #[test]
    fn both_kinds_of_lines_are_read_with_what_the_pages_show() {
        let file = format!(
            "{METADATA}{}{}geolocalisation;210012345;1;2;IGN;2026-01-01\n",
            legal_entity_line("380780080", "CHU GRENOBLE ALPES"),
            establishment_line("210012345", "380780080", "21", "4401"),
        );
        let read = lines(file.as_bytes());
        assert_eq!(read.len(), 4);
        assert_eq!(read[0].record, Record::Ignored);
        let Record::LegalEntity(entity) = &read[1].record else { panic!("{:?}", read[1]) };
        assert_eq!(entity.finess.as_str(), "380780080");
        assert_eq!(entity.name, "CHU GRENOBLE ALPES");
        assert_eq!(entity.address, "BD DE LA CHANTOURNE CS 10217 38043 GRENOBLE CEDEX 9");
        assert_eq!((entity.phone.as_str(), entity.departement.as_str()), ("0476767575", "38"));
        let Record::Establishment(site) = &read[2].record else { panic!("{:?}", read[2]) };
        assert_eq!(site.name, "HOPITAL \"NORD\"", "doubled quotes");
        assert_eq!(site.address, "2 R GAGNIEREUX 21014 DIJON");
        assert_eq!((site.region.as_str(), site.domain), ("Bourgogne-Franche-Comté", Domain::MedicoSocial));
        assert_eq!(read[3], Line { number: 4, record: Record::Ignored });
    }

    #[test]
    fn windows_1252_and_utf8_lines_read_the_same() {
        let utf8 = establishment_line("210012345", "210000000", "21", "1102").replace("NORD", "SAINTE-ÉLISE");
        let windows_1252 = encoding_rs::WINDOWS_1252.encode(&utf8).0.into_owned();
        assert_ne!(windows_1252, utf8.as_bytes());
        let bom = [b"\xEF\xBB\xBF".as_slice(), utf8.as_bytes()].concat();
        for bytes in [utf8.as_bytes(), windows_1252.as_slice(), bom.as_slice()] {
            let Record::Establishment(site) = &lines(bytes)[0].record else { panic!() };
            assert_eq!(site.name, "HOPITAL \"SAINTE-ÉLISE\"");
            assert_eq!(site.domain, Domain::Sanitaire);
        }
    }

    #[test]
    fn bad_lines_are_refused_with_their_number_and_reason_and_reading_goes_on() {
        let long = format!("structureet;{}\n", "x".repeat(40_000));
        let file = format!(
            "{METADATA}{}{}{}{}{}structureet;210012345;21\n{long}{}",
            legal_entity_line("38078008", "TROP COURT"),
            legal_entity_line("2A0000017", "HOPITAL D'AJACCIO"),
            establishment_line("210012345", "21000000X", "21", "1102"),
            "structureej;\"ouvert;380780080\n",
            "inconnu;1;2\n",
            establishment_line("970100012", "970100004", "971", "1102"),
        );
        let read = lines(file.as_bytes());
        let refusal = |number: u64| match &read[number as usize - 1] {
            Line { number: found, record: Record::Refused(reason) } if *found == number => reason.clone(),
            other => panic!("line {number}: {other:?}"),
        };
        assert!(refusal(2).contains("n'est pas un numéro FINESS"));
        assert!(matches!(&read[2].record, Record::LegalEntity(entity) if entity.finess.departement() == "2A"));
        assert!(refusal(4).starts_with("entité juridique :"));
        assert_eq!(refusal(5), "guillemet non fermé");
        assert!(refusal(6).contains("type de ligne inconnu"));
        assert_eq!(refusal(7), "3 champs au lieu de 32");
        assert!(refusal(8).contains("ligne trop longue"));
        assert!(matches!(&read[8].record, Record::Establishment(site) if site.region == "Guadeloupe"), "{:?}", read[8]);
        assert_eq!(read.len(), 9);
    }

    #[test]
    fn garbage_without_newlines_is_one_refused_line_read_in_bounded_memory() {
        let garbage = vec![0xFFu8; 3 * 1024 * 1024];
        let mut reader = FinessLines::new(std::io::BufReader::new(garbage.as_slice()));
        let first = reader.next().unwrap().unwrap();
        assert!(matches!(first.record, Record::Refused(ref reason) if reason.contains("trop longue")));
        assert!(reader.next().is_none());
        assert!(reader.buffer.capacity() <= 128 * 1024, "{}", reader.buffer.capacity());
    }
}
