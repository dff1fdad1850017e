//! The server's side of `api` (behind `ssr`: the browser's build never reads this file).

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

pub async fn plan(state: &AppState, agency: &ImportingAgency, staged: &StagedImport) -> Result<ImportPlan, AppError> {
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
    let sites = plan
        .establishments
        .iter()
        .filter_map(|(finess, planned)| row("Établissement", finess.to_string(), &planned.site.name, &planned.outcome));
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
