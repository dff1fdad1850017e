//! The server's side of `printable` (behind `ssr`: the browser's build never reads this file).

use ecars_core::evaluation::rules::{is_answered, FillProgress, QuestionStatus};
use ecars_core::evaluation::values::shown_achieved;
use ecars_core::ids::ContractId;
use ecars_core::vocabulary::NodeKind;

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait};

use super::{PrintableEvaluation, PrintedChange, PrintedNode, PrintedQuestion};
use crate::accounts::access::Viewer;
use crate::accounts::directory::emails_by_id;
use crate::contracts::service::header_of_evaluation;
use crate::db::entities::{answer, answer_history, indicator};
use crate::db::french_date_time;
use crate::evaluation::access::readable_evaluation;
use crate::AppError;

/// The printable page of `contract_id`'s evaluation of `year`, in a fixed number of queries.
pub async fn printable(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    contract_id: ecars_core::ids::ContractId,
    year: Option<i32>,
) -> Result<PrintableEvaluation, AppError> {
    let access = readable_evaluation(db, viewer, ContractId(contract_id.0), year).await?;
    let evaluation = &access.evaluation;
    let contract = header_of_evaluation(db, evaluation, viewer.today()).await?.ok_or(AppError::NotFound)?;
    let nodes = indicator::Entity::find()
        .filter(indicator::Column::EvaluationId.eq(evaluation.id))
        .order_by_asc(indicator::Column::Position)
        .all(db)
        .await?;
    let questions = || {
        indicator::Entity::find()
            .select_only()
            .column(indicator::Column::Id)
            .filter(indicator::Column::EvaluationId.eq(evaluation.id))
            .into_query()
    };
    let answers: HashMap<i32, answer::Model> = answer::Entity::find()
        .filter(answer::Column::QuestionId.in_subquery(questions()))
        .all(db)
        .await?
        .into_iter()
        .map(|answer| (answer.question_id, answer))
        .collect();
    let mut history: HashMap<i32, Vec<answer_history::Model>> = HashMap::new();
    for change in answer_history::Entity::find()
        .filter(answer_history::Column::QuestionId.in_subquery(questions()))
        .order_by_asc(answer_history::Column::ChangedAt)
        .order_by_asc(answer_history::Column::Id)
        .all(db)
        .await?
    {
        history.entry(change.question_id).or_default().push(change);
    }
    let authors = emails_by_id(
        db,
        history
            .values()
            .flatten()
            .filter_map(|change| change.changed_by)
            .chain(answers.values().filter_map(|answer| answer.updated_by)),
    )
    .await?;
    // Loaded or imported answers may have no author: then only the date is said.
    let author = |id: Option<i32>| id.and_then(|id| authors.get(&id).cloned());
    let closings = crate::evaluation::years::server::history(db, ContractId(contract_id.0))
        .await?
        .into_iter()
        .find(|year| year.year == evaluation.year)
        .map(|year| year.closings)
        .unwrap_or_default();

    let mut depths: HashMap<i32, usize> = HashMap::new();
    let mut statuses = Vec::new();
    let mut printed = Vec::with_capacity(nodes.len());
    for node in nodes {
        // Depth-first order: a parent always comes before its children.
        let depth = node.parent_id.and_then(|parent| depths.get(&parent)).map_or(0, |depth| depth + 1);
        depths.insert(node.id, depth);
        let question = (node.node_kind == NodeKind::Question).then(|| {
            let answer = answers.get(&node.id);
            let answered = answer.is_some_and(|answer| is_answered(answer.not_concerned, answer.achieved.as_deref()));
            statuses.push(QuestionStatus::of(node.editable_by_establishment, answered));
            PrintedQuestion {
                target: node.target.clone(),
                national: !node.editable_by_establishment,
                achieved: shown_achieved(answer.map(|answer| (answer.not_concerned, answer.achieved.as_deref()))),
                comment: answer.and_then(|answer| answer.comment.clone()).filter(|text| !text.trim().is_empty()),
                previous_achieved: node.previous_achieved.clone(),
                modified: answer.map(|answer| match author(answer.updated_by) {
                    Some(by) => format!("{} par {by}", french_date_time(answer.updated_at)),
                    None => french_date_time(answer.updated_at),
                }),
                history: history
                    .remove(&node.id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|change| PrintedChange {
                        at: french_date_time(change.changed_at),
                        by: author(change.changed_by).unwrap_or_else(|| "—".to_owned()),
                        achieved: shown_achieved(Some((change.new_not_concerned, change.new_achieved.as_deref()))),
                        comment: change.new_comment.filter(|text| !text.trim().is_empty()),
                    })
                    .collect(),
            }
        });
        printed.push(PrintedNode { depth, code: node.code, label: node.label, question });
    }
    Ok(PrintableEvaluation {
        contract,
        percentage: FillProgress::from_statuses(statuses).percentage(),
        closings,
        printed_at: french_date_time(viewer.now),
        nodes: printed,
    })
}
