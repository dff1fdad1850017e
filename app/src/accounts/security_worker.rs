//! The worker that writes each security event to the audit journal, just after the request
//! that caused it (see [`super::security_log`]), with the agency of its account when there is one.

use super::security_log::SecurityRecord;

/// Writes each security event to the journal, with the agency of its account when there is one.
pub async fn write_to_journal(
    db: sea_orm::DatabaseConnection,
    mut events: tokio::sync::mpsc::Receiver<SecurityRecord>,
    stopping: crate::operations::shutdown::Stopping,
) {
    loop {
        let record = tokio::select! {
            record = events.recv() => record,
            // No event comes after the requests have finished: those waiting are written, then it ends.
            _ = stopping.cancelled() => {
                events.close();
                events.recv().await
            }
        };
        let Some(record) = record else { break };
        if let Err(error) = journal_event(&db, record).await {
            tracing::error!(%error, "a security event could not be written to the journal");
        }
    }
    tracing::info!("security journal stopped");
}

async fn journal_event(db: &sea_orm::DatabaseConnection, record: SecurityRecord) -> Result<(), sea_orm::DbErr> {
    use ecars_core::vocabulary::ChangeKind;

    use crate::audit::{self, Actor, Entry};

    let user = match record.account.as_deref() {
        Some(email) => crate::accounts::directory::find_user(db, email).await?,
        None => None,
    };
    let agency_id = match &user {
        Some(user) => {
            let entities =
                crate::accounts::directory::legal_entity_ids_of(db, ecars_core::ids::UserId(user.id)).await?;
            crate::agencies::service::of_user(db, user, &entities).await?.map(|agency| agency.id)
        }
        None => None,
    };
    let actor = Actor {
        id: user.map(|user| user.id),
        email: record.account.unwrap_or_else(|| "visiteur non identifié".to_owned()),
    };
    let after = serde_json::json!({
        "résultat": record.outcome.label(),
        "motif": record.detail,
        "adresse IP": record.ip.unwrap_or_default(),
    });
    let entry = Entry {
        kind: ChangeKind::SecurityEvent,
        subject: record.event.label().to_owned(),
        before: None,
        after: Some(after),
    };
    audit::record_at(db, record.at, &actor, agency_id, entry).await
}
