//! What makes a contact savable, shared by the browser and the server.

use serde::{Deserialize, Serialize};

use crate::email::EmailAddress;

/// A contract's administrative contact, as its list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactRow {
    pub id: i32,
    pub function: String,
    pub last_name: Option<String>,
    pub first_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub mandatory: bool,
    /// Confirmed by the establishment in this self-evaluation (saved, even unchanged).
    pub updated: bool,
}

impl ContactRow {
    /// A mandatory contact not yet confirmed in this self-evaluation: closing waits for it.
    pub fn blocks_closing(&self) -> bool {
        self.mandatory && !self.updated
    }
}

/// A French phone number, kept as "01 23 45 67 89" whatever the user typed
/// ("0123456789", "01.23.45.67.89", "+33 1 23 45 67 89" ...).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let input = input.trim();
        if input.is_empty() {
            return Err("Veuillez saisir un numéro de téléphone.");
        }
        let invalid = "Le numéro de téléphone n'est pas valide : 10 chiffres commençant par 0 \
                       (exemple : 01 23 45 67 89) ou +33 suivi de 9 chiffres.";
        let (international, rest) = match input.strip_prefix("+33") {
            Some(rest) => (true, rest),
            None => (false, input),
        };
        if rest.chars().any(|c| !(c.is_ascii_digit() || matches!(c, ' ' | '.' | '-'))) {
            return Err(invalid);
        }
        let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
        let national = match (international, digits.len()) {
            // "+33 1 23 45 67 89" is "01 23 45 67 89"; "+33 0 1..." is not a number.
            (true, 9) if !digits.starts_with('0') => format!("0{digits}"),
            (false, 10) if digits.starts_with('0') => digits,
            _ => return Err(invalid),
        };
        let grouped: Vec<&str> = (0..5).map(|pair| &national[pair * 2..pair * 2 + 2]).collect();
        Ok(PhoneNumber(grouped.join(" ")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What the contact form sends, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactInput {
    pub last_name: String,
    pub first_name: String,
    pub email: String,
    pub phone: String,
}

/// A contact whose every field is filled and valid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidContact {
    pub last_name: String,
    pub first_name: String,
    pub email: EmailAddress,
    pub phone: PhoneNumber,
}

/// The fields of the contact form, in the order the form shows them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ContactField {
    LastName,
    FirstName,
    Email,
    Phone,
}

impl ContactField {
    pub const ALL: [ContactField; 4] =
        [ContactField::LastName, ContactField::FirstName, ContactField::Email, ContactField::Phone];

    pub fn label(self) -> &'static str {
        match self {
            ContactField::LastName => "Nom",
            ContactField::FirstName => "Prénom",
            ContactField::Email => "Email",
            ContactField::Phone => "Téléphone",
        }
    }

    /// The form's field name (the server function's argument), also its element id.
    pub fn name(self) -> &'static str {
        match self {
            ContactField::LastName => "last_name",
            ContactField::FirstName => "first_name",
            ContactField::Email => "email",
            ContactField::Phone => "phone",
        }
    }
}

/// What is wrong with each field of a refused form.
pub type FieldErrors = Vec<(ContactField, String)>;

/// Longest name kept: longer is a paste accident, not a name.
const MAX_NAME_LENGTH: usize = 100;

fn name(field: ContactField, input: &str) -> Result<String, String> {
    let value = input.trim();
    if value.is_empty() {
        return Err(format!("Veuillez saisir le champ « {} ».", field.label()));
    }
    if value.chars().count() > MAX_NAME_LENGTH || value.chars().any(char::is_control) {
        return Err(format!(
            "Le champ « {} » n'est pas valide (100 caractères au plus, sur une ligne).",
            field.label()
        ));
    }
    Ok(value.to_owned())
}

impl ContactInput {
    /// Every field is required; the errors list each field that is missing or malformed.
    pub fn validate(&self) -> Result<ValidContact, FieldErrors> {
        let last_name = name(ContactField::LastName, &self.last_name);
        let first_name = name(ContactField::FirstName, &self.first_name);
        let email = EmailAddress::parse(&self.email).map_err(str::to_owned);
        let phone = PhoneNumber::parse(&self.phone).map_err(str::to_owned);
        match (last_name, first_name, email, phone) {
            (Ok(last_name), Ok(first_name), Ok(email), Ok(phone)) => {
                Ok(ValidContact { last_name, first_name, email, phone })
            }
            (last_name, first_name, email, phone) => Err([
                (ContactField::LastName, last_name.err()),
                (ContactField::FirstName, first_name.err()),
                (ContactField::Email, email.err()),
                (ContactField::Phone, phone.err()),
            ]
            .into_iter()
            .filter_map(|(field, error)| error.map(|error| (field, error)))
            .collect()),
        }
    }

    pub fn field(&self, field: ContactField) -> &str {
        match field {
            ContactField::LastName => &self.last_name,
            ContactField::FirstName => &self.first_name,
            ContactField::Email => &self.email,
            ContactField::Phone => &self.phone,
        }
    }

    pub fn field_mut(&mut self, field: ContactField) -> &mut String {
        match field {
            ContactField::LastName => &mut self.last_name,
            ContactField::FirstName => &mut self.first_name,
            ContactField::Email => &mut self.email,
            ContactField::Phone => &mut self.phone,
        }
    }

    /// After a refused plain form post, what was typed travels in the address of the form.
    pub fn query_pairs(&self) -> Vec<(&'static str, &str)> {
        ContactField::ALL.into_iter().map(|field| (field.name(), self.field(field))).collect()
    }

    /// The refusal as one sentence, for the message above the form.
    pub fn summary(errors: &FieldErrors) -> String {
        let fields: Vec<&str> = errors.iter().map(|(field, _)| field.label()).collect();
        format!("Le contact n'est pas enregistré : vérifiez {} ({}).", plural(fields.len()), fields.join(", "))
    }
}

fn plural(count: usize) -> &'static str {
    if count > 1 {
        "les champs"
    } else {
        "le champ"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_phone_numbers_are_accepted_and_normalised() {
        for (typed, kept) in [
            ("01 23 45 67 89", "01 23 45 67 89"),
            ("0123456789", "01 23 45 67 89"),
            ("01.23.45.67.89", "01 23 45 67 89"),
            ("06-12-34-56-78", "06 12 34 56 78"),
            ("+33 1 23 45 67 89", "01 23 45 67 89"),
            ("+33123456789", "01 23 45 67 89"),
            (" 04.72.34.41.26 ", "04 72 34 41 26"),
        ] {
            assert_eq!(PhoneNumber::parse(typed).map(|phone| phone.0), Ok(kept.to_owned()), "{typed}");
        }
    }

    #[test]
    fn other_phone_numbers_are_refused() {
        for bad in [
            "",
            "12",
            "0033123456789",
            "0033 1 23 45 67 89",
            "+33 01 23 45 67 89",
            "+33 1 23 45 67",
            "1123456789",
            "01 23 45 67 8",
            "01 23 45 67 890",
            "+44 20 7946 0958",
            "01 23 45 67 89\r\nBcc: x@y.fr",
            "01/23/45/67/89",
            "０１２３４５６７８９",
        ] {
            assert!(PhoneNumber::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn contact_emails_follow_the_standard_form() {
        let with = |email: &str| ContactInput {
            last_name: "DUPONT".into(),
            first_name: "Marie".into(),
            email: email.into(),
            phone: "01 23 45 67 89".into(),
        };
        assert!(with("marie.dupont@chu-grenoble.fr").validate().is_ok());
        for bad in [
            "a@b",
            "x@y.fr\r\nBcc:z@w",
            "marie dupont@chu.fr",
            "marie.dupont@chu",
            &format!("{}@b.fr", "a".repeat(251)),
        ] {
            let errors = with(bad).validate().unwrap_err();
            assert_eq!(errors.iter().map(|(field, _)| *field).collect::<Vec<_>>(), [ContactField::Email], "{bad:?}");
        }
    }

    #[test]
    fn an_incomplete_contact_says_every_missing_field() {
        let input = ContactInput { last_name: "  ".into(), email: "marie@chu.fr".into(), ..Default::default() };
        let errors = input.validate().unwrap_err();
        let fields: Vec<ContactField> = errors.iter().map(|(field, _)| *field).collect();
        assert_eq!(fields, [ContactField::LastName, ContactField::FirstName, ContactField::Phone]);
        assert_eq!(errors[0].1, "Veuillez saisir le champ « Nom ».");
        assert_eq!(
            ContactInput::summary(&errors),
            "Le contact n'est pas enregistré : vérifiez les champs (Nom, Prénom, Téléphone)."
        );
    }

    #[test]
    fn a_complete_contact_is_trimmed() {
        let input = ContactInput {
            last_name: " DUPONT ".into(),
            first_name: "Marie".into(),
            email: " marie@chu.fr ".into(),
            phone: "+33 4 76 76 75 75".into(),
        };
        let contact = input.validate().unwrap();
        assert_eq!(contact.last_name, "DUPONT");
        assert_eq!(contact.email.as_str(), "marie@chu.fr");
        assert_eq!(contact.phone.as_str(), "04 76 76 75 75");
        let multiline = ContactInput { last_name: "DU\nPONT".into(), ..input };
        assert!(multiline.validate().is_err());
    }
}
