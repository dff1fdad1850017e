//! "Journal des modifications": the newest entries, filtered by person, kind and dates (a plain
//! GET form: it works before and without the WASM), and their CSV export with the same filter.

use ecars_core::routes::{JOURNAL_EXPORT_ROUTE, JOURNAL_PATH};
use leptos::prelude::*;
use leptos_meta::Title;

use super::journal::{
    ChangeKind, JournalFilter, JournalPage, FROM_PARAM, KIND_PARAM, PERSON_PARAM, SHOWN_ENTRIES, TO_PARAM,
};
use super::AdministrationMenu;
use crate::layout::forms::page_query;
use crate::layout::{when_loaded, Breadcrumb, ErrorNotice};
use crate::AppError;

fn reads_journal() -> bool {
    #[cfg(feature = "ssr")]
    {
        crate::accounts::access::viewer()
            .is_ok_and(|viewer| viewer.administers_agencies() || viewer.administers().is_some())
    }
    #[cfg(not(feature = "ssr"))]
    {
        true
    }
}

#[component]
pub fn JournalPage() -> impl IntoView {
    if !reads_journal() {
        return view! { <ErrorNotice error=AppError::NotFound/> }.into_any();
    }
    let query = page_query();
    let filter = JournalFilter::from_query(|name| query.get(name));
    let entries = Resource::new(
        {
            let filter = filter.clone();
            move || filter.clone()
        },
        super::api::journal,
    );
    let export = match filter.query() {
        query if query.is_empty() => JOURNAL_EXPORT_ROUTE.to_owned(),
        query => format!("{JOURNAL_EXPORT_ROUTE}?{query}"),
    };
    view! {
        <Title text="Journal des modifications"/>
        <Breadcrumb crumbs=vec![("Administration".to_owned(), None), ("Journal des modifications".to_owned(), None)]/>
        <h1>"Journal des modifications"</h1>
        <AdministrationMenu current=JOURNAL_PATH/>
        <FilterForm filter/>
        <p>
            <a class="fr-link fr-icon-download-line fr-link--icon-left" href=export download>
                "Exporter en CSV (avec ces filtres)"
            </a>
        </p>
        {when_loaded(entries, |page| view! { <Entries page/> })}
    }
    .into_any()
}

#[component]
fn FilterForm(filter: JournalFilter) -> impl IntoView {
    view! {
        <form method="get" action=JOURNAL_PATH class="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom fr-mb-3w">
            <div class="fr-col-12 fr-col-md-3 fr-input-group">
                <label class="fr-label" for="personne">"Personne"<span class="fr-hint-text">"Tout ou partie de l'identifiant"</span></label>
                <input class="fr-input" id="personne" name=PERSON_PARAM type="search" value=filter.person autocomplete="off"/>
            </div>
            <div class="fr-col-12 fr-col-md-3 fr-select-group">
                <label class="fr-label" for="type">"Type de modification"</label>
                <select class="fr-select" id="type" name=KIND_PARAM>
                    <option value="" selected=filter.kind.is_none()>"Tous"</option>
                    {ChangeKind::ALL.map(|kind| view! {
                        <option value=kind.code() selected=filter.kind == Some(kind)>{kind.label()}</option>
                    })}
                </select>
            </div>
            <div class="fr-col-6 fr-col-md-2 fr-input-group">
                <label class="fr-label" for="du">"Du"</label>
                <input class="fr-input" id="du" name=FROM_PARAM type="date" value=filter.from.unwrap_or_default()/>
            </div>
            <div class="fr-col-6 fr-col-md-2 fr-input-group">
                <label class="fr-label" for="au">"Au"</label>
                <input class="fr-input" id="au" name=TO_PARAM type="date" value=filter.to.unwrap_or_default()/>
            </div>
            <div class="fr-col-12 fr-col-md-2">
                <button class="fr-btn" type="submit">"Filtrer"</button>
            </div>
        </form>
    }
}

fn values(values: &[(String, String)]) -> impl IntoView {
    (!values.is_empty()).then(|| {
        view! {
            <ul class="fr-text--sm fr-mb-0">
                {values.iter().map(|(field, value)| view! { <li>{format!("{field} : {value}")}</li> }).collect_view()}
            </ul>
        }
    })
}

#[component]
fn Entries(page: JournalPage) -> impl IntoView {
    if page.rows.is_empty() {
        return view! { <p>"Aucune entrée ne correspond à ces filtres."</p> }.into_any();
    }
    let caption = if page.total > SHOWN_ENTRIES {
        format!("Les {} plus récentes des {} entrées (toutes sont dans l'export CSV)", page.rows.len(), page.total)
    } else {
        format!("{} entrée(s), les plus récentes d'abord", page.total)
    };
    view! {
        <div class="fr-table">
            <table>
                <caption>{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Date"</th>
                        <th scope="col">"Personne"</th>
                        <th scope="col">"Type"</th>
                        <th scope="col">"Objet"</th>
                        <th scope="col">"Avant"</th>
                        <th scope="col">"Après"</th>
                    </tr>
                </thead>
                <tbody>
                    {page.rows.into_iter().map(|row| view! {
                        <tr>
                            <td>{row.recorded_at}</td>
                            <td>{row.actor}</td>
                            <td>{row.kind.label()}</td>
                            <td>{row.subject}</td>
                            <td>{values(&row.before)}</td>
                            <td>{values(&row.after)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
