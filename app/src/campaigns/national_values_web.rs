//! `POST /api/administration/valeurs-nationales`: the campaign chosen and the file of national
//! values, as the page's form sends them (multipart), streamed to the staging folder under a size
//! limit; the browser is then sent to the preview. Agency administrators only; nothing is written
//! to the database here.

use axum::extract::Multipart;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;

use super::national_values::{CampaignChoice, UploadRefusal, PREVIEW_PARAM, REFUSAL_PARAM};
use crate::accounts::access::{administered_agency, Viewer};
use crate::administration::staging::{read_small_part, PartError, StagedImport};
use crate::routes::NATIONAL_VALUES_PATH;
use crate::state::AppState;
use crate::AppError;

/// A dozen values per legal entity of a whole region: far below this.
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;
/// Names of the staged import's notes.
pub const CAMPAIGN_NOTE: &str = "campagne";
pub const FILE_NAME_NOTE: &str = "fichier";

pub async fn upload(
    Extension(state): Extension<AppState>,
    viewer: Option<Extension<Viewer>>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, AppError> {
    let Extension(viewer) = viewer.ok_or(AppError::Unauthenticated)?;
    administered_agency(&viewer)?;
    let received = match multipart {
        Ok(multipart) => receive(&state, &viewer, multipart).await,
        Err(_) => Err(UploadRefusal::Unreadable),
    };
    let target = match received {
        Ok(staged) => format!("{NATIONAL_VALUES_PATH}?{PREVIEW_PARAM}={}", staged.token),
        Err(refusal) => format!("{NATIONAL_VALUES_PATH}?{REFUSAL_PARAM}={}", refusal.code()),
    };
    Ok(Redirect::to(&target).into_response())
}

async fn receive(state: &AppState, viewer: &Viewer, mut multipart: Multipart) -> Result<StagedImport, UploadRefusal> {
    let mut campaign: Option<CampaignChoice> = None;
    let mut staged: Option<StagedImport> = None;
    let part_refusal = |error: PartError| match error {
        PartError::TooBig => UploadRefusal::TooBig,
        PartError::Unreadable => UploadRefusal::Unreadable,
    };
    let outcome = async {
        while let Some(mut field) = multipart.next_field().await.map_err(|_| UploadRefusal::Unreadable)? {
            match field.name().unwrap_or_default() {
                "campagne" => {
                    let typed = read_small_part(&mut field, 64).await.map_err(|error| match error {
                        PartError::TooBig => UploadRefusal::NoCampaign,
                        PartError::Unreadable => UploadRefusal::Unreadable,
                    })?;
                    campaign = Some(CampaignChoice::parse(&typed).ok_or(UploadRefusal::NoCampaign)?);
                }
                "fichier" => {
                    let file_name: String = field.file_name().unwrap_or_default().chars().take(200).collect();
                    if file_name.is_empty() {
                        continue;
                    }
                    let chosen = campaign.ok_or(UploadRefusal::NoCampaign)?.code();
                    let notes = [(CAMPAIGN_NOTE, chosen.as_str()), (FILE_NAME_NOTE, file_name.as_str())];
                    let import = state
                        .staging
                        .create_with(viewer.user_id, &notes)
                        .await
                        .map_err(|_| UploadRefusal::Unreadable)?;
                    let received = import.receive(1, &mut field, MAX_FILE_BYTES).await;
                    staged = Some(import);
                    received.map_err(part_refusal)?;
                }
                _ => {}
            }
        }
        campaign.ok_or(UploadRefusal::NoCampaign).map(|_| ())
    }
    .await;
    match (outcome, staged) {
        (Ok(()), Some(staged)) => Ok(staged),
        (Ok(()), None) => Err(UploadRefusal::NoFile),
        (Err(refusal), staged) => {
            if let Some(staged) = staged {
                let _ = staged.remove().await;
            }
            Err(refusal)
        }
    }
}
