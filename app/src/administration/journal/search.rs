//! The server's side of `journal` (behind `ssr`: the browser's build never reads this file).

//! Reading the journal: an agency's entries (or every entry, for a national administrator),
//! filtered by person, kind and dates in the agency's time zone, newest first.

use chrono::{NaiveDate, TimeZone, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};

use super::{JournalFilter, JournalRow};
use crate::db::entities::journal_entry;
use crate::db::{agency_time_zone, french_date_time};

/// Whose entries a viewer reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JournalScope {
    Agency(i32),
    Everything,
}

/// The journal a viewer reads: its agency's, or every one for a national administrator; for
/// anyone else it does not exist.
pub fn journal_scope(viewer: &crate::accounts::access::Viewer) -> Result<JournalScope, crate::AppError> {
    if viewer.administers_agencies() {
        return Ok(JournalScope::Everything);
    }
    crate::accounts::access::administered_agency(viewer).map(JournalScope::Agency)
}

/// The first moment of `date` in the agency's time zone.
fn start_of(date: &str) -> Option<chrono::DateTime<Utc>> {
    let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
    let midnight = date.and_hms_opt(0, 0, 0)?;
    agency_time_zone().from_local_datetime(&midnight).earliest().map(|moment| moment.with_timezone(&Utc))
}

fn query(scope: JournalScope, filter: &JournalFilter) -> sea_orm::Select<journal_entry::Entity> {
    let mut query = journal_entry::Entity::find();
    if let JournalScope::Agency(agency_id) = scope {
        query = query.filter(journal_entry::Column::AgencyId.eq(agency_id));
    }
    if !filter.person.is_empty() {
        query = query.filter(journal_entry::Column::ActorEmail.contains(filter.person.to_lowercase()));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(journal_entry::Column::Kind.eq(kind));
    }
    if let Some(from) = filter.from.as_deref().and_then(start_of) {
        query = query.filter(journal_entry::Column::RecordedAt.gte(from));
    }
    let next_day = filter.to.as_deref().and_then(|to| {
        let day = NaiveDate::parse_from_str(to, "%Y-%m-%d").ok()?.succ_opt()?;
        start_of(&day.format("%Y-%m-%d").to_string())
    });
    if let Some(end) = next_day {
        query = query.filter(journal_entry::Column::RecordedAt.lt(end));
    }
    query.order_by_desc(journal_entry::Column::RecordedAt).order_by_desc(journal_entry::Column::Id)
}

/// The values of a recorded JSON object, as "field : value" pairs.
fn values(json: Option<&str>) -> Vec<(String, String)> {
    let Some(object) =
        json.and_then(|json| serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(json).ok())
    else {
        return Vec::new();
    };
    object
        .into_iter()
        .map(|(field, value)| {
            let shown = match value {
                serde_json::Value::String(text) => text,
                serde_json::Value::Array(items) => items
                    .into_iter()
                    .map(|item| match item {
                        serde_json::Value::String(text) => text,
                        other => other.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
                other => other.to_string(),
            };
            (field, shown)
        })
        .collect()
}

fn row(entry: journal_entry::Model) -> JournalRow {
    JournalRow {
        recorded_at: french_date_time(entry.recorded_at),
        actor: entry.actor_email,
        kind: entry.kind,
        subject: entry.subject,
        before: values(entry.before.as_deref()),
        after: values(entry.after.as_deref()),
    }
}

/// The newest `limit` matching entries, and how many match in all.
pub async fn entries(
    db: &impl ConnectionTrait,
    scope: JournalScope,
    filter: &JournalFilter,
    limit: u64,
) -> Result<(Vec<JournalRow>, u64), DbErr> {
    let total = query(scope, filter).count(db).await?;
    let rows = query(scope, filter).limit(limit).all(db).await?.into_iter().map(row).collect();
    Ok((rows, total))
}

/// A cell of the CSV export: `;`-separated, quoted, and never read as a formula by a
/// spreadsheet (a leading `=`, `+`, `-` or `@` is prefixed with `'`).
fn cell(text: &str) -> String {
    format!("\"{}\"", crate::follow_up::export::cells::neutralised(text).replace('"', "\"\""))
}

fn pairs(values: &[(String, String)]) -> String {
    values.iter().map(|(field, value)| format!("{field} : {value}")).collect::<Vec<_>>().join(" ; ")
}

/// At most this many entries are exported at once (filter by dates for more).
pub const MAX_EXPORTED: u64 = 100_000;

/// Every matching entry as a CSV file Excel opens as it is (UTF-8 with its mark, `;`).
pub async fn csv(db: &impl ConnectionTrait, scope: JournalScope, filter: &JournalFilter) -> Result<String, DbErr> {
    let (rows, _) = entries(db, scope, filter, MAX_EXPORTED).await?;
    let mut out = String::from("\u{feff}Date;Personne;Type;Objet;Avant;Après\r\n");
    for row in rows {
        let line = [
            cell(&row.recorded_at),
            cell(&row.actor),
            cell(row.kind.label()),
            cell(&row.subject),
            cell(&pairs(&row.before)),
            cell(&pairs(&row.after)),
        ]
        .join(";");
        out.push_str(&line);
        out.push_str("\r\n");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exported_cells_are_never_formulas() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("ARS Bretagne"), "\"ARS Bretagne\"");
    }

    #[test]
    fn a_day_starts_at_midnight_in_paris() {
        assert_eq!(start_of("2026-12-02").unwrap().to_rfc3339(), "2026-12-01T23:00:00+00:00");
        assert_eq!(start_of("2026-07-01").unwrap().to_rfc3339(), "2026-06-30T22:00:00+00:00");
        assert_eq!(start_of("2026-13-45"), None);
    }
}
