//! Every message the portal sends, in one place: one function per message, in French, each
//! with a plain-text and an HTML part written from the same blocks, so the two never differ.
//! Messages are queued in the outbox (`mail::outbox`) by the change that causes them.

use html_escape::{encode_double_quoted_attribute as attribute, encode_text as text};

use crate::evaluation::closing::ClosingReceipt;
use crate::routes::LOGIN_PATH;
use ecars_core::vocabulary::MailPreference;

pub use crate::mail::Mail;

/// How many missing questions a reminder lists by name at most; the rest are counted.
pub const LISTED_QUESTIONS: usize = 20;

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

/// "Clore la saisie": the receipt, to the establishment's users and the referents.
pub fn closing_receipt(to: &str, receipt: &ClosingReceipt, page_url: &str) -> Mail {
    let contract = &receipt.contract;
    let entity = contract.legal_entity.title();
    let answers = receipt
        .answers
        .iter()
        .map(|line| (format!("{} : {}", line.title, line.achieved), line.comment.clone()))
        .collect::<Vec<_>>();
    Body::new()
        .paragraph(&format!("La saisie de l'auto-évaluation du contrat {} ({entity}) est close.", contract.name))
        .fields(&[
            ("Contrat", contract.name.clone()),
            ("Date de clôture", receipt.closed_at.clone()),
            ("Close par", receipt.closed_by.clone()),
            ("Pourcentage de remplissage", format!("{} %", receipt.percentage)),
        ])
        .paragraph("Le contrat est désormais en Consultation : plus rien ne peut y être modifié.")
        .paragraph("Réponses :")
        .items(&answers)
        .link("Accusé de clôture imprimable", page_url)
        .mail("accuse_de_cloture", to, &format!("e-CARS : saisie close - {} - {entity}", contract.name))
}

/// "Rouvrir la saisie": what the establishment's users are told.
pub struct Reopening<'a> {
    pub contract: &'a str,
    pub year: i32,
    pub reopened_by: &'a str,
    pub reason: &'a str,
    pub contract_url: &'a str,
}

/// The agency reopened a closed self-evaluation: to the establishment's users, with the reason.
pub fn reopened(to: &str, reopening: &Reopening) -> Mail {
    Body::new()
        .paragraph(&format!(
            "La saisie de l'auto-évaluation {} du contrat {} a été rouverte par votre Agence Régionale de Santé.",
            reopening.year, reopening.contract
        ))
        .fields(&[("Rouverte par", reopening.reopened_by.to_owned()), ("Raison", reopening.reason.to_owned())])
        .paragraph(
            "Le contrat est de nouveau en Auto-Evaluation : modifiez ce qui doit l'être, puis cliquez de nouveau \
             sur « Clore la saisie ». Un nouvel accusé de clôture sera envoyé ; le précédent reste consultable.",
        )
        .link("Accéder au contrat", reopening.contract_url)
        .mail("saisie_rouverte", to, &format!("e-CARS : saisie rouverte - {}", reopening.contract))
}

/// An end-of-campaign reminder: what it is about.
pub struct Reminder<'a> {
    pub contract: &'a str,
    pub year: i32,
    pub last_day: chrono::NaiveDate,
    /// After today: 0 on the last day.
    pub days_left: i64,
    pub missing: &'a crate::evaluation::closing::MissingItems,
    pub contract_url: &'a str,
}

/// The window of a self-evaluation ends soon and it is not closed: to the establishment's users.
pub fn reminder(to: &str, reminder: &Reminder) -> Mail {
    let last_day = ecars_core::time::french_date(reminder.last_day);
    let when = match reminder.days_left {
        0 => "aujourd'hui".to_owned(),
        1 => "demain".to_owned(),
        days => format!("dans {days} jours"),
    };
    let missing = reminder.missing;
    let mut items: Vec<(String, Option<String>)> =
        missing.questions.iter().take(LISTED_QUESTIONS).map(|question| (question.title.clone(), None)).collect();
    if missing.questions.len() > LISTED_QUESTIONS {
        items.push((format!("et {} autre(s) question(s)", missing.questions.len() - LISTED_QUESTIONS), None));
    }
    items.extend(
        missing
            .contacts
            .iter()
            .map(|contact| (format!("Contact obligatoire à mettre à jour : {}", contact.function), None)),
    );
    let mut body = Body::new()
        .paragraph(&format!(
            "La saisie de l'auto-évaluation {} du contrat {} se termine {when} (le {last_day}, inclus) et n'est pas encore close.",
            reminder.year, reminder.contract
        ))
        .fields(&[("Pourcentage de remplissage", format!("{} %", missing.progress.percentage()))]);
    body = if items.is_empty() {
        body.paragraph("Tout est saisi : il ne reste qu'à cliquer sur « Clore la saisie ».")
    } else {
        body.paragraph("Reste à saisir avant la clôture :").items(&items)
    };
    body.link("Accéder au contrat", reminder.contract_url).paragraph(&MailPreference::Reminders.opt_out()).mail(
        "rappel_campagne",
        to,
        &format!("e-CARS : fin de la saisie {when} - {}", reminder.contract),
    )
}

/// What the weekly digest of the follow-up says to a referent.
pub struct Digest<'a> {
    pub year: i32,
    /// "28/11/2026": what was closed since then is listed.
    pub since: &'a str,
    /// "380780080 - CHU DE GRENOBLE ALPES : CAQES TEST, close le 02/12/2026 par ..."
    pub closed: &'a [String],
    /// "... : CAQES TEST, remplie à 40 %, saisie jusqu'au 15/12/2026"
    pub late: &'a [String],
    pub dashboard_url: &'a str,
}

/// Lines listed at most in each part of the digest; the rest are counted.
pub const DIGEST_LISTED: usize = 50;

/// The week of the evaluations a referent follows: those closed, those late, and the dashboard.
pub fn digest(to: &str, digest: &Digest) -> Mail {
    fn listed(lines: &[String]) -> Vec<(String, Option<String>)> {
        let mut items: Vec<(String, Option<String>)> =
            lines.iter().take(DIGEST_LISTED).map(|line| (line.clone(), None)).collect();
        if lines.len() > DIGEST_LISTED {
            items.push((format!("et {} autre(s)", lines.len() - DIGEST_LISTED), None));
        }
        items
    }
    let mut body = Body::new().paragraph(&format!(
        "Voici le point de la semaine sur les évaluations {} que vous suivez dans e-CARS.",
        digest.year
    ));
    body = match digest.closed.len() {
        0 => body.paragraph(&format!("Aucune évaluation n'a été close depuis le {}.", digest.since)),
        count => body
            .paragraph(&format!("{count} évaluation(s) close(s) depuis le {} :", digest.since))
            .items(&listed(digest.closed)),
    };
    if !digest.late.is_empty() {
        body = body
            .paragraph(&format!(
                "{} évaluation(s) en retard (non close(s), saisie terminée ou se terminant dans moins de {} jours) :",
                digest.late.len(),
                ecars_core::evaluation::rules::LATE_WITHIN_DAYS
            ))
            .items(&listed(digest.late));
    }
    body.link("Suivi de la campagne", digest.dashboard_url).paragraph(&MailPreference::Digest.opt_out()).mail(
        "recapitulatif_suivi",
        to,
        &format!("e-CARS : récapitulatif hebdomadaire du suivi {}", digest.year),
    )
}

/// What a deposited "Rapport d'évaluation" notice says, whoever it goes to.
pub struct ReportNotice<'a> {
    pub establishment_finess: &'a str,
    pub establishment_name: &'a str,
    pub document_name: &'a str,
    pub declared_by: &'a str,
    pub establishment_url: &'a str,
}

/// An establishment deposited its evaluation report: to the referents and the quality department.
pub fn evaluation_report(to: &str, notice: &ReportNotice) -> Mail {
    let establishment = format!("{} - {}", notice.establishment_finess, notice.establishment_name);
    Body::new()
        .paragraph(&format!("L'établissement {establishment} a déposé son rapport d'évaluation dans e-CARS."))
        .fields(&[("Document", notice.document_name.to_owned()), ("Déposé par", notice.declared_by.to_owned())])
        .link("Pour le consulter", notice.establishment_url)
        .mail("rapport_evaluation", to, &format!("e-CARS : rapport d'évaluation déposé - {establishment}"))
}

/// The two parts of a message, written block by block.
struct Body {
    text: String,
    html: String,
}

impl Body {
    fn new() -> Self {
        Body { text: String::new(), html: String::new() }.paragraph("Bonjour,")
    }

    fn paragraph(mut self, words: &str) -> Self {
        self.text.push_str(&format!("{words}\n\n"));
        self.html.push_str(&format!("<p>{}</p>\n", text(words)));
        self
    }

    /// A code alone on its line, easy to read and to copy.
    fn code(mut self, code: &str) -> Self {
        self.text.push_str(&format!("{code}\n\n"));
        self.html.push_str(&format!(
            "<p style=\"font-size:1.5em;letter-spacing:0.2em\"><strong>{}</strong></p>\n",
            text(code)
        ));
        self
    }

    /// "Label : value" lines.
    fn fields(mut self, fields: &[(&str, String)]) -> Self {
        let lines: Vec<String> = fields.iter().map(|(label, value)| format!("{label} : {value}")).collect();
        self.text.push_str(&format!("{}\n\n", lines.join("\n")));
        let lines: Vec<String> = lines.iter().map(|line| text(line).into_owned()).collect();
        self.html.push_str(&format!("<p>{}</p>\n", lines.join("<br>\n")));
        self
    }

    /// A list, each item with an optional comment under it.
    fn items(mut self, items: &[(String, Option<String>)]) -> Self {
        self.html.push_str("<ul>\n");
        for (item, comment) in items {
            self.text.push_str(&format!("- {item}\n"));
            self.html.push_str(&format!("<li>{}", text(item)));
            if let Some(comment) = comment {
                self.text.push_str(&format!("  Commentaire : {}\n", comment.replace('\n', "\n  ")));
                self.html.push_str(&format!("<br>Commentaire : {}", text(comment).replace('\n', "<br>")));
            }
            self.html.push_str("</li>\n");
        }
        self.text.push('\n');
        self.html.push_str("</ul>\n");
        self
    }

    fn link(mut self, label: &str, url: &str) -> Self {
        self.text.push_str(&format!("{label} : {url}\n\n"));
        self.html.push_str(&format!("<p>{} : <a href=\"{}\">{}</a></p>\n", text(label), attribute(url), text(url)));
        self
    }

    fn mail(self, kind: &'static str, to: &str, subject: &str) -> Mail {
        let signature = "L'équipe e-CARS";
        Mail {
            kind,
            to: to.to_owned(),
            subject: subject.to_owned(),
            text: format!("{}-- \n{signature}\n", self.text),
            html: format!(
                "<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\"><title>{}</title></head>\n\
                 <body style=\"font-family:Arial,sans-serif\">\n{}<p>{signature}</p>\n</body></html>\n",
                text(subject),
                self.html
            ),
        }
    }
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
    fn the_html_part_escapes_what_users_typed() {
        let notice = ReportNotice {
            establishment_finess: "210000000",
            establishment_name: "<b>ÉTABLISSEMENT</b> & Cie",
            document_name: "rapport \"final\".pdf",
            declared_by: "x@y.fr",
            establishment_url: "https://ecars.exemple.fr/etablissements/1?a=1&b=\"2\"",
        };
        let mail = evaluation_report("q@ars.fr", &notice);
        assert!(mail.html.contains("&lt;b&gt;ÉTABLISSEMENT&lt;/b&gt; &amp; Cie"), "{}", mail.html);
        assert!(!mail.html.contains("<b>"), "{}", mail.html);
        assert!(mail.html.contains("href=\"https://ecars.exemple.fr/etablissements/1?a=1&amp;b=&quot;2&quot;\""));
        assert!(mail.text.contains("<b>ÉTABLISSEMENT</b> & Cie"), "the text part keeps the name as it is");
    }

    #[test]
    fn the_invitation_gives_the_identifier_and_the_initial_password_on_their_own_lines() {
        let mail = invitation("new@chu.fr", "https://ecars.exemple.fr/", "Ab1!Ab1!Ab1!Ab1!");
        assert!(mail.text.contains("\nIdentifiant : new@chu.fr\n"), "{}", mail.text);
        assert!(mail.text.contains("\nMot de passe provisoire : Ab1!Ab1!Ab1!Ab1!\n"), "{}", mail.text);
        assert!(mail.text.contains("Adresse : https://ecars.exemple.fr/connexion"), "{}", mail.text);
    }
}
