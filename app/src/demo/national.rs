//! National-size data (`ecars demo generate --entities 3000 --years 5`): legal entities spread over
//! the eighteen regional agencies (those the demo lacks are added), or all in one region
//! (`--region`), each with an establishment account, a CAQES of 500 questions (the shape of the
//! performance contract) and one evaluation a year, the earlier years closed and answered, the
//! current one open and half answered. For measuring the portal at the size of all agencies
//! together, on a database no portal writes to meanwhile (identifiers are given here, in bulk).

use chrono::{Datelike, Duration, Utc};
use ecars_core::vocabulary::Domain;
use ecars_core::vocabulary::NodeKind;
use ecars_core::vocabulary::Role;
use ecars_core::vocabulary::ValueKind;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityName, EntityTrait,
    PaginatorTrait, QueryFilter, QuerySelect, Statement, TransactionTrait,
};

use crate::contracts::{ContractKind, Phase};
use crate::db::entities::{
    agency, answer, closing, contact, contract, evaluation, indicator, legal_entity, user, user_legal_entity,
};

/// The generated accounts' password (the accounts are for load tests, never for real use).
pub const GENERATED_PASSWORD: &str = "Generation-Demo-2026!";
/// Generated FINESS numbers start with this, then the entity's number on 7 digits.
const FINESS_PREFIX: &str = "80";
/// Objectives x sub-objectives x questions: 10 x 5 x 10 = 500 questions, as the performance contract.
const OBJECTIVES: usize = 10;
const SUB_OBJECTIVES: usize = 5;
const QUESTIONS: usize = 10;
/// Entities written per transaction, and rows per INSERT.
/// On a campaign's last day, the questions answered in the current year: all but the last dozen.
pub const LAST_DAY_ANSWERED: usize = OBJECTIVES * SUB_OBJECTIVES * QUESTIONS - 12;
const ENTITIES_PER_TRANSACTION: usize = 10;
const ROWS_PER_INSERT: usize = 1000;

/// The generated account of entity `n` (from 1).
pub fn generated_email(n: usize) -> String {
    format!("etablissement-{n:05}@generation.exemple.fr")
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Size {
    pub entities: usize,
    pub years: usize,
    /// The current year answered but for its questions after [`LAST_DAY_ANSWERED`] (otherwise
    /// every other one).
    pub last_day: bool,
    /// Every entity in the agency of this region ("Auvergne-Rhône-Alpes"); none: spread over all.
    pub region: Option<String>,
}

/// What was written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Generated {
    pub entities: usize,
    pub evaluations: usize,
    pub indicators: usize,
    pub answers: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error("generated data is already there (FINESS {FINESS_PREFIX}…): generate into a fresh database")]
    AlreadyThere,
    #[error("no agency of region {0}")]
    NoSuchRegion(String),
    #[error("--entities must be 1 to 9,999,999 and --years 1 to 20")]
    Size,
    #[error("database: {0}")]
    Database(#[from] DbErr),
}

/// France's eighteen regions, each with its agency.
const REGIONS: [&str; 18] = [
    "Auvergne-Rhône-Alpes",
    "Bourgogne-Franche-Comté",
    "Bretagne",
    "Centre-Val de Loire",
    "Corse",
    "Grand Est",
    "Guadeloupe",
    "Guyane",
    "Hauts-de-France",
    "Île-de-France",
    "La Réunion",
    "Martinique",
    "Mayotte",
    "Normandie",
    "Nouvelle-Aquitaine",
    "Occitanie",
    "Pays de la Loire",
    "Provence-Alpes-Côte d'Azur",
];

/// The agency of every region, those missing added (an agency is a region's, whatever its name).
async fn regional_agencies(db: &DatabaseConnection) -> Result<Vec<i32>, DbErr> {
    let mut ids = Vec::with_capacity(REGIONS.len());
    for region in REGIONS {
        let id = match agency::Entity::find().filter(agency::Column::Region.eq(region)).one(db).await? {
            Some(agency) => agency.id,
            None => {
                agency::Entity::insert(agency::ActiveModel {
                    name: Set(format!("ARS {region}")),
                    region: Set(region.to_owned()),
                    departements: Set(String::new()),
                    quality_email: Set("qualite@ars.exemple.fr".to_owned()),
                    support_email: Set("support@ars.exemple.fr".to_owned()),
                    support_phone: Set("01 00 00 00 00".to_owned()),
                    created_at: Set(Utc::now()),
                    ..Default::default()
                })
                .exec(db)
                .await?
                .last_insert_id
            }
        };
        ids.push(id);
    }
    Ok(ids)
}

/// Writes `size` on `db`, calling `progress` with the entities written so far. The password is
/// hashed once by the caller (`password_hash`) for every account.
pub async fn generate(
    db: &DatabaseConnection,
    size: Size,
    password_hash: &str,
    mut progress: impl FnMut(Generated),
) -> Result<Generated, GenerateError> {
    if !(1..=9_999_999).contains(&size.entities) || !(1..=20).contains(&size.years) {
        return Err(GenerateError::Size);
    }
    let first_finess = format!("{FINESS_PREFIX}{:07}", 1);
    if legal_entity::Entity::find().filter(legal_entity::Column::Finess.eq(first_finess)).count(db).await? > 0 {
        return Err(GenerateError::AlreadyThere);
    }
    let agencies = match &size.region {
        Some(region) => {
            let agency = agency::Entity::find().filter(agency::Column::Region.eq(region.as_str())).one(db).await?;
            vec![agency.ok_or_else(|| GenerateError::NoSuchRegion(region.clone()))?.id]
        }
        None => regional_agencies(db).await?,
    };
    let mut ids = NextIds::read(db).await?;
    let today = crate::db::agency_date(Utc::now());
    let entities = size.entities;
    let mut writer = Writer { size, today, password_hash, agencies, done: Generated::default() };
    for first in (1..=entities).step_by(ENTITIES_PER_TRANSACTION) {
        let last = (first + ENTITIES_PER_TRANSACTION - 1).min(entities);
        let txn = db.begin().await?;
        let mut rows = Rows::default();
        for n in first..=last {
            writer.entity(n, &mut ids, &mut rows);
        }
        rows.insert(&txn).await?;
        txn.commit().await?;
        progress(writer.done);
    }
    restart_sequences(db).await?;
    Ok(writer.done)
}

/// The next identifier of each table written.
struct NextIds {
    legal_entity: i32,
    user: i32,
    contract: i32,
    contact: i32,
    evaluation: i32,
    indicator: i32,
    answer: i32,
    closing: i32,
}

impl NextIds {
    async fn read(db: &DatabaseConnection) -> Result<Self, DbErr> {
        Ok(NextIds {
            legal_entity: next_id::<legal_entity::Entity>(db, legal_entity::Column::Id).await?,
            user: next_id::<user::Entity>(db, user::Column::Id).await?,
            contract: next_id::<contract::Entity>(db, contract::Column::Id).await?,
            contact: next_id::<contact::Entity>(db, contact::Column::Id).await?,
            evaluation: next_id::<evaluation::Entity>(db, evaluation::Column::Id).await?,
            indicator: next_id::<indicator::Entity>(db, indicator::Column::Id).await?,
            answer: next_id::<answer::Entity>(db, answer::Column::Id).await?,
            closing: next_id::<closing::Entity>(db, closing::Column::Id).await?,
        })
    }
}

async fn next_id<E: EntityTrait>(db: &DatabaseConnection, id: E::Column) -> Result<i32, DbErr> {
    let max: Option<Option<i32>> = E::find().select_only().column_as(id.max(), "max").into_tuple().one(db).await?;
    Ok(max.flatten().unwrap_or(0) + 1)
}

fn take(next: &mut i32) -> i32 {
    let id = *next;
    *next += 1;
    id
}

/// PostgreSQL's sequences go on after the identifiers given here (SQLite's rowids do by themselves).
async fn restart_sequences(db: &DatabaseConnection) -> Result<(), DbErr> {
    if db.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    let tables = [
        legal_entity::Entity.table_name(),
        user::Entity.table_name(),
        contract::Entity.table_name(),
        contact::Entity.table_name(),
        evaluation::Entity.table_name(),
        indicator::Entity.table_name(),
        answer::Entity.table_name(),
        closing::Entity.table_name(),
    ];
    for table in tables {
        let sql = format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM \"{table}\"))"
        );
        db.query_one_raw(Statement::from_string(DbBackend::Postgres, sql)).await?;
        // The planner judges the new sizes from fresh statistics.
        db.execute_unprepared(&format!("ANALYZE \"{table}\"")).await?;
    }
    Ok(())
}

/// The rows of a few entities, written together.
#[derive(Default)]
struct Rows {
    legal_entities: Vec<legal_entity::ActiveModel>,
    users: Vec<user::ActiveModel>,
    user_legal_entities: Vec<user_legal_entity::ActiveModel>,
    contracts: Vec<contract::ActiveModel>,
    contacts: Vec<contact::ActiveModel>,
    evaluations: Vec<evaluation::ActiveModel>,
    indicators: Vec<indicator::ActiveModel>,
    answers: Vec<answer::ActiveModel>,
    closings: Vec<closing::ActiveModel>,
}

impl Rows {
    /// In the order of the foreign keys.
    async fn insert(self, db: &impl ConnectionTrait) -> Result<(), DbErr> {
        insert_all(db, self.legal_entities).await?;
        insert_all(db, self.users).await?;
        insert_all(db, self.user_legal_entities).await?;
        insert_all(db, self.contracts).await?;
        insert_all(db, self.contacts).await?;
        insert_all(db, self.evaluations).await?;
        insert_all(db, self.indicators).await?;
        insert_all(db, self.answers).await?;
        insert_all(db, self.closings).await
    }
}

async fn insert_all<A>(db: &impl ConnectionTrait, rows: Vec<A>) -> Result<(), DbErr>
where
    A: sea_orm::ActiveModelTrait + Send,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(ROWS_PER_INSERT).collect();
        A::Entity::insert_many(chunk).exec_without_returning(db).await?;
    }
    Ok(())
}

struct Writer<'a> {
    size: Size,
    today: chrono::NaiveDate,
    password_hash: &'a str,
    agencies: Vec<i32>,
    done: Generated,
}

impl Writer<'_> {
    /// Entity `n`: its account, its contract and every year of its evaluation.
    fn entity(&mut self, n: usize, ids: &mut NextIds, rows: &mut Rows) {
        let now = Utc::now();
        let entity_id = take(&mut ids.legal_entity);
        let agency_id = self.agencies[n % self.agencies.len()];
        rows.legal_entities.push(legal_entity::ActiveModel {
            id: Set(entity_id),
            finess: Set(format!("{FINESS_PREFIX}{n:07}")),
            name: Set(format!("CENTRE HOSPITALIER GENERE N° {n}")),
            address: Set(format!("{} RUE DE LA SANTE 75000 PARIS", n % 200 + 1)),
            phone: Set("0100000000".to_owned()),
            domain: Set(if n.is_multiple_of(3) { Domain::MedicoSocial } else { Domain::Sanitaire }),
            agency_id: Set(Some(agency_id)),
        });
        let user_id = take(&mut ids.user);
        rows.users.push(user::ActiveModel {
            id: Set(user_id),
            email: Set(generated_email(n)),
            password_hash: Set(self.password_hash.to_owned()),
            role: Set(Role::Establishment),
            must_renew_password: Set(false),
            created_at: Set(now),
            failed_logins: Set(0),
            locked_until: Set(None),
            failures_since: Set(None),
            agency_id: Set(None),
            last_login_at: Set(None),
            deactivated_at: Set(None),
            reminders_stopped: Set(false),
            digest_stopped: Set(false),
        });
        rows.user_legal_entities
            .push(user_legal_entity::ActiveModel { user_id: Set(user_id), legal_entity_id: Set(entity_id) });
        let contract_id = take(&mut ids.contract);
        let first_year = self.today.year() - self.size.years as i32 + 1;
        rows.contracts.push(contract::ActiveModel {
            id: Set(contract_id),
            legal_entity_id: Set(entity_id),
            kind: Set(ContractKind::Caqes),
            name: Set(format!("CAQES GENERE {n}")),
            code: Set("PUBLIC".to_owned()),
            status: Set("Signé".to_owned()),
            agency_contact: Set("Référent de l'agence".to_owned()),
            estimated_signature_date: Set(None),
            effective_date: Set(chrono::NaiveDate::from_ymd_opt(first_year, 1, 1)),
            prorogation_months: Set(None),
            effective_end_date: Set(None),
            last_prorogation_date: Set(None),
            created_on: Set(chrono::NaiveDate::from_ymd_opt(first_year, 1, 1).unwrap_or(self.today)),
            status_reason: Set(None),
            competence: Set(None),
            referential_version_id: Set(None),
        });
        for (position, (function, mandatory)) in [("DIRECTEUR", true), ("REF. CAQES", false)].into_iter().enumerate() {
            rows.contacts.push(contact::ActiveModel {
                id: Set(take(&mut ids.contact)),
                contract_id: Set(contract_id),
                function: Set(function.to_owned()),
                position: Set(position as i32),
                mandatory: Set(mandatory),
                ..Default::default()
            });
        }
        for year in first_year..=self.today.year() {
            let current = year == self.today.year();
            let evaluation_id = take(&mut ids.evaluation);
            let (opens_on, closes_on) = if current {
                (self.today - Duration::days(30), self.today + Duration::days(60))
            } else {
                let opens = chrono::NaiveDate::from_ymd_opt(year, 3, 1).unwrap_or(self.today);
                (opens, opens + Duration::days(90))
            };
            let figures = self.tree(contract_id, evaluation_id, year, current, user_id, ids, rows);
            rows.evaluations.push(evaluation::ActiveModel {
                id: Set(evaluation_id),
                contract_id: Set(contract_id),
                year: Set(year),
                phase: Set(if current { Phase::AutoEvaluation } else { Phase::Consultation }),
                referential_version_id: Set(None),
                campaign_id: Set(None),
                opens_on: Set(Some(opens_on)),
                closes_on: Set(Some(closes_on)),
                extended_until: Set(None),
                opened_at: Set(Some(crate::db::agency_midnight(opens_on))),
                required_questions: Set(figures.required),
                answered_questions: Set(figures.answered),
                latest_answer_at: Set(figures.latest.map(|(at, _)| at)),
                latest_answer_by: Set(figures.latest.map(|(_, by)| by)),
                question_documents: Set(0),
            });
            if !current {
                rows.closings.push(closing::ActiveModel {
                    id: Set(take(&mut ids.closing)),
                    evaluation_id: Set(evaluation_id),
                    closed_at: Set(crate::db::agency_midnight(closes_on)),
                    closed_by: Set(Some(user_id)),
                    receipt: Set(None),
                    reopened_at: Set(None),
                    reopened_by: Set(None),
                    reopen_reason: Set(None),
                });
            }
            self.done.evaluations += 1;
        }
        self.done.entities += 1;
    }

    /// One evaluation's 560 nodes and its answers: all of them in a closed year, half in the open one.
    #[allow(clippy::too_many_arguments)]
    fn tree(
        &mut self,
        contract_id: i32,
        evaluation_id: i32,
        year: i32,
        current: bool,
        user_id: i32,
        ids: &mut NextIds,
        rows: &mut Rows,
    ) -> Figures {
        let mut position = 0;
        let mut number = 0;
        let mut node = |parent: Option<i32>, code: String, label: String, question: Option<(ValueKind, bool)>| {
            position += 1;
            let id = take(&mut ids.indicator);
            rows.indicators.push(indicator::ActiveModel {
                id: Set(id),
                contract_id: Set(contract_id),
                evaluation_id: Set(evaluation_id),
                parent_id: Set(parent),
                node_kind: Set(if question.is_some() { NodeKind::Question } else { NodeKind::Objective }),
                code: Set(code),
                label: Set(label),
                position: Set(position),
                year: Set(question.map(|_| year)),
                target: Set(question.map(|_| "Cible régionale".to_owned())),
                value_kind: Set(question.map(|(kind, _)| kind)),
                editable_by_establishment: Set(question.is_none_or(|(_, national)| !national)),
                previous_achieved: Set(None),
                previous_comment: Set(None),
                direction: Set(Default::default()),
                weight: Set(Default::default()),
            });
            id
        };
        let mut questions = Vec::with_capacity(OBJECTIVES * SUB_OBJECTIVES * QUESTIONS);
        for objective in 1..=OBJECTIVES {
            let code = format!("{objective}.1");
            let objective_id = node(None, code, format!("Objectif généré n° {objective}"), None);
            for sub in 1..=SUB_OBJECTIVES {
                let code = format!("{objective}.1.{sub}");
                let sub_id = node(Some(objective_id), code.clone(), format!("Sous-objectif généré {code}"), None);
                for letter in b'a'..b'a' + QUESTIONS as u8 {
                    number += 1;
                    let kind =
                        [ValueKind::YesNo, ValueKind::Percentage, ValueKind::Number, ValueKind::Text][number % 4];
                    let national = number.is_multiple_of(9);
                    let code = format!("{objective}.1.{sub}.{}", letter as char);
                    let label = format!("Question générée n° {number} : indicateur de suivi");
                    let id = node(Some(sub_id), code, label, Some((kind, national)));
                    questions.push((id, kind, national, number));
                }
            }
        }
        self.done.indicators += position as usize;
        let updated_at = crate::db::agency_midnight(self.today);
        let mut figures = Figures { required: 0, answered: 0, latest: None };
        for (question_id, kind, national, number) in questions {
            if !national {
                figures.required += 1;
            }
            let answered_now = if self.size.last_day { number <= LAST_DAY_ANSWERED } else { number.is_multiple_of(2) };
            if national || (current && !answered_now) {
                continue;
            }
            figures.answered += 1;
            figures.latest = Some((updated_at, user_id));
            let achieved = match kind {
                ValueKind::YesNo => "Oui",
                ValueKind::Percentage => "85",
                ValueKind::Number => "12",
                ValueKind::Text => "Plan d'actions validé",
            };
            rows.answers.push(answer::ActiveModel {
                id: Set(take(&mut ids.answer)),
                question_id: Set(question_id),
                not_concerned: Set(false),
                achieved: Set(Some(achieved.to_owned())),
                comment: Set(None),
                version: Set(1),
                updated_at: Set(updated_at),
                updated_by: Set(Some(user_id)),
                source: Set(None),
            });
            self.done.answers += 1;
        }
        figures
    }
}

/// What an evaluation keeps of its answers (`crate::evaluation::figures`), known as they are made.
struct Figures {
    required: i32,
    answered: i32,
    latest: Option<(chrono::DateTime<chrono::Utc>, i32)>,
}
