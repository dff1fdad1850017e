//! "Notes de l'agence": written by the agency users who read the contract, each with its author
//! and date; never shown to the establishment, refused to it and to other agencies.

use app::db::entities::agency_note;
use sea_orm::{EntityTrait, PaginatorTrait};

use crate::helpers::{caqes_test, spawn_app, Page, Visitor, ADMIN, CHU, PERFORMANCE, REFERENT};

const ADMIN_ARA: (&str, &str) = ("admin-ara@ars.exemple.fr", "Admin-Ara-Demo-2026!");
const ADMIN_BFC: (&str, &str) = ("admin-bfc@ars.exemple.fr", "Admin-Bfc-Demo-2026!");

async fn write(visitor: &Visitor, contract: i32, body: &str) -> Page {
    visitor.call("ecrire_note_agence", &[("id", &contract.to_string()), ("body", body)]).await
}

#[tokio::test]
async fn agency_notes_are_written_and_read_by_the_agency_only() {
    let app = spawn_app().await;
    let contract = caqes_test(&app).await.id;
    let page = format!("/contrats/{contract}");
    let referent = app.login_as(REFERENT).await;
    referent.get(&page).await.assert_shows(&["Notes de l'agence", "Aucune note pour l'instant."]);
    write(&referent, contract, "Relancer l'établissement <b>avant</b> juin.\nVoir le plan 2.1.1.")
        .await
        .assert_shows(&["Note enregistrée"]);
    let admin = app.login_as(ADMIN_ARA).await;
    write(&admin, contract, "Valeurs DGOS reçues.").await.assert_shows(&["Note enregistrée"]);
    let shown = admin.get(&page).await;
    shown.assert_shows(&["Relancer l'établissement &lt;b&gt;avant&lt;/b&gt; juin.", REFERENT.0, ADMIN_ARA.0]);
    let newest = shown.body.find("Valeurs DGOS reçues.").unwrap();
    assert!(newest < shown.body.find("Relancer").unwrap(), "newest first");
    app.login_as(ADMIN).await.get(&page).await.assert_shows(&["Valeurs DGOS reçues."]);

    // Blank or too long: refused, nothing written.
    let too_long = "é".repeat(4001);
    for body in ["  \n ", too_long.as_str()] {
        assert_eq!(write(&referent, contract, body).await.status, 400);
    }
    // The establishment never sees them nor writes any; another agency cannot reach the contract.
    let chu = app.login_as(CHU).await;
    let theirs = chu.get(&page).await;
    theirs.assert_shows(&["CAQES TEST"]);
    assert!(!theirs.body.contains("Notes de l") && !theirs.body.contains("Valeurs DGOS"), "{}", theirs.body);
    assert!(!chu.call("contrat", &[("id", &contract.to_string())]).await.body.contains("Valeurs DGOS"));
    assert_eq!(write(&chu, contract, "Une note").await.status, 403);
    assert_eq!(write(&app.login_as(PERFORMANCE).await, contract, "Une note").await.status, 404);
    assert_eq!(write(&app.login_as(ADMIN_BFC).await, contract, "Une note").await.status, 404);
    assert_eq!(agency_note::Entity::find().count(&app.database().await).await.unwrap(), 2);
}
