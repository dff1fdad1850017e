//! A generated CAQES with 500 questions on a fictitious legal entity, for performance work:
//! 10 objectives x 5 sub-objectives x 10 questions, every kind of value, some national,
//! about half already answered.

use ecars_core::vocabulary::ValueKind;
use sea_orm::{ConnectionTrait, DbErr};

use super::{date, insert_answer, insert_contract, insert_legal_entity, ContractSeed, LegalEntitySeed, QuestionSeed};

pub const PERFORMANCE_CONTRACT: &str = "CAQES PERFORMANCE 500";
pub const PERFORMANCE_FINESS: &str = "690000880";
const LETTERS: [&str; 10] = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];

pub(super) async fn load(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    let entity = insert_legal_entity(
        db,
        LegalEntitySeed {
            finess: PERFORMANCE_FINESS,
            name: "CENTRE HOSPITALIER FICTIF DE DEMONSTRATION",
            address: "1 AV DE LA REPUBLIQUE 69000 LYON",
            phone: "0472000000",
            domain: ecars_core::vocabulary::Domain::Sanitaire,
        },
    )
    .await?;
    let mut tree = insert_contract(
        db,
        ContractSeed {
            legal_entity_id: entity,
            kind: ecars_core::vocabulary::ContractKind::Caqes,
            name: PERFORMANCE_CONTRACT,
            code: "PUBLIC",
            status: "Signé",
            agency_contact: "Mourad ABED",
            evaluation_year: 2022,
            created_on: date(2023, 5, 2),
            effective_date: Some(date(2022, 1, 1)),
            effective_end_date: None,
            status_reason: None,
            competence: None,
        },
        &[],
        &[("DIRECTEUR", true), ("REF. CAQES", false)],
    )
    .await?;

    let mut number = 0;
    for objective in 1..=10 {
        let code = format!("{objective}.1");
        let objective_id = tree
            .objective(db, None, &code, &format!("Objectif généré n° {objective} de la démonstration de performance"))
            .await?;
        for sub in 1..=5 {
            let code = format!("{objective}.1.{sub}");
            let sub_id = tree.objective(db, Some(objective_id), &code, &format!("Sous-objectif généré {code}")).await?;
            for letter in LETTERS {
                number += 1;
                let kind = [ValueKind::YesNo, ValueKind::Percentage, ValueKind::Number, ValueKind::Text][number % 4];
                let code = format!("{objective}.1.{sub}.{letter}");
                let label = format!("Question générée n° {number} : indicateur de suivi de la démonstration");
                let seed = QuestionSeed {
                    code: &code,
                    label: &label,
                    kind,
                    target: "Cible régionale",
                    national: number % 9 == 0,
                    last_year: None,
                };
                let question_id = tree.question(db, sub_id, &seed).await?;
                if !seed.national && number % 2 == 0 {
                    let achieved = match kind {
                        ValueKind::YesNo => "Oui",
                        ValueKind::Percentage => "85",
                        ValueKind::Number => "12",
                        ValueKind::Text => "Plan d'actions validé",
                    };
                    insert_answer(db, question_id, achieved, None).await?;
                }
            }
        }
    }
    Ok(())
}
