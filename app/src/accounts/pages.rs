//! Login, password renewal (as in the guide's screens), and "Mon compte".
//!
//! Every form is an `ActionForm`: inside an island (renewal steps, header tools) the result
//! shows in place; elsewhere, or without JavaScript, the form posts to the server function,
//! which answers with a redirect (errors come back in the URL and are read by [`form_error`]).
//! The password checklist is an island of its own, inside plain forms.

use ecars_core::password::PasswordCheck;
use ecars_core::routes::{ACCOUNT_PATH, LOGIN_PATH, NEW_PASSWORD_PATH, RENEW_PATH};
use leptos::form::ActionForm;

use crate::accounts::csrf::CsrfField;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

use super::api::{
    current_account, renewal_email, ChangePassword, Login, Logout, RefreshSession, SendCode, SetNewPassword, VerifyCode,
};
use super::{Account, IDENTIFIER_PARAM};
use crate::layout::forms::{form_error, query_param, typed_before_hydration};
use crate::layout::when_loaded;
use crate::AppError;

/// The message of the last successful call; after a plain form post (no JavaScript), `message`
/// when the server's redirect carried the query parameter `param`.
fn success_message<S>(action: ServerAction<S>, param: &'static str, message: &'static str) -> Signal<Option<String>>
where
    S: ServerFn<Output = String, Error = AppError> + Clone + Send + Sync + 'static,
{
    let after_form_post = query_param(param);
    Signal::derive(move || match action.value().get() {
        Some(result) => result.ok(),
        None => after_form_post.get().map(|_| message.to_owned()),
    })
}

#[component]
fn FormError(error: Signal<Option<AppError>>) -> impl IntoView {
    move || error.get().map(|error| view! { <crate::layout::forms::FormRefusal message=error.to_string()/> })
}

/// A plain form (no island): a refusal comes back from the server with the identifier typed.
#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let return_to = query_param("retour");
    let identifier = query_param(IDENTIFIER_PARAM).get_untracked().unwrap_or_default();
    view! {
        <Title text="Connexion"/>
        <div class="fr-grid-row fr-grid-row--center">
            <div class="fr-col-12 fr-col-md-8 fr-col-lg-6">
                <h1>"Connexion avec votre compte professionnel"</h1>
                {move || return_to.get().map(|_| view! {
                    <p class="fr-alert fr-alert--info fr-alert--sm fr-mb-3w">
                        "Veuillez vous connecter pour accéder à cette page."
                    </p>
                })}
                <FormError error=form_error(login)/>
                <ActionForm action=login>
                    <CsrfField/>
                    <input type="hidden" name="return_to" value=move || return_to.get().unwrap_or_default()/>
                    <div class="fr-input-group">
                        <label class="fr-label" for="identifier">
                            "Identifiant"
                            <span class="fr-hint-text">"Votre adresse email professionnelle"</span>
                        </label>
                        <input class="fr-input" id="identifier" name="identifier" type="text"
                            autocomplete="username" inputmode="email" spellcheck="false" required value=identifier/>
                    </div>
                    <div class="fr-input-group">
                        <label class="fr-label" for="password">"Mot de passe"</label>
                        <input class="fr-input" id="password" name="password" type="password"
                            autocomplete="current-password" required/>
                    </div>
                    <button class="fr-btn" type="submit">"Connexion"</button>
                </ActionForm>
                <p class="fr-mt-3w">
                    <a class="fr-link" href=RENEW_PATH>"Renouveler le mot de passe"</a>
                </p>
                <p class="fr-text--sm">
                    "Première connexion : vous devez obligatoirement renouveler le mot de passe reçu par email."
                </p>
            </div>
        </div>
    }
}

#[component]
pub fn RenewPasswordPage() -> impl IntoView {
    view! {
        <Title text="Renouveler le mot de passe"/>
        <RenewPasswordSteps/>
    }
}

/// Send a code, then check it, on one page: each step's answer shows in place.
#[island(lazy)]
fn RenewPasswordSteps() -> impl IntoView {
    crate::app::island_ready();
    let send = ServerAction::<SendCode>::new();
    let verify = ServerAction::<VerifyCode>::new();
    let first_login = query_param("premiere");
    // What the server filled in, unless the user typed another address before hydration.
    let filled = query_param("email").get_untracked().unwrap_or_default();
    let typed =
        ["email-envoi", "email-code"].into_iter().filter_map(typed_before_hydration).find(|typed| *typed != filled);
    let email = RwSignal::new(filled);
    if let Some(typed) = typed {
        Effect::new(move |_| email.set(typed.clone()));
    }
    let sent = success_message(
        send,
        "envoye",
        "Si un compte correspond à cette adresse, un code de vérification vient d'y être envoyé. \
         Il est valable 10 minutes.",
    );
    let verified = Signal::derive(move || matches!(verify.value().get(), Some(Ok(_))));
    let email_input = move |id: &'static str| {
        view! {
            <div class="fr-input-group">
                <label class="fr-label" for=id>"Adresse email"</label>
                <input class="fr-input" id=id name="email" type="text" inputmode="email" autocomplete="email"
                    spellcheck="false" required value=email.get_untracked() prop:value=move || email.get()
                    on:input=move |ev| email.set(event_target_value(&ev))/>
            </div>
        }
    };
    view! {
        <div class="fr-grid-row fr-grid-row--center">
            <div class="fr-col-12 fr-col-md-8 fr-col-lg-6">
                <h1>"Renouveler le mot de passe"</h1>
                {move || first_login.get().map(|_| view! {
                    <div class="fr-alert fr-alert--info fr-mb-3w">
                        <p>
                            "Lors de votre première connexion, vous devez obligatoirement renouveler "
                            "le mot de passe que vous avez reçu par email."
                        </p>
                    </div>
                })}
                <section class="fr-mb-5w" aria-labelledby="etape-envoi">
                    <h2 id="etape-envoi" class="fr-h5">"1. Recevoir un code de vérification"</h2>
                    <FormError error=form_error(send)/>
                    <ActionForm action=send>
                        <CsrfField/>
                        {email_input("email-envoi")}
                        <button class="fr-btn" type="submit" disabled=move || send.pending().get()>
                            "Envoyer le code de vérification"
                        </button>
                    </ActionForm>
                    <div role="status">
                        {move || sent.get().map(|message| view! {
                            <p class="fr-alert fr-alert--success fr-alert--sm fr-mt-2w">{message}</p>
                        })}
                    </div>
                </section>
                <section class="fr-mb-5w" aria-labelledby="etape-code">
                    <h2 id="etape-code" class="fr-h5">"2. Vérifier le code reçu par email"</h2>
                    <FormError error=form_error(verify)/>
                    <ActionForm action=verify>
                        <CsrfField/>
                        {email_input("email-code")}
                        <div class="fr-input-group">
                            <label class="fr-label" for="code">
                                "Code de vérification"
                                <span class="fr-hint-text">"Les 8 chiffres reçus par email"</span>
                            </label>
                            <input class="fr-input" id="code" name="code" type="text" inputmode="numeric"
                                autocomplete="one-time-code" maxlength="8" required/>
                        </div>
                        <button class="fr-btn" type="submit" disabled=move || verify.pending().get()>
                            "Vérifier le code"
                        </button>
                    </ActionForm>
                    <div role="status">
                        {move || verified.get().then(|| view! {
                            <p class="fr-alert fr-alert--success fr-alert--sm fr-mt-2w">
                                "Code vérifié. Vous pouvez choisir votre nouveau mot de passe."
                            </p>
                            <a class="fr-btn fr-mt-2w" href=NEW_PASSWORD_PATH>"Continuer"</a>
                        })}
                    </div>
                </section>
                <p><a class="fr-link" href=LOGIN_PATH>"Retour à la connexion"</a></p>
            </div>
        </div>
    }
}

/// The rule, met or not, updated at each keystroke.
#[component]
fn PasswordChecklist(password: RwSignal<String>, identifier: Signal<String>) -> impl IntoView {
    view! {
        <div class="fr-messages-group password-rules" id="regles-mot-de-passe" aria-live="polite">
            <p class="fr-message">"Votre mot de passe doit contenir :"</p>
            {move || {
                PasswordCheck::of(&password.get(), &identifier.get())
                    .items()
                    .into_iter()
                    .map(|(label, met)| {
                        let class = if met { "fr-message fr-message--valid" } else { "fr-message fr-message--info" };
                        view! {
                            <p class=class>
                                <span class="fr-sr-only">{if met { "Respecté : " } else { "Non respecté : " }}</span>
                                {label}
                            </p>
                        }
                    })
                    .collect_view()
            }}
        </div>
    }
}

/// "Nouveau mot de passe", "Confirmer le nouveau mot de passe", with the live checklist.
#[island(lazy)]
fn NewPasswordFields(identifier: String) -> impl IntoView {
    crate::app::island_ready();
    let identifier = Signal::stored(identifier);
    let password = RwSignal::new(String::new());
    let confirmation = RwSignal::new(String::new());
    // Typed before hydration: the checklist follows once hydrated.
    for (signal, id) in [(password, "password"), (confirmation, "confirmation")] {
        if let Some(typed) = typed_before_hydration(id) {
            Effect::new(move |_| signal.set(typed.clone()));
        }
    }
    let mismatch = move || !confirmation.get().is_empty() && confirmation.get() != password.get();
    view! {
        <div class="fr-input-group">
            <label class="fr-label" for="password">"Nouveau mot de passe"</label>
            <input class="fr-input" id="password" name="password" type="password" autocomplete="new-password"
                aria-describedby="regles-mot-de-passe" required
                on:input=move |ev| password.set(event_target_value(&ev))/>
            <PasswordChecklist password identifier/>
        </div>
        <div class="fr-input-group">
            <label class="fr-label" for="confirmation">"Confirmer le nouveau mot de passe"</label>
            <input class="fr-input" id="confirmation" name="confirmation" type="password"
                autocomplete="new-password" required
                on:input=move |ev| confirmation.set(event_target_value(&ev))/>
            <p class="fr-message fr-message--error" aria-live="polite">
                {move || mismatch().then_some("Les deux mots de passe saisis sont différents.")}
            </p>
        </div>
    }
}

#[component]
pub fn NewPasswordPage() -> impl IntoView {
    let email = Resource::new(|| (), |_| renewal_email());
    let set = ServerAction::<SetNewPassword>::new();
    view! {
        <Title text="Nouveau mot de passe"/>
        <div class="fr-grid-row fr-grid-row--center">
            <div class="fr-col-12 fr-col-md-8 fr-col-lg-6">
                <h1>"Nouveau mot de passe"</h1>
                {when_loaded(email, move |email| match email {
                    None => view! {
                        <div class="fr-alert fr-alert--warning">
                            <p>
                                "La vérification de votre adresse email a expiré ou n'a pas été faite. "
                                <a href=RENEW_PATH>"Recommencer le renouvellement du mot de passe"</a>
                            </p>
                        </div>
                    }
                    .into_any(),
                    Some(email) => {
                        let identifier = email.clone();
                        view! {
                            <p>"Compte : " <strong>{email.clone()}</strong></p>
                            <FormError error=form_error(set)/>
                            <ActionForm action=set>
                                <CsrfField/>
                                // Lets password managers file the new password under the right account.
                                <input type="hidden" name="username" autocomplete="username" value=email/>
                                <NewPasswordFields identifier/>
                                <button class="fr-btn" type="submit" disabled=move || set.pending().get()>
                                    "Continuer"
                                </button>
                            </ActionForm>
                        }
                        .into_any()
                    }
                })}
            </div>
        </div>
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let account = Resource::new(|| (), |_| current_account());
    view! {
        <Title text="Mon compte"/>
        <h1>"Mon compte"</h1>
        {when_loaded(account, |account| match account {
            Some(account) => view! { <AccountDetails account/> }.into_any(),
            None => view! { <crate::layout::ErrorNotice error=AppError::Unauthenticated/> }.into_any(),
        })}
    }
}

#[component]
fn AccountDetails(account: Account) -> impl IntoView {
    let change = ServerAction::<ChangePassword>::new();
    let changed =
        success_message(change, "modifie", "Votre mot de passe a été modifié. Vos autres sessions ont été fermées.");
    let identifier = account.email.clone();
    view! {
        <dl class="fields">
            <div><dt>"Identifiant :"</dt><dd>{account.email.clone()}</dd></div>
            <div><dt>"Profil :"</dt><dd>{account.role.label()}</dd></div>
            {account.agency.clone().map(|agency| view! { <div><dt>"Agence :"</dt><dd>{agency}</dd></div> })}
        </dl>
        {(!account.legal_entities.is_empty()).then(|| view! {
            <h2 class="fr-h4">{account.role.entities_label()}</h2>
            <ul>
                {account.legal_entities.iter().map(|entity| view! {
                    <li><a href=entity.href()>{entity.title()}</a></li>
                }).collect_view()}
            </ul>
        })}
        {account.mail_preference.map(|(preference, wanted)| view! {
            <super::mail_preferences::MailPreferenceForm preference wanted/>
        })}
        <h2 class="fr-h4">"Modifier le mot de passe"</h2>
        <div class="fr-col-12 fr-col-md-8 fr-col-lg-6 fr-px-0">
            <div role="status">
                {move || changed.get().map(|message| view! {
                    <p class="fr-alert fr-alert--success fr-alert--sm fr-mb-3w">{message}</p>
                })}
            </div>
            <FormError error=form_error(change)/>
            <ActionForm action=change>
                <CsrfField/>
                <input type="hidden" name="username" autocomplete="username" value=account.email.clone()/>
                <div class="fr-input-group">
                    <label class="fr-label" for="current">"Mot de passe actuel"</label>
                    <input class="fr-input" id="current" name="current" type="password"
                        autocomplete="current-password" required/>
                </div>
                <NewPasswordFields identifier/>
                <button class="fr-btn" type="submit" disabled=move || change.pending().get()>
                    "Modifier le mot de passe"
                </button>
            </ActionForm>
        </div>
    }
}

/// The header's tools for a logged-in user: "Mon compte", "Rafraîchir la session", "Déconnexion".
#[component]
pub fn AccountMenu() -> impl IntoView {
    let account = Resource::new(|| (), |_| current_account());
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                account.await.ok().flatten().map(|account| view! { <SessionTools email=account.email/> })
            })}
        </Transition>
    }
}

/// An island: refreshing the session answers in place (what is typed on the page stays);
/// logging out is a plain form, which the server answers with the login page. Without
/// JavaScript, refreshing posts the form too and comes back to the page.
#[island]
fn SessionTools(email: String) -> impl IntoView {
    crate::app::island_ready();
    let refreshed = RwSignal::new(None::<String>);
    let refresh = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        crate::layout::requests::call::<String>(RefreshSession::PATH, "", move |answer| {
            refreshed.set(Some(answer.unwrap_or_else(|error| error.to_string())));
        });
    };
    view! {
        <div class="fr-header__tools">
            <div class="fr-header__tools-links">
                <ul class="fr-btns-group">
                    <li>
                        <a class="fr-btn fr-icon-account-circle-line" href=ACCOUNT_PATH
                            title=format!("Mon compte ({email})")>
                            "Mon compte"
                        </a>
                    </li>
                    <li>
                        <form method="post" action=RefreshSession::PATH on:submit=refresh>
                            <CsrfField/>
                            <button class="fr-btn fr-icon-refresh-line" type="submit">
                                "Rafraîchir la session"
                            </button>
                        </form>
                    </li>
                    <li>
                        <form method="post" action=Logout::PATH>
                            <CsrfField/>
                            <button class="fr-btn fr-icon-logout-box-r-line" type="submit">
                                "Déconnexion"
                            </button>
                        </form>
                    </li>
                </ul>
                <p class="fr-text--xs session-message" role="status">{move || refreshed.get()}</p>
            </div>
        </div>
    }
}
