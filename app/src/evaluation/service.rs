//! Indicator tree and answers.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait};

use super::rules::{is_answered, QuestionStatus};
use super::{IndicatorTree, TreeNode};
use crate::contracts::service as contracts;
use crate::db::entities::{answer, indicator};

/// The whole tree in two queries, whatever its size: nodes in depth-first order, then answers.
pub async fn tree(db: &impl ConnectionTrait, contract_id: i32) -> Result<Option<IndicatorTree>, DbErr> {
    let Some(contract) = contracts::header(db, contract_id).await? else {
        return Ok(None);
    };
    let nodes = indicator::Entity::find()
        .filter(indicator::Column::ContractId.eq(contract_id))
        .order_by_asc(indicator::Column::Position)
        .all(db)
        .await?;
    let question_ids = indicator::Entity::find()
        .select_only()
        .column(indicator::Column::Id)
        .filter(indicator::Column::ContractId.eq(contract_id))
        .filter(indicator::Column::NodeKind.eq(indicator::QUESTION))
        .into_query();
    let answered: HashMap<i32, bool> = answer::Entity::find()
        .filter(answer::Column::QuestionId.in_subquery(question_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|answer| (answer.question_id, is_answered(answer.not_concerned, answer.achieved.as_deref())))
        .collect();

    // Children are grouped under their parent, keeping the depth-first order.
    let mut children: HashMap<Option<i32>, Vec<indicator::Model>> = HashMap::new();
    for node in nodes {
        children.entry(node.parent_id).or_default().push(node);
    }
    fn build(
        parent: Option<i32>,
        children: &mut HashMap<Option<i32>, Vec<indicator::Model>>,
        answered: &HashMap<i32, bool>,
    ) -> Vec<TreeNode> {
        let Some(nodes) = children.remove(&parent) else {
            return Vec::new();
        };
        nodes
            .into_iter()
            .map(|node| {
                let status = (node.node_kind == indicator::QUESTION).then(|| {
                    QuestionStatus::of(node.editable_by_establishment, answered.get(&node.id).copied().unwrap_or(false))
                });
                TreeNode {
                    id: node.id,
                    children: build(Some(node.id), children, answered),
                    code: node.code,
                    label: node.label,
                    status,
                }
            })
            .collect()
    }
    let objectives = build(None, &mut children, &answered);
    Ok(Some(IndicatorTree { contract, objectives }))
}
