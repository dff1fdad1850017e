//! Demo data reproducing the user guides (`ECARS_DEMO=1`), plus a 500-question contract for
//! performance work, two agencies, and sample import files loaded through the importers. Loading
//! is idempotent: the guides' data once, the imports again with nothing to change.

mod accounts;
mod agencies;
pub mod files;
mod guides;
pub mod national;
mod performance;

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use ecars_core::vocabulary::Domain;
use ecars_core::vocabulary::NodeKind;
use ecars_core::vocabulary::ValueKind;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QuerySelect, TransactionTrait,
};

use crate::accounts::secrets::PasswordHashing;
use crate::contracts::{ContractKind, Phase};
use crate::db::entities::{
    answer, closing, contact, contract, contract_establishment, establishment, evaluation, indicator, legal_entity,
};
use crate::evaluation::years::server::PreviousAnswer;

pub use accounts::DEMO_ACCOUNTS;
pub use agencies::{ARA, BFC};
pub use guides::{ACODEGE_FINESS, CAQES_TEST_YEAR, CHU_GRENOBLE_FINESS};
pub use performance::{PERFORMANCE_CONTRACT, PERFORMANCE_FINESS};

/// Loads the demo data and accounts unless already there; returns whether data was loaded now.
pub async fn load(db: &DatabaseConnection, hashing: &PasswordHashing) -> Result<bool, DbErr> {
    let present = legal_entity::Entity::find()
        .filter(legal_entity::Column::Finess.eq(CHU_GRENOBLE_FINESS))
        .one(db)
        .await?
        .is_some();
    if !present {
        let txn = db.begin().await?;
        guides::load(&txn).await?;
        performance::load(&txn).await?;
        let evaluations: Vec<i32> =
            evaluation::Entity::find().select_only().column(evaluation::Column::Id).into_tuple().all(&txn).await?;
        for id in evaluations {
            crate::evaluation::figures::refresh(&txn, id).await?;
        }
        txn.commit().await?;
    }
    agencies::load(db).await?;
    files::load(db).await?;
    accounts::load(db, hashing).await?;
    if !present {
        sign_demo_closings(db).await?;
    }
    Ok(!present)
}

struct LegalEntitySeed<'a> {
    finess: &'a str,
    name: &'a str,
    address: &'a str,
    phone: &'a str,
    domain: Domain,
}

async fn insert_legal_entity(db: &impl ConnectionTrait, seed: LegalEntitySeed<'_>) -> Result<i32, DbErr> {
    let model = legal_entity::ActiveModel {
        finess: Set(seed.finess.into()),
        name: Set(seed.name.into()),
        address: Set(seed.address.into()),
        phone: Set(seed.phone.into()),
        domain: Set(seed.domain),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(model.id)
}

struct EstablishmentSeed<'a> {
    finess: &'a str,
    name: &'a str,
    region: &'a str,
    domain: Domain,
    address: &'a str,
}

async fn insert_establishment(
    db: &impl ConnectionTrait,
    legal_entity_id: i32,
    seed: &EstablishmentSeed<'_>,
) -> Result<i32, DbErr> {
    let model = establishment::ActiveModel {
        legal_entity_id: Set(legal_entity_id),
        finess: Set(seed.finess.into()),
        name: Set(seed.name.into()),
        region: Set(seed.region.into()),
        domain: Set(seed.domain),
        address: Set(seed.address.into()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(model.id)
}

struct ContractSeed<'a> {
    legal_entity_id: i32,
    kind: ContractKind,
    name: &'a str,
    code: &'a str,
    status: &'a str,
    agency_contact: &'a str,
    evaluation_year: i32,
    created_on: NaiveDate,
    effective_date: Option<NaiveDate>,
    effective_end_date: Option<NaiveDate>,
    status_reason: Option<&'a str>,
    competence: Option<&'a str>,
}

async fn insert_contract(
    db: &impl ConnectionTrait,
    seed: ContractSeed<'_>,
    establishment_ids: &[i32],
    contacts: &[(&str, bool)],
) -> Result<TreeWriter, DbErr> {
    let contract_id = contract::ActiveModel {
        legal_entity_id: Set(seed.legal_entity_id),
        kind: Set(seed.kind),
        name: Set(seed.name.into()),
        code: Set(seed.code.into()),
        status: Set(seed.status.into()),
        agency_contact: Set(seed.agency_contact.into()),
        estimated_signature_date: Set(None),
        effective_date: Set(seed.effective_date),
        prorogation_months: Set(None),
        effective_end_date: Set(seed.effective_end_date),
        last_prorogation_date: Set(None),
        created_on: Set(seed.created_on),
        status_reason: Set(seed.status_reason.map(Into::into)),
        competence: Set(seed.competence.map(Into::into)),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id;
    for &establishment_id in establishment_ids {
        contract_establishment::ActiveModel { contract_id: Set(contract_id), establishment_id: Set(establishment_id) }
            .insert(db)
            .await?;
    }
    for (position, (function, mandatory)) in contacts.iter().enumerate() {
        contact::ActiveModel {
            contract_id: Set(contract_id),
            function: Set((*function).into()),
            position: Set(position as i32),
            mandatory: Set(*mandatory),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    add_evaluation(db, contract_id, seed.evaluation_year, None, HashMap::new()).await
}

/// A new evaluation of a contract in Auto-Evaluation, open for entry during `window` (or until it
/// is closed), its questions to be written with last year's answers by code.
async fn add_evaluation(
    db: &impl ConnectionTrait,
    contract_id: i32,
    year: i32,
    window: Option<(NaiveDate, NaiveDate)>,
    previous: HashMap<String, PreviousAnswer>,
) -> Result<TreeWriter, DbErr> {
    let evaluation = evaluation::ActiveModel {
        contract_id: Set(contract_id),
        year: Set(year),
        phase: Set(Phase::AutoEvaluation),
        opens_on: Set(window.map(|(opens_on, _)| opens_on)),
        closes_on: Set(window.map(|(_, closes_on)| closes_on)),
        opened_at: Set(window.map(|(opens_on, _)| crate::db::agency_midnight(opens_on))),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(TreeWriter {
        contract_id,
        evaluation_id: evaluation.id,
        year,
        next_position: 0,
        previous,
        questions: Vec::new(),
    })
}

/// A node of a seeded indicator tree.
enum Seed {
    Objective { code: &'static str, label: &'static str, children: &'static [Seed] },
    Question(QuestionSeed<'static>),
}

struct QuestionSeed<'a> {
    code: &'a str,
    label: &'a str,
    kind: ValueKind,
    target: &'a str,
    /// National indicators are evaluated by the agency: grey for the establishment.
    national: bool,
    /// The answer of the year before (achieved value, comment), where the guide shows it.
    last_year: Option<(&'a str, &'a str)>,
}

impl QuestionSeed<'_> {
    /// The answer of the year before: the guide's, or a plausible one of its kind.
    fn last_year_answer(&self) -> (&str, Option<&str>) {
        match self.last_year {
            Some((achieved, comment)) => (achieved, Some(comment)),
            None => match self.kind {
                ValueKind::YesNo => ("Oui", None),
                ValueKind::Percentage => ("75", None),
                ValueKind::Number => ("3", None),
                ValueKind::Text => ("Actions engagées, suivies chaque trimestre en COMEDIMS.", None),
            },
        }
    }
}

const fn question(code: &'static str, label: &'static str, kind: ValueKind, target: &'static str) -> Seed {
    Seed::Question(QuestionSeed { code, label, kind, target, national: false, last_year: None })
}

const fn national(code: &'static str, label: &'static str, kind: ValueKind, target: &'static str) -> Seed {
    Seed::Question(QuestionSeed { code, label, kind, target, national: true, last_year: None })
}

/// A question with the guide's answer of the year before: achieved value and comment.
const fn question_answered_last_year(
    code: &'static str,
    label: &'static str,
    kind: ValueKind,
    target: &'static str,
    last_year: (&'static str, &'static str),
) -> Seed {
    Seed::Question(QuestionSeed { code, label, kind, target, national: false, last_year: Some(last_year) })
}

/// Inserts an evaluation's indicator nodes in depth-first order, numbering their positions.
struct TreeWriter {
    contract_id: i32,
    evaluation_id: i32,
    year: i32,
    next_position: i32,
    /// Last year's answers, by question code.
    previous: HashMap<String, PreviousAnswer>,
    /// The questions written from static seeds, with their ids.
    questions: Vec<(i32, &'static QuestionSeed<'static>)>,
}

impl TreeWriter {
    async fn objective(
        &mut self,
        db: &impl ConnectionTrait,
        parent: Option<i32>,
        code: &str,
        label: &str,
    ) -> Result<i32, DbErr> {
        self.insert(db, parent, code, label, None).await
    }

    async fn question(
        &mut self,
        db: &impl ConnectionTrait,
        parent: i32,
        seed: &QuestionSeed<'_>,
    ) -> Result<i32, DbErr> {
        self.insert(db, Some(parent), seed.code, seed.label, Some(seed)).await
    }

    async fn insert(
        &mut self,
        db: &impl ConnectionTrait,
        parent: Option<i32>,
        code: &str,
        label: &str,
        question: Option<&QuestionSeed<'_>>,
    ) -> Result<i32, DbErr> {
        self.next_position += 1;
        let previous = question.and_then(|_| self.previous.get(code)).cloned().unwrap_or_default();
        let model = indicator::ActiveModel {
            contract_id: Set(self.contract_id),
            evaluation_id: Set(self.evaluation_id),
            parent_id: Set(parent),
            node_kind: Set(if question.is_some() { NodeKind::Question } else { NodeKind::Objective }),
            code: Set(code.into()),
            label: Set(label.into()),
            position: Set(self.next_position),
            year: Set(question.map(|_| self.year)),
            target: Set(question.map(|q| q.target.into())),
            value_kind: Set(question.map(|q| q.kind)),
            editable_by_establishment: Set(question.is_none_or(|q| !q.national)),
            previous_achieved: Set(previous.achieved),
            previous_comment: Set(previous.comment),
            ..Default::default()
        }
        .insert(db)
        .await?;
        Ok(model.id)
    }

    /// Writes a static tree; boxed because it recurses.
    fn seeds<'a, C: ConnectionTrait + Sync>(
        &'a mut self,
        db: &'a C,
        parent: Option<i32>,
        seeds: &'static [Seed],
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), DbErr>> + Send + 'a>> {
        Box::pin(async move {
            for seed in seeds {
                match seed {
                    Seed::Objective { code, label, children } => {
                        let id = self.objective(db, parent, code, label).await?;
                        self.seeds(db, Some(id), children).await?;
                    }
                    Seed::Question(question) => {
                        let parent = parent
                            .ok_or_else(|| DbErr::Custom(format!("question {} without objective", question.code)))?;
                        let id = self.question(db, parent, question).await?;
                        self.questions.push((id, question));
                    }
                }
            }
            Ok(())
        })
    }
}

async fn insert_answer(
    db: &impl ConnectionTrait,
    question_id: i32,
    achieved: &str,
    comment: Option<&str>,
) -> Result<(), DbErr> {
    answer::ActiveModel {
        question_id: Set(question_id),
        not_concerned: Set(false),
        achieved: Set(Some(achieved.into())),
        comment: Set(comment.map(Into::into)),
        version: Set(1),
        updated_at: Set(Utc::now()),
        updated_by: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Closes a demo evaluation at `closed_at`; its author is set once the accounts exist
/// ([`sign_demo_closings`]).
async fn close_demo_evaluation(
    db: &impl ConnectionTrait,
    evaluation_id: i32,
    closed_at: chrono::DateTime<Utc>,
) -> Result<(), DbErr> {
    evaluation::Entity::update_many()
        .col_expr(evaluation::Column::Phase, sea_orm::sea_query::Expr::value(Phase::Consultation))
        .filter(evaluation::Column::Id.eq(evaluation_id))
        .exec(db)
        .await?;
    closing::ActiveModel {
        evaluation_id: Set(evaluation_id),
        closed_at: Set(closed_at),
        closed_by: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The demo's closings were made by the CHU's user.
async fn sign_demo_closings(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    let Some(chu) = crate::accounts::directory::find_user(db, accounts::CHU_EMAIL).await? else { return Ok(()) };
    closing::Entity::update_many()
        .col_expr(closing::Column::ClosedBy, sea_orm::sea_query::Expr::value(chu.id))
        .filter(closing::Column::ClosedBy.is_null())
        .filter(closing::Column::ReopenedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or_default()
}
