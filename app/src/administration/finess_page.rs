//! "Importer le fichier FINESS": the form that sends the extract (a plain form: it works before
//! and without the WASM), then the preview of what the import would write, with "Confirmer
//! l'import" and "Annuler".

use ecars_core::routes::FINESS_UPLOAD_ROUTE;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

use super::api::{imported_message, CancelFinessImport, ConfirmFinessImport};
use super::{Counts, FinessFile, FinessPreview, UploadRefusal, IMPORTED_PARAM, PREVIEW_PARAM, REFUSAL_PARAM};
use crate::accounts::csrf::{page_token, CsrfField, CSRF_FIELD};
use crate::layout::forms::{form_error, query_param};
use crate::layout::{when_loaded, Breadcrumb, ErrorNotice};
use crate::AppError;

#[component]
pub fn FinessImportPage() -> impl IntoView {
    if !super::viewer_administers_an_agency() {
        return view! { <ErrorNotice error=AppError::NotFound/> }.into_any();
    }
    let preview = query_param(PREVIEW_PARAM).get_untracked();
    let imported = query_param(IMPORTED_PARAM).get_untracked().and_then(|counts| {
        let (created, updated) = counts.split_once(',')?;
        Some(imported_message(created.parse().ok()?, updated.parse().ok()?))
    });
    let refusal = query_param(REFUSAL_PARAM).get_untracked().and_then(|code| UploadRefusal::parse(&code));
    view! {
        <Title text="Importer le fichier FINESS"/>
        <Breadcrumb crumbs=vec![("Administration".to_owned(), None), ("Importer le fichier FINESS".to_owned(), None)]/>
        <h1>"Importer le fichier FINESS"</h1>
        <super::AdministrationMenu current=ecars_core::routes::FINESS_IMPORT_PATH/>
        <crate::layout::forms::DoneNotice message=imported/>
        {match preview {
            Some(token) => view! { <Preview token/> }.into_any(),
            None => view! { <UploadForm refusal/> }.into_any(),
        }}
    }
    .into_any()
}

/// The départements of the viewer's agency, proposed in the form.
fn agency_departements() -> String {
    #[cfg(feature = "ssr")]
    {
        crate::accounts::access::viewer()
            .ok()
            .and_then(|viewer| viewer.agency)
            .map(|agency| agency.departements.join(", "))
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        String::new()
    }
}

#[component]
fn UploadForm(refusal: Option<UploadRefusal>) -> impl IntoView {
    // The token in the address as well: a multipart body is not read by the gate.
    let action = format!("{FINESS_UPLOAD_ROUTE}?{CSRF_FIELD}={}", page_token());
    let departements = agency_departements();
    view! {
        <p>
            "Les fichiers sont ceux que l'État publie sur data.gouv.fr (« FINESS Extraction du Fichier des établissements ») : "
            "les entités juridiques (" <code>"etalab-cs1100501-stock-….csv"</code> ") et les établissements ("
            <code>"etalab-cs1100502-stock-….csv"</code> " ou " <code>"cs1100507"</code> "). Seuls les départements "
            "de votre région sont importés. Rien n'est enregistré avant que vous ayez vu et confirmé l'aperçu."
        </p>
        <super::DemoSamples names=&["finess-entites-demo.csv", "finess-etablissements-demo.csv"]/>
        {refusal.map(|refusal| view! {
            <crate::layout::forms::FormRefusal message=refusal.message().to_string()/>
        })}
        <super::UploadWithProgress>
        <form method="post" action=action enctype="multipart/form-data" class="fr-col-12 fr-col-md-8 fr-px-0">
            <div class="fr-input-group">
                <label class="fr-label" for="departements">
                    "Départements à importer"
                    <span class="fr-hint-text">{format!("Ceux de votre agence, séparés par des virgules : {departements}")}</span>
                </label>
                <input class="fr-input" id="departements" name="departements" type="text" required
                    value=departements.clone() autocomplete="off" spellcheck="false"/>
            </div>
            {[FinessFile::LegalEntities, FinessFile::Establishments].map(|file| view! {
                <div class="fr-upload-group fr-mb-3w">
                    <label class="fr-label" for=file.field()>
                        {format!("Fichier des {}", file.label().to_lowercase())}
                        <span class="fr-hint-text">"Fichier .csv, 300 Mo au plus. Facultatif si vous envoyez l'autre."</span>
                    </label>
                    <input class="fr-upload" type="file" id=file.field() name=file.field() accept=".csv,text/csv"/>
                </div>
            })}
            <button class="fr-btn" type="submit">"Prévisualiser l'import"</button>
        </form>
        </super::UploadWithProgress>
    }
}

#[component]
fn Preview(token: String) -> impl IntoView {
    let preview = Resource::new(move || token.clone(), super::api::import_preview);
    when_loaded(preview, |preview| view! { <PreviewDetails preview/> })
}

fn counts_row(label: &'static str, counts: Counts) -> impl IntoView {
    view! {
        <tr>
            <th scope="row">{label}</th>
            <td>{counts.create}</td>
            <td>{counts.update}</td>
            <td>{counts.unchanged}</td>
        </tr>
    }
}

#[component]
fn PreviewDetails(preview: FinessPreview) -> impl IntoView {
    let confirm = ServerAction::<ConfirmFinessImport>::new();
    let cancel = ServerAction::<CancelFinessImport>::new();
    let error = form_error(confirm);
    let changes = preview.legal_entities.create
        + preview.legal_entities.update
        + preview.establishments.create
        + preview.establishments.update;
    let listed_refusals = preview.refused.len() as u64;
    let (confirm_token, cancel_token) = (preview.token.clone(), preview.token.clone());
    view! {
        <h2 class="fr-h4">"Aperçu de l'import"</h2>
        <p>
            {format!(
                "{} ligne(s) lue(s) ; départements {} ; {} ligne(s) d'autres départements, laissée(s) de côté.",
                preview.lines_read, preview.departements.join(", "), preview.outside_region
            )}
        </p>
        <div class="fr-table fr-table--no-caption">
            <table>
                <caption>"Ce que l'import enregistrerait"</caption>
                <thead><tr><th scope="col"></th><th scope="col">"À créer"</th><th scope="col">"À mettre à jour"</th><th scope="col">"Inchangés"</th></tr></thead>
                <tbody>
                    {counts_row("Entités juridiques", preview.legal_entities)}
                    {counts_row("Établissements", preview.establishments)}
                </tbody>
            </table>
        </div>
        {(preview.refused_count > 0).then(|| view! {
            <h3 class="fr-h5">{format!("Lignes refusées : {}", preview.refused_count)}</h3>
            {(preview.refused_count > listed_refusals).then(|| view! {
                <p class="fr-text--sm">{format!("Les {listed_refusals} premières :")}</p>
            })}
            <div class="fr-table">
                <table>
                    <caption>"Lignes refusées, qui ne seront pas importées"</caption>
                    <thead><tr><th scope="col">"Fichier"</th><th scope="col">"Ligne"</th><th scope="col">"Motif"</th></tr></thead>
                    <tbody>
                        {preview.refused.iter().map(|refused| view! {
                            <tr><td>{refused.file.clone()}</td><td>{refused.line}</td><td>{refused.reason.clone()}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        })}
        {(!preview.rows.is_empty()).then(|| view! {
            <h3 class="fr-h5">"Créations et mises à jour"</h3>
            <div class="fr-table">
                <table>
                    <caption>"Entités juridiques et établissements que l'import crée ou modifie"</caption>
                    <thead><tr><th scope="col">"Type"</th><th scope="col">"FINESS"</th><th scope="col">"Raison sociale"</th><th scope="col">"Modification"</th></tr></thead>
                    <tbody>
                        {preview.rows.iter().map(|row| view! {
                            <tr>
                                <td>{row.kind.clone()}</td>
                                <td>{row.finess.clone()}</td>
                                <td>{row.name.clone()}</td>
                                <td>
                                    {if row.changes.is_empty() {
                                        view! { <span>"Création"</span> }.into_any()
                                    } else {
                                        view! {
                                            <ul class="fr-text--sm">
                                                {row.changes.iter().map(|change| view! {
                                                    <li>{format!("{} : « {} » devient « {} »", change.field, change.before, change.after)}</li>
                                                }).collect_view()}
                                            </ul>
                                        }.into_any()
                                    }}
                                </td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        })}
        {move || error.get().map(|error| view! {
            <crate::layout::forms::FormRefusal message=error.to_string()/>
        })}
        {(changes == 0).then(|| view! { <p>"Rien à importer : tout est déjà à jour."</p> })}
        <ul class="fr-btns-group fr-btns-group--inline-sm">
            {(changes > 0).then(|| view! {
                <li>
                    <ActionForm action=confirm>
                        <CsrfField/>
                        <input type="hidden" name="token" value=confirm_token.clone()/>
                        <button class="fr-btn" type="submit">"Confirmer l'import"</button>
                    </ActionForm>
                </li>
            })}
            <li>
                <ActionForm action=cancel>
                    <CsrfField/>
                    <input type="hidden" name="token" value=cancel_token/>
                    <button class="fr-btn fr-btn--secondary" type="submit">"Annuler"</button>
                </ActionForm>
            </li>
        </ul>
    }
}
