//! "Saisir les indicateurs": the collapsible indicator tree with its fill percentage, and the
//! panel of the question chosen in it (`?question=<id>`). The tree and its panel are one
//! island: choosing a question changes the address and the panel, not the page.

use leptos::prelude::*;
use leptos::reactive::computed::Selector;

use super::api::{get_indicator_tree, get_question};
use super::panel::{QuestionPanel, Statuses};
use super::{IndicatorTree, TreeNode};
use crate::app::contract_resource;
use crate::layout::forms::page_query;
use crate::layout::{when_loaded, ContractPageTop, ErrorAlert};

const TITLE: &str = "Saisir les indicateurs";
/// Query parameter of the chosen question.
const QUESTION_PARAM: &str = "question";

#[component]
pub fn IndicatorsPage() -> impl IntoView {
    let tree = contract_resource(get_indicator_tree);
    view! {
        {when_loaded(tree, |tree| view! {
            <ContractPageTop contract=tree.contract.clone() page=TITLE/>
            <h1>"Contrat : " {tree.contract.name.clone()}</h1>
            <TreeView tree/>
        })}
    }
}

/// The question chosen in the current address, if any.
fn question_in_address() -> Option<i32> {
    page_query().get(QUESTION_PARAM).and_then(|id| id.parse::<i32>().ok())
}

#[island]
fn TreeView(tree: IndicatorTree) -> impl IntoView {
    let statuses = Statuses::new(tree.statuses());
    // The same shared rule as on the server, recomputed as answers are saved.
    let progress = Memo::new(move |_| statuses.progress());
    let dirty = RwSignal::new(false);
    let selected = RwSignal::new(question_in_address());
    #[cfg(feature = "hydrate")]
    follow_history(selected, dirty);
    let IndicatorTree { contract, objectives } = tree;
    let contract_id = contract.id;
    // The contract node's state is lifted here so that "Replier le contrat" drives it.
    let contract_expanded = RwSignal::new(true);
    let selection = Selector::new(move || selected.get());
    let entity_expanded = RwSignal::new(true);
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
                aria-controls="arbre-contrat"
                aria-expanded=move || contract_expanded.get().to_string()
                on:click=move |_| contract_expanded.update(|expanded| *expanded = !*expanded)
            >
                {move || if contract_expanded.get() { "Replier le contrat" } else { "Déplier le contrat" }}
            </button>
        </p>
        <ul class="tree" aria-label="Indicateurs du contrat" on:click=move |event| choose_question(event, selected)>
            <li class="tree__node">
                <Toggle expanded=contract_expanded controls="arbre-contrat" title=contract.name.clone()/>
                <ul id="arbre-contrat" hidden=move || !contract_expanded.get()>
                    <li class="tree__node">
                        <Toggle expanded=entity_expanded controls="arbre-ej" title=format!("EJ - {}", contract.legal_entity.title())/>
                        <ul id="arbre-ej" hidden=move || !entity_expanded.get()>
                            {objectives.into_iter().map(|node| tree_node(node, statuses, &selection)).collect_view()}
                        </ul>
                    </li>
                </ul>
            </li>
        </ul>
        {(progress.get_untracked().required == 0).then(|| view! {
            <p>"Ce contrat ne comporte aucune question à saisir."</p>
        })}
        <SelectedQuestion contract_id selected=selected.into() statuses dirty/>
    }
}

/// The panel of the question in the address (`?question=<id>`), under the tree.
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

/// The button that folds or unfolds an inner node, operable with Enter or Space.
#[component]
fn Toggle(expanded: RwSignal<bool>, #[prop(into)] controls: String, title: String) -> impl IntoView {
    view! {
        <button
            type="button"
            class="tree__toggle"
            aria-controls=controls
            aria-expanded=move || expanded.get().to_string()
            on:click=move |_| expanded.update(|expanded| *expanded = !*expanded)
        >
            <span class="tree__chevron" aria-hidden="true"></span>
            {title}
        </button>
    }
}

/// A click on a question of the tree shows its panel without loading the page; the address
/// follows (`?question=<id>#question`), so the question can be bookmarked or shared. Clicks
/// meant for a new tab or window are left to the browser.
fn choose_question(event: leptos::ev::MouseEvent, selected: RwSignal<Option<i32>>) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        use leptos::web_sys::Element;

        if event.default_prevented()
            || event.button() != 0
            || event.ctrl_key()
            || event.meta_key()
            || event.shift_key()
            || event.alt_key()
        {
            return;
        }
        let link = event
            .target()
            .and_then(|target| target.dyn_into::<Element>().ok())
            .and_then(|element| element.closest("a.tree__question").ok().flatten());
        let Some((link, id)) =
            link.and_then(|link| Some((link.clone(), link.get_attribute("data-question")?.parse::<i32>().ok()?)))
        else {
            return;
        };
        event.prevent_default();
        let href = link.get_attribute("href").unwrap_or_default();
        if let Ok(history) = window().history() {
            let _ = history.push_state_with_url(&leptos::wasm_bindgen::JsValue::NULL, "", Some(&href));
        }
        selected.set(Some(id));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (event, selected);
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

fn tree_node(node: TreeNode, statuses: Statuses, selected: &Selector<Option<i32>>) -> AnyView {
    match node.status {
        Some(initial) => {
            let id = node.id;
            let status = statuses.of(id).unwrap_or_else(|| RwSignal::new(initial));
            let selected = selected.clone();
            // One reactive spot per question (dot and its meaning for screen readers), and the
            // selection is tracked per question: saving or choosing re-renders one leaf, not 500.
            view! {
                <li class="tree__leaf">
                    <a class="tree__question" href=format!("?{QUESTION_PARAM}={id}#question") data-question=id
                        aria-current=move || selected.selected(&Some(id)).then_some("true")>
                        {move || {
                            let status = status.get();
                            view! {
                                <span class=format!("tree__dot tree__dot--{}", status.css_modifier())
                                    title=status.label() aria-hidden="true"></span>
                                <span class="fr-sr-only">{status.label()} " : "</span>
                            }
                        }}
                        {node.title()}
                    </a>
                </li>
            }
            .into_any()
        }
        None => {
            let expanded = RwSignal::new(true);
            let list_id = format!("noeud-{}", node.id);
            let title = node.title();
            view! {
                <li class="tree__node">
                    <Toggle expanded controls=list_id.clone() title/>
                    <ul id=list_id hidden=move || !expanded.get()>
                        {node.children.into_iter().map(|child| tree_node(child, statuses, &selected)).collect_view()}
                    </ul>
                </li>
            }
            .into_any()
        }
    }
}
