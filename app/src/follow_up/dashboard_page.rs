//! "Suivi de la campagne": the filter (a plain GET form), the counts per state, the table with
//! its sortable columns (plain links) and its pages. Nothing here needs the WASM.

use ecars_core::routes::{contract_href, legal_entity_href, FOLLOW_UP_PATH};
use ecars_core::vocabulary::ContractKind;
use leptos::prelude::*;
use leptos_meta::Title;

use super::dashboard::{
    Column, Dashboard, DashboardFilter, DashboardRow, FollowUpState, DEPARTEMENT_PARAM, KIND_PARAM, LATE_PARAM,
    ORDER_PARAM, PAGE_SIZE, SEARCH_PARAM, SORT_PARAM, STATE_PARAM, TITLE, YEAR_PARAM,
};
use super::export::{export_href, ExportFormat, Sheet};
use crate::layout::forms::page_query;
use crate::layout::{when_loaded, Breadcrumb, Page, Pagination};

#[component]
pub fn FollowUpPage() -> impl IntoView {
    let query = page_query();
    let filter = DashboardFilter::from_query(|name| query.get(name));
    let dashboard = Resource::new(move || filter.clone(), super::api::follow_up_dashboard);
    view! {
        <Title text=TITLE/>
        <Breadcrumb crumbs=vec![(TITLE.to_owned(), None)]/>
        <h1>{TITLE}</h1>
        {when_loaded(dashboard, |dashboard| view! { <DashboardView dashboard/> })}
    }
}

#[component]
fn DashboardView(dashboard: Dashboard) -> impl IntoView {
    let Dashboard { filter, years, departements, counts, total, pages, rows } = dashboard;
    let Some(year) = filter.year else {
        return view! { <p>"Aucune évaluation à suivre pour l'instant : aucune campagne n'a été ouverte pour les entités que vous suivez."</p> }
            .into_any();
    };
    let campaign = match filter.kind {
        Some(kind) => format!("{} {year}", kind.label()),
        None => format!("Campagne {year}"),
    };
    let summary =
        format!("{} évaluation(s) : {}", counts.closed + counts.in_progress + counts.not_started, counts.summary());
    let page = Page::numbered(filter.page, total, PAGE_SIZE);
    let page_href = {
        let filter = filter.clone();
        move |number: usize| filter.at_page(number).href()
    };
    view! {
        <FilterForm filter=filter.clone() years departements/>
        <section aria-labelledby="follow-up-counts" class="fr-mb-3w">
            <h2 id="follow-up-counts" class="fr-h6">{format!("{campaign} : où en sont les évaluations")}</h2>
            <p>{summary}</p>
            <ul class="fr-tags-group">
                <li>
                    <a class="fr-tag" href=filter.with_state(None).href() aria-current=filter.state.is_none().then_some("true")>
                        "Toutes"
                    </a>
                </li>
                {FollowUpState::ALL.map(|state| view! {
                    <li>
                        <a class="fr-tag" href=filter.with_state(Some(state)).href()
                            aria-current=(filter.state == Some(state)).then_some("true")>
                            {state.counted(counts.of(state))}
                        </a>
                    </li>
                })}
            </ul>
        </section>
        {(total > 0).then(|| view! {
            <p>
                <a class="fr-link fr-icon-bar-chart-box-line fr-link--icon-left" href=super::charts::charts_href(&filter)>
                    "Graphiques de ces évaluations"
                </a>
            </p>
            <ExportLinks filter=filter.clone() title="Exporter".to_owned()
                intro=format!("Les {total} évaluation(s) de ces filtres, toutes pages comprises.")/>
        })}
        {if rows.is_empty() {
            view! { <p>"Aucune évaluation ne correspond à ces filtres."</p> }.into_any()
        } else {
            view! {
                <div class="fr-table fr-table--no-caption-top follow-up-table">
                    <table>
                        <caption>{format!("{campaign} : {total} évaluation(s), page {} sur {pages}", page.number)}</caption>
                        <thead>
                            <tr>
                                {Column::ALL.map(|column| view! { <SortableHeader filter=filter.clone() column/> })}
                            </tr>
                        </thead>
                        <tbody>
                            {rows.into_iter().map(|row| view! { <Row row/> }).collect_view()}
                        </tbody>
                    </table>
                </div>
                <Pagination page href=page_href/>
            }
            .into_any()
        }}
    }
    .into_any()
}

/// A column's header: a link that sorts by it, and what the current sort is for screen readers.
#[component]
fn SortableHeader(filter: DashboardFilter, column: Column) -> impl IntoView {
    let sorted = (filter.sort == column).then_some(filter.descending);
    let aria_sort = sorted.map(|descending| if descending { "descending" } else { "ascending" });
    let next = filter.sorted_by(column);
    let hint = if next.descending { "trier par ordre décroissant" } else { "trier par ordre croissant" };
    let arrow = match sorted {
        Some(true) => " ▼",
        Some(false) => " ▲",
        None => "",
    };
    view! {
        <th scope="col" aria-sort=aria_sort>
            <a href=next.href() title=format!("{} : {hint}", column.label())>
                {column.label()}
                <span aria-hidden="true">{arrow}</span>
            </a>
        </th>
    }
}

#[component]
fn Row(row: DashboardRow) -> impl IntoView {
    let percentage = row.progress.percentage();
    let fill = format!("{percentage} % ({} / {})", row.progress.answered, row.progress.required);
    let contacts = format!("{} / {}", row.contacts_updated, row.contacts_mandatory);
    let badge = match row.state {
        FollowUpState::Closed => "fr-badge fr-badge--sm fr-badge--success",
        FollowUpState::InProgress => "fr-badge fr-badge--sm fr-badge--info",
        FollowUpState::NotStarted => "fr-badge fr-badge--sm fr-badge--warning",
    };
    view! {
        <tr>
            <td><a href=legal_entity_href(&row.finess)>{row.legal_entity_title()}</a></td>
            <td>{row.departement.clone()}</td>
            <td><a href=contract_href(row.contract_id)>{row.contract.clone()}</a></td>
            <td>
                {row.phase.label()}
                <br/>
                <span class=badge>{row.state.label()}</span>
            </td>
            <td>
                {fill}
                <progress class="follow-up-progress" max="100" value=percentage.to_string() aria-hidden="true"></progress>
            </td>
            <td>{contacts}</td>
            <td>{row.documents}</td>
            <td>
                {match row.modified {
                    Some(modified) => format!("{} par {}", modified.at, modified.by),
                    None => "Aucune saisie".to_owned(),
                }}
            </td>
            <td>{row.closed_on.map(|(date, _)| date).unwrap_or_else(|| "—".to_owned())}</td>
        </tr>
    }
}

#[component]
fn FilterForm(filter: DashboardFilter, years: Vec<i32>, departements: Vec<String>) -> impl IntoView {
    view! {
        <form method="get" action=FOLLOW_UP_PATH class="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom fr-mb-3w">
            <div class="fr-col-6 fr-col-md-2 fr-select-group">
                <label class="fr-label" for="suivi-annee">"Campagne"</label>
                <select class="fr-select" id="suivi-annee" name=YEAR_PARAM>
                    {years.into_iter().map(|year| view! {
                        <option value=year.to_string() selected=filter.year == Some(year)>{year.to_string()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="fr-col-6 fr-col-md-2 fr-select-group">
                <label class="fr-label" for="suivi-type">"Type de contrat"</label>
                <select class="fr-select" id="suivi-type" name=KIND_PARAM>
                    <option value="" selected=filter.kind.is_none()>"Tous"</option>
                    {ContractKind::ALL.map(|kind| view! {
                        <option value=kind.label() selected=filter.kind == Some(kind)>{kind.label()}</option>
                    })}
                </select>
            </div>
            <div class="fr-col-6 fr-col-md-2 fr-select-group">
                <label class="fr-label" for="suivi-etat">"État"</label>
                <select class="fr-select" id="suivi-etat" name=STATE_PARAM>
                    <option value="" selected=filter.state.is_none()>"Tous"</option>
                    {FollowUpState::ALL.map(|state| view! {
                        <option value=state.code() selected=filter.state == Some(state)>{state.label()}</option>
                    })}
                </select>
            </div>
            <div class="fr-col-6 fr-col-md-2 fr-select-group">
                <label class="fr-label" for="suivi-departement">"Département"</label>
                <select class="fr-select" id="suivi-departement" name=DEPARTEMENT_PARAM>
                    <option value="" selected=filter.departement.is_none()>"Tous"</option>
                    {departements.into_iter().map(|code| {
                        let selected = filter.departement.as_deref() == Some(code.as_str());
                        view! { <option value=code.clone() selected=selected>{code.clone()}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="fr-col-12 fr-col-md-4 fr-input-group">
                <label class="fr-label" for="suivi-retard">
                    "En retard"
                    <span class="fr-hint-text">"Non clôturées et remplies à moins de ce pourcentage (1 à 100)"</span>
                </label>
                <input class="fr-input" id="suivi-retard" name=LATE_PARAM type="number" min="1" max="100" step="1"
                    inputmode="numeric" value=filter.late_below.map(|late| late.to_string()).unwrap_or_default()/>
            </div>
            <div class="fr-col-12 fr-col-md-6 fr-input-group">
                <label class="fr-label" for="suivi-recherche">
                    "Entité juridique"
                    <span class="fr-hint-text">"Tout ou partie du numéro FINESS ou du nom"</span>
                </label>
                <input class="fr-input" id="suivi-recherche" name=SEARCH_PARAM type="search" value=filter.search.clone()
                    autocomplete="off" maxlength=super::dashboard::MAX_SEARCH_CHARS.to_string()/>
            </div>
            <input type="hidden" name=SORT_PARAM value=filter.sort.code()/>
            <input type="hidden" name=ORDER_PARAM value=if filter.descending { "desc" } else { "asc" }/>
            <div class="fr-col-12 fr-col-md-6">
                <ul class="fr-btns-group fr-btns-group--inline-md">
                    <li><button class="fr-btn" type="submit">"Filtrer"</button></li>
                    <li><a class="fr-btn fr-btn--secondary" href=FOLLOW_UP_PATH>"Réinitialiser"</a></li>
                </ul>
            </div>
        </form>
    }
}

/// "Exporter": what the filter shows, every page of it (on the contract page, its evaluation).
#[component]
pub fn ExportLinks(filter: DashboardFilter, title: String, intro: String) -> impl IntoView {
    let links = [
        (ExportFormat::Xlsx, Sheet::Summary, "Classeur Excel (.xlsx) : synthèse et réponses"),
        (ExportFormat::Ods, Sheet::Summary, "Classeur OpenDocument (.ods) : synthèse et réponses"),
        (ExportFormat::Csv, Sheet::Summary, "Synthèse (.csv)"),
        (ExportFormat::Csv, Sheet::Answers, "Réponses (.csv)"),
    ];
    view! {
        <section aria-labelledby="follow-up-export" class="fr-mb-3w">
            <h2 id="follow-up-export" class="fr-h6">{title}</h2>
            <p class="fr-text--sm">{intro}</p>
            <ul class="fr-links-group">
                {links.map(|(format, sheet, label)| view! {
                    <li>
                        <a class="fr-link fr-icon-download-line fr-link--icon-left" href=export_href(&filter, format, sheet) download>
                            {label}
                        </a>
                    </li>
                })}
            </ul>
        </section>
    }
}
