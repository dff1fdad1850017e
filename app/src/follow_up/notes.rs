//! "Notes de l'agence": on a contract's current evaluation, notes that only agency users (its
//! referents and administrators) read and write, each with its author and date. They are never
//! sent to establishment users: the contract page carries them only for agency users.

use crate::AppError;

/// The longest note kept.
pub const MAX_NOTE_CHARS: usize = 4000;
/// Query parameter of the contract page once a note is written.
pub const NOTE_WRITTEN_PARAM: &str = "note";
pub const NOTE_WRITTEN_MESSAGE: &str = "Note enregistrée : seuls les agents de l'agence la voient.";

pub use crate::contracts::AgencyNote;

/// The note as typed, checked: not blank, at most [`MAX_NOTE_CHARS`].
pub fn parse_note(typed: &str) -> Result<String, String> {
    let note = typed.trim();
    if note.is_empty() {
        return Err("Écrivez la note avant de l'enregistrer.".to_owned());
    }
    if note.chars().count() > MAX_NOTE_CHARS {
        return Err(format!("Une note tient en {MAX_NOTE_CHARS} caractères au plus."));
    }
    Ok(note.to_owned())
}

/// "Ajouter une note" on contract `id`'s current evaluation.
#[leptos::server(endpoint = "ecrire_note_agence", client = crate::accounts::csrf::PortalClient)]
pub async fn write_agency_note(id: i32, #[server(default)] body: String) -> Result<String, AppError> {
    use leptos::server_fn::ServerFn;

    use crate::accounts::web::{answer_plain_post, FormPage};

    let written = async {
        let viewer = crate::accounts::access::viewer()?;
        let db = crate::state::AppState::current()?.db;
        server::write(&db, &viewer, ecars_core::ids::ContractId(id), &body).await
    }
    .await;
    let done = |_: &()| format!("{}?{NOTE_WRITTEN_PARAM}=1#notes-agence", ecars_core::routes::contract_href(id));
    let typed: String = body.chars().take(MAX_NOTE_CHARS).collect();
    answer_plain_post(WriteAgencyNote::PATH, &written, done, FormPage::posting(vec![("body", typed.as_str())]));
    written.map(|()| NOTE_WRITTEN_MESSAGE.to_owned())
}

/// "Notes de l'agence" on the contract page, for agency users: the notes, newest first, and the
/// form that adds one (a plain form: it works before and without the WASM).
#[leptos::component]
pub fn AgencyNotes(contract_id: i32, year: i32, notes: Vec<AgencyNote>) -> impl leptos::IntoView {
    use leptos::form::ActionForm;
    use leptos::prelude::*;

    use crate::accounts::csrf::CsrfField;
    use crate::layout::forms::{form_error, query_param, text_area_content, DoneNotice, FormRefusal};

    let write = ServerAction::<WriteAgencyNote>::new();
    let error = form_error(write);
    let done = query_param(NOTE_WRITTEN_PARAM).get_untracked().map(|_| NOTE_WRITTEN_MESSAGE.to_owned());
    let typed = query_param("body").get_untracked().unwrap_or_default();
    view! {
        <section class="fr-mb-4w agency-notes" id="notes-agence" aria-labelledby="agency-notes-title">
            <h2 id="agency-notes-title" class="fr-h6">{format!("Notes de l'agence sur l'évaluation {year}")}</h2>
            <p class="fr-text--sm">"Visibles des seuls agents de l'agence : jamais de l'établissement, ni dans ses exports."</p>
            <DoneNotice message=done/>
            {if notes.is_empty() {
                view! { <p>"Aucune note pour l'instant."</p> }.into_any()
            } else {
                view! {
                    <ul class="agency-notes__list">
                        {notes.into_iter().map(|note| view! {
                            <li>
                                <p class="fr-text--sm fr-mb-1v">{format!("Le {} par {}", note.written_at, note.author)}</p>
                                <p class="agency-notes__body">{note.body}</p>
                            </li>
                        }).collect_view()}
                    </ul>
                }
                .into_any()
            }}
            {move || error.get().map(|error| view! { <FormRefusal message=error.to_string()/> })}
            <ActionForm action=write attr:class="agency-note-form">
                <CsrfField/>
                <input type="hidden" name="id" value=contract_id.to_string()/>
                <div class="fr-input-group">
                    <label class="fr-label" for="agency-note">"Ajouter une note"</label>
                    <textarea class="fr-input" id="agency-note" name="body" rows="3" required
                        maxlength=MAX_NOTE_CHARS.to_string()>{text_area_content(typed)}</textarea>
                </div>
                <button class="fr-btn fr-btn--secondary" type="submit">"Enregistrer la note"</button>
            </ActionForm>
        </section>
    }
}

#[cfg(feature = "ssr")]
pub mod server;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_is_written_and_not_too_long() {
        assert_eq!(parse_note("  À relancer en juin.  "), Ok("À relancer en juin.".to_owned()));
        assert!(parse_note(" \n ").unwrap_err().contains("Écrivez la note"));
        assert!(parse_note(&"é".repeat(MAX_NOTE_CHARS + 1)).is_err());
        assert!(parse_note(&"é".repeat(MAX_NOTE_CHARS)).is_ok());
    }
}
