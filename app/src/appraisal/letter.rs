//! The letters of the agency's evaluation, as PDF documents: the letterhead, who it is for,
//! one row per question, the score, and what the establishment may do next.

use ecars_core::vocabulary::NotificationKind;

use crate::pdf::{Block, Column, PdfDocument, Table};

/// The agency writing, from its settings.
pub struct Letterhead {
    /// "ARS Auvergne-Rhône-Alpes"
    pub agency: String,
    pub region: String,
    pub email: String,
    pub phone: String,
}

/// One question of the letter.
pub struct LetterRow {
    pub code: String,
    pub label: String,
    pub target: String,
    /// "Réalisé", "Non concerné" or "Non renseigné".
    pub achieved: String,
    pub retained: String,
    /// "Atteint (1 point)".
    pub appreciation: String,
    pub comment: String,
}

/// Everything a letter says.
pub struct Letter {
    pub kind: NotificationKind,
    pub letterhead: Letterhead,
    /// "380780080 - CHU DE GRENOBLE ALPES"
    pub legal_entity: String,
    pub address: String,
    /// The director, from the administrative contacts: "Claire MARTIN", if known.
    pub director: Option<String>,
    pub contract: String,
    /// "CAQES"
    pub contract_kind: String,
    pub year: i32,
    /// "07/12/2026", in the agency's time zone.
    pub notified_on: String,
    pub notified_by: String,
    pub rows: Vec<LetterRow>,
    /// "14,5 points sur 20 (72,5 %)".
    pub score: String,
    /// For the provisional evaluation: the reply window, in words.
    pub reply: Option<String>,
}

impl Letter {
    /// "Évaluation provisoire 2025 - CAQES TEST - 380780080 - CHU DE GRENOBLE ALPES".
    pub fn title(&self) -> String {
        format!("{} {} - {} - {}", self.kind.label(), self.year, self.contract, self.legal_entity)
    }

    /// The name of the stored file: `evaluation-provisoire-2025-caqes-test.pdf`.
    pub fn file_name(&self) -> String {
        let words = format!("{} {} {}", self.kind.label(), self.year, self.contract);
        let slug: String = ecars_core::text::folded(&words)
            .chars()
            .map(|character| if character.is_ascii_alphanumeric() { character } else { '-' })
            .collect();
        let slug: Vec<&str> = slug.split('-').filter(|part| !part.is_empty()).collect();
        format!("{}.pdf", slug.join("-"))
    }

    pub fn document(&self) -> PdfDocument {
        let head = &self.letterhead;
        let mut blocks = vec![
            Block::Strong(head.agency.clone()),
            Block::Paragraph(format!("Région {}\n{} - {}", head.region, head.email, head.phone)),
            Block::Paragraph(format!(
                "À l'attention de {}\n{}\n{}",
                self.director.clone().unwrap_or_else(|| "la direction".to_owned()),
                self.legal_entity,
                self.address
            )),
            Block::Paragraph(format!("Le {}", self.notified_on)),
            Block::Title(format!("{} {} du contrat {}", self.kind.label(), self.year, self.contract)),
            Block::Paragraph(format!(
                "Objet : {} {} de l'auto-évaluation du contrat {} ({}).",
                self.kind.label().to_lowercase(),
                self.year,
                self.contract,
                self.contract_kind
            )),
            Block::Paragraph(match self.kind {
                NotificationKind::Provisional => "Madame, Monsieur,\nÀ l'issue de l'examen de votre auto-évaluation, \
                    l'agence vous notifie son évaluation provisoire de chacun des indicateurs du contrat, présentée \
                    ci-dessous avec la valeur retenue, l'appréciation et le commentaire de l'agence."
                    .to_owned(),
                NotificationKind::Final => "Madame, Monsieur,\nL'agence vous notifie son évaluation définitive de \
                    chacun des indicateurs du contrat."
                    .to_owned(),
            }),
            Block::Heading("Évaluation des indicateurs".to_owned()),
        ];
        let columns = [
            ("Code", 0.9),
            ("Indicateur", 2.8),
            ("Cible", 1.2),
            ("Réalisé", 1.1),
            ("Valeur retenue", 1.1),
            ("Appréciation", 1.4),
            ("Commentaire de l'agence", 2.6),
        ]
        .into_iter()
        .map(|(title, share)| Column { title: title.to_owned(), share })
        .collect();
        let rows = self
            .rows
            .iter()
            .map(|row| {
                vec![
                    row.code.clone(),
                    row.label.clone(),
                    row.target.clone(),
                    row.achieved.clone(),
                    row.retained.clone(),
                    row.appreciation.clone(),
                    row.comment.clone(),
                ]
            })
            .collect();
        blocks.push(Block::Table(Table { columns, rows }));
        blocks.push(Block::Strong(format!("Score : {}", self.score)));
        blocks.push(Block::Paragraph(
            "Le score additionne les points des indicateurs (Atteint : 1 point, Partiellement atteint : 0,5, \
             Non atteint : 0), pondérés par leur poids ; les indicateurs non évaluables n'y comptent pas."
                .to_owned(),
        ));
        if let Some(reply) = &self.reply {
            blocks.push(Block::Heading("Vos observations".to_owned()));
            blocks.push(Block::Paragraph(reply.clone()));
            blocks.push(Block::Paragraph(
                "Pour répondre, connectez-vous à e-CARS et ouvrez le contrat, puis « Évaluation provisoire » : \
                 vous pouvez écrire une observation sur chaque question, joindre des documents et demander à être \
                 entendu."
                    .to_owned(),
            ));
        }
        blocks.push(Block::Paragraph(format!(
            "Notifié sur e-CARS le {} par {}, pour {}.",
            self.notified_on, self.notified_by, self.letterhead.agency
        )));
        PdfDocument { title: self.title(), blocks }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_is_named_after_the_letter_in_plain_ascii() {
        let letter = Letter {
            kind: NotificationKind::Provisional,
            letterhead: Letterhead {
                agency: "ARS Auvergne-Rhône-Alpes".into(),
                region: "Auvergne-Rhône-Alpes".into(),
                email: "ars-ara@exemple.fr".into(),
                phone: "04 72 34 74 00".into(),
            },
            legal_entity: "380780080 - CHU DE GRENOBLE ALPES".into(),
            address: "Boulevard de la Chantourne 38700 La Tronche".into(),
            director: Some("Claire MARTIN".into()),
            contract: "CAQES TEST".into(),
            contract_kind: "CAQES".into(),
            year: 2025,
            notified_on: "07/12/2026".into(),
            notified_by: "referent@ars.exemple.fr".into(),
            rows: vec![],
            score: "1 point sur 1 (100 %)".into(),
            reply: None,
        };
        assert_eq!(letter.file_name(), "evaluation-provisoire-2025-caqes-test.pdf");
        assert_eq!(letter.title(), "Évaluation provisoire 2025 - CAQES TEST - 380780080 - CHU DE GRENOBLE ALPES");
    }
}
