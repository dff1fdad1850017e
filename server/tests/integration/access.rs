//! Who sees what: every page and every server function, for an anonymous visitor, the
//! hospital's own user, another establishment's user, and the agency referent.

use app::accounts::api::{ChangePassword, CurrentAccount, RefreshSession};
use app::accounts::invitations::{create_user, NewUser};
use app::accounts::secrets::PasswordHashing;
use app::accounts::Role;
use app::contacts::api::ListContacts;
use app::contracts::api::{GetContract, GetContractEstablishments};
use app::db::entities::contract;
use app::evaluation::api::GetIndicatorTree;
use app::legal_entities::api::{GetLegalEntity, ListLegalEntities};
use app::AppError;
use leptos::server_fn::ServerFn;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::helpers::{spawn_app, TestApp, Visitor, CHU, REFERENT};

const OTHER: (&str, &str) = ("direction@acodege.exemple.fr", "Acodege-Direction-2026!");

#[derive(Debug, Clone, Copy, PartialEq)]
enum Outcome {
    Shown,
    ToLogin,
    NotFound,
    Unauthenticated,
}
use Outcome::*;

async fn caqes_test_id(app: &TestApp) -> i32 {
    let db = app.database().await;
    contract::Entity::find().filter(contract::Column::Name.eq("CAQES TEST")).one(&db).await.unwrap().unwrap().id
}

/// An ACODEGE user who has already renewed the password (the demo one must renew first).
async fn other_establishment_user(app: &TestApp) -> Visitor {
    let db = app.database().await;
    let finesses = [app::demo::ACODEGE_FINESS.to_owned()];
    let new = NewUser {
        email: OTHER.0,
        role: Role::Establishment,
        finesses: &finesses,
        password: OTHER.1,
        must_renew: false,
        agency_id: None,
    };
    create_user(&db, &PasswordHashing::new(1), new).await.unwrap();
    app.login_as(OTHER).await
}

fn check(who: &str, what: &str, status: u16, location: Option<&str>, expected: Outcome) {
    let actual = match (status, location) {
        (200, _) => Shown,
        (303, Some(location)) if location.starts_with("/connexion") => ToLogin,
        (404, _) => NotFound,
        (401, _) => Unauthenticated,
        _ => panic!("{who} on {what}: unexpected status {status} {location:?}"),
    };
    assert_eq!(actual, expected, "{who} on {what}");
}

#[tokio::test]
async fn every_page_and_server_function_answers_each_kind_of_user_as_expected() {
    let app = spawn_app().await;
    let id = caqes_test_id(&app).await.to_string();
    let own = app.login_as(CHU).await;
    let other = other_establishment_user(&app).await;
    let referent = app.login_as(REFERENT).await;
    let visitors: [(&str, Option<&Visitor>); 4] = [
        ("anonymous", None),
        ("own user", Some(&own)),
        ("other establishment", Some(&other)),
        ("referent", Some(&referent)),
    ];

    let entity_pages = [
        "/entites-juridiques/380780080".to_owned(),
        format!("/contrats/{id}"),
        format!("/contrats/{id}/indicateurs"),
        format!("/contrats/{id}/contacts"),
        format!("/contrats/{id}/etablissements"),
    ];
    for (who, visitor) in visitors {
        for page in ["/", "/mon-compte"] {
            let answer = match visitor {
                Some(visitor) => visitor.get(page).await,
                None => app.get(page).await,
            };
            check(
                who,
                page,
                answer.status,
                answer.location.as_deref(),
                if visitor.is_some() { Shown } else { ToLogin },
            );
        }
        for page in &entity_pages {
            let answer = match visitor {
                Some(visitor) => visitor.get(page).await,
                None => app.get(page).await,
            };
            let expected = match who {
                "anonymous" => ToLogin,
                "other establishment" => NotFound,
                _ => Shown,
            };
            check(who, page, answer.status, answer.location.as_deref(), expected);
            if expected == NotFound {
                answer.assert_page_not_found(page);
                assert!(!answer.body.contains("CHU DE GRENOBLE"), "{who} sees data of {page}");
            }
        }
    }

    let entity_functions: [(&str, &str, &str); 5] = [
        (GetLegalEntity::PATH, "finess", "380780080"),
        (GetContract::PATH, "id", &id),
        (GetContractEstablishments::PATH, "id", &id),
        (GetIndicatorTree::PATH, "contract_id", &id),
        (ListContacts::PATH, "contract_id", &id),
    ];
    for (who, visitor) in visitors {
        for (endpoint, name, value) in entity_functions {
            let answer =
                app.call_path(endpoint, &[(name, value)], visitor.map(|visitor| visitor.cookie.as_str())).await;
            let expected = match who {
                "anonymous" => Unauthenticated,
                "other establishment" => NotFound,
                _ => Shown,
            };
            check(who, endpoint, answer.status, None, expected);
            match expected {
                Unauthenticated => assert_eq!(answer.error(401), AppError::Unauthenticated, "{who} on {endpoint}"),
                NotFound => assert_eq!(answer.error(404), AppError::NotFound, "{who} on {endpoint}"),
                _ => {}
            }
            if expected != Shown {
                assert!(!answer.body.contains("CHU DE GRENOBLE"), "{who} got data from {endpoint}: {}", answer.body);
            }
        }
        let cookie = visitor.map(|visitor| visitor.cookie.as_str());
        let list = app.call_fn_with::<ListLegalEntities>(&[], cookie).await;
        check(who, "entites_juridiques", list.status, None, if visitor.is_some() { Shown } else { Unauthenticated });
        if visitor.is_none() {
            assert_eq!(list.error(401), AppError::Unauthenticated);
        }
        let sees_chu = list.body.contains("CHU DE GRENOBLE ALPES");
        let sees_acodege = list.body.contains("ACODEGE");
        let expected = match who {
            "own user" => (true, false),
            "other establishment" => (false, true),
            "referent" => (true, true),
            _ => (false, false),
        };
        assert_eq!((sees_chu, sees_acodege), expected, "{who}: legal entities listed: {}", list.body);
        let refresh = app.call_fn_with::<RefreshSession>(&[], cookie).await;
        check(who, "rafraichir_session", refresh.status, None, if visitor.is_some() { Shown } else { Unauthenticated });
        if visitor.is_none() {
            assert_eq!(refresh.error(401), AppError::Unauthenticated);
        }
        let account = app.call_fn_with::<CurrentAccount>(&[], cookie).await;
        check(who, "compte", account.status, None, Shown);
        assert_eq!(account.body == "null", visitor.is_none(), "{who}: {}", account.body);
    }
    let change = app.call_fn::<ChangePassword>(&[("current", "x"), ("password", "y"), ("confirmation", "y")]).await;
    assert_eq!(change.error(401), AppError::Unauthenticated, "anonymous password change");
}

#[tokio::test]
async fn the_home_page_lists_only_the_entities_of_the_user() {
    let app = spawn_app().await;
    let own = app.login_as(CHU).await.get("/").await;
    own.assert_shows(&["380780080 - CHU DE GRENOBLE ALPES", "Mon compte", "Rafraîchir la session", "Déconnexion"]);
    assert!(!own.body.contains("ACODEGE"));
    let referent = app.login_as(REFERENT).await.get("/").await;
    referent.assert_shows(&["380780080 - CHU DE GRENOBLE ALPES", "210984078 - ACODEGE"]);
    assert!(!referent.body.contains("690000880"), "the referent does not follow the generated entity");
    let account = app.login_as(REFERENT).await.get("/mon-compte").await;
    account.assert_shows(&["referent@ars.exemple.fr", "Référent ARS (consultation)", "Entités juridiques suivies"]);
}
