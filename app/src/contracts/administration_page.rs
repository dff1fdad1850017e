//! "Contrats" in the administration: the agency's contracts, and "Créer un contrat" with every
//! field of the contract page, a referential version, its contact functions, and the legal entities
//! it is made for (the same CAQES for many at once, chosen from a filtered list). Plain forms: they
//! work before and without the WASM.

use ecars_core::routes::{contract_edition_href, contract_href, legal_entity_href, AGENCY_CONTRACTS_PATH};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

use super::api::CreateContracts;
use super::creation::{
    contact_functions_text, created_message, default_contact_functions, ContractForm, ContractsAdministration,
    CREATED_PARAM, FILTER_PARAM, LISTED_ENTITIES,
};
use super::ContractKind;
use crate::accounts::csrf::CsrfField;
use crate::administration::AdministrationMenu;
use crate::layout::forms::{form_error, query_param, text_area_content};
use crate::layout::{when_loaded, Breadcrumb, ErrorNotice};
use crate::AppError;

#[component]
pub fn AgencyContractsPage() -> impl IntoView {
    if !crate::administration::viewer_administers_an_agency() {
        return view! { <ErrorNotice error=AppError::NotFound/> }.into_any();
    }
    let filter = query_param(FILTER_PARAM).get_untracked().unwrap_or_default();
    let created = query_param(CREATED_PARAM).get_untracked().and_then(|value| {
        let (count, name) = value.split_once(',')?;
        Some(created_message(name, count.parse().ok()?))
    });
    let data = Resource::new(
        {
            let filter = filter.clone();
            move || filter.clone()
        },
        super::api::agency_contracts,
    );
    view! {
        <Title text="Contrats"/>
        <Breadcrumb crumbs=vec![("Administration".to_owned(), None), ("Contrats".to_owned(), None)]/>
        <h1>"Contrats"</h1>
        <AdministrationMenu current=AGENCY_CONTRACTS_PATH/>
        <crate::layout::forms::DoneNotice message=created/>
        {when_loaded(data, move |data| view! { <ContractsAndForm data filter=filter.clone()/> })}
    }
    .into_any()
}

#[component]
fn ContractsAndForm(data: ContractsAdministration, filter: String) -> impl IntoView {
    let ContractsAdministration { contracts, versions, legal_entities, matching_entities } = data;
    view! {
        {if contracts.is_empty() {
            view! { <p>"Aucun contrat pour l'instant."</p> }.into_any()
        } else {
            view! {
                <div class="fr-table">
                    <table>
                        <caption>{format!("{} contrat(s) de l'agence, les plus récents d'abord", contracts.len())}</caption>
                        <thead>
                            <tr>
                                <th scope="col">"Contrat"</th>
                                <th scope="col">"Type"</th>
                                <th scope="col">"Entité juridique"</th>
                                <th scope="col">"Référentiel"</th>
                                <th scope="col">"Etat en cours"</th>
                                <th scope="col">"Action"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {contracts.into_iter().map(|row| view! {
                                <tr>
                                    <th scope="row"><a href=contract_href(row.id)>{row.name.clone()}</a></th>
                                    <td>{row.kind.label()}</td>
                                    <td><a href=legal_entity_href(&row.legal_entity.finess)>{row.legal_entity.title()}</a></td>
                                    <td>{row.referential.unwrap_or_else(|| "—".to_owned())}</td>
                                    <td>{row.phase.label()}</td>
                                    <td>
                                        <a class="fr-link" href=contract_edition_href(row.id)>
                                            "Modifier"
                                            <span class="fr-sr-only">
                                                {format!(" le contrat {} de {}", row.name, row.legal_entity.finess)}
                                            </span>
                                        </a>
                                    </td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }
            .into_any()
        }}
        <CreationForm versions legal_entities matching_entities filter/>
    }
}

/// What was typed in field `name` before a refused plain post, or `default`.
fn typed(name: &'static str, default: &str) -> String {
    query_param(name).get_untracked().unwrap_or_else(|| default.to_owned())
}

/// Every field of a contract, filled with `values` (or what was typed before a refusal): the
/// creation and the edition forms.
#[component]
pub(super) fn ContractFields(values: ContractForm, establishments: String) -> impl IntoView {
    let kind = typed("form[kind]", &values.kind);
    let functions = typed("form[contact_functions]", &values.contact_functions);
    let text_field =
        move |name: &'static str, id: &'static str, label: &'static str, kind: &'static str, required: bool| {
            let value =
                values.typed_fields().into_iter().find(|(field, _)| *field == name).map(|(_, value)| value.to_owned());
            view! {
                <div class="fr-input-group">
                    <label class="fr-label" for=id>{label}</label>
                    <input class="fr-input" id=id name=name type=kind value=typed(name, &value.unwrap_or_default())
                        required=required autocomplete="off"/>
                </div>
            }
        };
    view! {
        <div class="fr-select-group">
            <label class="fr-label" for="type">"Type de contrat"</label>
            <select class="fr-select" id="type" name="form[kind]">
                {[ContractKind::Caqes, ContractKind::Cpom].map(|choice| view! {
                    <option value=choice.label() selected=choice.label() == kind>{choice.label()}</option>
                })}
            </select>
        </div>
        {text_field("form[name]", "nom", "Nom du contrat", "text", true)}
        {text_field("form[code]", "code", "Code", "text", true)}
        {text_field("form[status]", "statut", "Statut (par exemple : Signé)", "text", true)}
        {text_field("form[agency_contact]", "contact-ars", "Contact ARS", "text", true)}
        {text_field("form[evaluation_year]", "annee", "Année d'évaluation", "number", true)}
        {text_field("form[estimated_signature_date]", "signature", "Date de signature estimée", "date", false)}
        {text_field("form[effective_date]", "effet", "Date d'effet", "date", false)}
        {text_field("form[prorogation_months]", "prorogation", "Durée de prorogation (mois)", "number", false)}
        {text_field("form[effective_end_date]", "fin", "Date de fin effective", "date", false)}
        {text_field("form[last_prorogation_date]", "derniere-prorogation", "Date de dernière prorogation", "date", false)}
        {text_field("form[status_reason]", "motif", "Motif du statut (CPOM)", "text", false)}
        {text_field("form[competence]", "competence", "Compétence (CPOM, par exemple : Conjointe)", "text", false)}
        <div class="fr-input-group">
            <label class="fr-label" for="etablissements">
                "Établissements (CPOM)"
                <span class="fr-hint-text">"Numéros FINESS séparés par des virgules ; vide : tous ceux de l'entité. Un CAQES couvre tous les établissements."</span>
            </label>
            <input class="fr-input" id="etablissements" name="establishments" type="text"
                value=typed("establishments", &establishments) autocomplete="off"/>
        </div>
        <div class="fr-input-group">
            <label class="fr-label" for="fonctions">
                "Fonctions des contacts administratifs"
                <span class="fr-hint-text">
                    {format!(
                        "Une par ligne ; « * » après les obligatoires. Pour un CPOM : {}",
                        contact_functions_text(default_contact_functions(ContractKind::Cpom)).replace('\n', ", ")
                    )}
                </span>
            </label>
            <textarea class="fr-input" id="fonctions" name="form[contact_functions]" rows="4">{text_area_content(functions)}</textarea>
        </div>
    }
}

#[component]
fn CreationForm(
    versions: Vec<super::creation::VersionChoice>,
    legal_entities: Vec<crate::legal_entities::LegalEntityRef>,
    matching_entities: u64,
    filter: String,
) -> impl IntoView {
    let create = ServerAction::<CreateContracts>::new();
    let error = form_error(create);
    let version = typed("version", "");
    let defaults = ContractForm {
        kind: ContractKind::Caqes.label().to_owned(),
        contact_functions: contact_functions_text(default_contact_functions(ContractKind::Caqes)),
        ..Default::default()
    };
    let listed = legal_entities.len() as u64;
    view! {
        <h2 class="fr-h4 fr-mt-5w">"Créer un contrat"</h2>
        <p>
            "Le contrat reprend l'arbre d'une version de référentiel, qui ne changera plus. Cochez une entité "
            "juridique, ou plusieurs pour créer le même CAQES pour chacune, en une seule fois."
        </p>
        <crate::layout::forms::SearchForm action=AGENCY_CONTRACTS_PATH param=FILTER_PARAM
            label="Filtrer les entités juridiques" hint="Début du numéro FINESS ou partie de la raison sociale"
            button="Filtrer" value=filter/>
        {move || error.get().map(|error| view! {
            <crate::layout::forms::FormRefusal message=error.to_string()/>
        })}
        <ActionForm action=create attr:class="fr-col-12 fr-col-md-10 fr-px-0">
            <CsrfField/>
            <fieldset class="fr-fieldset">
                <legend class="fr-fieldset__legend">
                    {format!("Entités juridiques ({listed} affichée(s) sur {matching_entities})")}
                    {(matching_entities > LISTED_ENTITIES).then(|| view! {
                        <span class="fr-hint-text">"Affinez le filtre pour voir les autres."</span>
                    })}
                </legend>
                {legal_entities.into_iter().enumerate().map(|(index, entity)| {
                    let id = format!("entite-{index}");
                    view! {
                        <div class="fr-fieldset__element">
                            <div class="fr-checkbox-group">
                                <input type="checkbox" id=id.clone() name="legal_entities[]" value=entity.finess.clone()/>
                                <label class="fr-label" for=id>{entity.title()}</label>
                            </div>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <div class="fr-select-group">
                <label class="fr-label" for="version">"Référentiel et version"</label>
                <select class="fr-select" id="version" name="version" required>
                    <option value="" disabled selected=version.is_empty()>"Choisir une version"</option>
                    {versions.into_iter().map(|choice| {
                        let value = choice.id.to_string();
                        let selected = value == version;
                        view! { <option value=value selected=selected>{choice.label}</option> }
                    }).collect_view()}
                </select>
            </div>
            <ContractFields values=defaults establishments=String::new()/>
            <button class="fr-btn" type="submit">"Créer le contrat"</button>
        </ActionForm>
    }
}
