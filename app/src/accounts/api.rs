//! Server functions of the accounts. Each returns, on success, where the browser goes next
//! (or a message); a plain form post (no JavaScript) is redirected there by the server.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::security_log::{record, Event, Outcome};
use super::Account;
use crate::AppError;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;

/// Holds the renewal token between "Vérifier le code" and the new password, for 10 minutes.
#[cfg(feature = "ssr")]
pub(crate) const RENEWAL_COOKIE: &str = "ecars_renouvellement";

#[server(endpoint = "connexion", client = crate::accounts::csrf::PortalClient)]
pub async fn login(identifier: String, password: String, return_to: Option<String>) -> Result<String, AppError> {
    use ecars_core::routes::{percent_encode, RENEW_PATH};

    use super::login::{login, LoginResult};
    use super::rate_limit::Limited;
    use super::web::FormPage;
    use super::{sessions::SESSION_COOKIE, web, IDENTIFIER_PARAM};

    let state = crate::state::AppState::current()?;
    let outcome = match state.limiter.check(Limited::Login, web::client_ip()) {
        Ok(()) => login(&state.db, &state.hashing, &identifier, &password, web::client_ip()).await,
        Err(error) => {
            record(Event::Login, Some(&identifier), Outcome::Refused, "rate_limited");
            Err(error)
        }
    };
    let target = match outcome {
        Ok(LoginResult::Session(token, role)) => {
            web::set_cookie(SESSION_COOKIE, &token, state.settings.sessions.absolute)?;
            Ok(match return_to.as_deref().filter(|target| !target.trim().is_empty()) {
                Some(target) => web::return_path(Some(target)),
                None => role.home().to_owned(),
            })
        }
        Ok(LoginResult::MustRenew) => {
            Ok(format!("{RENEW_PATH}?premiere=1&email={}", percent_encode(identifier.trim())))
        }
        Err(error) => Err(error),
    };
    // Without JavaScript, a refusal comes back to the form with the identifier (never the password).
    let typed = [(IDENTIFIER_PARAM, identifier.as_str())];
    web::answer_plain_post(Login::PATH, &target, String::clone, FormPage::posting(typed));
    target
}

#[server(endpoint = "deconnexion", client = crate::accounts::csrf::PortalClient)]
pub async fn logout() -> Result<String, AppError> {
    use ecars_core::routes::LOGIN_PATH;

    use super::{access, sessions, web};

    if let Ok(viewer) = access::viewer() {
        sessions::close(&crate::state::AppState::current()?.db, viewer.session_id).await?;
        record(Event::Logout, Some(&viewer.email), Outcome::Success, "");
    }
    web::clear_cookie(sessions::SESSION_COOKIE)?;
    let done = Ok(LOGIN_PATH.to_owned());
    web::answer_plain_post(Logout::PATH, &done, String::clone, None);
    done
}

/// "Rafraîchir la session": the idle timeout starts again from now.
#[server(endpoint = "rafraichir_session", client = crate::accounts::csrf::PortalClient)]
pub async fn refresh_session() -> Result<String, AppError> {
    use super::{access, sessions};

    let viewer = access::viewer()?;
    let state = crate::state::AppState::current()?;
    sessions::touch(&state.db, viewer.session_id).await?;
    Ok(format!(
        "Session prolongée : elle reste ouverte {} minutes sans activité.",
        state.settings.sessions.idle.as_secs() / 60
    ))
}

/// The logged-in user, or `None` for an anonymous visitor (login and renewal pages).
#[server(endpoint = "compte", client = crate::accounts::csrf::PortalClient)]
pub async fn current_account() -> Result<Option<Account>, AppError> {
    use super::{access, directory};

    let Ok(viewer) = access::viewer() else {
        return Ok(None);
    };
    Ok(Some(directory::account(&crate::state::AppState::current()?.db, &viewer).await?))
}

#[server(endpoint = "envoyer_code", client = crate::accounts::csrf::PortalClient)]
pub async fn send_code(email: String) -> Result<String, AppError> {
    use ecars_core::routes::{percent_encode, RENEW_PATH};

    use super::rate_limit::Limited;
    use super::web::FormPage;
    use super::{renewal, web};

    let state = crate::state::AppState::current()?;
    let sent = match state.limiter.check(Limited::CodeRequest, web::client_ip()) {
        Ok(()) => renewal::send_code(&state.db, &state.outbox, &state.settings.public_url, &email).await,
        Err(error) => {
            record(Event::CodeSent, Some(&email), Outcome::Refused, "rate_limited");
            Err(error)
        }
    };
    let done = |_: &()| format!("{RENEW_PATH}?envoye=1&email={}", percent_encode(email.trim()));
    web::answer_plain_post(SendCode::PATH, &sent, done, FormPage::posting([("email", email.as_str())]));
    sent?;
    Ok(format!(
        "Si un compte correspond à l'adresse {}, un code de vérification vient d'y être envoyé. \
         Il est valable 10 minutes.",
        email.trim()
    ))
}

#[server(endpoint = "verifier_code", client = crate::accounts::csrf::PortalClient)]
pub async fn verify_code(email: String, code: String) -> Result<String, AppError> {
    use ecars_core::routes::NEW_PASSWORD_PATH;

    use super::rate_limit::Limited;
    use super::renewal::{verify_code, CODE_VALIDITY};
    use super::web::{self, FormPage};

    let state = crate::state::AppState::current()?;
    let verified = match state.limiter.check(Limited::Login, web::client_ip()) {
        Ok(()) => verify_code(&state.db, &email, &code).await,
        Err(error) => {
            record(Event::CodeVerified, Some(&email), Outcome::Refused, "rate_limited");
            Err(error)
        }
    };
    if let Ok(token) = &verified {
        web::set_cookie(RENEWAL_COOKIE, token, CODE_VALIDITY)?;
    }
    let back = FormPage::posting([("email", email.as_str())]);
    web::answer_plain_post(VerifyCode::PATH, &verified, |_| NEW_PASSWORD_PATH.to_owned(), back);
    verified.map(|_| NEW_PASSWORD_PATH.to_owned())
}

/// The address being renewed, once its code is verified; `None` otherwise.
#[server(endpoint = "adresse_verifiee", client = crate::accounts::csrf::PortalClient)]
pub async fn renewal_email() -> Result<Option<String>, AppError> {
    use super::{renewal, web};

    match web::request_cookie(RENEWAL_COOKIE) {
        Some(token) => Ok(renewal::renewal_email(&crate::state::AppState::current()?.db, &token).await?),
        None => Ok(None),
    }
}

#[server(endpoint = "nouveau_mot_de_passe", client = crate::accounts::csrf::PortalClient)]
pub async fn set_new_password(password: String, confirmation: String) -> Result<String, AppError> {
    use ecars_core::routes::HOME_PATH;

    use super::password::NewPassword;
    use super::renewal::renew_password;
    use super::web::FormPage;
    use super::{sessions::SESSION_COOKIE, web};

    let state = crate::state::AppState::current()?;
    let token = web::request_cookie(RENEWAL_COOKIE).unwrap_or_default();
    let public_url = &state.settings.public_url;
    let new = NewPassword { password: &password, confirmation: &confirmation };
    let renewed = renew_password(&state.db, &state.hashing, &state.outbox, public_url, &token, new).await;
    if let Ok(session) = &renewed {
        web::clear_cookie(RENEWAL_COOKIE)?;
        web::set_cookie(SESSION_COOKIE, session, state.settings.sessions.absolute)?;
    }
    web::answer_plain_post(SetNewPassword::PATH, &renewed, |_| HOME_PATH.to_owned(), FormPage::posting([]));
    renewed.map(|_| HOME_PATH.to_owned())
}

#[server(endpoint = "changer_mot_de_passe", client = crate::accounts::csrf::PortalClient)]
pub async fn change_password(current: String, password: String, confirmation: String) -> Result<String, AppError> {
    use ecars_core::routes::ACCOUNT_PATH;

    use super::password::{change_password, CurrentPassword, NewPassword};
    use super::rate_limit::Limited;
    use super::web::FormPage;
    use super::{access, sessions::SESSION_COOKIE, web};

    let viewer = access::viewer()?;
    let state = crate::state::AppState::current()?;
    let public_url = &state.settings.public_url;
    let changed = match state.limiter.check(Limited::Login, web::client_ip()) {
        Ok(()) => {
            let (db, hashing, outbox) = (&state.db, &state.hashing, &state.outbox);
            let new = NewPassword { password: &password, confirmation: &confirmation };
            let current = CurrentPassword { typed: &current, client: web::client_ip() };
            change_password(db, hashing, outbox, public_url, &viewer, current, new).await
        }
        Err(error) => {
            record(Event::PasswordChanged, Some(&viewer.email), Outcome::Refused, "rate_limited");
            Err(error)
        }
    };
    if let Ok(session) = &changed {
        web::set_cookie(SESSION_COOKIE, session, state.settings.sessions.absolute)?;
    }
    let done = |_: &String| format!("{ACCOUNT_PATH}?modifie=1");
    web::answer_plain_post(ChangePassword::PATH, &changed, done, FormPage::posting([]));
    changed.map(|_| "Votre mot de passe a été modifié. Vos autres sessions ont été fermées.".to_owned())
}
