//! "Accéder à la liste des établissements du contrat".

use leptos::prelude::*;
use leptos_meta::Title;

use super::api::get_contract_establishments;
use super::ContractEstablishments;
use crate::app::contract_id_param;
use crate::layout::{contract_crumbs, contract_href, when_loaded, Breadcrumb, PhaseBanner};
use crate::legal_entities::EstablishmentTable;
use crate::AppError;

const TITLE: &str = "Établissements du contrat";

#[component]
pub fn ContractEstablishmentsPage() -> impl IntoView {
    let id = contract_id_param();
    let list = Resource::new(move || id.get(), |id| async move {
        match id {
            Some(id) => get_contract_establishments(id).await,
            None => Err(AppError::NotFound),
        }
    });
    view! {
        {when_loaded(list, |ContractEstablishments { contract, establishments }| view! {
            <Title text=format!("{TITLE} - {}", contract.name)/>
            <Breadcrumb crumbs=contract_crumbs(&contract, Some(TITLE))/>
            <PhaseBanner phase=contract.phase/>
            <h1>{TITLE}</h1>
            <p><a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href=contract_href(contract.id)>
                "Retour vers le contrat"
            </a></p>
            <EstablishmentTable establishments caption=TITLE/>
        })}
    }
}
