//! The one error type of the application layer: what a page or a server function may
//! tell the user. Internal causes are logged on the server and never sent to the browser.

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Unknown, or not visible to the current user (both look the same on purpose).
    #[error("La page demandée n'existe pas ou n'est pas accessible.")]
    NotFound,
    /// Something failed on the server; details are in the server log only.
    #[error("Une erreur technique est survenue. Veuillez réessayer dans quelques instants.")]
    Internal,
    /// The browser could not reach the server or understand its answer.
    #[error("Le serveur est injoignable. Vérifiez votre connexion puis réessayez.")]
    Unreachable,
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Deserialization(_) => AppError::Unreachable,
            _ => AppError::Internal,
        }
    }
}

impl AppError {
    /// The HTTP status this error is rendered with.
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::NotFound => 404,
            AppError::Internal => 500,
            AppError::Unreachable => 503,
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sea_orm::DbErr> for AppError {
    fn from(error: sea_orm::DbErr) -> Self {
        tracing::error!(%error, "database error");
        AppError::Internal
    }
}
