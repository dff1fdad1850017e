//! Administrative contacts: listing, and saving one (which confirms it for this self-evaluation).

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
};

use super::rules::ContactInput;
use super::{ContactDetail, ContactList, ContactRow};
use crate::accounts::access::{self, Viewer};
use crate::contracts::service as contracts;
use crate::db::entities::contact;
use crate::AppError;

fn row(contact: contact::Model) -> ContactRow {
    ContactRow {
        id: contact.id,
        function: contact.function,
        last_name: contact.last_name,
        first_name: contact.first_name,
        email: contact.email,
        phone: contact.phone,
        mandatory: contact.mandatory,
        updated: contact.updated_at.is_some(),
    }
}

/// The contacts of a contract, in the agency's order.
pub async fn of_contract(db: &impl ConnectionTrait, contract_id: i32) -> Result<Vec<ContactRow>, DbErr> {
    Ok(contact::Entity::find()
        .filter(contact::Column::ContractId.eq(contract_id))
        .order_by_asc(contact::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(row)
        .collect())
}

pub async fn list(db: &impl ConnectionTrait, viewer: &Viewer, contract_id: i32) -> Result<ContactList, AppError> {
    let access = access::readable_contract(db, viewer, contract_id).await?;
    let header = contracts::header(db, contract_id).await?.ok_or(AppError::NotFound)?;
    Ok(ContactList { contract: header, contacts: of_contract(db, contract_id).await?, editable: access.editable })
}

/// A contact of a contract the viewer may read; anything else is "not found".
async fn readable_contact(db: &impl ConnectionTrait, viewer: &Viewer, id: i32) -> Result<contact::Model, AppError> {
    let contact = contact::Entity::find_by_id(id).one(db).await?.ok_or(AppError::NotFound)?;
    access::readable_contract(db, viewer, contact.contract_id).await?;
    Ok(contact)
}

/// What the edit form shows.
pub async fn detail(db: &impl ConnectionTrait, viewer: &Viewer, id: i32) -> Result<ContactDetail, AppError> {
    let contact = readable_contact(db, viewer, id).await?;
    let list = list(db, viewer, contact.contract_id).await?;
    Ok(ContactDetail { contract: list.contract, editable: list.editable, contact: row(contact) })
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
    access::writable_contract(db, viewer, contact.contract_id).await?;
    let valid = input.validate().map_err(|errors| AppError::Invalid(ContactInput::summary(&errors)))?;
    let txn = db.begin().await?;
    contracts::lock_open(&txn, contact.contract_id).await?;
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
        ..row(contact)
    })
}
