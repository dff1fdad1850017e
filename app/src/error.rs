//! The one error type of the application layer: what a page or a server function may
//! tell the user. Internal causes are logged on the server and never sent to the browser.

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
    Bytes, Encodes,
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Unknown, or not visible to the current user (both look the same on purpose).
    #[error("La page demandée n'existe pas ou n'est pas accessible.")]
    NotFound,
    /// No valid session: never logged in, logged out, or expired.
    #[error("Votre session a expiré ou vous n'êtes pas connecté. Veuillez vous reconnecter.")]
    Unauthenticated,
    /// Logged in, allowed to read, not allowed to change (agency referents, administrators).
    #[error("Votre profil permet la consultation uniquement : cette modification n'est pas autorisée.")]
    Forbidden,
    /// The same answer whatever was wrong (unknown identifier, bad password, locked account).
    #[error(
        "Identifiant ou mot de passe incorrect. Après 5 essais infructueux, le compte est bloqué quelques minutes."
    )]
    InvalidCredentials,
    /// What the user typed is refused; the message says why, in French.
    #[error("{0}")]
    Invalid(String),
    /// Not changeable: the contract is in Consultation, or the question is a national indicator.
    #[error("{0}")]
    NotEditable(String),
    /// Someone saved this answer meanwhile: nothing was overwritten, the current answer comes along.
    #[error(
        "Cette réponse a été modifiée entre-temps (voir la réponse actuelle) : rien n'a été écrasé. \
         Gardez la réponse actuelle, ou enregistrez à nouveau la vôtre pour la remplacer."
    )]
    Conflict(Box<crate::evaluation::AnswerView>),
    /// Someone saved this appraisal meanwhile: nothing was overwritten, the current one comes along.
    #[error(
        "Cette appréciation a été modifiée entre-temps (voir l'appréciation actuelle) : rien n'a été écrasé. \
         Gardez l'appréciation actuelle, ou enregistrez à nouveau la vôtre pour la remplacer."
    )]
    AppraisalConflict(Box<ecars_core::evaluation::appraisal::AppraisalView>),
    /// "Clore la saisie" refused: what is still missing comes along, with links to each item.
    #[error("La saisie ne peut pas encore être close : {}.", .0.summary())]
    NotClosable(Box<crate::evaluation::closing::MissingItems>),
    /// Too many attempts from this address; the HTTP answer carries `Retry-After`.
    #[error("Trop de tentatives. Veuillez réessayer dans {} minute(s).", retry_after_seconds.div_ceil(60))]
    TooManyRequests { retry_after_seconds: u64 },
    /// Too many archives ("Récupérer tous les documents") being written for this user, or for
    /// everybody: the HTTP answer is 429.
    #[error(
        "Trop de téléchargements d'archives sont en cours. Attendez la fin de vos téléchargements, \
         puis réessayez dans une minute."
    )]
    ArchivesBusy,
    /// Too many exports or charts of the follow-up being made for this user, or for everybody:
    /// the HTTP answer is 429.
    #[error(
        "Trop d'exports ou de graphiques du suivi sont en cours. Attendez la fin des vôtres, \
         puis réessayez dans une minute."
    )]
    ExportsBusy,
    /// A message could not be handed to the mail server; details are in the server log.
    #[error("Le courriel n'a pas pu être envoyé. Réessayez dans quelques minutes ou contactez le support.")]
    MailNotSent,
    /// The database does not answer for now (host down, network cut): nothing was changed.
    #[error("Service momentanément indisponible. Réessayez dans quelques instants : rien n'a été modifié.")]
    Unavailable,
    /// Something failed on the server; details are in the server log only.
    #[error("Une erreur technique est survenue. Veuillez réessayer dans quelques instants.")]
    Internal,
    /// The browser could not reach the server or understand its answer.
    #[error("Le serveur est injoignable. Vérifiez votre connexion puis réessayez.")]
    Unreachable,
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    /// In the browser, a request that failed or an answer it cannot read means the server is out
    /// of reach; on the server, a request it cannot read (not UTF-8, missing fields) is refused.
    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        let unreadable = || AppError::Invalid("Le formulaire envoyé est incomplet ou illisible.".to_owned());
        match value {
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Deserialization(_) if cfg!(feature = "ssr") => {
                unreadable()
            }
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Deserialization(_) => AppError::Unreachable,
            ServerFnErrorErr::Args(_) => unreadable(),
            _ => AppError::Internal,
        }
    }

    /// Called by the server when a server function fails: the error's HTTP status is set here,
    /// in one place, so every server function answers 401, 403, 404 or 429 as it should.
    fn ser(&self) -> Bytes {
        #[cfg(feature = "ssr")]
        self.set_response_status();
        <JsonEncoding as Encodes<Self>>::encode(self).unwrap_or_else(|_| Bytes::from_static(b"\"Internal\""))
    }
}

impl AppError {
    /// The HTTP status this error is rendered with.
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::Invalid(_) => 400,
            AppError::Unauthenticated | AppError::InvalidCredentials => 401,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::NotEditable(_)
            | AppError::Conflict(_)
            | AppError::AppraisalConflict(_)
            | AppError::NotClosable(_) => 409,
            AppError::TooManyRequests { .. } | AppError::ArchivesBusy | AppError::ExportsBusy => 429,
            AppError::Internal => 500,
            AppError::MailNotSent => 502,
            AppError::Unavailable | AppError::Unreachable => 503,
        }
    }

    /// A plain form post (no JavaScript) is answered with a redirect by Leptos: keep it.
    #[cfg(feature = "ssr")]
    fn set_response_status(&self) {
        use leptos::prelude::use_context;
        let Some(response) = use_context::<leptos_axum::ResponseOptions>() else {
            return;
        };
        if crate::accounts::web::is_plain_form_post() {
            return;
        }
        if let Ok(status) = axum::http::StatusCode::from_u16(self.status_code()) {
            response.set_status(status);
        }
        if let AppError::TooManyRequests { retry_after_seconds } = self {
            response.insert_header(axum::http::header::RETRY_AFTER, (*retry_after_seconds).into());
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sea_orm::DbErr> for AppError {
    fn from(error: sea_orm::DbErr) -> Self {
        if database_unreachable(&error) {
            tracing::error!(%error, "database unreachable");
            AppError::Unavailable
        } else {
            tracing::error!(%error, "database error");
            AppError::Internal
        }
    }
}

/// The database could not be reached or the connection broke, as opposed to a query it refused.
#[cfg(feature = "ssr")]
pub fn database_unreachable(error: &sea_orm::DbErr) -> bool {
    use sea_orm::sqlx::Error;
    use sea_orm::{DbErr, RuntimeErr};
    match error {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(error)) | DbErr::Query(RuntimeErr::SqlxError(error)) => matches!(
            **error,
            Error::Io(_)
                | Error::Tls(_)
                | Error::Protocol(_)
                | Error::PoolTimedOut
                | Error::PoolClosed
                | Error::WorkerCrashed
        ),
        _ => false,
    }
}

/// The answer of a plain axum endpoint (documents) that fails: the status and the error as JSON,
/// which the browser reads as it reads a server function's error.
#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        use axum::http::{header, StatusCode};
        let status = StatusCode::from_u16(self.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, [(header::CONTENT_TYPE, "application/json")], serde_json::to_string(&self).unwrap_or_default())
            .into_response()
    }
}
