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

/// What the parts of an Office file may unpack to, for an upload limit: four times the limit,
/// counted on the bytes really unpacked (an archive declares any size it likes).
pub fn unpacked_budget(max_upload_bytes: u64) -> u64 {
    max_upload_bytes.saturating_mul(4)
}

/// Office Open XML and OpenDocument files: the entries' names, the declared content types, and
/// every embedded compound file or macro-enabled document. Every entry is unpacked, up to
/// `budget_bytes` in all (see [`unpacked_budget`]): past it, or when entries share their bytes
/// (a few kilobytes then unpack to gigabytes), the file is [`Damaged`].
pub fn in_office_zip<F: Read + Seek>(file: F, budget_bytes: u64) -> Result<Option<Macros>, Damaged> {
    let mut archive = zip::ZipArchive::new(file).map_err(|_| Damaged)?;
    if archive.has_overlapping_entries().map_err(|_| Damaged)? {
        return Err(Damaged);
    }
    let names = archive
        .file_names()
        .map(|name| name.map(|name| name.into_owned()))
        .collect::<Result<Vec<String>, _>>()
        .map_err(|_| Damaged)?;
    if carries_macros(names.iter().map(String::as_str)) {
        return Ok(Some(Macros::VbaProject));
    }
    if names.iter().any(|name| name.to_ascii_lowercase().contains("macrosheets/")) {
        return Ok(Some(Macros::MacroSheet));
    }
    let mut remaining = budget_bytes;
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).map_err(|_| Damaged)?;
        if entry.is_dir() {
            continue;
        }
        let name = entry.name().map_err(|_| Damaged)?.to_ascii_lowercase();
        if name.rsplit('/').next().is_some_and(is_macro_enabled_name) {
            return Ok(Some(Macros::VbaProject));
        }
        // One byte more than allowed tells that the part is too big, without reading on.
        let allowed = MAX_PART_BYTES.min(remaining);
        let mut part = (&mut entry).take(allowed + 1);
        let mut head = Vec::with_capacity(OLE2.len());
        (&mut part).take(OLE2.len() as u64).read_to_end(&mut head).map_err(|_| Damaged)?;
        // Only the content types and embedded compound files are looked into: the rest is
        // unpacked and counted, not kept.
        let kept = name == "[content_types].xml" || head.starts_with(OLE2);
        let unpacked = if kept {
            part.read_to_end(&mut head).map_err(|_| Damaged)?;
            head.len() as u64
        } else {
            head.len() as u64 + io::copy(&mut part, &mut io::sink()).map_err(|_| Damaged)?
        };
        if unpacked > allowed {
            return Err(Damaged);
        }
        remaining -= unpacked;
        if name == "[content_types].xml" {
            let declared = String::from_utf8_lossy(&head).to_ascii_lowercase();
            if declared.contains("vbaproject") || declared.contains("macroenabled") {
                return Ok(Some(Macros::VbaProject));
            }
            if declared.contains("macrosheet") {
                return Ok(Some(Macros::MacroSheet));
            }
        } else if kept {
            // An embedded object that is itself an old Office document; one it cannot open as
            // such is left to the application that owns it.
            if let Ok(Some(found)) = in_compound_file(io::Cursor::new(head)) {
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

    /// A zip of one deflated entry, `name`, of `zeros` zeros (less than 4 GiB), written by hand:
    /// deflating hundreds of megabytes takes a debug build many seconds, this a few milliseconds.
    pub fn zeros_zip(name: &str, zeros: u32) -> Vec<u8> {
        let data = deflated_zeros(zeros);
        let (crc, compressed) = (crc32_of_zeros(zeros), u32::try_from(data.len()).unwrap());
        let name_length = u16::try_from(name.len()).unwrap();
        // Version 2.0, no flag, deflated, 1980-01-01 00:00, then CRC and sizes.
        let mut common = vec![20, 0, 0, 0, 8, 0, 0, 0, 0x21, 0];
        for value in [crc, compressed, zeros] {
            common.extend_from_slice(&value.to_le_bytes());
        }
        common.extend_from_slice(&name_length.to_le_bytes());
        common.extend_from_slice(&[0, 0]);
        let mut bytes = vec![0x50, 0x4B, 0x03, 0x04];
        bytes.extend_from_slice(&common);
        bytes.extend_from_slice(name.as_bytes());
        bytes.extend_from_slice(&data);
        let directory = u32::try_from(bytes.len()).unwrap();
        bytes.extend_from_slice(&[0x50, 0x4B, 0x01, 0x02, 20, 0]);
        bytes.extend_from_slice(&common);
        // No comment, disk 0, no attribute, the local header at 0.
        bytes.extend_from_slice(&[0; 14]);
        bytes.extend_from_slice(name.as_bytes());
        let directory_length = u32::try_from(bytes.len()).unwrap() - directory;
        bytes.extend_from_slice(&[0x50, 0x4B, 0x05, 0x06, 0, 0, 0, 0, 1, 0, 1, 0]);
        bytes.extend_from_slice(&directory_length.to_le_bytes());
        bytes.extend_from_slice(&directory.to_le_bytes());
        bytes.extend_from_slice(&[0, 0]);
        bytes
    }

    /// `zeros` zeros as one dynamic-Huffman deflate block (RFC 1951): a literal 0, then copies of
    /// 258 bytes at distance 1 (2 bits each), the rest as literals. Literal/length codes: 285 is
    /// `0`, 0 is `10`, the end of block `11`; the one distance code is `0`.
    fn deflated_zeros(zeros: u32) -> Vec<u8> {
        let mut bits = Bits::default();
        // The final block, with dynamic Huffman codes: 286 literal/length codes, 1 distance code,
        // 18 code length codes whose lengths come in the order 16, 17, 18, 0, 8, 7, 9, 6, 10, 5,
        // 11, 4, 12, 3, 13, 2, 14, 1.
        bits.push(1, 1);
        bits.push(2, 2);
        bits.push(286 - 257, 5);
        bits.push(0, 5);
        bits.push(18 - 4, 4);
        let code_length_lengths = [0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 2];
        for length in code_length_lengths {
            bits.push(length, 3);
        }
        // Code length codes: 18 (a run of 11 to 138 zeros) is `0`, 1 is `10`, 2 is `11`.
        let (one, two) = ((0b10, 2), (0b11, 2));
        let zeros_run = |bits: &mut Bits, run: u32| {
            bits.huffman(0b0, 1);
            bits.push(run - 11, 7);
        };
        // Lengths: 0 → 2, 1..=255 → 0, 256 → 2, 257..=284 → 0, 285 → 1; the distance code → 1.
        bits.huffman(two.0, two.1);
        zeros_run(&mut bits, 138);
        zeros_run(&mut bits, 117);
        bits.huffman(two.0, two.1);
        zeros_run(&mut bits, 28);
        bits.huffman(one.0, one.1);
        bits.huffman(one.0, one.1);
        let mut left = zeros;
        if left > 0 {
            bits.huffman(0b10, 2);
            left -= 1;
        }
        while left >= 258 {
            bits.huffman(0b0, 1); // Length 258
            bits.huffman(0b0, 1); // Distance 1
            left -= 258;
        }
        for _ in 0..left {
            bits.huffman(0b10, 2);
        }
        bits.huffman(0b11, 2); // End of block
        bits.bytes
    }

    /// Bits packed from the least significant bit of each byte, as deflate writes them.
    #[derive(Default)]
    struct Bits {
        bytes: Vec<u8>,
        used: u32,
    }

    impl Bits {
        /// `value`'s `count` low bits, least significant first.
        fn push(&mut self, value: u32, count: u32) {
            for bit in 0..count {
                if self.used.is_multiple_of(8) {
                    self.bytes.push(0);
                }
                if (value >> bit) & 1 == 1 {
                    *self.bytes.last_mut().unwrap() |= 1 << (self.used % 8);
                }
                self.used += 1;
            }
        }

        /// A Huffman code of `count` bits, most significant first.
        fn huffman(&mut self, code: u32, count: u32) {
            for bit in (0..count).rev() {
                self.push((code >> bit) & 1, 1);
            }
        }
    }

    /// The CRC-32 of `zeros` zero bytes, without reading them: the register after a zero bit is
    /// a linear map of the one before, raised to the 8 × `zeros`th power by squaring.
    fn crc32_of_zeros(zeros: u32) -> u32 {
        type Map = [u32; 32];
        let apply =
            |map: &Map, vector: u32| (0..32).filter(|bit| (vector >> bit) & 1 == 1).fold(0, |sum, bit| sum ^ map[bit]);
        let compose = |outer: &Map, inner: &Map| -> Map { std::array::from_fn(|bit| apply(outer, inner[bit])) };
        let mut step: Map = std::array::from_fn(|bit| if bit == 0 { 0xEDB8_8320 } else { 1 << (bit - 1) });
        let mut power: Map = std::array::from_fn(|bit| 1 << bit);
        let mut exponent = u64::from(zeros) * 8;
        while exponent > 0 {
            if exponent & 1 == 1 {
                power = compose(&step, &power);
            }
            step = compose(&step, &step);
            exponent >>= 1;
        }
        !apply(&power, 0xFFFF_FFFF)
    }

    /// A zip whose `entries` central-directory records all point at one deflated entry of
    /// `zeros` zeros: a few kilobytes that unpack to `entries` × `zeros` bytes, entry by entry.
    pub fn overlapping_zip(entries: usize, zeros: usize) -> Vec<u8> {
        let mut bytes = zeros_zip("word/document.xml", u32::try_from(zeros).unwrap());
        // The end of central directory record (22 bytes, no comment) says where the directory,
        // here one record, starts.
        let end = bytes.len() - 22;
        assert_eq!(bytes[end..end + 4], [0x50, 0x4B, 0x05, 0x06]);
        let directory = u32::from_le_bytes(bytes[end + 16..end + 20].try_into().unwrap()) as usize;
        let record = bytes[directory..end].to_vec();
        assert_eq!(record[..4], [0x50, 0x4B, 0x01, 0x02]);
        let name_length = u16::from_le_bytes([record[28], record[29]]) as usize;
        let mut central = Vec::new();
        for index in 0..entries {
            let name = format!("word/media/image{index}.bin");
            let mut fixed = record[..46].to_vec();
            fixed[28..30].copy_from_slice(&u16::try_from(name.len()).unwrap().to_le_bytes());
            central.extend_from_slice(&fixed);
            central.extend_from_slice(name.as_bytes());
            // Extra field and comment, as written.
            central.extend_from_slice(&record[46 + name_length..]);
        }
        bytes.truncate(directory);
        bytes.extend_from_slice(&central);
        let count = u16::try_from(entries).unwrap().to_le_bytes();
        bytes.extend_from_slice(&[0x50, 0x4B, 0x05, 0x06, 0, 0, 0, 0]);
        bytes.extend_from_slice(&count);
        bytes.extend_from_slice(&count);
        bytes.extend_from_slice(&u32::try_from(central.len()).unwrap().to_le_bytes());
        bytes.extend_from_slice(&u32::try_from(directory).unwrap().to_le_bytes());
        bytes.extend_from_slice(&[0, 0]);
        bytes
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

    /// The budget of the default upload limit, 50 MB.
    const BUDGET: u64 = 4 * 50 * 1024 * 1024;

    fn office_zip(entries: &[(&str, &[u8])]) -> Option<Macros> {
        in_office_zip(Cursor::new(zip(entries)), BUDGET).unwrap()
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
        assert!(in_office_zip(Cursor::new(b"PK\x03\x04 but not a zip".to_vec()), BUDGET).is_err());
    }

    #[test]
    fn entries_sharing_their_bytes_are_refused_before_any_is_unpacked() {
        // 200 entries of 64 MiB of zeros each, 13 GB in all, from one stream.
        let bomb = overlapping_zip(200, 64 * 1024 * 1024);
        assert!(bomb.len() < 200 * 1024, "{} bytes", bomb.len());
        let started = std::time::Instant::now();
        assert!(matches!(in_office_zip(Cursor::new(bomb), BUDGET), Err(Damaged)));
        assert!(started.elapsed() < std::time::Duration::from_millis(500), "{:?}", started.elapsed());
        // The same zip with its one entry is fine.
        assert_eq!(in_office_zip(Cursor::new(overlapping_zip(1, 1000)), BUDGET).unwrap(), None);
    }

    #[test]
    fn the_zeros_written_by_hand_are_a_valid_zip() {
        for zeros in [0u32, 1, 2, 258, 259, 1000, 70_000] {
            let mut archive = zip::ZipArchive::new(Cursor::new(zeros_zip("zeros.bin", zeros))).unwrap();
            let mut entry = archive.by_index(0).unwrap();
            assert_eq!(entry.size(), u64::from(zeros));
            let mut unpacked = Vec::new();
            // The CRC is checked at the end.
            entry.read_to_end(&mut unpacked).unwrap();
            assert_eq!(unpacked, vec![0; zeros as usize]);
        }
    }

    #[test]
    fn parts_unpacking_past_the_budget_are_refused_on_the_bytes_read() {
        let part = vec![b'x'; 400 * 1024];
        let parts = zip(&[("word/document.xml", &part), ("word/styles.xml", &part), ("word/fontTable.xml", &part)]);
        assert!(matches!(in_office_zip(Cursor::new(parts.clone()), 1024 * 1024), Err(Damaged)));
        assert_eq!(in_office_zip(Cursor::new(parts), 2 * 1024 * 1024).unwrap(), None);
        assert_eq!(unpacked_budget(50 * 1024 * 1024), BUDGET);
    }
}
