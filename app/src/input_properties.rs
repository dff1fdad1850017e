//! Property tests of every parser of user input: whatever is typed or sent, none panics, and
//! what one accepts comes back the same when parsed again (what is stored can be read back).

use ecars_core::contacts::PhoneNumber;
use ecars_core::documents::DocumentName;
use ecars_core::email::EmailAddress;
use ecars_core::evaluation::values::{parse_achieved, parse_comment, AnswerValue};
use ecars_core::finess::FinessNumber;
use ecars_core::password::PasswordCheck;
use ecars_core::vocabulary::ValueKind;
use proptest::prelude::*;

use crate::accounts::web::return_path;
use crate::administration::finess_file::FinessLines;

/// Any text, with a bias towards what parsers find hard: separators, controls, direction marks,
/// accents, emoji and percent signs.
fn hostile_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ -~]{0,80}",
        proptest::collection::vec(
            prop_oneof![
                Just("/".to_owned()),
                Just("\\".to_owned()),
                Just(".".to_owned()),
                Just("@".to_owned()),
                Just("%".to_owned()),
                Just("\t".to_owned()),
                Just("\r\n".to_owned()),
                Just("\u{202E}".to_owned()),
                Just("\u{FEFF}".to_owned()),
                Just("é".to_owned()),
                Just("😀".to_owned()),
                Just("+33".to_owned()),
                Just(",".to_owned()),
                Just("pdf".to_owned()),
                "[a-zA-Z0-9]{1,6}",
            ],
            0..24,
        )
        .prop_map(|parts| parts.concat()),
    ]
}

fn value_kind() -> impl Strategy<Value = ValueKind> {
    prop_oneof![Just(ValueKind::YesNo), Just(ValueKind::Percentage), Just(ValueKind::Number), Just(ValueKind::Text)]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn document_names_are_safe_and_stable(raw in hostile_text()) {
        if let Ok(name) = DocumentName::parse(&raw) {
            prop_assert!(!name.display.contains(['/', '\\']));
            prop_assert!(!name.display.chars().any(char::is_control));
            let suffix = format!(".{}", name.extension);
            prop_assert!(name.display.ends_with(&suffix));
            prop_assert_eq!(DocumentName::parse(&name.display), Ok(name.clone()));
        }
    }

    #[test]
    fn emails_round_trip(raw in hostile_text(), local in "[a-z0-9._-]{1,20}", domain in "[a-z0-9-]{1,20}\\.[a-z]{2,6}") {
        if let Ok(email) = EmailAddress::parse(&raw) {
            prop_assert_eq!(EmailAddress::parse(email.as_str()), Ok(email.clone()));
            prop_assert!(!email.as_str().chars().any(|c| c.is_whitespace() || c.is_control()));
        }
        let typed = format!("{local}@{domain}");
        prop_assert!(EmailAddress::parse(&typed).is_ok(), "{}", typed);
    }

    #[test]
    fn phones_round_trip_in_the_grouped_form(raw in hostile_text(), digits in "0[1-9][0-9]{8}") {
        if let Ok(phone) = PhoneNumber::parse(&raw) {
            prop_assert_eq!(PhoneNumber::parse(phone.as_str()), Ok(phone.clone()));
            prop_assert_eq!(phone.as_str().len(), 14);
        }
        let grouped = PhoneNumber::parse(&digits).unwrap();
        prop_assert_eq!(grouped.as_str().replace(' ', ""), digits);
    }

    #[test]
    fn answer_values_round_trip(kind in value_kind(), not_concerned in any::<bool>(), achieved in hostile_text(), comment in hostile_text()) {
        if let Ok(value) = AnswerValue::parse(kind, not_concerned, &achieved, &comment) {
            let again = AnswerValue::parse(
                kind,
                value.not_concerned,
                value.achieved.as_deref().unwrap_or(""),
                value.comment.as_deref().unwrap_or(""),
            );
            prop_assert_eq!(again, Ok(value));
        }
        if let Ok(normalised) = parse_achieved(kind, &achieved) {
            prop_assert_eq!(parse_achieved(kind, &normalised), Ok(normalised.clone()));
        }
        let _ = parse_comment(&comment);
    }

    #[test]
    fn numbers_of_any_size_never_panic(number in any::<f64>(), digits in "[0-9]{1,400}") {
        for text in [number.to_string(), digits.clone(), format!("{digits},{digits}"), format!("-{digits}")] {
            let _ = parse_achieved(ValueKind::Number, &text);
            let _ = parse_achieved(ValueKind::Percentage, &text);
        }
    }

    #[test]
    fn finess_numbers_round_trip(raw in hostile_text(), digits in "[0-9]{9}") {
        if let Ok(number) = FinessNumber::parse(&raw) {
            prop_assert_eq!(FinessNumber::parse(number.as_str()), Ok(number.clone()));
            prop_assert_eq!(number.as_str().len(), 9);
        }
        prop_assert!(FinessNumber::parse(&digits).is_ok());
    }

    #[test]
    fn finess_lines_of_any_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600), text in hostile_text()) {
        for line in FinessLines::new(bytes.as_slice()).chain(FinessLines::new(text.as_bytes())) {
            prop_assert!(line.is_ok());
        }
    }

    #[test]
    fn return_paths_stay_on_the_portal(target in hostile_text()) {
        let path = return_path(Some(&target));
        prop_assert!(path.starts_with('/') && !path.starts_with("//"), "{:?} gave {:?}", target, path);
        prop_assert!(axum::http::HeaderValue::from_str(&path).is_ok());
        prop_assert!(!path.contains(['\\', '\t', '\r', '\n']));
        prop_assert_eq!(return_path(Some(&path)), path.clone());
    }

    #[test]
    fn the_password_rule_never_panics_and_is_monotonic(password in hostile_text(), identifier in hostile_text()) {
        let check = PasswordCheck::of(&password, &identifier);
        prop_assert_eq!(check.is_valid(), check.refusal().is_none());
        // A valid password stays valid when checked against an empty identifier.
        if check.is_valid() {
            prop_assert!(PasswordCheck::of(&password, "").is_valid());
        }
    }
}
