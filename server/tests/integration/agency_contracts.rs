//! "Contrats" in the administration: the same CAQES created for several legal entities of the
//! agency from a referential version, refused for another agency's, and seen by the establishment.

use app::contracts::api::{AgencyContracts, ContractEdition, CreateContracts, EditContract};
use app::db::entities::{contract, indicator, referential, referential_version};
use app::AppError;
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
    let bad = admin.call_fn::<CreateContracts>(&form(&version, "2027-02-30", &["380780080"])).await;
    assert!(bad.invalid().contains("date d'effet"), "{}", bad.body);
    let elsewhere = admin.call_fn::<CreateContracts>(&form(&version, "", &["380780080", "210984078"])).await;
    assert_eq!(elsewhere.error(404), AppError::NotFound);
    let none = admin.call_fn::<CreateContracts>(&form(&version, "", &[])).await;
    assert!(none.body.contains("au moins une entité juridique"), "{}", none.body);
    assert_eq!(contract::Entity::find().count(&db).await.unwrap(), before);

    let created = admin.call_fn::<CreateContracts>(&form(&version, "2027-01-01", &["380780080", "690000880"])).await;
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
    chu.get(&ecars_core::routes::indicators_href(theirs.id))
        .await
        .assert_shows(&["Saisir les indicateurs", "1.1.a - Taux d'ordonnances de sortie conformes"]);
}

#[tokio::test]
async fn the_contracts_administration_is_not_found_for_everyone_else() {
    let app = spawn_app().await;
    let version = demo_version(&app).await;
    for account in [CHU, REFERENT, ADMIN] {
        let visitor = app.login_as(account).await;
        visitor.get_not_found(PAGE).await;
        assert_eq!(visitor.call_fn::<AgencyContracts>(&[]).await.error(404), AppError::NotFound);
        assert_eq!(
            visitor.call_fn::<CreateContracts>(&form(&version, "", &["380780080"])).await.error(404),
            AppError::NotFound
        );
    }
}

#[tokio::test]
async fn an_agency_edits_a_contract_and_the_journal_keeps_what_changed() {
    let app = spawn_app().await;
    let admin = app.login_as(ADMIN_ARA).await;
    let version = demo_version(&app).await;
    admin.call_fn::<CreateContracts>(&form(&version, "2027-01-01", &["380780080"])).await.assert_shows(&["créé"]);
    let db = app.database().await;
    let created =
        contract::Entity::find().filter(contract::Column::Name.eq("CAQES 2027")).one(&db).await.unwrap().unwrap();
    let id = created.id.to_string();
    let page = ecars_core::routes::contract_edition_href(created.id);
    admin.get(&page).await.assert_shows(&[
        "Modifier le contrat CAQES 2027",
        "380780080 - CHU DE GRENOBLE ALPES",
        "CAQES démonstration (version 1)",
        "value=\"2027-01-01\"",
        "DIRECTEUR *",
    ]);
    admin.get(PAGE).await.assert_shows(&[&format!("href=\"{page}\"")]);
    // The contract page offers the edition to the agency's administrator only.
    admin.get(&ecars_core::routes::contract_href(created.id)).await.assert_shows(&["Modifier le contrat", &page]);
    let chu = app.login_as(CHU).await;
    assert_eq!(chu.get(&ecars_core::routes::contract_href(created.id)).await.count("Modifier le contrat"), 0);

    let edition = |fields: &[(&'static str, &'static str)]| {
        let mut sent: Vec<(&str, &str)> = form(&version, "2027-01-01", &[])
            .into_iter()
            .filter(|(name, _)| !matches!(*name, "version" | "legal_entities[]"))
            .filter(|(name, _)| !fields.iter().any(|(changed, _)| changed == name))
            .collect();
        sent.extend_from_slice(fields);
        sent.push(("id", id.as_str()));
        sent
    };
    let saved = admin
        .call_fn::<EditContract>(&edition(&[
            ("form[status]", "En cours de signature"),
            ("form[effective_end_date]", "2031-12-31"),
            ("form[contact_functions]", "DIRECTEUR *\nREF. CAQES *\nREF. QUALITE"),
        ]))
        .await;
    saved.assert_shows(&["modifications du contrat sont enregistrées"]);
    let stored = contract::Entity::find_by_id(created.id).one(&db).await.unwrap().unwrap();
    assert_eq!(stored.status, "En cours de signature");
    assert_eq!(stored.effective_end_date, chrono::NaiveDate::from_ymd_opt(2031, 12, 31));
    assert_eq!(stored.referential_version_id, created.referential_version_id, "the version stays");
    let contacts = app::db::entities::contact::Entity::find()
        .filter(app::db::entities::contact::Column::ContractId.eq(created.id))
        .all(&db)
        .await
        .unwrap();
    let functions: Vec<(&str, bool)> = contacts.iter().map(|c| (c.function.as_str(), c.mandatory)).collect();
    assert_eq!(functions.len(), 3);
    assert!(functions.contains(&("REF. CAQES", true)) && functions.contains(&("REF. QUALITE", false)));
    let journal = admin.get("/administration/journal?type=contract_edited").await;
    journal.assert_shows(&["Modification d'un contrat", "En cours de signature", "2031-12-31"]);
    assert_eq!(journal.count("Mourad ABED"), 0, "only what changed is journaled");

    // A bad date, an establishment of another legal entity: refused, nothing changed.
    let bad = admin.call_fn::<EditContract>(&edition(&[("form[effective_date]", "2027-13-01")])).await;
    assert!(bad.invalid().contains("date d'effet"), "{}", bad.body);
    // Another agency's contract, and anyone but the agency's administrators: not found.
    let bfc = app.login_as(("admin-bfc@ars.exemple.fr", "Admin-Bfc-Demo-2026!")).await;
    bfc.get_not_found(&page).await;
    assert_eq!(bfc.call_fn::<ContractEdition>(&[("id", &id)]).await.error(404), AppError::NotFound);
    assert_eq!(
        bfc.call_fn::<EditContract>(&edition(&[("form[status]", "Piraté")])).await.error(404),
        AppError::NotFound
    );
    for account in [CHU, REFERENT, ADMIN] {
        let visitor = app.login_as(account).await;
        visitor.get_not_found(&page).await;
        assert_eq!(
            visitor.call_fn::<EditContract>(&edition(&[("form[status]", "Piraté")])).await.error(404),
            AppError::NotFound
        );
    }
    let stored = contract::Entity::find_by_id(created.id).one(&db).await.unwrap().unwrap();
    assert_eq!(stored.status, "En cours de signature");
}

#[tokio::test]
async fn a_named_contact_keeps_its_function_and_answers_keep_the_year() {
    let app = spawn_app().await;
    let admin = app.login_as(ADMIN_ARA).await;
    // CAQES TEST, the demo's contract, once it has an answer and its director is named.
    let caqes = crate::helpers::caqes_test(&app).await;
    let db = app.database().await;
    {
        use app::db::entities::{answer, contact, indicator};
        use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
        let question = crate::helpers::current_indicators(&app, caqes.id)
            .await
            .filter(indicator::Column::NodeKind.eq(indicator::NodeKind::Question))
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        let answered =
            answer::Entity::find().filter(answer::Column::QuestionId.eq(question.id)).one(&db).await.unwrap();
        if answered.is_none() {
            answer::ActiveModel {
                question_id: Set(question.id),
                not_concerned: Set(false),
                achieved: Set(Some("Oui".into())),
                comment: Set(None),
                version: Set(1),
                updated_at: Set(chrono::Utc::now()),
                updated_by: Set(None),
                ..Default::default()
            }
            .insert(&db)
            .await
            .unwrap();
        }
        let director = contact::Entity::find()
            .filter(contact::Column::ContractId.eq(caqes.id))
            .filter(contact::Column::Function.eq("DIRECTEUR"))
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        let mut named = director.into_active_model();
        named.last_name = Set(Some("MARTIN".into()));
        named.update(&db).await.unwrap();
    }
    let shown = admin.get(&ecars_core::routes::contract_edition_href(caqes.id)).await;
    shown.assert_shows(&["Modifier le contrat CAQES TEST"]);
    let id = caqes.id.to_string();
    let current_year =
        app::evaluation::years::server::current(&db, ecars_core::ids::ContractId(caqes.id)).await.unwrap().year;
    let year = current_year.to_string();
    let next_year = (current_year + 1).to_string();
    let base = [
        ("id", id.as_str()),
        ("form[kind]", "CAQES"),
        ("form[name]", caqes.name.as_str()),
        ("form[code]", caqes.code.as_str()),
        ("form[status]", caqes.status.as_str()),
        ("form[agency_contact]", caqes.agency_contact.as_str()),
        ("form[estimated_signature_date]", ""),
        ("form[effective_date]", ""),
        ("form[prorogation_months]", ""),
        ("form[effective_end_date]", ""),
        ("form[last_prorogation_date]", ""),
        ("form[status_reason]", ""),
        ("form[competence]", ""),
        ("establishments", ""),
    ];
    let mut moved_year = base.to_vec();
    moved_year.extend([("form[evaluation_year]", next_year.as_str()), ("form[contact_functions]", "DIRECTEUR *")]);
    let moved = admin.call_fn::<EditContract>(&moved_year).await;
    assert!(moved.invalid().contains("l'année d'évaluation ne change plus"), "{}", moved.body);
    let mut without_director = base.to_vec();
    without_director.extend([("form[evaluation_year]", year.as_str()), ("form[contact_functions]", "AUTRE")]);
    let removed = admin.call_fn::<EditContract>(&without_director).await;
    assert!(removed.invalid().contains("ne peut plus être retirée"), "{}", removed.body);
}
