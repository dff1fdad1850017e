//! The sections of the administration, above each of its pages: an agency administrator's
//! imports and journal, a national administrator's agencies and journal.

use leptos::prelude::*;

use ecars_core::routes::{
    ACCOUNTS_PATH, AGENCIES_PATH, AGENCY_CONTRACTS_PATH, CAMPAIGNS_PATH, FINESS_IMPORT_PATH, JOURNAL_PATH,
    NATIONAL_VALUES_PATH, REFERENTIALS_PATH,
};

const AGENCY_SECTIONS: [(&str, &str); 7] = [
    ("Importer le fichier FINESS", FINESS_IMPORT_PATH),
    ("Référentiels d'indicateurs", REFERENTIALS_PATH),
    ("Contrats", AGENCY_CONTRACTS_PATH),
    ("Campagnes", CAMPAIGNS_PATH),
    ("Valeurs nationales", NATIONAL_VALUES_PATH),
    ("Comptes", ACCOUNTS_PATH),
    ("Journal des modifications", JOURNAL_PATH),
];
#[cfg_attr(not(feature = "ssr"), allow(dead_code))]
const NATIONAL_SECTIONS: [(&str, &str); 2] = [("Agences", AGENCIES_PATH), ("Journal des modifications", JOURNAL_PATH)];

/// The sections of the viewer's administration (rendered on the server: the session is at hand).
fn sections() -> &'static [(&'static str, &'static str)] {
    #[cfg(feature = "ssr")]
    {
        match crate::accounts::access::viewer() {
            Ok(viewer) if viewer.administers_agencies() => &NATIONAL_SECTIONS,
            _ => &AGENCY_SECTIONS,
        }
    }
    #[cfg(not(feature = "ssr"))]
    {
        &AGENCY_SECTIONS
    }
}

/// Links to every section; the current one (`current`, a path) is marked for screen readers.
#[component]
pub fn AdministrationMenu(current: &'static str) -> impl IntoView {
    view! {
        <nav class="fr-mb-3w" aria-label="Sections de l'administration">
            <ul class="fr-btns-group fr-btns-group--inline-sm fr-btns-group--sm">
                {sections().iter().map(|(label, href)| {
                    let here = *href == current;
                    view! {
                        <li>
                            <a class=if here { "fr-btn fr-btn--sm" } else { "fr-btn fr-btn--sm fr-btn--tertiary" }
                                href=*href aria-current=here.then_some("page")>{*label}</a>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </nav>
    }
}
