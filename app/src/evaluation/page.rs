//! "Saisir les indicateurs": the collapsible indicator tree with its fill percentage, and the
//! panel of the question chosen in it (`?question=<id>`).
//!
//! The tree is plain HTML rendered by the server (usable without JavaScript: every node open,
//! every question a link). One island around it holds the percentage, "Replier le contrat" and
//! the panel, and acts on the tree through the page: folding, choosing a question without a page
//! load, a dot turning green after a save. So the tree is sent once, not again as island data.

use leptos::prelude::*;

use super::api::{get_indicator_tree, get_question};
use super::panel::{QuestionPanel, Statuses};
use super::rules::QuestionStatus;
use super::tree_html::{tree_items, CONTRACT_LIST};
use super::IndicatorTree;
use crate::app::contract_resource_with;
use crate::layout::forms::page_query;
use crate::layout::{when_loaded, ContractPageTop, ErrorAlert};
use crate::routes::{indicators_href, QUESTION_PARAM};

const TITLE: &str = "Saisir les indicateurs";

#[component]
pub fn IndicatorsPage() -> impl IntoView {
    let tree = contract_resource_with(super::years::YEAR_PARAM, get_indicator_tree);
    view! {
        {when_loaded(tree, |tree| {
            let statuses = tree.statuses();
            let IndicatorTree { contract, objectives, earlier } = tree;
            let selected = question_in_address();
            let earlier_year = earlier.then_some(contract.year);
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
                <TreeView contract_id=contract.id statuses>
                    <ul class="tree" aria-label="Indicateurs du contrat"
                        inner_html=tree_items(&contract.name, &contract.legal_entity.title(), &objectives, selected, earlier_year)>
                    </ul>
                </TreeView>
            }
        })}
    }
}

/// The question chosen in the current address, if any.
fn question_in_address() -> Option<i32> {
    page_query().get(QUESTION_PARAM).and_then(|id| id.parse::<i32>().ok())
}

#[island]
fn TreeView(contract_id: i32, statuses: Vec<(i32, QuestionStatus)>, children: Children) -> impl IntoView {
    let statuses = Statuses::new(statuses);
    // The same shared rule as on the server, recomputed as answers are saved.
    let progress = Memo::new(move |_| statuses.progress());
    let dirty = RwSignal::new(false);
    let selected = RwSignal::new(question_in_address());
    let contract_expanded = RwSignal::new(true);
    #[cfg(feature = "hydrate")]
    {
        follow_history(selected, dirty);
        Effect::new(move |_| tree_dom::fold(CONTRACT_LIST, contract_expanded.get()));
        Effect::new(move |_| tree_dom::mark_selected(selected.get()));
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
                on:click=move |_| contract_expanded.update(|expanded| *expanded = !*expanded)
            >
                {move || if contract_expanded.get() { "Replier le contrat" } else { "Déplier le contrat" }}
            </button>
        </p>
        {(progress.get_untracked().required == 0).then(|| view! {
            <p>"Ce contrat ne comporte aucune question à saisir."</p>
        })}
        // On a wide screen, once a question is chosen, its panel stands beside the tree and stays
        // in view while the tree scrolls; on a narrow one it comes under the tree.
        <div class="tree-layout">
            <div class="tree-area" on:click=move |event| on_tree_click(event, selected, contract_expanded)>
                {children()}
            </div>
            <div class="tree-layout__panel">
                <SelectedQuestion contract_id selected=selected.into() statuses dirty/>
            </div>
        </div>
    }
}

/// The panel of the question in the address (`?question=<id>`), beside or under the tree.
#[component]
fn SelectedQuestion(
    contract_id: i32,
    selected: Signal<Option<i32>>,
    statuses: Statuses,
    dirty: RwSignal<bool>,
) -> impl IntoView {
    let detail = Resource::new(
        move || selected.get(),
        |id| async move {
            match id {
                Some(id) => get_question(id).await.map(Some),
                None => Ok(None),
            }
        },
    );
    view! {
        <Transition fallback=|| view! { <p role="status">"Chargement de la question…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    // A question of another contract is not shown here.
                    Ok(Some(detail)) if detail.contract.id == contract_id => {
                        dirty.set(false);
                        view! { <QuestionPanel detail statuses dirty/> }.into_any()
                    }
                    Ok(_) => ().into_any(),
                    Err(error) => view! { <ErrorAlert error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// A click in the tree: a toggle folds or unfolds its list; a question shows its panel without
/// loading the page, the address following (`?question=<id>#question`) so that it can be
/// bookmarked. Clicks meant for a new tab or window are left to the browser.
fn on_tree_click(event: leptos::ev::MouseEvent, selected: RwSignal<Option<i32>>, contract_expanded: RwSignal<bool>) {
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
            return;
        }
        if event.default_prevented()
            || event.button() != 0
            || event.ctrl_key()
            || event.meta_key()
            || event.shift_key()
            || event.alt_key()
        {
            return;
        }
        let Some(link) = target.closest("a.tree__question").ok().flatten() else { return };
        let Some(id) = link.get_attribute("data-question").and_then(|id| id.parse::<i32>().ok()) else { return };
        event.prevent_default();
        let href = link.get_attribute("href").unwrap_or_default();
        if let Ok(history) = window().history() {
            let _ = history.push_state_with_url(&leptos::wasm_bindgen::JsValue::NULL, "", Some(&href));
        }
        selected.set(Some(id));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (event, selected, contract_expanded);
}

/// What the island changes in the server-rendered tree.
#[cfg(feature = "hydrate")]
pub(super) mod tree_dom {
    use leptos::prelude::*;
    use leptos::wasm_bindgen::JsCast;
    use leptos::web_sys::HtmlElement;

    use crate::evaluation::rules::QuestionStatus;

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
