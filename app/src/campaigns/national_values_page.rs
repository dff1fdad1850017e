//! "Valeurs nationales" in the administration: the form that sends the file of the values the
//! ministry sent for the national indicators (a plain form: it works before and without the WASM),
//! then the preview of the values it would write and the lines refused, with "Confirmer
//! l'import" and "Annuler".

use ecars_core::routes::{NATIONAL_VALUES_PATH, NATIONAL_VALUES_UPLOAD_ROUTE};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

use super::api::{CancelNationalValues, ConfirmNationalValues};
use super::national_values::{
    imported_message, CampaignChoice, NationalValuesPreview, UploadRefusal, COLUMNS, IMPORTED_PARAM, PREVIEW_PARAM,
    REFUSAL_PARAM,
};
use crate::accounts::csrf::{page_token, CsrfField, CSRF_FIELD};
use crate::administration::AdministrationMenu;
use crate::layout::forms::{form_error, query_param, DoneNotice, FormRefusal};
use crate::layout::{when_loaded, Breadcrumb, ErrorNotice};
use crate::AppError;

#[component]
pub fn NationalValuesPage() -> impl IntoView {
    if !crate::administration::viewer_administers_an_agency() {
        return view! { <ErrorNotice error=AppError::NotFound/> }.into_any();
    }
    let preview = query_param(PREVIEW_PARAM).get_untracked();
    let imported = query_param(IMPORTED_PARAM).get_untracked().and_then(|counts| {
        let (created, updated) = counts.split_once(',')?;
        Some(imported_message(created.parse().ok()?, updated.parse().ok()?))
    });
    let refusal = query_param(REFUSAL_PARAM).get_untracked().and_then(|code| UploadRefusal::parse(&code));
    view! {
        <Title text="Valeurs nationales"/>
        <Breadcrumb crumbs=vec![("Administration".to_owned(), None), ("Valeurs nationales".to_owned(), None)]/>
        <h1>"Valeurs nationales"</h1>
        <AdministrationMenu current=NATIONAL_VALUES_PATH/>
        <DoneNotice message=imported/>
        {match preview {
            Some(token) => view! { <Preview token/> }.into_any(),
            None => view! { <UploadForm refusal/> }.into_any(),
        }}
    }
    .into_any()
}

#[component]
fn UploadForm(refusal: Option<UploadRefusal>) -> impl IntoView {
    let choices = Resource::new(|| (), |_| super::api::national_value_choices());
    view! {
        <p>
            "Les indicateurs nationaux n'appellent aucune contribution des établissements : l'agence importe ici "
            "les valeurs que le ministère lui transmet. Chacune devient la valeur de l'indicateur dans l'évaluation "
            "de l'entité juridique, affichée en lecture seule (en gris) avec sa source et sa date ; elle ne compte "
            "pas dans le pourcentage de remplissage. Rien n'est enregistré avant que vous ayez vu et confirmé l'aperçu."
        </p>
        <p>
            {format!("Le fichier (.csv, .xlsx ou .ods) a une ligne de titres, puis une ligne par valeur : {}. ", COLUMNS.join(" ; "))}
            "Le commentaire est facultatif. Un pourcentage peut être négatif (taux d'évolution)."
        </p>
        <crate::administration::DemoSamples names=&["valeurs-nationales-demo.csv"]/>
        {refusal.map(|refusal| view! { <FormRefusal message=refusal.message().to_string()/> })}
        {when_loaded(choices, move |choices| view! { <FileForm choices/> })}
    }
}

#[component]
fn FileForm(choices: Vec<CampaignChoice>) -> impl IntoView {
    if choices.is_empty() {
        return view! {
            <p>"Aucune évaluation n'est encore ouverte : ouvrez d'abord une campagne (« Campagnes »)."</p>
        }
        .into_any();
    }
    // The token in the address as well: a multipart body is not read by the gate.
    let action = format!("{NATIONAL_VALUES_UPLOAD_ROUTE}?{CSRF_FIELD}={}", page_token());
    view! {
        <crate::administration::UploadWithProgress>
        <form method="post" action=action enctype="multipart/form-data" class="fr-col-12 fr-col-md-8 fr-px-0">
            <div class="fr-select-group">
                <label class="fr-label" for="valeurs-campagne">
                    "Campagne"
                    <span class="fr-hint-text">"Les évaluations de cette année et de ce type de contrat reçoivent les valeurs."</span>
                </label>
                <select class="fr-select" id="valeurs-campagne" name="campagne" required>
                    {choices.into_iter().map(|choice| view! {
                        <option value=choice.code()>{choice.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="fr-upload-group fr-mb-3w">
                <label class="fr-label" for="valeurs-fichier">
                    "Fichier des valeurs nationales"
                    <span class="fr-hint-text">"Fichier .csv, .xlsx ou .ods, 20 Mo au plus."</span>
                </label>
                <input class="fr-upload" type="file" id="valeurs-fichier" name="fichier" required
                    accept=".csv,.xlsx,.ods,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/vnd.oasis.opendocument.spreadsheet"/>
            </div>
            <button class="fr-btn" type="submit">"Prévisualiser l'import"</button>
        </form>
        </crate::administration::UploadWithProgress>
    }
    .into_any()
}

#[component]
fn Preview(token: String) -> impl IntoView {
    let preview = Resource::new(move || token.clone(), super::api::preview_national_values);
    crate::administration::staged_preview(preview, NATIONAL_VALUES_PATH, |preview| view! { <PreviewDetails preview/> })
}

#[component]
fn PreviewDetails(preview: NationalValuesPreview) -> impl IntoView {
    let confirm = ServerAction::<ConfirmNationalValues>::new();
    let cancel = ServerAction::<CancelNationalValues>::new();
    let error = form_error(confirm);
    let writes = preview.created + preview.updated;
    let summary = format!(
        "Campagne {} (fichier {}) : {} ligne(s) lue(s) ; {} valeur(s) nouvelle(s), {} mise(s) à jour, {} inchangée(s) ; {} ligne(s) refusée(s).",
        preview.campaign,
        preview.file_name,
        preview.lines,
        preview.created,
        preview.updated,
        preview.unchanged,
        preview.refused.len(),
    );
    let listed = preview.changes.len();
    let (confirm_token, cancel_token) = (preview.token.clone(), preview.token);
    view! {
        <h2 class="fr-h4">"Aperçu de l'import"</h2>
        <p>{summary}</p>
        {(!preview.refused.is_empty()).then(|| view! {
            <h3 class="fr-h5">{format!("Lignes refusées : {}", preview.refused.len())}</h3>
            <div class="fr-table">
                <table>
                    <caption>"Lignes refusées, qui ne seront pas importées"</caption>
                    <thead><tr><th scope="col">"Ligne"</th><th scope="col">"Motif"</th></tr></thead>
                    <tbody>
                        {preview.refused.iter().map(|refused| view! {
                            <tr><td>{refused.row}</td><td>{refused.reason.clone()}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        })}
        {(listed > 0).then(|| view! {
            <h3 class="fr-h5">"Valeurs écrites"</h3>
            {(writes > listed).then(|| view! { <p class="fr-text--sm">{format!("Les {listed} premières :")}</p> })}
            <div class="fr-table">
                <table>
                    <caption>"Valeurs que l'import écrit, par entité juridique et question"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Entité juridique"</th>
                            <th scope="col">"Contrat"</th>
                            <th scope="col">"Question"</th>
                            <th scope="col">"Valeur actuelle"</th>
                            <th scope="col">"Nouvelle valeur"</th>
                            <th scope="col">"Commentaire"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {preview.changes.into_iter().map(|change| view! {
                            <tr>
                                <td>{change.legal_entity}</td>
                                <td>{change.contract}</td>
                                <td>{change.code}</td>
                                <td>{change.before.unwrap_or_else(|| "—".to_owned())}</td>
                                <td>{change.after}</td>
                                <td>{change.comment.unwrap_or_default()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        })}
        {move || error.get().map(|error| view! { <FormRefusal message=error.to_string()/> })}
        {(writes == 0).then(|| view! { <p>"Rien à importer : chaque valeur est déjà celle enregistrée, ou refusée."</p> })}
        <ul class="fr-btns-group fr-btns-group--inline-sm">
            {(writes > 0).then(|| view! {
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
