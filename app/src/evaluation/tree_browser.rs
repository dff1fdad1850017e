//! The indicator tree in the browser. The server writes the tree (`tree_html.rs`) and the
//! island around it (`page.rs`); once hydrated, the island drives that HTML from here: folding,
//! the chosen question, the filter, the dots after a save, the address and the history.
//!
//! Compiled on both sides, run in the browser only: it is reached from effects and event
//! handlers, which the server never runs.

use ecars_core::evaluation::rules::{FillProgress, QuestionStatus};
use ecars_core::evaluation::tree_filter::{TreeFilter, TreeMatcher, PARAMS};
use leptos::prelude::*;
use leptos::wasm_bindgen::{closure::Closure, JsCast};
use leptos::web_sys::{Element, HtmlElement, MouseEvent};
use send_wrapper::SendWrapper;

use super::page::question_in_address;
use super::panel::Statuses;
use super::panel_browser::Panel;
use super::tree_html::CONTRACT_LIST;

/// The question chosen and the filter of the tree, which its address keeps.
#[derive(Clone, Copy)]
pub struct TreeNavigation {
    pub selected: RwSignal<Option<i32>>,
    pub filter: Memo<TreeFilter>,
    pub earlier_year: Option<i32>,
    pub contract_expanded: RwSignal<bool>,
}

impl TreeNavigation {
    /// Opens `question`'s panel without loading the page, the address following
    /// (`?question=<id>#question`, the filter kept) so that it can be bookmarked and reloaded.
    /// `saved`: the question just saved by "Enregistrer et passer à la suivante".
    pub fn open(self, question: i32, saved: Option<i32>) {
        let mut kept = self.filter.get_untracked().query();
        kept.extend(saved.map(|saved| format!("{}={saved}", super::PREVIOUS_PARAM)));
        let address = ecars_core::routes::question_query_in(question, self.earlier_year, &kept);
        if let Ok(history) = window().history() {
            history.push_state_with_url(&leptos::wasm_bindgen::JsValue::NULL, "", Some(&address)).ok();
        }
        if reveal(question, true) {
            self.contract_expanded.set(true);
        }
        self.selected.set(Some(question));
    }

    /// A click on a link to `question`: its panel opens without loading the page, unless the
    /// click is meant for a new tab or window.
    pub fn follow(self, event: MouseEvent, question: i32) {
        if !opens_elsewhere(&event) {
            event.prevent_default();
            self.open(question, None);
        }
    }
}

/// Once the island is hydrated: the tree as it was left (folding, scrolling), the chosen
/// question marked and its panel following the choice, the filter applied as it changes and
/// as answers turn green. `in_address`: the filter the server applied to the tree it sent.
pub fn start(
    navigation: TreeNavigation,
    panel: Panel,
    progress: Memo<FillProgress>,
    in_address: TreeFilter,
    shown_count: RwSignal<(usize, usize)>,
) {
    let TreeNavigation { selected, filter, contract_expanded, .. } = navigation;
    follow_history(selected, panel.dirty());
    panel.start();
    restore_folding_and_place(contract_expanded, selected.get_untracked());
    Effect::new(move |_| {
        fold(CONTRACT_LIST, contract_expanded.get());
        remember_folding();
    });
    Effect::new(move |_| mark_selected(selected.get()));
    // Another question chosen (in the tree, back or forward): its panel.
    Effect::new(move |_| panel.follow(selected.get()));
    // At hydration the server has already applied the filter of the address (the same rule):
    // walking the 500 questions again would only cost an old PC's first second.
    let statuses = panel.statuses();
    Effect::new(move |walked: Option<bool>| {
        progress.track();
        let filter = filter.get();
        let selected = selected.get();
        if walked.is_none() && filter == in_address {
            return false;
        }
        shown_count.set(apply_filter(&filter.matcher(), statuses, selected));
        keep_filter_in_address(&filter);
        true
    });
}

/// A click in the tree or the panel: a toggle folds or unfolds its list; a link to a question
/// (`data-question`) shows its panel without loading the page. Clicks meant for a new tab or
/// window are left to the browser.
pub fn on_tree_click(event: MouseEvent, navigation: TreeNavigation) {
    let Some(target) = event.target().and_then(|target| target.dyn_into::<Element>().ok()) else { return };
    if let Some(button) = target.closest("button.tree__toggle").ok().flatten() {
        let controls = button.get_attribute("aria-controls").unwrap_or_default();
        let expanded = button.get_attribute("aria-expanded").as_deref() != Some("true");
        match controls.as_str() {
            CONTRACT_LIST => navigation.contract_expanded.set(expanded),
            _ => fold(&controls, expanded),
        }
        remember_folding();
        return;
    }
    let Some(link) = target.closest("a[data-question]").ok().flatten() else { return };
    let Some(id) = link.get_attribute("data-question").and_then(|id| id.parse::<i32>().ok()) else { return };
    navigation.follow(event, id);
}

/// A click already handled, or meant for a new tab or window: left to the browser.
pub fn opens_elsewhere(event: &MouseEvent) -> bool {
    event.default_prevented()
        || event.button() != 0
        || event.ctrl_key()
        || event.meta_key()
        || event.shift_key()
        || event.alt_key()
}

/// Opens or closes the list `list_id`, and says so on the button that controls it.
pub fn fold(list_id: &str, expanded: bool) {
    let document = document();
    if let Some(list) = document.get_element_by_id(list_id).and_then(|list| list.dyn_into::<HtmlElement>().ok()) {
        list.set_hidden(!expanded);
    }
    if let Ok(Some(button)) = document.query_selector(&format!("button.tree__toggle[aria-controls='{list_id}']")) {
        button.set_attribute("aria-expanded", &expanded.to_string()).ok();
    }
}

/// `aria-current` on the chosen question's link only.
pub fn mark_selected(question: Option<i32>) {
    let document = document();
    if let Ok(Some(previous)) = document.query_selector("a.tree__question[aria-current]") {
        previous.remove_attribute("aria-current").ok();
    }
    if let Some(link) = question.and_then(link_of) {
        link.set_attribute("aria-current", "true").ok();
    }
}

/// The question's dot and its meaning for screen readers, after a save.
pub fn paint(question: i32, status: QuestionStatus) {
    let Some(link) = link_of(question) else { return };
    if let Ok(Some(dot)) = link.query_selector(".tree__dot") {
        dot.set_attribute("class", status.dot_class()).ok();
        dot.set_attribute("title", status.label()).ok();
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
pub fn apply_filter(matcher: &TreeMatcher, statuses: Statuses, selected: Option<i32>) -> (usize, usize) {
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
            item.toggle_attribute_with_force("hidden", !shown).ok();
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
            contract_unfolded |= id == CONTRACT_LIST;
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
            if id == CONTRACT_LIST {
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
        history.set_scroll_restoration(leptos::web_sys::ScrollRestoration::Manual).ok();
    }
    let session = window().session_storage().ok().flatten();
    let stored = session.as_ref().and_then(|session| session.get_item(&storage_key(SCROLLED)).ok().flatten());
    // Whole pixels: written and read back without float formatting, which the WASM then lacks.
    if let Some(y) = stored.and_then(|y| y.parse::<i32>().ok()).filter(|_| reloaded_or_back()) {
        window().scroll_to_with_x_and_y(0.0, f64::from(y));
    }
    let keep = window_event_listener_untyped("pagehide", move |_| {
        if let Some(session) = &session {
            let _ =
                session.set_item(&storage_key(SCROLLED), &(window().scroll_y().unwrap_or_default() as i32).to_string());
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
    if super::filter_in_address() == *filter {
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
        history.replace_state_with_url(&leptos::wasm_bindgen::JsValue::NULL, "", Some(&address)).ok();
    }
}

/// Back and forward move between the questions chosen. With unsaved changes in the panel,
/// leaving the question (any link, in the tree or elsewhere) or the page (reload, closing the
/// tab) asks for confirmation first.
pub fn follow_history(selected: RwSignal<Option<i32>>, dirty: RwSignal<bool>) {
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
