//! Who may see and change what, decided here and only here. Every server function (and so
//! every page, which loads through them) starts from [`viewer`] and asks this module.
//!
//! - An establishment user reads and writes the legal entities it is attached to.
//! - A referent reads the legal entities it follows and writes nothing.
//! - An administrator reads everything and writes no establishment data.
//!
//! Anything outside the viewer's reach is "not found", exactly like what does not exist.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use super::Role;
use crate::db::entities::{contract, legal_entity, user_legal_entity};
use crate::AppError;

/// The logged-in user of the current request, put there by the session middleware.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub user_id: i32,
    pub session_id: i32,
    pub email: String,
    pub role: Role,
    /// Attached (establishment user) or followed (referent) legal entities.
    pub legal_entity_ids: Vec<i32>,
}

impl Viewer {
    /// `None` means every legal entity.
    pub fn legal_entity_scope(&self) -> Option<&[i32]> {
        match self.role {
            Role::Admin => None,
            Role::Establishment | Role::Referent => Some(&self.legal_entity_ids),
        }
    }

    pub fn can_read(&self, legal_entity_id: i32) -> bool {
        self.legal_entity_scope().is_none_or(|ids| ids.contains(&legal_entity_id))
    }

    pub fn can_write(&self, legal_entity_id: i32) -> bool {
        self.role == Role::Establishment && self.legal_entity_ids.contains(&legal_entity_id)
    }
}

/// The logged-in user, or `Unauthenticated`.
pub fn viewer() -> Result<Viewer, AppError> {
    leptos::prelude::use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<Viewer>().cloned())
        .ok_or(AppError::Unauthenticated)
}

pub async fn legal_entity_ids_of(db: &impl ConnectionTrait, user_id: i32) -> Result<Vec<i32>, sea_orm::DbErr> {
    user_legal_entity::Entity::find()
        .select_only()
        .column(user_legal_entity::Column::LegalEntityId)
        .filter(user_legal_entity::Column::UserId.eq(user_id))
        .into_tuple()
        .all(db)
        .await
}

/// The legal entity of FINESS `finess`, if the viewer may read it.
pub async fn readable_legal_entity(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    finess: &str,
) -> Result<legal_entity::Model, AppError> {
    legal_entity::Entity::find()
        .filter(legal_entity::Column::Finess.eq(finess))
        .one(db)
        .await?
        .filter(|entity| viewer.can_read(entity.id))
        .ok_or(AppError::NotFound)
}

/// The contract `id`, if the viewer may read it.
pub async fn readable_contract(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i32,
) -> Result<contract::Model, AppError> {
    contract::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|contract| viewer.can_read(contract.legal_entity_id))
        .ok_or(AppError::NotFound)
}

/// For a server function that reads contract `id`: the database, once the caller may read it.
pub async fn contract_for_reading(id: i32) -> Result<sea_orm::DatabaseConnection, AppError> {
    let viewer = viewer()?;
    let db = crate::db::from_context()?;
    readable_contract(&db, &viewer, id).await?;
    Ok(db)
}

/// The contract `id`, if the viewer may change it: "not found" when it cannot even read it,
/// "forbidden" when it only reads it.
pub async fn writable_contract(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i32,
) -> Result<contract::Model, AppError> {
    let contract = readable_contract(db, viewer, id).await?;
    if viewer.can_write(contract.legal_entity_id) {
        Ok(contract)
    } else {
        Err(AppError::Forbidden)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn viewer(role: Role, ids: &[i32]) -> Viewer {
        Viewer { user_id: 1, session_id: 1, email: "x@y.fr".into(), role, legal_entity_ids: ids.to_vec() }
    }

    #[test]
    fn establishment_users_read_and_write_their_own_entities_only() {
        let user = viewer(Role::Establishment, &[1]);
        assert!(user.can_read(1) && user.can_write(1));
        assert!(!user.can_read(2) && !user.can_write(2));
    }

    #[test]
    fn referents_read_what_they_follow_and_never_write() {
        let referent = viewer(Role::Referent, &[1, 2]);
        assert!(referent.can_read(1) && referent.can_read(2) && !referent.can_read(3));
        assert!(!referent.can_write(1));
    }

    #[test]
    fn administrators_read_everything_and_write_no_establishment_data() {
        let admin = viewer(Role::Admin, &[]);
        assert!(admin.can_read(42));
        assert!(!admin.can_write(42));
    }
}
