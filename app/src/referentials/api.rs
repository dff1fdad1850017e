//! Server functions of the referentials: thin adapters over `file`, `rows` and `service`, for
//! agency administrators only ("not found" for anyone else).

use leptos::prelude::*;

use super::{ReferentialPreview, ReferentialRow};
use crate::AppError;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;

/// The agency's referentials and their versions.
#[server(endpoint = "referentiels", client = crate::accounts::csrf::PortalClient)]
pub async fn referentials() -> Result<Vec<ReferentialRow>, AppError> {
    let (state, _, agency_id) = server::administrator()?;
    Ok(super::service::list(&state.db, ecars_core::ids::AgencyId(agency_id)).await?)
}

/// The preview of a staged file: the tree it gives and the rows refused.
#[server(endpoint = "apercu_referentiel", client = crate::accounts::csrf::PortalClient)]
pub async fn preview_referential(token: String) -> Result<ReferentialPreview, AppError> {
    let (state, viewer, agency_id) = server::administrator()?;
    let staged = state.staging.open(viewer.user_id, &token)?;
    let preview = server::preview(&state, ecars_core::ids::AgencyId(agency_id), &staged).await;
    // A file that gives no referential at all has nothing to confirm: it is forgotten at once.
    if let Err(AppError::Invalid(_)) = preview {
        let _ = staged.remove().await;
    }
    preview
}

/// "Confirmer l'import": the file read and checked again, written as the next version.
#[server(endpoint = "confirmer_referentiel", client = crate::accounts::csrf::PortalClient)]
pub async fn confirm_referential(token: String) -> Result<String, AppError> {
    use ecars_core::routes::REFERENTIALS_PATH;

    use super::IMPORTED_PARAM;
    use crate::accounts::web::{answer_plain_post, FormPage};
    use crate::audit::Actor;

    let written = async {
        let (state, viewer, agency_id) = server::administrator()?;
        let staged = state.staging.open(viewer.user_id, &token)?;
        let preview = server::preview(&state, ecars_core::ids::AgencyId(agency_id), &staged).await?;
        let actor = Actor::of(&viewer);
        let version = super::service::write_version(
            &state.db,
            ecars_core::ids::AgencyId(agency_id),
            &preview.name,
            &preview.checked,
            &actor,
        )
        .await?;
        tracing::info!(user = viewer.user_id, version, "referential imported");
        if let Err(error) = staged.remove().await {
            tracing::warn!(%error, "an imported referential's file could not be removed");
        }
        Ok::<_, AppError>((preview.name, version))
    }
    .await;
    let done = |(name, version): &(String, i32)| {
        let value = format!("{version},{name}");
        let query = url::form_urlencoded::Serializer::new(String::new()).append_pair(IMPORTED_PARAM, &value).finish();
        format!("{REFERENTIALS_PATH}?{query}")
    };
    answer_plain_post(ConfirmReferential::PATH, &written, done, FormPage::posting([]));
    written.map(|(name, version)| imported_message(&name, version))
}

/// "Annuler": the staged file is removed, nothing is written.
#[server(endpoint = "annuler_referentiel", client = crate::accounts::csrf::PortalClient)]
pub async fn cancel_referential(token: String) -> Result<String, AppError> {
    use ecars_core::routes::REFERENTIALS_PATH;

    use crate::accounts::web::{answer_plain_post, FormPage};

    let cancelled = async {
        let (state, viewer, _) = server::administrator()?;
        let staged = state.staging.open(viewer.user_id, &token)?;
        staged.remove().await.map_err(server::unreadable)?;
        Ok::<_, AppError>(REFERENTIALS_PATH.to_owned())
    }
    .await;
    answer_plain_post(CancelReferential::PATH, &cancelled, String::clone, FormPage::posting([]));
    cancelled
}

/// "Référentiel ... importé : version N", after a confirmation.
pub fn imported_message(name: &str, version: i32) -> String {
    format!("Référentiel « {name} » importé : version {version}, en une seule fois.")
}

#[cfg(feature = "ssr")]
mod server;
