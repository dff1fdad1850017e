//! "Saisir les indicateurs": the collapsible indicator tree with its fill percentage.

use leptos::prelude::*;

use super::api::get_indicator_tree;
use super::{IndicatorTree, TreeNode};
use crate::app::contract_resource;
use crate::layout::{when_loaded, ContractPageTop};

const TITLE: &str = "Saisir les indicateurs";

#[component]
pub fn IndicatorsPage() -> impl IntoView {
    let tree = contract_resource(get_indicator_tree);
    view! { {when_loaded(tree, |tree| view! { <TreeView tree/> })} }
}

#[component]
fn TreeView(tree: IndicatorTree) -> impl IntoView {
    let progress = tree.progress();
    let IndicatorTree { contract, objectives } = tree;
    // The contract node's state is lifted here so that "Replier le contrat" drives it.
    let contract_expanded = RwSignal::new(true);
    let entity_expanded = RwSignal::new(true);
    view! {
        <ContractPageTop contract=contract.clone() page=TITLE/>
        <h1>"Contrat : " {contract.name.clone()}</h1>
        <p class="fill-percentage" id="pourcentage">
            "Pourcentage de remplissage : " <strong>{format!("{} %", progress.percentage())}</strong>
            <span class="fr-sr-only">{format!(" ({} questions saisies sur {})", progress.answered, progress.required)}</span>
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
        <ul class="tree" aria-label="Indicateurs du contrat">
            <li class="tree__node">
                <Toggle expanded=contract_expanded controls="arbre-contrat" title=contract.name.clone()/>
                <ul id="arbre-contrat" hidden=move || !contract_expanded.get()>
                    <li class="tree__node">
                        <Toggle expanded=entity_expanded controls="arbre-ej" title=format!("EJ - {}", contract.legal_entity.title())/>
                        <ul id="arbre-ej" hidden=move || !entity_expanded.get()>
                            {objectives.into_iter().map(tree_node).collect_view()}
                        </ul>
                    </li>
                </ul>
            </li>
        </ul>
        {(progress.required == 0).then(|| view! {
            <p>"Ce contrat ne comporte aucune question à saisir."</p>
        })}
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

fn tree_node(node: TreeNode) -> AnyView {
    match node.status {
        Some(status) => view! {
            <li class="tree__leaf">
                <span class=format!("tree__dot tree__dot--{}", status.css_modifier()) title=status.label() aria-hidden="true"></span>
                <span class="fr-sr-only">{status.label()} " : "</span>
                {node.title()}
            </li>
        }
        .into_any(),
        None => {
            let expanded = RwSignal::new(true);
            let list_id = format!("noeud-{}", node.id);
            let title = node.title();
            view! {
                <li class="tree__node">
                    <Toggle expanded controls=list_id.clone() title/>
                    <ul id=list_id hidden=move || !expanded.get()>
                        {node.children.into_iter().map(tree_node).collect_view()}
                    </ul>
                </li>
            }
            .into_any()
        }
    }
}
