//! An establishment (ET): its identity, and "Documents de l'établissement" with the folder
//! "Documents", where its evaluation report is deposited.

use leptos::prelude::*;
use leptos_meta::Title;

use super::api::get_establishment;
use super::EstablishmentDetail;
use crate::app::id_resource;
use crate::documents::DocumentsIsland;
use crate::layout::{when_loaded, Breadcrumb};

#[component]
pub fn EstablishmentPage() -> impl IntoView {
    let detail = id_resource("id", get_establishment);
    view! { {when_loaded(detail, |detail| view! { <EstablishmentView detail/> })} }
}

#[component]
fn EstablishmentView(detail: EstablishmentDetail) -> impl IntoView {
    let EstablishmentDetail { establishment, legal_entity, documents } = detail;
    let title = format!("{} - {}", establishment.finess, establishment.name);
    view! {
        <Title text=title.clone()/>
        <Breadcrumb crumbs=vec![(legal_entity.title(), Some(legal_entity.href())), (title.clone(), None)]/>
        <h1>{format!("Etablissement : {title}")}</h1>
        <dl class="fields">
            <div><dt>"Finess :"</dt><dd>{establishment.finess.clone()}</dd></div>
            <div><dt>"Nom de l'établissement (ET) :"</dt><dd>{establishment.name.clone()}</dd></div>
            <div><dt>"Entité juridique (EJ) :"</dt><dd><a href=legal_entity.href()>{legal_entity.title()}</a></dd></div>
            <div><dt>"Région :"</dt><dd>{establishment.region.clone()}</dd></div>
            <div><dt>"Domaine :"</dt><dd>{establishment.domain.label()}</dd></div>
            <div><dt>"Adresse :"</dt><dd>{establishment.address.clone()}</dd></div>
        </dl>
        <DocumentsIsland title="Documents de l'établissement".to_owned() folder=documents subfolder="Documents".to_owned()/>
    }
}
