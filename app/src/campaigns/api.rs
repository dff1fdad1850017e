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
        super::extension::server::extend(&state.db, &viewer, id, &until).await
    }
    .await;
    let done = |_: &chrono::NaiveDate| format!("{}?{EXTENDED_PARAM}=1", crate::routes::contract_href(id));
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
    super::opening::server::administration(&db, agency_id, &departements, &form).await
}

/// "Ouvrir la campagne" of the form previewed.
#[server(endpoint = "ouvrir_campagne", client = crate::accounts::csrf::PortalClient)]
pub async fn open_campaign(form: super::opening::CampaignForm) -> Result<String, AppError> {
    use leptos::server_fn::ServerFn;

    use super::opening::{opened_message, NewCampaign, OPENED_PARAM};
    use crate::accounts::web::{answer_plain_post, FormPage};
    use crate::administration::journal::Actor;

    let opened = async {
        let viewer = crate::accounts::access::viewer()?;
        let agency_id = crate::accounts::access::administered_agency(&viewer)?;
        let departements = viewer.agency.as_ref().map(|agency| agency.departements.clone()).unwrap_or_default();
        let new = NewCampaign::parse(&form, &departements).map_err(AppError::Invalid)?;
        let db = crate::state::AppState::current()?.db;
        let (campaign, count) = super::opening::server::open(&db, agency_id, &Actor::of(&viewer), &new).await?;
        tracing::info!(user = viewer.user_id, campaign = campaign.id, contracts = count, "campaign opened");
        Ok::<_, AppError>((campaign.kind.label(), campaign.year, count))
    }
    .await;
    let done = |(kind, year, count): &(&str, i32, usize)| {
        format!("{}?{OPENED_PARAM}={kind},{year},{count}", crate::routes::CAMPAIGNS_PATH)
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
        super::reopening::server::reopen(&state.db, &state.outbox, &state.settings.public_url, &viewer, id, &reason)
            .await
    }
    .await;
    let done = |_: &()| format!("{}?{REOPENED_PARAM}=1", crate::routes::contract_href(id));
    let typed: String = reason.chars().take(super::reopening::MAX_REASON_CHARS).collect();
    answer_plain_post(ReopenEvaluation::PATH, &reopened, done, FormPage::posting(vec![("reason", typed.as_str())]));
    reopened.map(|()| REOPENED_MESSAGE.to_owned())
}

/// "Recevoir les rappels de fin de campagne" on "Mon compte", for an establishment user: ticked
/// (`wanted` = "on") or not (absent).
#[server(endpoint = "rappels_de_campagne", client = crate::accounts::csrf::PortalClient)]
pub async fn set_reminders(#[server(default)] wanted: Option<String>) -> Result<String, AppError> {
    use leptos::server_fn::ServerFn;

    use super::reminders::{reminders_message, REMINDERS_PARAM};
    use crate::accounts::web::{answer_plain_post, FormPage};

    let wanted = wanted.is_some();
    let saved = async {
        let viewer = crate::accounts::access::viewer()?;
        if viewer.role != crate::accounts::Role::Establishment {
            return Err(AppError::Forbidden);
        }
        let db = crate::state::AppState::current()?.db;
        super::reminders::server::set_wanted(&db, viewer.user_id, wanted).await
    }
    .await;
    let done = |_: &()| format!("{}?{REMINDERS_PARAM}={}", crate::routes::ACCOUNT_PATH, u8::from(wanted));
    answer_plain_post(SetReminders::PATH, &saved, done, FormPage::posting([]));
    saved.map(|()| reminders_message(wanted).to_owned())
}
