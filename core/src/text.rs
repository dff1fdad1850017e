//! How French text is compared: headers of imported files, keywords, searches, a password
//! against its account's identifier. Plain Rust shared by the browser and the server.

/// Lowercase, without accents or surrounding spaces: how headers, keywords and searches are
/// compared. Written for French text (ASCII and Latin-1 letters, Œ, Æ, Ÿ; letters of other
/// scripts stay as they are) rather than with `str::to_lowercase`, whose Unicode tables would
/// add 6 KB to the WASM of every page: the tree's search uses this same rule in the browser.
pub fn folded(text: &str) -> String {
    text.trim()
        .chars()
        .map(|c| match c {
            'A'..='Z' => c.to_ascii_lowercase(),
            'à' | 'â' | 'ä' | 'À' | 'Â' | 'Ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => 'e',
            'î' | 'ï' | 'Î' | 'Ï' => 'i',
            'ô' | 'ö' | 'Ô' | 'Ö' => 'o',
            'ù' | 'û' | 'ü' | 'Ù' | 'Û' | 'Ü' => 'u',
            'ç' | 'Ç' => 'c',
            'Œ' => 'œ',
            'Æ' => 'æ',
            'Ÿ' => 'ÿ',
            // The other capitals of Latin-1 (Á, Ñ, Ø...): their small letter comes 0x20 later.
            '\u{c0}'..='\u{de}' if c != '×' => char::from_u32(u32::from(c) + 0x20).unwrap_or(c),
            other => other,
        })
        .collect()
}

/// A count as French text writes it, thousands apart: `3 000`, `100 000` (a narrow no-break
/// space between the groups, so that a number is never cut at the end of a line).
pub fn thousands(count: u64) -> String {
    let digits = count.to_string();
    let mut text = String::with_capacity(digits.len() * 2);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            text.push('\u{202f}');
        }
        text.push(digit);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_lowers_french_capitals_and_drops_their_accents() {
        assert_eq!(folded("  ÉLÈVE Être Œuvre ÇA Noël "), "eleve etre œuvre ca noel");
        assert_eq!(folded("ÁÑØ Ÿ ×"), "áñø ÿ ×");
        assert_eq!(folded("Type de VALEUR"), folded("type de valeur"));
    }

    #[test]
    fn counts_are_grouped_by_thousands() {
        assert_eq!(thousands(7), "7");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(3000), "3\u{202f}000");
        assert_eq!(thousands(1_234_567), "1\u{202f}234\u{202f}567");
    }
}
