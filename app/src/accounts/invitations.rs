//! Creating accounts: `ecars user add`, the demo accounts, and the invitation mail with the
//! initial password.

use chrono::Utc;
use ecars_core::email::EmailAddress;
use ecars_core::vocabulary::ChangeKind;
use rand::seq::SliceRandom;
use rand::Rng;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, Set,
};

use super::directory::find_user;
use super::secrets::PasswordHashing;
use super::Role;
use crate::audit::{self, Actor, Entry};
use crate::db::begin_write;
use crate::db::entities::{legal_entity, user, user_legal_entity};
use crate::mail::outbox::Outbox;
use crate::mail::templates;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CreateUserError {
    #[error("{0}")]
    Email(&'static str),
    #[error("an account with the identifier {0} already exists")]
    Exists(String),
    #[error("no legal entity has the FINESS number {0}")]
    UnknownFiness(String),
    #[error("an {0} account needs at least one --entity FINESS")]
    EntitiesRequired(&'static str),
    #[error("an {0} account is attached to no legal entity: give no --entity")]
    NoEntitiesExpected(&'static str),
    #[error("an admin account belongs to an agency: give --agency")]
    AgencyRequired,
    #[error("no agency is named {0}")]
    UnknownAgency(String),
    #[error("the initial password does not follow the password rule")]
    WeakPassword,
    #[error("database error: {0}")]
    Database(#[from] DbErr),
}

impl CreateUserError {
    /// The reason as the administration shows it.
    pub fn french(&self) -> String {
        match self {
            CreateUserError::Email(reason) => (*reason).to_owned(),
            CreateUserError::Exists(email) => format!("Un compte existe déjà avec l'identifiant {email}."),
            CreateUserError::UnknownFiness(finess) => format!("Aucune entité juridique n'a le numéro FINESS {finess}."),
            CreateUserError::EntitiesRequired(_) => {
                "Choisissez au moins une entité juridique pour ce profil.".to_owned()
            }
            CreateUserError::NoEntitiesExpected(_) => "Ce profil n'est rattaché à aucune entité juridique.".to_owned(),
            CreateUserError::AgencyRequired => "Un administrateur appartient à une agence.".to_owned(),
            CreateUserError::UnknownAgency(name) => format!("Aucune agence ne s'appelle {name}."),
            CreateUserError::WeakPassword | CreateUserError::Database(_) => {
                "Le compte n'a pas pu être créé. Veuillez réessayer.".to_owned()
            }
        }
    }
}

pub struct NewUser<'a> {
    pub email: &'a str,
    pub role: Role,
    pub finesses: &'a [String],
    pub password: &'a str,
    pub must_renew: bool,
    /// An administrator's agency; a referent's when it is not that of its legal entities.
    pub agency_id: Option<i32>,
}

/// Creates an account attached to (or following) the legal entities of the given FINESS
/// numbers: the account and its links in one transaction.
pub async fn create_user(
    db: &DatabaseConnection,
    hashing: &PasswordHashing,
    new: NewUser<'_>,
) -> Result<user::Model, CreateUserError> {
    let (email, hash) = prepare(hashing, &new).await?;
    let txn = begin_write(db).await?;
    let user = insert_user(&txn, &new, email, hash).await?;
    txn.commit().await?;
    Ok(user)
}

/// Whom to invite: the account `ecars user add` and "Inviter un utilisateur" create.
#[derive(Debug, Clone)]
pub struct Invitation<'a> {
    pub email: &'a str,
    pub role: Role,
    pub finesses: &'a [String],
    pub agency_id: Option<i32>,
}

/// An invitation checked and its initial password hashed, ready to be written in a transaction
/// (hashing is slow on purpose, so never inside one).
pub struct PreparedInvitation {
    email: String,
    hash: String,
    password: String,
    role: Role,
    finesses: Vec<String>,
    agency_id: Option<i32>,
}

impl PreparedInvitation {
    pub async fn new(hashing: &PasswordHashing, invitation: Invitation<'_>) -> Result<Self, CreateUserError> {
        let password = initial_password();
        let new = NewUser {
            email: invitation.email,
            role: invitation.role,
            finesses: invitation.finesses,
            password: &password,
            must_renew: true,
            agency_id: invitation.agency_id,
        };
        let (email, hash) = prepare(hashing, &new).await?;
        Ok(PreparedInvitation {
            email,
            hash,
            role: invitation.role,
            finesses: invitation.finesses.to_vec(),
            agency_id: invitation.agency_id,
            password,
        })
    }

    /// The same invitation, for the agency `agency_id` (known once the agency is written).
    pub fn for_agency(self, agency_id: ecars_core::ids::AgencyId) -> Self {
        PreparedInvitation { agency_id: Some(agency_id.0), ..self }
    }

    /// Creates the account, flagged "must renew", queues the mail with its initial password and
    /// records the change in the journal: the account exists exactly when its invitation does.
    pub async fn write(
        self,
        txn: &impl ConnectionTrait,
        outbox: &Outbox,
        public_url: &str,
        actor: &Actor,
    ) -> Result<user::Model, CreateUserError> {
        let new = NewUser {
            email: &self.email,
            role: self.role,
            finesses: &self.finesses,
            password: &self.password,
            must_renew: true,
            agency_id: self.agency_id,
        };
        let user = insert_user(txn, &new, self.email.clone(), self.hash).await?;
        outbox.queue(txn, templates::invitation(&user.email, public_url, &self.password)).await?;
        let after = serde_json::json!({
            "identifiant": user.email,
            "profil": user.role.label(),
            "entités juridiques": self.finesses,
        });
        let change =
            Entry { kind: ChangeKind::AccountInvited, subject: user.email.clone(), before: None, after: Some(after) };
        audit::record(txn, actor, user.agency_id, change).await?;
        Ok(user)
    }
}

/// `ecars user add`: the invitation written in its own transaction.
pub async fn invite(
    db: &DatabaseConnection,
    hashing: &PasswordHashing,
    outbox: &Outbox,
    public_url: &str,
    actor: &Actor,
    invitation: Invitation<'_>,
) -> Result<user::Model, CreateUserError> {
    let prepared = PreparedInvitation::new(hashing, invitation).await?;
    let txn = begin_write(db).await?;
    let user = prepared.write(&txn, outbox, public_url, actor).await?;
    txn.commit().await?;
    outbox.wake();
    Ok(user)
}

/// "Renvoyer l'invitation" to an account that never chose its password: a new initial password
/// (the former one no longer works, its sessions are closed) and the invitation mail again.
pub async fn invite_again(
    state: &crate::state::AppState,
    actor: &Actor,
    user: user::Model,
    agency_id: ecars_core::ids::AgencyId,
) -> Result<(), crate::AppError> {
    use sea_orm::IntoActiveModel;

    let password = initial_password();
    let hash = state.hashing.hash(&password).await?;
    let txn = begin_write(&state.db).await?;
    let email = user.email.clone();
    let mut active = user.into_active_model();
    active.password_hash = Set(hash);
    active.must_renew_password = Set(true);
    let user = active.update(&txn).await?;
    super::login::forget_failures(&txn, ecars_core::ids::UserId(user.id)).await?;
    super::sessions::close_all(&txn, ecars_core::ids::UserId(user.id)).await?;
    state.outbox.queue(&txn, templates::invitation(&email, &state.settings.public_url, &password)).await?;
    let change = Entry { kind: ChangeKind::InvitationResent, subject: email, before: None, after: None };
    audit::record(&txn, actor, Some(agency_id.0), change).await?;
    txn.commit().await?;
    state.outbox.wake();
    Ok(())
}

/// What can be checked before the transaction: the identifier, the role's entities and agency,
/// and the hash.
async fn prepare(hashing: &PasswordHashing, new: &NewUser<'_>) -> Result<(String, String), CreateUserError> {
    let email = EmailAddress::parse(new.email).map_err(CreateUserError::Email)?.identifier();
    match (new.role, new.finesses.is_empty(), new.agency_id.is_some()) {
        (Role::Admin | Role::NationalAdmin, false, _) => {
            return Err(CreateUserError::NoEntitiesExpected(new.role.as_str()))
        }
        (Role::Admin, true, false) => return Err(CreateUserError::AgencyRequired),
        (Role::Establishment | Role::Referent, true, _) => {
            return Err(CreateUserError::EntitiesRequired(new.role.as_str()))
        }
        _ => {}
    }
    let hash = hashing.hash(new.password).await.map_err(|_| CreateUserError::WeakPassword)?;
    Ok((email, hash))
}

async fn insert_user(
    txn: &impl ConnectionTrait,
    new: &NewUser<'_>,
    email: String,
    hash: String,
) -> Result<user::Model, CreateUserError> {
    if find_user(txn, &email).await?.is_some() {
        return Err(CreateUserError::Exists(email));
    }
    let mut entities = Vec::new();
    for finess in new.finesses {
        let entity = legal_entity::Entity::find()
            .filter(legal_entity::Column::Finess.eq(finess.trim()))
            .one(txn)
            .await?
            .ok_or_else(|| CreateUserError::UnknownFiness(finess.clone()))?;
        entities.push(entity);
    }
    // An establishment user's agency is its legal entities'; a national administrator has none.
    let agency_id = match new.role {
        Role::Admin => new.agency_id,
        Role::Referent => new.agency_id.or_else(|| entities.iter().find_map(|entity| entity.agency_id)),
        Role::Establishment | Role::NationalAdmin => None,
    };
    let user = user::ActiveModel {
        email: Set(email),
        password_hash: Set(hash),
        role: Set(new.role),
        must_renew_password: Set(new.must_renew),
        created_at: Set(Utc::now()),
        failed_logins: Set(0),
        locked_until: Set(None),
        agency_id: Set(agency_id),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    for entity in entities {
        user_legal_entity::ActiveModel { user_id: Set(user.id), legal_entity_id: Set(entity.id) }.insert(txn).await?;
    }
    Ok(user)
}

/// A random initial password that follows the rule: 16 characters, every class present.
pub fn initial_password() -> String {
    const LOWER: &[u8] = b"abcdefghijkmnopqrstuvwxyz";
    const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    const DIGITS: &[u8] = b"23456789";
    const SPECIAL: &[u8] = b"-_%&!?*";
    let mut rng = rand::rng();
    let mut pick = |set: &[u8]| set[rng.random_range(0..set.len())] as char;
    let mut chars: Vec<char> = vec![pick(LOWER), pick(UPPER), pick(DIGITS), pick(SPECIAL)];
    let all: Vec<u8> = [LOWER, UPPER, DIGITS, SPECIAL].concat();
    chars.extend((0..12).map(|_| pick(&all)));
    chars.shuffle(&mut rand::rng());
    chars.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use ecars_core::password::PasswordCheck;

    use super::*;

    #[test]
    fn initial_passwords_follow_the_rule() {
        for _ in 0..200 {
            let password = initial_password();
            assert!(PasswordCheck::of(&password, "x@y.fr").is_valid(), "{password}");
        }
    }
}
