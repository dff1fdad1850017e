//! Server functions of the campaigns.

use leptos::prelude::*;

use crate::AppError;

/// "Prolonger la saisie jusqu'au ..." of contract `id`'s current evaluation; `until` as
/// `AAAA-MM-JJ`.
#[server(endpoint = "prolonger_saisie", client = crate::accounts::csrf::PortalClient)]
pub async fn extend_window(id: i32, until: String) -> Result<String, AppError> {
    use leptos::server_fn::ServerFn;

    use super::extension::{EXTENDED_MESSAGE, EXTENDED_PARAM};
    use crate::accounts::web::{answer_plain_post, FormPage};

    let extended = async {
        let viewer = crate::accounts::access::viewer()?;
        let state = crate::state::AppState::current()?;
        super::extension::server::extend(&state.db, &viewer, ecars_core::ids::ContractId(id), &until).await
    }
    .await;
    let done = |_: &chrono::NaiveDate| format!("{}?{EXTENDED_PARAM}=1", ecars_core::routes::contract_href(id));
    answer_plain_post(ExtendWindow::PATH, &extended, done, FormPage::posting(vec![("until", until.as_str())]));
    extended.map(|_| EXTENDED_MESSAGE.to_owned())
}

/// The Campagnes page of the agency administered, with the preview of `form` when it is filled.
#[server(endpoint = "campagnes", client = crate::accounts::csrf::PortalClient)]
pub async fn campaigns_administration(
    form: super::opening::CampaignForm,
) -> Result<super::opening::CampaignsAdministration, AppError> {
    let viewer = crate::accounts::access::viewer()?;
    let agency_id = crate::accounts::access::administered_agency(&viewer)?;
    let departements = viewer.agency.as_ref().map(|agency| agency.departements.clone()).unwrap_or_default();
    let db = crate::state::AppState::current()?.db;
    super::opening::server::administration(&db, ecars_core::ids::AgencyId(agency_id), &departements, &form).await
}

/// "Ouvrir la campagne" of the form previewed.
#[server(endpoint = "ouvrir_campagne", client = crate::accounts::csrf::PortalClient)]
pub async fn open_campaign(form: super::opening::CampaignForm) -> Result<String, AppError> {
    use leptos::server_fn::ServerFn;

    use super::opening::{opened_message, NewCampaign, OPENED_PARAM};
    use crate::accounts::web::{answer_plain_post, FormPage};
    use crate::audit::Actor;

    let opened = async {
        let viewer = crate::accounts::access::viewer()?;
        let agency_id = crate::accounts::access::administered_agency(&viewer)?;
        let departements = viewer.agency.as_ref().map(|agency| agency.departements.clone()).unwrap_or_default();
        let new = NewCampaign::parse(&form, &departements).map_err(AppError::Invalid)?;
        let db = crate::state::AppState::current()?.db;
        let (campaign, count) =
            super::opening::server::open(&db, ecars_core::ids::AgencyId(agency_id), &Actor::of(&viewer), &new).await?;
        tracing::info!(user = viewer.user_id, campaign = campaign.id, contracts = count, "campaign opened");
        Ok::<_, AppError>((campaign.kind.label(), campaign.year, count))
    }
    .await;
    let done = |(kind, year, count): &(&str, i32, usize)| {
        format!("{}?{OPENED_PARAM}={kind},{year},{count}", ecars_core::routes::CAMPAIGNS_PATH)
    };
    let typed: Vec<(&str, &str)> = form.fields().to_vec();
    answer_plain_post(OpenCampaign::PATH, &opened, done, FormPage::posting(typed));
    opened.map(|(kind, year, count)| opened_message(kind, &year.to_string(), &count.to_string()))
}

/// "Rouvrir la saisie" of contract `id`'s current evaluation, for `reason`.
#[server(endpoint = "rouvrir_saisie", client = crate::accounts::csrf::PortalClient)]
pub async fn reopen_evaluation(id: i32, #[server(default)] reason: String) -> Result<String, AppError> {
    use leptos::server_fn::ServerFn;

    use super::reopening::{REOPENED_MESSAGE, REOPENED_PARAM};
    use crate::accounts::web::{answer_plain_post, FormPage};

    let reopened = async {
        let viewer = crate::accounts::access::viewer()?;
        let state = crate::state::AppState::current()?;
        super::reopening::server::reopen(
            &state.db,
            &state.outbox,
            &state.settings.public_url,
            &viewer,
            ecars_core::ids::ContractId(id),
            &reason,
        )
        .await
    }
    .await;
    let done = |_: &()| format!("{}?{REOPENED_PARAM}=1", ecars_core::routes::contract_href(id));
    let typed: String = reason.chars().take(super::reopening::MAX_REASON_CHARS).collect();
    answer_plain_post(ReopenEvaluation::PATH, &reopened, done, FormPage::posting(vec![("reason", typed.as_str())]));
    reopened.map(|()| REOPENED_MESSAGE.to_owned())
}

/// The years and contract types whose evaluations can receive national values.
#[server(endpoint = "campagnes_valeurs_nationales", client = crate::accounts::csrf::PortalClient)]
pub async fn national_value_choices() -> Result<Vec<super::national_values::CampaignChoice>, AppError> {
    let (state, _, agency_id) = national::administrator()?;
    Ok(super::national_values::server::choices(&state.db, ecars_core::ids::AgencyId(agency_id)).await?)
}

/// The preview of a staged file of national values: what it would write, the lines refused.
#[server(endpoint = "apercu_valeurs_nationales", client = crate::accounts::csrf::PortalClient)]
pub async fn preview_national_values(token: String) -> Result<super::national_values::NationalValuesPreview, AppError> {
    use super::national_values::NationalValuesPreview;

    let (state, viewer, agency_id) = national::administrator()?;
    let staged = state.staging.open(viewer.user_id, &token)?;
    let read = national::read(&staged).await;
    // A file that gives no values at all has nothing to confirm: it is forgotten at once.
    if let Err(AppError::Invalid(_)) = read {
        let _ = staged.remove().await;
    }
    let read = read?;
    let lines = read.lines.len() + read.refused.len();
    let plan =
        super::national_values::server::plan(&state.db, ecars_core::ids::AgencyId(agency_id), read.choice, &read.lines)
            .await?;
    let mut refused = read.refused;
    refused.extend(plan.refused.iter().cloned());
    refused.sort_by_key(|refused| refused.row);
    Ok(NationalValuesPreview {
        token,
        campaign: read.choice.label(),
        file_name: read.file_name,
        lines,
        created: plan.created(),
        updated: plan.updated(),
        unchanged: plan.unchanged,
        changes: plan.listed_changes(),
        refused,
    })
}

/// "Confirmer l'import": the file read and checked again, its values written in one transaction.
#[server(endpoint = "confirmer_valeurs_nationales", client = crate::accounts::csrf::PortalClient)]
pub async fn confirm_national_values(token: String) -> Result<String, AppError> {
    use ecars_core::routes::NATIONAL_VALUES_PATH;
    use leptos::server_fn::ServerFn;

    use super::national_values::{imported_message, IMPORTED_PARAM};
    use crate::accounts::web::{answer_plain_post, FormPage};
    use crate::audit::Actor;

    let written = async {
        let (state, viewer, agency_id) = national::administrator()?;
        let staged = state.staging.open(viewer.user_id, &token)?;
        let read = national::read(&staged).await?;
        let actor = Actor::of(&viewer);
        let plan = super::national_values::server::apply(
            &state.db,
            ecars_core::ids::AgencyId(agency_id),
            read.choice,
            &read.lines,
            &read.file_name,
            &actor,
        )
        .await?;
        tracing::info!(user = viewer.user_id, values = plan.writes.len(), "national values imported");
        if let Err(error) = staged.remove().await {
            tracing::warn!(%error, "an imported file of national values could not be removed");
        }
        Ok::<_, AppError>((plan.created(), plan.updated()))
    }
    .await;
    let done =
        |(created, updated): &(usize, usize)| format!("{NATIONAL_VALUES_PATH}?{IMPORTED_PARAM}={created},{updated}");
    answer_plain_post(ConfirmNationalValues::PATH, &written, done, FormPage::posting([]));
    written.map(|(created, updated)| imported_message(created, updated))
}

/// "Annuler": the staged file is removed, nothing is written.
#[server(endpoint = "annuler_valeurs_nationales", client = crate::accounts::csrf::PortalClient)]
pub async fn cancel_national_values(token: String) -> Result<String, AppError> {
    use ecars_core::routes::NATIONAL_VALUES_PATH;
    use leptos::server_fn::ServerFn;

    use crate::accounts::web::{answer_plain_post, FormPage};

    let cancelled = async {
        let (state, viewer, _) = national::administrator()?;
        let staged = state.staging.open(viewer.user_id, &token)?;
        staged.remove().await.map_err(national::unreadable)?;
        Ok::<_, AppError>(NATIONAL_VALUES_PATH.to_owned())
    }
    .await;
    answer_plain_post(CancelNationalValues::PATH, &cancelled, String::clone, FormPage::posting([]));
    cancelled
}

#[cfg(feature = "ssr")]
mod national;
