//! The time the portal judges entry windows and deadlines by: the system's, unless a test pins
//! it (`Clock::pin`), so that "the last day, at 23:59:59" can be checked without waiting for it.

use std::sync::{Arc, RwLock};

use chrono::{DateTime, NaiveDate, Utc};

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
        crate::db::agency_date(self.now())
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
}
