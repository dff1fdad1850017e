//! "Saisir les indicateurs": the collapsible indicator tree with its fill percentage, and the
//! panel of the question chosen in it (`?question=<id>`).
//!
//! The tree and the panel are plain HTML rendered by the server (usable without JavaScript:
//! every node open, every question a link, the panel a form). One island around them holds the
//! percentage, "Replier le contrat" and the filter, and acts on that HTML: folding, a dot turning
//! green after a save, and another question's panel, or the one a save answers, fetched from the
//! server and swapped in without a page load (`panel_browser`). So the tree is sent once, not
//! again as island data, and the browser carries no code to draw the panel.

use ecars_core::evaluation::rules::QuestionStatus;
use ecars_core::evaluation::tree_filter::{
    shown_count_text, TreeFilter, MAX_SEARCH_CHARS, SEARCH_PARAM, TO_FILL_PARAM,
};
use ecars_core::routes::{indicators_href, QUESTION_PARAM};
use leptos::prelude::*;

use super::api::{get_indicator_tree, get_question};
use super::panel::{panel_area, Statuses};
use super::panel_browser::Panel;
use super::tree_browser::{self, TreeNavigation};
use super::tree_html::{tree_items, CONTRACT_LIST};
use super::{IndicatorTree, QuestionDetail, TreeMode};
use crate::app::contract_resource_with;
use crate::layout::forms::{page_query, ticked_before_hydration, typed_before_hydration};
use crate::layout::{when_loaded, ContractPageTop};
use crate::AppError;

const TITLE: &str = "Saisir les indicateurs";

#[component]
pub fn IndicatorsPage() -> impl IntoView {
    // The tree, and the panel of the question in the address, both written by the server.
    let question = question_in_address();
    let page = contract_resource_with(super::years::YEAR_PARAM, move |contract_id, year| async move {
        let tree = get_indicator_tree(contract_id, year).await?;
        Ok((tree, load_question(question).await))
    });
    view! {
        {when_loaded(page, |(tree, question)| {
            let contract = tree.contract.clone();
            let earlier_year = tree.earlier.then_some(contract.year);
            view! {
                <ContractPageTop contract=contract.clone() page=TITLE/>
                <h1>"Contrat : " {contract.name.clone()}</h1>
                {earlier_year.map(|year| view! {
                    <div class="fr-alert fr-alert--info fr-alert--sm fr-mb-3w">
                        <p>
                            {format!("Évaluation {year}, en lecture seule. ")}
                            <a class="fr-link" href=indicators_href(contract.id)>"Revenir à l'évaluation en cours"</a>
                        </p>
                    </div>
                })}
                {tree_beside_panel(TreeMode::Entry, tree, panel_area(question, contract.id).into_any())}
            }
        })}
    }
}

/// The tree, its island (percentage, folding, filter) and beside it `panel`: the panel of the
/// question chosen, as the entry and the appraisal pages (`mode`) show them.
pub(crate) fn tree_beside_panel(mode: TreeMode, tree: IndicatorTree, panel: AnyView) -> impl IntoView {
    let statuses = tree.statuses();
    let IndicatorTree { contract, objectives, earlier } = tree;
    let earlier_year = earlier.then_some(contract.year);
    let filter = super::filter_in_address();
    let title = contract.legal_entity.title();
    let tree = tree_items(&contract.name, &title, &objectives, question_in_address(), earlier_year, &filter, mode);
    view! {
        <TreeView contract_id=contract.id mode statuses earlier_year shown=(tree.shown, tree.total)>
            // On a wide screen, once a question is chosen, its panel stands beside the tree and
            // stays in view while the tree scrolls; on a narrow one it comes under the tree.
            <div class="tree-layout">
                <div class="tree-area">
                    <ul class="tree" aria-label="Indicateurs du contrat" inner_html=tree.html></ul>
                </div>
                {panel}
            </div>
        </TreeView>
    }
}

/// The question chosen, loaded for its panel; `None` when none is.
async fn load_question(question: Option<i32>) -> Option<Result<QuestionDetail, AppError>> {
    match question {
        Some(id) => Some(get_question(id).await),
        None => None,
    }
}

/// A question's panel alone, as the tree's island fetches it (`routes::panel_href`): a page of
/// its own too, which works without JavaScript.
#[component]
pub fn QuestionPanelPage() -> impl IntoView {
    let question = question_in_address();
    let page = crate::app::contract_resource(move |contract_id| async move {
        let detail = load_question(question).await.ok_or(AppError::NotFound)??;
        // A question of another contract is not shown under this one.
        match detail.contract.id == contract_id {
            true => Ok(detail),
            false => Err(AppError::NotFound),
        }
    });
    view! {
        {when_loaded(page, |detail: QuestionDetail| {
            let contract = detail.contract.clone();
            let heading = format!("Question {} - {}", detail.code, contract.name);
            view! {
                <ContractPageTop contract=contract.clone() page=TITLE/>
                <h1 class="fr-h3">{heading}</h1>
                <p><a class="fr-link" href=indicators_href(contract.id)>"Voir l'arbre des indicateurs"</a></p>
                {panel_area(Some(Ok(detail)), contract.id)}
            }
        })}
    }
}

/// The question chosen in the current address, if any.
pub(crate) fn question_in_address() -> Option<i32> {
    page_query().get(QUESTION_PARAM).and_then(|id| id.parse::<i32>().ok())
}

#[island]
fn TreeView(
    contract_id: i32,
    mode: TreeMode,
    statuses: Vec<(i32, QuestionStatus)>,
    earlier_year: Option<i32>,
    /// Questions the filter shows, among all, as the server counted them.
    shown: (usize, usize),
    children: Children,
) -> impl IntoView {
    crate::app::island_ready();
    let statuses = Statuses::new(statuses);
    // The same shared rule as on the server, recomputed as answers are saved.
    let progress = Memo::new(move |_| statuses.progress());
    let selected = RwSignal::new(question_in_address());
    let contract_expanded = RwSignal::new(true);
    // What was typed or ticked before the WASM arrived wins.
    let in_address = super::filter_in_address();
    let to_fill_only = RwSignal::new(ticked_before_hydration(TO_FILL_ID).unwrap_or(in_address.to_fill_only));
    let search = RwSignal::new(typed_before_hydration(SEARCH_ID).unwrap_or(in_address.search.clone()));
    let filter = Memo::new(move |_| TreeFilter::new(to_fill_only.get(), &search.get()));
    let shown_count = RwSignal::new(shown);
    let navigation = TreeNavigation { selected, filter, earlier_year, contract_expanded };
    let panel = Panel::new(contract_id, mode, navigation, statuses);
    // Effects run in the browser only: once hydrated, the island drives the server's HTML.
    let mut pending = Some(in_address);
    Effect::new(move |_| {
        if let Some(in_address) = pending.take() {
            untrack(|| tree_browser::start(navigation, panel, progress, in_address, shown_count));
        }
    });
    view! {
        <p class="fill-percentage" id="pourcentage">
            {mode.progress_label()} <strong>{move || format!("{} %", progress.get().percentage())}</strong>
            <span class="fr-sr-only">{move || mode.progress_detail(progress.get())}</span>
        </p>
        <p>
            <button
                type="button"
                class="fr-btn fr-btn--tertiary fr-btn--sm"
                aria-controls=CONTRACT_LIST
                aria-expanded=move || contract_expanded.get().to_string()
                on:click=move |_| contract_expanded.update(|expanded| *expanded = !*expanded)
            >
                {move || if contract_expanded.get() { "Replier le contrat" } else { "Déplier le contrat" }}
            </button>
        </p>
        {(progress.get_untracked().required == 0).then(|| view! {
            <p>"Ce contrat ne comporte aucune question à saisir."</p>
        })}
        // A plain form too: without JavaScript the server filters the tree it sends.
        <form class="tree-filter" method="get" role="search" aria-label="Filtrer les questions"
            on:submit=|event| event.prevent_default()>
            {earlier_year.map(|year| view! { <input type="hidden" name=super::years::YEAR_PARAM value=year/> })}
            <div class="fr-input-group tree-filter__search">
                <label class="fr-label" for=SEARCH_ID>
                    "Rechercher une question"
                    <span class="fr-hint-text">"Par code ou par mots, sans tenir compte des accents"</span>
                </label>
                <input class="fr-input" type="search" id=SEARCH_ID name=SEARCH_PARAM maxlength=MAX_SEARCH_CHARS
                    autocomplete="off" value=search.get_untracked() prop:value=move || search.get()
                    on:input=move |event| search.set(event_target_value(&event))/>
            </div>
            <div class="fr-checkbox-group fr-checkbox-group--sm tree-filter__to-fill">
                <input type="checkbox" id=TO_FILL_ID name=TO_FILL_PARAM value="1"
                    checked=to_fill_only.get_untracked() prop:checked=move || to_fill_only.get()
                    on:change=move |event| to_fill_only.set(event_target_checked(&event))/>
                <label class="fr-label" for=TO_FILL_ID>{mode.to_do_label()}</label>
            </div>
            <button type="submit" class="fr-btn fr-btn--secondary fr-btn--sm tree-filter__submit">"Filtrer"</button>
            <p class="fr-text--sm fr-mb-0 tree-filter__count" role="status">
                {move || {
                    let (shown, total) = shown_count.get();
                    (shown < total).then(|| shown_count_text(shown, total))
                }}
            </p>
        </form>
        // The tree and the panel, as the server wrote them; their clicks, changes and the panel's
        // form are handled here.
        <div
            on:click=move |event| {
                if !panel.on_click(&event) {
                    tree_browser::on_tree_click(event, navigation);
                }
            }
            on:submit=move |event| panel.on_submit(event)
            on:change=move |event| panel.on_change(&event)
            on:input=move |event| panel.on_change(&event)>
            {children()}
        </div>
    }
}

const SEARCH_ID: &str = "recherche-question";
const TO_FILL_ID: &str = "questions-a-saisir";
