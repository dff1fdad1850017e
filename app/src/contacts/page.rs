//! "Contacts administratifs" of a contract (read-only until contacts can be edited).

use leptos::prelude::*;
use leptos_meta::Title;

use super::api::list_contacts;
use super::ContactList;
use crate::app::contract_id_param;
use crate::layout::{contract_crumbs, contract_href, when_loaded, Breadcrumb, PhaseBanner};
use crate::AppError;

const TITLE: &str = "Contacts administratifs";

#[component]
pub fn ContactsPage() -> impl IntoView {
    let id = contract_id_param();
    let list = Resource::new(move || id.get(), |id| async move {
        match id {
            Some(id) => list_contacts(id).await,
            None => Err(AppError::NotFound),
        }
    });
    view! {
        {when_loaded(list, |ContactList { contract, contacts }| view! {
            <Title text=format!("{TITLE} - {}", contract.name)/>
            <Breadcrumb crumbs=contract_crumbs(&contract, Some(TITLE))/>
            <PhaseBanner phase=contract.phase/>
            <h1>{TITLE}</h1>
            <p><a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href=contract_href(contract.id)>
                "Retour vers le contrat"
            </a></p>
            <div class="fr-table fr-table--no-caption">
                <table>
                    <caption>{TITLE}</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Fonction"</th>
                            <th scope="col">"Nom"</th>
                            <th scope="col">"Prénom"</th>
                            <th scope="col">"Email"</th>
                            <th scope="col">"Téléphone"</th>
                            <th scope="col">{format!("Obligatoire {}", contract.kind)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {contacts.is_empty().then(|| view! { <tr><td colspan="6">"Aucun contact."</td></tr> })}
                        {contacts
                            .into_iter()
                            .map(|contact| view! {
                                <tr>
                                    <td>{contact.function}</td>
                                    <td>{contact.last_name}</td>
                                    <td>{contact.first_name}</td>
                                    <td>{contact.email}</td>
                                    <td>{contact.phone}</td>
                                    <td>{if contact.mandatory { "Oui" } else { "Non" }}</td>
                                </tr>
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        })}
    }
}
