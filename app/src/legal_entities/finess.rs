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

impl std::fmt::Display for FinessNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The région of a département code as FINESS writes it (`01`..`95`, `2A`, `2B`, and overseas
/// `9A`..`9F` or `971`..`976`).
pub fn region_of(departement: &str) -> Option<&'static str> {
    const ARA: &str = "Auvergne-Rhône-Alpes";
    const BFC: &str = "Bourgogne-Franche-Comté";
    const BRE: &str = "Bretagne";
    const CVL: &str = "Centre-Val de Loire";
    const COR: &str = "Corse";
    const GES: &str = "Grand Est";
    const HDF: &str = "Hauts-de-France";
    const IDF: &str = "Île-de-France";
    const NOR: &str = "Normandie";
    const NAQ: &str = "Nouvelle-Aquitaine";
    const OCC: &str = "Occitanie";
    const PDL: &str = "Pays de la Loire";
    const PAC: &str = "Provence-Alpes-Côte d'Azur";
    let code = departement.trim().to_ascii_uppercase();
    Some(match code.as_str() {
        "01" | "03" | "07" | "15" | "26" | "38" | "42" | "43" | "63" | "69" | "73" | "74" => ARA,
        "21" | "25" | "39" | "58" | "70" | "71" | "89" | "90" => BFC,
        "22" | "29" | "35" | "56" => BRE,
        "18" | "28" | "36" | "37" | "41" | "45" => CVL,
        "2A" | "2B" | "20" => COR,
        "08" | "10" | "51" | "52" | "54" | "55" | "57" | "67" | "68" | "88" => GES,
        "02" | "59" | "60" | "62" | "80" => HDF,
        "75" | "77" | "78" | "91" | "92" | "93" | "94" | "95" => IDF,
        "14" | "27" | "50" | "61" | "76" => NOR,
        "16" | "17" | "19" | "23" | "24" | "33" | "40" | "47" | "64" | "79" | "86" | "87" => NAQ,
        "09" | "11" | "12" | "30" | "31" | "32" | "34" | "46" | "48" | "65" | "66" | "81" | "82" => OCC,
        "44" | "49" | "53" | "72" | "85" => PDL,
        "04" | "05" | "06" | "13" | "83" | "84" => PAC,
        "9A" | "971" => "Guadeloupe",
        "9B" | "972" => "Martinique",
        "9C" | "973" => "Guyane",
        "9D" | "974" => "La Réunion",
        "9F" | "976" => "Mayotte",
        _ => return None,
    })
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
