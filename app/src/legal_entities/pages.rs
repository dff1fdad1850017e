//! "Gestion des Contrats" (home) and the legal entity page.

use ecars_core::routes::{contract_href, establishment_href};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::api::{get_legal_entity, list_legal_entities};
use super::sorting::sort_rows;
use super::{EstablishmentRow, LegalEntityDetail, LegalEntityRow, SortKey, SortOrder};
use crate::contracts::{ContractSummary, CpomSummary};
use crate::layout::{when_loaded, Breadcrumb, Page, Pagination};
use crate::AppError;

const CONTRACTS_PER_PAGE: usize = 10;

#[component]
pub fn HomePage() -> impl IntoView {
    let entities = Resource::new(|| (), |_| list_legal_entities());
    let query = use_query_map();
    let sort = Memo::new(move |_| {
        let query = query.read();
        (SortKey::from_param(query.get_str("tri")), SortOrder::from_param(query.get_str("ordre")))
    });
    view! {
        <Title text="Gestion des Contrats"/>
        <h1>"Gestion des Contrats"</h1>
        {when_loaded(entities, move |rows| view! { <LegalEntityTable rows sort/> })}
    }
}

#[component]
fn LegalEntityTable(rows: Vec<LegalEntityRow>, sort: Memo<(SortKey, SortOrder)>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p>"Aucune entité juridique ne vous est rattachée."</p> }.into_any();
    }
    view! {
        <div class="fr-table fr-table--no-caption">
            <table>
                <caption>"Entités juridiques"</caption>
                <thead>
                    <tr>
                        {move || {
                            let (current, order) = sort.get();
                            SortKey::ALL
                                .into_iter()
                                .map(|key| {
                                    let sorted = key == current;
                                    let next = if sorted { order.reversed() } else { SortOrder::Ascending };
                                    let href = format!("/?tri={}&ordre={}", key.param(), next.param());
                                    let arrow = match (sorted, order) {
                                        (false, _) => "↕",
                                        (true, SortOrder::Ascending) => "▲",
                                        (true, SortOrder::Descending) => "▼",
                                    };
                                    view! {
                                        <th scope="col" aria-sort=sorted.then(|| order.aria())>
                                            <a class="sort-link" href=href>
                                                {key.heading()}
                                                <span aria-hidden="true">" " {arrow}</span>
                                                <span class="fr-sr-only">" (trier)"</span>
                                            </a>
                                        </th>
                                    }
                                })
                                .collect_view()
                        }}
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        let (key, order) = sort.get();
                        let mut rows = rows.clone();
                        sort_rows(&mut rows, key, order);
                        rows.into_iter()
                            .map(|row| view! {
                                <tr>
                                    <td><a href=row.entity.href()>{row.entity.title()}</a></td>
                                    <td>{row.address}</td>
                                    <td>{row.phone}</td>
                                </tr>
                            })
                            .collect_view()
                    }}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
pub fn LegalEntityPage() -> impl IntoView {
    let params = use_params_map();
    let entity = Resource::new(
        move || params.read().get("finess"),
        |finess| async move {
            match finess {
                Some(finess) => get_legal_entity(finess).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! { {when_loaded(entity, |detail| view! { <LegalEntityView detail/> })} }
}

#[component]
fn LegalEntityView(detail: LegalEntityDetail) -> impl IntoView {
    let LegalEntityDetail { entity, address, phone, medico_social, contracts, cpoms, establishments } = detail;
    view! {
        <Title text=entity.title()/>
        <Breadcrumb crumbs=vec![(entity.title(), None)]/>
        <h1>{entity.name.clone()}</h1>
        <dl class="fields">
            <div><dt>"Raison Sociale :"</dt><dd>{entity.name.clone()}</dd></div>
            <div><dt>"Finess Juridique :"</dt><dd>{entity.finess.clone()}</dd></div>
            <div><dt>"Adresse :"</dt><dd>{address}</dd></div>
            <div><dt>"Téléphone :"</dt><dd>{phone}</dd></div>
        </dl>
        <ContractList contracts base_href=entity.href()/>
        {(medico_social && !cpoms.is_empty()).then(|| view! { <CpomList cpoms/> })}
        // Every entity lists its establishments, so that a hospital's users reach each one's
        // "Documents de l'établissement" too.
        <h2>"Liste des établissements"</h2>
        <EstablishmentTable establishments caption="Établissements de l'entité juridique"/>
    }
}

#[component]
fn ContractList(contracts: Vec<ContractSummary>, base_href: String) -> impl IntoView {
    let query = use_query_map();
    let total = contracts.len();
    let page = Memo::new(move |_| Page::of(query.read().get_str("page"), total, CONTRACTS_PER_PAGE));
    view! {
        <h2>"Liste des contrats"</h2>
        {move || {
            let page = page.get();
            let rows = contracts[page.range(total)].to_vec();
            let base_href = base_href.clone();
            view! {
                <div class="fr-table fr-table--no-caption">
                    <table>
                        <caption>"Liste des contrats"</caption>
                        <thead>
                            <tr>
                                <th scope="col">"Type de contrat"</th>
                                <th scope="col">"Contrat"</th>
                                <th scope="col">"Statut du contrat"</th>
                                <th scope="col">"Date d'effet"</th>
                                <th scope="col">"Date de fin de contrat effective"</th>
                                <th scope="col">"Etat en cours"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {rows.is_empty().then(|| view! { <tr><td colspan="6">"Aucun contrat."</td></tr> })}
                            {rows.into_iter()
                                .map(|contract| view! {
                                    <tr>
                                        <td>{contract.kind.label()}</td>
                                        <td><a href=contract_href(contract.id)>{contract.name}</a></td>
                                        <td>{contract.status}</td>
                                        <td>{contract.effective_date}</td>
                                        <td>{contract.effective_end_date}</td>
                                        <td>{contract.phase.label()}</td>
                                    </tr>
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                </div>
                <Pagination page href=move |n| format!("{base_href}?page={n}")/>
            }
        }}
    }
}

#[component]
fn CpomList(cpoms: Vec<CpomSummary>) -> impl IntoView {
    view! {
        <h2>"Liste de mes CPOM"</h2>
        <div class="fr-table fr-table--no-caption">
            <table>
                <caption>"Liste de mes CPOM"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Nom du CPOM"</th>
                        <th scope="col">"Créé le"</th>
                        <th scope="col">"Raison du statut"</th>
                        <th scope="col">"Compétence"</th>
                        <th scope="col">"Date d'effet"</th>
                    </tr>
                </thead>
                <tbody>
                    {cpoms
                        .into_iter()
                        .map(|cpom| view! {
                            <tr>
                                <td><a href=contract_href(cpom.id)>{cpom.name}</a></td>
                                <td>{cpom.created_on}</td>
                                <td>{cpom.status_reason}</td>
                                <td>{cpom.competence}</td>
                                <td>{cpom.effective_date}</td>
                            </tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// "Liste des établissements", under a legal entity or a contract.
#[component]
pub fn EstablishmentTable(establishments: Vec<EstablishmentRow>, caption: &'static str) -> impl IntoView {
    if establishments.is_empty() {
        return view! { <p>"Aucun établissement."</p> }.into_any();
    }
    view! {
        <div class="fr-table fr-table--no-caption">
            <table>
                <caption>{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Nom de l'établissement (ET)"</th>
                        <th scope="col">"Région"</th>
                        <th scope="col">"Domaine"</th>
                        <th scope="col">"Adresse"</th>
                    </tr>
                </thead>
                <tbody>
                    {establishments
                        .into_iter()
                        .map(|establishment| view! {
                            <tr>
                                <td>
                                    <a href=establishment_href(establishment.id)>
                                        {format!("{} - {}", establishment.finess, establishment.name)}
                                    </a>
                                </td>
                                <td>{establishment.region}</td>
                                <td>{establishment.domain.label()}</td>
                                <td>{establishment.address}</td>
                            </tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
