//! Server functions of the agencies: thin adapters over `service`, for national administrators
//! only ("not found" for anyone else).

use leptos::prelude::*;

use super::AgencyRow;
use crate::AppError;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;

/// Every agency, for the list of agencies.
#[server(endpoint = "agences", client = crate::accounts::csrf::PortalClient)]
pub async fn agencies() -> Result<Vec<AgencyRow>, AppError> {
    let (state, _) = national_administrator()?;
    Ok(super::service::list(&state.db).await?)
}

/// "Créer l'agence": the agency and the invitation of its first administrator.
#[server(endpoint = "creer_agence", client = crate::accounts::csrf::PortalClient)]
#[allow(clippy::too_many_arguments)]
pub async fn create_agency(
    name: String,
    region: String,
    departements: String,
    quality_email: String,
    support_email: String,
    support_phone: String,
    administrator_email: String,
) -> Result<String, AppError> {
    use ecars_core::routes::AGENCIES_PATH;

    use super::{AgencyForm, NewAgency, CREATED_PARAM};
    use crate::accounts::web::{answer_plain_post, FormPage};
    use crate::audit::Actor;

    let form =
        AgencyForm { name, region, departements, quality_email, support_email, support_phone, administrator_email };
    let created = async {
        let (state, viewer) = national_administrator()?;
        let new = NewAgency::parse(&form).map_err(AppError::Invalid)?;
        let settings = &state.settings;
        let agency = super::creation::create(
            &state.db,
            &state.hashing,
            &state.outbox,
            &settings.public_url,
            &Actor::of(&viewer),
            &new,
        )
        .await?;
        tracing::info!(user = viewer.user_id, agency = agency.id, "agency created");
        Ok::<_, AppError>(agency.name)
    }
    .await;
    let done = |name: &String| {
        let query = url::form_urlencoded::Serializer::new(String::new()).append_pair(CREATED_PARAM, name).finish();
        format!("{AGENCIES_PATH}?{query}")
    };
    let typed = [
        ("nom", form.name.as_str()),
        ("region", form.region.as_str()),
        ("departements", form.departements.as_str()),
        ("qualite", form.quality_email.as_str()),
        ("support", form.support_email.as_str()),
        ("telephone", form.support_phone.as_str()),
        ("administrateur", form.administrator_email.as_str()),
    ];
    answer_plain_post(CreateAgency::PATH, &created, done, FormPage::posting(typed));
    created.map(|name| created_message(&name))
}

/// "L'agence ... est créée", after a creation.
pub fn created_message(name: &str) -> String {
    format!("L'agence « {name} » est créée ; son premier administrateur a reçu son invitation par email.")
}

#[cfg(feature = "ssr")]
fn national_administrator() -> Result<(crate::state::AppState, crate::accounts::access::Viewer), AppError> {
    let viewer = crate::accounts::access::viewer()?;
    crate::accounts::access::check_national_administrator(&viewer)?;
    Ok((crate::state::AppState::current()?, viewer))
}
