//! The server's side of `digest` (behind `ssr`: the browser's build never reads this file).

use std::time::Duration;

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc, Weekday};
use ecars_core::time::Clock;
use ecars_core::vocabulary::Phase;
use ecars_core::vocabulary::Role;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set, SqlErr,
};

use super::LATE_WITHIN_DAYS;
use crate::accounts::access::Reach;
use crate::accounts::directory::mail_recipients;
use crate::accounts::mail_preferences::server::wanting;
use crate::accounts::mail_preferences::MailPreference;
use crate::db::begin_write;
use crate::db::entities::{digest, user, user_legal_entity};
use crate::db::{agency_time_zone, french_date};
use crate::follow_up::dashboard::{DashboardFilter, DashboardRow};
use crate::follow_up::service::{rows, windows, years};
use crate::mail::outbox::Outbox;
use crate::mail::templates;
use crate::operations::shutdown::{every, Stopping};
use crate::AppError;

/// How often an instance looks whether the digest is due (each is sent once whatever the looks).
pub const LOOK_EVERY: Duration = Duration::from_secs(15 * 60);

/// When the digest goes out: a day of the week and an hour, in the agencies' time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DigestSchedule {
    pub day: Weekday,
    pub hour: u32,
}

impl Default for DigestSchedule {
    /// Monday, 8 o'clock: the referent's week starts with it.
    fn default() -> Self {
        DigestSchedule { day: Weekday::Mon, hour: 8 }
    }
}

const DAYS: [(&str, Weekday); 7] = [
    ("lundi", Weekday::Mon),
    ("mardi", Weekday::Tue),
    ("mercredi", Weekday::Wed),
    ("jeudi", Weekday::Thu),
    ("vendredi", Weekday::Fri),
    ("samedi", Weekday::Sat),
    ("dimanche", Weekday::Sun),
];

impl DigestSchedule {
    /// `day` in French ("lundi") and `hour` from 0 to 23; `aucun` for no digest at all.
    pub fn parse(day: &str, hour: u32) -> Result<Option<Self>, String> {
        if day.trim().eq_ignore_ascii_case("aucun") {
            return Ok(None);
        }
        let day = DAYS
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(day.trim()))
            .map(|(_, day)| *day)
            .ok_or_else(|| format!("`{day}` is not a day: lundi, mardi, ... dimanche, or aucun"))?;
        if hour > 23 {
            return Err(format!("{hour} is not an hour from 0 to 23"));
        }
        Ok(Some(DigestSchedule { day, hour }))
    }

    /// The week (its Monday) whose digest is due at `now`: this week's once its day and hour
    /// have come, else none (last week's was due last week).
    pub fn due_week(self, now: DateTime<Utc>) -> Option<NaiveDate> {
        let local = now.with_timezone(&agency_time_zone()).naive_local();
        let monday = local.date() - Days::new(u64::from(local.weekday().num_days_from_monday()));
        let day = monday + Days::new(u64::from(self.day.num_days_from_monday()));
        let due = day.and_hms_opt(self.hour, 0, 0)?;
        (local >= due).then_some(monday)
    }
}

/// What one referent is told, if anything.
struct Week {
    year: i32,
    closed: Vec<String>,
    late: Vec<String>,
}

/// Sends the digests due at `now`; returns how many were mailed.
pub async fn send_due(
    db: &DatabaseConnection,
    outbox: &Outbox,
    public_url: &str,
    schedule: DigestSchedule,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let Some(week_of) = schedule.due_week(now) else { return Ok(0) };
    let referents = mail_recipients()
        .filter(user::Column::Role.eq(Role::Referent))
        .filter(wanting(MailPreference::Digest))
        .order_by_asc(user::Column::Id)
        .all(db)
        .await?;
    let mut sent = 0;
    for referent in referents {
        if send_one(db, outbox, public_url, &referent, week_of, now).await? {
            sent += 1;
        }
    }
    if sent > 0 {
        outbox.wake();
    }
    Ok(sent)
}

/// One referent's week, unless it was looked at (here or by another instance). Returns whether
/// a mail was queued now.
async fn send_one(
    db: &DatabaseConnection,
    outbox: &Outbox,
    public_url: &str,
    referent: &user::Model,
    week_of: NaiveDate,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let previous = digest::Entity::find()
        .filter(digest::Column::UserId.eq(referent.id))
        .order_by_desc(digest::Column::WeekOf)
        .one(db)
        .await?;
    if previous.as_ref().is_some_and(|previous| previous.week_of >= week_of) {
        return Ok(false);
    }
    // Since the last look, if it was recent; else over the past week.
    let week_ago = now - chrono::Duration::days(7);
    let since = previous
        .map(|previous| previous.looked_at)
        .filter(|looked_at| *looked_at >= now - chrono::Duration::days(14))
        .unwrap_or(week_ago);
    let week = week_of_referent(db, ecars_core::ids::UserId(referent.id), since, now).await?;
    let mail = week.as_ref().filter(|week| !week.closed.is_empty() || !week.late.is_empty()).map(|week| {
        let filter = DashboardFilter { year: Some(week.year), ..Default::default() };
        let dashboard_url = format!("{public_url}{}", filter.href());
        let since = french_date(crate::db::agency_date(since));
        templates::digest(
            &referent.email,
            &templates::Digest {
                year: week.year,
                since: &since,
                closed: &week.closed,
                late: &week.late,
                dashboard_url: &dashboard_url,
            },
        )
    });
    let txn = begin_write(db).await?;
    let written = digest::ActiveModel {
        user_id: Set(referent.id),
        week_of: Set(week_of),
        looked_at: Set(now),
        sent: Set(mail.is_some()),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    match written {
        Ok(_) => {}
        // Another instance looked at it first.
        Err(error) if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => return Ok(false),
        Err(error) => return Err(error.into()),
    }
    let Some(mail) = mail else {
        txn.commit().await?;
        return Ok(false);
    };
    outbox.queue(&txn, mail).await?;
    txn.commit().await?;
    tracing::info!(user = referent.id, %week_of, "weekly digest sent");
    Ok(true)
}

/// The latest campaign year of what referent `user_id` follows: its evaluations closed since
/// `since`, and those late at `now`.
async fn week_of_referent(
    db: &DatabaseConnection,
    user_id: ecars_core::ids::UserId,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Option<Week>, AppError> {
    let followed: Vec<i32> = user_legal_entity::Entity::find()
        .select_only()
        .column(user_legal_entity::Column::LegalEntityId)
        .filter(user_legal_entity::Column::UserId.eq(user_id))
        .into_tuple()
        .all(db)
        .await?;
    let reach = Reach::Entities(&followed);
    let Some(year) = years(db, reach).await?.first().copied() else { return Ok(None) };
    let mut rows = rows(db, reach, year).await?;
    rows.sort_by(|a, b| a.legal_entity.cmp(&b.legal_entity).then(a.contract.cmp(&b.contract)));
    let (since, now_seconds) = (since.timestamp(), now.timestamp());
    let closed = rows
        .iter()
        .filter(|row| row.closed_on.as_ref().is_some_and(|(_, at)| *at > since && *at <= now_seconds))
        .map(|row| {
            let on = row.closed_on.as_ref().map(|(on, _)| on.as_str()).unwrap_or_default();
            format!("{} : {}, close le {on}", row.legal_entity_title(), row.contract)
        })
        .collect();
    let today = crate::db::agency_date(now);
    let open: Vec<&DashboardRow> = rows.iter().filter(|row| row.phase == Phase::AutoEvaluation).collect();
    let windows = windows(db, open.iter().map(|row| row.evaluation_id)).await?;
    let late = open
        .into_iter()
        .filter_map(|row| {
            let last_day = windows.get(&row.evaluation_id)?.last_day();
            ((last_day - today).num_days() < LATE_WITHIN_DAYS).then(|| {
                let until = if last_day < today { "saisie terminée le" } else { "saisie jusqu'au" };
                format!(
                    "{} : {}, remplie à {} %, {until} {}",
                    row.legal_entity_title(),
                    row.contract,
                    row.progress.percentage(),
                    french_date(last_day)
                )
            })
        })
        .collect();
    Ok(Some(Week { year, closed, late }))
}

/// Looks whether the digest is due at start, then every [`LOOK_EVERY`], for as long as the process runs.
pub async fn run(
    db: DatabaseConnection,
    outbox: Outbox,
    public_url: String,
    schedule: DigestSchedule,
    clock: Clock,
    stopping: Stopping,
) {
    every(LOOK_EVERY, stopping, || async {
        if let Err(error) = send_due(&db, &outbox, &public_url, schedule, clock.now()).await {
            tracing::error!(%error, "weekly digest not sent this time");
        }
    })
    .await;
    tracing::info!("weekly digest stopped");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn the_digest_is_due_from_its_day_and_hour_in_the_agencies_time_zone() {
        let monday_8 = DigestSchedule::default();
        // Monday 7 December 2026: 06:59 UTC is 07:59 in Paris (winter time, UTC+1).
        assert_eq!(monday_8.due_week(at("2026-12-07T06:59:00Z")), None);
        let week = NaiveDate::from_ymd_opt(2026, 12, 7);
        assert_eq!(monday_8.due_week(at("2026-12-07T07:00:00Z")), week);
        assert_eq!(monday_8.due_week(at("2026-12-13T22:59:00Z")), week, "until Sunday night");
        assert_eq!(monday_8.due_week(at("2026-12-13T23:00:00Z")), None, "Monday 14, midnight in Paris");
        let friday_17 = DigestSchedule::parse("Vendredi", 17).unwrap().unwrap();
        assert_eq!(friday_17.due_week(at("2026-12-10T12:00:00Z")), None, "Thursday");
        assert_eq!(friday_17.due_week(at("2026-12-11T16:00:00Z")), week);
        assert!(DigestSchedule::parse("monday", 8).is_err());
        assert!(DigestSchedule::parse("lundi", 24).is_err());
        assert_eq!(DigestSchedule::parse(" Aucun ", 8), Ok(None));
    }
}
