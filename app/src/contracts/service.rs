//! Contract queries.

use ecars_core::ids::ContractId;

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

use super::{ContractDetail, ContractEstablishments, ContractHeader, ContractSummary, CpomSummary, Phase};
use crate::db::entities::{contract, contract_establishment, establishment, evaluation, legal_entity};
use crate::db::french_date;
use crate::evaluation::years::server as years;
use crate::legal_entities::{service::establishment_row, LegalEntityRef};

fn header_of(
    contract: &contract::Model,
    entity: &legal_entity::Model,
    evaluation: &evaluation::Model,
    today: NaiveDate,
) -> ContractHeader {
    ContractHeader {
        id: contract.id,
        kind: contract.kind,
        name: contract.name.clone(),
        phase: evaluation.phase,
        year: evaluation.year,
        window: crate::campaigns::window::server::notice(evaluation, today),
        legal_entity: LegalEntityRef { finess: entity.finess.clone(), name: entity.name.clone() },
    }
}

async fn find_with_entity(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<(contract::Model, legal_entity::Model)>, DbErr> {
    let Some(contract) = contract::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let entity = legal_entity::Entity::find_by_id(contract.legal_entity_id)
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("legal entity of contract {id}")))?;
    Ok(Some((contract, entity)))
}

/// The banner of the contract's current evaluation, its window as on `today`.
pub async fn header(db: &impl ConnectionTrait, id: i32, today: NaiveDate) -> Result<Option<ContractHeader>, DbErr> {
    let Some((contract, entity)) = find_with_entity(db, id).await? else { return Ok(None) };
    Ok(Some(header_of(&contract, &entity, &years::current(db, ContractId(id)).await?, today)))
}

/// The banner of one of the contract's evaluations, its window as on `today`.
pub async fn header_of_evaluation(
    db: &impl ConnectionTrait,
    evaluation: &evaluation::Model,
    today: NaiveDate,
) -> Result<Option<ContractHeader>, DbErr> {
    let found = find_with_entity(db, evaluation.contract_id).await?;
    Ok(found.map(|(contract, entity)| header_of(&contract, &entity, evaluation, today)))
}

/// The contract page's fields, with the banner of `evaluation` on `today`.
pub async fn detail(
    db: &impl ConnectionTrait,
    evaluation: &evaluation::Model,
    today: NaiveDate,
) -> Result<Option<ContractDetail>, DbErr> {
    Ok(find_with_entity(db, evaluation.contract_id).await?.map(|(contract, entity)| ContractDetail {
        header: header_of(&contract, &entity, evaluation, today),
        code: contract.code,
        status: contract.status,
        agency_contact: contract.agency_contact,
        estimated_signature_date: contract.estimated_signature_date.map(french_date),
        effective_date: contract.effective_date.map(french_date),
        prorogation: contract.prorogation_months.map(|months| format!("{months} mois")),
        effective_end_date: contract.effective_end_date.map(french_date),
        last_prorogation_date: contract.last_prorogation_date.map(french_date),
        created_on: french_date(contract.created_on),
        status_reason: contract.status_reason,
        competence: contract.competence,
    }))
}

/// Contracts of a legal entity, most recent first.
pub async fn of_legal_entity(
    db: &impl ConnectionTrait,
    legal_entity_id: ecars_core::ids::LegalEntityId,
) -> Result<Vec<contract::Model>, DbErr> {
    contract::Entity::find()
        .filter(contract::Column::LegalEntityId.eq(legal_entity_id))
        .order_by_desc(contract::Column::CreatedOn)
        .order_by_asc(contract::Column::Name)
        .all(db)
        .await
}

/// A row of a list of contracts, with the phase of its current evaluation.
pub fn summary(contract: &contract::Model, phase: Phase) -> ContractSummary {
    ContractSummary {
        id: contract.id,
        kind: contract.kind,
        name: contract.name.clone(),
        status: contract.status.clone(),
        effective_date: contract.effective_date.map(french_date),
        effective_end_date: contract.effective_end_date.map(french_date),
        phase,
    }
}

pub fn cpom_summary(contract: &contract::Model) -> CpomSummary {
    CpomSummary {
        id: contract.id,
        name: contract.name.clone(),
        created_on: french_date(contract.created_on),
        status_reason: contract.status_reason.clone(),
        competence: contract.competence.clone(),
        effective_date: contract.effective_date.map(french_date),
    }
}

pub async fn establishments(
    db: &impl ConnectionTrait,
    id: i32,
    today: NaiveDate,
) -> Result<Option<ContractEstablishments>, DbErr> {
    let Some(contract) = header(db, id, today).await? else {
        return Ok(None);
    };
    let links = contract_establishment::Entity::find()
        .filter(contract_establishment::Column::ContractId.eq(id))
        .all(db)
        .await?;
    let establishments = establishment::Entity::find()
        .filter(establishment::Column::Id.is_in(links.iter().map(|link| link.establishment_id)))
        .order_by_asc(establishment::Column::Id)
        .all(db)
        .await?;
    Ok(Some(ContractEstablishments {
        contract,
        establishments: establishments.iter().map(establishment_row).collect(),
    }))
}
