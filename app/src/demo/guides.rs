//! The two legal entities of the guides: CHU DE GRENOBLE ALPES with "CAQES TEST" (last year's
//! evaluation closed, this year's open), and ACODEGE with its CPOM and seven establishments.

use std::collections::HashMap;

use chrono::Months;
use ecars_core::vocabulary::ContractKind;
use ecars_core::vocabulary::Domain;
use ecars_core::vocabulary::ValueKind::{Number, Percentage, Text, YesNo};
use sea_orm::{ConnectionTrait, DbErr};

use super::{
    add_evaluation, close_demo_evaluation, date, insert_answer, insert_contract, insert_establishment,
    insert_legal_entity, national, question, question_answered_last_year, ContractSeed, EstablishmentSeed,
    LegalEntitySeed, Seed,
};
use crate::evaluation::years::server::PreviousAnswer;

pub const CHU_GRENOBLE_FINESS: &str = "380780080";
pub const ACODEGE_FINESS: &str = "210984078";
const YES: &str = "1 - OUI";

pub(super) async fn load(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    chu_grenoble(db).await?;
    acodege(db).await
}

async fn chu_grenoble(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    let entity = insert_legal_entity(
        db,
        LegalEntitySeed {
            finess: CHU_GRENOBLE_FINESS,
            name: "CHU DE GRENOBLE ALPES",
            address: "38043 GRENOBLE",
            phone: "0476767575",
            domain: Domain::Sanitaire,
        },
    )
    .await?;
    let site = insert_establishment(
        db,
        entity,
        &EstablishmentSeed {
            finess: "380000174",
            name: "CHU GRENOBLE ALPES - SITE NORD",
            region: "Auvergne-Rhône-Alpes",
            domain: Domain::Sanitaire,
            address: "BD DE LA CHANTOURNE 38700 LA TRONCHE",
        },
    )
    .await?;
    let mut last_year = insert_contract(
        db,
        ContractSeed {
            legal_entity_id: entity,
            kind: ContractKind::Caqes,
            name: "CAQES TEST",
            code: "PUBLIC",
            status: "Signé",
            agency_contact: "Mourad ABED",
            evaluation_year: CAQES_TEST_YEAR - 1,
            created_on: date(2023, 5, 2),
            effective_date: None,
            effective_end_date: None,
            status_reason: None,
            competence: None,
        },
        &[site],
        &[("DIRECTEUR", true), ("REF. CAQES", false), ("REF. CREDIT 1", false)],
    )
    .await?;
    // Last year: every question answered, then closed.
    last_year.seeds(db, None, CAQES_TEST).await?;
    let mut previous = HashMap::new();
    for (question_id, question) in last_year.questions.iter().filter(|(_, question)| !question.national) {
        let (achieved, comment) = question.last_year_answer();
        insert_answer(db, *question_id, achieved, comment).await?;
        previous.insert(
            question.code.to_owned(),
            PreviousAnswer { achieved: Some(achieved.to_owned()), comment: comment.map(str::to_owned) },
        );
    }
    close_demo_evaluation(db, last_year.evaluation_id, last_year_closed_at()).await?;
    // This year: opened a month ago, closing in two months, whatever the day the demo is loaded.
    let today = crate::db::agency_today();
    let window = (today - Months::new(1), today + Months::new(2));
    let mut current = add_evaluation(db, last_year.contract_id, CAQES_TEST_YEAR, Some(window), previous).await?;
    current.seeds(db, None, CAQES_TEST).await
}

/// The guide's campaign year of CAQES TEST; the year before is closed.
pub const CAQES_TEST_YEAR: i32 = 2022;

/// 28 June of the year before, 14:30 in Paris.
fn last_year_closed_at() -> chrono::DateTime<chrono::Utc> {
    date(CAQES_TEST_YEAR - 1, 6, 28).and_hms_opt(12, 30, 0).unwrap_or_default().and_utc()
}

/// The guide's objectives and questions, completed into a realistic CAQES.
const CAQES_TEST: &[Seed] = &[
    Seed::Objective {
        code: "1.1",
        label: "Identification du numéro RPPS et du numéro FINESS de l'établissement",
        children: &[Seed::Objective {
            code: "1.1.1",
            label: "Identification du numéro RPPS et du numéro FINESS de l'établissement",
            children: &[
                question_answered_last_year(
                    "1.1.1.a",
                    "Taux d'ordonnances de sortie délivrées précisant les numéros FINESS géographique et RPPS",
                    Percentage,
                    "100 %",
                    ("92,5", "Audit réalisé sur 200 ordonnances de sortie en décembre."),
                ),
                question("1.1.1.b", "Nombre de prescripteurs sans numéro RPPS identifiés dans le logiciel de prescription", Number, "0"),
            ],
        }],
    },
    Seed::Objective {
        code: "2.1",
        label: "Identification des 3 classes médicamenteuses ou LPP les plus significatives et mise en place des groupes de travail avec élaboration d'un plan d'actions sur ces 3 classes (intègre au programme d'actions du COMEDIMS)",
        children: &[
            Seed::Objective {
                code: "2.1.1",
                label: "Identification d'une première classe médicamenteuse ou LPP parmi les classes les plus significatives et mise en place d'un groupe de travail avec élaboration d'un plan d'actions",
                children: &[
                    question_answered_last_year(
                        "2.1.1.a",
                        "Mise en place d'un groupe de travail et élaboration d'un plan d'actions",
                        YesNo,
                        YES,
                        ("Oui", "Groupe de travail constitué en mars, plan d'actions validé par la COMEDIMS."),
                    ),
                    question("2.1.1.b", "Actions mises en oeuvre", YesNo, YES),
                    question("2.1.1.c", "Suivi des actions mises en oeuvre (Echéance, indicateurs)", Text, "Echéancier et indicateurs de suivi"),
                ],
            },
            Seed::Objective {
                code: "2.1.2",
                label: "Identification d'une deuxième classe médicamenteuse ou LPP parmi les classes les plus significatives et mise en place d'un groupe de travail avec élaboration d'un plan d'actions",
                children: &[
                    question("2.1.2.a", "Mise en place d'un groupe de travail et élaboration d'un plan d'actions", YesNo, YES),
                    question("2.1.2.b", "Actions mises en oeuvre", YesNo, YES),
                    question("2.1.2.c", "Suivi des actions mises en oeuvre (Echéance, indicateurs)", Text, "Echéancier et indicateurs de suivi"),
                ],
            },
            Seed::Objective {
                code: "2.1.3",
                label: "Identification d'une troisième classe médicamenteuse ou LPP parmi les classes les plus significatives et mise en place d'un groupe de travail avec élaboration d'un plan d'actions",
                children: &[
                    question("2.1.3.a", "Mise en place d'un groupe de travail et élaboration d'un plan d'actions", YesNo, YES),
                    question("2.1.3.b", "Actions mises en oeuvre", YesNo, YES),
                    question("2.1.3.c", "Suivi des actions mises en oeuvre (Echéance, indicateurs)", Text, "Echéancier et indicateurs de suivi"),
                ],
            },
        ],
    },
    Seed::Objective {
        code: "3.1",
        label: "Objectifs socles pour le développement et le suivi des activités de pharmacie clinique au regard des risques identifiés",
        children: &[
            Seed::Objective {
                code: "3.1.1",
                label: "Les situations à risques sont identifiées et un plan d'action est élaboré et validé",
                children: &[
                    question_answered_last_year(
                        "3.1.1.a",
                        "Cartographie des risques liés à la prise en charge médicamenteuse réalisée",
                        YesNo,
                        YES,
                        ("Non", "Cartographie engagée, finalisation prévue au premier semestre."),
                    ),
                    question("3.1.1.b", "Plan d'actions validé par la COMEDIMS et la CME", YesNo, YES),
                ],
            },
            Seed::Objective {
                code: "3.1.2",
                label: "Les activités de pharmacie clinique sont déployées auprès des patients à risque",
                children: &[
                    question_answered_last_year(
                        "3.1.2.a",
                        "Nombre de conciliations médicamenteuses d'entrée réalisées",
                        Number,
                        "500",
                        ("412", "Conciliations réalisées en cardiologie et en gériatrie."),
                    ),
                    question("3.1.2.b", "Taux de patients à risque ayant bénéficié d'une conciliation médicamenteuse", Percentage, "30 %"),
                    question("3.1.2.c", "Description des actions de pharmacie clinique déployées", Text, "Description"),
                ],
            },
        ],
    },
    Seed::Objective {
        code: "3.2",
        label: "Bon usage des antibiotiques",
        children: &[Seed::Objective {
            code: "3.2.1",
            label: "Une politique de bon usage des antibiotiques est formalisée et suivie",
            children: &[
                question("3.2.1.a", "Existence d'une commission des anti-infectieux", YesNo, YES),
                question("3.2.1.b", "Taux de réévaluation des antibiothérapies à 48-72 heures", Percentage, "80 %"),
                question("3.2.1.c", "Nombre de référents en antibiothérapie formés dans l'année", Number, "2"),
            ],
        }],
    },
    Seed::Objective {
        code: "4.1",
        label: "Indicateurs nationaux (évalués par la DGOS, sans saisie de l'établissement)",
        children: &[
            Seed::Objective {
                code: "4.1.1",
                label: "Maîtrise de l'évolution des dépenses de produits de santé",
                children: &[
                    national("4.1.1.a", "Taux d'évolution des dépenses d'inhibiteurs de la pompe à protons (IPP)", Percentage, "-5 %"),
                    national("4.1.1.b", "Taux d'évolution des dépenses de perfusion à domicile (Perfadom)", Percentage, "-3 %"),
                    national("4.1.1.c", "Taux d'évolution des dépenses de pansements", Percentage, "-3 %"),
                    national("4.1.1.d", "Taux d'évolution des dépenses d'ézétimibe", Percentage, "-5 %"),
                ],
            },
            Seed::Objective {
                code: "4.1.2",
                label: "Maîtrise de l'évolution des dépenses de transports",
                children: &[national("4.1.2.a", "Taux d'évolution des dépenses de transports prescrits", Percentage, "-2 %")],
            },
        ],
    },
];

const BFC: &str = "Bourgogne-Franche-Comté";

const ACODEGE_ESTABLISHMENTS: [EstablishmentSeed<'static>; 7] = [
    EstablishmentSeed {
        finess: "210905138",
        name: "EAM \"VESVROTTES\"",
        region: BFC,
        domain: Domain::MedicoSocial,
        address: "21310 BEIRE LE CHATEL",
    },
    EstablishmentSeed {
        finess: "210911003",
        name: "SAIP ACODEGE",
        region: BFC,
        domain: Domain::MedicoSocial,
        address: "1 R ANTOINE DE SAINT EXUPERY 21300 CHENOVE",
    },
    EstablishmentSeed {
        finess: "210780009",
        name: "CAMSP ACODEGE ETAB PRINCIPAL DIJON",
        region: BFC,
        domain: Domain::MedicoSocial,
        address: "16 R MILLOTET 21000 DIJON",
    },
    EstablishmentSeed {
        finess: "210780328",
        name: "DAME ARIA",
        region: BFC,
        domain: Domain::MedicoSocial,
        address: "29 R SAINT VINCENT DE PAUL 21000 DIJON",
    },
    EstablishmentSeed {
        finess: "210980702",
        name: "DAME CHARLES POISOT",
        region: BFC,
        domain: Domain::MedicoSocial,
        address: "18 R ST-VINCENT DE PAUL 21000 DIJON",
    },
    EstablishmentSeed {
        finess: "210980900",
        name: "CAMSP ACODEGE DIJON",
        region: BFC,
        domain: Domain::MedicoSocial,
        address: "1 R DU CHAPITRE 21300 CHENOVE",
    },
    EstablishmentSeed {
        finess: "210981106",
        name: "ESAT ACODEGE MARSANNAY",
        region: BFC,
        domain: Domain::MedicoSocial,
        address: "322 R DARDELAIN 21160 MARSANNAY LA COTE",
    },
];

async fn acodege(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    let entity = insert_legal_entity(
        db,
        LegalEntitySeed {
            finess: ACODEGE_FINESS,
            name: "ACODEGE",
            address: "2 R GAGNIEREUX 21014 DIJON",
            phone: "0390288028",
            domain: Domain::MedicoSocial,
        },
    )
    .await?;
    let mut establishments = Vec::new();
    for seed in &ACODEGE_ESTABLISHMENTS {
        establishments.push(insert_establishment(db, entity, seed).await?);
    }
    let mut tree = insert_contract(
        db,
        ContractSeed {
            legal_entity_id: entity,
            kind: ContractKind::Cpom,
            name: "CPOM_ACODEGE_2022 - 2023",
            code: "PRIVE",
            status: "En cours de négociation",
            agency_contact: "Claire MARTIN",
            evaluation_year: 2022,
            created_on: date(2021, 7, 15),
            effective_date: Some(date(2022, 1, 1)),
            effective_end_date: Some(date(2023, 12, 31)),
            status_reason: Some("3 Diagnostic"),
            competence: Some("Conjointe"),
        },
        &establishments,
        &[("DIRECTEUR", true), ("REF. CPOM", false)],
    )
    .await?;
    tree.seeds(db, None, ACODEGE_CPOM).await
}

const ACODEGE_CPOM: &[Seed] = &[
    Seed::Objective {
        code: "1.1",
        label: "Diagnostic partagé de l'offre médico-sociale",
        children: &[Seed::Objective {
            code: "1.1.1",
            label: "Le diagnostic des établissements et services est réalisé",
            children: &[
                question("1.1.1.a", "Diagnostic transmis à l'ARS et au Conseil départemental", YesNo, YES),
                question("1.1.1.b", "Taux d'occupation moyen des établissements", Percentage, "95 %"),
            ],
        }],
    },
    Seed::Objective {
        code: "2.1",
        label: "Qualité de l'accompagnement et droits des usagers",
        children: &[Seed::Objective {
            code: "2.1.1",
            label: "L'évaluation de la qualité des établissements et services est conduite",
            children: &[
                question("2.1.1.a", "Nombre d'établissements ayant déposé leur rapport d'évaluation", Number, "7"),
                question("2.1.1.b", "Principales actions d'amélioration engagées", Text, "Description"),
            ],
        }],
    },
];
