//! To the establishment, about the agency's evaluation of its self-evaluation: a letter was
//! notified. The mail says where to read it, never what it says (the appraisals stay behind the
//! login).

use super::{Body, Mail};

/// A letter of the agency: which, about what, and where to read it.
pub struct LetterNotice<'a> {
    /// "Évaluation provisoire" or "Évaluation définitive".
    pub letter: &'a str,
    pub contract: &'a str,
    /// Its legal entity: "380780080 - CHU DE GRENOBLE ALPES".
    pub legal_entity: &'a str,
    pub year: i32,
    /// "07/12/2026"
    pub notified_on: &'a str,
    /// For the provisional evaluation: how long the establishment has to answer, and until when
    /// at the latest.
    pub reply: Option<String>,
    pub page_url: &'a str,
}

/// The agency notified a letter about the evaluation: to the establishment's users and its director.
pub fn letter_notified(to: &str, notice: &LetterNotice) -> Mail {
    let mut body = Body::new()
        .paragraph(&format!(
            "Votre Agence Régionale de Santé vous a notifié l'{} {} du contrat {} ({}).",
            notice.letter.to_lowercase(),
            notice.year,
            notice.contract,
            notice.legal_entity
        ))
        .fields(&[("Contrat", notice.contract.to_owned()), ("Date de notification", notice.notified_on.to_owned())]);
    if let Some(reply) = &notice.reply {
        body = body.paragraph(reply);
    }
    body.paragraph("Le courrier et le détail de l'évaluation sont consultables sur e-CARS, après connexion.")
        .link("Consulter l'évaluation", notice.page_url)
        .mail(
            "notification_evaluation",
            to,
            &format!("e-CARS : {} {} - {}", notice.letter.to_lowercase(), notice.year, notice.contract),
        )
}
