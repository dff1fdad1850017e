//! "Modifier le contrat": the creation form's fields, filled with the contract's, for an agency
//! administrator. A plain form: it works before and without the WASM.

use ecars_core::routes::{contract_href, AGENCY_CONTRACTS_PATH};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

use super::administration_page::ContractFields;
use super::api::EditContract;
use super::edition::{ContractEdition, EDITED_MESSAGE, EDITED_PARAM};
use crate::accounts::csrf::CsrfField;
use crate::administration::AdministrationMenu;
use crate::layout::forms::{form_error, query_param, DoneNotice, FormRefusal};
use crate::layout::{when_loaded, Breadcrumb, ErrorNotice};
use crate::AppError;

#[component]
pub fn ContractEditionPage() -> impl IntoView {
    if !crate::administration::viewer_administers_an_agency() {
        return view! { <ErrorNotice error=AppError::NotFound/> }.into_any();
    }
    let edition = crate::app::id_resource("id", super::api::contract_edition);
    let edited = query_param(EDITED_PARAM).get_untracked().is_some();
    view! { {when_loaded(edition, move |edition| view! { <EditionForm edition edited/> })} }.into_any()
}

#[component]
fn EditionForm(edition: ContractEdition, edited: bool) -> impl IntoView {
    let edit = ServerAction::<EditContract>::new();
    let error = form_error(edit);
    let ContractEdition { id, legal_entity, referential, form, establishments } = edition;
    let title = format!("Modifier le contrat {}", form.name);
    view! {
        <Title text=title.clone()/>
        <Breadcrumb crumbs=vec![
            ("Administration".to_owned(), None),
            ("Contrats".to_owned(), Some(AGENCY_CONTRACTS_PATH.to_owned())),
            (form.name.clone(), None),
        ]/>
        <h1>{title}</h1>
        <AdministrationMenu current=AGENCY_CONTRACTS_PATH/>
        <DoneNotice message=edited.then(|| EDITED_MESSAGE.to_owned())/>
        <dl class="fields">
            <div><dt>"Entité juridique :"</dt><dd><a href=legal_entity.href()>{legal_entity.title()}</a></dd></div>
            <div><dt>"Référentiel :"</dt><dd>{referential.unwrap_or_else(|| "—".to_owned())}</dd></div>
        </dl>
        <p><a class="fr-link" href=contract_href(id)>"Voir la page du contrat"</a></p>
        {move || error.get().map(|error| view! { <FormRefusal message=error.to_string()/> })}
        <ActionForm action=edit attr:class="fr-col-12 fr-col-md-10 fr-px-0">
            <CsrfField/>
            <input type="hidden" name="id" value=id.to_string()/>
            <ContractFields values=form establishments/>
            <button class="fr-btn" type="submit">"Enregistrer les modifications"</button>
        </ActionForm>
    }
}
