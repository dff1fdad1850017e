//! The dates of the contradictory exchange: once the agency notified its provisional evaluation,
//! the establishment has the campaign's "Délai de réponse" to answer, counted from the receipt
//! (its first opening of the letter), or from the seventh day after the notification when
//! nobody opened it sooner or at all.

#[cfg(feature = "clock")]
use chrono::{Days, NaiveDate};

/// "Délai de réponse" unless the campaign sets another.
pub const DEFAULT_REPLY_DAYS: u32 = 21;
/// Unopened, a letter counts as received this many days after it was notified.
pub const DEEMED_RECEIVED_AFTER_DAYS: u64 = 7;
/// The most an agency may give (a year); at least one day.
pub const REPLY_DAYS: std::ops::RangeInclusive<u32> = 1..=365;

#[cfg(feature = "clock")]
/// The day the reply window starts: the receipt, or the seventh day after the notification.
pub fn window_starts(notified_on: NaiveDate, received_on: Option<NaiveDate>) -> NaiveDate {
    let deemed = notified_on.checked_add_days(Days::new(DEEMED_RECEIVED_AFTER_DAYS)).unwrap_or(notified_on);
    match received_on {
        Some(received) if received < deemed => received,
        _ => deemed,
    }
}

#[cfg(feature = "clock")]
/// The last day the establishment may answer (included).
pub fn reply_deadline(notified_on: NaiveDate, received_on: Option<NaiveDate>, reply_days: u32) -> NaiveDate {
    let start = window_starts(notified_on, received_on);
    start.checked_add_days(Days::new(u64::from(reply_days))).unwrap_or(start)
}

/// "Délai de réponse" as the agency types it: a whole number of days; empty is the default.
pub fn parse_reply_days(input: &str) -> Result<u32, String> {
    if input.trim().is_empty() {
        return Ok(DEFAULT_REPLY_DAYS);
    }
    match input.trim().parse::<u32>() {
        Ok(days) if REPLY_DAYS.contains(&days) => Ok(days),
        _ => Err(format!(
            "Le délai de réponse est un nombre de jours entre {} et {}.",
            REPLY_DAYS.start(),
            REPLY_DAYS.end()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "clock")]
    fn day(month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, month, day).unwrap()
    }

    #[cfg(feature = "clock")]
    #[test]
    fn the_window_runs_from_the_receipt_or_from_the_seventh_day() {
        // Opened the day after: 21 days from then.
        assert_eq!(reply_deadline(day(3, 2), Some(day(3, 3)), 21), day(3, 24));
        // Never opened, or opened late: from the seventh day after the notification.
        assert_eq!(reply_deadline(day(3, 2), None, 21), day(3, 30));
        assert_eq!(reply_deadline(day(3, 2), Some(day(3, 20)), 21), day(3, 30));
        // Across a month and a year.
        assert_eq!(reply_deadline(day(12, 28), None, 21), NaiveDate::from_ymd_opt(2027, 1, 25).unwrap());
    }

    #[test]
    fn the_reply_days_are_a_whole_number_within_a_year() {
        assert_eq!(parse_reply_days(" 15 "), Ok(15));
        assert_eq!(parse_reply_days(" "), Ok(DEFAULT_REPLY_DAYS));
        for refused in ["0", "366", "-3", "2,5", "vingt"] {
            assert!(parse_reply_days(refused).unwrap_err().contains("entre 1 et 365"), "{refused}");
        }
    }
}
