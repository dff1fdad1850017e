//! The rows of "Suivi de la campagne", read in a fixed number of queries whatever the number of
//! evaluations: the answers' figures are kept on each evaluation (`evaluation::figures`), the
//! others grouped by evaluation in the database, never asked row by row.

use std::collections::HashMap;

use ecars_core::evaluation::rules::FillProgress;
use ecars_core::finess::FinessNumber;
use sea_orm::sea_query::{Expr, ExprTrait, SelectStatement};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait};

use super::dashboard::{
    select, Dashboard, DashboardFilter, DashboardRow, FollowUpState, Modification, MAX_SEARCH_CHARS, PAGE_SIZE,
};
use crate::accounts::access::{Reach, Viewer};
use crate::accounts::directory::emails_by_id;
use crate::contacts::service::updated_in;
use crate::contracts::{ContractKind, Phase};
use crate::db::entities::{closing, contact, contract, document, evaluation, legal_entity};
use crate::db::{french_date, french_date_time};
use crate::layout::Page;
use crate::AppError;

/// Who may follow campaigns: referents (what they follow), agency administrators (their agency),
/// national administrators (everything). Anyone else gets "not found".
pub fn follower(viewer: &Viewer) -> Result<Reach<'_>, AppError> {
    if viewer.steers_campaigns() {
        Ok(viewer.reach())
    } else {
        Err(AppError::NotFound)
    }
}

/// The contracts in `reach`, as a subquery of their ids.
fn contracts_in(reach: Reach<'_>) -> SelectStatement {
    contract::Entity::find()
        .select_only()
        .column(contract::Column::Id)
        .filter(reach.condition(contract::Column::LegalEntityId))
        .into_query()
}

/// The evaluations of `year` of the contracts in `reach`.
fn of_year(reach: Reach<'_>, year: i32) -> sea_orm::Select<evaluation::Entity> {
    evaluation::Entity::find()
        .filter(evaluation::Column::Year.eq(year))
        .filter(evaluation::Column::ContractId.in_subquery(contracts_in(reach)))
}

/// [`of_year`], as a subquery of their ids.
fn evaluations_of(reach: Reach<'_>, year: i32) -> SelectStatement {
    of_year(reach, year).select_only().column(evaluation::Column::Id).into_query()
}

/// The years with evaluations in `reach`, latest first.
pub async fn years(db: &impl ConnectionTrait, reach: Reach<'_>) -> Result<Vec<i32>, DbErr> {
    evaluation::Entity::find()
        .select_only()
        .column(evaluation::Column::Year)
        .distinct()
        .filter(evaluation::Column::ContractId.in_subquery(contracts_in(reach)))
        .order_by_desc(evaluation::Column::Year)
        .into_tuple()
        .all(db)
        .await
}

/// An evaluation as the dashboard reads it: id, contract, phase, opening, then its kept figures
/// (questions required and answered, latest change and its author, documents on its questions).
type EvaluationRow = (
    i32,
    i32,
    Phase,
    Option<chrono::DateTime<chrono::Utc>>,
    i32,
    i32,
    Option<chrono::DateTime<chrono::Utc>>,
    Option<i32>,
    i32,
);

/// One row per evaluation of `year` in `reach`, in no particular order.
pub async fn rows(db: &impl ConnectionTrait, reach: Reach<'_>, year: i32) -> Result<Vec<DashboardRow>, DbErr> {
    // Each evaluation's figures are kept on it (`evaluation::figures`): nothing is counted here.
    let evaluations: Vec<EvaluationRow> = of_year(reach, year)
        .select_only()
        .columns([
            evaluation::Column::Id,
            evaluation::Column::ContractId,
            evaluation::Column::Phase,
            evaluation::Column::OpenedAt,
            evaluation::Column::RequiredQuestions,
            evaluation::Column::AnsweredQuestions,
            evaluation::Column::LatestAnswerAt,
            evaluation::Column::LatestAnswerBy,
            evaluation::Column::QuestionDocuments,
        ])
        .into_tuple()
        .all(db)
        .await?;
    let contracts_of_year = || of_year(reach, year).select_only().column(evaluation::Column::ContractId).into_query();
    let contracts: HashMap<i32, (i32, ContractKind, String)> = contract::Entity::find()
        .select_only()
        .columns([
            contract::Column::Id,
            contract::Column::LegalEntityId,
            contract::Column::Kind,
            contract::Column::Name,
        ])
        .filter(contract::Column::Id.in_subquery(contracts_of_year()))
        .into_tuple::<(i32, i32, ContractKind, String)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, entity, kind, name)| (id, (entity, kind, name)))
        .collect();
    let entities: HashMap<i32, (String, String)> = legal_entity::Entity::find()
        .select_only()
        .columns([legal_entity::Column::Id, legal_entity::Column::Finess, legal_entity::Column::Name])
        .filter(
            legal_entity::Column::Id.in_subquery(
                contract::Entity::find()
                    .select_only()
                    .column(contract::Column::LegalEntityId)
                    .filter(contract::Column::Id.in_subquery(contracts_of_year()))
                    .into_query(),
            ),
        )
        .into_tuple::<(i32, String, String)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, finess, name)| (id, (finess, name)))
        .collect();

    // Mandatory contacts, judged against each evaluation's opening.
    let mut contacts: HashMap<i32, Vec<Option<chrono::DateTime<chrono::Utc>>>> = HashMap::new();
    let contact_rows: Vec<(i32, Option<chrono::DateTime<chrono::Utc>>)> = contact::Entity::find()
        .select_only()
        .columns([contact::Column::ContractId, contact::Column::UpdatedAt])
        .filter(contact::Column::ContractId.in_subquery(contracts_of_year()))
        .filter(contact::Column::Mandatory.eq(true))
        .into_tuple()
        .all(db)
        .await?;
    for (contract_id, updated_at) in contact_rows {
        contacts.entry(contract_id).or_default().push(updated_at);
    }

    // Documents on the contract, and on the evaluation's questions.
    let contract_documents = counts(
        document::Entity::find()
            .select_only()
            .column(document::Column::ContractId)
            .column_as(Expr::col((document::Entity, document::Column::Id)).count(), "count")
            .filter(document::Column::ContractId.in_subquery(contracts_of_year()))
            .group_by(document::Column::ContractId)
            .into_tuple::<(Option<i32>, i64)>()
            .all(db)
            .await?
            .into_iter()
            .filter_map(|(id, count)| Some((id?, count)))
            .collect(),
    );
    let authors = emails_by_id(db, evaluations.iter().filter_map(|row| row.7)).await?;
    let closings = closings(db, reach, year).await?;

    let mut rows = Vec::with_capacity(evaluations.len());
    for (id, contract_id, phase, opened_at, required, answered, latest_at, latest_by, question_documents) in evaluations
    {
        let Some((entity_id, kind, contract_name)) = contracts.get(&contract_id) else { continue };
        let Some((finess, entity_name)) = entities.get(entity_id) else { continue };
        let progress = FillProgress { answered: count(answered.into()), required: count(required.into()) };
        let modified = latest_at.map(|at| Modification {
            at: french_date_time(at),
            by: latest_by.and_then(|id| authors.get(&id).cloned()).unwrap_or_else(|| "compte supprimé".to_owned()),
            timestamp: at.timestamp(),
        });
        let mandatory = contacts.get(&contract_id).map(Vec::as_slice).unwrap_or_default();
        rows.push(DashboardRow {
            evaluation_id: id,
            contract_id,
            finess: finess.clone(),
            legal_entity: entity_name.clone(),
            departement: FinessNumber::parse(finess).map(|number| number.departement().to_owned()).unwrap_or_default(),
            kind: *kind,
            contract: contract_name.clone(),
            year,
            phase,
            state: FollowUpState::of(phase, progress),
            progress,
            contacts_updated: mandatory.iter().filter(|at| updated_in(**at, opened_at)).count(),
            contacts_mandatory: mandatory.len(),
            documents: contract_documents.get(&contract_id).copied().unwrap_or(0) + count(question_documents.into()),
            modified,
            closed_on: closings
                .get(&id)
                .filter(|_| phase.is_closed())
                .map(|at| (french_date(crate::db::agency_date(*at)), at.timestamp())),
        });
    }
    Ok(rows)
}

fn count(count: i64) -> usize {
    usize::try_from(count).unwrap_or(0)
}

fn counts(rows: Vec<(i32, i64)>) -> HashMap<i32, usize> {
    rows.into_iter().map(|(id, number)| (id, count(number))).collect()
}

/// When each evaluation of `year` was closed, for those whose closing is in force.
async fn closings(
    db: &impl ConnectionTrait,
    reach: Reach<'_>,
    year: i32,
) -> Result<HashMap<i32, chrono::DateTime<chrono::Utc>>, DbErr> {
    let rows: Vec<(i32, chrono::DateTime<chrono::Utc>)> = closing::Entity::find()
        .select_only()
        .columns([closing::Column::EvaluationId, closing::Column::ClosedAt])
        .filter(closing::Column::EvaluationId.in_subquery(evaluations_of(reach, year)))
        .filter(closing::Column::ReopenedAt.is_null())
        .order_by_asc(closing::Column::ClosedAt)
        .into_tuple()
        .all(db)
        .await?;
    // Latest last: it is the one kept.
    Ok(rows.into_iter().collect())
}

/// The entry windows of evaluations `ids` (those opened by a campaign), by evaluation.
pub async fn windows(
    db: &impl ConnectionTrait,
    ids: impl Iterator<Item = i32>,
) -> Result<HashMap<i32, crate::campaigns::window::server::Window>, DbErr> {
    use crate::campaigns::window::server::Window;
    let ids: Vec<i32> = ids.collect();
    let mut windows = HashMap::new();
    // Bounded lists: far below the databases' limits on bound values.
    for chunk in ids.chunks(1000) {
        let evaluations =
            evaluation::Entity::find().filter(evaluation::Column::Id.is_in(chunk.iter().copied())).all(db).await?;
        windows.extend(evaluations.iter().filter_map(|evaluation| Some((evaluation.id, Window::of(evaluation)?))));
    }
    Ok(windows)
}

/// The years in `reach`, and every evaluation of the one `filter` names — the latest when it
/// names none or one out of reach, then written into `filter`.
pub async fn year_rows(
    db: &impl ConnectionTrait,
    reach: Reach<'_>,
    filter: &mut DashboardFilter,
) -> Result<(Vec<i32>, Vec<DashboardRow>), DbErr> {
    // A server function's caller may send what the address never would.
    filter.search = filter.search.chars().take(MAX_SEARCH_CHARS).collect();
    let years = years(db, reach).await?;
    filter.year = filter.year.filter(|year| years.contains(year)).or(years.first().copied());
    let rows = match filter.year {
        Some(year) => rows(db, reach, year).await?,
        None => Vec::new(),
    };
    Ok((years, rows))
}

/// "Suivi de la campagne" for `viewer`, as `filter` asks.
pub async fn dashboard(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    mut filter: DashboardFilter,
) -> Result<Dashboard, AppError> {
    let reach = follower(viewer)?;
    let (years, all) = year_rows(db, reach, &mut filter).await?;
    let mut departements: Vec<String> = all.iter().map(|row| row.departement.clone()).collect();
    departements.sort();
    departements.dedup();
    let (counts, mut kept) = select(all, &filter);
    let total = kept.len();
    let page = Page::numbered(filter.page, total, PAGE_SIZE);
    filter.page = page.number;
    let rows = kept.drain(page.range(total)).collect();
    Ok(Dashboard { filter, years, departements, counts, total, pages: page.count, rows })
}
