//! "Journal des modifications": every change made in the administration, with who made it,
//! when, and the values before and after, written in the same transaction as the change; and every
//! security event (logins, lockouts, refusals...), written just after it by a worker.

use serde::{Deserialize, Serialize};

use ecars_core::day::Day;

pub use ecars_core::vocabulary::ChangeKind;

/// Query parameters of the journal page and of its CSV export.
pub const PERSON_PARAM: &str = "personne";
pub const KIND_PARAM: &str = "type";
pub const FROM_PARAM: &str = "du";
pub const TO_PARAM: &str = "au";

/// What the journal is filtered by, as the page's form sends it (dates as `AAAA-MM-JJ`, checked
/// here; what cannot be read filters nothing).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalFilter {
    pub person: String,
    pub kind: Option<ChangeKind>,
    pub from: Option<String>,
    pub to: Option<String>,
}

impl JournalFilter {
    /// The filter of an address, its parameters given by `value`.
    pub fn from_query(value: impl Fn(&str) -> Option<String>) -> Self {
        let date =
            |name: &str| value(name).map(|text| text.trim().to_owned()).filter(|text| Day::parse(text).is_some());
        JournalFilter {
            person: value(PERSON_PARAM).unwrap_or_default().trim().chars().take(200).collect(),
            kind: value(KIND_PARAM).and_then(|code| ChangeKind::parse(&code)),
            from: date(FROM_PARAM),
            to: date(TO_PARAM),
        }
    }

    /// The same filter as a query string, for the CSV export's link.
    pub fn query(&self) -> String {
        let mut pairs: Vec<String> = Vec::new();
        if !self.person.is_empty() {
            pairs.push(format!("{PERSON_PARAM}={}", ecars_core::routes::percent_encode(&self.person)));
        }
        if let Some(kind) = self.kind {
            pairs.push(format!("{KIND_PARAM}={}", kind.code()));
        }
        for (name, date) in [(FROM_PARAM, &self.from), (TO_PARAM, &self.to)] {
            if let Some(date) = date {
                pairs.push(format!("{name}={date}"));
            }
        }
        pairs.join("&")
    }
}

/// One entry as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalRow {
    /// In the agency's time zone.
    pub recorded_at: String,
    pub actor: String,
    pub kind: ChangeKind,
    pub subject: String,
    /// "field : value", in the order recorded.
    pub before: Vec<(String, String)>,
    pub after: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalPage {
    /// The newest [`SHOWN_ENTRIES`] matching entries.
    pub rows: Vec<JournalRow>,
    pub total: u64,
}

/// The page lists this many entries at most; the CSV export has every one.
pub const SHOWN_ENTRIES: u64 = 200;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filter_comes_back_from_its_own_address_and_ignores_what_it_cannot_read() {
        let filter = JournalFilter {
            person: "admin bfc@ars.fr".into(),
            kind: Some(ChangeKind::FinessImported),
            from: Some("2026-12-01".into()),
            to: None,
        };
        let query = filter.query();
        let pairs: Vec<(String, String)> = query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .map(|(name, value)| (name.to_owned(), value.replace("%20", " ").replace("%40", "@")))
            .collect();
        let value = |name: &str| pairs.iter().find(|(key, _)| key == name).map(|(_, value)| value.clone());
        assert_eq!(JournalFilter::from_query(value), filter);
        let garbage = JournalFilter::from_query(|name| {
            Some(if name == FROM_PARAM { "02/12/2026" } else { "<script>" }.to_owned())
        });
        assert_eq!((garbage.kind, garbage.from), (None, None));
        for kind in ChangeKind::ALL {
            assert_eq!(ChangeKind::parse(kind.code()), Some(kind));
        }
    }
}

#[cfg(feature = "ssr")]
pub mod search;
