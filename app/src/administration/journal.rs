//! "Journal des modifications": every change made in the administration, with who made it,
//! when, and the values before and after. Written in the same transaction as the change.

use serde::{Deserialize, Serialize};

/// Stored by name in `journal_entries.kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum ChangeKind {
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "agency_created"))]
    AgencyCreated,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "finess_imported"))]
    FinessImported,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "account_invited"))]
    AccountInvited,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "referential_imported"))]
    ReferentialImported,
}

impl ChangeKind {
    pub const ALL: [ChangeKind; 3] =
        [ChangeKind::AgencyCreated, ChangeKind::FinessImported, ChangeKind::AccountInvited];

    pub fn label(self) -> &'static str {
        match self {
            ChangeKind::AgencyCreated => "Création d'une agence",
            ChangeKind::FinessImported => "Import du fichier FINESS",
            ChangeKind::AccountInvited => "Invitation d'un utilisateur",
            ChangeKind::ReferentialImported => "Import d'un référentiel d'indicateurs",
        }
    }
}

#[cfg(feature = "ssr")]
pub use server::{record, Actor, Entry};

#[cfg(feature = "ssr")]
mod server {
    use chrono::Utc;
    use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};

    use super::ChangeKind;
    use crate::accounts::access::Viewer;
    use crate::db::entities::journal_entry;

    /// Who made a change: a person of the portal, or an operator on the server's command line.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Actor {
        pub id: Option<i32>,
        pub email: String,
    }

    impl Actor {
        pub fn of(viewer: &Viewer) -> Self {
            Actor { id: Some(viewer.user_id), email: viewer.email.clone() }
        }

        /// `ecars user add` and the like, run by whoever operates the server.
        pub fn command_line() -> Self {
            Actor { id: None, email: "ligne de commande du serveur".to_owned() }
        }
    }

    /// One change: what, to what, and the values before and after (`None` for a creation).
    pub struct Entry {
        pub kind: ChangeKind,
        pub subject: String,
        pub before: Option<serde_json::Value>,
        pub after: Option<serde_json::Value>,
    }

    /// Records `change`, made by `actor` in the administration of `agency_id` (`None`: national).
    pub async fn record(
        db: &impl ConnectionTrait,
        actor: &Actor,
        agency_id: Option<i32>,
        change: Entry,
    ) -> Result<(), DbErr> {
        journal_entry::ActiveModel {
            recorded_at: Set(Utc::now()),
            agency_id: Set(agency_id),
            actor_id: Set(actor.id),
            actor_email: Set(actor.email.clone()),
            kind: Set(change.kind),
            subject: Set(change.subject),
            before: Set(change.before.map(|value| value.to_string())),
            after: Set(change.after.map(|value| value.to_string())),
            ..Default::default()
        }
        .insert(db)
        .await?;
        Ok(())
    }
}
