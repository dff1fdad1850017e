//! Server functions of the contract pages.

use leptos::prelude::*;

use super::{ContractEstablishments, ContractPageData};
use crate::AppError;

#[server(endpoint = "contrat", client = crate::accounts::csrf::PortalClient)]
pub async fn get_contract(id: i32) -> Result<ContractPageData, AppError> {
    use crate::evaluation::closing::{server as closing_service, ClosingState};

    let viewer = crate::accounts::access::viewer()?;
    let state = crate::state::AppState::current()?;
    let db = state.db.clone();
    let access = crate::evaluation::access::readable_contract(&db, &viewer, ecars_core::ids::ContractId(id)).await?;
    let detail = super::service::detail(&db, &access.evaluation, viewer.today()).await?.ok_or(AppError::NotFound)?;
    let open = detail.header.phase == super::Phase::AutoEvaluation;
    let closing = match open {
        true => ClosingState::Open(
            closing_service::missing(&db, &state.tree_shapes, &access.evaluation, viewer.today()).await?,
        ),
        false => ClosingState::Closed(closing_service::closed_by(&db, &access.evaluation).await?),
    };
    let mut years = crate::evaluation::years::server::history(&db, ecars_core::ids::ContractId(id)).await?;
    let current = if years.is_empty() { None } else { Some(years.remove(0)) };
    // An administrator reads only its agency's contracts: this one is its to change.
    let administrable = viewer.administers().is_some();
    let extendable = viewer.steers_campaigns() && detail.header.window.is_some();
    // Once the agency notified its provisional evaluation, the self-evaluation stays closed.
    let reopenable = viewer.steers_campaigns() && !open && detail.header.phase.is_appraisable();
    let agency_notes = match viewer.steers_campaigns() {
        true => Some(
            crate::follow_up::notes::server::of_evaluation(&db, ecars_core::ids::EvaluationId(access.evaluation.id))
                .await?,
        ),
        false => None,
    };
    Ok(ContractPageData {
        agency_notes,
        exportable: viewer.steers_campaigns(),
        appraiser: viewer.appraises(),
        detail,
        editable: access.editable,
        administrable,
        extendable,
        reopenable,
        closing,
        closings: current.map(|year| year.closings).unwrap_or_default(),
        earlier_years: years,
    })
}

#[server(endpoint = "etablissements_du_contrat", client = crate::accounts::csrf::PortalClient)]
pub async fn get_contract_establishments(id: i32) -> Result<ContractEstablishments, AppError> {
    let viewer = crate::accounts::access::viewer()?;
    let db = crate::state::AppState::current()?.db;
    crate::evaluation::access::readable_contract(&db, &viewer, ecars_core::ids::ContractId(id)).await?;
    super::service::establishments(&db, id, viewer.today()).await?.ok_or(AppError::NotFound)
}

/// The "Contrats" page of the administration: the agency's contracts, referential versions and
/// legal entities matching `filter`.
#[server(endpoint = "contrats_agence", client = crate::accounts::csrf::PortalClient)]
pub async fn agency_contracts(
    #[server(default)] filter: String,
) -> Result<super::creation::ContractsAdministration, AppError> {
    let viewer = crate::accounts::access::viewer()?;
    let agency_id = crate::accounts::access::administered_agency(&viewer)?;
    let state = crate::state::AppState::current()?;
    let filter: String = filter.chars().take(100).collect();
    super::creation::administration(&state.db, ecars_core::ids::AgencyId(agency_id), &filter).await
}

/// "Créer le contrat": the same contract for each legal entity ticked, from a referential version.
#[server(endpoint = "creer_contrats", client = crate::accounts::csrf::PortalClient)]
pub async fn create_contracts(
    form: super::creation::ContractForm,
    version: String,
    #[server(default)] legal_entities: Vec<String>,
    #[server(default)] establishments: String,
) -> Result<String, AppError> {
    use ecars_core::routes::AGENCY_CONTRACTS_PATH;
    use leptos::server_fn::ServerFn;

    use super::creation::{NewContract, CREATED_PARAM};
    use crate::accounts::web::{answer_plain_post, FormPage};
    use crate::audit::Actor;
    use crate::db::entities::legal_entity;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

    let created = async {
        let viewer = crate::accounts::access::viewer()?;
        let agency_id = crate::accounts::access::administered_agency(&viewer)?;
        let state = crate::state::AppState::current()?;
        let new = NewContract::parse(&form).map_err(AppError::Invalid)?;
        let version_id = version.trim().parse::<i32>().map_err(|_| {
            AppError::Invalid("Choisissez le référentiel et la version dont le contrat reprend l'arbre.".to_owned())
        })?;
        if legal_entities.len() > 5000 {
            return Err(AppError::Invalid("5 000 entités juridiques au plus à la fois.".to_owned()));
        }
        // A number ticked twice (two tabs, a resent form) is one legal entity.
        let mut legal_entities: Vec<String> = legal_entities.iter().map(|finess| finess.trim().to_owned()).collect();
        legal_entities.sort_unstable();
        legal_entities.dedup();
        let ids: Vec<i32> = legal_entity::Entity::find()
            .filter(legal_entity::Column::Finess.is_in(legal_entities.iter().map(|finess| finess.trim().to_owned())))
            .all(&state.db)
            .await?
            .into_iter()
            .map(|entity| entity.id)
            .collect();
        if ids.len() != legal_entities.len() {
            return Err(AppError::NotFound);
        }
        let sites = super::creation::server::establishment_ids(&state.db, &establishments).await?;
        let created = super::creation::create_contracts(
            &state.db,
            ecars_core::ids::AgencyId(agency_id),
            &Actor::of(&viewer),
            &new,
            version_id,
            &ids,
            &sites,
        )
        .await?;
        tracing::info!(user = viewer.user_id, contracts = created.len(), "contracts created");
        Ok::<_, AppError>((new.name, created.len()))
    }
    .await;
    let done = |(name, count): &(String, usize)| {
        format!("{AGENCY_CONTRACTS_PATH}?{CREATED_PARAM}={count},{}", ecars_core::routes::percent_encode(name))
    };
    let mut typed = form.typed_fields();
    typed.extend([("version", version.as_str()), ("establishments", establishments.as_str())]);
    answer_plain_post(CreateContracts::PATH, &created, done, FormPage::posting(typed));
    created.map(|(name, count)| super::creation::created_message(&name, count))
}

/// The edition page of contract `id` of the agency.
#[server(endpoint = "contrat_a_modifier", client = crate::accounts::csrf::PortalClient)]
pub async fn contract_edition(id: i32) -> Result<super::edition::ContractEdition, AppError> {
    let viewer = crate::accounts::access::viewer()?;
    let agency_id = crate::accounts::access::administered_agency(&viewer)?;
    let state = crate::state::AppState::current()?;
    super::edition::contract_edition(&state.db, ecars_core::ids::AgencyId(agency_id), id).await
}

/// "Enregistrer les modifications" of contract `id`.
#[server(endpoint = "modifier_contrat", client = crate::accounts::csrf::PortalClient)]
pub async fn edit_contract(
    id: i32,
    form: super::creation::ContractForm,
    #[server(default)] establishments: String,
) -> Result<String, AppError> {
    use leptos::server_fn::ServerFn;

    use super::creation::NewContract;
    use super::edition::{EDITED_MESSAGE, EDITED_PARAM};
    use crate::accounts::web::{answer_plain_post, FormPage};
    use crate::audit::Actor;

    let edited = async {
        let viewer = crate::accounts::access::viewer()?;
        let agency_id = crate::accounts::access::administered_agency(&viewer)?;
        let state = crate::state::AppState::current()?;
        let new = NewContract::parse(&form).map_err(AppError::Invalid)?;
        let sites = super::creation::server::establishment_ids(&state.db, &establishments).await?;
        super::edition::edit_contract(
            &state.db,
            ecars_core::ids::AgencyId(agency_id),
            &Actor::of(&viewer),
            id,
            &new,
            &sites,
        )
        .await?;
        tracing::info!(user = viewer.user_id, contract = id, "contract edited");
        Ok::<_, AppError>(())
    }
    .await;
    let done = |_: &()| format!("{}?{EDITED_PARAM}=1", ecars_core::routes::contract_edition_href(id));
    let mut typed = form.typed_fields();
    typed.push(("establishments", establishments.as_str()));
    answer_plain_post(EditContract::PATH, &edited, done, FormPage::posting(typed));
    edited.map(|()| EDITED_MESSAGE.to_owned())
}
