//! The mails a user may stop on "Mon compte": an establishment user its end-of-campaign
//! reminders, a referent its weekly digest of the follow-up. One place for each one's words, its
//! role and its column, and one form and one server function for both.

use crate::AppError;

pub use ecars_core::vocabulary::MailPreference;

/// "Mon compte": `preference` ticked (`wanted` = "on") or not (absent), for the role it is of.
#[leptos::server(endpoint = "preferences_courriel", client = crate::accounts::csrf::PortalClient)]
pub async fn set_mail_preference(
    #[server(default)] preference: String,
    #[server(default)] wanted: Option<String>,
) -> Result<String, AppError> {
    use leptos::server_fn::ServerFn;

    use crate::accounts::web::{answer_plain_post, FormPage};

    let wanted = wanted.is_some();
    let preference = MailPreference::parse(&preference);
    let saved = async {
        let viewer = crate::accounts::access::viewer()?;
        let preference = preference.filter(|preference| preference.role() == viewer.role).ok_or(AppError::Forbidden)?;
        let db = crate::state::AppState::current()?.db;
        Ok(server::set_wanted(&db, ecars_core::ids::UserId(viewer.user_id), preference, wanted).await?)
    }
    .await;
    let code = preference.map_or("", MailPreference::code);
    let done = |_: &()| format!("{}?{code}={}", ecars_core::routes::ACCOUNT_PATH, u8::from(wanted));
    answer_plain_post(SetMailPreference::PATH, &saved, done, FormPage::posting([]));
    saved.map(|()| preference.map_or("", |preference| preference.message(wanted)).to_owned())
}

/// The checkbox of `preference` on "Mon compte" (a plain form: it works before and without the WASM).
#[leptos::component]
pub fn MailPreferenceForm(preference: MailPreference, wanted: bool) -> impl leptos::IntoView {
    use leptos::form::ActionForm;
    use leptos::prelude::*;

    use crate::accounts::csrf::CsrfField;
    use crate::layout::forms::{form_error, query_param, DoneNotice, FormRefusal};

    let save = ServerAction::<SetMailPreference>::new();
    let error = form_error(save);
    let done = query_param(preference.code()).get_untracked().map(|value| preference.message(value == "1").to_owned());
    view! {
        <h2 class="fr-h4">{preference.title()}</h2>
        <DoneNotice message=done/>
        {move || error.get().map(|error| view! { <FormRefusal message=error.to_string()/> })}
        <ActionForm action=save attr:class="fr-mb-5w">
            <CsrfField/>
            <input type="hidden" name="preference" value=preference.code()/>
            <div class="fr-checkbox-group fr-mb-2w">
                <input type="checkbox" id=preference.code() name="wanted" value="on" checked=wanted/>
                <label class="fr-label" for=preference.code()>
                    {preference.label()}
                    <span class="fr-hint-text">{preference.hint()}</span>
                </label>
            </div>
            <button class="fr-btn fr-btn--secondary" type="submit">"Enregistrer ce choix"</button>
        </ActionForm>
    }
}

#[cfg(feature = "ssr")]
pub mod server;

#[cfg(test)]
mod tests {
    use ecars_core::vocabulary::Role;

    use super::*;

    #[test]
    fn each_preference_belongs_to_one_role_and_reads_back_from_its_code() {
        for preference in MailPreference::ALL {
            assert_eq!(MailPreference::parse(preference.code()), Some(preference));
            assert_eq!(MailPreference::of_role(preference.role()), Some(preference));
            assert!(preference.opt_out().contains(preference.label()));
        }
        assert_eq!(MailPreference::of_role(Role::Admin), None);
        assert_eq!(MailPreference::parse("autre"), None);
    }
}
