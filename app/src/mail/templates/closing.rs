//! To the establishment (and, for the receipt, the agency referents following it): a
//! self-evaluation was closed, or reopened.

use super::{Body, Mail};

/// One answer of a closing receipt.
pub struct ReceiptAnswer<'a> {
    /// "1.1.1.a - Taux d'ordonnances ..."
    pub title: &'a str,
    /// "Non concerné", the achieved value, or "Non renseigné".
    pub achieved: &'a str,
    pub comment: Option<&'a str>,
}

/// What a closing receipt says.
pub struct ReceiptMail<'a> {
    /// The contract's name: "CAQES TEST".
    pub contract: &'a str,
    /// Its legal entity: "380780080 - CHU DE GRENOBLE ALPES".
    pub legal_entity: &'a str,
    /// "02/12/2026 14:05"
    pub closed_at: &'a str,
    pub closed_by: &'a str,
    pub percentage: u8,
    pub answers: &'a [ReceiptAnswer<'a>],
}

/// "Clore la saisie": the receipt, to the establishment's users and the referents.
pub fn closing_receipt(to: &str, receipt: &ReceiptMail, page_url: &str) -> Mail {
    let entity = receipt.legal_entity;
    let answers = receipt
        .answers
        .iter()
        .map(|line| (format!("{} : {}", line.title, line.achieved), line.comment.map(str::to_owned)))
        .collect::<Vec<_>>();
    Body::new()
        .paragraph(&format!("La saisie de l'auto-évaluation du contrat {} ({entity}) est close.", receipt.contract))
        .fields(&[
            ("Contrat", receipt.contract.to_owned()),
            ("Date de clôture", receipt.closed_at.to_owned()),
            ("Close par", receipt.closed_by.to_owned()),
            ("Pourcentage de remplissage", format!("{} %", receipt.percentage)),
        ])
        .paragraph("Le contrat est désormais en Consultation : plus rien ne peut y être modifié.")
        .paragraph("Réponses :")
        .items(&answers)
        .link("Accusé de clôture imprimable", page_url)
        .mail("accuse_de_cloture", to, &format!("e-CARS : saisie close - {} - {entity}", receipt.contract))
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
