//! Administrative contact queries.

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

use super::{ContactList, ContactRow};
use crate::contracts::service as contracts;
use crate::db::entities::contact;

pub async fn list(db: &impl ConnectionTrait, contract_id: i32) -> Result<Option<ContactList>, DbErr> {
    let Some(contract) = contracts::header(db, contract_id).await? else {
        return Ok(None);
    };
    let contacts = contact::Entity::find()
        .filter(contact::Column::ContractId.eq(contract_id))
        .order_by_asc(contact::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|contact| ContactRow {
            id: contact.id,
            function: contact.function,
            last_name: contact.last_name,
            first_name: contact.first_name,
            email: contact.email,
            phone: contact.phone,
            mandatory: contact.mandatory,
        })
        .collect();
    Ok(Some(ContactList { contract, contacts }))
}
