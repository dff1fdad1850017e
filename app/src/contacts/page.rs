//! "Contacts administratifs" of a contract (read-only until contacts can be edited).

use leptos::prelude::*;

use super::api::list_contacts;
use super::ContactList;
use crate::app::contract_resource;
use crate::layout::{when_loaded, BackToContract, ContractPageTop};

const TITLE: &str = "Contacts administratifs";

#[component]
pub fn ContactsPage() -> impl IntoView {
    let list = contract_resource(list_contacts);
    view! {
        {when_loaded(list, |ContactList { contract, contacts }| view! {
            <ContractPageTop contract=contract.clone() page=TITLE/>
            <h1>{TITLE}</h1>
            <BackToContract id=contract.id/>
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
