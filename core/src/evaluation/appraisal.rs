//! The agency's evaluation of an indicator: which way the indicator improves ("Sens"), its weight
//! in the score ("Poids"), the appreciation proposed from the retained value and the target, and
//! the score. One rule for the appraisal page, its live score in the browser, the letters and the
//! follow-up's charts.

use serde::{Deserialize, Serialize};

use super::rules::reaches_target;
use crate::text::folded;
use crate::vocabulary::ValueKind;

/// Which way an indicator improves: "plus haut est mieux" (the default: a rate of compliant
/// prescriptions) or "plus bas est mieux" (a rate of readmissions).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "database", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "database", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum Direction {
    #[default]
    #[cfg_attr(feature = "database", sea_orm(string_value = "plus_haut"))]
    HigherIsBetter,
    #[cfg_attr(feature = "database", sea_orm(string_value = "plus_bas"))]
    LowerIsBetter,
}

impl Direction {
    pub fn label(self) -> &'static str {
        match self {
            Direction::HigherIsBetter => "plus haut est mieux",
            Direction::LowerIsBetter => "plus bas est mieux",
        }
    }

    /// The "Sens" column of a referential: empty for the default, else "plus haut" or "plus bas"
    /// (accents, case and "est mieux" optional).
    pub fn parse(input: &str) -> Result<Self, String> {
        let words = folded(input);
        let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
        match words.strip_suffix(" est mieux").unwrap_or(&words) {
            "" | "plus haut" | "haut" => Ok(Direction::HigherIsBetter),
            "plus bas" | "bas" => Ok(Direction::LowerIsBetter),
            _ => Err(format!(
                "sens « {} » inconnu : « plus haut est mieux », « plus bas est mieux » ou vide (plus haut)",
                input.trim().chars().take(30).collect::<String>()
            )),
        }
    }
}

/// Whether a value meets its target, the indicator improving in `direction`: a Oui/Non question
/// answered as its target says, a number or a percentage at least (or, lower being better, at
/// most) its target. `None` when it cannot be judged: no value, "Non concerné", a text question,
/// or a target that is not a number.
pub fn meets_target(
    kind: ValueKind,
    target: Option<&str>,
    direction: Direction,
    not_concerned: bool,
    value: Option<&str>,
) -> Option<bool> {
    let at_least = reaches_target(kind, target, not_concerned, value)?;
    match (kind, direction) {
        // At most the target: the target at least the value.
        (ValueKind::Number | ValueKind::Percentage, Direction::LowerIsBetter) => {
            reaches_target(kind, value, false, target)
        }
        _ => Some(at_least),
    }
}

/// An appreciation on the referential version's scale (the default one: Atteint 1 point,
/// Partiellement atteint 0,5, Non atteint 0, Non évaluable left out of the score).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "database", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "database", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum Appreciation {
    #[cfg_attr(feature = "database", sea_orm(string_value = "atteint"))]
    Reached,
    #[cfg_attr(feature = "database", sea_orm(string_value = "partiel"))]
    PartlyReached,
    #[cfg_attr(feature = "database", sea_orm(string_value = "non_atteint"))]
    NotReached,
    #[cfg_attr(feature = "database", sea_orm(string_value = "non_evaluable"))]
    NotAssessable,
}

impl Appreciation {
    pub const ALL: [Appreciation; 4] =
        [Appreciation::Reached, Appreciation::PartlyReached, Appreciation::NotReached, Appreciation::NotAssessable];

    pub fn label(self) -> &'static str {
        match self {
            Appreciation::Reached => "Atteint",
            Appreciation::PartlyReached => "Partiellement atteint",
            Appreciation::NotReached => "Non atteint",
            Appreciation::NotAssessable => "Non évaluable",
        }
    }

    /// The value of a form's field.
    pub fn code(self) -> &'static str {
        match self {
            Appreciation::Reached => "atteint",
            Appreciation::PartlyReached => "partiel",
            Appreciation::NotReached => "non_atteint",
            Appreciation::NotAssessable => "non_evaluable",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|appreciation| appreciation.code() == code)
    }

    /// Its points, in halves of a point; `None`: left out of the score.
    pub fn half_points(self) -> Option<u64> {
        match self {
            Appreciation::Reached => Some(2),
            Appreciation::PartlyReached => Some(1),
            Appreciation::NotReached => Some(0),
            Appreciation::NotAssessable => None,
        }
    }

    /// "1 point", "0,5 point", "0 point", "hors score".
    pub fn points_label(self) -> &'static str {
        match self {
            Appreciation::Reached => "1 point",
            Appreciation::PartlyReached => "0,5 point",
            Appreciation::NotReached => "0 point",
            Appreciation::NotAssessable => "hors score",
        }
    }
}

/// The appreciation proposed for a retained value: Atteint when it meets the target, Non atteint
/// when it does not, Non évaluable when it cannot be judged. "Partiellement atteint" is the
/// agency's own call, never proposed.
pub fn proposed_appreciation(
    kind: ValueKind,
    target: Option<&str>,
    direction: Direction,
    not_concerned: bool,
    retained: Option<&str>,
) -> Appreciation {
    match meets_target(kind, target, direction, not_concerned, retained) {
        Some(true) => Appreciation::Reached,
        Some(false) => Appreciation::NotReached,
        None => Appreciation::NotAssessable,
    }
}

/// An indicator's weight in the score ("Poids"), in hundredths: "1" is 100, "2,5" is 250.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
#[cfg_attr(feature = "database", derive(sea_orm::DeriveValueType))]
pub struct Weight(i32);

impl Default for Weight {
    /// Equal weights unless the referential says otherwise.
    fn default() -> Self {
        Weight(100)
    }
}

impl Weight {
    /// The largest weight a referential may give, so that no score can overflow.
    pub const MAX_HUNDREDTHS: i32 = 100_000;

    pub fn from_hundredths(hundredths: i32) -> Option<Self> {
        (1..=Self::MAX_HUNDREDTHS).contains(&hundredths).then_some(Weight(hundredths))
    }

    pub fn hundredths(self) -> i32 {
        self.0
    }

    /// In hundredths, for sums: never negative.
    fn units(self) -> u64 {
        u64::from(self.0.unsigned_abs())
    }

    /// The "Poids" column: empty for 1, else a number greater than 0 and at most 1 000, with two
    /// decimals at most ("2", "0,5", "1.25").
    pub fn parse(input: &str) -> Result<Self, String> {
        let input = input.trim();
        if input.is_empty() {
            return Ok(Weight::default());
        }
        let shown: String = input.chars().take(30).collect();
        let refused =
            || format!("poids « {shown} » invalide : un nombre supérieur à 0 et au plus 1 000, deux décimales au plus");
        let compact: String = input.chars().filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}')).collect();
        let (whole, fraction) = compact.split_once([',', '.']).unwrap_or((&compact, ""));
        let digits = |part: &str| part.chars().all(|c| c.is_ascii_digit());
        if whole.is_empty() || whole.len() > 4 || fraction.len() > 2 || !digits(whole) || !digits(fraction) {
            return Err(refused());
        }
        let whole: i32 = whole.parse().map_err(|_| refused())?;
        let fraction: i32 = format!("{fraction:0<2}").parse().map_err(|_| refused())?;
        Weight::from_hundredths(whole * 100 + fraction).ok_or_else(refused)
    }
}

impl std::fmt::Display for Weight {
    /// "1", "2,5", "0,25", as French users write it.
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&decimal(self.units(), 100))
    }
}

/// The score of an evaluation: the points of its appraised questions, weighted, out of the
/// points they could have earned. Questions not appraised yet and those "Non évaluable" are out.
/// Kept exact (in 200ths of a point) and rounded once, when shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Score {
    /// Earned, in 200ths of a point (a half point times a weight in hundredths).
    earned: u64,
    /// The most that could be earned, in the same unit.
    possible: u64,
}

impl Score {
    pub fn of(appraised: impl IntoIterator<Item = (Appreciation, Weight)>) -> Self {
        appraised.into_iter().fold(Score::default(), |score, (appreciation, weight)| match appreciation.half_points() {
            Some(halves) => {
                Score { earned: score.earned + halves * weight.units(), possible: score.possible + 2 * weight.units() }
            }
            None => score,
        })
    }

    /// Whether any question counts in it.
    pub fn is_empty(self) -> bool {
        self.possible == 0
    }

    /// "14,5": the points earned, two decimals at most.
    pub fn points(self) -> String {
        decimal(self.earned, 200)
    }

    /// "20": the points that could be earned.
    pub fn out_of(self) -> String {
        decimal(self.possible, 200)
    }

    /// The share earned, in tenths of a percent, rounded half up (725 is 72,5 %).
    pub fn per_mille(self) -> u64 {
        match self.possible {
            0 => 0,
            possible => (self.earned * 2000 + possible) / (2 * possible),
        }
    }

    /// "72,5 %".
    pub fn percentage(self) -> String {
        format!("{} %", decimal(self.per_mille(), 10))
    }

    /// "14,5 points sur 20 (72,5 %)", or why there is none yet.
    pub fn summary(self) -> String {
        if self.is_empty() {
            return "Aucun indicateur apprécié ne compte dans le score.".to_owned();
        }
        let points = self.points();
        let unit = if self.earned < 400 { "point" } else { "points" };
        format!("{points} {unit} sur {} ({})", self.out_of(), self.percentage())
    }
}

/// The agency's appraisal of a question, as its panel shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppraisalView {
    /// "Valeur retenue"; none when the question cannot be evaluated.
    pub retained_value: Option<String>,
    /// "Appréciation de l'agence".
    pub appreciation: Appreciation,
    /// "Commentaire de l'agence".
    pub comment: Option<String>,
    /// Sent back when saving, so that an appraisal saved meanwhile by someone else is not overwritten.
    pub version: i32,
    pub updated_at: String,
    pub updated_by: Option<String>,
}

/// What an appraiser typed, checked: an appreciation on the scale, a retained value of the
/// question's kind (which only "Non évaluable" may leave empty) and an optional comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppraisalValue {
    pub retained_value: Option<String>,
    pub appreciation: Appreciation,
    pub comment: Option<String>,
}

impl AppraisalValue {
    /// A national indicator's value may be a rate of change, below 0 % or above 100 %.
    pub fn parse(
        kind: ValueKind,
        national: bool,
        retained: &str,
        appreciation: &str,
        comment: &str,
    ) -> Result<Self, String> {
        let appreciation = Appreciation::from_code(appreciation.trim())
            .ok_or_else(|| "Veuillez choisir l'appréciation de l'agence.".to_owned())?;
        let retained = retained.trim();
        let retained_value = match (retained.is_empty(), appreciation) {
            (true, Appreciation::NotAssessable) => None,
            (true, _) => {
                return Err("Veuillez renseigner la valeur retenue, ou choisir « Non évaluable ».".to_owned());
            }
            (false, _) if national => Some(super::values::parse_national_value(kind, retained)?),
            (false, _) => Some(super::values::parse_achieved(kind, retained)?),
        };
        Ok(AppraisalValue { retained_value, appreciation, comment: super::values::parse_comment(comment)? })
    }
}

/// `amount / unit` written in French with the decimals it needs, rounded half up to hundredths.
fn decimal(amount: u64, unit: u64) -> String {
    let hundredths = (amount * 100 * 2 + unit) / (2 * unit);
    let (whole, fraction) = (hundredths / 100, hundredths % 100);
    match fraction {
        0 => crate::text::thousands(whole),
        _ if fraction % 10 == 0 => format!("{},{}", crate::text::thousands(whole), fraction / 10),
        _ => format!("{},{fraction:02}", crate::text::thousands(whole)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Appreciation::*;

    #[test]
    fn the_direction_is_read_from_the_referential_whatever_its_accents_and_case() {
        assert_eq!(Direction::parse(""), Ok(Direction::HigherIsBetter));
        assert_eq!(Direction::parse("Plus haut est mieux"), Ok(Direction::HigherIsBetter));
        assert_eq!(Direction::parse("  PLUS   BAS "), Ok(Direction::LowerIsBetter));
        assert_eq!(Direction::parse("bas"), Ok(Direction::LowerIsBetter));
        assert!(Direction::parse("croissant").unwrap_err().contains("« croissant » inconnu"));
    }

    #[test]
    fn lower_is_better_meets_its_target_at_or_below_it() {
        let meets = |target, value| {
            meets_target(ValueKind::Percentage, Some(target), Direction::LowerIsBetter, false, Some(value))
        };
        assert_eq!(meets("10", "8,5"), Some(true));
        assert_eq!(meets("10", "10"), Some(true));
        assert_eq!(meets("10 %", "10,1"), Some(false));
        let higher = |target, value| {
            meets_target(ValueKind::Number, Some(target), Direction::HigherIsBetter, false, Some(value))
        };
        assert_eq!(higher("10", "10"), Some(true));
        assert_eq!(higher("10", "9"), Some(false));
        // Oui/Non and text questions have no direction.
        assert_eq!(
            meets_target(ValueKind::YesNo, Some("1 - OUI"), Direction::LowerIsBetter, false, Some("Oui")),
            Some(true)
        );
        assert_eq!(meets_target(ValueKind::Text, Some("Plan"), Direction::LowerIsBetter, false, Some("Plan")), None);
    }

    #[test]
    fn the_proposal_follows_the_target_and_never_guesses() {
        let propose =
            |target, direction, value| proposed_appreciation(ValueKind::Percentage, target, direction, false, value);
        assert_eq!(propose(Some("80"), Direction::HigherIsBetter, Some("85")), Reached);
        assert_eq!(propose(Some("80"), Direction::HigherIsBetter, Some("79,9")), NotReached);
        assert_eq!(propose(Some("5"), Direction::LowerIsBetter, Some("7")), NotReached);
        assert_eq!(propose(None, Direction::HigherIsBetter, Some("85")), NotAssessable, "no target");
        assert_eq!(propose(Some("80"), Direction::HigherIsBetter, None), NotAssessable, "no value");
        assert_eq!(proposed_appreciation(ValueKind::YesNo, None, Direction::HigherIsBetter, true, None), NotAssessable);
    }

    #[test]
    fn weights_are_decimals_with_two_places_at_most() {
        assert_eq!(Weight::parse(""), Ok(Weight::default()));
        assert_eq!(Weight::parse("2,5").map(Weight::hundredths), Ok(250));
        assert_eq!(Weight::parse("0.25").map(Weight::hundredths), Ok(25));
        assert_eq!(Weight::parse("1 000").map(Weight::hundredths), Ok(100_000));
        for refused in ["0", "0,00", "-1", "1,255", "abc", "1001", "1e3", ",5", "99999999999"] {
            assert!(Weight::parse(refused).is_err(), "{refused}");
        }
        assert_eq!(Weight::parse("2,50").map(|weight| weight.to_string()), Ok("2,5".to_owned()));
        assert_eq!(Weight::parse("0,25").map(|weight| weight.to_string()), Ok("0,25".to_owned()));
    }

    #[test]
    fn the_score_weighs_points_and_leaves_out_what_cannot_be_judged() {
        let one = Weight::default();
        let score = Score::of([(Reached, one), (PartlyReached, one), (NotReached, one), (NotAssessable, one)]);
        assert_eq!(score.summary(), "1,5 point sur 3 (50 %)");
        let weighted = Score::of([(Reached, Weight(300)), (NotReached, Weight(100))]);
        assert_eq!(weighted.summary(), "3 points sur 4 (75 %)");
        assert_eq!(Score::of([(Reached, one), (NotReached, one), (NotReached, one)]).percentage(), "33,3 %");
        assert_eq!(
            Score::of([(Reached, one), (Reached, one), (NotReached, one)]).percentage(),
            "66,7 %",
            "rounded once, half up"
        );
        assert_eq!(Score::of([(PartlyReached, Weight(25))]).summary(), "0,13 point sur 0,25 (50 %)");
        assert!(Score::of([(NotAssessable, one)]).is_empty());
        assert_eq!(Score::default().summary(), "Aucun indicateur apprécié ne compte dans le score.");
    }

    #[test]
    fn an_appraisal_needs_an_appreciation_and_a_retained_value_unless_not_assessable() {
        let parse =
            |kind, national, retained, appreciation| AppraisalValue::parse(kind, national, retained, appreciation, "");
        assert_eq!(
            parse(ValueKind::Percentage, false, " 12.5 ", "atteint"),
            Ok(AppraisalValue { retained_value: Some("12,5".into()), appreciation: Reached, comment: None })
        );
        assert_eq!(parse(ValueKind::YesNo, false, "", "non_evaluable").map(|value| value.retained_value), Ok(None));
        assert!(parse(ValueKind::YesNo, false, "", "atteint").unwrap_err().contains("valeur retenue"));
        assert!(parse(ValueKind::YesNo, false, "Oui", "").unwrap_err().contains("appréciation"));
        assert!(parse(ValueKind::YesNo, false, "Oui", "excellent").unwrap_err().contains("appréciation"));
        assert!(parse(ValueKind::Number, false, "beaucoup", "atteint").is_err());
        // A national rate of change may be negative; a percentage the establishment reports may not.
        assert!(parse(ValueKind::Percentage, false, "-4,5", "non_atteint").is_err());
        assert_eq!(
            parse(ValueKind::Percentage, true, "-4,5", "non_atteint").map(|value| value.retained_value),
            Ok(Some("-4,5".into()))
        );
        let long = "x".repeat(20_000);
        assert!(AppraisalValue::parse(ValueKind::YesNo, false, "Oui", "atteint", &long).is_err());
    }
}
