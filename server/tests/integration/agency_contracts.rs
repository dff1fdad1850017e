//! "Contrats" in the administration: the same CAQES created for several legal entities of the
//! agency from a referential version, refused for another agency's, and seen by the establishment.

use app::db::entities::{contract, indicator, referential, referential_version};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::helpers::{spawn_app, TestApp, ADMIN, CHU, REFERENT};

const PAGE: &str = "/administration/contrats";
const ADMIN_ARA: (&str, &str) = ("admin-ara@ars.exemple.fr", "Admin-Ara-Demo-2026!");

async fn demo_version(app: &TestApp) -> String {
    let db = app.database().await;
    let demo = referential::Entity::find()
        .filter(referential::Column::Name.eq(app::demo::files::DEMO_REFERENTIAL))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    let version = referential_version::Entity::find()
        .filter(referential_version::Column::ReferentialId.eq(demo.id))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    version.id.to_string()
}

fn form<'a>(version: &'a str, effective_date: &'a str, entities: &[&'a str]) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("form[kind]", "CAQES"),
        ("form[name]", "CAQES 2027"),
        ("form[code]", "PUBLIC"),
        ("form[status]", "Signé"),
        ("form[agency_contact]", "Mourad ABED"),
        ("form[evaluation_year]", "2027"),
        ("form[estimated_signature_date]", ""),
        ("form[effective_date]", effective_date),
        ("form[prorogation_months]", ""),
        ("form[effective_end_date]", ""),
        ("form[last_prorogation_date]", ""),
        ("form[status_reason]", ""),
        ("form[competence]", ""),
        ("form[contact_functions]", "DIRECTEUR *\nREF. CAQES"),
        ("version", version),
        ("establishments", ""),
    ];
    fields.extend(entities.iter().map(|finess| ("legal_entities[]", *finess)));
    fields
}

#[tokio::test]
async fn an_agency_creates_the_same_caqes_for_several_legal_entities_and_the_establishment_sees_it() {
    let app = spawn_app().await;
    let admin = app.login_as(ADMIN_ARA).await;
    admin.get(PAGE).await.assert_shows(&[
        "Créer un contrat",
        "CAQES démonstration (version 1)",
        "380780080 - CHU DE GRENOBLE ALPES",
        "CAQES TEST",
    ]);
    // The filter narrows the legal entities offered.
    let filtered = admin.get(&format!("{PAGE}?filtre=3807")).await;
    filtered.assert_shows(&["value=\"380780080\""]);
    assert_eq!(filtered.count("value=\"690000880\""), 0, "only the matching legal entities are offered");

    let version = demo_version(&app).await;
    let db = app.database().await;
    let before = contract::Entity::find().count(&db).await.unwrap();
    // A bad date, another agency's legal entity: refused, nothing written.
    let bad = admin.call("creer_contrats", &form(&version, "2027-02-30", &["380780080"])).await;
    assert!(bad.status == 400 && bad.body.contains("date d'effet"), "{}", bad.body);
    let elsewhere = admin.call("creer_contrats", &form(&version, "", &["380780080", "210984078"])).await;
    assert_eq!(elsewhere.status, 404);
    let none = admin.call("creer_contrats", &form(&version, "", &[])).await;
    assert!(none.body.contains("au moins une entité juridique"), "{}", none.body);
    assert_eq!(contract::Entity::find().count(&db).await.unwrap(), before);

    let created = admin.call("creer_contrats", &form(&version, "2027-01-01", &["380780080", "690000880"])).await;
    created.assert_shows(&["Contrat « CAQES 2027 » créé pour 2 entité(s) juridique(s)"]);
    let new = contract::Entity::find().filter(contract::Column::Name.eq("CAQES 2027")).all(&db).await.unwrap();
    assert_eq!(new.len(), 2);
    admin.get(PAGE).await.assert_shows(&["CAQES 2027", "CAQES démonstration (version 1)"]);
    let journal = admin.get("/administration/journal?type=contract_created").await;
    journal.assert_shows(&["Création d'un contrat", "CAQES 2027"]);

    // The CHU's user finds it with the referential's tree, ready to fill.
    let chu = app.login_as(CHU).await;
    for contract in &new {
        let tree =
            indicator::Entity::find().filter(indicator::Column::ContractId.eq(contract.id)).count(&db).await.unwrap();
        assert_eq!(tree, 9);
    }
    chu.get("/entites-juridiques/380780080").await.assert_shows(&["CAQES 2027"]);
    let db_entity = app::db::entities::legal_entity::Entity::find()
        .filter(app::db::entities::legal_entity::Column::Finess.eq("380780080"))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    let theirs = new.iter().find(|contract| contract.legal_entity_id == db_entity.id).unwrap();
    chu.get(&app::routes::indicators_href(theirs.id))
        .await
        .assert_shows(&["Saisir les indicateurs", "1.1.a - Taux d'ordonnances de sortie conformes"]);
}

#[tokio::test]
async fn the_contracts_administration_is_not_found_for_everyone_else() {
    let app = spawn_app().await;
    let version = demo_version(&app).await;
    for account in [CHU, REFERENT, ADMIN] {
        let visitor = app.login_as(account).await;
        assert_eq!(visitor.get(PAGE).await.status, 404, "{}", account.0);
        assert_eq!(visitor.call("contrats_agence", &[]).await.status, 404);
        assert_eq!(visitor.call("creer_contrats", &form(&version, "", &["380780080"])).await.status, 404);
    }
}
