//! Legal entity queries.

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

use super::{EstablishmentRow, LegalEntityDetail, LegalEntityRef, LegalEntityRow, MEDICO_SOCIAL};
use crate::contracts::service as contracts;
use crate::db::entities::{establishment, legal_entity};

const CPOM: &str = "CPOM";

/// Legal entities within `scope` (`None`: all of them), by name.
pub async fn list(db: &impl ConnectionTrait, scope: Option<&[i32]>) -> Result<Vec<LegalEntityRow>, DbErr> {
    let mut query = legal_entity::Entity::find().order_by_asc(legal_entity::Column::Name);
    if let Some(ids) = scope {
        query = query.filter(legal_entity::Column::Id.is_in(ids.iter().copied()));
    }
    let entities = query.all(db).await?;
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
        finess: establishment.finess.clone(),
        name: establishment.name.clone(),
        region: establishment.region.clone(),
        domain: establishment.domain.clone(),
        address: establishment.address.clone(),
    }
}

pub async fn detail(db: &impl ConnectionTrait, entity: legal_entity::Model) -> Result<LegalEntityDetail, DbErr> {
    let contracts = contracts::of_legal_entity(db, entity.id).await?;
    let establishments = establishment::Entity::find()
        .filter(establishment::Column::LegalEntityId.eq(entity.id))
        .order_by_asc(establishment::Column::Id)
        .all(db)
        .await?;
    Ok(LegalEntityDetail {
        medico_social: entity.domain == MEDICO_SOCIAL,
        contracts: contracts.iter().map(contracts::summary).collect(),
        cpoms: contracts.iter().filter(|c| c.kind == CPOM).map(contracts::cpom_summary).collect(),
        establishments: establishments.iter().map(establishment_row).collect(),
        address: entity.address,
        phone: entity.phone,
        entity: LegalEntityRef { finess: entity.finess, name: entity.name },
    })
}
