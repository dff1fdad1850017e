//! "Graphiques" of the follow-up, for the evaluations the dashboard's filter keeps: how full they
//! are, when they were closed against the entry window, and per objective how often the answers
//! reach their target. Drawn on the server as SVG (no script, nothing to load), each with its
//! figures as a table, which is what screen readers read (the drawing is hidden from them).

use ecars_core::routes::{FOLLOW_UP_CHARTS_PATH, FOLLOW_UP_PATH};
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use super::dashboard::{DashboardFilter, DashboardRow, TITLE};
use crate::layout::forms::page_query;
use crate::layout::{when_loaded, Breadcrumb};

#[cfg(feature = "ssr")]
pub mod server;

/// The page's title.
pub const CHARTS_TITLE: &str = "Graphiques du suivi";

/// One bar: what it counts, and how many.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bar {
    pub label: String,
    pub count: usize,
}

/// The fill percentages by tenths: "0 à 9 %", ..., "90 à 99 %", then "100 %" alone (complete).
pub fn fill_distribution(rows: &[DashboardRow]) -> Vec<Bar> {
    let mut counts = [0usize; 11];
    for row in rows {
        counts[usize::from(row.progress.percentage().min(100) / 10)] += 1;
    }
    counts
        .iter()
        .enumerate()
        .map(|(tenth, count)| Bar {
            label: if tenth == 10 { "100 %".to_owned() } else { format!("{} à {} %", tenth * 10, tenth * 10 + 9) },
            count: *count,
        })
        .collect()
}

/// One week of the campaign, Monday to Sunday.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Week {
    /// Its Monday, "05/12" (the year is the campaign's).
    pub label: String,
    /// "du 05/12/2022 au 11/12/2022".
    pub period: String,
    pub closings: usize,
    /// Closings up to this week included.
    pub cumulated: usize,
    /// At least one of its days is inside the entry window.
    pub in_window: bool,
}

/// Closings per week over the campaign, against its entry window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosingWeeks {
    /// "du 01/03/2022 au 30/06/2022", the widest of the evaluations' windows; none without one.
    pub window: Option<String>,
    pub weeks: Vec<Week>,
    /// Closed evaluations not drawn (their week is beyond the weeks shown).
    pub not_shown: usize,
}

/// Among the answers of an objective's questions that can be judged, how many reach their target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectiveShare {
    pub code: String,
    pub label: String,
    pub judged: usize,
    pub reached: usize,
}

impl ObjectiveShare {
    /// Rounded down, like the fill percentage.
    pub fn percentage(&self) -> usize {
        (self.reached * 100).checked_div(self.judged).unwrap_or(0)
    }
}

/// What the page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Charts {
    /// The filter applied (the year chosen when the address named none).
    pub filter: DashboardFilter,
    /// Evaluations the filter keeps.
    pub total: usize,
    pub fill: Vec<Bar>,
    pub closings: ClosingWeeks,
    pub objectives: Vec<ObjectiveShare>,
}

/// The charts of what `filter` keeps, for an agency user; "not found" for anyone else.
#[server(endpoint = "graphiques_du_suivi", client = crate::accounts::csrf::PortalClient)]
pub async fn follow_up_charts(#[server(default)] filter: DashboardFilter) -> Result<Charts, crate::AppError> {
    let viewer = crate::accounts::access::viewer()?;
    let state = crate::state::AppState::current()?;
    let _slot = state.exports.take(viewer.user_id)?;
    server::charts(&state.db, &viewer, filter).await
}

#[component]
pub fn FollowUpChartsPage() -> impl IntoView {
    let query = page_query();
    let filter = DashboardFilter::from_query(|name| query.get(name));
    let charts = Resource::new(move || filter.clone(), follow_up_charts);
    view! {
        <Title text=CHARTS_TITLE/>
        <Breadcrumb crumbs=vec![(TITLE.to_owned(), Some(FOLLOW_UP_PATH.to_owned())), (CHARTS_TITLE.to_owned(), None)]/>
        <h1>{CHARTS_TITLE}</h1>
        {when_loaded(charts, |charts| view! { <ChartsView charts/> })}
    }
}

#[component]
fn ChartsView(charts: Charts) -> impl IntoView {
    let Charts { filter, total, fill, closings, objectives } = charts;
    let Some(year) = filter.year else {
        return view! { <p>"Aucune évaluation à suivre pour l'instant : aucune campagne n'a été ouverte pour les entités que vous suivez."</p> }
            .into_any();
    };
    let table_href = filter.at_page(1).href();
    view! {
        <p>
            {format!("Campagne {year} : les {total} évaluation(s) retenues par les filtres du suivi. ")}
            <a class="fr-link" href=table_href>"Retour au tableau de suivi"</a>
        </p>
        {if total == 0 {
            view! { <p>"Aucune évaluation ne correspond à ces filtres."</p> }.into_any()
        } else {
            view! {
                <FillChart bars=fill/>
                <ClosingsChart closings/>
                <ObjectivesChart objectives/>
            }
            .into_any()
        }}
    }
    .into_any()
}

/// Width and height of every drawing, in its own units (it is scaled to the page's width).
const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 260.0;
/// Room for the axis labels.
const LEFT: f64 = 40.0;
const BOTTOM: f64 = 40.0;
const TOP: f64 = 16.0;

/// A vertical bar chart: bars of `counts`, labelled below (every `label_every`-th), with the
/// bars of `highlighted` in the main colour and the others in grey.
#[component]
fn VerticalBars(
    labels: Vec<String>,
    counts: Vec<usize>,
    /// Bars whose slot is shaded (the entry window's weeks); none by default.
    #[prop(optional)]
    shaded: Vec<bool>,
    #[prop(default = 1)] label_every: usize,
) -> impl IntoView {
    let max = counts.iter().copied().max().unwrap_or(0).max(1);
    let slots = counts.len().max(1) as f64;
    let slot = (WIDTH - LEFT) / slots;
    let plot = HEIGHT - BOTTOM - TOP;
    let height_of = |count: usize| plot * count as f64 / max as f64;
    // A few bars stay bars, not walls.
    let bar = (slot * 0.7).min(48.0);
    let ticks = [0, max / 2, max];
    view! {
        <svg class="follow-up-chart" viewBox=format!("0 0 {WIDTH} {HEIGHT}") aria-hidden="true" focusable="false"
            preserveAspectRatio="xMidYMid meet">
            {shaded.into_iter().enumerate().filter(|(_, inside)| *inside).map(|(index, _)| view! {
                <rect class="follow-up-chart__window" x=format!("{:.1}", LEFT + slot * index as f64) y=TOP.to_string()
                    width=format!("{:.1}", slot) height=format!("{plot:.1}")/>
            }).collect_view()}
            {ticks.into_iter().map(|tick| {
                let y = TOP + plot - height_of(tick);
                view! {
                    <line class="follow-up-chart__grid" x1=LEFT.to_string() x2=WIDTH.to_string()
                        y1=format!("{y:.1}") y2=format!("{y:.1}")/>
                    <text class="follow-up-chart__tick" x=(LEFT - 6.0).to_string() y=format!("{:.1}", y + 4.0) text-anchor="end">
                        {tick.to_string()}
                    </text>
                }
            }).collect_view()}
            {counts.iter().zip(labels).enumerate().map(|(index, (count, label))| {
                let x = LEFT + slot * index as f64;
                let height = height_of(*count);
                let centre = x + slot / 2.0;
                view! {
                    <rect class="follow-up-chart__bar" x=format!("{:.1}", centre - bar / 2.0) y=format!("{:.1}", TOP + plot - height)
                        width=format!("{bar:.1}") height=format!("{height:.1}")/>
                    {(*count > 0 && slot >= 18.0).then(|| view! {
                        <text class="follow-up-chart__value" x=format!("{centre:.1}") y=format!("{:.1}", TOP + plot - height - 3.0)
                            text-anchor="middle">{count.to_string()}</text>
                    })}
                    {(index % label_every.max(1) == 0).then(|| view! {
                        <text class="follow-up-chart__label" x=format!("{centre:.1}") y=format!("{:.1}", HEIGHT - BOTTOM + 16.0)
                            text-anchor="middle">{label}</text>
                    })}
                }
            }).collect_view()}
        </svg>
    }
}

/// "Répartition des pourcentages de remplissage".
#[component]
fn FillChart(bars: Vec<Bar>) -> impl IntoView {
    let labels = bars.iter().map(|bar| bar.label.replace(" à ", "–")).collect();
    let counts = bars.iter().map(|bar| bar.count).collect();
    view! {
        <figure class="fr-mb-6w follow-up-figure" aria-labelledby="chart-fill-title">
            <h2 id="chart-fill-title" class="fr-h5">"Répartition des pourcentages de remplissage"</h2>
            <p class="fr-text--sm">"Nombre d'évaluations par tranche de pourcentage de remplissage."</p>
            <VerticalBars labels counts/>
            <div class="fr-table fr-table--sm fr-table--no-caption">
                <table>
                    <caption>"Évaluations par pourcentage de remplissage"</caption>
                    <thead><tr><th scope="col">"Pourcentage de remplissage"</th><th scope="col">"Évaluations"</th></tr></thead>
                    <tbody>
                        {bars.into_iter().map(|bar| view! {
                            <tr><th scope="row">{bar.label}</th><td>{bar.count}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </figure>
    }
}

/// "Clôtures par semaine", the weeks of the entry window shaded.
#[component]
fn ClosingsChart(closings: ClosingWeeks) -> impl IntoView {
    let ClosingWeeks { window, weeks, not_shown } = closings;
    let intro = match &window {
        Some(window) => {
            format!("Évaluations closes chaque semaine ; en bleu clair, les semaines de la saisie ({window}).")
        }
        None => "Évaluations closes chaque semaine (aucune fenêtre de saisie n'a été fixée).".to_owned(),
    };
    let labels = weeks.iter().map(|week| week.label.clone()).collect();
    let counts = weeks.iter().map(|week| week.closings).collect();
    // Without a window, `in_window` is false for every week: nothing is shaded.
    let shaded = weeks.iter().map(|week| week.in_window).collect();
    let label_every = weeks.len().div_ceil(12).max(1);
    view! {
        <figure class="fr-mb-6w follow-up-figure" aria-labelledby="chart-closings-title">
            <h2 id="chart-closings-title" class="fr-h5">"Clôtures par semaine"</h2>
            <p class="fr-text--sm">{intro}</p>
            {if weeks.is_empty() {
                view! { <p>"Aucune évaluation n'a encore été close."</p> }.into_any()
            } else {
                view! {
                    <VerticalBars labels counts shaded label_every/>
                    {(not_shown > 0).then(|| view! {
                        <p class="fr-text--sm">{format!("{not_shown} clôture(s) hors de la période représentée.")}</p>
                    })}
                    <div class="fr-table fr-table--sm fr-table--no-caption">
                        <table>
                            <caption>"Clôtures par semaine"</caption>
                            <thead>
                                <tr>
                                    <th scope="col">"Semaine"</th>
                                    <th scope="col">"Clôtures"</th>
                                    <th scope="col">"Cumul"</th>
                                    <th scope="col">"Pendant la saisie"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {weeks.into_iter().map(|week| view! {
                                    <tr>
                                        <th scope="row">{week.period}</th>
                                        <td>{week.closings}</td>
                                        <td>{week.cumulated}</td>
                                        <td>{if week.in_window { "Oui" } else { "Non" }}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
                .into_any()
            }}
        </figure>
    }
}

/// "Cible atteinte par objectif": one horizontal bar per objective, 0 to 100 %.
#[component]
fn ObjectivesChart(objectives: Vec<ObjectiveShare>) -> impl IntoView {
    const ROW: f64 = 28.0;
    const LABEL: f64 = 260.0;
    let height = ROW * objectives.len() as f64 + 24.0;
    let plot = WIDTH - LABEL - 60.0;
    view! {
        <figure class="fr-mb-6w follow-up-figure" aria-labelledby="chart-objectives-title">
            <h2 id="chart-objectives-title" class="fr-h5">"Cible atteinte par objectif"</h2>
            <p class="fr-text--sm">
                "Part des réponses qui atteignent leur cible, toutes entités confondues : « Oui » (ou la réponse que la cible demande) \
                 à une question Oui/Non, une valeur au moins égale à la cible pour un nombre ou un pourcentage. \
                 Les réponses « Non concerné », les textes et les questions sans cible chiffrée ne comptent pas."
            </p>
            {if objectives.iter().all(|objective| objective.judged == 0) {
                view! { <p>"Aucune réponse ne peut encore être comparée à sa cible."</p> }.into_any()
            } else {
                view! {
                    <svg class="follow-up-chart" viewBox=format!("0 0 {WIDTH} {height}") aria-hidden="true" focusable="false">
                        {[0usize, 50, 100].map(|tick| {
                            let x = LABEL + plot * tick as f64 / 100.0;
                            view! {
                                <line class="follow-up-chart__grid" x1=format!("{x:.1}") x2=format!("{x:.1}") y1="0"
                                    y2=format!("{:.1}", height - 20.0)/>
                                <text class="follow-up-chart__tick" x=format!("{x:.1}") y=format!("{:.1}", height - 6.0)
                                    text-anchor="middle">{format!("{tick} %")}</text>
                            }
                        })}
                        {objectives.iter().enumerate().map(|(index, objective)| {
                            let y = ROW * index as f64;
                            let width = plot * objective.percentage() as f64 / 100.0;
                            let name = shortened(&format!("{} - {}", objective.code, objective.label), 40);
                            view! {
                                <text class="follow-up-chart__label" x=(LABEL - 8.0).to_string() y=format!("{:.1}", y + 18.0)
                                    text-anchor="end">{name}</text>
                                <rect class="follow-up-chart__bar" x=LABEL.to_string() y=format!("{:.1}", y + 5.0)
                                    width=format!("{width:.1}") height="18"/>
                                <text class="follow-up-chart__value" x=format!("{:.1}", LABEL + width + 6.0) y=format!("{:.1}", y + 18.0)>
                                    {if objective.judged == 0 { "—".to_owned() } else { format!("{} %", objective.percentage()) }}
                                </text>
                            }
                        }).collect_view()}
                    </svg>
                }
                .into_any()
            }}
            <div class="fr-table fr-table--sm fr-table--no-caption">
                <table>
                    <caption>"Cible atteinte par objectif"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Objectif"</th>
                            <th scope="col">"Réponses comparées à la cible"</th>
                            <th scope="col">"Cible atteinte"</th>
                            <th scope="col">"Part"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {objectives.into_iter().map(|objective| view! {
                            <tr>
                                <th scope="row">{format!("{} - {}", objective.code, objective.label)}</th>
                                <td>{objective.judged}</td>
                                <td>{objective.reached}</td>
                                <td>{if objective.judged == 0 { "—".to_owned() } else { format!("{} %", objective.percentage()) }}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </figure>
    }
}

/// At most `chars` characters, "…" ending what was cut (the table below gives it whole).
fn shortened(text: &str, chars: usize) -> String {
    if text.chars().count() <= chars {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(chars - 1).collect();
    cut.push('…');
    cut
}

/// "Graphiques de ces évaluations", from the dashboard, with its filter.
pub fn charts_href(filter: &DashboardFilter) -> String {
    filter.at_page(1).address(FOLLOW_UP_CHARTS_PATH, None)
}

#[cfg(test)]
mod tests {
    use ecars_core::evaluation::rules::FillProgress;

    use super::*;
    use crate::contracts::{ContractKind, Phase};
    use crate::follow_up::dashboard::FollowUpState;

    fn row(answered: usize, required: usize) -> DashboardRow {
        let progress = FillProgress { answered, required };
        DashboardRow {
            evaluation_id: 1,
            contract_id: 1,
            finess: "380780080".into(),
            legal_entity: "CHU".into(),
            departement: "38".into(),
            kind: ContractKind::Caqes,
            contract: "CAQES".into(),
            year: 2022,
            phase: Phase::AutoEvaluation,
            state: FollowUpState::of(Phase::AutoEvaluation, progress),
            progress,
            contacts_updated: 0,
            contacts_mandatory: 0,
            documents: 0,
            modified: None,
            closed_on: None,
        }
    }

    #[test]
    fn fill_percentages_fall_in_tenths_and_only_complete_ones_in_100() {
        let bars = fill_distribution(&[row(0, 10), row(9, 10), row(99, 100), row(10, 10), row(0, 0), row(5, 10)]);
        assert_eq!(bars.len(), 11);
        let count = |label: &str| bars.iter().find(|bar| bar.label == label).map(|bar| bar.count);
        assert_eq!(count("0 à 9 %"), Some(1));
        assert_eq!(count("50 à 59 %"), Some(1));
        assert_eq!(count("90 à 99 %"), Some(2), "9 / 10 and 99 / 100 are not complete");
        assert_eq!(count("100 %"), Some(2), "nothing to answer is complete");
        assert_eq!(bars.iter().map(|bar| bar.count).sum::<usize>(), 6);
    }

    #[test]
    fn the_charts_keep_the_dashboard_s_filter() {
        let filter = DashboardFilter { year: Some(2022), late_below: Some(50), page: 3, ..Default::default() };
        assert_eq!(charts_href(&filter), format!("{FOLLOW_UP_CHARTS_PATH}?annee=2022&retard=50"));
        assert_eq!(charts_href(&DashboardFilter::default()), FOLLOW_UP_CHARTS_PATH);
        assert_eq!(shortened("1.1 - Identification", 40), "1.1 - Identification");
        assert_eq!(shortened("abcdef", 4), "abc…");
        let share = ObjectiveShare { code: "1".into(), label: "A".into(), judged: 3, reached: 2 };
        assert_eq!(share.percentage(), 66);
        assert_eq!(ObjectiveShare { judged: 0, reached: 0, ..share }.percentage(), 0);
    }
}
