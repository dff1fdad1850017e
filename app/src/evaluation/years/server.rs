//! The server's side of `years` (behind `ssr`: the browser's build never reads this file).

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use ecars_core::ids::{ContractId, EvaluationId};
use ecars_core::vocabulary::NodeKind;
use ecars_core::vocabulary::Phase;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use super::{ClosingEvent, EvaluationYear, Reopening};
use crate::accounts::directory::emails_by_id;
use crate::db::entities::{closing, evaluation, indicator, referential_node};
use crate::db::french_date_time;
use crate::AppError;

/// Why nothing of a closed evaluation can change.
pub const CLOSED: &str =
    "Cette évaluation est en Consultation : la saisie est close, plus rien ne peut y être modifié.";

/// Why nothing of an earlier year's evaluation can change.
pub const EARLIER: &str =
    "Cette évaluation est celle d'une année précédente : elle se consulte, plus rien n'y est modifié.";

/// The current evaluation of a contract: its latest year.
pub async fn current(db: &impl ConnectionTrait, contract_id: ContractId) -> Result<evaluation::Model, DbErr> {
    evaluation::Entity::find()
        .filter(evaluation::Column::ContractId.eq(contract_id))
        .order_by_desc(evaluation::Column::Year)
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("evaluation of contract {contract_id}")))
}

/// The evaluation of `year`, if the contract has one.
pub async fn of_year(
    db: &impl ConnectionTrait,
    contract_id: ContractId,
    year: i32,
) -> Result<Option<evaluation::Model>, DbErr> {
    evaluation::Entity::find()
        .filter(evaluation::Column::ContractId.eq(contract_id))
        .filter(evaluation::Column::Year.eq(year))
        .one(db)
        .await
}

/// The phase of each contract's current evaluation.
pub async fn current_phases(
    db: &impl ConnectionTrait,
    contract_ids: impl IntoIterator<Item = i32>,
) -> Result<HashMap<i32, Phase>, DbErr> {
    let rows: Vec<(i32, Phase)> = evaluation::Entity::find()
        .select_only()
        .columns([evaluation::Column::ContractId, evaluation::Column::Phase])
        .filter(evaluation::Column::ContractId.is_in(contract_ids))
        .order_by_asc(evaluation::Column::Year)
        .into_tuple()
        .all(db)
        .await?;
    // Latest year last: it is the one kept.
    Ok(rows.into_iter().collect())
}

/// Inside a write transaction, before anything else: holds evaluation `id` until the commit
/// (on SQLite the transaction takes the write lock, on PostgreSQL the row lock), so that a
/// closing, a save and an extension of its window can never interleave. Refused once it is in
/// Consultation, outside its window on `today`, or once a later year was opened. Returns the
/// evaluation as locked.
pub async fn lock_open(txn: &DatabaseTransaction, id: i32, today: NaiveDate) -> Result<evaluation::Model, AppError> {
    let locked = lock(txn, id).await?;
    if current(txn, ContractId(locked.contract_id)).await?.id != locked.id {
        return Err(AppError::NotEditable(EARLIER.to_owned()));
    }
    crate::campaigns::window::server::check_open(&locked, today)?;
    Ok(locked)
}

/// Holds evaluation `id` until the commit (see [`lock_open`]), and reads it.
pub async fn lock(txn: &DatabaseTransaction, id: i32) -> Result<evaluation::Model, AppError> {
    evaluation::Entity::update_many()
        .col_expr(evaluation::Column::Phase, Expr::col(evaluation::Column::Phase))
        .filter(evaluation::Column::Id.eq(id))
        .exec(txn)
        .await?;
    evaluation::Entity::find_by_id(id).one(txn).await?.ok_or(AppError::NotFound)
}

/// The closing in force of an evaluation (its latest, not reopened), if it is closed.
pub async fn closing_in_force(
    db: &impl ConnectionTrait,
    evaluation_id: EvaluationId,
) -> Result<Option<closing::Model>, DbErr> {
    closing::Entity::find()
        .filter(closing::Column::EvaluationId.eq(evaluation_id))
        .filter(closing::Column::ReopenedAt.is_null())
        .order_by_desc(closing::Column::ClosedAt)
        .one(db)
        .await
}

/// Every year of a contract, latest first, each with its closings (oldest first).
pub async fn history(db: &impl ConnectionTrait, contract_id: ContractId) -> Result<Vec<EvaluationYear>, DbErr> {
    let evaluations = evaluation::Entity::find()
        .filter(evaluation::Column::ContractId.eq(contract_id))
        .order_by_desc(evaluation::Column::Year)
        .all(db)
        .await?;
    let closings = closing::Entity::find()
        .filter(closing::Column::EvaluationId.is_in(evaluations.iter().map(|evaluation| evaluation.id)))
        .order_by_asc(closing::Column::ClosedAt)
        .order_by_asc(closing::Column::Id)
        .all(db)
        .await?;
    let author_ids: Vec<i32> =
        closings.iter().flat_map(|closing| [closing.closed_by, closing.reopened_by]).flatten().collect();
    let authors = emails_by_id(db, author_ids.into_iter()).await?;
    let author =
        |id: Option<i32>| id.and_then(|id| authors.get(&id).cloned()).unwrap_or_else(|| "compte supprimé".to_owned());
    Ok(evaluations
        .into_iter()
        .map(|evaluation| EvaluationYear {
            year: evaluation.year,
            phase: evaluation.phase,
            closings: closings
                .iter()
                .filter(|closing| closing.evaluation_id == evaluation.id)
                .map(|closing| ClosingEvent {
                    id: closing.id,
                    closed_at: french_date_time(closing.closed_at),
                    closed_by: author(closing.closed_by),
                    reopened: closing.reopened_at.map(|at| Reopening {
                        at: french_date_time(at),
                        by: author(closing.reopened_by),
                        reason: closing.reopen_reason.clone().unwrap_or_default(),
                    }),
                })
                .collect(),
        })
        .collect())
}

/// A new evaluation of a contract: its year, the referential version whose `nodes` (in
/// depth-first order) make its tree, its campaign and window if it has one, and last year's
/// answers by question code ("Réalisé l'année précédente", "Commentaire évalué N-1").
pub struct NewEvaluation<'a> {
    pub contract_id: i32,
    pub year: i32,
    pub version_id: i32,
    pub nodes: &'a [referential_node::Model],
    pub campaign_id: Option<i32>,
    pub window: Option<(NaiveDate, NaiveDate)>,
    pub previous: &'a HashMap<String, PreviousAnswer>,
}

/// Last year's answer to a question, as carried over.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PreviousAnswer {
    pub achieved: Option<String>,
    pub comment: Option<String>,
}

/// Writes an evaluation in Auto-Evaluation and copies its tree, inside the caller's transaction.
pub async fn create(txn: &DatabaseTransaction, new: NewEvaluation<'_>) -> Result<evaluation::Model, DbErr> {
    let evaluation = evaluation::ActiveModel {
        contract_id: Set(new.contract_id),
        year: Set(new.year),
        phase: Set(Phase::AutoEvaluation),
        referential_version_id: Set(Some(new.version_id)),
        campaign_id: Set(new.campaign_id),
        opens_on: Set(new.window.map(|(opens_on, _)| opens_on)),
        closes_on: Set(new.window.map(|(_, closes_on)| closes_on)),
        extended_until: Set(None),
        opened_at: Set(new.campaign_id.map(|_| Utc::now())),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    // Depth-first, so a parent is written before its children.
    let mut copied: HashMap<i32, i32> = HashMap::with_capacity(new.nodes.len());
    for node in new.nodes {
        let question = node.node_kind == NodeKind::Question;
        let previous = new.previous.get(&node.code).cloned().unwrap_or_default();
        let written = indicator::ActiveModel {
            contract_id: Set(new.contract_id),
            evaluation_id: Set(evaluation.id),
            parent_id: Set(node.parent_id.and_then(|parent| copied.get(&parent).copied())),
            node_kind: Set(node.node_kind),
            code: Set(node.code.clone()),
            label: Set(node.label.clone()),
            position: Set(node.position + 1),
            year: Set(question.then_some(new.year)),
            target: Set(node.target.clone()),
            value_kind: Set(node.value_kind),
            editable_by_establishment: Set(!node.national),
            previous_achieved: Set(previous.achieved),
            previous_comment: Set(previous.comment),
            direction: Set(node.direction),
            weight: Set(node.weight),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        copied.insert(node.id, written.id);
    }
    crate::evaluation::figures::refresh(txn, evaluation.id).await?;
    Ok(evaluation)
}
