//! "Questions à saisir uniquement" and "Rechercher une question": which questions of the tree
//! are shown. Plain Rust shared by the server (the tree it renders, also without JavaScript) and
//! the island (as the user types), so that both always show the same questions.

use super::rules::QuestionStatus;
use crate::text::folded;

/// Query parameters of the filter, so that it survives a reload and works without JavaScript.
pub const TO_FILL_PARAM: &str = "a_saisir";
pub const SEARCH_PARAM: &str = "recherche";
/// What an address of the tree keeps of the filter when it moves to another question.
pub const PARAMS: [&str; 2] = [TO_FILL_PARAM, SEARCH_PARAM];
/// Longer searches are cut: a question's code and a few words are far shorter.
pub const MAX_SEARCH_CHARS: usize = 100;

/// The filter as the user set it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TreeFilter {
    pub to_fill_only: bool,
    /// As typed, shown back in the field.
    pub search: String,
}

impl TreeFilter {
    pub fn new(to_fill_only: bool, search: &str) -> Self {
        TreeFilter { to_fill_only, search: search.chars().take(MAX_SEARCH_CHARS).collect() }
    }

    /// The filter an address keeps, `param` giving the value of each of its query parameters.
    pub fn from_query(param: impl Fn(&str) -> Option<String>) -> Self {
        Self::new(param(TO_FILL_PARAM).is_some(), &param(SEARCH_PARAM).unwrap_or_default())
    }

    /// The names and values that keep this filter in an address.
    pub fn pairs(&self) -> Vec<(&'static str, &str)> {
        let mut pairs = Vec::new();
        if self.to_fill_only {
            pairs.push((TO_FILL_PARAM, "1"));
        }
        if !self.search.trim().is_empty() {
            pairs.push((SEARCH_PARAM, self.search.trim()));
        }
        pairs
    }

    /// The same as `name=value`, percent-encoded.
    pub fn query(&self) -> Vec<String> {
        self.pairs()
            .into_iter()
            .map(|(name, value)| format!("{name}={}", crate::routes::percent_encode(value)))
            .collect()
    }

    pub fn matcher(&self) -> TreeMatcher {
        TreeMatcher {
            to_fill_only: self.to_fill_only,
            words: folded(&self.search).split_whitespace().map(str::to_owned).collect(),
        }
    }
}

/// The filter, ready to be tried on each question.
pub struct TreeMatcher {
    to_fill_only: bool,
    /// Lowercase, without accents.
    words: Vec<String>,
}

impl TreeMatcher {
    /// Whether the filter leaves every question in view.
    pub fn shows_all(&self) -> bool {
        !self.to_fill_only && self.words.is_empty()
    }

    /// Whether a question is shown: still to answer when only those are wanted, and every word
    /// searched found in its code and label or in those of the objectives above it (so that
    /// "1.2" shows everything under objective 1.2).
    pub fn shows(&self, status: QuestionStatus, question_title: &str, objective_titles: &[&str]) -> bool {
        if self.to_fill_only && status != QuestionStatus::ToFill {
            return false;
        }
        if self.words.is_empty() {
            return true;
        }
        let text: String = std::iter::once(question_title)
            .chain(objective_titles.iter().copied())
            .map(folded)
            .collect::<Vec<_>>()
            .join("\n");
        self.words.iter().all(|word| text.contains(word.as_str()))
    }
}

/// "12 questions affichées sur 520", said to screen readers as the filter changes.
pub fn shown_count_text(shown: usize, total: usize) -> String {
    match shown {
        0 => "Aucune question ne correspond à ce filtre.".to_owned(),
        1 => format!("1 question affichée sur {total}"),
        _ => format!("{shown} questions affichées sur {total}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use QuestionStatus::*;

    #[test]
    fn only_the_questions_still_to_answer() {
        let matcher = TreeFilter::new(true, "").matcher();
        assert!(matcher.shows(ToFill, "1.1.a - Taux", &[]));
        assert!(!matcher.shows(Filled, "1.1.a - Taux", &[]));
        assert!(!matcher.shows(Locked, "1.1.a - Taux", &[]), "grey ones are not the user's to answer");
        assert!(!matcher.shows_all());
    }

    #[test]
    fn words_are_found_whatever_their_accents_case_and_order() {
        let matcher = TreeFilter::new(false, "  REEVALUATION  antibiotiques ").matcher();
        assert!(matcher.shows(Filled, "2.1.b - Taux de réévaluation des antibiotiques à 72 h", &[]));
        assert!(
            matcher.shows(Locked, "2.1.b - Réévaluation", &["2.1 - Bon usage des Antibiotiques"]),
            "in its objective"
        );
        assert!(!matcher.shows(ToFill, "2.1.b - Réévaluation", &[]), "every word must be found");
        assert!(TreeFilter::new(false, "é").matcher().shows(ToFill, "Présence", &[]));
    }

    #[test]
    fn a_code_shows_the_questions_under_it() {
        let matcher = TreeFilter::new(false, "1.2").matcher();
        assert!(matcher.shows(ToFill, "a - Sans code propre", &["1.2 - Objectif"]));
        assert!(!matcher.shows(ToFill, "1.3.a - Autre", &["1.3 - Objectif"]));
    }

    #[test]
    fn no_filter_shows_everything_and_leaves_the_address_alone() {
        let filter = TreeFilter::new(false, "   ");
        assert!(filter.matcher().shows_all());
        assert!(filter.query().is_empty());
    }

    #[test]
    fn the_filter_is_kept_in_the_address_and_read_back() {
        let filter = TreeFilter::new(true, "taux & délai");
        assert_eq!(filter.query(), ["a_saisir=1", "recherche=taux%20%26%20d%C3%A9lai"]);
        let query = [(TO_FILL_PARAM, "1"), (SEARCH_PARAM, "taux & délai")];
        let param = |name: &str| query.iter().find(|(key, _)| *key == name).map(|(_, value)| (*value).to_owned());
        assert_eq!(TreeFilter::from_query(param), filter);
        let long = "x".repeat(1000);
        assert_eq!(TreeFilter::new(false, &long).search.len(), MAX_SEARCH_CHARS, "a search is cut, never refused");
    }

    #[test]
    fn the_count_is_said_in_french() {
        assert_eq!(shown_count_text(0, 520), "Aucune question ne correspond à ce filtre.");
        assert_eq!(shown_count_text(1, 520), "1 question affichée sur 520");
        assert_eq!(shown_count_text(12, 520), "12 questions affichées sur 520");
    }
}
