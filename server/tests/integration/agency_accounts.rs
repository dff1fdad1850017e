//! "Comptes" in the administration: an agency administrator invites a user (who then logs in
//! from the mail), sends the invitation again, changes its legal entities, unlocks, deactivates
//! and reactivates accounts; each change is journaled; nobody else reaches any of it.

use app::accounts::api::SendCode;
use app::db::entities::{user, user_legal_entity};
use app::AppError;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::helpers::{spawn_app, TestApp, ADMIN, CHU, REFERENT};

const PAGE: &str = "/administration/comptes";
const ADMIN_ARA: (&str, &str) = ("admin-ara@ars.exemple.fr", "Admin-Ara-Demo-2026!");
const ADMIN_BFC: (&str, &str) = ("admin-bfc@ars.exemple.fr", "Admin-Bfc-Demo-2026!");
const NEWCOMER: &str = "nouvelle.qualite@chu-grenoble.fr";

/// The initial password of the last invitation mailed to `email`.
async fn initial_password(app: &TestApp, email: &str) -> String {
    let message = app
        .outbox()
        .await
        .into_iter()
        .rev()
        .find(|message| message.contains(&format!("To: {email}")) && message.contains("Mot de passe provisoire"))
        .unwrap_or_else(|| panic!("no invitation mailed to {email}"));
    let line = message.lines().find(|line| line.starts_with("Mot de passe provisoire : ")).expect("password line");
    line.trim_start_matches("Mot de passe provisoire : ").trim().to_owned()
}

async fn account_id(app: &TestApp, email: &str) -> i32 {
    let db = app.database().await;
    user::Entity::find().filter(user::Column::Email.eq(email)).one(&db).await.unwrap().unwrap().id
}

fn invitation<'a>(email: &'a str, role: &'a str, entities: &'a str) -> [(&'a str, &'a str); 3] {
    [("email", email), ("role", role), ("legal_entities", entities)]
}

#[tokio::test]
async fn an_agency_administrator_invites_a_user_who_logs_in_from_the_mail_then_manages_the_account() {
    let app = spawn_app().await;
    let admin = app.login_as(ADMIN_ARA).await;
    let page = admin.get(PAGE).await;
    page.assert_shows(&["Comptes", "Inviter un utilisateur", CHU.0, REFERENT.0, "380780080 - CHU DE GRENOBLE ALPES"]);
    assert_eq!(page.count("acodege@exemple.fr"), 0, "another agency's users are not listed");
    assert_eq!(page.count(">admin@ars.exemple.fr<"), 0, "national administrators are not the agency's");
    let searched = admin.get(&format!("{PAGE}?recherche=CHU-gre")).await;
    searched.assert_shows(&["1 compte(s)", CHU.0]);

    // Refused, with nothing written: another agency's entity, a bad FINESS, a national profile,
    // an identifier already taken, an establishment user without entity.
    let db = app.database().await;
    let accounts = user::Entity::find().count(&db).await.unwrap();
    for (form, reason) in [
        (invitation(NEWCOMER, "establishment", "210984078"), "Aucune entité juridique de l'agence"),
        (invitation(NEWCOMER, "establishment", "38078008X"), "n'est pas un numéro FINESS"),
        (invitation(NEWCOMER, "national-admin", ""), "Choisissez le profil"),
        (invitation(CHU.0, "establishment", "380780080"), "Un compte existe déjà"),
        (invitation(NEWCOMER, "establishment", ""), "au moins une entité juridique"),
        (invitation("pas-une-adresse", "referent", "380780080"), "adresse"),
    ] {
        let refused = admin.call_fn::<app::accounts::management_api::InviteUser>(&form).await;
        assert!(refused.invalid().contains(reason), "{reason}: {}", refused.body);
    }
    assert_eq!(user::Entity::find().count(&db).await.unwrap(), accounts);

    let invited = admin
        .call_fn::<app::accounts::management_api::InviteUser>(&invitation(NEWCOMER, "establishment", "380780080"))
        .await;
    invited.assert_shows(&["Le compte nouvelle.qualite@chu-grenoble.fr est créé"]);
    let first = initial_password(&app, NEWCOMER).await;
    let login = app.login((NEWCOMER, &first)).await;
    assert!(login.body.contains("premiere=1"), "the initial password asks for a renewal: {}", login.body);
    let id = account_id(&app, NEWCOMER).await;
    let account_page = ecars_core::routes::managed_account_href(id);
    admin.get(&account_page).await.assert_shows(&[
        "Mot de passe initial à renouveler",
        "Renvoyer l'invitation",
        "Désactiver le compte",
        "380780080 - CHU DE GRENOBLE ALPES",
    ]);

    // Sent again: a new initial password, the former one no longer works.
    let again = admin
        .call_fn::<app::accounts::management_api::ChangeAccount>(&[("id", &id.to_string()), ("action", "renvoyer")])
        .await;
    again.assert_shows(&["nouvelle invitation"]);
    let second = initial_password(&app, NEWCOMER).await;
    assert_ne!(first, second);
    assert_eq!(app.login((NEWCOMER, &first)).await.error(401), AppError::InvalidCredentials);
    assert_eq!(app.login((NEWCOMER, &second)).await.status, 200);

    // Its legal entities: the agency's only.
    let id_text = id.to_string();
    let change =
        |entities: &'static str| [("id", id_text.as_str()), ("action", "entites"), ("legal_entities", entities)];
    let refused = admin.call_fn::<app::accounts::management_api::ChangeAccount>(&change("380780080\n210984078")).await;
    assert!(!refused.invalid().is_empty(), "another agency's entity");
    let changed = admin.call_fn::<app::accounts::management_api::ChangeAccount>(&change("380780080\n690000880")).await;
    changed.assert_shows(&["entités juridiques du compte sont enregistrées"]);
    let links =
        user_legal_entity::Entity::find().filter(user_legal_entity::Column::UserId.eq(id)).count(&db).await.unwrap();
    assert_eq!(links, 2);

    let journal = admin.get("/administration/journal").await;
    journal.assert_shows(&[
        "Invitation d'un utilisateur",
        "Nouvel envoi d'une invitation",
        "Changement des entités d'un compte",
        NEWCOMER,
    ]);
}

#[tokio::test]
async fn a_locked_account_is_unlocked_and_a_deactivated_one_can_neither_log_in_nor_renew_until_reactivated() {
    let app = spawn_app().await;
    let admin = app.login_as(ADMIN_ARA).await;
    let chu = app.login_as(CHU).await;
    let id = account_id(&app, CHU.0).await.to_string();
    for _ in 0..5 {
        app.login((CHU.0, "mauvais-mot-de-passe")).await;
    }
    assert_eq!(app.login(CHU).await.error(401), AppError::InvalidCredentials, "locked");
    let account_page = format!("{PAGE}/{id}");
    admin.get(&account_page).await.assert_shows(&["Bloqué jusqu'au", "Débloquer le compte"]);
    admin
        .call_fn::<app::accounts::management_api::ChangeAccount>(&[("id", &id), ("action", "debloquer")])
        .await
        .assert_shows(&["débloqué"]);
    app.login_as(CHU).await;

    // Deactivated: its open session ends at once, and its login gets the generic refusal.
    let wrong = app.login((CHU.0, "mauvais-mot-de-passe")).await;
    admin
        .call_fn::<app::accounts::management_api::ChangeAccount>(&[("id", &id), ("action", "desactiver")])
        .await
        .assert_shows(&["désactivé"]);
    let after = chu.get("/").await;
    assert_eq!(after.status, 303, "the session is closed");
    let refused = app.login(CHU).await;
    assert_eq!(
        (refused.status, refused.body.clone()),
        (wrong.status, wrong.body),
        "the same answer as a wrong password"
    );
    assert_eq!(refused.error(401), AppError::InvalidCredentials);
    app.call_fn::<SendCode>(&[("email", CHU.0)]).await;
    let codes =
        app.outbox().await.into_iter().filter(|message| {
            message.contains(&format!("To: {}", CHU.0)) && message.contains("code de vérification :")
        });
    assert_eq!(codes.count(), 0, "no code to renew the password of a deactivated account");
    admin.get(PAGE).await.assert_shows(&["Désactivé"]);
    // Nobody deactivates their own account.
    let own = account_id(&app, ADMIN_ARA.0).await.to_string();
    let refused =
        admin.call_fn::<app::accounts::management_api::ChangeAccount>(&[("id", &own), ("action", "desactiver")]).await;
    assert!(refused.invalid().contains("propre compte"), "{}", refused.body);

    admin
        .call_fn::<app::accounts::management_api::ChangeAccount>(&[("id", &id), ("action", "reactiver")])
        .await
        .assert_shows(&["réactivé"]);
    app.login_as(CHU).await;
    admin.get(&account_page).await.assert_shows(&["Dernière connexion", "Actif"]);
    admin.get("/administration/journal?type=account_deactivated").await.assert_shows(&[CHU.0, "désactivé"]);
    admin.get("/administration/journal?type=account_reactivated").await.assert_shows(&[CHU.0]);
    admin.get("/administration/journal?type=account_unlocked").await.assert_shows(&[CHU.0]);
}

#[tokio::test]
async fn accounts_are_not_found_for_everyone_else_and_for_another_agency() {
    let app = spawn_app().await;
    let chu_id = account_id(&app, CHU.0).await.to_string();
    for account in [CHU, REFERENT, ADMIN] {
        let visitor = app.login_as(account).await;
        visitor.get_not_found(PAGE).await;
        visitor.get_not_found(&format!("{PAGE}/{chu_id}")).await;
        assert_eq!(
            visitor.call_fn::<app::accounts::management_api::AgencyAccounts>(&[]).await.error(404),
            AppError::NotFound
        );
        assert_eq!(
            visitor.call_fn::<app::accounts::management_api::ManagedAccount>(&[("id", &chu_id)]).await.error(404),
            AppError::NotFound
        );
        let invite = visitor
            .call_fn::<app::accounts::management_api::InviteUser>(&invitation(NEWCOMER, "referent", "380780080"))
            .await;
        assert_eq!(invite.error(404), AppError::NotFound);
        assert_eq!(
            visitor
                .call_fn::<app::accounts::management_api::ChangeAccount>(&[("id", &chu_id), ("action", "desactiver")])
                .await
                .error(404),
            AppError::NotFound
        );
    }
    // Bourgogne-Franche-Comté's administrator does not reach Auvergne-Rhône-Alpes' accounts.
    let bfc = app.login_as(ADMIN_BFC).await;
    let list = bfc.get(PAGE).await;
    list.assert_shows(&["acodege@exemple.fr"]);
    assert_eq!(list.count(CHU.0), 0);
    bfc.get_not_found(&format!("{PAGE}/{chu_id}")).await;
    assert_eq!(
        bfc.call_fn::<app::accounts::management_api::ManagedAccount>(&[("id", &chu_id)]).await.error(404),
        AppError::NotFound
    );
    for action in ["desactiver", "debloquer", "renvoyer", "reactiver", "entites"] {
        let form = [("id", chu_id.as_str()), ("action", action), ("legal_entities", "210984078")];
        assert_eq!(
            bfc.call_fn::<app::accounts::management_api::ChangeAccount>(&form).await.error(404),
            AppError::NotFound,
            "{action}"
        );
    }
    assert_eq!(
        bfc.call_fn::<app::accounts::management_api::ChangeAccount>(&[("id", &chu_id), ("action", "n-importe")])
            .await
            .error(404),
        AppError::NotFound
    );
    app.login_as(CHU).await;
}
