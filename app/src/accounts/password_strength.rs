//! On top of the shared rule, the server refuses passwords that are common, leaked or easy to
//! guess: `zxcvbn` estimates how many guesses a password takes, knowing its English lists of
//! leaked passwords and words, the user's own words (email, legal entities) and the French ones
//! those lists miss. (The browser does not get these lists: they would weigh on every page.)

/// Guessing a password must take at least 10^10 guesses (zxcvbn's score 4 starts there;
/// score 3, 10^8, is an hour's work for an attacker holding a leaked hash).
const ENOUGH: zxcvbn::Score = zxcvbn::Score::Four;

/// The portal's own words, always in the context.
const PORTAL_WORDS: &[&str] =
    &["ecars", "e-cars", "caqes", "cpom", "ars", "finess", "sante", "santé", "agence", "contrat", "portail"];

/// Words French users put in their passwords that the English lists do not hold.
const FRENCH_WORDS: &[&str] = &[
    "motdepasse",
    "mot de passe",
    "azerty",
    "azertyuiop",
    "qwertz",
    "soleil",
    "bonjour",
    "bonsoir",
    "salut",
    "coucou",
    "doudou",
    "chouchou",
    "loulou",
    "nounours",
    "bisous",
    "jetaime",
    "amour",
    "marseille",
    "paris",
    "lyon",
    "grenoble",
    "toulouse",
    "france",
    "bienvenue",
    "secret",
    "poisson",
    "chocolat",
    "vacances",
    "printemps",
    "hiver",
    "ete",
    "automne",
    "janvier",
    "fevrier",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "aout",
    "septembre",
    "octobre",
    "novembre",
    "decembre",
    "lundi",
    "dimanche",
    "hopital",
    "hôpital",
    "clinique",
    "ehpad",
    "infirmier",
    "infirmiere",
    "medecin",
    "docteur",
    "patient",
    "accueil",
    "direction",
    "administrateur",
    "utilisateur",
    "connexion",
    "changeme",
    "bienvenue",
    "allezlom",
    "marine",
    "camille",
    "nicolas",
    "julien",
    "thomas",
    "sophie",
    "nathalie",
    "isabelle",
    "philippe",
];

/// `None` when the password is hard enough to guess; otherwise the French reason shown in the
/// form. `context` holds the user's own words: the email, the names of its legal entities.
pub fn refusal(password: &str, context: &[&str]) -> Option<String> {
    let mut inputs: Vec<String> = Vec::new();
    for text in context {
        let lower = text.to_lowercase();
        // The whole address, and its parts: "chu-grenoble@exemple.fr" gives "chu", "grenoble"...
        inputs.push(lower.clone());
        inputs.extend(lower.split(|c: char| !c.is_alphanumeric()).filter(|word| word.len() >= 3).map(str::to_owned));
    }
    let words: Vec<&str> = inputs
        .iter()
        .map(String::as_str)
        .chain(PORTAL_WORDS.iter().copied())
        .chain(FRENCH_WORDS.iter().copied())
        .collect();
    let estimate = zxcvbn::zxcvbn(password, &words);
    if estimate.score() >= ENOUGH {
        return None;
    }
    let own_word = words[..inputs.len()].iter().any(|word| word.len() >= 3 && password.to_lowercase().contains(word));
    Some(if own_word {
        "Ce mot de passe est trop facile à deviner : il reprend votre adresse ou le nom de votre \
         établissement. Choisissez une phrase de plusieurs mots sans lien avec vous."
            .to_owned()
    } else {
        "Ce mot de passe est trop courant ou trop facile à deviner (mot du dictionnaire, suite de \
         touches, année...). Choisissez par exemple plusieurs mots sans lien entre eux, séparés \
         par des caractères spéciaux."
            .to_owned()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONTEXT: &[&str] = &["chu-grenoble@exemple.fr", "CHU DE GRENOBLE ALPES"];

    #[test]
    fn common_leaked_and_french_passwords_are_refused() {
        for weak in
            ["Password2026!", "Azerty123456!", "Motdepasse2026!", "Bonjour2026!!", "Soleil123456!", "P@ssw0rd2026!"]
        {
            assert!(refusal(weak, &[]).is_some(), "{weak} accepted");
        }
    }

    #[test]
    fn the_users_own_words_count_against_the_password_and_the_reason_says_so() {
        // Hard enough for a stranger, not for whoever knows the account's address and entity.
        assert_eq!(refusal("ChuGrenoble2026!", &[]), None);
        let refused = refusal("ChuGrenoble2026!", CONTEXT).expect("refused");
        assert!(refused.contains("votre adresse ou le nom de votre établissement"), "{refused}");
        assert!(refusal("Acodege2026!!", &["acodege@exemple.fr", "ACODEGE"]).is_some());
        let common = refusal("Password2026!", CONTEXT).expect("refused");
        assert!(common.contains("trop courant"), "{common}");
    }

    #[test]
    fn passwords_hard_to_guess_are_accepted() {
        for strong in ["Cerisier-Tram-Violon-42!", "Kp7#vQ2m!xLw9Tz", "Grenoble-Demo-2027!"] {
            assert_eq!(refusal(strong, &["referent@ars.exemple.fr"]), None, "{strong} refused");
        }
    }
}
