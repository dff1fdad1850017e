//! Agencies in the database: creating one with its first administrator, and what other domains
//! ask of them (the viewer's contacts, the quality department of a legal entity).

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};

use super::{AgencyContacts, AgencyRow, NewAgency};
use crate::accounts::invitations::{Invitation, PreparedInvitation};
use crate::accounts::secrets::PasswordHashing;
use crate::accounts::Role;
use crate::administration::journal::{self, Actor, ChangeKind, Entry};
use crate::db::begin_write;
use crate::db::entities::{agency, legal_entity, user};
use crate::mail::outbox::Outbox;
use crate::AppError;

pub async fn find_by_name(db: &impl ConnectionTrait, name: &str) -> Result<Option<agency::Model>, DbErr> {
    agency::Entity::find().filter(agency::Column::Name.eq(name.trim())).one(db).await
}

fn contacts(agency: agency::Model) -> AgencyContacts {
    AgencyContacts {
        departements: departements(&agency),
        id: agency.id,
        name: agency.name,
        quality_email: agency.quality_email,
        support_email: agency.support_email,
        support_phone: agency.support_phone,
    }
}

pub fn departements(agency: &agency::Model) -> Vec<String> {
    agency.departements.split(',').filter(|code| !code.is_empty()).map(str::to_owned).collect()
}

/// The agency of an account: its own, or for an establishment user that of the first of its
/// legal entities to have one.
pub async fn of_user(
    db: &impl ConnectionTrait,
    user: &user::Model,
    legal_entity_ids: &[i32],
) -> Result<Option<AgencyContacts>, DbErr> {
    let agency_id = match user.agency_id {
        Some(id) => Some(id),
        None if user.role == Role::Establishment && !legal_entity_ids.is_empty() => legal_entity::Entity::find()
            .filter(legal_entity::Column::Id.is_in(legal_entity_ids.iter().copied()))
            .filter(legal_entity::Column::AgencyId.is_not_null())
            .order_by_asc(legal_entity::Column::Id)
            .one(db)
            .await?
            .and_then(|entity| entity.agency_id),
        None => None,
    };
    let Some(agency_id) = agency_id else { return Ok(None) };
    Ok(agency::Entity::find_by_id(agency_id).one(db).await?.map(contacts))
}

/// The quality department told of an evaluation report of the legal entity, if its agency is known.
pub async fn quality_email_of_legal_entity(
    db: &impl ConnectionTrait,
    legal_entity_id: i32,
) -> Result<Option<String>, DbErr> {
    let Some(entity) = legal_entity::Entity::find_by_id(legal_entity_id).one(db).await? else { return Ok(None) };
    let Some(agency_id) = entity.agency_id else { return Ok(None) };
    Ok(agency::Entity::find_by_id(agency_id).one(db).await?.map(|agency| agency.quality_email))
}

/// Every agency, by name, with its administrators and how many legal entities it has.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<AgencyRow>, DbErr> {
    let agencies = agency::Entity::find().order_by_asc(agency::Column::Name).all(db).await?;
    let mut rows = Vec::with_capacity(agencies.len());
    for agency in agencies {
        let administrators = user::Entity::find()
            .filter(user::Column::AgencyId.eq(agency.id))
            .filter(user::Column::Role.eq(Role::Admin))
            .order_by_asc(user::Column::Email)
            .all(db)
            .await?
            .into_iter()
            .map(|user| user.email)
            .collect();
        let legal_entities =
            legal_entity::Entity::find().filter(legal_entity::Column::AgencyId.eq(agency.id)).count(db).await?;
        rows.push(AgencyRow {
            departements: departements(&agency),
            name: agency.name,
            region: agency.region,
            quality_email: agency.quality_email,
            support_email: agency.support_email,
            support_phone: agency.support_phone,
            administrators,
            legal_entities,
        });
    }
    Ok(rows)
}

/// Creates the agency and invites its first administrator, in one transaction, recorded in the
/// journal: an agency never exists without the invitation of someone to run it.
pub async fn create(
    db: &DatabaseConnection,
    hashing: &PasswordHashing,
    outbox: &Outbox,
    public_url: &str,
    actor: &Actor,
    new: &NewAgency,
) -> Result<agency::Model, AppError> {
    let taken = || AppError::Invalid(format!("Une agence s'appelle déjà « {} ».", new.name));
    if find_by_name(db, &new.name).await?.is_some() {
        return Err(taken());
    }
    let administrator = Invitation {
        email: new.administrator_email.as_str(),
        role: Role::Admin,
        finesses: &[],
        // Set once the agency has its id, below; any agency passes the check.
        agency_id: Some(0),
    };
    let prepared =
        PreparedInvitation::new(hashing, administrator).await.map_err(|error| AppError::Invalid(error.french()))?;
    let txn = begin_write(db).await?;
    // Created meanwhile by someone else: the unique name says so.
    let agency =
        insert(&txn, new).await.map_err(|error| if find_name_conflict(&error) { taken() } else { error.into() })?;
    prepared
        .for_agency(agency.id)
        .write(&txn, outbox, public_url, actor)
        .await
        .map_err(|error| AppError::Invalid(error.french()))?;
    let after = serde_json::json!({
        "nom": agency.name,
        "région": agency.region,
        "départements": new.departements,
        "service qualité": agency.quality_email,
        "support": format!("{} ; {}", agency.support_email, agency.support_phone),
        "premier administrateur": new.administrator_email.identifier(),
    });
    let change =
        Entry { kind: ChangeKind::AgencyCreated, subject: agency.name.clone(), before: None, after: Some(after) };
    journal::record(&txn, actor, None, change).await?;
    txn.commit().await?;
    outbox.wake();
    Ok(agency)
}

/// The agency row alone (the demo adds its administrators with known passwords).
pub async fn insert(db: &impl ConnectionTrait, new: &NewAgency) -> Result<agency::Model, DbErr> {
    agency::ActiveModel {
        name: Set(new.name.clone()),
        region: Set(new.region.name.to_owned()),
        departements: Set(new.departements.join(",")),
        quality_email: Set(new.quality_email.as_str().to_owned()),
        support_email: Set(new.support_email.as_str().to_owned()),
        support_phone: Set(new.support_phone.clone()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
}

fn find_name_conflict(error: &DbErr) -> bool {
    matches!(error.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agencies::AgencyForm;
    use crate::db::entities::{journal_entry, outbox_message};
    use crate::db::testing::demo_database;

    fn bretagne() -> NewAgency {
        NewAgency::parse(&AgencyForm {
            name: "ARS Bretagne".into(),
            region: "Bretagne".into(),
            departements: String::new(),
            quality_email: "qualite@ars-bretagne.fr".into(),
            support_email: "support@ars-bretagne.fr".into(),
            support_phone: "02 99 00 00 00".into(),
            administrator_email: "admin@ars-bretagne.fr".into(),
        })
        .unwrap()
    }

    #[tokio::test]
    async fn an_agency_comes_with_its_first_administrator_invited_and_a_journal_entry() {
        let db = demo_database().await;
        let hashing = PasswordHashing::new(2);
        let outbox = Outbox::default();
        let actor = Actor { id: None, email: "national@ars.fr".into() };
        let agency = create(&db, &hashing, &outbox, "https://ecars.test", &actor, &bretagne()).await.unwrap();
        assert_eq!(agency.departements, "22,29,35,56");

        let admin = crate::accounts::directory::find_user(&db, "admin@ars-bretagne.fr").await.unwrap().unwrap();
        assert_eq!((admin.role, admin.agency_id, admin.must_renew_password), (Role::Admin, Some(agency.id), true));
        let invitation = outbox_message::Entity::find()
            .filter(outbox_message::Column::Recipient.eq("admin@ars-bretagne.fr"))
            .one(&db)
            .await
            .unwrap();
        assert!(invitation.is_some(), "the invitation is queued with the account");
        let journal = journal_entry::Entity::find().all(&db).await.unwrap();
        assert!(journal.iter().any(|entry| entry.kind == ChangeKind::AgencyCreated
            && entry.subject == "ARS Bretagne"
            && entry.actor_email == "national@ars.fr"));
        assert!(journal
            .iter()
            .any(|entry| entry.kind == ChangeKind::AccountInvited && entry.agency_id == Some(agency.id)));
        let listed = list(&db).await.unwrap();
        let row = listed.iter().find(|row| row.name == "ARS Bretagne").unwrap();
        assert_eq!((row.administrators.clone(), row.legal_entities), (vec!["admin@ars-bretagne.fr".to_owned()], 0));

        // The same name again, or an address already taken: refused, nothing written.
        let again = create(&db, &hashing, &outbox, "https://ecars.test", &actor, &bretagne()).await.unwrap_err();
        assert!(again.to_string().contains("s'appelle déjà"), "{again}");
        let taken = NewAgency { name: "ARS Corse".into(), ..bretagne() };
        let refused = create(&db, &hashing, &outbox, "https://ecars.test", &actor, &taken).await.unwrap_err();
        assert!(refused.to_string().contains("Un compte existe déjà"), "{refused}");
        assert!(find_by_name(&db, "ARS Corse").await.unwrap().is_none(), "no agency without its administrator");
    }
}
