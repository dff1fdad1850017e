//! Creating an agency with its first administrator, in one transaction, recorded in the journal.

use ecars_core::vocabulary::{ChangeKind, Role};
use sea_orm::DatabaseConnection;

use super::service::{find_by_name, find_name_conflict, insert};
use super::NewAgency;
use crate::accounts::invitations::{Invitation, PreparedInvitation};
use crate::accounts::secrets::PasswordHashing;
use crate::audit::{self, Actor, Entry};
use crate::db::begin_write;
use crate::db::entities::agency;
use crate::mail::outbox::Outbox;
use crate::AppError;

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
        .for_agency(ecars_core::ids::AgencyId(agency.id))
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
    audit::record(&txn, actor, None, change).await?;
    txn.commit().await?;
    outbox.wake();
    Ok(agency)
}

#[cfg(test)]
mod tests {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

    use super::*;
    use crate::agencies::service::list;
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
