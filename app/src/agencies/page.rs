//! "Agences": the national administrators' list of agencies and the form that creates one with
//! its first administrator (a plain form: it works before and without the WASM).

use ecars_core::finess::REGIONS;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

use super::api::{created_message, CreateAgency};
use super::{AgencyRow, CREATED_PARAM};
use crate::accounts::csrf::CsrfField;
use crate::layout::forms::{form_error, query_param};
use crate::layout::{when_loaded, Breadcrumb, ErrorNotice};
use crate::AppError;

fn national_administrator() -> bool {
    #[cfg(feature = "ssr")]
    {
        crate::accounts::access::viewer().is_ok_and(|viewer| viewer.administers_agencies())
    }
    #[cfg(not(feature = "ssr"))]
    {
        true
    }
}

#[component]
pub fn AgenciesPage() -> impl IntoView {
    if !national_administrator() {
        return view! { <ErrorNotice error=AppError::NotFound/> }.into_any();
    }
    let created = query_param(CREATED_PARAM).get_untracked().map(|name| created_message(&name));
    let agencies = Resource::new(|| (), |_| super::api::agencies());
    view! {
        <Title text="Agences"/>
        <Breadcrumb crumbs=vec![("Administration".to_owned(), None), ("Agences".to_owned(), None)]/>
        <h1>"Agences"</h1>
        <crate::administration::AdministrationMenu current=ecars_core::routes::AGENCIES_PATH/>
        <crate::layout::forms::DoneNotice message=created/>
        {when_loaded(agencies, |agencies| view! { <AgencyTable agencies/> })}
        <CreationForm/>
    }
    .into_any()
}

#[component]
fn AgencyTable(agencies: Vec<AgencyRow>) -> impl IntoView {
    if agencies.is_empty() {
        return view! { <p>"Aucune agence pour l'instant : créez la première ci-dessous."</p> }.into_any();
    }
    view! {
        <div class="fr-table">
            <table>
                <caption>{format!("{} agence(s)", agencies.len())}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Agence"</th>
                        <th scope="col">"Région et départements"</th>
                        <th scope="col">"Service qualité"</th>
                        <th scope="col">"Support"</th>
                        <th scope="col">"Administrateurs"</th>
                        <th scope="col">"Entités juridiques"</th>
                    </tr>
                </thead>
                <tbody>
                    {agencies.into_iter().map(|agency| view! {
                        <tr>
                            <th scope="row">{agency.name}</th>
                            <td>{format!("{} ({})", agency.region, agency.departements.join(", "))}</td>
                            <td>{agency.quality_email}</td>
                            <td>{format!("{} ; {}", agency.support_email, agency.support_phone)}</td>
                            <td>{agency.administrators.join(", ")}</td>
                            <td>{agency.legal_entities}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// A text field of the form, filled again with what was typed after a refused plain post.
fn field(
    (id, name): (&'static str, &'static str),
    label: &'static str,
    hint: &'static str,
    (kind, required): (&'static str, bool),
) -> impl IntoView {
    let typed = query_param(id).get_untracked().unwrap_or_default();
    view! {
        <div class="fr-input-group">
            <label class="fr-label" for=id>
                {label}
                {(!hint.is_empty()).then(|| view! { <span class="fr-hint-text">{hint}</span> })}
            </label>
            <input class="fr-input" id=id name=name type=kind value=typed required=required
                autocomplete="off" spellcheck="false"/>
        </div>
    }
}

#[component]
fn CreationForm() -> impl IntoView {
    let create = ServerAction::<CreateAgency>::new();
    let error = form_error(create);
    let chosen = query_param("region").get_untracked().unwrap_or_default();
    view! {
        <h2 class="fr-h4 fr-mt-5w">"Créer une agence"</h2>
        <p>
            "L'agence est créée avec son premier administrateur, qui reçoit aussitôt son invitation par email. "
            "Ses entités juridiques et ses établissements viennent ensuite de l'import du fichier FINESS."
        </p>
        {move || error.get().map(|error| view! {
            <crate::layout::forms::FormRefusal message=error.to_string()/>
        })}
        <ActionForm action=create attr:class="fr-col-12 fr-col-md-8 fr-px-0">
            <CsrfField/>
            {field(("nom", "name"), "Nom de l'agence", "Par exemple : ARS Bourgogne-Franche-Comté", ("text", true))}
            <div class="fr-select-group">
                <label class="fr-label" for="region">"Région"</label>
                <select class="fr-select" id="region" name="region" required>
                    <option value="" disabled selected=chosen.is_empty()>"Choisir une région"</option>
                    {REGIONS.iter().map(|region| view! {
                        <option value=region.name selected=region.name == chosen>{region.name}</option>
                    }).collect_view()}
                </select>
            </div>
            {field(
                ("departements", "departements"),
                "Départements",
                "Facultatif : tous ceux de la région si vous n'en indiquez aucun. Séparés par des virgules.",
                ("text", false),
            )}
            {field(
                ("qualite", "quality_email"),
                "Adresse du service qualité",
                "Prévenue de chaque rapport d'évaluation déposé ; affichée pour les questions d'ordre métier",
                ("email", true),
            )}
            {field(
                ("support", "support_email"),
                "Adresse du support",
                "Affichée en pied de page aux utilisateurs de l'agence",
                ("email", true),
            )}
            {field(("telephone", "support_phone"), "Téléphone du support", "Par exemple : 04 72 34 41 26", ("tel", true))}
            {field(
                ("administrateur", "administrator_email"),
                "Adresse du premier administrateur",
                "Son identifiant ; il reçoit un mot de passe initial à changer",
                ("email", true),
            )}
            <button class="fr-btn" type="submit">"Créer l'agence"</button>
        </ActionForm>
    }
}
