//! Document rows: where a document may be added, by whom, and its record once stored.

use std::collections::HashSet;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QuerySelect, Set, TransactionTrait,
};

use super::store::StoredFile;
use crate::accounts::access::{self, Viewer};
use crate::contracts::service as contracts;
use crate::db::entities::{document, establishment, indicator};
use crate::AppError;

/// The stored names the database knows, to find files that have no row.
pub async fn stored_names(db: &impl ConnectionTrait) -> Result<HashSet<String>, DbErr> {
    let names: Vec<String> =
        document::Entity::find().select_only().column(document::Column::StoredName).into_tuple().all(db).await?;
    Ok(names.into_iter().collect())
}

/// The three places a document belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    Contract(i32),
    Question(i32),
    Establishment(i32),
}

impl Place {
    /// `contrat`, `question` or `etablissement` and an id, as in the upload address.
    pub fn parse(kind: &str, id: i32) -> Option<Self> {
        match kind {
            "contrat" => Some(Place::Contract(id)),
            "question" => Some(Place::Question(id)),
            "etablissement" => Some(Place::Establishment(id)),
            _ => None,
        }
    }
}

/// Where `place` is: its legal entity, and the contract whose phase governs it (none for an
/// establishment, whose folder stays open).
struct Located {
    legal_entity_id: i32,
    contract_id: Option<i32>,
    contract_kind: Option<String>,
}

async fn locate(db: &impl ConnectionTrait, viewer: &Viewer, place: Place) -> Result<Located, AppError> {
    let contract_id = match place {
        Place::Establishment(id) => {
            let establishment = establishment::Entity::find_by_id(id)
                .one(db)
                .await?
                .filter(|establishment| viewer.can_read(establishment.legal_entity_id))
                .ok_or(AppError::NotFound)?;
            return Ok(Located {
                legal_entity_id: establishment.legal_entity_id,
                contract_id: None,
                contract_kind: None,
            });
        }
        Place::Contract(id) => id,
        Place::Question(id) => {
            indicator::Entity::find_by_id(id)
                .one(db)
                .await?
                .filter(|node| node.node_kind == indicator::QUESTION)
                .ok_or(AppError::NotFound)?
                .contract_id
        }
    };
    let contract = access::readable_contract(db, viewer, contract_id).await?;
    Ok(Located {
        legal_entity_id: contract.legal_entity_id,
        contract_id: Some(contract.id),
        contract_kind: Some(contract.kind),
    })
}

/// Checked before a single byte is stored: the viewer may add a document at `place` now.
pub async fn check_can_add(db: &impl ConnectionTrait, viewer: &Viewer, place: Place) -> Result<(), AppError> {
    let located = locate(db, viewer, place).await?;
    if !viewer.can_write(located.legal_entity_id) {
        return Err(AppError::Forbidden);
    }
    // A CAQES takes the establishment's documents at the question level only (guide, rule 8).
    if matches!(place, Place::Contract(_)) && located.contract_kind.as_deref() == Some("CAQES") {
        return Err(AppError::NotEditable(
            "Pour un CAQES, ajoutez les documents au niveau des indicateurs.".to_owned(),
        ));
    }
    if let Some(contract_id) = located.contract_id {
        if contracts::header(db, contract_id)
            .await?
            .is_some_and(|header| header.phase != crate::contracts::Phase::AutoEvaluation)
        {
            return Err(AppError::NotEditable(contracts::CLOSED.to_owned()));
        }
    }
    Ok(())
}

/// Records a document already stored. For a contract or a question the row is written under the
/// contract's lock, so a closing in between refuses it (the file then stays unreferenced, and is
/// reported at the next start).
pub async fn record(
    db: &DatabaseConnection,
    viewer: &Viewer,
    place: Place,
    name: &str,
    content_type: &str,
    stored: &StoredFile,
) -> Result<document::Model, AppError> {
    let located = locate(db, viewer, place).await?;
    let txn = db.begin().await?;
    if let Some(contract_id) = located.contract_id {
        contracts::lock_open(&txn, contract_id).await?;
    }
    let (contract_id, question_id, establishment_id) = match place {
        Place::Contract(id) => (Some(id), None, None),
        Place::Question(id) => (None, Some(id), None),
        Place::Establishment(id) => (None, None, Some(id)),
    };
    let row = document::ActiveModel {
        contract_id: Set(contract_id),
        question_id: Set(question_id),
        establishment_id: Set(establishment_id),
        original_name: Set(name.to_owned()),
        stored_name: Set(stored.stored_name.clone()),
        sha256: Set(stored.sha256.clone()),
        size_bytes: Set(stored.size_bytes as i64),
        content_type: Set(content_type.to_owned()),
        evaluation_report: Set(false),
        created_at: Set(Utc::now()),
        created_by: Set(Some(viewer.user_id)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// A document the viewer may read (download).
pub async fn readable(db: &impl ConnectionTrait, viewer: &Viewer, id: i32) -> Result<document::Model, AppError> {
    let document = document::Entity::find_by_id(id).one(db).await?.ok_or(AppError::NotFound)?;
    let place = match (document.contract_id, document.question_id, document.establishment_id) {
        (Some(id), _, _) => Place::Contract(id),
        (_, Some(id), _) => Place::Question(id),
        (_, _, Some(id)) => Place::Establishment(id),
        _ => return Err(AppError::NotFound),
    };
    locate(db, viewer, place).await?;
    Ok(document)
}
