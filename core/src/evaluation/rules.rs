//! Rules of the self-evaluation, shared by the browser and the server so they can never disagree.

use serde::{Deserialize, Serialize};

/// The coloured dot in front of a question.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum QuestionStatus {
    /// Red: must be answered and is not.
    ToFill,
    /// Green: must be answered and is.
    Filled,
    /// Grey: not editable by the current user (e.g. a national indicator).
    Locked,
}

impl QuestionStatus {
    pub fn of(editable_by_user: bool, answered: bool) -> Self {
        match (editable_by_user, answered) {
            (false, _) => QuestionStatus::Locked,
            (true, false) => QuestionStatus::ToFill,
            (true, true) => QuestionStatus::Filled,
        }
    }

    /// What the dot means, for screen readers and tooltips.
    pub fn label(self) -> &'static str {
        match self {
            QuestionStatus::ToFill => "à saisir",
            QuestionStatus::Filled => "saisi",
            QuestionStatus::Locked => "non modifiable",
        }
    }

    /// The classes of the dot in the tree: red, green or grey.
    pub fn dot_class(self) -> &'static str {
        match self {
            QuestionStatus::ToFill => "tree__dot tree__dot--red",
            QuestionStatus::Filled => "tree__dot tree__dot--green",
            QuestionStatus::Locked => "tree__dot tree__dot--grey",
        }
    }

    /// What a screen reader says before the question's title: "à saisir : ".
    pub fn spoken_prefix(self) -> &'static str {
        match self {
            QuestionStatus::ToFill => "à saisir : ",
            QuestionStatus::Filled => "saisi : ",
            QuestionStatus::Locked => "non modifiable : ",
        }
    }

    /// Its name in an address: after a save, the panel's address tells the tree the new status.
    pub fn code(self) -> &'static str {
        match self {
            QuestionStatus::ToFill => "a-saisir",
            QuestionStatus::Filled => "saisi",
            QuestionStatus::Locked => "non-modifiable",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [QuestionStatus::ToFill, QuestionStatus::Filled, QuestionStatus::Locked]
            .into_iter()
            .find(|status| status.code() == code)
    }
}

/// A question is answered when it is marked "Non concerné" or has an achieved value.
pub fn is_answered(not_concerned: bool, achieved: Option<&str>) -> bool {
    not_concerned || achieved.is_some_and(|value| !value.trim().is_empty())
}

/// [`is_answered`] as a condition on table `answers`, to count an evaluation's answered questions
/// in one query (`figures`). Saved values are trimmed and never blank (`values::parse_achieved`);
/// the test below holds the two forms of the rule together.
pub const ANSWERED_IN_SQL: &str = r#"("answers"."not_concerned" OR TRIM(COALESCE("answers"."achieved", '')) <> '')"#;

/// Whether an answer reaches its question's target ("Cible"), as the follow-up's charts count it:
/// a Oui/Non question answered as its target says ("1 - OUI" reads as Oui; no target means Oui),
/// a number or a percentage at least equal to its target. `None` when it cannot be judged: not
/// answered, "Non concerné", a text question, or a number whose target is not one.
pub fn reaches_target(
    kind: crate::vocabulary::ValueKind,
    target: Option<&str>,
    not_concerned: bool,
    achieved: Option<&str>,
) -> Option<bool> {
    use super::values::decimal_value;
    use crate::vocabulary::ValueKind;

    let achieved = achieved.map(str::trim).filter(|value| !value.is_empty() && !not_concerned)?;
    match kind {
        ValueKind::YesNo => {
            let words = |text: &str| text.to_uppercase().split(|c: char| !c.is_alphabetic()).any(|word| word == "NON");
            let wanted_no = target.is_some_and(words);
            let said_no = words(achieved);
            let said_yes = achieved.eq_ignore_ascii_case("oui");
            (said_yes || said_no).then_some(said_no == wanted_no)
        }
        ValueKind::Number | ValueKind::Percentage => Some(decimal_value(achieved)? >= decimal_value(target?)?),
        ValueKind::Text => None,
    }
}

/// "Pourcentage de remplissage": answered questions among those the user must answer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FillProgress {
    pub answered: usize,
    pub required: usize,
}

impl FillProgress {
    pub fn from_statuses(statuses: impl IntoIterator<Item = QuestionStatus>) -> Self {
        statuses.into_iter().fold(Self::default(), |mut progress, status| {
            match status {
                QuestionStatus::Filled => {
                    progress.answered += 1;
                    progress.required += 1;
                }
                QuestionStatus::ToFill => progress.required += 1,
                // Grey questions are not the user's to answer: they count neither way.
                QuestionStatus::Locked => {}
            }
            progress
        })
    }

    /// Rounded down, so that 100 % is shown only when nothing is left to answer.
    /// With nothing to answer, the form is complete.
    pub fn percentage(self) -> u8 {
        if self.required == 0 {
            return 100;
        }
        (self.answered * 100 / self.required) as u8
    }

    pub fn is_complete(self) -> bool {
        self.answered == self.required
    }
}

/// "Enregistrer et passer à la suivante": the first question still to answer after `current` in
/// tree order (`statuses` are in that order), starting again from the top past the end.
/// `current` itself is never next, even if it is still to answer.
pub fn next_to_fill(statuses: &[(i32, QuestionStatus)], current: i32) -> Option<i32> {
    let after = statuses.iter().position(|(id, _)| *id == current).map_or(0, |index| index + 1);
    let (before, after) = statuses.split_at(after.min(statuses.len()));
    after
        .iter()
        .chain(before)
        .find(|(id, status)| *status == QuestionStatus::ToFill && *id != current)
        .map(|(id, _)| *id)
}

/// An open evaluation is late when its entry ends within this many days, or has ended (the
/// follow-up's digest lists it).
pub const LATE_WITHIN_DAYS: i64 = 14;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocabulary::ValueKind;
    use QuestionStatus::*;

    #[test]
    fn a_status_is_read_back_from_its_name_in_an_address() {
        for status in [ToFill, Filled, Locked] {
            assert_eq!(QuestionStatus::from_code(status.code()), Some(status));
        }
        assert_eq!(QuestionStatus::from_code("vert"), None);
    }

    #[test]
    fn the_next_question_to_fill_is_after_the_current_one_then_from_the_top() {
        let statuses = [(1, ToFill), (2, Filled), (3, Locked), (4, ToFill), (5, Filled), (6, ToFill)];
        assert_eq!(next_to_fill(&statuses, 2), Some(4), "grey and green ones are skipped");
        assert_eq!(next_to_fill(&statuses, 4), Some(6));
        assert_eq!(next_to_fill(&statuses, 6), Some(1), "past the end, from the top again");
        assert_eq!(next_to_fill(&statuses, 99), Some(1), "an unknown question: from the top");
        assert_eq!(next_to_fill(&[(1, ToFill), (2, Filled)], 1), None, "the current question is never next");
        assert_eq!(next_to_fill(&[(1, Filled), (2, Locked)], 1), None, "nothing left");
        assert_eq!(next_to_fill(&[], 1), None);
    }

    #[test]
    fn targets_are_reached_by_the_same_answer_or_at_least_the_number() {
        let reach = |kind, target, not_concerned, achieved| reaches_target(kind, target, not_concerned, achieved);
        assert_eq!(reach(ValueKind::YesNo, Some("1 - OUI"), false, Some("Oui")), Some(true));
        assert_eq!(reach(ValueKind::YesNo, Some("1 - OUI"), false, Some("Non")), Some(false));
        assert_eq!(reach(ValueKind::YesNo, Some("Non"), false, Some("Non")), Some(true));
        assert_eq!(reach(ValueKind::YesNo, None, false, Some("Oui")), Some(true));
        assert_eq!(reach(ValueKind::YesNo, None, true, None), None, "not concerned");
        assert_eq!(reach(ValueKind::YesNo, None, false, None), None, "not answered");
        assert_eq!(reach(ValueKind::Percentage, Some("75"), false, Some("80,5")), Some(true));
        assert_eq!(reach(ValueKind::Percentage, Some("75 %"), false, Some("74,9")), Some(false));
        assert_eq!(reach(ValueKind::Number, Some("3"), false, Some("3")), Some(true));
        assert_eq!(reach(ValueKind::Number, Some("Cible régionale"), false, Some("3")), None);
        assert_eq!(reach(ValueKind::Number, None, false, Some("3")), None);
        assert_eq!(reach(ValueKind::Text, Some("Plan"), false, Some("Plan")), None);
    }

    #[test]
    fn screen_readers_hear_the_status_the_tooltip_shows() {
        for status in [ToFill, Filled, Locked] {
            assert_eq!(status.spoken_prefix(), format!("{} : ", status.label()));
        }
    }

    #[test]
    fn not_concerned_counts_as_answered_even_without_value() {
        assert!(is_answered(true, None));
        assert!(is_answered(true, Some("")));
    }

    #[test]
    fn a_blank_value_is_not_an_answer() {
        assert!(!is_answered(false, None));
        assert!(!is_answered(false, Some("   ")));
        assert!(is_answered(false, Some("0")));
    }

    #[test]
    fn status_follows_editability_then_answer() {
        assert_eq!(QuestionStatus::of(false, true), Locked);
        assert_eq!(QuestionStatus::of(false, false), Locked);
        assert_eq!(QuestionStatus::of(true, false), ToFill);
        assert_eq!(QuestionStatus::of(true, true), Filled);
    }

    #[test]
    fn grey_questions_are_excluded_from_the_percentage() {
        let progress = FillProgress::from_statuses([Filled, ToFill, Locked, Locked]);
        assert_eq!(progress, FillProgress { answered: 1, required: 2 });
        assert_eq!(progress.percentage(), 50);
    }

    #[test]
    fn not_concerned_questions_raise_the_percentage() {
        let answered = QuestionStatus::of(true, is_answered(true, None));
        let progress = FillProgress::from_statuses([answered, ToFill, ToFill, ToFill]);
        assert_eq!(progress.percentage(), 25);
    }

    #[test]
    fn percentage_is_rounded_down_so_100_means_complete() {
        let mut statuses = vec![Filled; 199];
        statuses.push(ToFill);
        let progress = FillProgress::from_statuses(statuses);
        assert_eq!(progress.percentage(), 99);
        assert!(!progress.is_complete());
    }

    #[test]
    fn only_grey_questions_means_complete() {
        let progress = FillProgress::from_statuses([Locked, Locked]);
        assert_eq!(progress.percentage(), 100);
        assert!(progress.is_complete());
        assert_eq!(FillProgress::from_statuses([Filled, Filled]).percentage(), 100);
        assert_eq!(FillProgress::from_statuses([ToFill]).percentage(), 0);
    }
}
