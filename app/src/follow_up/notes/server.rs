//! The server's side of `notes` (behind `ssr`: the browser's build never reads this file).

use ecars_core::ids::ContractId;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set,
};

use super::{parse_note, AgencyNote};
use crate::accounts::access::Viewer;
use crate::db::entities::agency_note;
use crate::db::french_date_time;
use crate::AppError;

/// The notes of evaluation `evaluation_id`, newest first.
pub async fn of_evaluation(
    db: &impl ConnectionTrait,
    evaluation_id: ecars_core::ids::EvaluationId,
) -> Result<Vec<AgencyNote>, DbErr> {
    Ok(agency_note::Entity::find()
        .filter(agency_note::Column::EvaluationId.eq(evaluation_id))
        .order_by_desc(agency_note::Column::WrittenAt)
        .order_by_desc(agency_note::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|note| AgencyNote {
            author: note.author_email,
            written_at: french_date_time(note.written_at),
            body: note.body,
        })
        .collect())
}

/// Writes `typed` on contract `contract_id`'s current evaluation, for an agency user who
/// reads the contract (its referents, its agency's administrators, national ones).
pub async fn write(
    db: &DatabaseConnection,
    viewer: &Viewer,
    contract_id: ecars_core::ids::ContractId,
    typed: &str,
) -> Result<(), AppError> {
    let access = crate::evaluation::access::steerable_contract(db, viewer, ContractId(contract_id.0)).await?;
    let body = parse_note(typed).map_err(AppError::Invalid)?;
    agency_note::ActiveModel {
        evaluation_id: Set(access.evaluation.id),
        author_id: Set(Some(viewer.user_id)),
        author_email: Set(viewer.email.clone()),
        body: Set(body),
        written_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}
