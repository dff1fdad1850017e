//! To the agency, about the establishments it follows: the weekly digest of the follow-up, and
//! an evaluation report deposited.

use ecars_core::evaluation::rules::LATE_WITHIN_DAYS;
use ecars_core::vocabulary::MailPreference;

use super::{listed, Body, Mail};

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
    let mut body = Body::new().paragraph(&format!(
        "Voici le point de la semaine sur les évaluations {} que vous suivez dans e-CARS.",
        digest.year
    ));
    body = match digest.closed.len() {
        0 => body.paragraph(&format!("Aucune évaluation n'a été close depuis le {}.", digest.since)),
        count => body
            .paragraph(&format!("{count} évaluation(s) close(s) depuis le {} :", digest.since))
            .items(&listed(digest.closed, DIGEST_LISTED, "")),
    };
    if !digest.late.is_empty() {
        body = body
            .paragraph(&format!(
                "{} évaluation(s) en retard (non close(s), saisie terminée ou se terminant dans moins de {} jours) :",
                digest.late.len(),
                LATE_WITHIN_DAYS
            ))
            .items(&listed(digest.late, DIGEST_LISTED, ""));
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
