//! An evaluation's entry window: from its opening day to its last day (the closing day, or the
//! day it was extended to), both included; the last day counts until its midnight where the
//! agencies are. Outside it nothing of the evaluation can change, exactly as in Consultation.

use serde::{Deserialize, Serialize};

/// Where today stands in an entry window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum WindowState {
    NotYetOpen,
    Open,
    Over,
}

/// An evaluation's window as pages say it, dates as `02/05/2023`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowNotice {
    pub opens_on: String,
    pub closes_on: String,
    /// "Prolonger la saisie jusqu'au ...", if it was.
    pub extended_until: Option<String>,
    pub state: WindowState,
}

impl WindowNotice {
    /// "Saisie ouverte du 02/05/2023 au 30/06/2023", and its extension.
    pub fn period(&self) -> String {
        let period = format!("Saisie ouverte du {} au {}", self.opens_on, self.closes_on);
        match &self.extended_until {
            Some(until) => format!("{period}, prolongée jusqu'au {until}"),
            None => period,
        }
    }

    fn last_day(&self) -> &str {
        self.extended_until.as_deref().unwrap_or(&self.closes_on)
    }

    /// Why nothing can be changed today, outside the window.
    pub fn refusal(&self) -> Option<String> {
        match self.state {
            WindowState::Open => None,
            WindowState::NotYetOpen => Some(format!(
                "La saisie de cette évaluation n'est pas encore ouverte : elle ouvrira le {}.",
                self.opens_on
            )),
            WindowState::Over => Some(format!(
                "La période de saisie de cette évaluation s'est terminée le {} : plus rien ne peut y être modifié. \
                 Votre référent ARS peut la prolonger.",
                self.last_day()
            )),
        }
    }
}
