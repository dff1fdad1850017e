//! Administrative contacts: listing, and saving one (which confirms it for this self-evaluation).

use ecars_core::contacts::ContactInput;
use ecars_core::ids::ContractId;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
};

use super::{ContactDetail, ContactList, ContactRow};
use crate::accounts::access::Viewer;
use crate::contracts::service as contracts;
use crate::db::entities::{contact, evaluation};
use crate::evaluation::years::server as years;
use crate::AppError;

/// A contact counts as updated in an evaluation when confirmed since the evaluation opened.
pub fn updated_in(updated_at: Option<DateTime<Utc>>, opened_at: Option<DateTime<Utc>>) -> bool {
    updated_at.is_some_and(|at| opened_at.is_none_or(|opened_at| at >= opened_at))
}

/// A contact as listed.
fn row(contact: contact::Model, opened_at: Option<DateTime<Utc>>) -> ContactRow {
    let updated = updated_in(contact.updated_at, opened_at);
    ContactRow {
        id: contact.id,
        function: contact.function,
        last_name: contact.last_name,
        first_name: contact.first_name,
        email: contact.email,
        phone: contact.phone,
        mandatory: contact.mandatory,
        updated,
    }
}

/// The contacts of an evaluation's contract, in the agency's order.
pub async fn of_evaluation(
    db: &impl ConnectionTrait,
    evaluation: &evaluation::Model,
) -> Result<Vec<ContactRow>, DbErr> {
    Ok(contact::Entity::find()
        .filter(contact::Column::ContractId.eq(evaluation.contract_id))
        .order_by_asc(contact::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|contact| row(contact, evaluation.opened_at))
        .collect())
}

pub async fn list(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    contract_id: ecars_core::ids::ContractId,
) -> Result<ContactList, AppError> {
    let access = crate::evaluation::access::readable_contract(db, viewer, ContractId(contract_id.0)).await?;
    let header =
        contracts::header_of_evaluation(db, &access.evaluation, viewer.today()).await?.ok_or(AppError::NotFound)?;
    let contacts = of_evaluation(db, &access.evaluation).await?;
    Ok(ContactList { contract: header, contacts, editable: access.editable })
}

/// A contact of a contract the viewer may read; anything else is "not found".
async fn readable_contact(db: &impl ConnectionTrait, viewer: &Viewer, id: i32) -> Result<contact::Model, AppError> {
    let contact = contact::Entity::find_by_id(id).one(db).await?.ok_or(AppError::NotFound)?;
    crate::evaluation::access::readable_contract(db, viewer, ContractId(contact.contract_id)).await?;
    Ok(contact)
}

/// What the edit form shows.
pub async fn detail(db: &impl ConnectionTrait, viewer: &Viewer, id: i32) -> Result<ContactDetail, AppError> {
    let contact = readable_contact(db, viewer, id).await?;
    let list = list(db, viewer, ecars_core::ids::ContractId(contact.contract_id)).await?;
    let contact = list.contacts.iter().find(|row| row.id == contact.id).cloned().ok_or(AppError::NotFound)?;
    Ok(ContactDetail { contract: list.contract, editable: list.editable, contact })
}

/// Saves a complete, valid contact and marks it updated for this self-evaluation, even when
/// nothing changed: saving is how the establishment confirms it.
pub async fn save(
    db: &DatabaseConnection,
    viewer: &Viewer,
    id: i32,
    input: &ContactInput,
) -> Result<ContactRow, AppError> {
    let contact = readable_contact(db, viewer, id).await?;
    let access = crate::evaluation::access::writable_contract(db, viewer, ContractId(contact.contract_id)).await?;
    let valid = input.validate().map_err(|errors| AppError::Invalid(ContactInput::summary(&errors)))?;
    let txn = db.begin().await?;
    years::lock_open(&txn, access.evaluation.id, viewer.today()).await?;
    contact::Entity::update_many()
        .col_expr(contact::Column::LastName, Expr::value(valid.last_name.clone()))
        .col_expr(contact::Column::FirstName, Expr::value(valid.first_name.clone()))
        .col_expr(contact::Column::Email, Expr::value(valid.email.as_str()))
        .col_expr(contact::Column::Phone, Expr::value(valid.phone.as_str()))
        .col_expr(contact::Column::UpdatedAt, Expr::value(Utc::now()))
        .col_expr(contact::Column::UpdatedBy, Expr::value(viewer.user_id))
        .filter(contact::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(ContactRow {
        last_name: Some(valid.last_name),
        first_name: Some(valid.first_name),
        email: Some(valid.email.as_str().to_owned()),
        phone: Some(valid.phone.as_str().to_owned()),
        updated: true,
        ..row(contact, None)
    })
}
