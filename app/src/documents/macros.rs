//! Office documents that carry macros are refused: they would reach the agency referents, who
//! open them. The older formats (doc, xls, ppt, dot, xlm) are compound files, opened with `cfb`:
//! a VBA project is a storage of its own, and an Excel 4.0 macro sheet is a sheet of macro type
//! in the workbook's BIFF records. The zip-based ones (docx, xlsx, odt...) are looked at entry
//! by entry, anywhere in the archive, including the compound files and documents embedded in it.

use std::io::{self, Read, Seek};

use super::content::{carries_macros, OLE2};

/// What was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Macros {
    VbaProject,
    MacroSheet,
}

/// The file could not be read as the format its extension says.
#[derive(Debug)]
pub struct Damaged;

/// Streams and embedded files are read up to this size (a bigger one is refused as damaged:
/// the whole document is at most the upload limit, but an archive can claim anything).
const MAX_PART_BYTES: u64 = 64 * 1024 * 1024;

/// Storages holding a VBA project: Word's `Macros`, Excel's `_VBA_PROJECT_CUR`, and the `VBA`
/// storage inside them (or anywhere else an application puts it).
const VBA_STORAGES: &[&str] = &["vba", "macros", "_vba_project_cur", "_vba_project"];

/// BIFF record types and the sheet types that hold macros (MS-XLS 2.4.28 BoundSheet8).
const BOUNDSHEET: u16 = 0x0085;
const MACRO_SHEET: u8 = 0x01;
const VBA_MODULE: u8 = 0x06;

pub fn in_compound_file<F: Read + Seek>(file: F) -> Result<Option<Macros>, Damaged> {
    let mut compound = cfb::CompoundFile::open(file).map_err(|_| Damaged)?;
    let entries: Vec<(String, std::path::PathBuf, bool)> = compound
        .walk()
        .map(|entry| (entry.name().to_ascii_lowercase(), entry.path().to_owned(), entry.is_stream()))
        .collect();
    if entries.iter().any(|(name, _, is_stream)| !is_stream && VBA_STORAGES.contains(&name.as_str())) {
        return Ok(Some(Macros::VbaProject));
    }
    for (name, path, is_stream) in entries {
        if !is_stream {
            continue;
        }
        // Excel 97 and later keep the workbook in `Workbook`, Excel 5 in `Book`; PowerPoint keeps
        // its VBA project compressed inside its document stream.
        let found = match name.as_str() {
            "workbook" | "book" => {
                in_biff_workbook(compound.open_stream(&path).map_err(|_| Damaged)?.take(MAX_PART_BYTES))?
            }
            "powerpoint document" => {
                in_powerpoint_records(compound.open_stream(&path).map_err(|_| Damaged)?.take(MAX_PART_BYTES))?
            }
            _ => None,
        };
        if found.is_some() {
            return Ok(found);
        }
    }
    Ok(None)
}

/// PowerPoint records (MS-PPT 2.3.1): version and instance, type, length, then the data; a
/// container (version 0xF) holds records, which are walked too. A `VBAInfoContainer` is the
/// document's VBA project.
fn in_powerpoint_records(mut stream: impl Read) -> Result<Option<Macros>, Damaged> {
    const VBA_INFO: u16 = 0x03FF;
    let mut header = [0u8; 8];
    loop {
        match stream.read_exact(&mut header) {
            Ok(()) => {}
            Err(error) if error.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
            Err(_) => return Err(Damaged),
        }
        let container = header[0] & 0x0F == 0x0F;
        let kind = u16::from_le_bytes([header[2], header[3]]);
        let length = u32::from_le_bytes([header[4], header[5], header[6], header[7]]) as u64;
        if kind == VBA_INFO {
            return Ok(Some(Macros::VbaProject));
        }
        if !container && io::copy(&mut (&mut stream).take(length), &mut io::sink()).map_err(|_| Damaged)? < length {
            return Ok(None);
        }
    }
}

/// Walks the BIFF records (type, length, data) looking for sheets of macro type.
fn in_biff_workbook(mut stream: impl Read) -> Result<Option<Macros>, Damaged> {
    let mut header = [0u8; 4];
    let mut data = Vec::new();
    loop {
        match stream.read_exact(&mut header) {
            Ok(()) => {}
            Err(error) if error.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
            Err(_) => return Err(Damaged),
        }
        let kind = u16::from_le_bytes([header[0], header[1]]);
        let length = u16::from_le_bytes([header[2], header[3]]) as usize;
        data.resize(length, 0);
        if stream.read_exact(&mut data).is_err() {
            // A workbook's last record may be cut by the stream's padding.
            return Ok(None);
        }
        if kind == BOUNDSHEET && length >= 6 {
            match data[5] {
                MACRO_SHEET => return Ok(Some(Macros::MacroSheet)),
                VBA_MODULE => return Ok(Some(Macros::VbaProject)),
                _ => {}
            }
        }
    }
}

/// Office Open XML and OpenDocument files: the entries' names, the declared content types, and
/// every embedded compound file or macro-enabled document.
pub fn in_office_zip<F: Read + Seek>(file: F) -> Result<Option<Macros>, Damaged> {
    let mut archive = zip::ZipArchive::new(file).map_err(|_| Damaged)?;
    if carries_macros(archive.file_names()) {
        return Ok(Some(Macros::VbaProject));
    }
    if archive.file_names().any(|name| name.to_ascii_lowercase().contains("macrosheets/")) {
        return Ok(Some(Macros::MacroSheet));
    }
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).map_err(|_| Damaged)?;
        if entry.is_dir() {
            continue;
        }
        let name = entry.name().to_ascii_lowercase();
        if name.rsplit('/').next().is_some_and(is_macro_enabled_name) {
            return Ok(Some(Macros::VbaProject));
        }
        let mut part = Vec::new();
        (&mut entry).take(MAX_PART_BYTES + 1).read_to_end(&mut part).map_err(|_| Damaged)?;
        if part.len() as u64 > MAX_PART_BYTES {
            return Err(Damaged);
        }
        if name == "[content_types].xml" {
            let declared = String::from_utf8_lossy(&part).to_ascii_lowercase();
            if declared.contains("vbaproject") || declared.contains("macroenabled") {
                return Ok(Some(Macros::VbaProject));
            }
            if declared.contains("macrosheet") {
                return Ok(Some(Macros::MacroSheet));
            }
        } else if part.starts_with(OLE2) {
            // An embedded object that is itself an old Office document; one it cannot open as
            // such is left to the application that owns it.
            if let Ok(Some(found)) = in_compound_file(io::Cursor::new(part)) {
                return Ok(Some(found));
            }
        }
    }
    Ok(None)
}

/// The macro-enabled Office formats, as an embedded file may be named.
fn is_macro_enabled_name(file_name: &str) -> bool {
    ["docm", "dotm", "xlsm", "xltm", "xlam", "pptm", "potm", "ppsm", "ppam", "sldm"]
        .iter()
        .any(|extension| file_name.ends_with(&format!(".{extension}")))
}

#[cfg(any(test, feature = "test-samples"))]
#[allow(clippy::unwrap_used)]
pub mod samples {
    //! Office files built here, byte by byte, for the tests (no binary sample from elsewhere);
    //! the integration tests use them too (feature `test-samples`).
    use std::io::{Cursor, Write};

    /// A compound file with the given streams (paths like `/Macros/VBA/dir`).
    pub fn compound_file(streams: &[(&str, &[u8])]) -> Vec<u8> {
        let mut compound = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
        for (path, content) in streams {
            let path = std::path::Path::new(path);
            if let Some(parent) = path.parent() {
                compound.create_storage_all(parent).unwrap();
            }
            compound.create_stream(path).unwrap().write_all(content).unwrap();
        }
        compound.flush().unwrap();
        compound.into_inner().into_inner()
    }

    /// A PowerPoint document stream: a document container holding a text atom and, if asked, the
    /// VBA information container.
    pub fn powerpoint_document(with_vba: bool) -> Vec<u8> {
        let record = |version: u8, kind: u16, data: &[u8]| {
            let mut bytes = vec![version, 0];
            bytes.extend_from_slice(&kind.to_le_bytes());
            bytes.extend_from_slice(&(data.len() as u32).to_le_bytes());
            bytes.extend_from_slice(data);
            bytes
        };
        let mut children = record(0x00, 0x0FA8, b"Diapositive");
        if with_vba {
            children.extend(record(0x0F, 0x03FF, &record(0x02, 0x0400, &[0; 12])));
        }
        record(0x0F, 0x03E8, &children)
    }

    /// A BIFF8 workbook stream: BOF, one BOUNDSHEET per sheet type given, EOF.
    pub fn biff_workbook(sheet_types: &[u8]) -> Vec<u8> {
        let mut stream = Vec::new();
        let mut record = |kind: u16, data: &[u8]| {
            stream.extend_from_slice(&kind.to_le_bytes());
            stream.extend_from_slice(&(data.len() as u16).to_le_bytes());
            stream.extend_from_slice(data);
        };
        record(0x0809, &[0x00, 0x06, 0x05, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        for (index, sheet_type) in sheet_types.iter().enumerate() {
            let name = format!("Feuil{}", index + 1);
            let mut data = vec![0, 0, 0, 0, 0x00, *sheet_type, name.len() as u8, 0];
            data.extend_from_slice(name.as_bytes());
            record(0x0085, &data);
        }
        record(0x000A, &[]);
        stream
    }

    /// A zip with the given entries.
    pub fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, content) in entries {
            writer.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
            writer.write_all(content).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    pub const CONTENT_TYPES: &[u8] = br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;
}

#[cfg(test)]
mod tests {
    use super::samples::*;
    use super::*;
    use std::io::Cursor;

    fn compound(streams: &[(&str, &[u8])]) -> Result<Option<Macros>, Damaged> {
        in_compound_file(Cursor::new(compound_file(streams)))
    }

    fn office_zip(entries: &[(&str, &[u8])]) -> Option<Macros> {
        in_office_zip(Cursor::new(zip(entries))).unwrap()
    }

    #[test]
    fn word_and_excel_vba_projects_are_found() {
        let word = compound(&[("/WordDocument", b"text"), ("/Macros/VBA/dir", b"x"), ("/Macros/PROJECT", b"x")]);
        assert_eq!(word.unwrap(), Some(Macros::VbaProject));
        let excel = compound(&[("/Workbook", &biff_workbook(&[0])), ("/_VBA_PROJECT_CUR/VBA/dir", b"x")]);
        assert_eq!(excel.unwrap(), Some(Macros::VbaProject));
    }

    #[test]
    fn a_powerpoint_vba_project_is_found_in_its_document_records() {
        let with = compound(&[("/PowerPoint Document", &powerpoint_document(true)), ("/Current User", b"x")]);
        assert_eq!(with.unwrap(), Some(Macros::VbaProject));
        assert_eq!(compound(&[("/PowerPoint Document", &powerpoint_document(false))]).unwrap(), None);
    }

    #[test]
    fn an_excel_4_macro_sheet_is_found_in_the_workbook_records() {
        let macro_sheet = compound(&[("/Workbook", &biff_workbook(&[0, MACRO_SHEET]))]);
        assert_eq!(macro_sheet.unwrap(), Some(Macros::MacroSheet));
        let excel_5 = compound(&[("/Book", &biff_workbook(&[MACRO_SHEET]))]);
        assert_eq!(excel_5.unwrap(), Some(Macros::MacroSheet));
        // Worksheets and charts are fine.
        assert_eq!(compound(&[("/Workbook", &biff_workbook(&[0, 2]))]).unwrap(), None);
    }

    #[test]
    fn plain_old_office_files_pass_and_non_compound_files_are_damaged() {
        assert_eq!(compound(&[("/WordDocument", b"text"), ("/1Table", b"x")]).unwrap(), None);
        assert!(in_compound_file(Cursor::new(b"not a compound file".to_vec())).is_err());
        let mut truncated = compound_file(&[("/WordDocument", b"text")]);
        truncated.truncate(600);
        assert!(in_compound_file(Cursor::new(truncated)).is_err());
    }

    #[test]
    fn zip_based_files_are_checked_on_every_entry() {
        let plain = [("[Content_Types].xml", CONTENT_TYPES), ("word/document.xml", b"<w:document/>" as &[u8])];
        assert_eq!(office_zip(&plain), None);
        // vbaProject.bin moved into a subfolder, or renamed but declared.
        assert_eq!(office_zip(&[plain[0], ("word/media/sub/vbaProject.bin", b"x")]), Some(Macros::VbaProject));
        let declared =
            br#"<Types><Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>"#;
        assert_eq!(office_zip(&[("[Content_Types].xml", declared), ("word/x.bin", b"x")]), Some(Macros::VbaProject));
        // An Excel 4.0 macro sheet of an xlsx, macros of an OpenDocument file at any depth.
        assert_eq!(office_zip(&[plain[0], ("xl/macrosheets/sheet1.xml", b"x")]), Some(Macros::MacroSheet));
        assert_eq!(
            office_zip(&[("content.xml", b"x"), ("Object 1/Basic/Standard/M.xml", b"x")]),
            Some(Macros::VbaProject)
        );
        // Embedded: a document with a VBA project, or a macro-enabled document.
        let vba = compound_file(&[("/Macros/VBA/dir", b"x")]);
        assert_eq!(office_zip(&[plain[0], ("word/embeddings/oleObject1.bin", &vba)]), Some(Macros::VbaProject));
        assert_eq!(office_zip(&[plain[0], ("ppt/embeddings/Classeur.xlsm", b"PK")]), Some(Macros::VbaProject));
        assert!(in_office_zip(Cursor::new(b"PK\x03\x04 but not a zip".to_vec())).is_err());
    }
}
