//! What a hostile user tried, replayed: another agency's establishment or account, files made to
//! exhaust memory or CPU, a referential loop, markup typed into forms, a lockout by a third
//! party, mail to deactivated accounts. Each is refused (in French), nothing of another agency
//! changes, and the server goes on serving.

use app::administration::api::{ConfirmFinessImport, ImportPreview};
use app::administration::FinessPreview;
use app::campaigns::api::{PreviewNationalValues, ReopenEvaluation};
use app::db::entities::{document, establishment, user};
use app::documents::api::DeclareEvaluationReport;
use app::evaluation::api::SaveAnswer;
use app::referentials::api::PreviewReferential;
use app::AppError;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::helpers::{caqes_test, percent_encode, spawn_app, Page, TestApp, Visitor, CHU, REFERENT};

const ADMIN_ARA: (&str, &str) = ("admin-ara@ars.exemple.fr", "Admin-Ara-Demo-2026!");
const ADMIN_BFC: (&str, &str) = ("admin-bfc@ars.exemple.fr", "Admin-Bfc-Demo-2026!");
/// The CHU's site, in Isère (Auvergne-Rhône-Alpes); ACODEGE is a Bourgogne-Franche-Comté entity.
const CHU_SITE: &str = "380000174";
const ACODEGE: &str = "210984078";

/// Markup as an attacker types it into a text field.
const MARKUP: &str = r#"</textarea><h1 id="injecte">X</h1><textarea>< " ' &"#;

fn token_of(page: &Page) -> String {
    let location = page.location.as_deref().expect("sent to the preview");
    location.split("apercu=").nth(1).unwrap_or_else(|| panic!("no preview in {location}")).to_owned()
}

/// The server still answers, quickly.
async fn still_serving(app: &TestApp) {
    let started = std::time::Instant::now();
    let page = app.get("/connexion").await;
    assert_eq!(page.status, 200);
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

#[tokio::test]
async fn an_agency_cannot_move_another_agency_s_establishment_under_its_own_legal_entity() {
    let app = spawn_app().await;
    let db = app.database().await;
    let before = establishment::Entity::find().filter(establishment::Column::Finess.eq(CHU_SITE)).one(&db).await;
    let before = before.unwrap().unwrap();
    let bfc = app.login_as(ADMIN_BFC).await;
    let line = format!(
        "structureet;{CHU_SITE};{ACODEGE};CHU DEPLACE;;;;3;AV;DU PARC;;;001;21;DEP;21000 DIJON;;;500;X;1102;Y;;;;;;;;;;"
    );
    let file = format!("finess;etalab;100;2026-11-30\n{line}\n").into_bytes();
    let form = reqwest::multipart::Form::new()
        .text("departements", "21")
        .part("etablissements", reqwest::multipart::Part::bytes(file).file_name("etablissements.csv"));
    let token = token_of(&bfc.send_file_form("/administration/finess", "/api/administration/finess", form).await);
    let preview: FinessPreview = bfc.call_fn::<ImportPreview>(&[("token", &token)]).await.value();
    assert_eq!(preview.establishments.create + preview.establishments.update, 0, "{preview:?}");
    assert_eq!(preview.refused.len(), 1, "{preview:?}");
    assert_eq!(preview.refused[0].line, 2);
    assert!(preview.refused[0].reason.contains("rattaché à une autre agence"), "{preview:?}");
    bfc.call_fn::<ConfirmFinessImport>(&[("token", &token)]).await;
    let after = establishment::Entity::find_by_id(before.id).one(&db).await.unwrap().unwrap();
    assert_eq!(after, before, "the CHU's site is still the CHU's");
    app.login_as(CHU).await.get(&format!("/etablissements/{}", before.id)).await.assert_shows(&[CHU_SITE]);
}

/// A new establishment user attached to the legal entities `finesses`.
async fn establishment_user(app: &TestApp, email: &str, finesses: &[&str]) {
    let finesses: Vec<String> = finesses.iter().map(|finess| (*finess).to_owned()).collect();
    let new = app::accounts::invitations::NewUser {
        email,
        role: app::accounts::Role::Establishment,
        finesses: &finesses,
        password: "Etablissement-Demo-2026!",
        must_renew: false,
        agency_id: None,
    };
    let hashing = app::accounts::secrets::PasswordHashing::new(1);
    app::accounts::invitations::create_user(&app.database().await, &hashing, new).await.unwrap();
}

async fn account(app: &TestApp, email: &str) -> user::Model {
    let db = app.database().await;
    user::Entity::find().filter(user::Column::Email.eq(email)).one(&db).await.unwrap().unwrap()
}

#[tokio::test]
async fn an_agency_administers_only_its_own_accounts_and_only_its_links_of_a_shared_one() {
    let app = spawn_app().await;
    let bfc = app.login_as(ADMIN_BFC).await;
    // The ARA referent follows a BFC entity: it is still ARA's, unseen and untouched by BFC.
    let referent = account(&app, REFERENT.0).await;
    assert_eq!(bfc.get("/administration/comptes?recherche=referent").await.count(REFERENT.0), 0);
    bfc.get_not_found(&format!("/administration/comptes/{}", referent.id)).await;
    for action in ["desactiver", "reactiver", "debloquer", "renvoyer", "entites"] {
        let form =
            [("id", referent.id.to_string()), ("action", action.to_owned()), ("legal_entities", ACODEGE.to_owned())];
        let form: Vec<(&str, &str)> = form.iter().map(|(name, value)| (*name, value.as_str())).collect();
        assert_eq!(
            bfc.call_fn::<app::accounts::management_api::ChangeAccount>(&form).await.error(404),
            AppError::NotFound,
            "{action}"
        );
    }
    assert_eq!(account(&app, REFERENT.0).await, referent, "nothing of the ARA referent changed");
    app.login_as(REFERENT).await;

    // An establishment user of both agencies: each sees it; neither deactivates it alone.
    let shared = "commun@exemple.fr";
    establishment_user(&app, shared, &["380780080", ACODEGE]).await;
    let id = account(&app, shared).await.id.to_string();
    let page = bfc.get(&format!("/administration/comptes/{id}")).await;
    page.assert_shows(&["aussi rattaché aux entités juridiques d'une autre agence", "210984078 - ACODEGE"]);
    assert_eq!(page.count("Désactiver le compte"), 0);
    assert_eq!(page.count("380780080"), 0, "the other agency's entities are not shown");
    let refused =
        bfc.call_fn::<app::accounts::management_api::ChangeAccount>(&[("id", &id), ("action", "desactiver")]).await;
    refused.assert_refused(400, &["autre agence"]);
    assert!(account(&app, shared).await.deactivated_at.is_none());
    // Its own links only: the ARA link stays.
    let changed = bfc
        .call_fn::<app::accounts::management_api::ChangeAccount>(&[
            ("id", &id),
            ("action", "entites"),
            ("legal_entities", ACODEGE),
        ])
        .await;
    assert!(changed.status < 400, "{}", changed.body);
    let ara = app.login_as(ADMIN_ARA).await;
    ara.get(&format!("/administration/comptes/{id}")).await.assert_shows(&["380780080 - CHU DE GRENOBLE ALPES"]);
}

#[tokio::test]
async fn markup_typed_into_a_text_area_or_an_address_stays_text() {
    let app = spawn_app().await;
    let chu = app.login_as(CHU).await;
    let contract = caqes_test(&app).await.id;
    let question = crate::documents::question_id(&app, "1.1.1.a").await.to_string();
    let saved = chu
        .call_fn::<SaveAnswer>(&[("question_id", &question), ("version", "0"), ("achieved", "12"), ("comment", MARKUP)])
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    let panel = chu.get(&format!("/contrats/{contract}/indicateurs?question={question}")).await;
    assert_text_areas_hold_text(&panel, "#commentaire", MARKUP.trim());

    let admin = app.login_as(ADMIN_ARA).await;
    let typed = percent_encode(MARKUP);
    let chu_id = account(&app, CHU.0).await.id;
    for (path, area) in [
        (format!("/administration/contrats?{}={typed}", percent_encode("form[contact_functions]")), "#fonctions"),
        (format!("/administration/comptes?legal_entities={typed}"), "#invitation-entites"),
        (format!("/administration/comptes/{chu_id}?legal_entities={typed}"), "#compte-entites"),
        (format!("/administration/campagnes?legal_entities={typed}"), "#campagne-entites"),
    ] {
        let page = admin.get(&path).await;
        assert_text_areas_hold_text(&page, area, MARKUP);
    }
}

/// The page parsed as a browser does: no element came from the typed markup, and the text area
/// `area` holds exactly the text.
fn assert_text_areas_hold_text(page: &Page, area: &str, text: &str) {
    assert_eq!(page.status, 200, "{}", page.body);
    let html = scraper::Html::parse_document(&page.body);
    let injected = scraper::Selector::parse("#injecte").unwrap();
    assert_eq!(html.select(&injected).count(), 0, "markup became part of the page:\n{}", page.body);
    let selector = scraper::Selector::parse(area).unwrap();
    let found = html.select(&selector).next().unwrap_or_else(|| panic!("no {area} in\n{}", page.body));
    assert_eq!(found.text().collect::<String>().trim(), text.trim());
}

#[tokio::test]
async fn deactivated_accounts_receive_no_mail_about_their_former_establishment() {
    use crate::closing::{close, director, not_concerned, own_questions, save_contact, DIRECTOR};
    let app = spawn_app().await;
    let chu = app.login_as(CHU).await;
    let db = app.database().await;
    // A colleague of the CHU and the referent, both deactivated.
    let colleague = "ancien@chu-grenoble.fr";
    establishment_user(&app, colleague, &["380780080"]).await;
    user::Entity::update_many()
        .col_expr(user::Column::DeactivatedAt, sea_orm::sea_query::Expr::value(chrono::Utc::now()))
        .filter(user::Column::Email.is_in([colleague, REFERENT.0]))
        .exec(&db)
        .await
        .unwrap();

    // A reminder and a digest, a closing receipt, a reopening, a report notice.
    let contract = caqes_test(&app).await.id;
    let evaluation = app::evaluation::years::server::current(&db, ecars_core::ids::ContractId(contract)).await.unwrap();
    let last_day = evaluation.closes_on.expect("the demo's window");
    let (url, outbox) = ("https://ecars.exemple.fr", app::mail::outbox::Outbox::default());
    let shapes = app::evaluation::service::TreeShapes::default();
    let fourteen_days_before = last_day - chrono::Duration::days(14);
    app::campaigns::reminders::server::send_due(&db, &shapes, &outbox, url, fourteen_days_before).await.unwrap();
    let week_before = last_day - chrono::Duration::days(7);
    let monday =
        week_before - chrono::Duration::days(i64::from(chrono::Datelike::weekday(&week_before).num_days_from_monday()));
    let nine = app::db::agency_midnight(monday) + chrono::Duration::hours(9);
    let schedule = app::follow_up::digest::server::DigestSchedule::parse("lundi", 8).unwrap().unwrap();
    app::follow_up::digest::server::send_due(&db, &outbox, url, schedule, nine).await.unwrap();
    for question in own_questions(&app).await {
        assert_eq!(not_concerned(&chu, &question, "0").await.status, 200);
    }
    assert_eq!(save_contact(&chu, &director(&app).await, DIRECTOR).await.status, 200);
    assert_eq!(close(&chu, contract).await.status, 200);
    let admin = app.login_as(ADMIN_ARA).await;
    let reopened =
        admin.call_fn::<ReopenEvaluation>(&[("id", &contract.to_string()), ("reason", "Erreur de saisie")]).await;
    assert!(reopened.status < 400, "{}", reopened.body);
    let site = establishment::Entity::find().filter(establishment::Column::Finess.eq(CHU_SITE)).one(&db).await;
    let site = site.unwrap().unwrap().id.to_string();
    let uploaded = app
        .upload("etablissement", &site, "Rapport.pdf", crate::documents::PDF.to_vec().into(), Some(&chu.cookie))
        .await;
    let report = serde_json::from_str::<serde_json::Value>(&uploaded.body).unwrap()["id"].to_string();
    assert_eq!(chu.call_fn::<DeclareEvaluationReport>(&[("document_id", &report)]).await.status, 200);

    use app::db::entities::outbox_message;
    let queued = outbox_message::Entity::find().all(&db).await.unwrap();
    let kinds_to = |email: &str| {
        let mut kinds: Vec<&str> =
            queued.iter().filter(|message| message.recipient == email).map(|message| message.kind.as_str()).collect();
        kinds.sort_unstable();
        kinds.dedup();
        kinds
    };
    // The active user got each kind meant for the establishment, so each kind was sent.
    assert!(kinds_to(CHU.0).len() >= 3, "{:?}", kinds_to(CHU.0));
    assert!(kinds_to("qualite@ars.exemple.fr").len() == 1, "the report notice went out");
    assert_eq!(kinds_to(colleague), Vec::<&str>::new());
    assert_eq!(kinds_to(REFERENT.0), Vec::<&str>::new());
}

/// Sends a referential file as the page does; the refusal (or preview) page.
async fn send_referential(visitor: &Visitor, file_name: &str, bytes: Vec<u8>) -> Page {
    let form = reqwest::multipart::Form::new()
        .text("nom", "Référentiel piégé".to_owned())
        .part("fichier", reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_owned()));
    visitor.send_file_form("/administration/referentiels", "/api/administration/referentiels", form).await
}

/// What the page says after a refused file (the address carries the message).
async fn refusal_of(visitor: &Visitor, sent: &Page) -> String {
    match sent.location.as_deref() {
        Some(location) if location.contains("apercu=") => {
            let token = location.split("apercu=").nth(1).unwrap();
            visitor.call_fn::<PreviewReferential>(&[("token", token)]).await.body
        }
        Some(location) => visitor.get(location).await.body,
        None => sent.body.clone(),
    }
}

fn referential_csv(rows: impl Iterator<Item = String>) -> Vec<u8> {
    let mut text = "Code;Code parent;Libellé;Type de nœud;Type de valeur;Cible;National\n".to_owned();
    for row in rows {
        text.push_str(&row);
        text.push('\n');
    }
    text.into_bytes()
}

#[tokio::test]
async fn hostile_spreadsheets_and_referentials_are_refused_fast_and_the_server_goes_on() {
    use app::administration::spreadsheet::samples::{sparse_xlsx, zip_bomb_xlsx};
    let app = spawn_app().await;
    let admin = app.login_as(ADMIN_ARA).await;
    let db = app.database().await;
    let versions = app::db::entities::referential_version::Entity::find().count(&db).await.unwrap();

    let ring = referential_csv((1..=3000).map(|n| format!("R{n};R{};Objectif {n};objectif;;;", n % 3000 + 1)));
    let deep = referential_csv((1..=10_000).map(|n| {
        let parent = if n == 1 { String::new() } else { format!("D{}", n - 1) };
        format!("D{n};{parent};Niveau {n};objectif;;;")
    }));
    let wide = referential_csv((1..=100_000).map(|n| format!("Q{n};;Ligne {n};objectif;;;")));
    let dotted =
        referential_csv(["O;;Objectif;objectif;;;".to_owned(), "..;O;Piège;question;texte;;".to_owned()].into_iter());
    for (name, bytes, reason) in [
        ("creux.xlsx", sparse_xlsx(), "hors des limites"),
        ("bombe.xlsx", zip_bomb_xlsx(), "100 Mo"),
        ("anneau.csv", ring, "boucle entre les codes"),
        ("profond.csv", deep, "lignes"),
        ("large.csv", wide, "lignes"),
        ("points.csv", dotted, "n'est pas valide"),
    ] {
        let started = std::time::Instant::now();
        let sent = send_referential(&admin, name, bytes).await;
        let said = refusal_of(&admin, &sent).await;
        assert!(said.contains(reason), "{name}: `{reason}` is not in\n{said}");
        // Generous for a loaded CI machine: the cases above took minutes or the whole memory.
        assert!(started.elapsed() < std::time::Duration::from_secs(20), "{name}: {:?}", started.elapsed());
        still_serving(&app).await;
    }
    assert_eq!(app::db::entities::referential_version::Entity::find().count(&db).await.unwrap(), versions);
}

#[tokio::test]
async fn an_office_document_made_to_unpack_to_gigabytes_is_refused_and_not_stored() {
    use app::documents::macros::samples::overlapping_zip;
    let app = spawn_app().await;
    let chu = app.login_as(CHU).await;
    let question = crate::documents::question_id(&app, "1.1.1.a").await.to_string();
    let bomb = overlapping_zip(200, 64 * 1024 * 1024);
    assert!(bomb.len() < 200 * 1024, "{} bytes", bomb.len());
    let refused = app.upload("question", &question, "piege.docx", bomb.into(), Some(&chu.cookie)).await;
    refused.assert_refused(400, &["endommagé ou piégé"]);
    assert_eq!(document::Entity::find().count(&app.database().await).await.unwrap(), 0);
    still_serving(&app).await;
}

#[tokio::test]
async fn wrong_passwords_from_one_address_do_not_lock_the_owner_out_from_another() {
    let app = spawn_app().await;
    let guesser = app.seen_from(66);
    for _ in 0..6 {
        assert_eq!(guesser.login((ADMIN_ARA.0, "Devine-Mot-2026!")).await.error(401), AppError::InvalidCredentials);
    }
    // The guesser's address is locked, even with the right password...
    assert_eq!(guesser.login(ADMIN_ARA).await.error(401), AppError::InvalidCredentials);
    // ...the owner, from the office, logs in.
    assert_eq!(app.seen_from(77).login(ADMIN_ARA).await.status, 200);
    // The owner's login does not free the guesser, who goes on being refused.
    assert_eq!(guesser.login(ADMIN_ARA).await.error(401), AppError::InvalidCredentials);
    assert_eq!(app.seen_from(77).login(ADMIN_ARA).await.status, 200);
}

#[tokio::test]
async fn the_national_values_import_refuses_the_same_hostile_spreadsheets_fast() {
    use app::administration::spreadsheet::samples::{repeated_ods, sparse_xlsx, zip_bomb_xlsx};
    use app::documents::macros::samples::overlapping_zip;
    let app = spawn_app().await;
    let admin = app.login_as(ADMIN_ARA).await;
    let wide: String = std::iter::once("FINESS;Code question;Valeur".to_owned())
        .chain((0..=app::campaigns::national_values::MAX_LINES).map(|n| format!("380780080;1.1.1.a;{n}")))
        .collect::<Vec<_>>()
        .join("\n");
    for (name, bytes, reason) in [
        ("creux.xlsx", sparse_xlsx(), "hors des limites"),
        ("bombe.xlsx", zip_bomb_xlsx(), "100 Mo"),
        ("repete.ods", repeated_ods(), "ligne"),
        ("piege.xlsx", overlapping_zip(200, 64 * 1024 * 1024), "endommagé ou piégé"),
        ("large.csv", wide.into_bytes(), "au plus"),
    ] {
        let started = std::time::Instant::now();
        let form = reqwest::multipart::Form::new()
            .text("campagne", "CAQES-2022")
            .part("fichier", reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()));
        let sent = admin
            .send_file_form("/administration/valeurs-nationales", "/api/administration/valeurs-nationales", form)
            .await;
        let said = match sent.location.as_deref() {
            Some(location) if location.contains("apercu=") => {
                let token = location.split("apercu=").nth(1).unwrap();
                admin.call_fn::<PreviewNationalValues>(&[("token", token)]).await.body
            }
            Some(location) => admin.get(location).await.body,
            None => sent.body.clone(),
        };
        assert!(said.contains(reason), "{name}: `{reason}` is not in\n{said}");
        assert!(started.elapsed() < std::time::Duration::from_secs(20), "{name}: {:?}", started.elapsed());
        still_serving(&app).await;
    }
}
