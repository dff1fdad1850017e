//! "Référentiels d'indicateurs": the agency's referentials and their versions, the form that sends
//! a file (a plain form: it works before and without the WASM) with "Télécharger le modèle", then
//! the preview of the tree and of the refused rows, with "Confirmer l'import" and "Annuler".

use ecars_core::routes::{REFERENTIALS_PATH, REFERENTIAL_TEMPLATE_ROUTE, REFERENTIAL_UPLOAD_ROUTE};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

use super::api::{imported_message, CancelReferential, ConfirmReferential};
use super::rows::value_kind_label;
use super::{ReferentialPreview, ReferentialRow, RowKind, UploadRefusal, IMPORTED_PARAM, PREVIEW_PARAM, REFUSAL_PARAM};
use crate::accounts::csrf::{page_token, CsrfField, CSRF_FIELD};
use crate::administration::AdministrationMenu;
use crate::layout::forms::{form_error, query_param};
use crate::layout::{when_loaded, Breadcrumb, ErrorNotice};
use crate::AppError;

#[component]
pub fn ReferentialsPage() -> impl IntoView {
    if !crate::administration::viewer_administers_an_agency() {
        return view! { <ErrorNotice error=AppError::NotFound/> }.into_any();
    }
    let preview = query_param(PREVIEW_PARAM).get_untracked();
    let imported = query_param(IMPORTED_PARAM).get_untracked().and_then(|value| {
        let (version, name) = value.split_once(',')?;
        Some(imported_message(name, version.parse().ok()?))
    });
    let refusal = query_param(REFUSAL_PARAM).get_untracked().and_then(|code| UploadRefusal::parse(&code));
    view! {
        <Title text="Référentiels d'indicateurs"/>
        <Breadcrumb crumbs=vec![("Administration".to_owned(), None), ("Référentiels d'indicateurs".to_owned(), None)]/>
        <h1>"Référentiels d'indicateurs"</h1>
        <AdministrationMenu current=REFERENTIALS_PATH/>
        <crate::layout::forms::DoneNotice message=imported/>
        {match preview {
            Some(token) => view! { <Preview token/> }.into_any(),
            None => view! { <Referentials/> <UploadForm refusal/> }.into_any(),
        }}
    }
    .into_any()
}

#[component]
fn Referentials() -> impl IntoView {
    let referentials = Resource::new(|| (), |_| super::api::referentials());
    when_loaded(referentials, |referentials| view! { <ReferentialTable referentials/> })
}

#[component]
fn ReferentialTable(referentials: Vec<ReferentialRow>) -> impl IntoView {
    if referentials.is_empty() {
        return view! { <p>"Aucun référentiel pour l'instant : importez le premier ci-dessous."</p> }.into_any();
    }
    view! {
        <div class="fr-table">
            <table>
                <caption>"Référentiels de l'agence et leurs versions"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Référentiel"</th>
                        <th scope="col">"Version"</th>
                        <th scope="col">"Importée le"</th>
                        <th scope="col">"Par"</th>
                        <th scope="col">"Objectifs"</th>
                        <th scope="col">"Questions"</th>
                        <th scope="col">"Contrats"</th>
                    </tr>
                </thead>
                <tbody>
                    {referentials.into_iter().flat_map(|referential| {
                        let name = referential.name;
                        referential.versions.into_iter().map(move |version| view! {
                            <tr>
                                <th scope="row">{name.clone()}</th>
                                <td>{version.number}</td>
                                <td>{version.created_at}</td>
                                <td>{version.created_by}</td>
                                <td>{version.objectives}</td>
                                <td>{version.questions}</td>
                                <td>
                                    {if version.contracts == 0 {
                                        "Aucun".to_owned()
                                    } else {
                                        format!("{} (version en usage, figée)", version.contracts)
                                    }}
                                </td>
                            </tr>
                        })
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn UploadForm(refusal: Option<UploadRefusal>) -> impl IntoView {
    // The token in the address as well: a multipart body is not read by the gate.
    let action = format!("{REFERENTIAL_UPLOAD_ROUTE}?{CSRF_FIELD}={}", page_token());
    view! {
        <h2 class="fr-h4 fr-mt-5w">"Importer un référentiel"</h2>
        <p>
            "Une ligne par objectif ou question, dans les colonnes du modèle. Importer sous le nom d'un "
            "référentiel existant en fait la version suivante : les versions déjà importées ne changent jamais, "
            "et les contrats créés à partir d'elles gardent leur arbre. Rien n'est enregistré avant que vous "
            "ayez vu et confirmé l'aperçu."
        </p>
        <p>
            <a class="fr-link fr-icon-download-line fr-link--icon-left" href=REFERENTIAL_TEMPLATE_ROUTE download>
                "Télécharger le modèle"
            </a>
            <span class="fr-hint-text">"Classeur .xlsx : la feuille « Colonnes » explique chaque colonne."</span>
        </p>
        <crate::administration::DemoSamples names=&["referentiel-caqes-demo.csv"]/>
        {refusal.map(|refusal| view! {
            <crate::layout::forms::FormRefusal message=refusal.message().to_string()/>
        })}
        <crate::administration::UploadWithProgress>
        <form method="post" action=action enctype="multipart/form-data" class="fr-col-12 fr-col-md-8 fr-px-0">
            <div class="fr-input-group">
                <label class="fr-label" for="nom">
                    "Nom du référentiel"
                    <span class="fr-hint-text">"Par exemple : CAQES 2026"</span>
                </label>
                <input class="fr-input" id="nom" name="nom" type="text" required maxlength="120" autocomplete="off"/>
            </div>
            <div class="fr-upload-group fr-mb-3w">
                <label class="fr-label" for="fichier">
                    "Fichier du référentiel"
                    <span class="fr-hint-text">"Fichier .xlsx, .ods ou .csv, 10 Mo au plus."</span>
                </label>
                <input class="fr-upload" type="file" id="fichier" name="fichier" required
                    accept=".xlsx,.ods,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/vnd.oasis.opendocument.spreadsheet,text/csv"/>
            </div>
            <button class="fr-btn" type="submit">"Prévisualiser l'import"</button>
        </form>
        </crate::administration::UploadWithProgress>
    }
}

#[component]
fn Preview(token: String) -> impl IntoView {
    let preview = Resource::new(move || token.clone(), super::api::preview_referential);
    crate::administration::staged_preview(preview, REFERENTIALS_PATH, |preview| view! { <PreviewDetails preview/> })
}

fn kind_label(kind: RowKind) -> &'static str {
    match kind {
        RowKind::Objective => "Objectif",
        RowKind::Question => "Question",
    }
}

#[component]
fn PreviewDetails(preview: ReferentialPreview) -> impl IntoView {
    let confirm = ServerAction::<ConfirmReferential>::new();
    let cancel = ServerAction::<CancelReferential>::new();
    let error = form_error(confirm);
    let checked = preview.checked;
    let summary = format!(
        "« {} » (fichier {}) : {} objectif(s) et {} question(s), qui seraient la version {} du référentiel{}.",
        preview.name,
        preview.file_name,
        checked.count(RowKind::Objective),
        checked.count(RowKind::Question),
        preview.version,
        if preview.version == 1 { ", nouveau" } else { "" },
    );
    let (confirm_token, cancel_token) = (preview.token.clone(), preview.token);
    let refused = checked.refused;
    view! {
        <h2 class="fr-h4">"Aperçu de l'import"</h2>
        <p>{summary}</p>
        {(!refused.is_empty()).then(|| view! {
            <h3 class="fr-h5">{format!("Lignes refusées : {}", refused.len())}</h3>
            <div class="fr-table">
                <table>
                    <caption>"Lignes refusées, qui ne seront pas importées"</caption>
                    <thead><tr><th scope="col">"Ligne"</th><th scope="col">"Motif"</th></tr></thead>
                    <tbody>
                        {refused.iter().map(|refused| view! {
                            <tr><td>{refused.row}</td><td>{refused.reason.clone()}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        })}
        <h3 class="fr-h5">"Arbre importé"</h3>
        <div class="fr-table">
            <table>
                <caption>"Objectifs et questions, dans l'ordre de l'arbre"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Code"</th>
                        <th scope="col">"Libellé"</th>
                        <th scope="col">"Type"</th>
                        <th scope="col">"Valeur"</th>
                        <th scope="col">"Cible"</th>
                        <th scope="col">"National"</th>
                        <th scope="col">"Sens"</th>
                        <th scope="col">"Poids"</th>
                    </tr>
                </thead>
                <tbody>
                    {checked.nodes.into_iter().map(|node| view! {
                        <tr>
                            <td>{node.code}</td>
                            <td class=format!("referential-depth-{}", node.depth.min(5))>{node.label}</td>
                            <td>{kind_label(node.kind)}</td>
                            <td>{node.value_kind.map(value_kind_label).unwrap_or_default()}</td>
                            <td>{node.target.unwrap_or_default()}</td>
                            <td>{if node.national { "Oui" } else { "" }}</td>
                            {
                                let question = node.kind == RowKind::Question;
                                view! {
                                    <td>{question.then(|| node.direction.label())}</td>
                                    <td>{question.then(|| node.weight.to_string())}</td>
                                }
                            }
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        {move || error.get().map(|error| view! {
            <crate::layout::forms::FormRefusal message=error.to_string()/>
        })}
        <ul class="fr-btns-group fr-btns-group--inline-sm">
            <li>
                <ActionForm action=confirm>
                    <CsrfField/>
                    <input type="hidden" name="token" value=confirm_token/>
                    <button class="fr-btn" type="submit">"Confirmer l'import"</button>
                </ActionForm>
            </li>
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
