//! The sections of an agency's administration, above each of its pages.

use leptos::prelude::*;

use crate::routes::{FINESS_IMPORT_PATH, REFERENTIALS_PATH};

const SECTIONS: [(&str, &str); 2] =
    [("Importer le fichier FINESS", FINESS_IMPORT_PATH), ("Référentiels d'indicateurs", REFERENTIALS_PATH)];

/// Links to every section; the current one (`current`, a path) is marked for screen readers.
#[component]
pub fn AdministrationMenu(current: &'static str) -> impl IntoView {
    view! {
        <nav class="fr-mb-3w" aria-label="Sections de l'administration">
            <ul class="fr-btns-group fr-btns-group--inline-sm fr-btns-group--sm">
                {SECTIONS.map(|(label, href)| {
                    let here = href == current;
                    view! {
                        <li>
                            <a class=if here { "fr-btn fr-btn--sm" } else { "fr-btn fr-btn--sm fr-btn--tertiary" }
                                href=href aria-current=here.then_some("page")>{label}</a>
                        </li>
                    }
                })}
            </ul>
        </nav>
    }
}
