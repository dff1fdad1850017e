//! Does a file's content match its extension? Checked on the first bytes of the upload, so that an
//! executable or a web page renamed `.pdf` or `.jpg` is refused before it is stored.

/// How many leading bytes [`check_signature`] needs.
pub const SIGNATURE_LENGTH: usize = 512;

const PDF: &[u8] = b"%PDF-";
const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF];
const GIF87: &[u8] = b"GIF87a";
const GIF89: &[u8] = b"GIF89a";
const TIFF_LE: &[u8] = b"II*\0";
const TIFF_BE: &[u8] = b"MM\0*";
/// Every zip, hence every Office Open XML and OpenDocument file.
const ZIP: &[u8] = b"PK\x03\x04";
const EMPTY_ZIP: &[u8] = b"PK\x05\x06";
/// Compound File Binary: the older Office formats (doc, xls, ppt, dot, xlm).
pub const OLE2: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// The signatures a file of `extension` may start with; `None` for plain text.
fn signatures(extension: &str) -> Option<&'static [&'static [u8]]> {
    Some(match extension {
        "pdf" => &[PDF],
        "jpg" | "jpeg" => &[JPEG],
        "gif" => &[GIF87, GIF89],
        "tiff" => &[TIFF_LE, TIFF_BE],
        "zip" => &[ZIP, EMPTY_ZIP],
        "docx" | "xlsx" | "pptx" | "dotx" | "odt" | "odg" | "odp" | "ods" | "odf" => &[ZIP],
        "doc" | "xls" | "ppt" | "dot" | "xlm" => &[OLE2],
        _ => return None,
    })
}

/// Refuses content that is not what the extension says. `head` is the start of the file
/// (up to [`SIGNATURE_LENGTH`] bytes; less for a shorter file).
pub fn check_signature(extension: &str, head: &[u8]) -> Result<(), String> {
    if head.is_empty() {
        return Err("Le fichier est vide.".to_owned());
    }
    let matches = match signatures(extension) {
        Some(signatures) => signatures.iter().any(|signature| head.starts_with(signature)),
        None => is_plain_text(head),
    };
    if matches {
        Ok(())
    } else {
        Err(format!(
            "Le contenu du fichier ne correspond pas à un fichier .{extension} : il a peut-être été renommé. \
             Enregistrez-le à nouveau dans son format d'origine."
        ))
    }
}

/// Text without binary bytes, and not a web page (which a browser could run if it ever opened it).
fn is_plain_text(head: &[u8]) -> bool {
    let binary = head.iter().any(|byte| matches!(byte, 0..=8 | 14..=31) && !matches!(byte, 0x1B));
    let start = String::from_utf8_lossy(&head[..head.len().min(SIGNATURE_LENGTH)]).trim_start().to_ascii_lowercase();
    let web_page = ["<!doctype", "<html", "<script", "<svg", "<?xml"].iter().any(|tag| start.starts_with(tag));
    !binary && !web_page
}

/// Whether the entries of an Office zip (Office Open XML or OpenDocument) include macros:
/// `vbaProject.bin` in Office Open XML, a `Basic/` or `Scripts/` folder in OpenDocument, at any
/// depth (an embedded object has its own).
pub fn carries_macros<'a>(entry_names: impl IntoIterator<Item = &'a str>) -> bool {
    entry_names.into_iter().any(|name| {
        let name = name.to_ascii_lowercase().replace('\\', "/");
        let folders = name.rsplit_once('/').map(|(folders, _)| folders).unwrap_or("");
        name.ends_with("vbaproject.bin") || folders.split('/').any(|folder| matches!(folder, "basic" | "scripts"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_files_match_their_extension() {
        assert!(check_signature("pdf", b"%PDF-1.7\n%\xE2\xE3").is_ok());
        assert!(check_signature("jpg", &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]).is_ok());
        assert!(check_signature("jpeg", &[0xFF, 0xD8, 0xFF, 0xE1]).is_ok());
        assert!(check_signature("gif", b"GIF89a\x01\x00").is_ok());
        assert!(check_signature("tiff", b"II*\0\x08\0").is_ok());
        assert!(check_signature("docx", b"PK\x03\x04\x14\0").is_ok());
        assert!(check_signature("ods", b"PK\x03\x04\x14\0").is_ok());
        assert!(check_signature("xls", OLE2).is_ok());
        assert!(check_signature("txt", "Compte rendu de la réunion\r\n\tpoint 1".as_bytes()).is_ok());
    }

    #[test]
    fn renamed_or_dangerous_content_is_refused() {
        let executable = b"MZ\x90\0\x03\0\0\0\x04\0";
        let elf = b"\x7fELF\x02\x01\x01";
        let page = b"<!DOCTYPE html><html><script>alert(1)</script>";
        assert!(check_signature("pdf", executable).is_err());
        assert!(check_signature("pdf", elf).is_err());
        assert!(check_signature("jpg", page).is_err());
        assert!(check_signature("txt", b"  <html><body>").is_err());
        assert!(check_signature("txt", executable).is_err());
        assert!(check_signature("docx", b"%PDF-1.4").is_err());
        let empty = check_signature("pdf", b"").unwrap_err();
        assert_eq!(empty, "Le fichier est vide.");
        assert!(check_signature("jpg", page).unwrap_err().contains("ne correspond pas à un fichier .jpg"));
    }

    #[test]
    fn office_macros_are_found_by_their_parts() {
        assert!(carries_macros(["[Content_Types].xml", "word/document.xml", "word/vbaProject.bin"]));
        assert!(carries_macros(["xl/vbaProject.bin"]));
        assert!(carries_macros(["content.xml", "Basic/Standard/Module1.xml"]));
        assert!(carries_macros(["Scripts/python/macro.py"]));
        assert!(carries_macros(["Object 1/Basic/Standard/Module1.xml"]));
        assert!(carries_macros(["word\\sub\\vbaProject.bin"]));
        assert!(!carries_macros(["[Content_Types].xml", "word/document.xml", "docProps/app.xml"]));
        assert!(!carries_macros(["content.xml", "styles.xml", "Pictures/basic.png"]));
    }
}
