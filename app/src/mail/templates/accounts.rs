//! To anyone with an account, about the account itself: codes, invitation, password.

use ecars_core::routes::LOGIN_PATH;

use super::{Body, Mail};

/// The verification code asked for on "Renouveler le mot de passe".
pub fn verification_code(to: &str, code: &str) -> Mail {
    Body::new()
        .paragraph(&format!(
            "Vous avez demandé à renouveler le mot de passe de votre compte e-CARS (identifiant : {to})."
        ))
        .paragraph("Votre code de vérification :")
        .code(code)
        .paragraph(
            "Ce code est valable 10 minutes et ne sert qu'une fois. Saisissez-le sur la page de \
             renouvellement du mot de passe, puis cliquez sur « Vérifier le code ».",
        )
        .paragraph(
            "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot de passe \
             reste inchangé.",
        )
        .mail("code_verification", to, "e-CARS : votre code de vérification")
}

/// A renewal asked for an address that has no account: the same answer on the page, this notice
/// instead of a code in the mail.
pub fn renewal_without_account(to: &str, public_url: &str) -> Mail {
    Body::new()
        .paragraph(
            "Un renouvellement de mot de passe e-CARS a été demandé pour cette adresse, mais aucun \
             compte e-CARS n'y est associé. Si vous devez disposer d'un compte, adressez-vous à votre \
             Agence Régionale de Santé.",
        )
        .paragraph("Si vous n'êtes pas à l'origine de cette demande, ignorez ce message.")
        .link("Portail e-CARS", public_url)
        .mail("renouvellement_sans_compte", to, "e-CARS : demande de renouvellement de mot de passe")
}

/// A new account, with its initial password (to be renewed at the first login).
pub fn invitation(to: &str, public_url: &str, initial_password: &str) -> Mail {
    Body::new()
        .paragraph(
            "Un compte vous a été ouvert sur e-CARS, le portail des contrats de votre Agence Régionale de Santé.",
        )
        .fields(&[
            ("Adresse", format!("{}{LOGIN_PATH}", public_url.trim_end_matches('/'))),
            ("Identifiant", to.to_owned()),
            ("Mot de passe provisoire", initial_password.to_owned()),
        ])
        .paragraph(
            "Lors de votre première connexion, vous devez obligatoirement renouveler ce mot de passe : \
             sur la page de connexion, cliquez sur « Renouveler le mot de passe », renseignez votre adresse \
             email puis cliquez sur « Envoyer le code de vérification ». Le mot de passe doit comporter entre \
             12 et 64 caractères, dont une lettre minuscule, une lettre majuscule, un chiffre et un caractère spécial.",
        )
        .mail("invitation", to, "e-CARS : votre compte a été créé")
}

/// The password of the account was changed ("Mon compte") or renewed (emailed code).
pub fn password_changed(to: &str, public_url: &str) -> Mail {
    Body::new()
        .paragraph(&format!(
            "Le mot de passe de votre compte e-CARS (identifiant : {to}) vient d'être modifié. \
             Toutes les sessions ouvertes avec l'ancien mot de passe ont été fermées."
        ))
        .paragraph(
            "Si vous n'êtes pas à l'origine de ce changement, renouvelez tout de suite votre mot de passe \
             depuis la page de connexion (« Renouveler le mot de passe ») et prévenez votre Agence \
             Régionale de Santé.",
        )
        .link("Portail e-CARS", &format!("{}{LOGIN_PATH}", public_url.trim_end_matches('/')))
        .mail("mot_de_passe_modifie", to, "e-CARS : votre mot de passe a été modifié")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_stands_alone_on_its_line_in_the_text_part() {
        let mail = verification_code("a@b.fr", "12345678");
        assert!(mail.text.lines().any(|line| line == "12345678"), "{}", mail.text);
        assert!(mail.html.contains("<strong>12345678</strong>"), "{}", mail.html);
        assert_eq!(mail.to, "a@b.fr");
    }

    #[test]
    fn the_invitation_gives_the_identifier_and_the_initial_password_on_their_own_lines() {
        let mail = invitation("new@chu.fr", "https://ecars.exemple.fr/", "Ab1!Ab1!Ab1!Ab1!");
        assert!(mail.text.contains("\nIdentifiant : new@chu.fr\n"), "{}", mail.text);
        assert!(mail.text.contains("\nMot de passe provisoire : Ab1!Ab1!Ab1!Ab1!\n"), "{}", mail.text);
        assert!(mail.text.contains("Adresse : https://ecars.exemple.fr/connexion"), "{}", mail.text);
    }
}
