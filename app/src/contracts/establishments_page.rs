//! "Accéder à la liste des établissements du contrat".

use leptos::prelude::*;

use super::api::get_contract_establishments;
use super::ContractEstablishments;
use crate::app::contract_resource;
use crate::layout::{when_loaded, BackToContract, ContractPageTop};
use crate::legal_entities::EstablishmentTable;

const TITLE: &str = "Établissements du contrat";

#[component]
pub fn ContractEstablishmentsPage() -> impl IntoView {
    let list = contract_resource(get_contract_establishments);
    view! {
        {when_loaded(list, |ContractEstablishments { contract, establishments }| view! {
            <ContractPageTop contract=contract.clone() page=TITLE/>
            <h1>{TITLE}</h1>
            <BackToContract id=contract.id/>
            <EstablishmentTable establishments caption=TITLE/>
        })}
    }
}
