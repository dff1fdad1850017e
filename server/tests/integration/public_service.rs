//! The footer's pages, which every public service site owes its users: open to everyone, naming
//! the operator from the configuration, linked from every page's footer with the state of
//! accessibility.

use crate::helpers::{spawn_app, ADMIN, CHU, REFERENT};

#[tokio::test]
async fn the_legal_pages_are_open_to_everyone_and_name_the_operator() {
    let app = spawn_app().await;
    let operator = app::public_service::Operator::default();
    for (path, shown) in [
        (
            "/accessibilite",
            vec![
                "Déclaration d'accessibilité",
                "partiellement conforme avec le référentiel général d'amélioration de l'accessibilité (RGAA), version 4.1",
                "Contenus non accessibles",
                "Défenseur des droits",
                "Libre réponse 71120",
                operator.support_email.as_str(),
            ],
        ),
        ("/mentions-legales", vec!["Mentions légales", "Directeur de la publication", operator.address.as_str()]),
        (
            "/donnees-personnelles",
            vec!["Responsable du traitement", "Durées de conservation", "cnil.fr", operator.dpo_email.as_str()],
        ),
        ("/plan-du-site", vec!["Plan du site", "Connexion", "Renouveler le mot de passe"]),
    ] {
        let page = app.get(path).await;
        assert_eq!(page.status, 200, "{path}: open without login");
        page.assert_shows(&shown);
        page.assert_shows(&[&operator.name]);
    }
    // Every page's footer links them, before and after login.
    let footer = [
        "href=\"/plan-du-site\"",
        "Accessibilité : partiellement conforme",
        "href=\"/mentions-legales\"",
        "href=\"/donnees-personnelles\"",
    ];
    app.get("/connexion").await.assert_shows(&footer);
    app.login_as(CHU).await.get("/").await.assert_shows(&footer);
    // The site map follows the viewer's role.
    let chu = app.login_as(CHU).await.get("/plan-du-site").await;
    chu.assert_shows(&["Mon compte", "Gestion des Contrats"]);
    assert!(!chu.body.contains("Suivi de la campagne") && !chu.body.contains("Administration"));
    app.login_as(REFERENT)
        .await
        .get("/plan-du-site")
        .await
        .assert_shows(&["Suivi de la campagne", "Graphiques du suivi"]);
    app.login_as(ADMIN).await.get("/plan-du-site").await.assert_shows(&["Administration", "Agences"]);
}
