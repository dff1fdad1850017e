//! The documents block of a contract, a question or an establishment: the list, "Ajouter
//! document" with a progress bar per file, and "Récupérer tous les documents".

use ecars_core::documents::{accepted_formats_label, megabytes};
use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;

use super::{DocumentFolder, DocumentRow, Place};

/// The block on a page rendered by the server (contract, establishment, question panel), as an
/// island whose code the pages without documents do not download.
#[island(lazy)]
pub fn DocumentsIsland(
    title: String,
    folder: DocumentFolder,
    #[prop(optional)] subfolder: Option<String>,
    /// 2 on a page (the default), 3 inside the question panel.
    #[prop(optional)]
    heading_level: Option<u8>,
) -> impl IntoView {
    crate::app::island_ready();
    let heading_level = heading_level.unwrap_or(2);
    view! { <DocumentsBlock title folder subfolder=subfolder.unwrap_or_default() heading_level/> }
}

/// Hydrates the documents blocks ([`DocumentsIsland`]) of HTML put in the page after it loaded
/// (a question panel swapped in), as Leptos hydrates the page's own islands at load: through the
/// island's loader, which fetches its code (a lazy island) and reads the props the server wrote
/// on it. Their reactive state belongs to the owner returned, which the caller ends with that HTML.
pub fn hydrate_documents_islands(root: &leptos::web_sys::Element) -> Owner {
    use leptos::wasm_bindgen::JsCast;

    let owner = Owner::new();
    let Ok(islands) = root.query_selector_all("leptos-island[data-component^='DocumentsIsland']") else { return owner };
    owner.with(|| {
        for index in 0..islands.length() {
            if let Some(island) =
                islands.item(index).and_then(|node| node.dyn_into::<leptos::web_sys::HtmlElement>().ok())
            {
                // `DocumentsIsland_loader`: written by `#[island(lazy)]` for this island.
                leptos::task::spawn_local_scoped_with_cancellation(DocumentsIsland_loader(island));
            }
        }
    });
    owner
}

/// One file being sent: its name, how far it has gone, then the outcome.
#[derive(Clone)]
struct Sending {
    name: String,
    percent: RwSignal<u32>,
    outcome: RwSignal<Option<Result<(), String>>>,
}

#[component]
pub fn DocumentsBlock(
    title: String,
    folder: DocumentFolder,
    /// A folder inside the block ("Documents" for an establishment, as in the guide).
    #[prop(optional)]
    subfolder: String,
    /// 2 on a page, 3 inside the question panel.
    heading_level: u8,
) -> impl IntoView {
    let DocumentFolder { place, documents, can_add, max_bytes } = folder;
    let documents = RwSignal::new(documents);
    let sending = RwSignal::new(Vec::<Sending>::new());
    let heading_id = format!("documents-{}", place.slug());
    let heading = match heading_level {
        2 => Either::Left(view! { <h2 class="fr-h5" id=heading_id.clone()>{title}</h2> }),
        _ => Either::Right(view! { <h3 class="fr-h6" id=heading_id.clone()>{title}</h3> }),
    };
    // Only an establishment's documents can be its evaluation report.
    let reports = matches!(place, Place::Establishment(_)) && can_add;
    view! {
        <section class="documents fr-mt-4w" aria-labelledby=heading_id>
            {heading}
            <div class="documents__actions">
                {can_add.then(|| view! { <AddDocuments place max_bytes documents sending/> })}
                <a class="fr-btn fr-btn--secondary fr-btn--sm fr-icon-download-line fr-btn--icon-left"
                    href=place.zip_href() download="">
                    "Récupérer tous les documents"
                </a>
            </div>
            <SendingList sending/>
            {(!subfolder.is_empty()).then(|| view! {
                <p class="documents__folder fr-icon-folder-2-line"><strong>{subfolder}</strong></p>
            })}
            {move || documents.with(|rows| if rows.is_empty() {
                Either::Left(view! { <p class="fr-text--sm">"Aucun document."</p> })
            } else {
                Either::Right(view! { <DocumentTable rows=rows.clone() documents reports/> })
            })}
        </section>
    }
}

#[component]
fn DocumentTable(rows: Vec<DocumentRow>, documents: RwSignal<Vec<DocumentRow>>, reports: bool) -> impl IntoView {
    // "Déclarer comme rapport d'évaluation": while it is sent, and why it was refused.
    let pending = RwSignal::new(false);
    let refused = RwSignal::new(None::<String>);
    let declare = move |document_id: i32| {
        pending.set(true);
        let form = format!("document_id={document_id}");
        let path = <super::api::DeclareEvaluationReport as leptos::server_fn::ServerFn>::PATH;
        crate::layout::requests::call::<DocumentRow>(path, &form, move |declared| {
            pending.set(false);
            match declared {
                // A declared report comes back with its notification: the row shows it at once.
                Ok(declared) => {
                    refused.set(None);
                    documents.update(|rows| {
                        if let Some(row) = rows.iter_mut().find(|row| row.id == declared.id) {
                            *row = declared;
                        }
                    });
                }
                Err(error) => refused.set(Some(error.to_string())),
            }
        });
    };
    let error = move || refused.get().map(|message| view! { <p class="fr-error-text" role="alert">{message}</p> });
    let any_report = rows.iter().any(|row| row.report.is_some());
    view! {
        {error}
        <div class="fr-table fr-table--no-caption fr-mb-0">
            <table>
                <caption>"Documents"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Documents"</th>
                        <th scope="col">"Date de modification"</th>
                        <th scope="col">"Auteur de la modification"</th>
                        {(reports || any_report).then(|| view! { <th scope="col">"Rapport d'évaluation"</th> })}
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|row| {
                        let declare_title = format!("Déclarer « {} » comme rapport d'évaluation", row.name);
                        let report = match (&row.report, reports) {
                            (Some(notice), _) => Some(EitherOf3::A(view! {
                                <td>
                                    <p class="fr-badge fr-badge--success fr-badge--sm">"Rapport d'évaluation"</p>
                                    {notice.summary().map(|summary| view! { <p class="fr-text--xs fr-mb-0">{summary}</p> })}
                                </td>
                            })),
                            (None, true) => {
                                let id = row.id;
                                Some(EitherOf3::B(view! {
                                    <td>
                                        <button class="fr-btn fr-btn--tertiary fr-btn--sm" type="button"
                                            title=declare_title disabled=move || pending.get()
                                            on:click=move |_| declare(id)>
                                            "Déclarer comme rapport d'évaluation"
                                        </button>
                                    </td>
                                }))
                            }
                            (None, false) => any_report.then(|| EitherOf3::C(view! { <td></td> })),
                        };
                        view! {
                            <tr>
                                <td><a href=row.href() download="">{row.name.clone()}</a></td>
                                <td>{row.added_at.clone()}</td>
                                <td>{row.added_by.clone().unwrap_or_default()}</td>
                                {report}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// The file picker (several files at once), with the formats and the size limit said first.
#[component]
fn AddDocuments(
    place: Place,
    max_bytes: u64,
    documents: RwSignal<Vec<DocumentRow>>,
    sending: RwSignal<Vec<Sending>>,
) -> impl IntoView {
    let input_id = format!("ajout-{}", place.slug());
    let picker = NodeRef::<leptos::html::Input>::new();
    let on_change = move |_| {
        if let Some(input) = picker.get_untracked() {
            browser::send_files(&input, place, max_bytes, documents, sending);
        }
    };
    // Files chosen on a slow link before the WASM arrived are sent as soon as it has.
    Effect::new(move |_| {
        if let Some(input) = picker.get() {
            if input.files().is_some_and(|files| files.length() > 0) {
                browser::send_files(&input, place, max_bytes, documents, sending);
            }
        }
    });
    view! {
        <div class="fr-upload-group">
            <label class="fr-label" for=input_id.clone()>
                "Ajouter document"
                <span class="fr-hint-text">
                    {format!("{} Taille maximale : {} par document. Plusieurs fichiers possibles.",
                        accepted_formats_label(), megabytes(max_bytes))}
                </span>
            </label>
            <input class="fr-upload" type="file" id=input_id multiple node_ref=picker on:change=on_change/>
        </div>
    }
}

/// Each file sent: a progress bar, then "Document ajouté." or why it was refused.
#[component]
fn SendingList(sending: RwSignal<Vec<Sending>>) -> impl IntoView {
    view! {
        <ul class="documents__sending" aria-live="polite">
            {move || sending.get().into_iter().map(|entry| {
                let Sending { name, percent, outcome } = entry;
                let label = format!("Envoi de « {name} »");
                view! {
                    <li>
                        <span class="documents__sending-name">{name}</span>
                        <progress max="100" value=move || percent.get() aria-label=label></progress>
                        {move || match outcome.get() {
                            None => EitherOf3::A(view! { <span>{format!("{} %", percent.get())}</span> }),
                            Some(Ok(())) => EitherOf3::B(view! { <span class="fr-message--valid">"Document ajouté."</span> }),
                            Some(Err(message)) => EitherOf3::C(view! { <span class="fr-error-text fr-mt-0">{message}</span> }),
                        }}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// Sending files from the browser: one request per file with its own progress. Run in the
/// browser only (from the picker's handler and an effect).
mod browser {
    use ecars_core::documents::{too_big_message, DocumentName};
    use leptos::prelude::*;
    use leptos::wasm_bindgen::{closure::Closure, JsCast, JsValue};
    use leptos::web_sys::{js_sys, File, HtmlInputElement, ProgressEvent};

    use super::Sending;
    use crate::documents::{DocumentRow, Place, NAME_HEADER};
    use crate::layout::requests;
    use crate::AppError;

    pub fn send_files(
        input: &HtmlInputElement,
        place: Place,
        max_bytes: u64,
        documents: RwSignal<Vec<DocumentRow>>,
        sending: RwSignal<Vec<Sending>>,
    ) {
        let Some(files) = input.files() else { return };
        for index in 0..files.length() {
            let Some(file) = files.get(index) else { continue };
            let entry = Sending { name: file.name(), percent: RwSignal::new(0), outcome: RwSignal::new(None) };
            sending.update(|list| list.push(entry.clone()));
            // The shared rules first: a file they refuse is not sent at all.
            let checked = DocumentName::parse(&file.name()).and_then(|_| match file.size() as u64 {
                0 => Err("Le fichier est vide : il n'a pas été envoyé.".to_owned()),
                size if size > max_bytes => Err(too_big_message(max_bytes)),
                _ => Ok(()),
            });
            let sent = checked.and_then(|()| {
                send(&file, place, entry.clone(), documents)
                    .map_err(|_| "Le navigateur n'a pas pu envoyer ce fichier.".to_owned())
            });
            if let Err(message) = sent {
                entry.outcome.set(Some(Err(message)));
            }
        }
        // The same file can be chosen again (after renaming it, for instance).
        input.set_value("");
    }

    fn send(file: &File, place: Place, entry: Sending, documents: RwSignal<Vec<DocumentRow>>) -> Result<(), JsValue> {
        let name = String::from(js_sys::encode_uri_component(&file.name()));
        let percent = entry.percent;
        let request = requests::open("POST", &place.upload_href(), &[(NAME_HEADER, &name)], move |answer| {
            let outcome = match answer.status {
                201 => requests::read::<DocumentRow>(&answer)
                    .map(|row| {
                        percent.set(100);
                        documents.update(|rows| rows.push(row));
                    })
                    .map_err(|_| AppError::Internal.to_string()),
                0 => Err("L'envoi a été interrompu (connexion perdue ?) : le document n'a pas été ajouté. Réessayez."
                    .to_owned()),
                _ => requests::read::<DocumentRow>(&answer).map(|_| ()).map_err(|error| error.to_string()),
            };
            entry.outcome.set(Some(outcome));
        })?;
        let on_progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |event: ProgressEvent| {
            if event.length_computable() && event.total() > 0.0 {
                percent.set((event.loaded() / event.total() * 100.0).floor() as u32);
            }
        });
        request.upload()?.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        request.send_with_opt_blob(Some(file))?;
        // It lives as long as the request, which holds it; a few bytes per file sent.
        on_progress.forget();
        Ok(())
    }
}
