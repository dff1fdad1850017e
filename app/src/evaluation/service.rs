//! Indicator tree and answers.

use ecars_core::evaluation::rules::{is_answered, QuestionStatus};
use ecars_core::evaluation::values::AnswerValue;
use ecars_core::ids::{ContractId, QuestionId};
use ecars_core::vocabulary::NodeKind;

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, Set, SqlErr, TransactionTrait,
};

use super::years::server as years;
use super::{AnswerView, IndicatorTree, QuestionDetail, SavedAnswer, TreeNode, ValueKind};
use crate::accounts::access::{self, Viewer};
use crate::contracts::service as contracts;
use crate::db::entities::{answer, answer_history, evaluation, indicator, user};
use crate::db::french_date_time;
use crate::documents::{service as documents, Place};
use crate::AppError;

/// id, parent, node kind, code, label, editable by the establishment.
type TreeRow = (i32, Option<i32>, NodeKind, String, String, bool);

/// The shape of each evaluation's tree (its objectives and questions, in order). An evaluation's
/// indicators are set when it is created and never change afterwards, so the shape is read once
/// per application instance and each page only asks the database for the answers.
#[derive(Clone, Default)]
pub struct TreeShapes(Arc<RwLock<HashMap<ecars_core::ids::EvaluationId, Arc<Vec<TreeRow>>>>>);

impl TreeShapes {
    async fn nodes(
        &self,
        db: &impl ConnectionTrait,
        evaluation_id: ecars_core::ids::EvaluationId,
    ) -> Result<Arc<Vec<TreeRow>>, DbErr> {
        if let Some(nodes) = self.0.read().unwrap_or_else(|poisoned| poisoned.into_inner()).get(&evaluation_id) {
            return Ok(nodes.clone());
        }
        let nodes: Arc<Vec<TreeRow>> = Arc::new(
            indicator::Entity::find()
                .select_only()
                .columns([
                    indicator::Column::Id,
                    indicator::Column::ParentId,
                    indicator::Column::NodeKind,
                    indicator::Column::Code,
                    indicator::Column::Label,
                    indicator::Column::EditableByEstablishment,
                ])
                .filter(indicator::Column::EvaluationId.eq(evaluation_id))
                .order_by_asc(indicator::Column::Position)
                .into_tuple()
                .all(db)
                .await?,
        );
        // An evaluation without indicators yet is not remembered: its tree may still be written.
        if !nodes.is_empty() {
            self.0.write().unwrap_or_else(|poisoned| poisoned.into_inner()).insert(evaluation_id, nodes.clone());
        }
        Ok(nodes)
    }
}

/// The whole tree of an evaluation (its window as on `today`) in two queries, whatever its size: nodes in depth-first order,
/// then answers.
pub async fn tree(
    db: &impl ConnectionTrait,
    shapes: &TreeShapes,
    evaluation: &evaluation::Model,
    today: chrono::NaiveDate,
) -> Result<Option<IndicatorTree>, DbErr> {
    let Some(contract) = contracts::header_of_evaluation(db, evaluation, today).await? else {
        return Ok(None);
    };
    let nodes = shapes.nodes(db, ecars_core::ids::EvaluationId(evaluation.id)).await?;
    let question_ids = indicator::Entity::find()
        .select_only()
        .column(indicator::Column::Id)
        .filter(indicator::Column::EvaluationId.eq(evaluation.id))
        .filter(indicator::Column::NodeKind.eq(NodeKind::Question))
        .into_query();
    let answers: HashMap<i32, (bool, Option<String>)> = answer::Entity::find()
        .select_only()
        .columns([answer::Column::QuestionId, answer::Column::NotConcerned, answer::Column::Achieved])
        .filter(answer::Column::QuestionId.in_subquery(question_ids))
        .into_tuple::<(i32, bool, Option<String>)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(question_id, not_concerned, achieved)| (question_id, (not_concerned, achieved)))
        .collect();

    // Children are grouped under their parent, keeping the depth-first order.
    let mut children: HashMap<Option<i32>, Vec<&TreeRow>> = HashMap::new();
    for node in nodes.iter() {
        children.entry(node.1).or_default().push(node);
    }
    fn build(
        parent: Option<i32>,
        children: &mut HashMap<Option<i32>, Vec<&TreeRow>>,
        answers: &HashMap<i32, (bool, Option<String>)>,
    ) -> Vec<TreeNode> {
        let Some(nodes) = children.remove(&parent) else {
            return Vec::new();
        };
        nodes
            .into_iter()
            .map(|&(id, _, node_kind, ref code, ref label, editable)| {
                let answer = answers.get(&id);
                let answered =
                    answer.is_some_and(|(not_concerned, achieved)| is_answered(*not_concerned, achieved.as_deref()));
                let status = (node_kind == NodeKind::Question).then(|| QuestionStatus::of(editable, answered));
                // What the agency filled (national values) is shown beside its grey dot.
                let agency_value = answer
                    .filter(|_| node_kind == NodeKind::Question && !editable)
                    .and_then(|(_, achieved)| achieved.clone());
                let children = build(Some(id), children, answers);
                TreeNode { id, children, code: code.clone(), label: label.clone(), status, agency_value }
            })
            .collect()
    }
    let objectives = build(None, &mut children, &answers);
    let earlier = years::current(db, ContractId(evaluation.contract_id)).await?.id != evaluation.id;
    Ok(Some(IndicatorTree { contract, objectives, earlier }))
}

/// The current answer to a question, with its author's identifier.
async fn answer_view(
    db: &impl ConnectionTrait,
    question_id: ecars_core::ids::QuestionId,
) -> Result<Option<AnswerView>, DbErr> {
    let Some(answer) = answer::Entity::find().filter(answer::Column::QuestionId.eq(question_id)).one(db).await? else {
        return Ok(None);
    };
    let author = match answer.updated_by {
        Some(id) => user::Entity::find_by_id(id).one(db).await?.map(|user| user.email),
        None => None,
    };
    Ok(Some(AnswerView {
        not_concerned: answer.not_concerned,
        achieved: answer.achieved,
        comment: answer.comment,
        version: answer.version,
        updated_at: french_date_time(answer.updated_at),
        updated_by: author,
        source: answer.source,
    }))
}

fn value_kind(question: &indicator::Model) -> ValueKind {
    question.value_kind.unwrap_or(ValueKind::Text)
}

fn status_of(question: &indicator::Model, answer: Option<&AnswerView>) -> QuestionStatus {
    let answered = answer.is_some_and(|answer| is_answered(answer.not_concerned, answer.achieved.as_deref()));
    QuestionStatus::of(question.editable_by_establishment, answered)
}

/// What the question panel shows; `max_bytes` is the documents' size limit it announces.
pub async fn question(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    question_id: ecars_core::ids::QuestionId,
    max_bytes: u64,
) -> Result<QuestionDetail, AppError> {
    let (question, access) =
        crate::evaluation::access::readable_question(db, viewer, QuestionId(question_id.0)).await?;
    let header =
        contracts::header_of_evaluation(db, &access.evaluation, viewer.today()).await?.ok_or(AppError::NotFound)?;
    let objective = match question.parent_id {
        Some(parent) => {
            indicator::Entity::find_by_id(parent).one(db).await?.map(|p| format!("{} - {}", p.code, p.label))
        }
        None => None,
    };
    let answer = answer_view(db, ecars_core::ids::QuestionId(question.id)).await?;
    let editable = access.may_answer(&question);
    let documents = documents::folder(db, viewer, Place::Question(question.id), max_bytes).await?;
    Ok(QuestionDetail {
        documents,
        status: status_of(&question, answer.as_ref()),
        kind: value_kind(&question),
        contract: header,
        id: question.id,
        code: question.code,
        label: question.label,
        objective,
        year: question.year,
        target: question.target,
        previous_achieved: question.previous_achieved,
        previous_comment: question.previous_comment,
        national: !question.editable_by_establishment,
        answer,
        editable,
    })
}

/// What the user typed in the panel, before validation.
pub struct AnswerInput<'a> {
    /// The version the user started from (0 when the question had no answer).
    pub version: i32,
    pub not_concerned: bool,
    pub achieved: &'a str,
    pub comment: &'a str,
}

/// Saves an answer: rights, phase, kind and range checked; refused if someone else saved
/// meanwhile; the change is kept in the history.
pub async fn save(
    db: &DatabaseConnection,
    viewer: &Viewer,
    question_id: ecars_core::ids::QuestionId,
    input: AnswerInput<'_>,
) -> Result<SavedAnswer, AppError> {
    let (question, access) =
        crate::evaluation::access::readable_question(db, viewer, QuestionId(question_id.0)).await?;
    access::check_writes(viewer, access.contract.legal_entity_id)?;
    if !question.editable_by_establishment {
        return Err(AppError::NotEditable(
            "Cet indicateur est renseigné par l'agence : il n'est pas modifiable.".to_owned(),
        ));
    }
    let value = AnswerValue::parse(value_kind(&question), input.not_concerned, input.achieved, input.comment)
        .map_err(AppError::Invalid)?;
    let current = answer::Entity::find().filter(answer::Column::QuestionId.eq(question_id)).one(db).await?;
    // Someone saved meanwhile: the current answer comes along. A version for an answer that does
    // not exist (a forged request) is refused as such.
    let conflict = || async {
        match answer_view(db, question_id).await? {
            Some(current) => Ok::<_, AppError>(AppError::Conflict(Box::new(current))),
            None => Ok(AppError::Invalid("Cette question n'a pas encore de réponse : rechargez la page.".to_owned())),
        }
    };
    if current.as_ref().map_or(0, |answer| answer.version) != input.version {
        return Err(conflict().await?);
    }
    let now = Utc::now();
    let txn = db.begin().await?;
    years::lock_open(&txn, question.evaluation_id, viewer.today()).await?;
    let written = match &current {
        None => {
            let inserted = answer::ActiveModel {
                question_id: Set(question_id.0),
                not_concerned: Set(value.not_concerned),
                achieved: Set(value.achieved.clone()),
                comment: Set(value.comment.clone()),
                version: Set(1),
                updated_at: Set(now),
                updated_by: Set(Some(viewer.user_id)),
                ..Default::default()
            }
            .insert(&txn)
            .await;
            match inserted {
                Ok(_) => true,
                // Someone else answered first.
                Err(error) if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => false,
                Err(error) => return Err(error.into()),
            }
        }
        Some(_) => {
            let updated = answer::Entity::update_many()
                .col_expr(answer::Column::NotConcerned, Expr::value(value.not_concerned))
                .col_expr(answer::Column::Achieved, Expr::value(value.achieved.clone()))
                .col_expr(answer::Column::Comment, Expr::value(value.comment.clone()))
                .col_expr(answer::Column::Version, Expr::value(input.version + 1))
                .col_expr(answer::Column::UpdatedAt, Expr::value(now))
                .col_expr(answer::Column::UpdatedBy, Expr::value(viewer.user_id))
                .filter(answer::Column::QuestionId.eq(question_id))
                .filter(answer::Column::Version.eq(input.version))
                .exec(&txn)
                .await?;
            updated.rows_affected == 1
        }
    };
    if !written {
        txn.rollback().await?;
        return Err(conflict().await?);
    }
    answer_history::ActiveModel {
        question_id: Set(question_id.0),
        version: Set(input.version + 1),
        old_not_concerned: Set(current.as_ref().map(|old| old.not_concerned)),
        old_achieved: Set(current.as_ref().and_then(|old| old.achieved.clone())),
        old_comment: Set(current.as_ref().and_then(|old| old.comment.clone())),
        new_not_concerned: Set(value.not_concerned),
        new_achieved: Set(value.achieved.clone()),
        new_comment: Set(value.comment.clone()),
        changed_by: Set(Some(viewer.user_id)),
        changed_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    super::figures::refresh(&txn, question.evaluation_id).await?;
    txn.commit().await?;
    let answer = AnswerView {
        not_concerned: value.not_concerned,
        achieved: value.achieved,
        comment: value.comment,
        version: input.version + 1,
        updated_at: french_date_time(now),
        updated_by: Some(viewer.email.clone()),
        source: None,
    };
    Ok(SavedAnswer { question_id: question_id.0, status: status_of(&question, Some(&answer)), answer, next: None })
}

/// The next question still to answer after `question_id`, in the order of its tree.
pub async fn next_to_fill(
    db: &impl ConnectionTrait,
    shapes: &TreeShapes,
    viewer: &Viewer,
    question_id: ecars_core::ids::QuestionId,
) -> Result<Option<i32>, AppError> {
    let (_, access) = crate::evaluation::access::readable_question(db, viewer, QuestionId(question_id.0)).await?;
    let tree = tree(db, shapes, &access.evaluation, viewer.today()).await?.ok_or(AppError::NotFound)?;
    Ok(ecars_core::evaluation::rules::next_to_fill(&tree.statuses(), question_id.0))
}
