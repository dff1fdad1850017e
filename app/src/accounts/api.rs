//! Server functions of the accounts. Each returns, on success, where the browser goes next
//! (or a message); a plain form post (no JavaScript) is redirected there by the server.

use leptos::prelude::*;

use super::Account;
use crate::AppError;

/// Holds the renewal token between "Vérifier le code" and the new password, for 10 minutes.
#[cfg(feature = "ssr")]
const RENEWAL_COOKIE: &str = "ecars_renouvellement";

#[server(endpoint = "connexion")]
pub async fn login(identifier: String, password: String, return_to: Option<String>) -> Result<String, AppError> {
    use super::login::{login, LoginResult};
    use super::rate_limit::Limited;
    use super::{sessions::SESSION_COOKIE, web, IDENTIFIER_PARAM};
    use crate::routes::{percent_encode, RENEW_PATH};

    let state = crate::state::AppState::current()?;
    let outcome = match state.limiter.check(Limited::Login, web::client_ip()) {
        Ok(()) => login(&state.db, &state.hashing, &identifier, &password).await,
        Err(error) => Err(error),
    };
    let target = match outcome {
        Ok(LoginResult::Session(token)) => {
            web::set_cookie(SESSION_COOKIE, &token, state.settings.sessions.absolute)?;
            web::local_path(return_to.as_deref())
        }
        Ok(LoginResult::MustRenew) => format!("{RENEW_PATH}?premiere=1&email={}", percent_encode(identifier.trim())),
        Err(error) => {
            // Without JavaScript, back to the form with the identifier typed (never the password).
            if web::is_plain_form_post() {
                use leptos::server_fn::ServerFn;
                web::back_to_form(Login::PATH, [(IDENTIFIER_PARAM, identifier.as_str())], &error);
            }
            return Err(error);
        }
    };
    web::redirect_form_post(&target);
    Ok(target)
}

#[server(endpoint = "deconnexion")]
pub async fn logout() -> Result<String, AppError> {
    use super::{access, sessions, web};
    use crate::routes::LOGIN_PATH;

    if let Ok(viewer) = access::viewer() {
        sessions::close(&crate::state::AppState::current()?.db, viewer.session_id).await?;
    }
    web::clear_cookie(sessions::SESSION_COOKIE)?;
    web::redirect_form_post(LOGIN_PATH);
    Ok(LOGIN_PATH.to_owned())
}

/// "Rafraîchir la session": the idle timeout starts again from now.
#[server(endpoint = "rafraichir_session")]
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
#[server(endpoint = "compte")]
pub async fn current_account() -> Result<Option<Account>, AppError> {
    use super::{access, directory};

    let Ok(viewer) = access::viewer() else {
        return Ok(None);
    };
    Ok(Some(directory::account(&crate::state::AppState::current()?.db, &viewer).await?))
}

#[server(endpoint = "envoyer_code")]
pub async fn send_code(email: String) -> Result<String, AppError> {
    use super::rate_limit::Limited;
    use super::{renewal, web};
    use crate::routes::{percent_encode, RENEW_PATH};

    let state = crate::state::AppState::current()?;
    state.limiter.check(Limited::CodeRequest, web::client_ip())?;
    renewal::send_code(&state.db, &state.outbox, &state.settings.public_url, &email).await?;
    web::redirect_form_post(&format!("{RENEW_PATH}?envoye=1&email={}", percent_encode(email.trim())));
    Ok(format!(
        "Si un compte correspond à l'adresse {}, un code de vérification vient d'y être envoyé. \
         Il est valable 10 minutes.",
        email.trim()
    ))
}

#[server(endpoint = "verifier_code")]
pub async fn verify_code(email: String, code: String) -> Result<String, AppError> {
    use super::rate_limit::Limited;
    use super::renewal::{verify_code, CODE_VALIDITY};
    use super::web;
    use crate::routes::NEW_PASSWORD_PATH;

    let state = crate::state::AppState::current()?;
    state.limiter.check(Limited::Login, web::client_ip())?;
    let token = verify_code(&state.db, &email, &code).await?;
    web::set_cookie(RENEWAL_COOKIE, &token, CODE_VALIDITY)?;
    web::redirect_form_post(NEW_PASSWORD_PATH);
    Ok(NEW_PASSWORD_PATH.to_owned())
}

/// The address being renewed, once its code is verified; `None` otherwise.
#[server(endpoint = "adresse_verifiee")]
pub async fn renewal_email() -> Result<Option<String>, AppError> {
    use super::{renewal, web};

    match web::request_cookie(RENEWAL_COOKIE) {
        Some(token) => Ok(renewal::renewal_email(&crate::state::AppState::current()?.db, &token).await?),
        None => Ok(None),
    }
}

#[server(endpoint = "nouveau_mot_de_passe")]
pub async fn set_new_password(password: String, confirmation: String) -> Result<String, AppError> {
    use super::renewal::renew_password;
    use super::{sessions::SESSION_COOKIE, web};

    let state = crate::state::AppState::current()?;
    let token = web::request_cookie(RENEWAL_COOKIE).unwrap_or_default();
    let public_url = &state.settings.public_url;
    let session =
        renew_password(&state.db, &state.hashing, &state.outbox, public_url, &token, &password, &confirmation).await?;
    web::clear_cookie(RENEWAL_COOKIE)?;
    web::set_cookie(SESSION_COOKIE, &session, state.settings.sessions.absolute)?;
    web::redirect_form_post("/");
    Ok("/".to_owned())
}

#[server(endpoint = "changer_mot_de_passe")]
pub async fn change_password(current: String, password: String, confirmation: String) -> Result<String, AppError> {
    use super::password::change_password;
    use super::rate_limit::Limited;
    use super::{access, sessions::SESSION_COOKIE, web};
    use crate::routes::ACCOUNT_PATH;

    let viewer = access::viewer()?;
    let state = crate::state::AppState::current()?;
    state.limiter.check(Limited::Login, web::client_ip())?;
    let public_url = &state.settings.public_url;
    let session = change_password(
        &state.db,
        &state.hashing,
        &state.outbox,
        public_url,
        &viewer,
        &current,
        &password,
        &confirmation,
    )
    .await?;
    web::set_cookie(SESSION_COOKIE, &session, state.settings.sessions.absolute)?;
    web::redirect_form_post(&format!("{ACCOUNT_PATH}?modifie=1"));
    Ok("Votre mot de passe a été modifié. Vos autres sessions ont été fermées.".to_owned())
}
