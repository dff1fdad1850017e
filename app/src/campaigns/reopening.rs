//! "Rouvrir la saisie": a referent of the legal entity or an administrator sends a closed
//! evaluation back to Auto-Evaluation, with a reason the establishment's users get by mail. The
//! receipt of the closing stays as it was closed; the next closing makes a new one.

/// Query parameter of the contract page once its evaluation was reopened.
pub const REOPENED_PARAM: &str = "rouverte";
pub const REOPENED_MESSAGE: &str =
    "La saisie est rouverte : l'établissement en est informé par courriel, avec la raison donnée.";
/// The longest reason kept.
pub const MAX_REASON_CHARS: usize = 2000;

/// The reason as typed, checked: required, at most [`MAX_REASON_CHARS`].
pub fn parse_reason(typed: &str) -> Result<String, String> {
    let reason = typed.trim();
    if reason.is_empty() {
        return Err("Indiquez la raison de la réouverture : elle est envoyée à l'établissement.".to_owned());
    }
    if reason.chars().count() > MAX_REASON_CHARS {
        return Err(format!("La raison tient en {MAX_REASON_CHARS} caractères au plus."));
    }
    Ok(reason.to_owned())
}

/// The contract page's "Rouvrir la saisie" (a plain form: it works before and without the WASM),
/// for whoever steers the contract's campaign, once its evaluation is closed.
#[leptos::component]
pub fn ReopeningForm(contract_id: i32) -> impl leptos::IntoView {
    use leptos::form::ActionForm;
    use leptos::prelude::*;

    use super::api::ReopenEvaluation;
    use crate::accounts::csrf::CsrfField;
    use crate::layout::forms::{form_error, query_param, text_area_content, FormRefusal};

    let reopen = ServerAction::<ReopenEvaluation>::new();
    let error = form_error(reopen);
    let typed = query_param("reason").get_untracked().unwrap_or_default();
    view! {
        <section class="fr-mb-4w" aria-labelledby="reopening-title">
            <h2 id="reopening-title" class="fr-h6">"Rouvrir la saisie"</h2>
            {move || error.get().map(|error| view! { <FormRefusal message=error.to_string()/> })}
            <ActionForm action=reopen attr:class="reopening-form">
                <CsrfField/>
                <input type="hidden" name="id" value=contract_id.to_string()/>
                <div class="fr-input-group">
                    <label class="fr-label" for="reopening-reason">
                        "Raison de la réouverture"
                        <span class="fr-hint-text">"Obligatoire ; envoyée par courriel aux utilisateurs de l'établissement."</span>
                    </label>
                    <textarea class="fr-input" id="reopening-reason" name="reason" rows="3" required
                        maxlength=MAX_REASON_CHARS.to_string()>{text_area_content(typed)}</textarea>
                </div>
                <button class="fr-btn fr-btn--secondary" type="submit">"Rouvrir la saisie"</button>
            </ActionForm>
        </section>
    }
}

#[cfg(feature = "ssr")]
pub mod server;
