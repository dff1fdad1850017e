//! The server's side of `opening` (behind `ssr`: the browser's build never reads this file).

use std::collections::HashMap;

use chrono::NaiveDate;
use ecars_core::vocabulary::ChangeKind;
use ecars_core::vocabulary::Phase;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, SqlErr,
};

use super::{CampaignPreview, CampaignRow, CampaignsAdministration, CoveredContract, NewCampaign};
use crate::accounts::directory::emails_by_id;
use crate::audit::{self, Actor, Entry};
use crate::campaigns::window::server::Window;
use crate::contracts::creation::{Day, VersionChoice};
use crate::db::entities::{answer, campaign, contract, evaluation, indicator, legal_entity};
use crate::db::{begin_write, french_date_time};
use crate::evaluation::years::server::{self as years, NewEvaluation, PreviousAnswer};
use crate::legal_entities::LegalEntityRef;
use crate::AppError;

fn date(day: Day) -> NaiveDate {
    NaiveDate::from_ymd_opt(day.year, day.month, day.day).unwrap_or_default()
}

fn window(new: &NewCampaign) -> Window {
    Window { opens_on: date(new.opens_on), closes_on: date(new.closes_on), extended_until: None }
}

/// The contracts of the agency a campaign would cover, with their legal entity, and whether
/// each already has an evaluation of the year.
async fn coverage(
    db: &impl ConnectionTrait,
    agency_id: ecars_core::ids::AgencyId,
    new: &NewCampaign,
) -> Result<(Vec<(contract::Model, legal_entity::Model)>, HashMap<i32, Vec<i32>>), AppError> {
    let mut entities = legal_entity::Entity::find().filter(legal_entity::Column::AgencyId.eq(agency_id));
    if let Some(departement) = &new.departement {
        entities = entities.filter(legal_entity::Column::Finess.starts_with(departement.as_str()));
    }
    if !new.legal_entities.is_empty() {
        entities = entities.filter(legal_entity::Column::Finess.is_in(new.legal_entities.iter().cloned()));
    }
    let entities: HashMap<i32, legal_entity::Model> =
        entities.all(db).await?.into_iter().map(|entity| (entity.id, entity)).collect();
    if entities.len() < new.legal_entities.len() {
        return Err(AppError::Invalid(
                "Une des entités juridiques indiquées n'est pas de l'agence, ou pas de ce département : vérifiez les numéros FINESS."
                    .to_owned(),
            ));
    }
    let contracts = contract::Entity::find()
        .filter(contract::Column::LegalEntityId.is_in(entities.keys().copied()))
        .filter(contract::Column::Kind.eq(new.kind))
        .order_by_asc(contract::Column::Name)
        .order_by_asc(contract::Column::Id)
        .all(db)
        .await?;
    // Each contract's years, to tell those already open and where last year's answers are.
    let mut years_of: HashMap<i32, Vec<i32>> = HashMap::new();
    let rows: Vec<(i32, i32)> = evaluation::Entity::find()
        .select_only()
        .columns([evaluation::Column::ContractId, evaluation::Column::Year])
        .filter(evaluation::Column::ContractId.is_in(contracts.iter().map(|contract| contract.id)))
        .into_tuple()
        .all(db)
        .await?;
    for (contract_id, year) in rows {
        years_of.entry(contract_id).or_default().push(year);
    }
    let covered = contracts
        .into_iter()
        .filter_map(|contract| {
            let entity = entities.get(&contract.legal_entity_id)?.clone();
            Some((contract, entity))
        })
        .collect();
    Ok((covered, years_of))
}

fn covered_row(contract: &contract::Model, entity: &legal_entity::Model, years: &[i32], year: i32) -> CoveredContract {
    CoveredContract {
        id: contract.id,
        name: contract.name.clone(),
        legal_entity: LegalEntityRef { finess: entity.finess.clone(), name: entity.name.clone() },
        previous_year: years.iter().copied().filter(|earlier| *earlier < year).max(),
    }
}

/// What opening `new` would do: the contracts it covers and those it leaves out.
pub async fn preview(
    db: &impl ConnectionTrait,
    agency_id: ecars_core::ids::AgencyId,
    new: &NewCampaign,
) -> Result<CampaignPreview, AppError> {
    let (version, referential) = crate::referentials::service::agency_version(db, agency_id, new.version_id)
        .await?
        .ok_or_else(|| AppError::Invalid("Ce référentiel n'existe pas, ou n'est pas de l'agence.".to_owned()))?;
    let (covered, years_of) = coverage(db, agency_id, new).await?;
    let mut contracts = Vec::new();
    let mut already_open = Vec::new();
    for (contract, entity) in &covered {
        let years = years_of.get(&contract.id).map(Vec::as_slice).unwrap_or_default();
        let row = covered_row(contract, entity, years, new.year);
        if years.contains(&new.year) {
            already_open.push(row);
        } else {
            contracts.push(row);
        }
    }
    Ok(CampaignPreview {
        year: new.year,
        kind: new.kind,
        version: crate::referentials::version_label(&referential.name, version.number),
        period: window(new).notice(date(new.opens_on)).period(),
        contracts,
        already_open,
    })
}

/// Nothing to open: why, in French.
fn nothing_to_open(preview: &CampaignPreview) -> AppError {
    AppError::Invalid(match preview.already_open.len() {
            0 => format!("Aucun contrat {} ne correspond à ce choix : la campagne ne couvrirait rien.", preview.kind.label()),
            count => format!(
                "La campagne {} {} est déjà ouverte pour ces contrats : les {count} contrat(s) choisis ont déjà une évaluation {}.",
                preview.kind.label(),
                preview.year,
                preview.year
            ),
        })
}

/// "Ouvrir la campagne": in one transaction, the campaign and, for each contract it covers
/// that has no evaluation of the year yet, that evaluation, its tree copied from the
/// campaign's referential version and each question given the achieved value and comment of
/// the same code in the contract's latest earlier year. All or nothing. Returns the campaign
/// and how many evaluations it opened.
pub async fn open(
    db: &DatabaseConnection,
    agency_id: ecars_core::ids::AgencyId,
    actor: &Actor,
    new: &NewCampaign,
) -> Result<(campaign::Model, usize), AppError> {
    let nodes = crate::referentials::service::nodes(db, new.version_id).await?;
    let txn = begin_write(db).await?;
    // Previewed again inside the transaction: what it writes is what it checked.
    let preview = preview(&txn, agency_id, new).await?;
    if preview.contracts.is_empty() {
        return Err(nothing_to_open(&preview));
    }
    if nodes.is_empty() {
        return Err(AppError::Invalid("Ce référentiel n'a aucun indicateur.".to_owned()));
    }
    let opened = campaign::ActiveModel {
        agency_id: Set(agency_id.0),
        year: Set(new.year),
        kind: Set(new.kind),
        referential_version_id: Set(new.version_id),
        opens_on: Set(date(new.opens_on)),
        closes_on: Set(date(new.closes_on)),
        departement: Set(new.departement.clone()),
        legal_entities: Set((!new.legal_entities.is_empty()).then(|| new.legal_entities.join(", "))),
        opened_at: Set(chrono::Utc::now()),
        opened_by: Set(actor.id),
        reply_days: Set(i32::try_from(new.reply_days).unwrap_or(i32::MAX)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let previous = previous_answers(&txn, &preview.contracts, new.year).await?;
    let empty = HashMap::new();
    for contract in &preview.contracts {
        let evaluation = NewEvaluation {
            contract_id: contract.id,
            year: new.year,
            version_id: new.version_id,
            nodes: &nodes,
            campaign_id: Some(opened.id),
            window: Some((date(new.opens_on), date(new.closes_on))),
            previous: previous.get(&contract.id).unwrap_or(&empty),
        };
        if let Err(error) = years::create(&txn, evaluation).await {
            // Another opening of the same year got there first: nothing of this one stays.
            return Err(match error.sql_err() {
                Some(SqlErr::UniqueConstraintViolation(_)) => AppError::Invalid(format!(
                    "La campagne {} {} vient d'être ouverte pour ces contrats : rechargez la page.",
                    new.kind.label(),
                    new.year
                )),
                _ => error.into(),
            });
        }
    }
    let after = serde_json::json!({
        "référentiel": preview.version,
        "période": preview.period,
        "contrats": preview.contracts.len(),
        "département": new.departement.clone().unwrap_or_else(|| "tous".to_owned()),
    });
    let entry = Entry {
        kind: ChangeKind::CampaignOpened,
        subject: format!("Campagne {} {}", new.kind.label(), new.year),
        before: None,
        after: Some(after),
    };
    audit::record(&txn, actor, Some(agency_id.0), entry).await?;
    txn.commit().await?;
    Ok((opened, preview.contracts.len()))
}

/// For each contract, the answers of its latest evaluation before `year`, by question code.
async fn previous_answers(
    db: &impl ConnectionTrait,
    contracts: &[CoveredContract],
    year: i32,
) -> Result<HashMap<i32, HashMap<String, PreviousAnswer>>, AppError> {
    let earlier = evaluation::Entity::find()
        .filter(evaluation::Column::ContractId.is_in(contracts.iter().map(|contract| contract.id)))
        .filter(evaluation::Column::Year.lt(year))
        .order_by_asc(evaluation::Column::Year)
        .all(db)
        .await?;
    // Latest year last: it is the one kept.
    let latest: HashMap<i32, i32> =
        earlier.into_iter().map(|evaluation| (evaluation.contract_id, evaluation.id)).collect();
    let contract_of: HashMap<i32, i32> = latest.iter().map(|(contract, evaluation)| (*evaluation, *contract)).collect();
    let questions: Vec<(i32, i32, String)> = indicator::Entity::find()
        .select_only()
        .columns([indicator::Column::Id, indicator::Column::EvaluationId, indicator::Column::Code])
        .filter(indicator::Column::EvaluationId.is_in(latest.values().copied()))
        .filter(indicator::Column::NodeKind.eq(indicator::NodeKind::Question))
        .into_tuple()
        .all(db)
        .await?;
    let question_of: HashMap<i32, (i32, String)> =
        questions.into_iter().map(|(id, evaluation_id, code)| (id, (evaluation_id, code))).collect();
    let mut previous: HashMap<i32, HashMap<String, PreviousAnswer>> = HashMap::new();
    // By pages of ids: a bound list stays within what every database accepts.
    let ids: Vec<i32> = question_of.keys().copied().collect();
    for page in ids.chunks(5000) {
        let answers =
            answer::Entity::find().filter(answer::Column::QuestionId.is_in(page.iter().copied())).all(db).await?;
        for answer in answers {
            let Some((evaluation_id, code)) = question_of.get(&answer.question_id) else { continue };
            let Some(contract_id) = contract_of.get(evaluation_id) else { continue };
            let achieved = if answer.not_concerned { Some("Non concerné".to_owned()) } else { answer.achieved };
            previous
                .entry(*contract_id)
                .or_default()
                .insert(code.clone(), PreviousAnswer { achieved, comment: answer.comment });
        }
    }
    Ok(previous)
}

/// The Campagnes page's data; `form`, when filled, previewed.
pub async fn administration(
    db: &impl ConnectionTrait,
    agency_id: ecars_core::ids::AgencyId,
    departements: &[String],
    form: &super::CampaignForm,
) -> Result<CampaignsAdministration, AppError> {
    let versions = crate::referentials::service::labelled_versions(db, agency_id).await?;
    let labels: HashMap<i32, String> = versions.iter().map(|(version, label)| (version.id, label.clone())).collect();
    let campaigns = campaign::Entity::find()
        .filter(campaign::Column::AgencyId.eq(agency_id))
        .order_by_desc(campaign::Column::Year)
        .order_by_desc(campaign::Column::Id)
        .all(db)
        .await?;
    let authors = emails_by_id(db, campaigns.iter().filter_map(|campaign| campaign.opened_by)).await?;
    let mut rows = Vec::with_capacity(campaigns.len());
    for campaign in campaigns {
        let of_campaign = evaluation::Entity::find().filter(evaluation::Column::CampaignId.eq(campaign.id));
        let contracts = of_campaign.clone().count(db).await?;
        let closed = of_campaign.filter(evaluation::Column::Phase.is_in(Phase::CLOSED)).count(db).await?;
        let window = Window { opens_on: campaign.opens_on, closes_on: campaign.closes_on, extended_until: None };
        rows.push(CampaignRow {
            id: campaign.id,
            year: campaign.year,
            kind: campaign.kind,
            version: labels.get(&campaign.referential_version_id).cloned().unwrap_or_default(),
            period: window.notice(campaign.opens_on).period(),
            contracts,
            closed,
            opened_at: french_date_time(campaign.opened_at),
            opened_by: campaign
                .opened_by
                .and_then(|id| authors.get(&id).cloned())
                .unwrap_or_else(|| "compte supprimé".to_owned()),
            reply_days: campaign.reply_days,
        });
    }
    let preview = match form.is_empty() {
        true => None,
        false => Some(match NewCampaign::parse(form, departements) {
            Ok(new) => match preview(db, agency_id, &new).await {
                Ok(preview) => Ok(preview),
                Err(AppError::Invalid(message)) => Err(message),
                Err(error) => return Err(error),
            },
            Err(message) => Err(message),
        }),
    };
    Ok(CampaignsAdministration {
        campaigns: rows,
        versions: versions.into_iter().map(|(version, label)| VersionChoice { id: version.id, label }).collect(),
        departements: departements.to_vec(),
        preview,
    })
}
