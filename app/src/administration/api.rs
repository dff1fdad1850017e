//! Server functions of the administration: thin adapters over `finess_import`, for
//! administrators only ("not found" for anyone else).

use leptos::prelude::*;

use super::FinessPreview;
use crate::AppError;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;

/// The preview of a staged import: what "Confirmer l'import" would write.
#[server(endpoint = "apercu_import_finess", client = crate::accounts::csrf::PortalClient)]
pub async fn import_preview(token: String) -> Result<FinessPreview, AppError> {
    let (state, viewer, agency) = server::administrator()?;
    let staged = state.staging.open(viewer.user_id, &token)?;
    let plan = server::plan(&state, &agency, &staged).await?;
    Ok(server::preview(&staged.token, staged.departements().map_err(server::unreadable)?, &plan))
}

/// "Confirmer l'import": the same reading, written in one transaction.
#[server(endpoint = "confirmer_import_finess", client = crate::accounts::csrf::PortalClient)]
pub async fn confirm_finess_import(token: String) -> Result<String, AppError> {
    use super::finess_import::apply;
    use super::IMPORTED_PARAM;
    use crate::accounts::web::{answer_plain_post, FormPage};
    use crate::audit::Actor;
    use crate::routes::FINESS_IMPORT_PATH;

    let imported = async {
        let (state, viewer, agency) = server::administrator()?;
        let staged = state.staging.open(viewer.user_id, &token)?;
        let plan = server::plan(&state, &agency, &staged).await?;
        let departements = staged.departements().map_err(server::unreadable)?;
        let applied = apply(&state.db, &agency, &departements, &plan, &Actor::of(&viewer)).await?;
        tracing::info!(
            user = viewer.user_id,
            created = applied.created,
            updated = applied.updated,
            "FINESS import applied"
        );
        if let Err(error) = staged.remove().await {
            tracing::warn!(%error, "an applied import's files could not be removed");
        }
        Ok::<_, AppError>(applied)
    }
    .await;
    let done = |applied: &super::finess_import::Applied| {
        format!("{FINESS_IMPORT_PATH}?{IMPORTED_PARAM}={},{}", applied.created, applied.updated)
    };
    answer_plain_post(ConfirmFinessImport::PATH, &imported, done, FormPage::posting([]));
    imported.map(|applied| imported_message(applied.created, applied.updated))
}

/// "Annuler": the staged files are removed, nothing is written.
#[server(endpoint = "annuler_import_finess", client = crate::accounts::csrf::PortalClient)]
pub async fn cancel_finess_import(token: String) -> Result<String, AppError> {
    use crate::accounts::web::{answer_plain_post, FormPage};
    use crate::routes::FINESS_IMPORT_PATH;

    let cancelled = async {
        let (state, viewer, _) = server::administrator()?;
        state.staging.open(viewer.user_id, &token)?.remove().await.map_err(server::unreadable)?;
        Ok::<_, AppError>(FINESS_IMPORT_PATH.to_owned())
    }
    .await;
    answer_plain_post(CancelFinessImport::PATH, &cancelled, String::clone, FormPage::posting([]));
    cancelled
}

/// The journal's newest entries matching `filter`, and how many match.
#[server(endpoint = "journal", client = crate::accounts::csrf::PortalClient)]
pub async fn journal(
    #[server(default)] filter: super::journal::JournalFilter,
) -> Result<super::journal::JournalPage, AppError> {
    use super::journal::{search, JournalPage, SHOWN_ENTRIES};
    let viewer = crate::accounts::access::viewer()?;
    let scope = crate::administration::journal::search::journal_scope(&viewer)?;
    let state = crate::state::AppState::current()?;
    let (rows, total) = search::entries(&state.db, scope, &filter, SHOWN_ENTRIES).await?;
    Ok(JournalPage { rows, total })
}

/// "Import terminé : ...", after a confirmation.
pub fn imported_message(created: usize, updated: usize) -> String {
    format!("Import terminé : {created} création(s) et {updated} mise(s) à jour, en une seule fois.")
}

#[cfg(feature = "ssr")]
mod server {
    use super::super::finess_import::ImportingAgency;
    use super::super::finess_import::{plan as plan_import, ImportPlan, Outcome, PlanError};
    use super::super::staging::StagedImport;
    use super::super::{Counts, FieldChange, FinessPreview, PreviewRow, RefusedLine, LISTED_ROWS};
    use crate::accounts::access::Viewer;
    use crate::state::AppState;
    use crate::AppError;

    pub use super::super::staging::unreadable;

    /// The administrator calling, and the agency it imports for.
    pub fn administrator() -> Result<(AppState, Viewer, ImportingAgency), AppError> {
        let (state, viewer, id) = crate::state::agency_administrator()?;
        let name = viewer.agency.as_ref().map(|agency| agency.name.clone()).unwrap_or_default();
        Ok((state, viewer, ImportingAgency { id, name }))
    }

    pub async fn plan(
        state: &AppState,
        agency: &ImportingAgency,
        staged: &StagedImport,
    ) -> Result<ImportPlan, AppError> {
        let departements = staged.departements().map_err(unreadable)?;
        let readers = staged.readers().map_err(unreadable)?;
        plan_import(&state.db, agency, &departements, readers).await.map_err(|error| match error {
            PlanError::Database(error) => error.into(),
            PlanError::Read(_) => {
                AppError::Invalid("Un des fichiers n'a pas pu être lu jusqu'au bout : rien n'a été importé.".to_owned())
            }
        })
    }

    pub fn preview(token: &str, departements: Vec<String>, plan: &ImportPlan) -> FinessPreview {
        let counts = |of_entities: bool| Counts {
            create: plan.count(of_entities, |outcome| *outcome == Outcome::Create),
            update: plan.count(of_entities, |outcome| matches!(outcome, Outcome::Update(_))),
            unchanged: plan.count(of_entities, |outcome| *outcome == Outcome::Unchanged),
        };
        let row = |kind: &str, finess: String, name: &str, outcome: &Outcome| {
            let changes = match outcome {
                Outcome::Create | Outcome::Unchanged => Vec::new(),
                Outcome::Update(changes) => changes
                    .iter()
                    .map(|change| FieldChange {
                        field: change.field.to_owned(),
                        before: change.before.clone(),
                        after: change.after.clone(),
                    })
                    .collect(),
            };
            (*outcome != Outcome::Unchanged).then(|| PreviewRow {
                kind: kind.to_owned(),
                finess,
                name: name.to_owned(),
                changes,
            })
        };
        let entities = plan.legal_entities.iter().filter_map(|(finess, planned)| {
            row("Entité juridique", finess.to_string(), &planned.entity.name, &planned.outcome)
        });
        let sites = plan.establishments.iter().filter_map(|(finess, planned)| {
            row("Établissement", finess.to_string(), &planned.site.name, &planned.outcome)
        });
        FinessPreview {
            token: token.to_owned(),
            departements,
            lines_read: plan.lines_read,
            outside_region: plan.outside_region,
            legal_entities: counts(true),
            establishments: counts(false),
            rows: entities.chain(sites).take(LISTED_ROWS).collect(),
            refused_count: plan.refused_count,
            refused: plan
                .refused
                .iter()
                .map(|refusal| RefusedLine {
                    file: super::super::FinessFile::from_index(refusal.file).label().to_owned(),
                    line: refusal.line,
                    reason: refusal.reason.clone(),
                })
                .collect(),
        }
    }
}
