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
    use super::rate_limit::Limited;
    use super::service::{login, Accounts, LoginResult};
    use super::{percent_encode, sessions::SESSION_COOKIE, web, IDENTIFIER_PARAM, RENEW_PATH};

    let accounts = Accounts::from_context()?;
    let outcome = match accounts.limiter.check(Limited::Login, web::client_ip()) {
        Ok(()) => login(&accounts, &identifier, &password).await,
        Err(error) => Err(error),
    };
    let target = match outcome {
        Ok(LoginResult::Session(token)) => {
            web::set_cookie(SESSION_COOKIE, &token, accounts.limits.absolute)?;
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
    use super::{access, service::Accounts, sessions, web, LOGIN_PATH};

    if let Ok(viewer) = access::viewer() {
        sessions::close(&Accounts::from_context()?.db, viewer.session_id).await?;
    }
    web::clear_cookie(sessions::SESSION_COOKIE)?;
    web::redirect_form_post(LOGIN_PATH);
    Ok(LOGIN_PATH.to_owned())
}

/// "Rafraîchir la session": the idle timeout starts again from now.
#[server(endpoint = "rafraichir_session")]
pub async fn refresh_session() -> Result<String, AppError> {
    use super::{access, service::Accounts, sessions};

    let viewer = access::viewer()?;
    let accounts = Accounts::from_context()?;
    sessions::touch(&accounts.db, viewer.session_id).await?;
    Ok(format!("Session prolongée : elle reste ouverte {} minutes sans activité.", accounts.limits.idle.as_secs() / 60))
}

/// The logged-in user, or `None` for an anonymous visitor (login and renewal pages).
#[server(endpoint = "compte")]
pub async fn current_account() -> Result<Option<Account>, AppError> {
    use super::{access, service};

    let Ok(viewer) = access::viewer() else {
        return Ok(None);
    };
    Ok(Some(service::account(&crate::db::from_context()?, &viewer).await?))
}

#[server(endpoint = "envoyer_code")]
pub async fn send_code(email: String) -> Result<String, AppError> {
    use super::rate_limit::Limited;
    use super::service::{send_code, Accounts};
    use super::{percent_encode, web, RENEW_PATH};

    let accounts = Accounts::from_context()?;
    accounts.limiter.check(Limited::CodeRequest, web::client_ip())?;
    send_code(&accounts, &email).await?;
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
    use super::service::{verify_code, Accounts, CODE_VALIDITY};
    use super::{web, NEW_PASSWORD_PATH};

    let accounts = Accounts::from_context()?;
    accounts.limiter.check(Limited::Login, web::client_ip())?;
    let token = verify_code(&accounts, &email, &code).await?;
    web::set_cookie(RENEWAL_COOKIE, &token, CODE_VALIDITY)?;
    web::redirect_form_post(NEW_PASSWORD_PATH);
    Ok(NEW_PASSWORD_PATH.to_owned())
}

/// The address being renewed, once its code is verified; `None` otherwise.
#[server(endpoint = "adresse_verifiee")]
pub async fn renewal_email() -> Result<Option<String>, AppError> {
    use super::{service, web};

    match web::request_cookie(RENEWAL_COOKIE) {
        Some(token) => Ok(service::renewal_email(&crate::db::from_context()?, &token).await?),
        None => Ok(None),
    }
}

#[server(endpoint = "nouveau_mot_de_passe")]
pub async fn set_new_password(password: String, confirmation: String) -> Result<String, AppError> {
    use super::service::{renew_password, Accounts};
    use super::{sessions::SESSION_COOKIE, web};

    let accounts = Accounts::from_context()?;
    let token = web::request_cookie(RENEWAL_COOKIE).unwrap_or_default();
    let session = renew_password(&accounts, &token, &password, &confirmation).await?;
    web::clear_cookie(RENEWAL_COOKIE)?;
    web::set_cookie(SESSION_COOKIE, &session, accounts.limits.absolute)?;
    web::redirect_form_post("/");
    Ok("/".to_owned())
}

#[server(endpoint = "changer_mot_de_passe")]
pub async fn change_password(current: String, password: String, confirmation: String) -> Result<String, AppError> {
    use super::rate_limit::Limited;
    use super::service::{change_password, Accounts};
    use super::{access, sessions::SESSION_COOKIE, web, ACCOUNT_PATH};

    let viewer = access::viewer()?;
    let accounts = Accounts::from_context()?;
    accounts.limiter.check(Limited::Login, web::client_ip())?;
    let session = change_password(&accounts, &viewer, &current, &password, &confirmation).await?;
    web::set_cookie(SESSION_COOKIE, &session, accounts.limits.absolute)?;
    web::redirect_form_post(&format!("{ACCOUNT_PATH}?modifie=1"));
    Ok("Votre mot de passe a été modifié. Vos autres sessions ont été fermées.".to_owned())
}
