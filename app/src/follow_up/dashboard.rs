//! "Suivi de la campagne": one row per evaluation of a campaign year that the agency user
//! follows, with its fill percentage (the tree's own rule), contacts, documents, last change and
//! closing. The filter, the sort and the page are all in the address (a plain GET form and plain
//! links: a view can be bookmarked and works without the WASM); choosing the rows is plain Rust,
//! applied by the server to every evaluation of the year in the viewer's reach.

use std::cmp::Ordering;

use ecars_core::evaluation::rules::FillProgress;
use ecars_core::text::folded;
use serde::{Deserialize, Serialize};

use crate::contracts::{ContractKind, Phase};

/// The page's title and menu entry.
pub const TITLE: &str = "Suivi de la campagne";

pub const YEAR_PARAM: &str = "annee";
pub const KIND_PARAM: &str = "type";
pub const STATE_PARAM: &str = "etat";
/// "En retard": not closed and filled below this percentage.
pub const LATE_PARAM: &str = "retard";
pub const DEPARTEMENT_PARAM: &str = "departement";
pub const SEARCH_PARAM: &str = "recherche";
/// One contract's evaluation alone (its export, from the contract page).
pub const CONTRACT_PARAM: &str = "contrat";
pub const SORT_PARAM: &str = "tri";
pub const ORDER_PARAM: &str = "ordre";
pub const PAGE_PARAM: &str = "page";
/// Rows per page.
pub const PAGE_SIZE: usize = 50;
pub const MAX_SEARCH_CHARS: usize = 100;

/// Where an evaluation stands in its campaign, as the counts above the table say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FollowUpState {
    /// Closed ("Consultation").
    Closed,
    /// Open, with at least one question answered by the establishment.
    InProgress,
    /// Open, nothing answered yet.
    NotStarted,
}

impl FollowUpState {
    pub const ALL: [FollowUpState; 3] = [FollowUpState::Closed, FollowUpState::InProgress, FollowUpState::NotStarted];

    pub fn of(phase: Phase, progress: FillProgress) -> Self {
        match phase {
            Phase::AutoEvaluation if progress.answered > 0 => FollowUpState::InProgress,
            Phase::AutoEvaluation => FollowUpState::NotStarted,
            _ => FollowUpState::Closed,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            FollowUpState::Closed => "cloturee",
            FollowUpState::InProgress => "en-cours",
            FollowUpState::NotStarted => "non-commencee",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        FollowUpState::ALL.into_iter().find(|state| state.code() == code.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            FollowUpState::Closed => "Clôturée",
            FollowUpState::InProgress => "En cours",
            FollowUpState::NotStarted => "Non commencée",
        }
    }

    /// "12 clôturées", "1 en cours".
    pub fn counted(self, count: usize) -> String {
        let word = match (self, count > 1) {
            (FollowUpState::Closed, false) => "clôturée",
            (FollowUpState::Closed, true) => "clôturées",
            (FollowUpState::InProgress, _) => "en cours",
            (FollowUpState::NotStarted, false) => "non commencée",
            (FollowUpState::NotStarted, true) => "non commencées",
        };
        format!("{count} {word}")
    }
}

/// The columns of the table, each sortable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Column {
    #[default]
    LegalEntity,
    Departement,
    Contract,
    Phase,
    Fill,
    Contacts,
    Documents,
    Modified,
    Closed,
}

impl Column {
    pub const ALL: [Column; 9] = [
        Column::LegalEntity,
        Column::Departement,
        Column::Contract,
        Column::Phase,
        Column::Fill,
        Column::Contacts,
        Column::Documents,
        Column::Modified,
        Column::Closed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Column::LegalEntity => "entite",
            Column::Departement => "departement",
            Column::Contract => "contrat",
            Column::Phase => "phase",
            Column::Fill => "remplissage",
            Column::Contacts => "contacts",
            Column::Documents => "documents",
            Column::Modified => "modification",
            Column::Closed => "cloture",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Column::ALL.into_iter().find(|column| column.code() == code.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            Column::LegalEntity => "Entité juridique",
            Column::Departement => "Département",
            Column::Contract => "Contrat",
            Column::Phase => "Phase",
            Column::Fill => "Pourcentage de remplissage",
            Column::Contacts => "Contacts obligatoires mis à jour",
            Column::Documents => "Documents",
            Column::Modified => "Dernière modification",
            Column::Closed => "Clôturé le",
        }
    }

    /// Figures and dates are first wanted from the largest or latest.
    fn first_descending(self) -> bool {
        matches!(self, Column::Fill | Column::Contacts | Column::Documents | Column::Modified | Column::Closed)
    }
}

/// What the page shows: a campaign year, filtered, sorted and paged, as the address says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DashboardFilter {
    /// None: the latest year with evaluations.
    pub year: Option<i32>,
    pub kind: Option<ContractKind>,
    pub state: Option<FollowUpState>,
    /// "En retard": not closed and filled below this percentage (1 to 100).
    pub late_below: Option<u8>,
    pub departement: Option<String>,
    /// Part of the legal entity's FINESS number or name, accents and case ignored.
    pub search: String,
    /// One contract only.
    pub contract: Option<i32>,
    pub sort: Column,
    pub descending: bool,
    /// From 1.
    pub page: usize,
}

impl Default for DashboardFilter {
    fn default() -> Self {
        DashboardFilter {
            year: None,
            kind: None,
            state: None,
            late_below: None,
            departement: None,
            search: String::new(),
            contract: None,
            sort: Column::default(),
            descending: Column::default().first_descending(),
            page: 1,
        }
    }
}

impl DashboardFilter {
    /// The filter of an address, its parameters given by `value`; what cannot be read is ignored.
    pub fn from_query(value: impl Fn(&str) -> Option<String>) -> Self {
        let value = |name: &str| value(name).map(|text| text.trim().to_owned()).filter(|text| !text.is_empty());
        let sort = value(SORT_PARAM).and_then(|code| Column::parse(&code)).unwrap_or_default();
        DashboardFilter {
            year: value(YEAR_PARAM).and_then(|year| year.parse().ok()).filter(|year| (2000..=2100).contains(year)),
            kind: value(KIND_PARAM).and_then(|kind| ContractKind::parse(&kind)),
            state: value(STATE_PARAM).and_then(|state| FollowUpState::parse(&state)),
            late_below: value(LATE_PARAM).and_then(|late| late.parse().ok()).filter(|late| (1..=100).contains(late)),
            departement: value(DEPARTEMENT_PARAM)
                .map(|code| code.to_ascii_uppercase())
                .filter(|code| code.len() <= 3 && code.chars().all(|c| c.is_ascii_alphanumeric())),
            search: value(SEARCH_PARAM).unwrap_or_default().chars().take(MAX_SEARCH_CHARS).collect(),
            contract: value(CONTRACT_PARAM).and_then(|id| id.parse().ok()).filter(|id| *id > 0),
            sort,
            descending: match value(ORDER_PARAM).as_deref() {
                Some("desc") => true,
                Some("asc") => false,
                _ => sort.first_descending(),
            },
            page: value(PAGE_PARAM).and_then(|page| page.parse().ok()).filter(|page| *page >= 1).unwrap_or(1),
        }
    }

    /// The same filter as a query string (without the defaults), for links and exports.
    pub fn query(&self) -> String {
        let mut pairs: Vec<String> = Vec::new();
        if let Some(year) = self.year {
            pairs.push(format!("{YEAR_PARAM}={year}"));
        }
        if let Some(kind) = self.kind {
            pairs.push(format!("{KIND_PARAM}={}", kind.label()));
        }
        if let Some(state) = self.state {
            pairs.push(format!("{STATE_PARAM}={}", state.code()));
        }
        if let Some(late) = self.late_below {
            pairs.push(format!("{LATE_PARAM}={late}"));
        }
        if let Some(departement) = &self.departement {
            pairs.push(format!("{DEPARTEMENT_PARAM}={departement}"));
        }
        if !self.search.is_empty() {
            pairs.push(format!("{SEARCH_PARAM}={}", ecars_core::routes::percent_encode(&self.search)));
        }
        if let Some(contract) = self.contract {
            pairs.push(format!("{CONTRACT_PARAM}={contract}"));
        }
        if self.sort != Column::default() || self.descending != self.sort.first_descending() {
            pairs.push(format!("{SORT_PARAM}={}", self.sort.code()));
            pairs.push(format!("{ORDER_PARAM}={}", if self.descending { "desc" } else { "asc" }));
        }
        if self.page > 1 {
            pairs.push(format!("{PAGE_PARAM}={}", self.page));
        }
        pairs.join("&")
    }

    /// The address of the page with this filter.
    pub fn href(&self) -> String {
        self.address(ecars_core::routes::FOLLOW_UP_PATH, None)
    }

    /// `path` with this filter in its query, and `extra` (`name=value`) after it.
    pub fn address(&self, path: &str, extra: Option<&str>) -> String {
        let query: Vec<String> =
            [self.query()].into_iter().chain(extra.map(str::to_owned)).filter(|part| !part.is_empty()).collect();
        match query.join("&") {
            query if query.is_empty() => path.to_owned(),
            query => format!("{path}?{query}"),
        }
    }

    /// Sorted by `column`: its natural order first, reversed when it is already sorted by it.
    pub fn sorted_by(&self, column: Column) -> Self {
        let descending = if self.sort == column { !self.descending } else { column.first_descending() };
        DashboardFilter { sort: column, descending, page: 1, ..self.clone() }
    }

    pub fn with_state(&self, state: Option<FollowUpState>) -> Self {
        DashboardFilter { state, page: 1, ..self.clone() }
    }

    pub fn at_page(&self, page: usize) -> Self {
        DashboardFilter { page, ..self.clone() }
    }

    /// Whether a row passes every filter but the state (the counts above the table are of these).
    fn keeps_except_state(&self, row: &DashboardRow, search: &str) -> bool {
        self.kind.is_none_or(|kind| row.kind == kind)
            && self.contract.is_none_or(|id| row.contract_id == id)
            && self.departement.as_ref().is_none_or(|code| &row.departement == code)
            && self
                .late_below
                .is_none_or(|below| row.state != FollowUpState::Closed && row.progress.percentage() < below)
            && (search.is_empty()
                || row.finess.to_lowercase().contains(search)
                || folded(&row.legal_entity).contains(search))
    }
}

/// The last change of an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Modification {
    /// "05/12/2026 10:15", in the agency's time zone.
    pub at: String,
    /// Its author's identifier ("compte supprimé" when gone).
    pub by: String,
    /// Seconds since 1970, for sorting.
    pub timestamp: i64,
}

/// One evaluation of the campaign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardRow {
    pub evaluation_id: i32,
    pub contract_id: i32,
    pub finess: String,
    pub legal_entity: String,
    pub departement: String,
    pub kind: ContractKind,
    pub contract: String,
    pub year: i32,
    pub phase: Phase,
    pub state: FollowUpState,
    /// The establishment's questions: answered among those it must answer (grey ones excluded).
    pub progress: FillProgress,
    /// Mandatory contacts confirmed in this evaluation, and how many there are.
    pub contacts_updated: usize,
    pub contacts_mandatory: usize,
    /// Documents on the contract and on this evaluation's questions.
    pub documents: usize,
    pub modified: Option<Modification>,
    /// "Clôturé le" (dd/mm/yyyy) and its timestamp, for sorting.
    pub closed_on: Option<(String, i64)>,
}

impl DashboardRow {
    /// "380780080 - CHU DE GRENOBLE".
    pub fn legal_entity_title(&self) -> String {
        format!("{} - {}", self.finess, self.legal_entity)
    }

    fn compare(&self, other: &Self, column: Column) -> Ordering {
        match column {
            Column::LegalEntity => folded(&self.legal_entity).cmp(&folded(&other.legal_entity)),
            Column::Departement => self.departement.cmp(&other.departement),
            Column::Contract => (self.kind, folded(&self.contract)).cmp(&(other.kind, folded(&other.contract))),
            Column::Phase => self.phase.label().cmp(other.phase.label()),
            Column::Fill => fill_ratio(self.progress).cmp(&fill_ratio(other.progress)),
            Column::Contacts => (self.contacts_mandatory - self.contacts_updated.min(self.contacts_mandatory))
                .cmp(&(other.contacts_mandatory - other.contacts_updated.min(other.contacts_mandatory)))
                .reverse(),
            Column::Documents => self.documents.cmp(&other.documents),
            Column::Modified => {
                self.modified.as_ref().map(|m| m.timestamp).cmp(&other.modified.as_ref().map(|m| m.timestamp))
            }
            Column::Closed => self.closed_on.as_ref().map(|c| c.1).cmp(&other.closed_on.as_ref().map(|c| c.1)),
        }
    }
}

/// A percentage that sorts exactly (99.9 % below 100 %), as parts per million.
fn fill_ratio(progress: FillProgress) -> usize {
    if progress.required == 0 {
        return 1_000_000;
    }
    progress.answered * 1_000_000 / progress.required
}

/// How many evaluations are in each state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StateCounts {
    pub closed: usize,
    pub in_progress: usize,
    pub not_started: usize,
}

impl StateCounts {
    pub fn of(self, state: FollowUpState) -> usize {
        match state {
            FollowUpState::Closed => self.closed,
            FollowUpState::InProgress => self.in_progress,
            FollowUpState::NotStarted => self.not_started,
        }
    }

    fn add(&mut self, state: FollowUpState) {
        match state {
            FollowUpState::Closed => self.closed += 1,
            FollowUpState::InProgress => self.in_progress += 1,
            FollowUpState::NotStarted => self.not_started += 1,
        }
    }

    /// "12 clôturées, 30 en cours, 5 non commencées".
    pub fn summary(self) -> String {
        FollowUpState::ALL.map(|state| state.counted(self.of(state))).join(", ")
    }
}

/// The rows `filter` keeps, sorted, and the counts per state of those it keeps whatever their state.
pub fn select(rows: Vec<DashboardRow>, filter: &DashboardFilter) -> (StateCounts, Vec<DashboardRow>) {
    let search = folded(&filter.search);
    let mut counts = StateCounts::default();
    let mut kept: Vec<DashboardRow> = rows
        .into_iter()
        .filter(|row| filter.keeps_except_state(row, &search))
        .inspect(|row| counts.add(row.state))
        .filter(|row| filter.state.is_none_or(|state| row.state == state))
        .collect();
    kept.sort_by(|a, b| {
        let order = a.compare(b, filter.sort);
        let order = if filter.descending { order.reverse() } else { order };
        // Ties keep one stable order: by legal entity, then contract.
        order.then_with(|| a.compare(b, Column::LegalEntity)).then_with(|| a.contract_id.cmp(&b.contract_id))
    });
    (counts, kept)
}

/// What "Suivi de la campagne" shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    /// The filter applied (the year chosen when the address named none, the page within range).
    pub filter: DashboardFilter,
    /// The campaign years with evaluations in the viewer's reach, latest first.
    pub years: Vec<i32>,
    /// The départements of the year's legal entities.
    pub departements: Vec<String>,
    pub counts: StateCounts,
    /// Rows the filter keeps, over every page.
    pub total: usize,
    /// Of [`PAGE_SIZE`] rows: the filter's page (within range), and how many there are.
    pub pages: usize,
    pub rows: Vec<DashboardRow>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i32, name: &str, phase: Phase, answered: usize, required: usize) -> DashboardRow {
        let progress = FillProgress { answered, required };
        DashboardRow {
            evaluation_id: id,
            contract_id: id,
            finess: format!("38000000{id}"),
            legal_entity: name.to_owned(),
            departement: if id % 2 == 0 { "38".into() } else { "21".into() },
            kind: ContractKind::Caqes,
            contract: format!("CAQES {id}"),
            year: 2022,
            phase,
            state: FollowUpState::of(phase, progress),
            progress,
            contacts_updated: 0,
            contacts_mandatory: 2,
            documents: id as usize,
            modified: None,
            closed_on: None,
        }
    }

    fn rows() -> Vec<DashboardRow> {
        vec![
            row(1, "Hôpital Élise", Phase::AutoEvaluation, 0, 10),
            row(2, "Clinique des Alpes", Phase::AutoEvaluation, 3, 10),
            row(3, "CHU Dijon", Phase::Consultation, 10, 10),
            row(4, "EHPAD Les Tilleuls", Phase::AutoEvaluation, 9, 10),
        ]
    }

    fn ids(rows: &[DashboardRow]) -> Vec<i32> {
        rows.iter().map(|row| row.evaluation_id).collect()
    }

    #[test]
    fn states_come_from_the_phase_and_the_answers() {
        let (counts, all) = select(rows(), &DashboardFilter::default());
        assert_eq!(counts, StateCounts { closed: 1, in_progress: 2, not_started: 1 });
        assert_eq!(counts.summary(), "1 clôturée, 2 en cours, 1 non commencée");
        assert_eq!(
            StateCounts { closed: 12, in_progress: 30, not_started: 5 }.summary(),
            "12 clôturées, 30 en cours, 5 non commencées"
        );
        assert_eq!(ids(&all), [3, 2, 4, 1], "by legal entity, accents ignored");
    }

    #[test]
    fn late_means_open_and_below_the_percentage() {
        let filter = DashboardFilter { late_below: Some(50), ..Default::default() };
        let (counts, late) = select(rows(), &filter);
        assert_eq!(ids(&late), [2, 1]);
        assert_eq!(counts, StateCounts { closed: 0, in_progress: 1, not_started: 1 });
        let filter = DashboardFilter { state: Some(FollowUpState::NotStarted), ..filter };
        let (counts, late) = select(rows(), &filter);
        assert_eq!(ids(&late), [1]);
        assert_eq!(counts.in_progress, 1, "the counts ignore the state filter");
    }

    #[test]
    fn search_and_departement_filter() {
        let filter = DashboardFilter { search: "hopital elise".into(), ..Default::default() };
        assert_eq!(ids(&select(rows(), &filter).1), [1]);
        let filter = DashboardFilter { search: "380000003".into(), ..Default::default() };
        assert_eq!(ids(&select(rows(), &filter).1), [3]);
        let filter = DashboardFilter { departement: Some("38".into()), ..Default::default() };
        assert_eq!(ids(&select(rows(), &filter).1), [2, 4]);
        let filter = DashboardFilter { contract: Some(4), ..Default::default() };
        assert_eq!(ids(&select(rows(), &filter).1), [4]);
    }

    #[test]
    fn every_column_sorts_both_ways() {
        let by_fill = DashboardFilter::default().sorted_by(Column::Fill);
        assert!(by_fill.descending, "the fullest first");
        assert_eq!(ids(&select(rows(), &by_fill).1), [3, 4, 2, 1]);
        let ascending = by_fill.sorted_by(Column::Fill);
        assert_eq!(ids(&select(rows(), &ascending).1), [1, 2, 4, 3]);
        for column in Column::ALL {
            let filter = DashboardFilter::default().sorted_by(column);
            let forward = ids(&select(rows(), &filter).1);
            let back = ids(&select(rows(), &filter.sorted_by(column)).1);
            assert_eq!(forward.len(), 4, "{column:?}");
            if forward != back {
                assert_ne!(forward.first(), back.first(), "{column:?}");
            }
        }
    }

    #[test]
    fn the_address_keeps_the_whole_view() {
        let filter = DashboardFilter {
            year: Some(2022),
            kind: Some(ContractKind::Cpom),
            state: Some(FollowUpState::InProgress),
            late_below: Some(80),
            departement: Some("2A".into()),
            search: "Saint-Étienne & co".into(),
            contract: Some(12),
            sort: Column::Modified,
            descending: false,
            page: 3,
        };
        let query = filter.query();
        let pairs: Vec<(String, String)> = query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .map(|(name, value)| {
                (name.to_owned(), percent_encoding::percent_decode_str(value).decode_utf8_lossy().into_owned())
            })
            .collect();
        let value = |name: &str| pairs.iter().find(|(key, _)| key == name).map(|(_, value)| value.clone());
        assert_eq!(DashboardFilter::from_query(value), filter);
        assert_eq!(DashboardFilter::default().query(), "");
        assert_eq!(DashboardFilter::default().href(), ecars_core::routes::FOLLOW_UP_PATH);
        let garbage = DashboardFilter::from_query(|name| {
            Some(
                match name {
                    PAGE_PARAM => "-2",
                    LATE_PARAM => "250",
                    YEAR_PARAM => "1e9",
                    DEPARTEMENT_PARAM => "<script>",
                    _ => "n'importe quoi",
                }
                .to_owned(),
            )
        });
        assert_eq!(garbage, DashboardFilter { search: "n'importe quoi".into(), ..Default::default() });
    }
}
