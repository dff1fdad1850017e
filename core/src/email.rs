//! E-mail addresses, checked the same way in the browser and on the server.

use serde::{Deserialize, Serialize};

/// At most 254 characters: the longest address an SMTP server must accept.
const MAX_LENGTH: usize = 254;

/// An address of a standard form: `local@domain.tld`, no spaces or line breaks (which could
/// smuggle extra mail headers), a domain with a dot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let address = input.trim();
        if address.is_empty() {
            return Err("Veuillez saisir une adresse email.");
        }
        if address.chars().count() > MAX_LENGTH {
            return Err("L'adresse email est trop longue (254 caractères au plus).");
        }
        let well_formed = match address.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains("..")
                    && !address
                        .chars()
                        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';' | '"'))
            }
            None => false,
        };
        if well_formed {
            Ok(EmailAddress(address.to_owned()))
        } else {
            Err("L'adresse email n'est pas valide (exemple : prenom.nom@etablissement.fr).")
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Account identifiers compare without case: `Chu@Exemple.fr` is `chu@exemple.fr`.
    pub fn identifier(&self) -> String {
        self.0.to_lowercase()
    }
}

impl std::fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::EmailAddress;

    #[test]
    fn accepts_standard_addresses() {
        for good in ["chu-grenoble@exemple.fr", " referent@ars.exemple.fr ", "a.b+c@d-e.fr"] {
            assert!(EmailAddress::parse(good).is_ok(), "{good}");
        }
        assert_eq!(EmailAddress::parse("Chu@Exemple.FR").unwrap().identifier(), "chu@exemple.fr");
    }

    #[test]
    fn refuses_malformed_or_dangerous_addresses() {
        let too_long = format!("{}@exemple.fr", "a".repeat(250));
        for bad in [
            "",
            "a@b",
            "ab.fr",
            "a@@b.fr",
            "a b@c.fr",
            "x@y.fr\r\nBcc:z@w.fr",
            "a@.fr",
            "a@b.",
            "@b.fr",
            "a@b..fr",
            &too_long,
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad:?}");
        }
    }
}
