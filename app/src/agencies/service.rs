//! Agencies in the database: what other domains ask of them (the viewer's contacts, the quality
//! department of a legal entity), and the rows an agency is written as. Creating one with its
//! first administrator is the `creation` module's.

use chrono::Utc;
use ecars_core::vocabulary::Role;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
};

use super::{AgencyContacts, AgencyRow, NewAgency};
use crate::db::entities::{agency, legal_entity, user};

pub async fn find_by_name(db: &impl ConnectionTrait, name: &str) -> Result<Option<agency::Model>, DbErr> {
    agency::Entity::find().filter(agency::Column::Name.eq(name.trim())).one(db).await
}

fn contacts(agency: agency::Model) -> AgencyContacts {
    AgencyContacts {
        departements: departements(&agency),
        id: agency.id,
        name: agency.name,
        quality_email: agency.quality_email,
        support_email: agency.support_email,
        support_phone: agency.support_phone,
    }
}

pub fn departements(agency: &agency::Model) -> Vec<String> {
    agency.departements.split(',').filter(|code| !code.is_empty()).map(str::to_owned).collect()
}

/// The agency of an account: its own, or for an establishment user that of the first of its
/// legal entities to have one.
pub async fn of_user(
    db: &impl ConnectionTrait,
    user: &user::Model,
    legal_entity_ids: &[i32],
) -> Result<Option<AgencyContacts>, DbErr> {
    let agency_id = match user.agency_id {
        Some(id) => Some(id),
        None if user.role == Role::Establishment && !legal_entity_ids.is_empty() => legal_entity::Entity::find()
            .filter(legal_entity::Column::Id.is_in(legal_entity_ids.iter().copied()))
            .filter(legal_entity::Column::AgencyId.is_not_null())
            .order_by_asc(legal_entity::Column::Id)
            .one(db)
            .await?
            .and_then(|entity| entity.agency_id),
        None => None,
    };
    let Some(agency_id) = agency_id else { return Ok(None) };
    Ok(agency::Entity::find_by_id(agency_id).one(db).await?.map(contacts))
}

/// The quality department told of an evaluation report of the legal entity, if its agency is known.
pub async fn quality_email_of_legal_entity(
    db: &impl ConnectionTrait,
    legal_entity_id: ecars_core::ids::LegalEntityId,
) -> Result<Option<String>, DbErr> {
    let Some(entity) = legal_entity::Entity::find_by_id(legal_entity_id).one(db).await? else { return Ok(None) };
    let Some(agency_id) = entity.agency_id else { return Ok(None) };
    Ok(agency::Entity::find_by_id(agency_id).one(db).await?.map(|agency| agency.quality_email))
}

/// Every agency, by name, with its administrators and how many legal entities it has.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<AgencyRow>, DbErr> {
    let agencies = agency::Entity::find().order_by_asc(agency::Column::Name).all(db).await?;
    let mut rows = Vec::with_capacity(agencies.len());
    for agency in agencies {
        let administrators = user::Entity::find()
            .filter(user::Column::AgencyId.eq(agency.id))
            .filter(user::Column::Role.eq(Role::Admin))
            .order_by_asc(user::Column::Email)
            .all(db)
            .await?
            .into_iter()
            .map(|user| user.email)
            .collect();
        let legal_entities =
            legal_entity::Entity::find().filter(legal_entity::Column::AgencyId.eq(agency.id)).count(db).await?;
        rows.push(AgencyRow {
            departements: departements(&agency),
            name: agency.name,
            region: agency.region,
            quality_email: agency.quality_email,
            support_email: agency.support_email,
            support_phone: agency.support_phone,
            administrators,
            legal_entities,
        });
    }
    Ok(rows)
}

/// The agency row alone (the demo adds its administrators with known passwords).
pub async fn insert(db: &impl ConnectionTrait, new: &NewAgency) -> Result<agency::Model, DbErr> {
    agency::ActiveModel {
        name: Set(new.name.clone()),
        region: Set(new.region.name.to_owned()),
        departements: Set(new.departements.join(",")),
        quality_email: Set(new.quality_email.as_str().to_owned()),
        support_email: Set(new.support_email.as_str().to_owned()),
        support_phone: Set(new.support_phone.clone()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
}

pub(super) fn find_name_conflict(error: &DbErr) -> bool {
    matches!(error.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_)))
}
