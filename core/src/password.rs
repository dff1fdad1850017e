//! The password rule of the guide, shared by the browser (live checklist) and the server
//! (which enforces it): 12 to 64 characters, a lowercase letter, an uppercase letter, a digit,
//! a special character; and not the identifier itself.

use crate::text::folded;

pub const MIN_LENGTH: usize = 12;
pub const MAX_LENGTH: usize = 64;

/// Which parts of the rule a candidate password meets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PasswordCheck {
    pub length: bool,
    pub lowercase: bool,
    pub uppercase: bool,
    pub digit: bool,
    pub special: bool,
    pub without_identifier: bool,
}

impl PasswordCheck {
    /// Length counts characters, not bytes: "é" or "😀" is one character. The identifier is
    /// found whatever the case and the accents.
    pub fn of(password: &str, identifier: &str) -> Self {
        let length = password.chars().count();
        let identifier = folded(identifier);
        PasswordCheck {
            length: (MIN_LENGTH..=MAX_LENGTH).contains(&length),
            lowercase: password.chars().any(char::is_lowercase),
            uppercase: password.chars().any(char::is_uppercase),
            digit: password.chars().any(|c| c.is_ascii_digit()),
            special: password.chars().any(|c| !c.is_alphanumeric()),
            without_identifier: identifier.is_empty() || !folded(password).contains(&identifier),
        }
    }

    pub fn is_valid(&self) -> bool {
        self.items().iter().all(|(_, met)| *met)
    }

    /// The checklist shown beside the password field, in the guide's words.
    pub fn items(&self) -> [(&'static str, bool); 6] {
        [
            ("Entre 12 et 64 caractères", self.length),
            ("Une lettre minuscule", self.lowercase),
            ("Une lettre majuscule", self.uppercase),
            ("Un chiffre", self.digit),
            ("Un caractère spécial (& - _ % ...)", self.special),
            ("Ne contient pas votre identifiant", self.without_identifier),
        ]
    }

    /// The server's refusal, naming every unmet part.
    pub fn refusal(&self) -> Option<String> {
        let missing: Vec<&str> = self.items().iter().filter(|(_, met)| !met).map(|(label, _)| *label).collect();
        (!missing.is_empty())
            .then(|| format!("Le mot de passe ne respecte pas les règles : {}.", missing.join(", ").to_lowercase()))
    }
}

#[cfg(test)]
mod tests {
    use super::PasswordCheck;

    const ID: &str = "chu-grenoble@exemple.fr";

    fn valid(password: &str) -> bool {
        PasswordCheck::of(password, ID).is_valid()
    }

    #[test]
    fn length_is_between_12_and_64_characters() {
        assert!(!valid(&format!("Aa1!{}", "x".repeat(7))), "11 characters");
        assert!(valid(&format!("Aa1!{}", "x".repeat(8))), "12 characters");
        assert!(valid(&format!("Aa1!{}", "x".repeat(60))), "64 characters");
        assert!(!valid(&format!("Aa1!{}", "x".repeat(61))), "65 characters");
    }

    #[test]
    fn accents_and_emoji_count_as_one_character() {
        // "Aé1😀" is 4 characters but 9 bytes.
        assert!(valid(&format!("Aé1😀{}", "é".repeat(8))), "12 characters, 25 bytes");
        assert!(!valid(&format!("Aé1😀{}", "é".repeat(7))), "11 characters");
        assert!(valid(&format!("Aé1😀{}", "é".repeat(60))), "64 characters, 129 bytes");
        assert!(!valid(&format!("Aé1😀{}", "é".repeat(61))), "65 characters");
    }

    #[test]
    fn each_class_is_required() {
        let check = |p: &str| PasswordCheck::of(p, ID);
        assert!(!check("GRENOBLE-2026!").lowercase);
        assert!(!check("grenoble-2026!").uppercase);
        assert!(!check("Grenoble-Demo!").digit);
        assert!(!check("GrenobleDemo2026").special);
        assert!(check("Grenoble-Demo-2026!").is_valid());
    }

    #[test]
    fn the_identifier_is_refused_inside_the_password() {
        assert!(!PasswordCheck::of("X1!Chu-Grenoble@Exemple.fr", ID).without_identifier);
        assert!(PasswordCheck::of("X1!Chu-Grenoble@Exemple.fr", ID).refusal().unwrap().contains("identifiant"));
        assert!(PasswordCheck::of("Grenoble-Demo-2026!", ID).refusal().is_none());
    }
}
