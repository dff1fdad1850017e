//! Server functions of the legal entity pages.

use leptos::prelude::*;

use super::{LegalEntityDetail, LegalEntityRow};
use crate::AppError;

#[server]
pub async fn list_legal_entities() -> Result<Vec<LegalEntityRow>, AppError> {
    let db = crate::db::from_context()?;
    Ok(super::service::list(&db).await?)
}

#[server]
pub async fn get_legal_entity(finess: String) -> Result<LegalEntityDetail, AppError> {
    let db = crate::db::from_context()?;
    super::service::detail(&db, &finess).await?.ok_or(AppError::NotFound)
}
