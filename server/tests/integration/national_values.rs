//! "Valeurs nationales": the agency imports the ministry's values of the national indicators,
//! previewed with every refused line, then written in one go; the establishment sees them grey,
//! with their source, and they never count in its fill percentage; agency administrators only.

use app::administration::journal::ChangeKind;
use app::campaigns::api::{CancelNationalValues, ConfirmNationalValues, NationalValueChoices, PreviewNationalValues};
use app::campaigns::national_values::NationalValuesPreview;
use app::db::entities::{answer, answer_history, evaluation, indicator, journal_entry, user};
use app::evaluation::api::SaveAnswer;
use app::AppError;
use leptos::server_fn::ServerFn;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::helpers::{caqes_test, spawn_app, Page, TestApp, Visitor, ADMIN, CHU, REFERENT};

const PAGE: &str = "/administration/valeurs-nationales";
const UPLOAD: &str = "/api/administration/valeurs-nationales";
const ADMIN_ARA: (&str, &str) = ("admin-ara@ars.exemple.fr", "Admin-Ara-Demo-2026!");
const ADMIN_BFC: (&str, &str) = ("admin-bfc@ars.exemple.fr", "Admin-Bfc-Demo-2026!");
const CHU_FINESS: &str = "380780080";

async fn send(visitor: &Visitor, campaign: &str, file_name: &str, lines: &[&str]) -> Page {
    let text: String = lines.iter().map(|line| format!("{line}\r\n")).collect();
    let form = reqwest::multipart::Form::new()
        .text("campagne", campaign.to_owned())
        .part("fichier", reqwest::multipart::Part::bytes(text.into_bytes()).file_name(file_name.to_owned()));
    visitor.send_file_form(PAGE, UPLOAD, form).await
}

fn token_of(page: &Page) -> String {
    let location = page.location.as_deref().expect("sent to the preview");
    location.split("apercu=").nth(1).unwrap_or_else(|| panic!("no preview in {location}")).to_owned()
}

async fn preview(visitor: &Visitor, campaign: &str, lines: &[&str]) -> (String, Page) {
    let token = token_of(&send(visitor, campaign, "valeurs-dgos.csv", lines).await);
    let answer = visitor.call_fn::<PreviewNationalValues>(&[("token", &token)]).await;
    (token, answer)
}

/// CAQES TEST's question `code` in its evaluation of `year`.
async fn question(app: &TestApp, year: i32, code: &str) -> indicator::Model {
    let db = app.database().await;
    let contract = caqes_test(app).await;
    let evaluation = evaluation::Entity::find()
        .filter(evaluation::Column::ContractId.eq(contract.id))
        .filter(evaluation::Column::Year.eq(year))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    indicator::Entity::find()
        .filter(indicator::Column::EvaluationId.eq(evaluation.id))
        .filter(indicator::Column::Code.eq(code))
        .one(&db)
        .await
        .unwrap()
        .unwrap()
}

async fn answer_to(app: &TestApp, question_id: i32) -> Option<answer::Model> {
    answer::Entity::find().filter(answer::Column::QuestionId.eq(question_id)).one(&app.database().await).await.unwrap()
}

fn fill_percentage(page: &Page) -> String {
    let start = page.body.find("Pourcentage de remplissage").expect("the percentage");
    page.body[start..].chars().take(80).collect()
}

#[tokio::test]
async fn national_values_are_previewed_with_refused_lines_then_shown_grey_with_their_source() {
    let app = spawn_app().await;
    let admin = app.login_as(ADMIN_ARA).await;
    let chu = app.login_as(CHU).await;
    let contract = caqes_test(&app).await;
    let tree = format!("/contrats/{}/indicateurs", contract.id);
    let before = fill_percentage(&chu.get(&tree).await);

    admin.get(PAGE).await.assert_shows(&["Valeurs nationales", "CAQES 2022", "CAQES 2021", "Prévisualiser l'import"]);
    let lines = [
        "FINESS;Code question;Valeur;Commentaire",
        "380780080;4.1.1.a;-4,2;Valeur DGOS, été",
        "380780080;4.1.1.b;12.5 %;",
        "380780080;2.1.1.a;Oui;",
        "380780080;9.9.9;3;",
        "380780080;2.1;3;",
        "210984078;4.1.1.a;1;",
        "380780080;4.1.1.c;en baisse;",
        "380780080;4.1.1.a;1;",
        "38078008;4.1.1.d;1;",
    ];
    let (token, shown) = preview(&admin, "CAQES-2022", &lines).await;
    let first: NationalValuesPreview = shown.value();
    assert_eq!((first.lines, first.created, first.updated, first.unchanged), (9, 2, 0, 0));
    assert_eq!(first.campaign, "CAQES 2022");
    let reasons: Vec<(u64, &str)> =
        first.refused.iter().map(|refused| (refused.row, refused.reason.as_str())).collect();
    let expected = [
        (4, "n'est pas un indicateur national"),
        (5, "n'existe pas dans l'évaluation CAQES 2022"),
        (6, "est un objectif"),
        (7, "n'est pas une de celles de l'agence"),
        (8, "valeur « en baisse »"),
        (9, "déjà donnée ligne 2"),
        (10, "n'est pas un numéro FINESS"),
    ];
    assert_eq!(reasons.len(), expected.len(), "{reasons:?}");
    for ((row, reason), (expected_row, says)) in reasons.iter().zip(expected) {
        assert_eq!(*row, expected_row);
        assert!(reason.contains(says), "line {row}: {reason}");
    }
    assert_eq!(first.changes[0].after, "-4,2");
    assert_eq!(first.changes[1].after, "12,5");
    let ipp = question(&app, 2022, "4.1.1.a").await;
    assert!(answer_to(&app, ipp.id).await.is_none(), "nothing written before the confirmation");

    let confirmed = admin.call_fn::<ConfirmNationalValues>(&[("token", &token)]).await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.body);
    assert!(confirmed.body.contains("2 nouvelle(s), 0 mise(s) à jour"), "{}", confirmed.body);
    let stored = answer_to(&app, ipp.id).await.unwrap();
    assert_eq!((stored.achieved.as_deref(), stored.comment.as_deref()), (Some("-4,2"), Some("Valeur DGOS, été")));
    assert!(stored.source.as_deref().unwrap().contains("valeurs-dgos.csv"));
    let db = app.database().await;
    let admin_id = user::Entity::find().filter(user::Column::Email.eq(ADMIN_ARA.0)).one(&db).await.unwrap().unwrap().id;
    assert_eq!(stored.updated_by, Some(admin_id));
    assert_eq!(
        answer_history::Entity::find().filter(answer_history::Column::QuestionId.eq(ipp.id)).count(&db).await.unwrap(),
        1
    );
    let journaled = journal_entry::Entity::find()
        .filter(journal_entry::Column::Kind.eq(ChangeKind::NationalValuesImported))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(journaled.len(), 1);
    assert_eq!(journaled[0].subject, "CAQES 2022");
    assert_eq!(
        admin.call_fn::<PreviewNationalValues>(&[("token", &token)]).await.error(404),
        AppError::NotFound,
        "the file is gone"
    );

    // The establishment sees them grey with their source; its percentage does not move.
    let page = chu.get(&tree).await;
    page.assert_shows(&["valeur de l'agence : -4,2"]);
    assert_eq!(fill_percentage(&page), before, "national values never count in the fill percentage");
    chu.get(&format!("{tree}?question={}", ipp.id)).await.assert_shows(&[
        "Indicateur national",
        "aucune contribution de votre part",
        "-4,2",
        "Source : valeurs nationales importées par l'agence (fichier « valeurs-dgos.csv »)",
        ADMIN_ARA.0,
    ]);
    let refused =
        chu.call_fn::<SaveAnswer>(&[("question_id", &ipp.id.to_string()), ("version", "1"), ("achieved", "3")]).await;
    assert!(!refused.not_editable().is_empty(), "the establishment cannot change it");

    // The same file again changes nothing; a new value replaces the old one, kept in the history.
    let (_, again) = preview(&admin, "CAQES-2022", &lines[..3]).await;
    let again: NationalValuesPreview = again.value();
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 2));
    let (token, changed) =
        preview(&admin, "CAQES-2022", &["FINESS;Code question;Valeur", "380780080;4.1.1.a;-5"]).await;
    let changed: NationalValuesPreview = changed.value();
    assert_eq!((changed.updated, changed.changes[0].before.as_deref()), (1, Some("-4,2")));
    assert_eq!(admin.call_fn::<ConfirmNationalValues>(&[("token", &token)]).await.status, 200);
    let stored = answer_to(&app, ipp.id).await.unwrap();
    assert_eq!((stored.achieved.as_deref(), stored.comment, stored.version), (Some("-5"), None, 2));

    // Values the ministry sends after a campaign go into that year, even closed.
    let (token, closed_year) =
        preview(&admin, "CAQES-2021", &["FINESS;Code question;Valeur", "380780080;4.1.2.a;-2,4"]).await;
    assert_eq!(closed_year.value::<NationalValuesPreview>().created, 1);
    assert_eq!(admin.call_fn::<ConfirmNationalValues>(&[("token", &token)]).await.status, 200);
    let transports = question(&app, 2021, "4.1.2.a").await;
    assert_eq!(answer_to(&app, transports.id).await.unwrap().achieved.as_deref(), Some("-2,4"));
}

#[tokio::test]
async fn bad_files_are_refused_with_a_reason_and_only_agency_administrators_import() {
    let app = spawn_app().await;
    for account in [CHU, REFERENT, ADMIN] {
        let visitor = app.login_as(account).await;
        visitor.get_not_found(PAGE).await;
        assert_eq!(visitor.call_fn::<NationalValueChoices>(&[]).await.error(404), AppError::NotFound);
        let token = "a".repeat(64);
        for endpoint in [PreviewNationalValues::PATH, ConfirmNationalValues::PATH, CancelNationalValues::PATH] {
            assert_eq!(
                visitor.call_path(endpoint, &[("token", &token)]).await.error(404),
                AppError::NotFound,
                "{endpoint}"
            );
        }
        let form = reqwest::multipart::Form::new().text("campagne", "CAQES-2022");
        let sent = reqwest::Client::new()
            .post(format!("{}{UPLOAD}", app.address))
            .header("cookie", &visitor.cookie)
            .header("sec-fetch-site", "same-origin")
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(sent.status().as_u16(), 404, "{}", account.0);
        assert_eq!(serde_json::from_str::<AppError>(&sent.text().await.unwrap()).unwrap(), AppError::NotFound);
    }

    let admin = app.login_as(ADMIN_ARA).await;
    // No campaign, no file, a campaign that is no choice: sent back with the reason, nothing staged.
    let no_campaign = reqwest::multipart::Form::new()
        .part("fichier", reqwest::multipart::Part::bytes(b"FINESS".to_vec()).file_name("v.csv"));
    let sent = admin.send_file_form(PAGE, UPLOAD, no_campaign).await;
    assert!(sent.location.as_deref().unwrap().ends_with("?refus=campagne"), "{:?}", sent.location);
    let no_file = reqwest::multipart::Form::new().text("campagne", "CAQES-2022");
    let sent = admin.send_file_form(PAGE, UPLOAD, no_file).await;
    assert!(sent.location.as_deref().unwrap().ends_with("?refus=fichier"));
    admin
        .get(&format!("{PAGE}?refus=fichier"))
        .await
        .assert_shows(&["Veuillez choisir le fichier des valeurs nationales"]);
    let sent = send(&admin, "CAQES-1850", "v.csv", &["FINESS;Code question;Valeur"]).await;
    assert!(sent.location.as_deref().unwrap().ends_with("?refus=campagne"));

    for (lines, says) in [
        (vec!["Code;Code parent;Libellé", "1;;Objectif"], "titres attendus"),
        (vec!["FINESS;Code question;Valeur"], "aucune ligne"),
        (vec!["FINESS;Code question;Valeur", "380780080;\"4.1.1.a;3"], "jamais fermé"),
    ] {
        let (token, refused) = preview(&admin, "CAQES-2022", &lines).await;
        refused.assert_refused(400, &[says]);
        assert_eq!(
            admin.call_fn::<ConfirmNationalValues>(&[("token", &token)]).await.error(404),
            AppError::NotFound,
            "forgotten"
        );
    }
    // A year without evaluations of that type: every line says so.
    let (_, none) = preview(&admin, "CPOM-2022", &["FINESS;Code question;Valeur", "380780080;4.1.1.a;3"]).await;
    let none: NationalValuesPreview = none.value();
    assert!(none.refused[0].reason.contains("n'a pas d'évaluation CPOM 2022"), "{:?}", none.refused);

    // Another agency's administrator neither reads this file nor imports for the CHU.
    let (token, _) = preview(&admin, "CAQES-2022", &["FINESS;Code question;Valeur", "380780080;4.1.1.a;3"]).await;
    let bfc = app.login_as(ADMIN_BFC).await;
    assert_eq!(bfc.call_fn::<PreviewNationalValues>(&[("token", &token)]).await.error(404), AppError::NotFound);
    assert_eq!(bfc.call_fn::<ConfirmNationalValues>(&[("token", &token)]).await.error(404), AppError::NotFound);
    let (_, theirs) = preview(&bfc, "CAQES-2022", &["FINESS;Code question;Valeur", "380780080;4.1.1.a;3"]).await;
    let theirs: NationalValuesPreview = theirs.value();
    assert!(theirs.refused[0].reason.contains("n'est pas une de celles de l'agence"));
    assert_eq!(theirs.created, 0);
    // "Annuler" forgets the file.
    assert_eq!(admin.call_fn::<CancelNationalValues>(&[("token", &token)]).await.status, 200);
    assert_eq!(admin.call_fn::<PreviewNationalValues>(&[("token", &token)]).await.error(404), AppError::NotFound);
    assert!(answer_to(&app, question(&app, 2022, "4.1.1.a").await.id).await.is_none(), "nothing written");
}

#[tokio::test]
async fn the_demo_sample_imports_the_five_national_values_of_caqes_test() {
    let app = spawn_app().await;
    let admin = app.login_as(ADMIN_ARA).await;
    admin.get(PAGE).await.assert_shows(&["/api/administration/exemples/valeurs-nationales-demo.csv"]);
    let path = "/api/administration/exemples/valeurs-nationales-demo.csv";
    let sample = app.request(reqwest::Method::GET, path, None, Some(&admin.cookie), &[]).await;
    assert_eq!(sample.status, 200);
    let lines: Vec<&str> = sample.body.lines().collect();
    let (_, shown) = preview(&admin, "CAQES-2022", &lines).await;
    let shown: NationalValuesPreview = shown.value();
    assert_eq!((shown.created, shown.refused.len()), (5, 0), "{:?}", shown.refused);
    assert!(shown.changes.iter().all(|change| change.legal_entity.starts_with(CHU_FINESS)));
}
