//! To the establishment, about a campaign: its self-evaluation's window ends soon.

use ecars_core::vocabulary::MailPreference;

use super::{listed, Body, Mail};

/// How many missing questions a reminder lists by name at most; the rest are counted.
pub const LISTED_QUESTIONS: usize = 20;

/// An end-of-campaign reminder: what it is about.
pub struct Reminder<'a> {
    pub contract: &'a str,
    pub year: i32,
    pub last_day: chrono::NaiveDate,
    /// After today: 0 on the last day.
    pub days_left: i64,
    /// How much of the self-evaluation is filled, in %.
    pub percentage: u8,
    /// The titles of the questions still to answer: "1.1.1.a - Taux d'ordonnances ..."
    pub missing_questions: &'a [String],
    /// The functions of the mandatory contacts still to update: "DIRECTEUR", "REF. CAQES" ...
    pub missing_contacts: &'a [String],
    pub contract_url: &'a str,
}

/// The window of a self-evaluation ends soon and it is not closed: to the establishment's users.
pub fn reminder(to: &str, reminder: &Reminder) -> Mail {
    let last_day = ecars_core::time::french_date(reminder.last_day);
    let when = match reminder.days_left {
        0 => "aujourd'hui".to_owned(),
        1 => "demain".to_owned(),
        days => format!("dans {days} jours"),
    };
    let mut items = listed(reminder.missing_questions, LISTED_QUESTIONS, " question(s)");
    items.extend(
        reminder
            .missing_contacts
            .iter()
            .map(|function| (format!("Contact obligatoire à mettre à jour : {function}"), None)),
    );
    let mut body = Body::new()
        .paragraph(&format!(
            "La saisie de l'auto-évaluation {} du contrat {} se termine {when} (le {last_day}, inclus) et n'est pas encore close.",
            reminder.year, reminder.contract
        ))
        .fields(&[("Pourcentage de remplissage", format!("{} %", reminder.percentage))]);
    body = if items.is_empty() {
        body.paragraph("Tout est saisi : il ne reste qu'à cliquer sur « Clore la saisie ».")
    } else {
        body.paragraph("Reste à saisir avant la clôture :").items(&items)
    };
    body.link("Accéder au contrat", reminder.contract_url).paragraph(&MailPreference::Reminders.opt_out()).mail(
        "rappel_campagne",
        to,
        &format!("e-CARS : fin de la saisie {when} - {}", reminder.contract),
    )
}
