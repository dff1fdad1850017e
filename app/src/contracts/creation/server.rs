//! The server's side of `creation` (behind `ssr`: the browser's build never reads this file).

use std::collections::HashMap;

use chrono::NaiveDate;
use ecars_core::vocabulary::ChangeKind;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set};

use super::{Day, NewContract};
use crate::audit::{self, Actor, Entry};
use crate::contracts::{ContractKind, Phase};
use crate::db::begin_write;
use crate::db::entities::{contact, contract, contract_establishment, establishment, legal_entity};
use crate::evaluation::years::server::{self as years, NewEvaluation};
use crate::AppError;

/// The "Contrats" page's data for the agency, its legal entities filtered by `filter` (FINESS
/// or part of the name).
pub async fn administration(
    db: &DatabaseConnection,
    agency_id: ecars_core::ids::AgencyId,
    filter: &str,
) -> Result<super::ContractsAdministration, AppError> {
    use sea_orm::{PaginatorTrait, QuerySelect};

    use super::{AgencyContractRow, ContractsAdministration, VersionChoice, LISTED_ENTITIES};
    use crate::legal_entities::LegalEntityRef;

    let entities_of_agency = legal_entity::Entity::find().filter(legal_entity::Column::AgencyId.eq(agency_id));
    let all_entities: HashMap<i32, legal_entity::Model> =
        entities_of_agency.clone().all(db).await?.into_iter().map(|entity| (entity.id, entity)).collect();
    let versions = crate::referentials::service::labelled_versions(db, agency_id).await?;
    let labels: HashMap<i32, String> = versions.iter().map(|(version, label)| (version.id, label.clone())).collect();
    let contracts = contract::Entity::find()
        .filter(contract::Column::LegalEntityId.is_in(all_entities.keys().copied()))
        .order_by_desc(contract::Column::Id)
        .all(db)
        .await?;
    let phases = years::current_phases(db, contracts.iter().map(|contract| contract.id)).await?;
    let contracts = contracts
        .into_iter()
        .filter_map(|contract| {
            let entity = all_entities.get(&contract.legal_entity_id)?;
            Some(AgencyContractRow {
                id: contract.id,
                name: contract.name,
                kind: contract.kind,
                legal_entity: LegalEntityRef { finess: entity.finess.clone(), name: entity.name.clone() },
                referential: contract.referential_version_id.and_then(|id| labels.get(&id).cloned()),
                phase: phases.get(&contract.id).copied().unwrap_or(Phase::AutoEvaluation),
            })
        })
        .collect();
    let filter = filter.trim();
    let mut matching = entities_of_agency;
    if !filter.is_empty() {
        matching = matching.filter(
            sea_orm::Condition::any()
                .add(legal_entity::Column::Finess.starts_with(filter.to_uppercase()))
                .add(legal_entity::Column::Name.contains(filter.to_uppercase())),
        );
    }
    let matching_entities = matching.clone().count(db).await?;
    let legal_entities = matching
        .order_by_asc(legal_entity::Column::Name)
        .limit(LISTED_ENTITIES)
        .all(db)
        .await?
        .into_iter()
        .map(|entity| LegalEntityRef { finess: entity.finess, name: entity.name })
        .collect();
    let versions = versions.into_iter().map(|(version, label)| VersionChoice { id: version.id, label }).collect();
    Ok(ContractsAdministration { contracts, versions, legal_entities, matching_entities })
}

fn date(day: Option<Day>) -> Option<NaiveDate> {
    day.and_then(|day| NaiveDate::from_ymd_opt(day.year, day.month, day.day))
}

/// The establishments of the FINESS numbers typed (separated by commas, spaces or lines), each
/// of which must exist.
pub(in crate::contracts) async fn establishment_ids(
    db: &DatabaseConnection,
    typed: &str,
) -> Result<Vec<i32>, AppError> {
    let chosen = ecars_core::finess::parse_finess_list(typed, 1000, "établissements").map_err(AppError::Invalid)?;
    if chosen.is_empty() {
        return Ok(Vec::new());
    }
    let found =
        establishment::Entity::find().filter(establishment::Column::Finess.is_in(chosen.clone())).all(db).await?;
    if found.len() != chosen.len() {
        return Err(AppError::Invalid(
            "Un des établissements indiqués n'existe pas : vérifiez les numéros FINESS.".to_owned(),
        ));
    }
    Ok(found.into_iter().map(|site| site.id).collect())
}

/// Gives contract `contract_id` the contact `functions`, in their order: those of its `existing`
/// contacts kept (their position and mandatory flag updated), the others added, the functions
/// left out removed.
pub(in crate::contracts) async fn write_contact_functions(
    txn: &impl sea_orm::ConnectionTrait,
    contract_id: i32,
    existing: &[contact::Model],
    functions: &[(String, bool)],
) -> Result<(), sea_orm::DbErr> {
    use sea_orm::IntoActiveModel;

    for contact in existing {
        if !functions.iter().any(|(function, _)| *function == contact.function) {
            contact::Entity::delete_by_id(contact.id).exec(txn).await?;
        }
    }
    for (position, (function, mandatory)) in functions.iter().enumerate() {
        let mut written = match existing.iter().find(|contact| contact.function == *function) {
            Some(kept) => kept.clone().into_active_model(),
            None => contact::ActiveModel {
                contract_id: Set(contract_id),
                function: Set(function.clone()),
                ..Default::default()
            },
        };
        written.position = Set(position as i32);
        written.mandatory = Set(*mandatory);
        written.save(txn).await?;
    }
    Ok(())
}

/// Every field of the form on the contract (the same at creation and edition).
pub(in crate::contracts) fn set_fields(contract: &mut contract::ActiveModel, new: &NewContract) {
    contract.kind = Set(new.kind);
    contract.name = Set(new.name.clone());
    contract.code = Set(new.code.clone());
    contract.status = Set(new.status.clone());
    contract.agency_contact = Set(new.agency_contact.clone());
    contract.estimated_signature_date = Set(date(new.estimated_signature_date));
    contract.effective_date = Set(date(new.effective_date));
    contract.prorogation_months = Set(new.prorogation_months);
    contract.effective_end_date = Set(date(new.effective_end_date));
    contract.last_prorogation_date = Set(date(new.last_prorogation_date));
    contract.status_reason = Set(new.status_reason.clone());
    contract.competence = Set(new.competence.clone());
}

/// The establishments a contract of `kind` covers among its legal entity's `sites`: all of them
/// for a CAQES; for a CPOM those `chosen` (all of them if none is), each one of `sites`.
pub(in crate::contracts) fn covered_establishments(
    kind: ContractKind,
    sites: &[establishment::Model],
    chosen: &[i32],
) -> Result<Vec<i32>, AppError> {
    match kind {
        ContractKind::Cpom if !chosen.is_empty() => {
            if let Some(stranger) = chosen.iter().find(|id| !sites.iter().any(|site| site.id == **id)) {
                tracing::info!(establishment = stranger, "an establishment of another legal entity was chosen");
                return Err(AppError::NotFound);
            }
            Ok(chosen.to_vec())
        }
        ContractKind::Caqes | ContractKind::Cpom => Ok(sites.iter().map(|site| site.id).collect()),
    }
}

/// Creates `new` for each legal entity of `legal_entity_ids` (all of the agency), its tree
/// copied from referential version `version_id` (of the agency), in one transaction: all of
/// them or none. A CAQES covers every establishment of its legal entity; a CPOM those of
/// `cpom_establishments` (of its one legal entity), or all of them if none is given. Returns the
/// contracts' ids.
pub async fn create_contracts(
    db: &DatabaseConnection,
    agency_id: ecars_core::ids::AgencyId,
    actor: &Actor,
    new: &NewContract,
    version_id: i32,
    legal_entity_ids: &[i32],
    cpom_establishments: &[i32],
) -> Result<Vec<i32>, AppError> {
    if legal_entity_ids.is_empty() {
        return Err(AppError::Invalid("Choisissez au moins une entité juridique.".to_owned()));
    }
    if new.kind == ContractKind::Cpom && legal_entity_ids.len() != 1 {
        return Err(AppError::Invalid("Un CPOM se crée pour une seule entité juridique à la fois.".to_owned()));
    }
    let (version, referential) =
        crate::referentials::service::agency_version(db, agency_id, version_id).await?.ok_or(AppError::NotFound)?;
    let nodes = crate::referentials::service::nodes(db, version.id).await?;
    let entities = legal_entity::Entity::find()
        .filter(legal_entity::Column::Id.is_in(legal_entity_ids.iter().copied()))
        .filter(legal_entity::Column::AgencyId.eq(agency_id))
        .all(db)
        .await?;
    if entities.len() != legal_entity_ids.len() {
        return Err(AppError::NotFound);
    }
    let today = crate::db::agency_today();
    let txn = begin_write(db).await?;
    let mut created = Vec::with_capacity(entities.len());
    for entity in &entities {
        let sites =
            establishment::Entity::find().filter(establishment::Column::LegalEntityId.eq(entity.id)).all(&txn).await?;
        let covered = covered_establishments(new.kind, &sites, cpom_establishments)?;
        let mut contract = contract::ActiveModel {
            legal_entity_id: Set(entity.id),
            created_on: Set(today),
            referential_version_id: Set(Some(version.id)),
            ..Default::default()
        };
        set_fields(&mut contract, new);
        let contract = contract.insert(&txn).await?;
        let first = NewEvaluation {
            contract_id: contract.id,
            year: new.evaluation_year,
            version_id: version.id,
            nodes: &nodes,
            campaign_id: None,
            window: None,
            previous: &HashMap::new(),
        };
        years::create(&txn, first).await?;
        write_contact_functions(&txn, contract.id, &[], &new.contact_functions).await?;
        for establishment_id in &covered {
            contract_establishment::ActiveModel {
                contract_id: Set(contract.id),
                establishment_id: Set(*establishment_id),
            }
            .insert(&txn)
            .await?;
        }
        let after = serde_json::json!({
            "type": new.kind.label(),
            "entité juridique": format!("{} - {}", entity.finess, entity.name),
            "référentiel": crate::referentials::version_label(&referential.name, version.number),
            "établissements": covered.len(),
            "année d'évaluation": new.evaluation_year,
        });
        let entry =
            Entry { kind: ChangeKind::ContractCreated, subject: new.name.clone(), before: None, after: Some(after) };
        audit::record(&txn, actor, Some(agency_id.0), entry).await?;
        created.push(contract.id);
    }
    txn.commit().await?;
    Ok(created)
}
