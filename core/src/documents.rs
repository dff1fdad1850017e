//! What a document may be called and which formats are accepted, shared by the browser (checked
//! before upload, and shown to the user) and the server (checked again, with the content).

/// The extensions of DOMAIN.md, in the order the page lists them.
pub const ACCEPTED_EXTENSIONS: [&str; 21] = [
    "txt", "xls", "xlsx", "xlm", "doc", "docx", "pdf", "ppt", "pptx", "zip", "jpg", "jpeg", "tiff", "gif", "odt",
    "odg", "odp", "ods", "odf", "dot", "dotx",
];

/// Longest displayed name kept, in characters (the extension always survives the cut).
const MAX_NAME_CHARS: usize = 120;

/// "Formats acceptés : txt, xls, ..." as shown before upload.
pub fn accepted_formats_label() -> String {
    format!("Formats acceptés : {}.", ACCEPTED_EXTENSIONS.join(", "))
}

/// "1,5 Mo", "50 Mo": sizes as French users read them.
pub fn megabytes(bytes: u64) -> String {
    let tenths = (bytes * 10).div_ceil(1024 * 1024);
    match tenths % 10 {
        0 => format!("{} Mo", tenths / 10),
        rest => format!("{},{rest} Mo", tenths / 10),
    }
}

/// Why a file over the limit is refused, in the browser before sending or by the server.
pub fn too_big_message(max_bytes: u64) -> String {
    format!("Le fichier dépasse la taille maximale de {} : il n'a pas été enregistré.", megabytes(max_bytes))
}

/// A document's name as typed by the user's system, made safe to display and to send back in a
/// download: no folder, no control or direction-changing characters, a bounded length, and one
/// of the accepted extensions (lower-cased).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentName {
    pub display: String,
    pub extension: &'static str,
}

impl DocumentName {
    pub fn parse(raw: &str) -> Result<Self, String> {
        // Only the last part of a path: "C:\Users\x\rapport.pdf" or "../../etc/passwd".
        let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
        let cleaned: String = base.chars().filter(|c| !is_hidden_or_control(*c)).collect();
        let cleaned = cleaned.trim().trim_start_matches('.').trim();
        let refused = || {
            format!(
                "Ce type de fichier n'est pas accepté ({}). {}",
                if base.is_empty() { "fichier sans nom".to_owned() } else { format!("« {} »", cleaned) },
                accepted_formats_label()
            )
        };
        let (stem, extension) = cleaned.rsplit_once('.').ok_or_else(refused)?;
        let extension = extension.to_ascii_lowercase();
        let extension = ACCEPTED_EXTENSIONS.into_iter().find(|accepted| *accepted == extension).ok_or_else(refused)?;
        let stem: String = stem.trim().chars().take(MAX_NAME_CHARS - extension.len() - 1).collect();
        Ok(DocumentName { display: format!("{}.{extension}", stem.trim_end()), extension })
    }
}

/// Control characters, and the invisible ones that reorder or hide text ("rapport\u{202E}fdp.exe"
/// would show as "rapportexe.pdf").
fn is_hidden_or_control(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_in_megabytes() {
        assert_eq!(megabytes(50 * 1024 * 1024), "50 Mo");
        assert_eq!(megabytes(1024 * 1024 + 512 * 1024), "1,5 Mo");
    }

    #[test]
    fn accepted_names_keep_their_name_and_a_lower_case_extension() {
        for (raw, display) in [
            ("rapport.pdf", "rapport.pdf"),
            ("Rapport Évaluation 2024.PDF", "Rapport Évaluation 2024.pdf"),
            ("C:\\Users\\qualite\\Bureau\\audit.docx", "audit.docx"),
            ("photos.tar.zip", "photos.tar.zip"),
        ] {
            assert_eq!(DocumentName::parse(raw).map(|name| name.display), Ok(display.to_owned()), "{raw}");
        }
    }

    #[test]
    fn refused_names_say_what_is_accepted() {
        for raw in ["../../etc/passwd", "a.pdf.exe", "script.html", "sans-extension", "", "rapport.pdf/", ".pdf"] {
            let error = DocumentName::parse(raw).unwrap_err();
            assert!(error.contains("Formats acceptés : txt, xls"), "{raw}: {error}");
        }
    }

    #[test]
    fn hidden_characters_and_long_names_are_cleaned() {
        assert_eq!(DocumentName::parse("rap\0port\r\n.pdf").unwrap().display, "rapport.pdf");
        // Right-to-left override: shown as "rapportexe.pdf", really an executable.
        assert!(DocumentName::parse("rapport\u{202E}fdp.exe").is_err());
        assert_eq!(DocumentName::parse("rapport\u{202E}.pdf").unwrap().display, "rapport.pdf");
        let long = DocumentName::parse(&format!("{}.pdf", "a".repeat(300))).unwrap();
        assert_eq!(long.display.chars().count(), MAX_NAME_CHARS);
        assert!(long.display.ends_with(".pdf"));
    }
}
