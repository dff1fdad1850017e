//! "Prolonger la saisie jusqu'au ...": a referent of the legal entity or an administrator moves
//! one evaluation's last day past its campaign's closing day. Journaled.

/// Query parameter of the contract page once a window was extended.
pub const EXTENDED_PARAM: &str = "prolongee";
pub const EXTENDED_MESSAGE: &str = "La période de saisie est prolongée.";

/// An extension may reach this many days past the campaign's closing day.
pub const LONGEST_EXTENSION_DAYS: i64 = 366;

/// The contract page's "Prolonger la saisie jusqu'au ..." (a plain form: it works before and
/// without the WASM), for whoever steers the contract's campaign.
#[leptos::component]
pub fn ExtensionForm(contract_id: i32) -> impl leptos::IntoView {
    use leptos::form::ActionForm;
    use leptos::prelude::*;

    use super::api::ExtendWindow;
    use crate::accounts::csrf::CsrfField;
    use crate::layout::forms::{form_error, query_param, DoneNotice, FormRefusal};

    let extend = ServerAction::<ExtendWindow>::new();
    let error = form_error(extend);
    let done = query_param(EXTENDED_PARAM).get_untracked().map(|_| EXTENDED_MESSAGE.to_owned());
    let typed = query_param("until").get_untracked().unwrap_or_default();
    view! {
        <section class="fr-mb-4w" aria-labelledby="extension-title">
            <h2 id="extension-title" class="fr-h6">"Prolonger la saisie"</h2>
            <DoneNotice message=done/>
            {move || error.get().map(|error| view! { <FormRefusal message=error.to_string()/> })}
            <ActionForm action=extend attr:class="extension-form">
                <CsrfField/>
                <input type="hidden" name="id" value=contract_id.to_string()/>
                <div class="fr-input-group">
                    <label class="fr-label" for="extension-until">"Prolonger la saisie jusqu'au"</label>
                    <input class="fr-input" type="date" id="extension-until" name="until" required value=typed/>
                </div>
                <button class="fr-btn fr-btn--secondary" type="submit">"Prolonger la saisie"</button>
            </ActionForm>
        </section>
    }
}

#[cfg(feature = "ssr")]
pub mod server;
