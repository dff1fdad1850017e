//! The server's side of `extension` (behind `ssr`: the browser's build never reads this file).

use ecars_core::day::Day;
use ecars_core::ids::ContractId;
use ecars_core::vocabulary::ChangeKind;

use chrono::{Duration, NaiveDate};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::LONGEST_EXTENSION_DAYS;
use crate::accounts::access::Viewer;
use crate::audit::{self, Actor, Entry};
use crate::campaigns::window::server::Window;
use crate::db::entities::{evaluation, legal_entity};
use crate::db::{begin_write, french_date};
use crate::evaluation::years::server as years;
use crate::AppError;

/// Extends the window of contract `contract_id`'s current evaluation until `until`
/// (`AAAA-MM-JJ`, as a date field sends it); returns the new last day.
pub async fn extend(
    db: &DatabaseConnection,
    viewer: &Viewer,
    contract_id: ecars_core::ids::ContractId,
    until: &str,
) -> Result<NaiveDate, AppError> {
    let access = crate::evaluation::access::steerable_contract(db, viewer, ContractId(contract_id.0)).await?;
    let until = parse_day(until)?;
    let txn = begin_write(db).await?;
    // Held like a save, so a save on the old last day and this never interleave.
    let locked = years::lock(&txn, access.evaluation.id).await?;
    let window = Window::of(&locked).ok_or_else(|| {
        AppError::Invalid(
            "Cette évaluation n'a pas de période de saisie : elle reste ouverte jusqu'à sa clôture.".to_owned(),
        )
    })?;
    check_extension(&window, until, viewer.today())?;
    evaluation::Entity::update_many()
        .col_expr(evaluation::Column::ExtendedUntil, Expr::value(until))
        .filter(evaluation::Column::Id.eq(locked.id))
        .exec(&txn)
        .await?;
    let entity =
        legal_entity::Entity::find_by_id(access.contract.legal_entity_id).one(&txn).await?.ok_or(AppError::NotFound)?;
    let last_day = |day: NaiveDate| serde_json::json!({ "Fin de la saisie": french_date(day) });
    let entry = Entry {
        kind: ChangeKind::WindowExtended,
        subject: format!("{} ({} - {}), évaluation {}", access.contract.name, entity.finess, entity.name, locked.year),
        before: Some(last_day(window.last_day())),
        after: Some(last_day(until)),
    };
    audit::record(&txn, &Actor::of(viewer), entity.agency_id, entry).await?;
    txn.commit().await?;
    tracing::info!(contract = contract_id.0, year = locked.year, user = viewer.user_id, %until, "entry window extended");
    Ok(until)
}

fn parse_day(text: &str) -> Result<NaiveDate, AppError> {
    Day::parse(text)
        .and_then(|day| NaiveDate::from_ymd_opt(day.year, day.month, day.day))
        .ok_or_else(|| AppError::Invalid("Indiquez la nouvelle date de fin de saisie (JJ/MM/AAAA).".to_owned()))
}

/// A window may be extended past its campaign's closing day, from today on, within a year.
pub fn check_extension(window: &Window, until: NaiveDate, today: NaiveDate) -> Result<(), AppError> {
    if until <= window.closes_on {
        return Err(AppError::Invalid(format!(
            "La nouvelle date de fin de saisie doit être postérieure au {}, fin de la période de la campagne.",
            french_date(window.closes_on)
        )));
    }
    if until < today {
        return Err(AppError::Invalid(
            "La nouvelle date de fin de saisie est passée : choisissez aujourd'hui ou un jour à venir.".to_owned(),
        ));
    }
    let latest = window.closes_on + Duration::days(LONGEST_EXTENSION_DAYS);
    if until > latest {
        return Err(AppError::Invalid(format!(
            "La saisie ne peut être prolongée que jusqu'au {} au plus tard.",
            french_date(latest)
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn an_extension_goes_past_the_closing_day_from_today_on_and_within_a_year() {
        let window = Window { opens_on: day("2023-05-02"), closes_on: day("2023-06-30"), extended_until: None };
        let today = day("2023-07-03");
        assert!(check_extension(&window, day("2023-07-15"), today).is_ok());
        assert!(check_extension(&window, day("2023-07-03"), today).is_ok());
        for refused in ["2023-06-30", "2023-07-02", "2024-07-01"] {
            assert!(matches!(check_extension(&window, day(refused), today), Err(AppError::Invalid(_))), "{refused}");
        }
    }
}
