//! The contract page: phase banner, every field of the contract, and the ways into it.

use leptos::prelude::*;

use super::api::get_contract;
use super::ContractDetail;
use crate::app::contract_resource;
use crate::layout::{contract_href, field_value, when_loaded, ContractPageTop};

#[component]
pub fn ContractPage() -> impl IntoView {
    let contract = contract_resource(get_contract);
    view! { {when_loaded(contract, |detail| view! { <ContractView detail/> })} }
}

#[component]
fn ContractView(detail: ContractDetail) -> impl IntoView {
    let ContractDetail {
        header,
        code,
        status,
        agency_contact,
        estimated_signature_date,
        effective_date,
        prorogation,
        effective_end_date,
        last_prorogation_date,
        created_on,
        status_reason,
        competence,
    } = detail;
    let href = contract_href(header.id);
    view! {
        <ContractPageTop contract=header.clone()/>
        <div class="contract-head">
            <h1>"Contrat : " {header.name.clone()}</h1>
            <ul class="fr-btns-group fr-btns-group--inline-md">
                <li><a class="fr-btn" href=format!("{href}/indicateurs")>"Saisir les indicateurs"</a></li>
            </ul>
        </div>
        <div class="fields-columns">
            <dl class="fields">
                <div><dt>"Contrat :"</dt><dd>{header.name}</dd></div>
                <div><dt>"Code :"</dt><dd>{code}</dd></div>
                <div><dt>"Contact ARS :"</dt><dd>{agency_contact}</dd></div>
                <div><dt>"Type de contrat :"</dt><dd>{header.kind}</dd></div>
                <div><dt>"Statut :"</dt><dd>{status}</dd></div>
                <div><dt>"Date de signature estimée :"</dt><dd>{field_value(estimated_signature_date)}</dd></div>
                <div><dt>"Date d'effet :"</dt><dd>{field_value(effective_date)}</dd></div>
                <div><dt>"Durée de prorogation :"</dt><dd>{field_value(prorogation)}</dd></div>
            </dl>
            <dl class="fields">
                <div><dt>"Date fin de contrat effective :"</dt><dd>{field_value(effective_end_date)}</dd></div>
                <div><dt>"Date de dernière prorogation :"</dt><dd>{field_value(last_prorogation_date)}</dd></div>
                <div><dt>"Créé le :"</dt><dd>{created_on}</dd></div>
                <div><dt>"Raison du statut :"</dt><dd>{field_value(status_reason)}</dd></div>
                <div><dt>"Compétence :"</dt><dd>{field_value(competence)}</dd></div>
            </dl>
        </div>
        <ul class="contract-links">
            <li><a class="fr-link fr-icon-arrow-right-line fr-link--icon-right" href=format!("{href}/contacts")>
                "Accéder à la liste des contacts administratifs"
            </a></li>
            <li><a class="fr-link fr-icon-arrow-right-line fr-link--icon-right" href=format!("{href}/etablissements")>
                "Accéder à la liste des établissements du contrat"
            </a></li>
        </ul>
    }
}
