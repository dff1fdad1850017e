//! The server's side of `national_values` (behind `ssr`: the browser's build never reads this file).

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use ecars_core::evaluation::values::{parse_comment, parse_national_value};
use ecars_core::vocabulary::ChangeKind;
use ecars_core::vocabulary::NodeKind;
use ecars_core::vocabulary::ValueKind;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QuerySelect,
    QueryTrait, Set, SqlErr,
};

use super::{CampaignChoice, Line, ValueChange, LISTED_CHANGES};
use crate::audit::{self, Actor, Entry};
use crate::db::begin_write;
use crate::db::entities::{answer, answer_history, contract, evaluation, indicator, legal_entity};
use crate::referentials::RefusedRow;
use crate::AppError;

/// The years and contract types the agency's evaluations are of, newest first.
pub async fn choices(
    db: &impl ConnectionTrait,
    agency_id: ecars_core::ids::AgencyId,
) -> Result<Vec<CampaignChoice>, DbErr> {
    let entities = legal_entity::Entity::find()
        .select_only()
        .column(legal_entity::Column::Id)
        .filter(legal_entity::Column::AgencyId.eq(agency_id))
        .into_query();
    let kinds: HashMap<i32, ecars_core::vocabulary::ContractKind> = contract::Entity::find()
        .select_only()
        .columns([contract::Column::Id, contract::Column::Kind])
        .filter(contract::Column::LegalEntityId.in_subquery(entities))
        .into_tuple::<(i32, ecars_core::vocabulary::ContractKind)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let years: Vec<(i32, i32)> = evaluation::Entity::find()
        .select_only()
        .columns([evaluation::Column::ContractId, evaluation::Column::Year])
        .filter(evaluation::Column::ContractId.is_in(kinds.keys().copied()))
        .into_tuple()
        .all(db)
        .await?;
    let mut choices: Vec<CampaignChoice> = years
        .into_iter()
        .filter_map(|(contract_id, year)| Some(CampaignChoice { year, kind: *kinds.get(&contract_id)? }))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    choices.sort_by(|a, b| b.cmp(a));
    Ok(choices)
}

/// A value to write on a question.
#[derive(Debug, Clone)]
pub struct Planned {
    pub question_id: i32,
    /// The answer's version it replaces (0: none yet).
    pub version: i32,
    pub old: Option<answer::Model>,
    pub change: ValueChange,
    pub comment: Option<String>,
}

/// What an import would do.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub writes: Vec<Planned>,
    pub unchanged: usize,
    pub refused: Vec<RefusedRow>,
}

impl Plan {
    pub fn created(&self) -> usize {
        self.writes.iter().filter(|planned| planned.old.is_none()).count()
    }

    pub fn updated(&self) -> usize {
        self.writes.len() - self.created()
    }

    pub fn listed_changes(&self) -> Vec<ValueChange> {
        self.writes.iter().take(LISTED_CHANGES).map(|planned| planned.change.clone()).collect()
    }
}

/// A question of the evaluations the import goes into.
struct Question {
    id: i32,
    code: String,
    kind: NodeKind,
    national: bool,
    value_kind: ValueKind,
}

/// `lines` against the agency's evaluations of `choice`: each value on its national question,
/// created, changed or the same as stored; every other line refused with its reason.
pub async fn plan(
    db: &impl ConnectionTrait,
    agency_id: ecars_core::ids::AgencyId,
    choice: CampaignChoice,
    lines: &[Line],
) -> Result<Plan, DbErr> {
    let entities: HashMap<String, legal_entity::Model> = legal_entity::Entity::find()
        .filter(legal_entity::Column::AgencyId.eq(agency_id))
        .all(db)
        .await?
        .into_iter()
        .map(|entity| (entity.finess.clone(), entity))
        .collect();
    let entity_ids = legal_entity::Entity::find()
        .select_only()
        .column(legal_entity::Column::Id)
        .filter(legal_entity::Column::AgencyId.eq(agency_id))
        .into_query();
    let contracts: HashMap<i32, contract::Model> = contract::Entity::find()
        .filter(contract::Column::LegalEntityId.in_subquery(entity_ids))
        .filter(contract::Column::Kind.eq(choice.kind))
        .all(db)
        .await?
        .into_iter()
        .map(|contract| (contract.id, contract))
        .collect();
    let evaluations: Vec<evaluation::Model> = evaluation::Entity::find()
        .filter(evaluation::Column::ContractId.is_in(contracts.keys().copied()))
        .filter(evaluation::Column::Year.eq(choice.year))
        .all(db)
        .await?;
    // The evaluations of each legal entity, by its id.
    let mut by_entity: HashMap<i32, Vec<&evaluation::Model>> = HashMap::new();
    for evaluation in &evaluations {
        if let Some(contract) = contracts.get(&evaluation.contract_id) {
            by_entity.entry(contract.legal_entity_id).or_default().push(evaluation);
        }
    }
    let codes: Vec<String> = lines.iter().map(|line| line.code.clone()).collect::<HashSet<_>>().into_iter().collect();
    let mut questions: HashMap<(i32, String), Question> = HashMap::new();
    // Bounded lists: the databases limit how many values one statement binds.
    for codes in codes.chunks(500) {
        for evaluation_ids in evaluations.iter().map(|evaluation| evaluation.id).collect::<Vec<_>>().chunks(500) {
            let found = indicator::Entity::find()
                .filter(indicator::Column::EvaluationId.is_in(evaluation_ids.iter().copied()))
                .filter(indicator::Column::Code.is_in(codes.iter().cloned()))
                .all(db)
                .await?;
            for node in found {
                let question = Question {
                    id: node.id,
                    code: node.code.clone(),
                    kind: node.node_kind,
                    national: !node.editable_by_establishment,
                    value_kind: node.value_kind.unwrap_or(ValueKind::Text),
                };
                questions.insert((node.evaluation_id, node.code), question);
            }
        }
    }
    let national_ids: Vec<i32> = questions
        .values()
        .filter(|question| question.kind == NodeKind::Question && question.national)
        .map(|question| question.id)
        .collect();
    let mut answers: HashMap<i32, answer::Model> = HashMap::new();
    for ids in national_ids.chunks(500) {
        for stored in
            answer::Entity::find().filter(answer::Column::QuestionId.is_in(ids.iter().copied())).all(db).await?
        {
            answers.insert(stored.question_id, stored);
        }
    }

    let mut plan = Plan::default();
    let label = choice.label();
    for line in lines {
        let mut refuse = |reason: String| plan.refused.push(RefusedRow { row: line.row, reason });
        let Some(entity) = entities.get(&line.finess) else {
            refuse(format!("l'entité juridique {} n'est pas une de celles de l'agence", line.finess));
            continue;
        };
        let Some(evaluations) = by_entity.get(&entity.id) else {
            refuse(format!("l'entité juridique {} n'a pas d'évaluation {label}", line.finess));
            continue;
        };
        let found: Vec<(&&evaluation::Model, &Question)> = evaluations
            .iter()
            .filter_map(|evaluation| Some((evaluation, questions.get(&(evaluation.id, line.code.clone()))?)))
            .collect();
        let Some((_, first)) = found.first() else {
            refuse(format!("la question {} n'existe pas dans l'évaluation {label} de {}", line.code, line.finess));
            continue;
        };
        if first.kind == NodeKind::Objective {
            refuse(format!("{} est un objectif, pas une question", line.code));
            continue;
        }
        if !first.national {
            refuse(format!(
                "la question {} n'est pas un indicateur national : c'est l'établissement qui la renseigne",
                line.code
            ));
            continue;
        }
        let checked = parse_national_value(first.value_kind, &line.value)
            .map_err(|reason| format!("valeur « {} » de la question {} : {reason}", shorten(&line.value), line.code))
            .and_then(|value| Ok((value, parse_comment(&line.comment)?)));
        let (value, comment) = match checked {
            Ok(checked) => checked,
            Err(reason) => {
                refuse(reason);
                continue;
            }
        };
        // The same legal entity may have more than one contract of the type: each gets it.
        for (evaluation, question) in found {
            let old = answers.get(&question.id).cloned();
            let same = old.as_ref().is_some_and(|old| {
                !old.not_concerned && old.achieved.as_deref() == Some(value.as_str()) && old.comment == comment
            });
            if same {
                plan.unchanged += 1;
                continue;
            }
            let contract = contracts.get(&evaluation.contract_id).map(|contract| contract.name.clone());
            plan.writes.push(Planned {
                question_id: question.id,
                version: old.as_ref().map_or(0, |old| old.version),
                change: ValueChange {
                    legal_entity: format!("{} - {}", entity.finess, entity.name),
                    contract: contract.unwrap_or_default(),
                    code: question.code.clone(),
                    before: old.as_ref().and_then(|old| old.achieved.clone()),
                    after: value.clone(),
                    comment: comment.clone(),
                },
                old,
                comment: comment.clone(),
            });
        }
    }
    Ok(plan)
}

fn shorten(text: &str) -> String {
    text.chars().take(40).collect()
}

/// Another import wrote the same values meanwhile (two administrators confirming at once on
/// PostgreSQL): nothing of this one is written, and the administrator is told to look again.
fn changed_meanwhile() -> AppError {
    AppError::Invalid(
            "Des valeurs ont changé pendant l'import (un autre import ?) : rien n'a été écrit. Prévisualisez à nouveau le fichier."
                .to_owned(),
        )
}

/// Plans `lines` again and writes the values, their history and a journal entry in one
/// transaction (all or nothing). Returns the plan written.
pub async fn apply(
    db: &DatabaseConnection,
    agency_id: ecars_core::ids::AgencyId,
    choice: CampaignChoice,
    lines: &[Line],
    file_name: &str,
    actor: &Actor,
) -> Result<Plan, AppError> {
    let txn = begin_write(db).await?;
    let plan = plan(&txn, agency_id, choice, lines).await?;
    let now = Utc::now();
    let source = super::source_label(file_name);
    for planned in &plan.writes {
        let value = Some(planned.change.after.clone());
        match &planned.old {
            None => {
                answer::ActiveModel {
                    question_id: Set(planned.question_id),
                    not_concerned: Set(false),
                    achieved: Set(value.clone()),
                    comment: Set(planned.comment.clone()),
                    version: Set(1),
                    updated_at: Set(now),
                    updated_by: Set(actor.id),
                    source: Set(Some(source.clone())),
                    ..Default::default()
                }
                .insert(&txn)
                .await
                .map_err(|error| match error.sql_err() {
                    Some(SqlErr::UniqueConstraintViolation(_)) => changed_meanwhile(),
                    _ => error.into(),
                })?;
            }
            Some(_) => {
                let updated = answer::Entity::update_many()
                    .col_expr(answer::Column::NotConcerned, Expr::value(false))
                    .col_expr(answer::Column::Achieved, Expr::value(value.clone()))
                    .col_expr(answer::Column::Comment, Expr::value(planned.comment.clone()))
                    .col_expr(answer::Column::Version, Expr::value(planned.version + 1))
                    .col_expr(answer::Column::UpdatedAt, Expr::value(now))
                    .col_expr(answer::Column::UpdatedBy, Expr::value(actor.id))
                    .col_expr(answer::Column::Source, Expr::value(Some(source.clone())))
                    .filter(answer::Column::QuestionId.eq(planned.question_id))
                    .filter(answer::Column::Version.eq(planned.version))
                    .exec(&txn)
                    .await?;
                if updated.rows_affected != 1 {
                    return Err(changed_meanwhile());
                }
            }
        }
        answer_history::ActiveModel {
            question_id: Set(planned.question_id),
            version: Set(planned.version + 1),
            old_not_concerned: Set(planned.old.as_ref().map(|old| old.not_concerned)),
            old_achieved: Set(planned.old.as_ref().and_then(|old| old.achieved.clone())),
            old_comment: Set(planned.old.as_ref().and_then(|old| old.comment.clone())),
            new_not_concerned: Set(false),
            new_achieved: Set(value),
            new_comment: Set(planned.comment.clone()),
            changed_by: Set(actor.id),
            changed_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    if !plan.writes.is_empty() {
        let after = serde_json::json!({
            "fichier": file_name,
            "valeurs nouvelles": plan.created(),
            "valeurs mises à jour": plan.updated(),
            "valeurs inchangées": plan.unchanged,
            "lignes refusées": plan.refused.len(),
        });
        let entry = Entry {
            kind: ChangeKind::NationalValuesImported,
            subject: choice.label(),
            before: None,
            after: Some(after),
        };
        audit::record(&txn, actor, Some(agency_id.0), entry).await?;
    }
    txn.commit().await?;
    Ok(plan)
}
