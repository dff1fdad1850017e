//! "Saisir les indicateurs": the collapsible indicator tree with its fill percentage, and the
//! panel of the question chosen in it (`?question=<id>`).
//!
//! The tree and the panel are plain HTML rendered by the server (usable without JavaScript:
//! every node open, every question a link, the panel a form). One island around them holds the
//! percentage, "Replier le contrat" and the filter, and acts on that HTML: folding, a dot turning
//! green after a save, and another question's panel, or the one a save answers, fetched from the
//! server and swapped in without a page load (`panel_browser`). So the tree is sent once, not
//! again as island data, and the browser carries no code to draw the panel.

use leptos::prelude::*;

use super::api::{get_indicator_tree, get_question};
use super::panel::{panel_area, Statuses};
use super::rules::QuestionStatus;
use super::tree_filter::{shown_count_text, TreeFilter, MAX_SEARCH_CHARS, SEARCH_PARAM, TO_FILL_PARAM};
use super::tree_html::{tree_items, CONTRACT_LIST};
use super::{IndicatorTree, QuestionDetail};
use crate::app::contract_resource_with;
use crate::layout::forms::{page_query, ticked_before_hydration, typed_before_hydration};
use crate::layout::{when_loaded, ContractPageTop};
use crate::routes::{indicators_href, QUESTION_PARAM};
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
            let statuses = tree.statuses();
            let IndicatorTree { contract, objectives, earlier } = tree;
            let selected = question_in_address();
            let earlier_year = earlier.then_some(contract.year);
            let filter = TreeFilter::from_query(&page_query());
            let title = contract.legal_entity.title();
            let tree = tree_items(&contract.name, &title, &objectives, selected, earlier_year, &filter);
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
                <TreeView contract_id=contract.id statuses earlier_year shown=(tree.shown, tree.total)>
                    // On a wide screen, once a question is chosen, its panel stands beside the tree and
                    // stays in view while the tree scrolls; on a narrow one it comes under the tree.
                    <div class="tree-layout">
                        <div class="tree-area">
                            <ul class="tree" aria-label="Indicateurs du contrat" inner_html=tree.html></ul>
                        </div>
                        {panel_area(question, contract.id)}
                    </div>
                </TreeView>
            }
        })}
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
fn question_in_address() -> Option<i32> {
    page_query().get(QUESTION_PARAM).and_then(|id| id.parse::<i32>().ok())
}

#[island]
fn TreeView(
    contract_id: i32,
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
    let in_address = TreeFilter::from_query(&page_query());
    let to_fill_only = RwSignal::new(ticked_before_hydration(TO_FILL_ID).unwrap_or(in_address.to_fill_only));
    let search = RwSignal::new(typed_before_hydration(SEARCH_ID).unwrap_or(in_address.search.clone()));
    let filter = Memo::new(move |_| TreeFilter::new(to_fill_only.get(), &search.get()));
    let shown_count = RwSignal::new(shown);
    let navigation = TreeNavigation { selected, filter, earlier_year, contract_expanded };
    // Changes in the panel not saved yet: leaving the question asks first.
    #[cfg(feature = "hydrate")]
    let dirty = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    let panel = super::panel_browser::Panel::new(contract_id, navigation, statuses, dirty);
    #[cfg(not(feature = "hydrate"))]
    let _ = contract_id;
    #[cfg(feature = "hydrate")]
    {
        follow_history(selected, dirty);
        let chosen = selected.get_untracked();
        Effect::new(move |_| tree_dom::restore_folding_and_place(contract_expanded, chosen));
        Effect::new(move |_| tree_dom::fold(CONTRACT_LIST, contract_expanded.get()));
        Effect::new(move |_| tree_dom::mark_selected(selected.get()));
        // Another question chosen (in the tree, back or forward): its panel.
        Effect::new(move |_| panel.follow(selected.get()));
        // The filter, applied again as it changes and as answers turn green, kept in the address.
        // At hydration the server has already applied the filter of the address (the same rule):
        // walking the 500 questions again would only cost an old PC's first second.
        Effect::new(move |walked: Option<bool>| {
            progress.track();
            let filter = filter.get();
            let selected = selected.get();
            if walked.is_none() && filter == in_address {
                return false;
            }
            shown_count.set(tree_dom::filter(&filter.matcher(), statuses, selected));
            tree_dom::keep_filter_in_address(&filter);
            true
        });
    }
    view! {
        <p class="fill-percentage" id="pourcentage">
            "Pourcentage de remplissage : " <strong>{move || format!("{} %", progress.get().percentage())}</strong>
            <span class="fr-sr-only">
                {move || format!(" ({} questions saisies sur {})", progress.get().answered, progress.get().required)}
            </span>
        </p>
        <p>
            <button
                type="button"
                class="fr-btn fr-btn--tertiary fr-btn--sm"
                aria-controls=CONTRACT_LIST
                aria-expanded=move || contract_expanded.get().to_string()
                on:click=move |_| {
                    contract_expanded.update(|expanded| *expanded = !*expanded);
                    #[cfg(feature = "hydrate")]
                    tree_dom::remember_folding();
                }
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
                <label class="fr-label" for=TO_FILL_ID>"Questions à saisir uniquement"</label>
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
                #[cfg(feature = "hydrate")]
                if panel.on_click(&event) {
                    return;
                }
                on_tree_click(event, navigation, contract_expanded)
            }
            on:submit=move |event| {
                #[cfg(feature = "hydrate")]
                panel.on_submit(event);
                #[cfg(not(feature = "hydrate"))]
                let _ = event;
            }
            on:change=move |event| {
                #[cfg(feature = "hydrate")]
                panel.on_change(&event);
                #[cfg(not(feature = "hydrate"))]
                let _ = event;
            }
            on:input=move |event| {
                #[cfg(feature = "hydrate")]
                panel.on_change(&event);
                #[cfg(not(feature = "hydrate"))]
                let _ = event;
            }>
            {children()}
        </div>
    }
}

const SEARCH_ID: &str = "recherche-question";
const TO_FILL_ID: &str = "questions-a-saisir";

/// The question chosen and the filter of the tree, which its address keeps.
#[derive(Clone, Copy)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub struct TreeNavigation {
    pub(super) selected: RwSignal<Option<i32>>,
    filter: Memo<TreeFilter>,
    earlier_year: Option<i32>,
    contract_expanded: RwSignal<bool>,
}

#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
impl TreeNavigation {
    /// Opens `question`'s panel without loading the page, the address following
    /// (`?question=<id>#question`, the filter kept) so that it can be bookmarked and reloaded.
    /// `saved`: the question just saved by "Enregistrer et passer à la suivante".
    pub fn open(self, question: i32, saved: Option<i32>) {
        #[cfg(feature = "hydrate")]
        {
            let mut kept = self.filter.get_untracked().query();
            kept.extend(saved.map(|saved| format!("{}={saved}", super::PREVIOUS_PARAM)));
            let address = crate::routes::question_query_in(question, self.earlier_year, &kept);
            if let Ok(history) = window().history() {
                let _ = history.push_state_with_url(&leptos::wasm_bindgen::JsValue::NULL, "", Some(&address));
            }
            if tree_dom::reveal(question, true) {
                self.contract_expanded.set(true);
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = saved;
        self.selected.set(Some(question));
    }

    /// A click on a link to `question`: its panel opens without loading the page, unless the
    /// click is meant for a new tab or window.
    pub fn follow(self, event: leptos::ev::MouseEvent, question: i32) {
        if !opens_elsewhere(&event) {
            event.prevent_default();
            self.open(question, None);
        }
    }
}

/// A click already handled, or meant for a new tab or window: left to the browser.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub(super) fn opens_elsewhere(event: &leptos::ev::MouseEvent) -> bool {
    event.default_prevented()
        || event.button() != 0
        || event.ctrl_key()
        || event.meta_key()
        || event.shift_key()
        || event.alt_key()
}

/// A click in the tree or the panel: a toggle folds or unfolds its list; a link to a question
/// (`data-question`) shows its panel without loading the page. Clicks meant for a new tab or
/// window are left to the browser.
fn on_tree_click(event: leptos::ev::MouseEvent, navigation: TreeNavigation, contract_expanded: RwSignal<bool>) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        use leptos::web_sys::Element;

        let Some(target) = event.target().and_then(|target| target.dyn_into::<Element>().ok()) else { return };
        if let Some(button) = target.closest("button.tree__toggle").ok().flatten() {
            let controls = button.get_attribute("aria-controls").unwrap_or_default();
            let expanded = button.get_attribute("aria-expanded").as_deref() != Some("true");
            match controls.as_str() {
                CONTRACT_LIST => contract_expanded.set(expanded),
                _ => tree_dom::fold(&controls, expanded),
            }
            tree_dom::remember_folding();
            return;
        }
        let Some(link) = target.closest("a[data-question]").ok().flatten() else { return };
        let Some(id) = link.get_attribute("data-question").and_then(|id| id.parse::<i32>().ok()) else { return };
        navigation.follow(event, id);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (event, navigation, contract_expanded);
}

/// What the island changes in the server-rendered tree.
#[cfg(feature = "hydrate")]
pub(super) mod tree_dom {
    use leptos::prelude::*;
    use leptos::wasm_bindgen::JsCast;
    use leptos::web_sys::{Element, HtmlElement};

    use crate::evaluation::panel::Statuses;
    use crate::evaluation::rules::QuestionStatus;
    use crate::evaluation::tree_filter::{TreeFilter, TreeMatcher, PARAMS};

    /// Opens or closes the list `list_id`, and says so on the button that controls it.
    pub fn fold(list_id: &str, expanded: bool) {
        let document = document();
        if let Some(list) = document.get_element_by_id(list_id).and_then(|list| list.dyn_into::<HtmlElement>().ok()) {
            list.set_hidden(!expanded);
        }
        if let Ok(Some(button)) = document.query_selector(&format!("button.tree__toggle[aria-controls='{list_id}']")) {
            let _ = button.set_attribute("aria-expanded", &expanded.to_string());
        }
    }

    /// `aria-current` on the chosen question's link only.
    pub fn mark_selected(question: Option<i32>) {
        let document = document();
        if let Ok(Some(previous)) = document.query_selector("a.tree__question[aria-current]") {
            let _ = previous.remove_attribute("aria-current");
        }
        if let Some(link) = question.and_then(link_of) {
            let _ = link.set_attribute("aria-current", "true");
        }
    }

    /// The question's dot and its meaning for screen readers, after a save.
    pub fn paint(question: i32, status: QuestionStatus) {
        let Some(link) = link_of(question) else { return };
        if let Ok(Some(dot)) = link.query_selector(".tree__dot") {
            let _ = dot.set_attribute("class", status.dot_class());
            let _ = dot.set_attribute("title", status.label());
        }
        if let Ok(Some(meaning)) = link.query_selector(".fr-sr-only") {
            meaning.set_text_content(Some(status.spoken_prefix()));
        }
    }

    fn link_of(question: i32) -> Option<leptos::web_sys::Element> {
        document().query_selector(&format!("a.tree__question[data-question='{question}']")).ok().flatten()
    }

    /// Hides what the filter leaves out, as the server does (`tree_html`): questions, then the
    /// objectives with nothing left in view. The chosen question stays. Returns how many
    /// questions are shown, among all.
    pub fn filter(matcher: &TreeMatcher, statuses: Statuses, selected: Option<i32>) -> (usize, usize) {
        let mut count = (0, 0);
        if let Ok(Some(tree)) = document().query_selector("ul.tree") {
            filter_list(&tree, &Filtering { matcher, statuses, selected }, &mut Vec::new(), &mut count);
        }
        count
    }

    struct Filtering<'a> {
        matcher: &'a TreeMatcher,
        statuses: Statuses,
        selected: Option<i32>,
    }

    fn filter_list(
        list: &Element,
        filtering: &Filtering,
        objectives: &mut Vec<String>,
        count: &mut (usize, usize),
    ) -> bool {
        let items = list.children();
        let mut any = false;
        for index in 0..items.length() {
            let Some(item) = items.item(index) else { continue };
            let shown = if item.class_list().contains("tree__leaf") {
                let Some(link) = item.first_element_child() else { continue };
                let id = link.get_attribute("data-question").and_then(|id| id.parse::<i32>().ok());
                let status = id.and_then(|id| filtering.statuses.get_untracked(id));
                let titles: Vec<&str> = objectives.iter().map(String::as_str).collect();
                let shown = id.is_some() && id == filtering.selected
                    || status.is_some_and(|status| filtering.matcher.shows(status, &own_text(&link), &titles));
                count.1 += 1;
                count.0 += usize::from(shown);
                shown
            } else {
                let (Some(toggle), Some(children)) = (item.first_element_child(), item.last_element_child()) else {
                    continue;
                };
                // The contract and its legal entity stay, whatever is left under them.
                let objective = toggle.get_attribute("aria-controls").is_some_and(|id| id.starts_with("noeud-"));
                if objective {
                    objectives.push(toggle.text_content().unwrap_or_default());
                }
                let any_under = filter_list(&children, filtering, objectives, count);
                if objective {
                    objectives.pop();
                }
                any_under || !objective
            };
            // Only what changes: each change makes the browser restyle the tree.
            if item.has_attribute("hidden") == shown {
                let _ = item.toggle_attribute_with_force("hidden", !shown);
            }
            any |= shown;
        }
        any
    }

    /// A question's "code - label": the text of its link, without its status for screen readers
    /// nor the agency's value.
    fn own_text(link: &Element) -> String {
        let nodes = link.child_nodes();
        (0..nodes.length())
            .filter_map(|index| nodes.item(index))
            .filter(|node| node.node_type() == leptos::web_sys::Node::TEXT_NODE)
            .filter_map(|node| node.text_content())
            .collect()
    }

    /// Before opening `question`: the lists above it are unfolded and, with `scroll`, its link
    /// brought into view. Says whether the contract's own list had to be unfolded (its button
    /// follows a signal).
    pub fn reveal(question: i32, scroll: bool) -> bool {
        let Some(link) = link_of(question) else { return false };
        let mut contract_unfolded = false;
        let mut parent = link.parent_element();
        while let Some(element) = parent {
            if element.tag_name() == "UL" && element.has_attribute("hidden") {
                let id = element.id();
                contract_unfolded |= id == super::CONTRACT_LIST;
                fold(&id, true);
            }
            parent = element.parent_element();
        }
        remember_folding();
        if scroll {
            let options = leptos::web_sys::ScrollIntoViewOptions::new();
            options.set_block(leptos::web_sys::ScrollLogicalPosition::Nearest);
            link.scroll_into_view_with_scroll_into_view_options(&options);
        }
        contract_unfolded
    }

    /// Where the folding and the scrolling of this tree are kept in the browser.
    fn storage_key(what: &str) -> String {
        format!("ecars-{what}:{}", window().location().pathname().unwrap_or_default())
    }
    const FOLDED: &str = "plis";
    const SCROLLED: &str = "defilement";

    /// The lists folded now, kept for the next visit of this tree (in this browser).
    pub fn remember_folding() {
        let Ok(Some(storage)) = window().local_storage() else { return };
        let Ok(folded) = document().query_selector_all("ul.tree ul[hidden][id]") else { return };
        let ids: Vec<String> = (0..folded.length())
            .filter_map(|index| folded.item(index))
            .filter_map(|node| node.dyn_into::<Element>().ok())
            .map(|list| list.id())
            .collect();
        let _ = match ids.is_empty() {
            true => storage.remove_item(&storage_key(FOLDED)),
            false => storage.set_item(&storage_key(FOLDED), &ids.join(" ")),
        };
    }

    /// After a reload (or back to the page), the tree folded as it was and scrolled to where the
    /// user was; the chosen question is unfolded whatever was folded.
    pub fn restore_folding_and_place(contract_expanded: RwSignal<bool>, selected: Option<i32>) {
        if let Ok(Some(storage)) = window().local_storage() {
            let folded = storage.get_item(&storage_key(FOLDED)).ok().flatten().unwrap_or_default();
            for id in folded.split_whitespace() {
                fold(id, false);
                if id == super::CONTRACT_LIST {
                    contract_expanded.set(false);
                }
            }
        }
        // Unfolded only: the page stays where the address's anchor (the panel) or the reload put it.
        if let Some(question) = selected {
            if reveal(question, false) {
                contract_expanded.set(true);
            }
        }
        let history = window().history();
        if let Ok(history) = &history {
            // The browser would scroll the tree unfolded, before the folding above.
            let _ = history.set_scroll_restoration(leptos::web_sys::ScrollRestoration::Manual);
        }
        let session = window().session_storage().ok().flatten();
        let stored = session.as_ref().and_then(|session| session.get_item(&storage_key(SCROLLED)).ok().flatten());
        // Whole pixels: written and read back without float formatting, which the WASM then lacks.
        if let Some(y) = stored.and_then(|y| y.parse::<i32>().ok()).filter(|_| reloaded_or_back()) {
            window().scroll_to_with_x_and_y(0.0, f64::from(y));
        }
        let keep = window_event_listener_untyped("pagehide", move |_| {
            if let Some(session) = &session {
                let _ = session
                    .set_item(&storage_key(SCROLLED), &(window().scroll_y().unwrap_or_default() as i32).to_string());
            }
        });
        on_cleanup(move || keep.remove());
    }

    /// Whether this page was reloaded or came back through the history (not a new visit).
    fn reloaded_or_back() -> bool {
        use leptos::web_sys::{NavigationType, PerformanceNavigationTiming};
        let Some(performance) = window().performance() else { return false };
        performance
            .get_entries_by_type("navigation")
            .get(0)
            .dyn_into::<PerformanceNavigationTiming>()
            .is_ok_and(|timing| matches!(timing.type_(), NavigationType::Reload | NavigationType::BackForward))
    }

    /// The filter as it stands, in the address (replaced: not a new step of the history).
    pub fn keep_filter_in_address(filter: &TreeFilter) {
        if TreeFilter::from_query(&crate::layout::forms::page_query()) == *filter {
            return;
        }
        let location = window().location();
        let Ok(params) = leptos::web_sys::UrlSearchParams::new_with_str(&location.search().unwrap_or_default()) else {
            return;
        };
        for name in PARAMS {
            params.delete(name);
        }
        for (name, value) in filter.pairs() {
            params.set(name, value);
        }
        let query = String::from(params.to_string());
        let address = format!(
            "{}{}{query}{}",
            location.pathname().unwrap_or_default(),
            if query.is_empty() { "" } else { "?" },
            location.hash().unwrap_or_default()
        );
        if let Ok(history) = window().history() {
            let _ = history.replace_state_with_url(&leptos::wasm_bindgen::JsValue::NULL, "", Some(&address));
        }
    }
}

/// Back and forward move between the questions chosen. With unsaved changes in the panel,
/// leaving the question (any link, in the tree or elsewhere) or the page (reload, closing the
/// tab) asks for confirmation first.
#[cfg(feature = "hydrate")]
fn follow_history(selected: RwSignal<Option<i32>>, dirty: RwSignal<bool>) {
    use leptos::wasm_bindgen::{closure::Closure, JsCast};
    use leptos::web_sys::{Element, MouseEvent};
    use send_wrapper::SendWrapper;

    let history = window_event_listener(leptos::ev::popstate, move |_| selected.set(question_in_address()));
    let unload = window_event_listener(leptos::ev::beforeunload, move |event| {
        if dirty.get_untracked() {
            event.prevent_default();
        }
    });
    // Caught while capturing, before the tree handles the click. Links that are a choice about
    // the changes themselves (`data-choice`) and downloads do not ask.
    let on_click = Closure::<dyn Fn(MouseEvent)>::new(move |event: MouseEvent| {
        let on_link = event
            .target()
            .and_then(|target| target.dyn_into::<Element>().ok())
            .and_then(|element| element.closest("a[href]:not([data-choice]):not([download])").ok().flatten())
            .is_some();
        if !on_link || !dirty.get_untracked() {
            return;
        }
        if window()
            .confirm_with_message("Vos modifications ne sont pas enregistrées. Quitter cette question ?")
            .unwrap_or(true)
        {
            // Already confirmed: leaving the page must not ask a second time.
            dirty.set(false);
        } else {
            event.prevent_default();
            event.stop_propagation();
        }
    });
    let _ = window().add_event_listener_with_callback_and_bool("click", on_click.as_ref().unchecked_ref(), true);
    let on_click = SendWrapper::new(on_click);
    on_cleanup(move || {
        history.remove();
        unload.remove();
        let _ = window().remove_event_listener_with_callback_and_bool("click", on_click.as_ref().unchecked_ref(), true);
    });
}
