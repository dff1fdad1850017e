//! FINESS numbers and the French départements and régions they belong to, shared by the browser
//! and the server.

use serde::{Deserialize, Serialize};

/// A FINESS number: 9 characters, the first two the département (two digits, or Corsica's `2A`
/// and `2B`), then 7 digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FinessNumber(String);

impl FinessNumber {
    pub fn parse(input: &str) -> Result<Self, String> {
        let number = input.trim().to_ascii_uppercase();
        let bytes = number.as_bytes();
        let well_formed = bytes.len() == 9
            && (bytes[..2].iter().all(u8::is_ascii_digit) || matches!(&bytes[..2], b"2A" | b"2B"))
            && bytes[2..].iter().all(u8::is_ascii_digit);
        if well_formed {
            Ok(FinessNumber(number))
        } else {
            Err(format!(
                "« {} » n'est pas un numéro FINESS : 9 caractères, des chiffres (2A ou 2B en tête pour la Corse).",
                input.trim().chars().take(40).collect::<String>()
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The département the number was given in (`38`, `2A`; overseas numbers start with `97`).
    pub fn departement(&self) -> &str {
        &self.0[..2]
    }
}

/// FINESS numbers as typed in a form: separated by lines, commas, semicolons or spaces; each
/// checked, each once, in the order typed, at most `max` (`what` names them in the refusal).
pub fn parse_finess_list(typed: &str, max: usize, what: &str) -> Result<Vec<String>, String> {
    let mut numbers: Vec<String> = Vec::new();
    for piece in typed.split(|c: char| c == ',' || c == ';' || c.is_whitespace()).filter(|piece| !piece.is_empty()) {
        let number = FinessNumber::parse(piece)?.as_str().to_owned();
        if !numbers.contains(&number) {
            numbers.push(number);
        }
        if numbers.len() > max {
            return Err(format!("{max} {what} au plus."));
        }
    }
    Ok(numbers)
}

impl std::fmt::Display for FinessNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A région and the département codes FINESS writes for it (overseas: `9A`..`9F` in the
/// extracts, `971`..`976` elsewhere).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    pub name: &'static str,
    pub departements: &'static [&'static str],
}

pub const REGIONS: [Region; 18] = [
    Region {
        name: "Auvergne-Rhône-Alpes",
        departements: &["01", "03", "07", "15", "26", "38", "42", "43", "63", "69", "73", "74"],
    },
    Region { name: "Bourgogne-Franche-Comté", departements: &["21", "25", "39", "58", "70", "71", "89", "90"] },
    Region { name: "Bretagne", departements: &["22", "29", "35", "56"] },
    Region { name: "Centre-Val de Loire", departements: &["18", "28", "36", "37", "41", "45"] },
    Region { name: "Corse", departements: &["2A", "2B"] },
    Region { name: "Grand Est", departements: &["08", "10", "51", "52", "54", "55", "57", "67", "68", "88"] },
    Region { name: "Hauts-de-France", departements: &["02", "59", "60", "62", "80"] },
    Region { name: "Île-de-France", departements: &["75", "77", "78", "91", "92", "93", "94", "95"] },
    Region { name: "Normandie", departements: &["14", "27", "50", "61", "76"] },
    Region {
        name: "Nouvelle-Aquitaine",
        departements: &["16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87"],
    },
    Region {
        name: "Occitanie",
        departements: &["09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82"],
    },
    Region { name: "Pays de la Loire", departements: &["44", "49", "53", "72", "85"] },
    Region { name: "Provence-Alpes-Côte d'Azur", departements: &["04", "05", "06", "13", "83", "84"] },
    Region { name: "Guadeloupe", departements: &["9A"] },
    Region { name: "Martinique", departements: &["9B"] },
    Region { name: "Guyane", departements: &["9C"] },
    Region { name: "La Réunion", departements: &["9D"] },
    Region { name: "Mayotte", departements: &["9F"] },
];

/// The région named `name` exactly.
pub fn region_named(name: &str) -> Option<&'static Region> {
    REGIONS.iter().find(|region| region.name == name)
}

/// The région of a département code as FINESS writes it (`01`..`95`, `2A`, `2B`, and overseas
/// `9A`..`9F` or `971`..`976`); `20`, Corsica before 1976, is still met in old files.
pub fn region_of(departement: &str) -> Option<&'static str> {
    let code = canonical_departement(departement);
    let code = if code == "20" { "2A".to_owned() } else { code };
    REGIONS.iter().find(|region| region.departements.contains(&code.as_str())).map(|region| region.name)
}

/// Département codes as typed in a list (`"21, 25 39;2a"`): each canonical (`2A`), each once, in
/// the order typed. Whether they exist, or are a région's, is for the caller to check.
pub fn departement_codes(typed: &str) -> Vec<String> {
    let mut codes: Vec<String> = Vec::new();
    for code in typed.split([',', ';', ' ']).map(str::trim).filter(|code| !code.is_empty()) {
        let code = canonical_departement(code);
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    codes
}

/// `971` is written `9A` in the FINESS extracts, and so on: one spelling for each département.
pub fn canonical_departement(departement: &str) -> String {
    let code = departement.trim().to_ascii_uppercase();
    match code.as_str() {
        "971" => "9A",
        "972" => "9B",
        "973" => "9C",
        "974" => "9D",
        "976" => "9F",
        other => other,
    }
    .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finess_numbers_are_nine_digits_or_corsica() {
        assert_eq!(FinessNumber::parse(" 380780080 ").unwrap().as_str(), "380780080");
        assert_eq!(FinessNumber::parse("2a0000123").unwrap().as_str(), "2A0000123");
        assert_eq!(FinessNumber::parse("2B0000123").unwrap().departement(), "2B");
        assert_eq!(FinessNumber::parse("970100012").unwrap().departement(), "97");
        for bad in ["38078008", "3807800801", "38A780080", "2C0000123", "", "３80780080"] {
            let refused = FinessNumber::parse(bad).unwrap_err();
            assert!(refused.contains("n'est pas un numéro FINESS"), "{bad}: {refused}");
        }
    }

    #[test]
    fn every_metropolitan_departement_has_its_region() {
        let mut count = 0;
        for number in 1..=95 {
            if number == 20 {
                continue;
            }
            assert!(region_of(&format!("{number:02}")).is_some(), "{number:02}");
            count += 1;
        }
        assert_eq!(count + 2, 96, "with 2A and 2B");
        assert_eq!(region_of("2A"), Some("Corse"));
        assert_eq!(region_of("38"), Some("Auvergne-Rhône-Alpes"));
        assert_eq!(region_of("9D"), Some("La Réunion"));
        assert_eq!(region_of("99"), None);
    }
}
