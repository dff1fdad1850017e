//! Legal entity queries.

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

use super::{Domain, EstablishmentDetail, EstablishmentRow, LegalEntityDetail, LegalEntityRef, LegalEntityRow};
use crate::accounts::access::{Reach, Viewer};
use crate::contracts::{service as contracts, ContractKind, Phase};
use crate::db::entities::{establishment, legal_entity};
use crate::documents::{service as documents, Place};
use crate::evaluation::years::server as years;
use crate::AppError;

/// The legal entities within `reach`, by name.
pub async fn list(db: &impl ConnectionTrait, reach: Reach<'_>) -> Result<Vec<LegalEntityRow>, DbErr> {
    let entities = legal_entity::Entity::find()
        .filter(reach.condition(legal_entity::Column::Id))
        .order_by_asc(legal_entity::Column::Name)
        .all(db)
        .await?;
    Ok(entities
        .into_iter()
        .map(|entity| LegalEntityRow {
            entity: LegalEntityRef { finess: entity.finess, name: entity.name },
            address: entity.address,
            phone: entity.phone,
        })
        .collect())
}

pub fn establishment_row(establishment: &establishment::Model) -> EstablishmentRow {
    EstablishmentRow {
        id: establishment.id,
        finess: establishment.finess.clone(),
        name: establishment.name.clone(),
        region: establishment.region.clone(),
        domain: establishment.domain,
        address: establishment.address.clone(),
    }
}

pub async fn detail(db: &impl ConnectionTrait, entity: legal_entity::Model) -> Result<LegalEntityDetail, DbErr> {
    let contracts = contracts::of_legal_entity(db, ecars_core::ids::LegalEntityId(entity.id)).await?;
    let phases = years::current_phases(db, contracts.iter().map(|contract| contract.id)).await?;
    let establishments = establishment::Entity::find()
        .filter(establishment::Column::LegalEntityId.eq(entity.id))
        .order_by_asc(establishment::Column::Id)
        .all(db)
        .await?;
    Ok(LegalEntityDetail {
        medico_social: entity.domain == Domain::MedicoSocial,
        contracts: contracts
            .iter()
            .map(|contract| {
                contracts::summary(contract, phases.get(&contract.id).copied().unwrap_or(Phase::AutoEvaluation))
            })
            .collect(),
        cpoms: contracts.iter().filter(|c| c.kind == ContractKind::Cpom).map(contracts::cpom_summary).collect(),
        establishments: establishments.iter().map(establishment_row).collect(),
        address: entity.address,
        phone: entity.phone,
        entity: LegalEntityRef { finess: entity.finess, name: entity.name },
    })
}

/// An establishment the viewer may read (another legal entity's is "not found"), with its documents.
pub async fn establishment(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i32,
    max_bytes: u64,
) -> Result<EstablishmentDetail, AppError> {
    let establishment = crate::accounts::access::readable_establishment(db, viewer, id).await?;
    let entity =
        legal_entity::Entity::find_by_id(establishment.legal_entity_id).one(db).await?.ok_or(AppError::NotFound)?;
    Ok(EstablishmentDetail {
        establishment: establishment_row(&establishment),
        legal_entity: LegalEntityRef { finess: entity.finess, name: entity.name },
        documents: documents::folder(db, viewer, Place::Establishment(id), max_bytes).await?,
    })
}
