//! The agency's appraisals: who may make them, the tree and panel of "Évaluer", and the
//! versioned save that moves a closed year to "Évaluation par l'agence".

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use ecars_core::evaluation::appraisal::{proposed_appreciation, AppraisalValue, AppraisalView, Score};
use ecars_core::evaluation::rules::QuestionStatus;
use ecars_core::ids::{ContractId, QuestionId};
use ecars_core::vocabulary::{ChangeKind, NodeKind, Phase, ValueKind};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QuerySelect,
    QueryTrait, Set, SqlErr, TransactionTrait,
};
use serde_json::json;

use super::{AppraisalDetail, AppraisalTree, SavedAppraisal};
use crate::accounts::access::Viewer;
use crate::accounts::security_log::{record, Event, Outcome};
use crate::audit::{self, Actor, Entry};
use crate::db::entities::{appraisal, contract, evaluation, indicator, legal_entity, user};
use crate::db::french_date_time;
use crate::evaluation::access::{readable_evaluation, readable_question, ContractAccess};
use crate::evaluation::service::TreeShapes;
use crate::evaluation::years::server as years;
use crate::evaluation::TreeNode;
use crate::AppError;

/// The evaluation is not closed yet: there is nothing for the agency to appraise.
const NOT_CLOSED: &str =
    "La saisie de l'établissement n'est pas close : l'évaluation par l'agence commence à sa clôture.";

/// Refused unless the viewer appraises the contract's evaluations (its referents and its agency's
/// administrators; see `Viewer::appraises`) and the establishment closed this one.
fn check_appraises(viewer: &Viewer, access: &ContractAccess) -> Result<(), AppError> {
    if !viewer.appraises() {
        record(Event::AccessRefused, Some(&viewer.email), Outcome::Refused, "not_appraising");
        return Err(AppError::Forbidden);
    }
    if !access.evaluation.phase.is_closed() {
        return Err(AppError::NotEditable(NOT_CLOSED.to_owned()));
    }
    Ok(())
}

/// The contract `contract_id` and its evaluation of `year` (the current one for `None`), if the
/// viewer may appraise it.
pub async fn appraisable_evaluation(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    contract_id: ContractId,
    year: Option<i32>,
) -> Result<ContractAccess, AppError> {
    let access = readable_evaluation(db, viewer, contract_id, year).await?;
    check_appraises(viewer, &access)?;
    Ok(access)
}

/// The ids of an evaluation's questions, as a subquery.
fn questions_of(evaluation_id: i32) -> sea_orm::sea_query::SelectStatement {
    indicator::Entity::find()
        .select_only()
        .column(indicator::Column::Id)
        .filter(indicator::Column::EvaluationId.eq(evaluation_id))
        .filter(indicator::Column::NodeKind.eq(NodeKind::Question))
        .into_query()
}

/// The appreciation of each appraised question of an evaluation.
async fn appreciations(
    db: &impl ConnectionTrait,
    evaluation_id: i32,
) -> Result<HashMap<i32, ecars_core::evaluation::appraisal::Appreciation>, DbErr> {
    Ok(appraisal::Entity::find()
        .select_only()
        .columns([appraisal::Column::QuestionId, appraisal::Column::Appreciation])
        .filter(appraisal::Column::QuestionId.in_subquery(questions_of(evaluation_id)))
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// The evaluation's score: each appraised question's points, weighted by its "Poids".
pub async fn score(db: &impl ConnectionTrait, evaluation_id: i32) -> Result<Score, DbErr> {
    let appreciations = appreciations(db, evaluation_id).await?;
    let weights: Vec<(i32, ecars_core::evaluation::appraisal::Weight)> = indicator::Entity::find()
        .select_only()
        .columns([indicator::Column::Id, indicator::Column::Weight])
        .filter(indicator::Column::EvaluationId.eq(evaluation_id))
        .filter(indicator::Column::NodeKind.eq(NodeKind::Question))
        .into_tuple()
        .all(db)
        .await?;
    Ok(Score::of(weights.into_iter().filter_map(|(id, weight)| appreciations.get(&id).map(|&found| (found, weight)))))
}

/// Every question's dot on "Évaluer": green once appraised, red before; national ones too, the
/// agency appraises them like the others.
fn appraisal_statuses(nodes: &mut [TreeNode], appraised: &HashSet<i32>) {
    for node in nodes {
        if node.status.is_some() {
            let done = appraised.contains(&node.id);
            node.status = Some(if done { QuestionStatus::Filled } else { QuestionStatus::ToFill });
        }
        appraisal_statuses(&mut node.children, appraised);
    }
}

/// The tree of "Évaluer" for the contract's evaluation of `year`, with its score.
pub async fn tree(
    db: &impl ConnectionTrait,
    shapes: &TreeShapes,
    viewer: &Viewer,
    contract_id: ContractId,
    year: Option<i32>,
) -> Result<AppraisalTree, AppError> {
    let access = appraisable_evaluation(db, viewer, contract_id, year).await?;
    let mut tree = crate::evaluation::service::tree(db, shapes, &access.evaluation, viewer.today())
        .await?
        .ok_or(AppError::NotFound)?;
    let appraised: HashSet<i32> = appreciations(db, access.evaluation.id).await?.into_keys().collect();
    appraisal_statuses(&mut tree.objectives, &appraised);
    let score = score(db, access.evaluation.id).await?;
    Ok(AppraisalTree { tree, score, editable: access.evaluation.phase.is_appraisable() })
}

/// The agency's appraisal of a question, with its author's identifier.
async fn appraisal_view(db: &impl ConnectionTrait, question_id: QuestionId) -> Result<Option<AppraisalView>, DbErr> {
    let Some(row) = appraisal::Entity::find().filter(appraisal::Column::QuestionId.eq(question_id.0)).one(db).await?
    else {
        return Ok(None);
    };
    let author = match row.updated_by {
        Some(id) => user::Entity::find_by_id(id).one(db).await?.map(|user| user.email),
        None => None,
    };
    Ok(Some(AppraisalView {
        retained_value: row.retained_value,
        appreciation: row.appreciation,
        comment: row.comment,
        version: row.version,
        updated_at: french_date_time(row.updated_at),
        updated_by: author,
    }))
}

fn value_kind(question: &indicator::Model) -> ValueKind {
    question.value_kind.unwrap_or(ValueKind::Text)
}

/// What the appraisal panel shows; `max_bytes` is the documents' size limit.
pub async fn question(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    question_id: QuestionId,
    max_bytes: u64,
) -> Result<AppraisalDetail, AppError> {
    let (question, access) = readable_question(db, viewer, question_id).await?;
    check_appraises(viewer, &access)?;
    let detail = crate::evaluation::service::question(db, viewer, question_id, max_bytes).await?;
    let appraisal = appraisal_view(db, question_id).await?;
    let answer = detail.answer.as_ref();
    let not_concerned = answer.is_some_and(|answer| answer.not_concerned);
    let proposed_value = answer.filter(|answer| !answer.not_concerned).and_then(|answer| answer.achieved.clone());
    let retained =
        appraisal.as_ref().map_or(proposed_value.as_deref(), |appraisal| appraisal.retained_value.as_deref());
    let proposed = proposed_appreciation(
        value_kind(&question),
        question.target.as_deref(),
        question.direction,
        not_concerned && appraisal.is_none(),
        retained,
    );
    Ok(AppraisalDetail {
        direction: question.direction,
        weight: question.weight,
        appraisal,
        proposed_value,
        proposed,
        editable: access.evaluation.phase.is_appraisable(),
        score: score(db, access.evaluation.id).await?,
        question: detail,
    })
}

/// What the appraiser typed, before validation.
pub struct AppraisalInput<'a> {
    /// The version the appraiser started from (0 when the question had no appraisal).
    pub version: i32,
    pub retained_value: &'a str,
    pub appreciation: &'a str,
    pub comment: &'a str,
}

/// The legal entity's agency, whose journal records the appraisals.
async fn agency_of(db: &impl ConnectionTrait, contract: &contract::Model) -> Result<Option<i32>, DbErr> {
    Ok(legal_entity::Entity::find_by_id(contract.legal_entity_id).one(db).await?.and_then(|entity| entity.agency_id))
}

/// Saves an appraisal: rights, stage and values checked; refused if someone else saved
/// meanwhile. The first one moves the year from Consultation to "Évaluation par l'agence".
/// Both are journaled, with the values before and after.
pub async fn save(
    db: &DatabaseConnection,
    viewer: &Viewer,
    question_id: QuestionId,
    input: AppraisalInput<'_>,
) -> Result<SavedAppraisal, AppError> {
    let (question, access) = readable_question(db, viewer, question_id).await?;
    check_appraises(viewer, &access)?;
    let value = AppraisalValue::parse(
        value_kind(&question),
        !question.editable_by_establishment,
        input.retained_value,
        input.appreciation,
        input.comment,
    )
    .map_err(AppError::Invalid)?;
    let conflict = || async {
        match appraisal_view(db, question_id).await? {
            Some(current) => Ok::<_, AppError>(AppError::AppraisalConflict(Box::new(current))),
            None => {
                Ok(AppError::Invalid("Cette question n'a pas encore d'appréciation : rechargez la page.".to_owned()))
            }
        }
    };
    let current = appraisal::Entity::find().filter(appraisal::Column::QuestionId.eq(question_id.0)).one(db).await?;
    if current.as_ref().map_or(0, |row| row.version) != input.version {
        return Err(conflict().await?);
    }
    let now = Utc::now();
    let txn = db.begin().await?;
    let locked = years::lock(&txn, question.evaluation_id).await?;
    if !locked.phase.is_appraisable() {
        return Err(AppError::NotEditable(match locked.phase {
            Phase::AutoEvaluation => NOT_CLOSED.to_owned(),
            phase => format!(
                "L'évaluation est à l'étape « {} » : ses appréciations ne sont plus modifiables.",
                phase.label()
            ),
        }));
    }
    let version = input.version + 1;
    let written = match &current {
        None => {
            let inserted = appraisal::ActiveModel {
                question_id: Set(question_id.0),
                retained_value: Set(value.retained_value.clone()),
                appreciation: Set(value.appreciation),
                comment: Set(value.comment.clone()),
                version: Set(version),
                updated_at: Set(now),
                updated_by: Set(Some(viewer.user_id)),
                ..Default::default()
            }
            .insert(&txn)
            .await;
            match inserted {
                Ok(_) => true,
                // Someone else appraised it first.
                Err(error) if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => false,
                Err(error) => return Err(error.into()),
            }
        }
        Some(_) => {
            appraisal::Entity::update_many()
                .col_expr(appraisal::Column::RetainedValue, Expr::value(value.retained_value.clone()))
                .col_expr(appraisal::Column::Appreciation, Expr::value(value.appreciation))
                .col_expr(appraisal::Column::Comment, Expr::value(value.comment.clone()))
                .col_expr(appraisal::Column::Version, Expr::value(version))
                .col_expr(appraisal::Column::UpdatedAt, Expr::value(now))
                .col_expr(appraisal::Column::UpdatedBy, Expr::value(viewer.user_id))
                .filter(appraisal::Column::QuestionId.eq(question_id.0))
                .filter(appraisal::Column::Version.eq(input.version))
                .exec(&txn)
                .await?
                .rows_affected
                == 1
        }
    };
    if !written {
        txn.rollback().await?;
        return Err(conflict().await?);
    }
    let actor = Actor::of(viewer);
    let agency_id = agency_of(&txn, &access.contract).await?;
    let evaluation_name = format!("Contrat {}, évaluation {}", access.contract.name, locked.year);
    if locked.phase == Phase::Consultation {
        evaluation::Entity::update_many()
            .col_expr(evaluation::Column::Phase, Expr::value(Phase::AgencyEvaluation))
            .filter(evaluation::Column::Id.eq(locked.id))
            .exec(&txn)
            .await?;
        let change = Entry {
            kind: ChangeKind::PhaseChanged,
            subject: evaluation_name.clone(),
            before: Some(json!({ "étape": Phase::Consultation.label() })),
            after: Some(json!({ "étape": Phase::AgencyEvaluation.label() })),
        };
        audit::record(&txn, &actor, agency_id, change).await?;
    }
    let as_journaled = |retained: &Option<String>, appreciation: &str, comment: &Option<String>| json!({ "valeur retenue": retained, "appréciation": appreciation, "commentaire": comment });
    let change = Entry {
        kind: ChangeKind::AppraisalSaved,
        subject: format!("{evaluation_name}, question {}", question.code),
        before: current.as_ref().map(|old| as_journaled(&old.retained_value, old.appreciation.label(), &old.comment)),
        after: Some(as_journaled(&value.retained_value, value.appreciation.label(), &value.comment)),
    };
    audit::record(&txn, &actor, agency_id, change).await?;
    let score = score(&txn, locked.id).await?;
    txn.commit().await?;
    let appraisal = AppraisalView {
        retained_value: value.retained_value,
        appreciation: value.appreciation,
        comment: value.comment,
        version,
        updated_at: french_date_time(now),
        updated_by: Some(viewer.email.clone()),
    };
    Ok(SavedAppraisal { question_id: question_id.0, appraisal, status: QuestionStatus::Filled, score, next: None })
}

/// The next question still to appraise after `question_id`, in the order of its tree.
pub async fn next_to_appraise(
    db: &impl ConnectionTrait,
    shapes: &TreeShapes,
    viewer: &Viewer,
    question_id: QuestionId,
) -> Result<Option<i32>, AppError> {
    let (_, access) = readable_question(db, viewer, question_id).await?;
    let tree = tree(db, shapes, viewer, ContractId(access.contract.id), Some(access.evaluation.year)).await?;
    Ok(ecars_core::evaluation::rules::next_to_fill(&tree.tree.statuses(), question_id.0))
}
