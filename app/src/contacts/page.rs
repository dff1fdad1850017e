//! "Contacts administratifs" of a contract, and the form that updates one contact. The form
//! works as a plain form post too: without JavaScript the server redirects back to the list, or
//! to the form with the error and what was typed.

use ecars_core::contacts::{ContactField, ContactInput};
use ecars_core::routes::{contact_href, contacts_href};
use leptos::form::ActionForm;
use leptos::prelude::*;

use super::api::{get_contact, list_contacts, SaveContact};
use super::{ContactDetail, ContactList, ContactRow, SAVED_PARAM};
use crate::accounts::csrf::CsrfField;
use crate::app::{contract_resource, id_resource};
use crate::layout::forms::{error_in_url, page_query, query_param, typed_before_hydration};
use crate::layout::{when_loaded, BackToContract, ContractPageTop};
use crate::AppError;

const TITLE: &str = "Contacts administratifs";
const BACK_TO_LIST: &str = "Retour vers la liste des contacts administratifs";

#[component]
pub fn ContactsPage() -> impl IntoView {
    let list = contract_resource(list_contacts);
    view! { {when_loaded(list, |list| view! { <ContactsView list/> })} }
}

#[component]
fn ContactsView(list: ContactList) -> impl IntoView {
    let ContactList { contract, contacts, editable } = list;
    let saved = query_param(SAVED_PARAM)
        .get_untracked()
        .and_then(|id| id.parse::<i32>().ok())
        .and_then(|id| contacts.iter().find(|contact| contact.id == id))
        .map(|contact| contact.function.clone());
    let contract_id = contract.id;
    let to_update = contacts.iter().filter(|contact| contact.blocks_closing()).count();
    view! {
        <ContractPageTop contract=contract.clone() page=TITLE/>
        <h1>{TITLE}</h1>
        <BackToContract id=contract_id/>
        {saved.map(|function| view! {
            <div class="fr-alert fr-alert--success fr-alert--sm fr-mb-3w" role="status">
                <p>{format!("Contact « {function} » enregistré.")}</p>
            </div>
        })}
        {(editable && to_update > 0).then(|| view! {
            <p class="fr-text--sm">
                "Avant de clore la saisie, enregistrez chaque contact obligatoire (même inchangé, pour le confirmer)."
            </p>
        })}
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
                        <th scope="col">{format!("Obligatoire {}", contract.kind.label())}</th>
                        <th scope="col">"Mise à jour"</th>
                        {editable.then(|| view! { <th scope="col"><span class="fr-sr-only">"Action"</span></th> })}
                    </tr>
                </thead>
                <tbody>
                    {contacts.is_empty().then(|| view! { <tr><td colspan="8">"Aucun contact."</td></tr> })}
                    {contacts.into_iter().map(|contact| contact_row(contract_id, contact, editable)).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

fn contact_row(contract_id: i32, contact: ContactRow, editable: bool) -> impl IntoView {
    let updated = if contact.updated {
        view! { <p class="fr-badge fr-badge--success fr-badge--sm">"Faite"</p> }.into_any()
    } else if contact.blocks_closing() {
        view! { <p class="fr-badge fr-badge--error fr-badge--sm">"À faire"</p> }.into_any()
    } else {
        view! { <span>"Non"</span> }.into_any()
    };
    let edit = editable.then(|| {
        let label = format!("Modifier le contact {}", contact.function);
        view! { <td><a class="fr-link" href=contact_href(contract_id, contact.id) aria-label=label>"Modifier"</a></td> }
    });
    view! {
        <tr>
            <td>{contact.function}</td>
            <td>{contact.last_name}</td>
            <td>{contact.first_name}</td>
            <td>{contact.email}</td>
            <td>{contact.phone}</td>
            <td>{if contact.mandatory { "Oui" } else { "Non" }}</td>
            <td>{updated}</td>
            {edit}
        </tr>
    }
}

#[component]
pub fn ContactPage() -> impl IntoView {
    let detail = id_resource("contact", get_contact);
    view! { {when_loaded(detail, |detail| view! { <ContactForm detail/> })} }
}

#[component]
fn ContactForm(detail: ContactDetail) -> impl IntoView {
    let ContactDetail { contract, contact, editable } = detail;
    let contract_id = contract.id;
    let title = format!("Contact {}", contact.function);
    view! {
        <ContractPageTop contract=contract.clone() page=TITLE/>
        <h1>{title}</h1>
        <p>
            <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href=contacts_href(contract_id)>{BACK_TO_LIST}</a>
        </p>
        {if editable {
            let saved = ContactInput {
                last_name: contact.last_name.unwrap_or_default(),
                first_name: contact.first_name.unwrap_or_default(),
                email: contact.email.unwrap_or_default(),
                phone: contact.phone.unwrap_or_default(),
            };
            view! { <ContactEditor contract_id contact_id=contact.id saved/> }.into_any()
        } else {
            view! {
                <p class="fr-badge fr-badge--info fr-mb-2w">"Consultation : ce contact n'est pas modifiable ici."</p>
                <dl class="fields">
                    <div><dt>"Nom :"</dt><dd>{contact.last_name}</dd></div>
                    <div><dt>"Prénom :"</dt><dd>{contact.first_name}</dd></div>
                    <div><dt>"Email :"</dt><dd>{contact.email}</dd></div>
                    <div><dt>"Téléphone :"</dt><dd>{contact.phone}</dd></div>
                </dl>
            }
            .into_any()
        }}
    }
}

/// The form, checked as the user types with the server's own rules.
#[island(lazy)]
fn ContactEditor(contract_id: i32, contact_id: i32, saved: ContactInput) -> impl IntoView {
    crate::app::island_ready();
    let save = ServerAction::<SaveContact>::new();
    // After a plain form post that failed, the address holds the error and what was typed.
    let error_after_post = error_in_url::<SaveContact>().get_untracked();
    let typed = match &error_after_post {
        Some(_) => {
            let query = page_query();
            let mut typed = ContactInput::default();
            for field in ContactField::ALL {
                *typed.field_mut(field) = query.get(field.name()).unwrap_or_default();
            }
            typed
        }
        None => saved,
    };
    let input = RwSignal::new(typed);
    // On a slow link, what was typed before the WASM arrived wins, once hydrated.
    let typed_before: Vec<_> = ContactField::ALL
        .into_iter()
        .filter_map(|field| typed_before_hydration(field.name()).map(|value| (field, value)))
        .collect();
    Effect::new(move |_| {
        for (field, value) in &typed_before {
            input.update(|input| *input.field_mut(*field) = value.clone());
        }
    });
    // Field messages appear once the user has tried to save: the same rules as the server's.
    let tried = RwSignal::new(error_after_post.is_some());
    let field_errors = Memo::new(move |_| input.with(|input| input.validate().err().unwrap_or_default()));
    // What the shared rules refuse is not sent: the same message as the server's is shown.
    let refused = RwSignal::new(None::<AppError>);
    let error = Signal::derive(move || {
        refused.get().or_else(|| match save.value().get() {
            Some(result) => result.err(),
            None => error_after_post.clone(),
        })
    });
    let check_before_sending = move |event: leptos::ev::MouseEvent| {
        tried.set(true);
        let refusal = input.with_untracked(|input| input.validate().err()).map(|errors| ContactInput::summary(&errors));
        if refusal.is_some() {
            event.prevent_default();
        }
        refused.set(refusal.map(AppError::Invalid));
    };
    Effect::new(move |_| {
        if let Some(Ok(saved)) = save.value().get() {
            let _ = window().location().set_href(&format!("{}?{SAVED_PARAM}={}", contacts_href(contract_id), saved.id));
        }
    });
    view! {
        {move || error.get().map(|error| view! {
            <crate::layout::forms::FormRefusal message=error.to_string()/>
        })}
        <ActionForm action=save attr:class="contact-form" attr:novalidate=true>
            <CsrfField/>
            <input type="hidden" name="contact_id" value=contact_id/>
            <p class="fr-text--sm">"Tous les champs sont obligatoires."</p>
            {ContactField::ALL.into_iter().map(|field| view! {
                <ContactFieldInput field input tried errors=field_errors/>
            }).collect_view()}
            <button class="fr-btn" type="submit" disabled=move || save.pending().get()
                on:click=check_before_sending>"Enregistrer"</button>
            <p role="status" class="fr-text--sm fr-mt-1w">
                {move || save.pending().get().then_some("Enregistrement…")}
            </p>
        </ActionForm>
    }
}

#[component]
fn ContactFieldInput(
    field: ContactField,
    input: RwSignal<ContactInput>,
    tried: RwSignal<bool>,
    errors: Memo<Vec<(ContactField, String)>>,
) -> impl IntoView {
    let name = field.name();
    let error_id = format!("{name}-erreur");
    let error = move || {
        tried
            .get()
            .then(|| errors.with(|errors| errors.iter().find(|(f, _)| *f == field).map(|(_, e)| e.clone())))
            .flatten()
    };
    let (kind, autocomplete, hint) = match field {
        ContactField::LastName => ("text", "family-name", None),
        ContactField::FirstName => ("text", "given-name", None),
        ContactField::Email => ("email", "email", Some("Format attendu : prenom.nom@etablissement.fr")),
        ContactField::Phone => ("tel", "tel", Some("10 chiffres commençant par 0, ou +33 suivi de 9 chiffres")),
    };
    view! {
        <div class=move || if error().is_some() { "fr-input-group fr-input-group--error" } else { "fr-input-group" }>
            <label class="fr-label" for=name>
                {field.label()}
                {hint.map(|hint| view! { <span class="fr-hint-text">{hint}</span> })}
            </label>
            <input class="fr-input" id=name name=name type=kind autocomplete=autocomplete required
                aria-describedby=error_id.clone()
                aria-invalid=move || error().is_some().then_some("true")
                value=input.with_untracked(|input| input.field(field).to_owned())
                prop:value=move || input.with(|input| input.field(field).to_owned())
                on:input=move |ev| input.update(|input| *input.field_mut(field) = event_target_value(&ev))/>
            <p class="fr-error-text" id=error_id hidden=move || error().is_none()>{error}</p>
        </div>
    }
}
