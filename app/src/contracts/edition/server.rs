//! The server's side of `edition` (behind `ssr`: the browser's build never reads this file).

use ecars_core::ids::ContractId;
use ecars_core::vocabulary::ChangeKind;
use ecars_core::vocabulary::NodeKind;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait, Set,
};

use super::ContractEdition;
use crate::audit::{self, Actor, Entry};
use crate::contracts::creation::server::{covered_establishments, set_fields, write_contact_functions};
use crate::contracts::creation::{ContractForm, NewContract};
use crate::db::begin_write;
use crate::db::entities::{
    answer, contact, contract, contract_establishment, establishment, evaluation, indicator, legal_entity, referential,
    referential_version,
};
use crate::evaluation::years::server as years;
use crate::legal_entities::LegalEntityRef;
use crate::AppError;

/// Contract `id` with its legal entity, if that entity is the agency's ("not found" otherwise).
async fn of_agency(
    db: &impl ConnectionTrait,
    agency_id: ecars_core::ids::AgencyId,
    id: i32,
) -> Result<(contract::Model, legal_entity::Model), AppError> {
    let contract = contract::Entity::find_by_id(id).one(db).await?.ok_or(AppError::NotFound)?;
    let entity = legal_entity::Entity::find_by_id(contract.legal_entity_id)
        .one(db)
        .await?
        .filter(|entity| entity.agency_id == Some(agency_id.0))
        .ok_or(AppError::NotFound)?;
    Ok((contract, entity))
}

fn day_text(date: Option<NaiveDate>) -> String {
    date.map(|date| date.format("%Y-%m-%d").to_string()).unwrap_or_default()
}

async fn contacts_of(
    db: &impl ConnectionTrait,
    contract_id: ecars_core::ids::ContractId,
) -> Result<Vec<contact::Model>, AppError> {
    Ok(contact::Entity::find()
        .filter(contact::Column::ContractId.eq(contract_id))
        .order_by_asc(contact::Column::Position)
        .all(db)
        .await?)
}

async fn covered_sites(
    db: &impl ConnectionTrait,
    contract_id: ecars_core::ids::ContractId,
) -> Result<Vec<establishment::Model>, AppError> {
    let covered = contract_establishment::Entity::find()
        .select_only()
        .column(contract_establishment::Column::EstablishmentId)
        .filter(contract_establishment::Column::ContractId.eq(contract_id))
        .into_query();
    Ok(establishment::Entity::find()
        .filter(establishment::Column::Id.in_subquery(covered))
        .order_by_asc(establishment::Column::Finess)
        .all(db)
        .await?)
}

/// The form as the contract fills it.
fn form_of(contract: &contract::Model, year: i32, contacts: &[contact::Model]) -> ContractForm {
    let functions: Vec<(&str, bool)> =
        contacts.iter().map(|contact| (contact.function.as_str(), contact.mandatory)).collect();
    ContractForm {
        kind: contract.kind.label().to_owned(),
        name: contract.name.clone(),
        code: contract.code.clone(),
        status: contract.status.clone(),
        agency_contact: contract.agency_contact.clone(),
        evaluation_year: year.to_string(),
        estimated_signature_date: day_text(contract.estimated_signature_date),
        effective_date: day_text(contract.effective_date),
        prorogation_months: contract.prorogation_months.map(|months| months.to_string()).unwrap_or_default(),
        effective_end_date: day_text(contract.effective_end_date),
        last_prorogation_date: day_text(contract.last_prorogation_date),
        status_reason: contract.status_reason.clone().unwrap_or_default(),
        competence: contract.competence.clone().unwrap_or_default(),
        contact_functions: crate::contracts::creation::contact_functions_text(&functions),
    }
}

pub async fn contract_edition(
    db: &DatabaseConnection,
    agency_id: ecars_core::ids::AgencyId,
    id: i32,
) -> Result<ContractEdition, AppError> {
    let (contract, entity) = of_agency(db, agency_id, id).await?;
    let contacts = contacts_of(db, ecars_core::ids::ContractId(id)).await?;
    let year = years::current(db, ContractId(id)).await?.year;
    let referential = match contract.referential_version_id {
        Some(version_id) => match referential_version::Entity::find_by_id(version_id).one(db).await? {
            Some(version) => referential::Entity::find_by_id(version.referential_id)
                .one(db)
                .await?
                .map(|referential| crate::referentials::version_label(&referential.name, version.number)),
            None => None,
        },
        None => None,
    };
    let establishments = covered_sites(db, ecars_core::ids::ContractId(id))
        .await?
        .into_iter()
        .map(|site| site.finess)
        .collect::<Vec<_>>();
    Ok(ContractEdition {
        id,
        legal_entity: LegalEntityRef { finess: entity.finess, name: entity.name },
        referential,
        form: form_of(&contract, year, &contacts),
        establishments: establishments.join(", "),
    })
}

/// The fields a person reads in the journal, by label.
fn journal_fields(form: &ContractForm, establishments: &str) -> BTreeMap<&'static str, String> {
    BTreeMap::from([
        ("type", form.kind.clone()),
        ("nom", form.name.clone()),
        ("code", form.code.clone()),
        ("statut", form.status.clone()),
        ("contact ARS", form.agency_contact.clone()),
        ("année d'évaluation", form.evaluation_year.clone()),
        ("date de signature estimée", form.estimated_signature_date.clone()),
        ("date d'effet", form.effective_date.clone()),
        ("durée de prorogation", form.prorogation_months.clone()),
        ("date de fin effective", form.effective_end_date.clone()),
        ("date de dernière prorogation", form.last_prorogation_date.clone()),
        ("motif du statut", form.status_reason.clone()),
        ("compétence", form.competence.clone()),
        ("fonctions des contacts", form.contact_functions.replace('\n', ", ")),
        ("établissements", establishments.to_owned()),
    ])
}

/// Saves `new` on contract `id` of the agency, with the establishments `chosen` (CPOM), in one
/// transaction journaled with the fields that changed. Refused: changing the year once answers
/// are saved, removing a contact function whose contact is named.
pub async fn edit_contract(
    db: &DatabaseConnection,
    agency_id: ecars_core::ids::AgencyId,
    actor: &Actor,
    id: i32,
    new: &NewContract,
    chosen: &[i32],
) -> Result<(), AppError> {
    // Everything read in the transaction that writes: the entity's owner and its sites are
    // those the links are written against.
    let txn = begin_write(db).await?;
    let db = &txn;
    let (contract, entity) = of_agency(db, agency_id, id).await?;
    let contacts = contacts_of(db, ecars_core::ids::ContractId(id)).await?;
    let evaluation = years::current(db, ContractId(id)).await?;
    let year_changed = new.evaluation_year != evaluation.year;
    if year_changed {
        let questions = indicator::Entity::find()
            .select_only()
            .column(indicator::Column::Id)
            .filter(indicator::Column::EvaluationId.eq(evaluation.id))
            .filter(indicator::Column::NodeKind.eq(NodeKind::Question))
            .into_query();
        let answered = answer::Entity::find().filter(answer::Column::QuestionId.in_subquery(questions)).count(db);
        let evaluations = evaluation::Entity::find().filter(evaluation::Column::ContractId.eq(id)).count(db);
        if answered.await? > 0 || evaluations.await? > 1 {
            return Err(AppError::Invalid(format!(
                "Des réponses sont déjà enregistrées pour {} : l'année d'évaluation ne change plus.",
                evaluation.year
            )));
        }
    }
    let named = |contact: &contact::Model| {
        [&contact.last_name, &contact.first_name, &contact.email, &contact.phone]
            .iter()
            .any(|field| field.as_deref().is_some_and(|value| !value.trim().is_empty()))
    };
    if let Some(kept) = contacts.iter().find(|contact| {
        named(contact) && !new.contact_functions.iter().any(|(function, _)| *function == contact.function)
    }) {
        return Err(AppError::Invalid(format!(
            "Un contact est renseigné pour la fonction {} : elle ne peut plus être retirée.",
            kept.function
        )));
    }
    let sites = establishment::Entity::find()
        .filter(establishment::Column::LegalEntityId.eq(entity.id))
        .order_by_asc(establishment::Column::Finess)
        .all(db)
        .await?;
    let covered = covered_establishments(new.kind, &sites, chosen)?;
    let covered_text = |ids: &[i32]| {
        sites
            .iter()
            .filter(|site| ids.contains(&site.id))
            .map(|site| site.finess.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let before_sites: Vec<i32> =
        covered_sites(db, ecars_core::ids::ContractId(id)).await?.into_iter().map(|site| site.id).collect();
    let before = journal_fields(&form_of(&contract, evaluation.year, &contacts), &covered_text(&before_sites));

    let mut active = contract.clone().into_active_model();
    set_fields(&mut active, new);
    let saved = active.update(&txn).await?;
    if year_changed {
        evaluation::Entity::update_many()
            .col_expr(evaluation::Column::Year, Expr::value(new.evaluation_year))
            .filter(evaluation::Column::Id.eq(evaluation.id))
            .exec(&txn)
            .await?;
        indicator::Entity::update_many()
            .col_expr(indicator::Column::Year, Expr::value(new.evaluation_year))
            .filter(indicator::Column::EvaluationId.eq(evaluation.id))
            .filter(indicator::Column::NodeKind.eq(NodeKind::Question))
            .exec(&txn)
            .await?;
    }
    contract_establishment::Entity::delete_many()
        .filter(contract_establishment::Column::ContractId.eq(id))
        .exec(&txn)
        .await?;
    for establishment_id in &covered {
        contract_establishment::ActiveModel { contract_id: Set(id), establishment_id: Set(*establishment_id) }
            .insert(&txn)
            .await?;
    }
    write_contact_functions(&txn, id, &contacts, &new.contact_functions).await?;
    let after = journal_fields(
        &form_of(&saved, new.evaluation_year, &contacts_of(&txn, ecars_core::ids::ContractId(id)).await?),
        &covered_text(&covered),
    );
    let changed: Vec<&str> = before.keys().filter(|key| before.get(*key) != after.get(*key)).copied().collect();
    let only = |fields: &BTreeMap<&str, String>| {
        serde_json::Value::Object(changed.iter().map(|key| ((*key).to_owned(), fields[key].clone().into())).collect())
    };
    if !changed.is_empty() {
        let entry = Entry {
            kind: ChangeKind::ContractEdited,
            subject: format!("{} ({} - {})", saved.name, entity.finess, entity.name),
            before: Some(only(&before)),
            after: Some(only(&after)),
        };
        audit::record(&txn, actor, Some(agency_id.0), entry).await?;
    }
    txn.commit().await?;
    Ok(())
}
