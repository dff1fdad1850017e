//! Days and moments where the agencies are: the time zone they work in (`ECARS_TIME_ZONE`), the
//! dates as letters and pages print them, and the clock that judges windows and deadlines (the
//! system's, unless a test pins it with `Clock::pin`, so that "the last day, at 23:59:59" can be
//! checked without waiting for it).

use std::sync::{Arc, RwLock};

use chrono::{DateTime, NaiveDate, Utc};

/// Dates are shown as in the guides: 01/01/2022.
pub fn french_date(date: chrono::NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

/// A time zone of the tz database (`Europe/Paris`, `America/Cayenne`, `Indian/Reunion`).
pub type TimeZone = chrono_tz::Tz;

/// Where the agencies are when `ECARS_TIME_ZONE` says nothing.
pub const DEFAULT_TIME_ZONE: TimeZone = chrono_tz::Europe::Paris;

static TIME_ZONE: std::sync::OnceLock<TimeZone> = std::sync::OnceLock::new();

/// The agencies' time zone (`ECARS_TIME_ZONE`): dates and times are never shown in UTC.
pub fn agency_time_zone() -> TimeZone {
    TIME_ZONE.get().copied().unwrap_or(DEFAULT_TIME_ZONE)
}

/// Sets the agencies' time zone, once, at start: a process serves one set of agencies. Another
/// zone asked later is refused with the one kept (an application started in the same process, as
/// in tests, keeps the first one's).
pub fn set_agency_time_zone(time_zone: TimeZone) -> Result<(), TimeZone> {
    if TIME_ZONE.set(time_zone).is_err() && agency_time_zone() != time_zone {
        return Err(agency_time_zone());
    }
    Ok(())
}

/// `Europe/Paris` and the like; `None` for anything else.
pub fn parse_time_zone(name: &str) -> Option<TimeZone> {
    name.trim().parse().ok()
}

/// "24/11/2026 15:05", in the agency's time zone: when an answer was changed.
pub fn french_date_time(moment: chrono::DateTime<chrono::Utc>) -> String {
    date_time_in(agency_time_zone(), moment)
}

fn date_time_in(time_zone: TimeZone, moment: chrono::DateTime<chrono::Utc>) -> String {
    moment.with_timezone(&time_zone).format("%d/%m/%Y %H:%M").to_string()
}

/// Today's date where the agencies are.
pub fn agency_today() -> chrono::NaiveDate {
    agency_date(chrono::Utc::now())
}

/// The agencies' date at `moment`.
pub fn agency_date(moment: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDate {
    moment.with_timezone(&agency_time_zone()).date_naive()
}

/// The first moment of `day` where the agencies are (its midnight), in UTC.
pub fn agency_midnight(day: chrono::NaiveDate) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone as _;
    let midnight = day.and_time(chrono::NaiveTime::MIN);
    agency_time_zone()
        .from_local_datetime(&midnight)
        .earliest()
        .map(|moment| moment.with_timezone(&chrono::Utc))
        .unwrap_or_else(|| midnight.and_utc())
}

/// Shared by the application and whoever started it: pinning one copy pins them all.
#[derive(Clone, Debug, Default)]
pub struct Clock(Arc<RwLock<Option<DateTime<Utc>>>>);

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        self.0.read().ok().and_then(|pinned| *pinned).unwrap_or_else(Utc::now)
    }

    /// From now on, the time is `at` (tests).
    pub fn pin(&self, at: DateTime<Utc>) {
        if let Ok(mut pinned) = self.0.write() {
            *pinned = Some(at);
        }
    }

    /// Today where the agencies are.
    pub fn agency_today(&self) -> NaiveDate {
        agency_date(self.now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pinned_clock_gives_its_time_to_every_copy_and_days_are_the_agency_s() {
        let clock = Clock::default();
        let copy = clock.clone();
        // 30 June 2023, 22:30 UTC: already 1 July in Paris (summer time, UTC+2).
        let at = DateTime::parse_from_rfc3339("2023-06-30T22:30:00Z").unwrap().with_timezone(&Utc);
        clock.pin(at);
        assert_eq!(copy.now(), at);
        assert_eq!(copy.agency_today(), NaiveDate::from_ymd_opt(2023, 7, 1).unwrap());
    }

    #[test]
    fn times_are_shown_in_the_agency_s_time_zone_summer_and_winter() {
        use chrono::TimeZone;
        let winter = chrono::Utc.with_ymd_and_hms(2026, 11, 24, 14, 5, 0).unwrap();
        let summer = chrono::Utc.with_ymd_and_hms(2026, 6, 30, 21, 59, 0).unwrap();
        assert_eq!(super::french_date_time(winter), "24/11/2026 15:05");
        assert_eq!(super::french_date_time(summer), "30/06/2026 23:59");
    }

    #[test]
    fn overseas_agencies_see_their_own_time() {
        use chrono::TimeZone;
        let moment = chrono::Utc.with_ymd_and_hms(2026, 11, 24, 2, 30, 0).unwrap();
        let cayenne = super::parse_time_zone("America/Cayenne").unwrap();
        let reunion = super::parse_time_zone(" Indian/Reunion ").unwrap();
        assert_eq!(super::date_time_in(cayenne, moment), "23/11/2026 23:30", "the day before in Guyane");
        assert_eq!(super::date_time_in(reunion, moment), "24/11/2026 06:30");
        for bad in ["", "Paris", "Europe/Atlantis", "UTC+2"] {
            assert_eq!(super::parse_time_zone(bad), None, "{bad}");
        }
    }
}
