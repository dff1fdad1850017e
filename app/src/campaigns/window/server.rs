//! The server's side of `window` (behind `ssr`: the browser's build never reads this file).

use chrono::NaiveDate;
use ecars_core::vocabulary::Phase;

use super::{WindowNotice, WindowState};
use crate::db::entities::evaluation;
use crate::db::french_date;
use crate::evaluation::years::server::CLOSED;
use crate::AppError;

/// The days an evaluation is open for entry, both included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    pub extended_until: Option<NaiveDate>,
}

impl Window {
    /// The window of an evaluation opened by a campaign; none for one opened without (its
    /// contract's first), which is open until it is closed.
    pub fn of(evaluation: &evaluation::Model) -> Option<Window> {
        Some(Window {
            opens_on: evaluation.opens_on?,
            closes_on: evaluation.closes_on?,
            extended_until: evaluation.extended_until,
        })
    }

    pub fn last_day(&self) -> NaiveDate {
        self.extended_until.map_or(self.closes_on, |until| until.max(self.closes_on))
    }

    pub fn state_on(&self, today: NaiveDate) -> WindowState {
        if today < self.opens_on {
            WindowState::NotYetOpen
        } else if today > self.last_day() {
            WindowState::Over
        } else {
            WindowState::Open
        }
    }

    pub fn notice(&self, today: NaiveDate) -> WindowNotice {
        WindowNotice {
            opens_on: french_date(self.opens_on),
            closes_on: french_date(self.closes_on),
            extended_until: self.extended_until.map(french_date),
            state: self.state_on(today),
        }
    }
}

/// The window of an evaluation as its pages say it on `today`.
pub fn notice(evaluation: &evaluation::Model, today: NaiveDate) -> Option<WindowNotice> {
    Window::of(evaluation).map(|window| window.notice(today))
}

/// Whether an evaluation can be changed on `today`: in Auto-Evaluation and inside its window.
pub fn check_open(evaluation: &evaluation::Model, today: NaiveDate) -> Result<(), AppError> {
    if evaluation.phase != Phase::AutoEvaluation {
        return Err(AppError::NotEditable(CLOSED.to_owned()));
    }
    match notice(evaluation, today).and_then(|notice| notice.refusal()) {
        Some(refusal) => Err(AppError::NotEditable(refusal)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn window(extended_until: Option<&str>) -> Window {
        Window { opens_on: day("2023-05-02"), closes_on: day("2023-06-30"), extended_until: extended_until.map(day) }
    }

    #[test]
    fn the_first_and_last_days_are_inside_the_window_and_an_extension_moves_the_last() {
        let window = window(None);
        assert_eq!(window.state_on(day("2023-05-01")), WindowState::NotYetOpen);
        assert_eq!(window.state_on(day("2023-05-02")), WindowState::Open);
        assert_eq!(window.state_on(day("2023-06-30")), WindowState::Open);
        assert_eq!(window.state_on(day("2023-07-01")), WindowState::Over);
        let extended = super::Window { extended_until: Some(day("2023-07-15")), ..window };
        assert_eq!(extended.state_on(day("2023-07-15")), WindowState::Open);
        assert_eq!(extended.state_on(day("2023-07-16")), WindowState::Over);
    }

    #[test]
    fn pages_say_the_period_and_why_nothing_can_change_outside_it() {
        let notice = window(None).notice(day("2023-07-01"));
        assert_eq!(notice.period(), "Saisie ouverte du 02/05/2023 au 30/06/2023");
        assert!(notice.refusal().unwrap().contains("s'est terminée le 30/06/2023"));
        let extended = window(Some("2023-07-15")).notice(day("2023-07-01"));
        assert_eq!(extended.period(), "Saisie ouverte du 02/05/2023 au 30/06/2023, prolongée jusqu'au 15/07/2023");
        assert_eq!(extended.refusal(), None);
        let early = window(None).notice(day("2023-04-30"));
        assert!(early.refusal().unwrap().contains("elle ouvrira le 02/05/2023"));
    }
}
