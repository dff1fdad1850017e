//! What may be saved as an answer, shared by the browser (checks before sending) and the
//! server (which enforces it): "Réalisé" per kind of question, the comment, "Non concerné".

use crate::vocabulary::ValueKind;

/// Longest free text accepted for "Réalisé" or a comment.
pub const MAX_TEXT: usize = 4000;

/// A validated answer, in the form it is stored and shown back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerValue {
    pub not_concerned: bool,
    /// `None` exactly when "Non concerné" is ticked.
    pub achieved: Option<String>,
    pub comment: Option<String>,
}

impl AnswerValue {
    /// "Non concerné" makes "Réalisé" irrelevant (the field is disabled); otherwise it is required.
    pub fn parse(kind: ValueKind, not_concerned: bool, achieved: &str, comment: &str) -> Result<Self, String> {
        let achieved = if not_concerned { None } else { Some(parse_achieved(kind, achieved)?) };
        Ok(AnswerValue { not_concerned, achieved, comment: parse_comment(comment)? })
    }
}

/// Checks "Réalisé" for its kind and normalises it: "oui" is "Oui", "12.5" is "12,5".
pub fn parse_achieved(kind: ValueKind, input: &str) -> Result<String, String> {
    let input = input.trim();
    if input.is_empty() {
        return Err("Veuillez renseigner la valeur réalisée, ou cocher « Non concerné ».".to_owned());
    }
    match kind {
        ValueKind::YesNo if input.eq_ignore_ascii_case("oui") => Ok("Oui".to_owned()),
        ValueKind::YesNo if input.eq_ignore_ascii_case("non") => Ok("Non".to_owned()),
        ValueKind::YesNo => Err("Veuillez choisir Oui ou Non.".to_owned()),
        ValueKind::Percentage => {
            let number = input.strip_suffix('%').unwrap_or(input);
            let text = parse_decimal(number)
                .ok_or_else(|| "Veuillez saisir un pourcentage entre 0 et 100 (exemple : 12,5).".to_owned())?;
            if within_0_and_100(&text) {
                Ok(text)
            } else {
                Err("Un pourcentage est compris entre 0 et 100.".to_owned())
            }
        }
        ValueKind::Number => {
            parse_decimal(input).ok_or_else(|| "Veuillez saisir un nombre (exemple : 1250 ou 12,5).".to_owned())
        }
        ValueKind::Text => check_length(input).map(str::to_owned),
    }
}

/// A national indicator's value as the ministry sends it. A percentage there is often a rate of
/// change ("-5 %" of spending), so it may be below 0 or above 100; otherwise as [`parse_achieved`].
pub fn parse_national_value(kind: ValueKind, input: &str) -> Result<String, String> {
    match kind {
        ValueKind::Percentage => {
            let input = input.trim();
            let number = input.strip_suffix('%').unwrap_or(input);
            parse_decimal(number)
                .ok_or_else(|| "la valeur n'est pas un pourcentage (exemple : -4,5 ou 12,5 %)".to_owned())
        }
        other => parse_achieved(other, input),
    }
}

/// "Réalisé" as receipts and printouts show it: the value, "Non concerné" or "Non renseigné".
pub fn shown_achieved(answer: Option<(bool, Option<&str>)>) -> String {
    match answer {
        Some((true, _)) => "Non concerné".to_owned(),
        Some((false, Some(achieved))) if !achieved.trim().is_empty() => achieved.to_owned(),
        _ => "Non renseigné".to_owned(),
    }
}

/// The comment is optional; blank means none.
pub fn parse_comment(input: &str) -> Result<Option<String>, String> {
    let input = input.trim();
    if input.is_empty() {
        return Ok(None);
    }
    check_length(input).map(|text| Some(text.to_owned()))
}

fn check_length(text: &str) -> Result<&str, String> {
    if text.chars().count() > MAX_TEXT {
        Err(format!("Le texte est trop long ({MAX_TEXT} caractères au plus)."))
    } else {
        Ok(text)
    }
}

/// The value of a stored number or percentage ("12,5", "75 %"), if it is one.
pub fn decimal_value(text: &str) -> Option<f64> {
    let text = text.trim();
    parse_decimal(text.strip_suffix('%').unwrap_or(text).trim_end())
        .and_then(|text| text.replace(',', ".").parse().ok())
}

/// A decimal number as French users type it: comma or dot, spaces between thousands.
/// Returns it normalised (comma, no spaces). Checked by its characters alone, as is the range
/// of a percentage: the browser, which checks answers with these same rules, then carries no
/// float parsing (its tables are 10 KB of WASM).
fn parse_decimal(input: &str) -> Option<String> {
    let compact: String = input.chars().filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}')).collect();
    let unsigned = compact.strip_prefix('-').unwrap_or(&compact);
    let (whole, fraction) = match unsigned.split_once([',', '.']) {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (unsigned, None),
    };
    let digits = |part: &str| !part.is_empty() && part.len() <= 15 && part.chars().all(|c| c.is_ascii_digit());
    if !digits(whole) || fraction.is_some_and(|fraction| !digits(fraction)) {
        return None;
    }
    Some(compact.replace('.', ","))
}

/// Whether a number normalised by [`parse_decimal`] lies between 0 and 100 (-0 is 0).
fn within_0_and_100(number: &str) -> bool {
    let (negative, unsigned) = match number.strip_prefix('-') {
        Some(unsigned) => (true, unsigned),
        None => (false, number),
    };
    let (whole, fraction) = unsigned.split_once(',').unwrap_or((unsigned, ""));
    let whole = whole.trim_start_matches('0');
    let no_fraction = fraction.chars().all(|c| c == '0');
    match negative {
        true => whole.is_empty() && no_fraction,
        false => whole.len() < 3 || (whole == "100" && no_fraction),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_accept_comma_or_dot_between_0_and_100() {
        assert_eq!(parse_achieved(ValueKind::Percentage, "12,5"), Ok("12,5".to_owned()));
        assert_eq!(parse_achieved(ValueKind::Percentage, " 12.5 "), Ok("12,5".to_owned()));
        assert_eq!(parse_achieved(ValueKind::Percentage, "100 %"), Ok("100".to_owned()));
        assert_eq!(parse_achieved(ValueKind::Percentage, "0"), Ok("0".to_owned()));
        assert!(parse_achieved(ValueKind::Percentage, "150").unwrap_err().contains("entre 0 et 100"));
        assert!(parse_achieved(ValueKind::Percentage, "-1").is_err());
        for bad in ["", "  ", "abc", "12,5,3", "1e2", "NaN", "inf", ",5", "12,"] {
            assert!(parse_achieved(ValueKind::Percentage, bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_range_of_a_percentage_is_read_from_its_digits() {
        for inside in ["100,000", "099,99", "0,0001", "-0", "-0,00", "007", "99,999999"] {
            assert!(parse_achieved(ValueKind::Percentage, inside).is_ok(), "{inside:?}");
        }
        for outside in ["100,001", "-0,01", "-5", "101", "1000", "0100,5"] {
            assert!(parse_achieved(ValueKind::Percentage, outside).is_err(), "{outside:?}");
        }
        assert_eq!(decimal_value("12,5 %"), Some(12.5));
        assert_eq!(decimal_value("-1 250,75"), Some(-1250.75));
        assert_eq!(decimal_value("douze"), None);
    }

    #[test]
    fn yes_or_no_whatever_the_case() {
        assert_eq!(parse_achieved(ValueKind::YesNo, " OUI "), Ok("Oui".to_owned()));
        assert_eq!(parse_achieved(ValueKind::YesNo, "nOn"), Ok("Non".to_owned()));
        assert!(parse_achieved(ValueKind::YesNo, "ouii").is_err());
    }

    #[test]
    fn national_percentages_are_rates_of_change_of_any_sign() {
        assert_eq!(parse_national_value(ValueKind::Percentage, "-4.5 %"), Ok("-4,5".to_owned()));
        assert_eq!(parse_national_value(ValueKind::Percentage, "150"), Ok("150".to_owned()));
        assert!(parse_national_value(ValueKind::Percentage, "baisse").is_err());
        assert_eq!(parse_national_value(ValueKind::YesNo, "oui"), Ok("Oui".to_owned()));
        assert!(parse_national_value(ValueKind::Number, "").is_err());
    }

    #[test]
    fn numbers_accept_french_writing() {
        assert_eq!(parse_achieved(ValueKind::Number, "1 250"), Ok("1250".to_owned()));
        assert_eq!(parse_achieved(ValueKind::Number, "-3.75"), Ok("-3,75".to_owned()));
        assert!(parse_achieved(ValueKind::Number, "douze").is_err());
        assert!(parse_achieved(ValueKind::Number, "").is_err());
    }

    #[test]
    fn yes_no_and_text() {
        assert_eq!(parse_achieved(ValueKind::YesNo, "oui"), Ok("Oui".to_owned()));
        assert_eq!(parse_achieved(ValueKind::YesNo, "NON"), Ok("Non".to_owned()));
        assert!(parse_achieved(ValueKind::YesNo, "peut-être").is_err());
        assert_eq!(parse_achieved(ValueKind::Text, "  Plan validé  "), Ok("Plan validé".to_owned()));
        assert!(parse_achieved(ValueKind::Text, &"é".repeat(MAX_TEXT + 1)).is_err());
        assert!(parse_achieved(ValueKind::Text, &"é".repeat(MAX_TEXT)).is_ok());
    }

    #[test]
    fn not_concerned_needs_no_value_and_drops_any() {
        let answer = AnswerValue::parse(ValueKind::Percentage, true, "150", "").unwrap();
        assert_eq!(answer, AnswerValue { not_concerned: true, achieved: None, comment: None });
        assert!(super::super::rules::is_answered(answer.not_concerned, answer.achieved.as_deref()));
        assert!(AnswerValue::parse(ValueKind::Percentage, false, "", "commentaire").is_err());
        let with_comment = AnswerValue::parse(ValueKind::Number, false, "3", "  Trois sites  ").unwrap();
        assert_eq!(with_comment.comment.as_deref(), Some("Trois sites"));
    }
}
