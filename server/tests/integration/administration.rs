//! The administration: the agencies, created by national administrators, and "Importer le
//! fichier FINESS" from the form to the database, each agency for itself.

use app::accounts::invitations::{create_user, NewUser};
use app::accounts::secrets::PasswordHashing;
use app::accounts::Role;
use app::administration::api::{CancelFinessImport, ConfirmFinessImport, ImportPreview, Journal};
use app::administration::journal::ChangeKind;
use app::administration::{Counts, FinessPreview};
use app::agencies::api::{Agencies, CreateAgency};
use app::agencies::{AgencyForm, AgencyRow, NewAgency};
use app::db::entities::{agency, establishment, journal_entry, legal_entity};
use app::AppError;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::helpers::{spawn_app, Page, TestApp, Visitor, ADMIN, CHU, REFERENT};

const PAGE: &str = "/administration/finess";
const AGENCIES: &str = "/administration/agences";
const ADMIN_BFC: (&str, &str) = ("admin-bfc@ars.exemple.fr", "Admin-Bfc-Demo-2026!");
pub const ADMIN_ARA: (&str, &str) = ("admin-ara@ars.exemple.fr", "Admin-Ara-Demo-2026!");
const TEST_ADMIN: (&str, &str) = ("admin@ars-test.fr", "Test-Admin-Import-2026!");

fn agency_form(name: &str, region: &str, administrator: &str) -> AgencyForm {
    AgencyForm {
        name: name.to_owned(),
        region: region.to_owned(),
        departements: String::new(),
        quality_email: "qualite@ars-test.fr".to_owned(),
        support_email: "support@ars-test.fr".to_owned(),
        support_phone: "01 02 03 04 05".to_owned(),
        administrator_email: administrator.to_owned(),
    }
}

/// The administrator of an agency made for the test, whose départements (Côte-d'Or, Corse-du-Sud,
/// Guadeloupe) let one import try metropolitan, Corsican and overseas lines.
async fn test_agency_admin(app: &TestApp) -> Visitor {
    let db = app.database().await;
    let mut new = NewAgency::parse(&agency_form("ARS Test", "Bourgogne-Franche-Comté", TEST_ADMIN.0)).unwrap();
    new.departements = ["21", "2A", "9A"].map(String::from).to_vec();
    let agency = app::agencies::service::insert(&db, &new).await.unwrap();
    let admin = NewUser {
        email: TEST_ADMIN.0,
        role: Role::Admin,
        finesses: &[],
        password: TEST_ADMIN.1,
        must_renew: false,
        agency_id: Some(agency.id),
    };
    create_user(&db, &PasswordHashing::new(1), admin).await.unwrap();
    app.login_as(TEST_ADMIN).await
}

/// The legal entities file as the State publishes it, in Windows-1252: accents, doubled quotes,
/// Corsica, and one malformed line.
fn legal_entities_file() -> Vec<u8> {
    let text = [
        "finess;etalab;100;2026-11-30",
        "structureej;210000111;ASSOCIATION \"\"LES TILLEULS\"\" DE BEAUNE;;;12;R;DE L'ÉGLISE;;;;054;21200 BEAUNE;21;CÔTE-D'OR;0380000000;60;Association;;;;;",
        "structureej;2A0000222;CENTRE DE SANTÉ D'AJACCIO;;;1;AV;NAPOLÉON;;;;004;20000 AJACCIO;2A;CORSE-DU-SUD;0495000000;14;Etb public;;;;;",
        "structureej;380000333;HORS RÉGION;;;1;R;X;;;;001;38000 GRENOBLE;38;ISERE;;60;Association;;;;;",
        "structureej;21000044;FINESS TROP COURT;;;1;R;X;;;;001;21000 DIJON;21;COTE D'OR;;60;Association;;;;;",
    ]
    .join("\n");
    // The quotes around the field: the State's files quote fields holding quotes.
    let text =
        text.replace("ASSOCIATION \"\"LES TILLEULS\"\" DE BEAUNE", "\"ASSOCIATION \"\"LES TILLEULS\"\" DE BEAUNE\"");
    encoding_rs::WINDOWS_1252.encode(&format!("{text}\n")).0.into_owned()
}

fn establishments_file() -> Vec<u8> {
    let line = |finess: &str, ej: &str, dep: &str, aggregate: &str, name: &str, town: &str| {
        format!(
            "structureet;{finess};{ej};{name};;;;3;AV;DU PARC;;;001;{dep};DEP;{town};;;500;X;{aggregate};Y;;;;;;;;;;"
        )
    };
    let text = [
        "finess;etalab;100;2026-11-30".to_owned(),
        line("210000999", "210000111", "21", "4401", "EHPAD LES TILLEULS", "21200 BEAUNE"),
        "geolocalisation;210000999;1.0;2.0;IGN;2026-01-01".to_owned(),
        line("2A0000888", "2A0000222", "2A", "1102", "CENTRE DE SANTÉ", "20000 AJACCIO"),
        line("970000777", "970000666", "971", "1102", "SANS ENTITÉ", "97100 BASSE-TERRE"),
    ]
    .join("\n");
    format!("{text}\n").into_bytes()
}

async fn send(_app: &TestApp, visitor: &Visitor, departements: &str, files: &[(&'static str, Vec<u8>)]) -> Page {
    let mut form = reqwest::multipart::Form::new().text("departements", departements.to_owned());
    for (field, bytes) in files {
        form = form.part(*field, reqwest::multipart::Part::bytes(bytes.clone()).file_name(format!("{field}.csv")));
    }
    visitor.send_file_form(PAGE, "/api/administration/finess", form).await
}

fn token_of(page: &Page) -> String {
    let location = page.location.as_deref().expect("sent to the preview");
    location.split("apercu=").nth(1).unwrap_or_else(|| panic!("no preview in {location}")).to_owned()
}

#[tokio::test]
async fn the_administration_is_not_found_for_everyone_else() {
    let app = spawn_app().await;
    for account in [CHU, REFERENT, ADMIN] {
        let visitor = app.login_as(account).await;
        visitor.get_not_found(PAGE).await;
        if account != ADMIN {
            assert_eq!(visitor.get("/").await.count("Administration</a>"), 0);
            visitor.get_not_found(AGENCIES).await;
            assert_eq!(visitor.call_fn::<Agencies>(&[]).await.error(404), AppError::NotFound);
            let fields = ["name", "region", "departements", "quality_email", "support_email", "support_phone"];
            let mut form: Vec<(&str, &str)> = fields.iter().map(|field| (*field, "x")).collect();
            form.push(("administrator_email", "pirate@exemple.fr"));
            assert_eq!(visitor.call_fn::<CreateAgency>(&form).await.error(404), AppError::NotFound);
        }
        let form = reqwest::multipart::Form::new().text("departements", "21");
        let response = reqwest::Client::new()
            .post(format!("{}/api/administration/finess", app.address))
            .header("cookie", &visitor.cookie)
            .header("sec-fetch-site", "same-origin")
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404);
        assert_eq!(serde_json::from_str::<AppError>(&response.text().await.unwrap()).unwrap(), AppError::NotFound);
        assert_eq!(
            visitor.call_fn::<ImportPreview>(&[("token", &"a".repeat(64))]).await.error(404),
            AppError::NotFound
        );
        assert_eq!(
            visitor.call_fn::<ConfirmFinessImport>(&[("token", &"a".repeat(64))]).await.error(404),
            AppError::NotFound
        );
    }
    // The national administrator's administration is the agencies'; an agency's is its imports.
    let national = app.login_as(ADMIN).await;
    national
        .get("/")
        .await
        .assert_shows(&["href=\"/administration/agences\" class=\"fr-nav__link\">Administration</a>"]);
    let admin = app.login_as(ADMIN_BFC).await;
    admin.get("/").await.assert_shows(&["href=\"/administration/finess\" class=\"fr-nav__link\">Administration</a>"]);
    admin.get_not_found(AGENCIES).await;
    admin.get(PAGE).await.assert_shows(&[
        "Importer le fichier FINESS",
        "Départements à importer",
        "value=\"21, 25, 39, 58, 70, 71, 89, 90\"",
        "Prévisualiser l'import",
    ]);
}

#[tokio::test]
async fn a_finess_extract_is_previewed_then_imported_once_and_re_importing_changes_nothing() {
    let app = spawn_app().await;
    let admin = test_agency_admin(&app).await;
    let db = app.database().await;
    let entities_before = legal_entity::Entity::find().count(&db).await.unwrap();
    let files = [("entites", legal_entities_file()), ("etablissements", establishments_file())];
    let sent = send(&app, &admin, "21, 2a, 971", &files).await;
    assert_eq!(sent.status, 303);
    let token = token_of(&sent);

    let preview: FinessPreview = admin.call_fn::<ImportPreview>(&[("token", &token)]).await.value();
    assert_eq!((preview.lines_read, preview.outside_region), (10, 1));
    assert_eq!(preview.departements, ["21", "2A", "9A"]);
    assert_eq!(preview.legal_entities, Counts { create: 2, update: 0, unchanged: 0 });
    assert_eq!(preview.establishments, Counts { create: 2, update: 0, unchanged: 0 });
    let refused: Vec<(String, u64)> = preview.refused.iter().map(|line| (line.file.clone(), line.line)).collect();
    assert_eq!(refused, [("Entités juridiques".to_owned(), 5), ("Établissements".to_owned(), 5)]);
    assert!(preview.refused[0].reason.contains("n'est pas un numéro FINESS"));
    assert!(preview.refused[1].reason.contains("entité juridique 970000666 inconnue"));
    let page = admin.get(&format!("{PAGE}?apercu={token}")).await;
    page.assert_shows(&[
        "Aperçu de l'import",
        "ASSOCIATION \"LES TILLEULS\" DE BEAUNE",
        "CENTRE DE SANTÉ D'AJACCIO",
        "Confirmer l'import",
    ]);
    assert_eq!(legal_entity::Entity::find().count(&db).await.unwrap(), entities_before, "the preview writes nothing");

    let confirmed = admin.call_fn::<ConfirmFinessImport>(&[("token", &token)]).await;
    confirmed.assert_shows(&["Import terminé : 4 création(s) et 0 mise(s) à jour"]);
    let beaune = legal_entity::Entity::find()
        .filter(legal_entity::Column::Finess.eq("210000111"))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(beaune.name, "ASSOCIATION \"LES TILLEULS\" DE BEAUNE");
    assert_eq!(beaune.address, "12 R DE L'ÉGLISE 21200 BEAUNE");
    let site = establishment::Entity::find()
        .filter(establishment::Column::Finess.eq("2A0000888"))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(site.region, "Corse");
    let ours = agency::Entity::find().filter(agency::Column::Name.eq("ARS Test")).one(&db).await.unwrap().unwrap();
    assert_eq!(beaune.agency_id, Some(ours.id), "what an agency imports is its own");
    let journal =
        journal_entry::Entity::find().filter(journal_entry::Column::AgencyId.eq(ours.id)).all(&db).await.unwrap();
    assert_eq!(journal.iter().filter(|entry| entry.kind == ChangeKind::FinessImported).count(), 1);
    admin.get("/entites-juridiques/2A0000222").await.assert_shows(&["CENTRE DE SANTÉ D'AJACCIO", "CENTRE DE SANTÉ"]);
    // The staged files are gone: the same preview is not found any more.
    assert_eq!(admin.call_fn::<ImportPreview>(&[("token", &token)]).await.error(404), AppError::NotFound);

    let again = token_of(&send(&app, &admin, "21, 2A, 971", &files).await);
    let preview: FinessPreview = admin.call_fn::<ImportPreview>(&[("token", &again)]).await.value();
    assert_eq!(preview.legal_entities, Counts { create: 0, update: 0, unchanged: 2 });
    assert_eq!(preview.establishments, Counts { create: 0, update: 0, unchanged: 2 });
    let page = admin.get(&format!("{PAGE}?apercu={again}")).await;
    page.assert_shows(&["Rien à importer : tout est déjà à jour."]);
    assert_eq!(page.count("Confirmer l'import"), 0);
    assert!(admin.call_fn::<CancelFinessImport>(&[("token", &again)]).await.status < 400);
    // Another agency's administrator does not see what this one imported.
    let other = app.login_as(ADMIN_ARA).await;
    other.get_not_found("/entites-juridiques/2A0000222").await;
}

#[tokio::test]
async fn bad_files_and_fields_are_refused_with_a_reason_and_nothing_written() {
    let app = spawn_app().await;
    let admin = test_agency_admin(&app).await;
    let db = app.database().await;
    let before = legal_entity::Entity::find().count(&db).await.unwrap();
    for (departements, files, refusal) in [
        ("21", vec![], "fichier"),
        ("", vec![("entites", legal_entities_file())], "departements"),
        ("21, 99", vec![("entites", legal_entities_file())], "departement-inconnu"),
        ("21, 38", vec![("entites", legal_entities_file())], "hors-agence"),
    ] {
        let sent = send(&app, &admin, departements, &files).await;
        assert_eq!(sent.location.as_deref(), Some(format!("{PAGE}?refus={refusal}").as_str()), "{departements}");
        let shown = admin.get(sent.location.as_deref().unwrap()).await;
        assert_eq!(shown.count("fr-alert--error"), 1, "{}", shown.body);
    }
    // The establishments file alone: its refused lines are said to be in it.
    let token = token_of(&send(&app, &admin, "971", &[("etablissements", establishments_file())]).await);
    let preview: FinessPreview = admin.call_fn::<ImportPreview>(&[("token", &token)]).await.value();
    let refused = &preview.refused[0];
    assert_eq!((refused.file.as_str(), refused.line), ("Établissements", 5), "{preview:?}");
    // A file of garbage, a zip renamed .csv: read to the end, every line refused, nothing to confirm.
    let garbage: Vec<u8> = (0..3_000_000u32).map(|n| (n.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let zip = b"PK\x03\x04\x14\x00\x00\x00\x08\x00".repeat(100);
    let token = token_of(&send(&app, &admin, "21", &[("entites", garbage), ("etablissements", zip)]).await);
    let preview: FinessPreview = admin.call_fn::<ImportPreview>(&[("token", &token)]).await.value();
    assert!(preview.refused_count > 0 && preview.rows.is_empty(), "{preview:?}");
    assert_eq!(admin.get(&format!("{PAGE}?apercu={token}")).await.count("Confirmer l'import"), 0);
    assert_eq!(legal_entity::Entity::find().count(&db).await.unwrap(), before);
}

#[tokio::test]
async fn an_agency_cannot_take_over_another_agency_s_legal_entities() {
    let app = spawn_app().await;
    let db = app.database().await;
    let bfc = app.login_as(ADMIN_BFC).await;
    let ara = app.login_as(ADMIN_ARA).await;
    // Each administrator reads its own agency's entities only.
    bfc.get("/").await.assert_shows(&["210984078 - ACODEGE"]);
    assert_eq!(bfc.get("/").await.count("380780080 - CHU"), 0);
    bfc.get_not_found("/entites-juridiques/380780080").await;
    ara.get_not_found("/entites-juridiques/210984078").await;
    ara.get("/entites-juridiques/380780080").await.assert_shows(&["CHU DE GRENOBLE ALPES"]);

    // ACODEGE is Bourgogne-Franche-Comté's: an extract sent by another agency does not change it.
    let ours = agency::Entity::find().filter(agency::Column::Name.eq(app::demo::ARA)).one(&db).await.unwrap().unwrap();
    let mut widened: agency::ActiveModel = ours.clone().into();
    widened.departements = sea_orm::Set(format!("{},21", ours.departements));
    sea_orm::ActiveModelTrait::update(widened, &db).await.unwrap();
    let line = "structureej;210984078;ACODEGE RENOMMEE;;;2;R;GAGNIEREUX;;;;231;21014 DIJON;21;COTE D'OR;0390288028;60;Association;;;;;";
    let file = format!("finess;etalab;100;2026-11-30\n{line}\n").into_bytes();
    let token = token_of(&send(&app, &ara, "21", &[("entites", file)]).await);
    let preview: FinessPreview = ara.call_fn::<ImportPreview>(&[("token", &token)]).await.value();
    assert_eq!(preview.legal_entities, Counts::default());
    assert!(preview.refused[0].reason.contains("rattachée à une autre agence"), "{preview:?}");
}

#[tokio::test]
async fn a_national_administrator_creates_an_agency_and_its_first_administrator_is_invited() {
    let app = spawn_app().await;
    let national = app.login_as(ADMIN).await;
    national.get(AGENCIES).await.assert_shows(&[
        "Agences",
        app::demo::ARA,
        "admin-bfc@ars.exemple.fr",
        "Créer une agence",
        "Bourgogne-Franche-Comté (21, 25, 39, 58, 70, 71, 89, 90)",
    ]);
    let form = |name: &'static str, phone: &'static str, administrator: &'static str| {
        vec![
            ("name", name),
            ("region", "Bretagne"),
            ("departements", ""),
            ("quality_email", "qualite@ars-bretagne.fr"),
            ("support_email", "support@ars-bretagne.fr"),
            ("support_phone", phone),
            ("administrator_email", administrator),
        ]
    };
    // A bad phone number, an address already taken: refused with the reason, nothing written.
    let refused =
        national.call_fn::<CreateAgency>(&form("ARS Bretagne", "appelez-nous", "admin@ars-bretagne.fr")).await;
    assert!(refused.invalid().contains("Le numéro du support n'est pas valide"), "{}", refused.body);
    let taken = national.call_fn::<CreateAgency>(&form("ARS Bretagne", "02 99 00 00 00", ADMIN_BFC.0)).await;
    assert!(taken.invalid().contains("Un compte existe déjà"), "{}", taken.body);
    let db = app.database().await;
    assert_eq!(agency::Entity::find().count(&db).await.unwrap(), 2);

    let created =
        national.call_fn::<CreateAgency>(&form("ARS Bretagne", "02 99 00 00 00", "admin@ars-bretagne.fr")).await;
    created.assert_shows(&["L'agence « ARS Bretagne » est créée"]);
    let agencies: Vec<AgencyRow> = national.call_fn::<Agencies>(&[]).await.value();
    let bretagne = agencies.iter().find(|agency| agency.name == "ARS Bretagne").unwrap();
    assert_eq!(bretagne.departements, ["22", "29", "35", "56"]);
    assert_eq!(bretagne.administrators, ["admin@ars-bretagne.fr"]);
    let invitation = app.outbox().await.into_iter().find(|message| message.contains("To: admin@ars-bretagne.fr"));
    assert!(invitation.is_some(), "the first administrator is invited by mail");
}

#[tokio::test]
async fn the_footer_names_the_viewer_s_agency() {
    let app = spawn_app().await;
    let bfc = app.login_as(ADMIN_BFC).await;
    bfc.get("/").await.assert_shows(&["ars-bfc-ecars@ars.sante.fr", "tel:+33380419898", "qualite-bfc@ars.exemple.fr"]);
    let chu = app.login_as(CHU).await;
    chu.get("/").await.assert_shows(&["ars-ecars@ars.sante.fr", "04.72.34.41.26", "qualite@ars.exemple.fr"]);
    chu.get("/mon-compte").await.assert_shows(&["Utilisateur d'établissement"]);
    app.login_as(REFERENT).await.get("/mon-compte").await.assert_shows(&["Agence :", app::demo::ARA]);
}

#[tokio::test]
async fn the_journal_shows_each_change_and_security_event_to_the_agency_that_made_it() {
    let app = spawn_app().await;
    let bfc = app.login_as(ADMIN_BFC).await;
    // A change: a FINESS import by the agency of Bourgogne-Franche-Comté.
    let line = "structureej;250000999;ASSOCIATION DU DOUBS;;;1;R;X;;;;001;25000 BESANCON;25;DOUBS;;60;Association;;;;;";
    let file = format!("finess;etalab;100;2026-11-30\n{line}\n").into_bytes();
    let token = token_of(&send(&app, &bfc, "25", &[("entites", file)]).await);
    bfc.call_fn::<ConfirmFinessImport>(&[("token", &token)]).await.assert_shows(&["Import terminé"]);
    // A security event: a failed login to its administrator's account.
    assert_eq!(app.login((ADMIN_BFC.0, "Mauvais-Mot-De-Passe-1!")).await.error(401), AppError::InvalidCredentials);

    let mut page = bfc.get("/administration/journal").await;
    for _ in 0..50 {
        if page.body.contains("échec") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        page = bfc.get("/administration/journal").await;
    }
    page.assert_shows(&[
        "Journal des modifications",
        "Import du fichier FINESS",
        "créations : 1",
        "Événement de sécurité",
        "Connexion",
        "résultat : échec",
        "Exporter en CSV",
    ]);
    let filtered = bfc.get("/administration/journal?type=finess_imported&du=2020-01-01").await;
    filtered.assert_shows(&["Import du fichier FINESS"]);
    assert_eq!(filtered.count("<td>Événement de sécurité</td>"), 0);
    let future = bfc.get("/administration/journal?du=2099-01-01").await;
    future.assert_shows(&["Aucune entrée ne correspond à ces filtres."]);

    let export = app
        .request(
            reqwest::Method::GET,
            "/api/administration/journal.csv?type=finess_imported",
            None,
            Some(&bfc.cookie),
            &[],
        )
        .await;
    assert_eq!(export.status, 200);
    assert!(export.headers["content-type"].to_str().unwrap().starts_with("text/csv"));
    assert!(export.body.starts_with("\u{feff}Date;Personne;Type;Objet;Avant;Après"), "{}", export.body);
    assert!(export.body.contains("\"admin-bfc@ars.exemple.fr\";\"Import du fichier FINESS\""), "{}", export.body);
    assert!(!export.body.contains("Événement de sécurité"));

    // Another agency's administrator does not see it; the national administrator sees everything.
    let ara = app.login_as(ADMIN_ARA).await;
    assert_eq!(
        ara.get("/administration/journal?type=finess_imported").await.count("<td>Import du fichier FINESS</td>"),
        0
    );
    let national = app.login_as(ADMIN).await;
    national.get("/administration/journal").await.assert_shows(&["Import du fichier FINESS", "Agences"]);
    for account in [CHU, REFERENT] {
        let visitor = app.login_as(account).await;
        visitor.get_not_found("/administration/journal").await;
        let export = app
            .request(reqwest::Method::GET, "/api/administration/journal.csv", None, Some(&visitor.cookie), &[])
            .await;
        assert_eq!(export.error(404), AppError::NotFound);
        assert_eq!(visitor.call_fn::<Journal>(&[]).await.error(404), AppError::NotFound);
    }
}

#[tokio::test]
async fn dates_and_times_are_shown_in_the_time_zone_of_the_agencies() {
    let data_dir = std::sync::Arc::new(tempfile::tempdir().unwrap());
    let database = crate::helpers::test_database(data_dir.path()).await;
    let server =
        crate::helpers::ServerProcess::start_with(data_dir, &database, &[("ECARS_TIME_ZONE", "America/Cayenne")]).await;
    let admin = server.app.login_as(ADMIN_ARA).await;
    let time_zone = app::db::parse_time_zone("America/Cayenne").unwrap();
    let cayenne =
        |moment: chrono::DateTime<chrono::Utc>| moment.with_timezone(&time_zone).format("%d/%m/%Y %H:%M").to_string();
    let logged_in = chrono::Utc::now();
    // The login is journaled just after it, by the security worker.
    for _ in 0..100 {
        let journal = admin.get("/administration/journal?type=security_event").await;
        let shown = [logged_in, logged_in + chrono::Duration::minutes(1)].map(cayenne);
        if shown.iter().any(|time| journal.body.contains(time.as_str())) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the login is not shown at {} (Cayenne time)", cayenne(logged_in));
}
