//! Which contracts and evaluations a viewer may read, change or steer, asked of the access gate
//! (`accounts::access`, which says who the viewer is and what it reaches): the evaluation's own
//! rules (its year, its phase, its window) are the evaluation's.

use ecars_core::ids::{ContractId, QuestionId};
use ecars_core::vocabulary::NodeKind;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};

use crate::accounts::access::{check_writes, reads_legal_entity, Viewer};
use crate::accounts::security_log::{record, Event, Outcome};
use crate::db::entities::{contract, evaluation, indicator};
use crate::evaluation::years::server as years;
use crate::AppError;

/// A contract the viewer may read, one of its evaluations (the current one unless an earlier
/// year was asked for), and whether the viewer may change that evaluation now: an establishment
/// user of its legal entity, while it is in Auto-Evaluation and inside its window.
#[derive(Debug, Clone)]
pub struct ContractAccess {
    pub contract: contract::Model,
    pub evaluation: evaluation::Model,
    /// The evaluation is the contract's current one (an earlier year's is read-only).
    pub current: bool,
    pub editable: bool,
}

impl ContractAccess {
    /// Whether anything of the evaluation can change on `today`, whoever asks: the current year,
    /// in Auto-Evaluation, inside its window.
    pub fn check_open(&self, today: chrono::NaiveDate) -> Result<(), AppError> {
        if !self.current {
            return Err(AppError::NotEditable(years::EARLIER.to_owned()));
        }
        crate::campaigns::window::server::check_open(&self.evaluation, today)
    }

    /// The viewer fills this question of the contract now (national questions are the agency's).
    pub fn may_answer(&self, question: &indicator::Model) -> bool {
        self.editable && question.editable_by_establishment
    }
}

/// The contract `id`, if the viewer may read it.
pub async fn readable_contract(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: ContractId,
) -> Result<ContractAccess, AppError> {
    readable_evaluation(db, viewer, id, None).await
}

/// The contract `id` and its evaluation of `year` (the current one for `None`), if the viewer may
/// read the contract and it has such a year.
pub async fn readable_evaluation(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: ContractId,
    year: Option<i32>,
) -> Result<ContractAccess, AppError> {
    let contract = readable_contract_row(db, viewer, id).await?;
    let current = years::current(db, id).await?;
    let evaluation = match year {
        Some(year) if year != current.year => years::of_year(db, id, year).await?.ok_or(AppError::NotFound)?,
        _ => current.clone(),
    };
    Ok(access_to(viewer, contract, evaluation, current.id))
}

async fn readable_contract_row(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: ContractId,
) -> Result<contract::Model, AppError> {
    let contract = contract::Entity::find_by_id(id.0).one(db).await?.ok_or(AppError::NotFound)?;
    if !reads_legal_entity(db, viewer, contract.legal_entity_id).await? {
        return Err(AppError::NotFound);
    }
    Ok(contract)
}

/// An earlier year (not `current_id`) is read-only.
fn access_to(
    viewer: &Viewer,
    contract: contract::Model,
    evaluation: evaluation::Model,
    current_id: i32,
) -> ContractAccess {
    let mut access = ContractAccess { current: evaluation.id == current_id, contract, evaluation, editable: false };
    access.editable = viewer.writes(access.contract.legal_entity_id) && access.check_open(viewer.today()).is_ok();
    access
}

/// The contract `id` and its current evaluation, if the viewer may change it: "not found" when it cannot even read it,
/// "forbidden" when it only reads it. Its phase is checked by the write itself, under the
/// contract's lock (`contracts::service::lock_open`).
pub async fn writable_contract(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: ContractId,
) -> Result<ContractAccess, AppError> {
    let access = readable_contract(db, viewer, id).await?;
    check_writes(viewer, access.contract.legal_entity_id)?;
    Ok(access)
}

/// The contract `id` and its current evaluation, if the viewer steers its campaign (see
/// [`Viewer::steers_campaigns`]): "not found" when it cannot even read it, "forbidden" for an
/// establishment user.
pub async fn steerable_contract(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: ContractId,
) -> Result<ContractAccess, AppError> {
    let access = readable_contract(db, viewer, id).await?;
    if !viewer.steers_campaigns() {
        record(Event::AccessRefused, Some(&viewer.email), Outcome::Refused, "not_steering_campaigns");
        return Err(AppError::Forbidden);
    }
    Ok(access)
}

/// A question (leaf of a tree) of a contract the viewer may read; anything else is "not found".
pub async fn readable_question(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    question_id: QuestionId,
) -> Result<(indicator::Model, ContractAccess), AppError> {
    let question = indicator::Entity::find_by_id(question_id.0)
        .one(db)
        .await?
        .filter(|node| node.node_kind == NodeKind::Question)
        .ok_or(AppError::NotFound)?;
    let contract = readable_contract_row(db, viewer, ContractId(question.contract_id)).await?;
    let evaluation = evaluation::Entity::find_by_id(question.evaluation_id)
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("evaluation of question {question_id}")))?;
    let current = years::current(db, ContractId(contract.id)).await?;
    Ok((question, access_to(viewer, contract, evaluation, current.id)))
}
