//! The agency's follow-up. "Suivi de la campagne": every evaluation of a year the agency user
//! follows, its figures from the same rules as the tree, filtered and sorted from the address.
//! "Notes de l'agence": written by the agency users who read the contract, each with its author
//! and date; never shown to the establishment, refused to it and to other agencies.

use app::accounts::api::Login;
use app::accounts::mail_preferences::SetMailPreference;
use app::contracts::api::GetContract;
use app::contracts::Phase;
use app::db::entities::{agency_note, contact, document, indicator};
use app::evaluation::api::{GetIndicatorTree, SaveAnswer};
use app::evaluation::IndicatorTree;
use app::follow_up::api::FollowUpDashboard;
use app::follow_up::charts::FollowUpCharts;
use app::follow_up::dashboard::{Dashboard, DashboardRow, FollowUpState};
use app::follow_up::export::cells::neutralised;
use app::follow_up::notes::WriteAgencyNote;
use app::AppError;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::helpers::{caqes_test, spawn_app, Page, TestApp, Visitor, ADMIN, CHU, PERFORMANCE, REFERENT};

const ADMIN_ARA: (&str, &str) = ("admin-ara@ars.exemple.fr", "Admin-Ara-Demo-2026!");
const ADMIN_BFC: (&str, &str) = ("admin-bfc@ars.exemple.fr", "Admin-Bfc-Demo-2026!");

async fn write(visitor: &Visitor, contract: i32, body: &str) -> Page {
    visitor.call_fn::<WriteAgencyNote>(&[("id", &contract.to_string()), ("body", body)]).await
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
        assert!(!write(&referent, contract, body).await.invalid().is_empty());
    }
    // The establishment never sees them nor writes any; another agency cannot reach the contract.
    let chu = app.login_as(CHU).await;
    let theirs = chu.get(&page).await;
    theirs.assert_shows(&["CAQES TEST"]);
    assert!(!theirs.body.contains("Notes de l") && !theirs.body.contains("Valeurs DGOS"), "{}", theirs.body);
    assert!(!chu.call_fn::<GetContract>(&[("id", &contract.to_string())]).await.body.contains("Valeurs DGOS"));
    assert_eq!(write(&chu, contract, "Une note").await.error(403), AppError::Forbidden);
    assert_eq!(write(&app.login_as(PERFORMANCE).await, contract, "Une note").await.error(404), AppError::NotFound);
    assert_eq!(write(&app.login_as(ADMIN_BFC).await, contract, "Une note").await.error(404), AppError::NotFound);
    assert_eq!(agency_note::Entity::find().count(&app.database().await).await.unwrap(), 2);
}

async fn dashboard(visitor: &Visitor, filter: &[(&str, &str)]) -> Dashboard {
    let form: Vec<(String, &str)> = filter.iter().map(|(name, value)| (format!("filter[{name}]"), *value)).collect();
    let form: Vec<(&str, &str)> = form.iter().map(|(name, value)| (name.as_str(), *value)).collect();
    visitor.call_fn::<FollowUpDashboard>(&form).await.value()
}

fn row<'a>(dashboard: &'a Dashboard, contract: &str) -> &'a DashboardRow {
    dashboard.rows.iter().find(|row| row.contract == contract).unwrap_or_else(|| panic!("no {contract}: {dashboard:?}"))
}

async fn question_of_caqes_test(app: &TestApp, code: &str) -> String {
    let contract = caqes_test(app).await;
    let question = crate::helpers::current_indicators(app, contract.id)
        .await
        .filter(indicator::Column::Code.eq(code))
        .one(&app.database().await)
        .await
        .unwrap()
        .unwrap();
    question.id.to_string()
}

#[tokio::test]
async fn the_dashboard_counts_as_the_tree_does_and_follows_the_answers() {
    let app = spawn_app().await;
    let contract = caqes_test(&app).await.id;
    let referent = app.login_as(REFERENT).await;
    let chu = app.login_as(CHU).await;

    let before = dashboard(&referent, &[]).await;
    assert_eq!(before.filter.year, Some(2022), "the latest year by default");
    assert_eq!(before.years, [2022, 2021]);
    // The referent follows the CHU and ACODEGE: their evaluations of 2022, nothing else.
    let mut contracts: Vec<&str> = before.rows.iter().map(|row| row.contract.as_str()).collect();
    contracts.sort();
    assert_eq!(contracts.len(), 2, "{contracts:?}");
    assert!(contracts.contains(&"CAQES TEST"));
    let caqes = row(&before, "CAQES TEST").clone();
    let tree: IndicatorTree = chu.call_fn::<GetIndicatorTree>(&[("contract_id", &contract.to_string())]).await.value();
    assert_eq!(caqes.progress, tree.progress(), "the tree's own figures");
    assert_eq!((caqes.finess.as_str(), caqes.departement.as_str(), caqes.year), ("380780080", "38", 2022));
    assert_eq!(
        (caqes.phase, caqes.state, caqes.modified.as_ref()),
        (Phase::AutoEvaluation, FollowUpState::NotStarted, None)
    );
    let db = app.database().await;
    let mandatory = contact::Entity::find()
        .filter(contact::Column::ContractId.eq(contract))
        .filter(contact::Column::Mandatory.eq(true))
        .count(&db)
        .await
        .unwrap() as usize;
    assert_eq!((caqes.contacts_updated, caqes.contacts_mandatory), (0, mandatory));
    assert!(mandatory > 0);

    // An answer in the panel and a document: the dashboard moves with them.
    let question = question_of_caqes_test(&app, "1.1.1.a").await;
    chu.call_fn::<SaveAnswer>(&[("question_id", &question), ("version", "0"), ("achieved", "12"), ("comment", "")])
        .await
        .assert_shows(&["12"]);
    let pdf = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n".to_vec();
    assert_eq!(app.upload("question", &question, "Preuve.pdf", pdf.into(), Some(&chu.cookie)).await.status, 201);
    let after = dashboard(&referent, &[]).await;
    let caqes = row(&after, "CAQES TEST");
    assert_eq!(
        caqes.progress.answered,
        before.rows.iter().find(|r| r.contract == "CAQES TEST").unwrap().progress.answered + 1
    );
    let tree: IndicatorTree = chu.call_fn::<GetIndicatorTree>(&[("contract_id", &contract.to_string())]).await.value();
    assert_eq!(caqes.progress, tree.progress());
    assert_eq!(caqes.state, FollowUpState::InProgress);
    assert_eq!(caqes.modified.as_ref().map(|modified| modified.by.as_str()), Some(CHU.0));
    let documents = document::Entity::find().count(&db).await.unwrap() as usize;
    assert!(caqes.documents >= 1 && caqes.documents <= documents, "{caqes:?}");
    assert_eq!(after.counts.in_progress, before.counts.in_progress + 1);

    // Last year: closed, with its date.
    let last_year = dashboard(&referent, &[("year", "2021")]).await;
    let closed = row(&last_year, "CAQES TEST");
    assert_eq!(
        (closed.state, closed.closed_on.as_ref().map(|(date, _)| date.as_str())),
        (FollowUpState::Closed, Some("28/06/2021"))
    );
    assert_eq!(last_year.counts.closed, 1);

    // The page itself, as a plain GET.
    let page = referent.get("/suivi").await;
    page.assert_shows(&[
        "Suivi de la campagne",
        "380780080 - CHU DE GRENOBLE ALPES",
        "CAQES TEST",
        "Pourcentage de remplissage",
        "1 en cours",
    ]);
    assert!(!page.body.contains("CAQES PERFORMANCE 500"), "not followed");
}

#[tokio::test]
async fn the_dashboard_filters_and_sorts_from_the_address() {
    let app = spawn_app().await;
    let admin = app.login_as(ADMIN).await;
    let all = dashboard(&admin, &[]).await;
    assert_eq!(all.total, 3, "every 2022 evaluation for a national administrator: {all:?}");
    let late = admin.get("/suivi?retard=50&tri=remplissage&ordre=asc").await;
    late.assert_shows(&["CAQES TEST"]);
    let by_fill = dashboard(&admin, &[("sort", "Fill"), ("descending", "false")]).await;
    let percentages: Vec<usize> =
        by_fill.rows.iter().map(|row| row.progress.answered * 100 / row.progress.required.max(1)).collect();
    let mut sorted = percentages.clone();
    sorted.sort();
    assert_eq!(percentages, sorted);
    let cpom = dashboard(&admin, &[("kind", "Cpom")]).await;
    assert!(cpom.rows.iter().all(|row| row.kind == app::contracts::ContractKind::Cpom) && cpom.total >= 1);
    let found = dashboard(&admin, &[("search", "grenoble")]).await;
    assert_eq!(found.rows.iter().map(|row| row.contract.as_str()).collect::<Vec<_>>(), ["CAQES TEST"]);
    let isere = admin.get("/suivi?departement=38").await;
    isere.assert_shows(&["CAQES TEST"]);
    assert!(!isere.body.contains("ACODEGE"));
    // Sorting by a column twice reverses it; the address says so.
    let entities = admin.get("/suivi?tri=entite&ordre=desc").await;
    entities.assert_shows(&["aria-sort=\"descending\""]);
    // Garbage in the address is ignored, never an error.
    admin
        .get("/suivi?annee=abc&retard=-4&page=999&tri=%3Cscript%3E&etat=x")
        .await
        .assert_shows(&["Suivi de la campagne"]);
}

#[tokio::test]
async fn the_dashboard_is_for_agency_users_only() {
    let app = spawn_app().await;
    // It is the referents' home: they land on it after login; others on "Gestion des Contrats".
    let login = |(identifier, password): (&'static str, &'static str)| {
        let app = &app;
        async move { app.call_fn::<Login>(&[("identifier", identifier), ("password", password)]).await.value::<String>() }
    };
    assert_eq!(login(REFERENT).await, "/suivi");
    assert_eq!(login(CHU).await, "/");
    assert_eq!(login(ADMIN).await, "/");
    let referent = app.login_as(REFERENT).await;
    assert_eq!(referent.get("/connexion").await.location.as_deref(), Some("/suivi"), "already logged in");
    let chu = app.login_as(CHU).await;
    chu.get_not_found("/suivi").await;
    assert_eq!(chu.call_fn::<FollowUpDashboard>(&[]).await.error(404), AppError::NotFound);
    assert_eq!(app.get("/suivi").await.status, 303, "anonymous: to the login page");
    assert_eq!(app.call_fn::<FollowUpDashboard>(&[]).await.error(401), AppError::Unauthenticated);
    // An agency administrator sees its agency only.
    let ara = dashboard(&app.login_as(ADMIN_ARA).await, &[]).await;
    assert!(ara.rows.iter().all(|row| row.contract != "CPOM ACODEGE"), "{ara:?}");
    assert!(ara.rows.iter().any(|row| row.contract == "CAQES TEST"));
    let bfc = dashboard(&app.login_as(ADMIN_BFC).await, &[]).await;
    assert!(bfc.rows.iter().all(|row| row.contract != "CAQES TEST"), "{bfc:?}");
}

/// An export as downloaded: status, content type, file name and bytes.
async fn download(app: &TestApp, visitor: Option<&Visitor>, path: &str) -> (u16, String, String, Vec<u8>) {
    let response = app.get_raw(path, visitor.map(|visitor| visitor.cookie.as_str())).await;
    let header =
        |name: &str| response.headers().get(name).map(|value| value.to_str().unwrap().to_owned()).unwrap_or_default();
    let (content_type, disposition) = (header("content-type"), header("content-disposition"));
    (response.status().as_u16(), content_type, disposition, response.bytes().await.unwrap().to_vec())
}

/// An export's refusal with `status`, decoded as the shared error type.
fn refused((got, _, _, bytes): (u16, String, String, Vec<u8>), status: u16) -> AppError {
    crate::helpers::refusal((got, &bytes), status)
}

fn text(cell: &calamine::Data) -> String {
    match cell {
        calamine::Data::Empty => String::new(),
        calamine::Data::String(text) => text.clone(),
        calamine::Data::Float(number) => number.to_string(),
        calamine::Data::Int(number) => number.to_string(),
        other => other.to_string(),
    }
}

#[tokio::test]
async fn exports_open_in_a_spreadsheet_and_match_the_database() {
    use calamine::{Data, Reader};
    let app = spawn_app().await;
    let contract = caqes_test(&app).await.id;
    let referent = app.login_as(REFERENT).await;
    let chu = app.login_as(CHU).await;
    let question = question_of_caqes_test(&app, "1.1.1.a").await;
    let formula = "=HYPERLINK(\"http://exemple.fr\";\"cliquez\")";
    chu.call_fn::<SaveAnswer>(&[
        ("question_id", &question),
        ("version", "0"),
        ("achieved", "12,5"),
        ("comment", formula),
    ])
    .await
    .assert_shows(&["12,5"]);
    write(&referent, contract, "Note interne : ne pas diffuser").await.assert_shows(&["Note enregistrée"]);
    let db = app.database().await;
    let questions = crate::helpers::current_indicators(&app, contract)
        .await
        .filter(indicator::Column::NodeKind.eq(app::db::entities::indicator::NodeKind::Question))
        .all(&db)
        .await
        .unwrap();
    let tree: IndicatorTree = chu.call_fn::<GetIndicatorTree>(&[("contract_id", &contract.to_string())]).await.value();

    for (extension, content_type) in [
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("ods", "application/vnd.oasis.opendocument.spreadsheet"),
    ] {
        let (status, kind, disposition, bytes) =
            download(&app, Some(&referent), &format!("/api/suivi/export/{extension}?annee=2022")).await;
        assert_eq!((status, kind.as_str()), (200, content_type));
        assert_eq!(disposition, format!("attachment; filename=\"suivi-2022.{extension}\""));
        let mut workbook = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(workbook.sheet_names(), ["Synthèse", "Réponses"], "{extension}");

        let summary = workbook.worksheet_range("Synthèse").unwrap();
        let rows: Vec<&[Data]> = summary.rows().collect();
        assert_eq!(text(&rows[0][0]), "FINESS");
        assert_eq!(rows.len(), 3, "the header and the referent's two evaluations ({extension})");
        let caqes = rows.iter().find(|row| text(&row[4]) == "CAQES TEST").expect("CAQES TEST");
        assert_eq!(text(&caqes[0]), "380780080");
        let progress = tree.progress();
        let Data::Float(fraction) = caqes[8] else { panic!("a percentage: {:?}", caqes[8]) };
        assert!((fraction - progress.answered as f64 / progress.required as f64).abs() < 1e-9);
        assert_eq!(text(&caqes[9]), progress.answered.to_string());
        assert_eq!(text(&caqes[15]), CHU.0);

        let answers = workbook.worksheet_range("Réponses").unwrap();
        let rows: Vec<&[Data]> = answers.rows().skip(1).filter(|row| text(&row[2]) == "CAQES TEST").collect();
        assert_eq!(rows.len(), questions.len(), "one row per question ({extension})");
        for question in &questions {
            let row = rows.iter().find(|row| text(&row[6]) == question.code).expect("the question's row");
            assert_eq!(text(&row[7]), question.label, "{extension}");
            // A target such as "-5 %" is text: it keeps its sign behind the quote that stops formulas.
            let target = question.target.as_deref().map(neutralised).unwrap_or_default();
            assert_eq!(text(&row[8]), target, "{extension} {}", question.code);
            assert_eq!(text(&row[3]), "2022");
        }
        let answered = rows.iter().find(|row| text(&row[6]) == "1.1.1.a").unwrap();
        assert_eq!(answered[10], Data::Float(0.125), "a percentage, typed ({extension})");
        assert_eq!(text(&answered[11]), format!("'{formula}"), "never a formula ({extension})");
        assert_eq!(text(&answered[9]), "Non");
        assert_eq!(text(&answered[14]), CHU.0);
        for row in answers.rows().chain(summary.rows()) {
            assert!(row.iter().all(|cell| !text(cell).contains("Note interne")), "agency notes stay out");
        }
    }

    // The CSV sheets: UTF-8 with its mark, `;`, decimal commas.
    let (status, kind, disposition, bytes) =
        download(&app, Some(&referent), "/api/suivi/export/csv?annee=2022&type=CAQES&feuille=reponses").await;
    assert_eq!((status, kind.as_str()), (200, "text/csv; charset=utf-8"));
    assert_eq!(disposition, "attachment; filename=\"suivi-CAQES-2022-reponses.csv\"");
    let csv = String::from_utf8(bytes).unwrap();
    assert!(csv.starts_with("\u{feff}FINESS;Entité juridique;Contrat;Année;Code objectif;"));
    assert_eq!(csv.lines().count(), 1 + questions.len(), "CAQES only: ACODEGE's CPOM is filtered out");
    let line = csv.lines().find(|line| line.contains(";1.1.1.a;")).unwrap();
    assert!(line.contains(";Non;12,5 %;\"'=HYPERLINK(\"\"http://exemple.fr\"\";\"\"cliquez\"\")\";"), "{line}");
    let (_, _, _, bytes) = download(&app, Some(&referent), "/api/suivi/export/csv?annee=2022").await;
    let summary = String::from_utf8(bytes).unwrap();
    assert!(summary.starts_with("\u{feff}FINESS;Entité juridique;Département;"));
    assert_eq!(summary.lines().count(), 3);

    // Only agency users export; a format that does not exist is not found.
    assert_eq!(refused(download(&app, Some(&chu), "/api/suivi/export/xlsx").await, 404), AppError::NotFound);
    assert_eq!(refused(download(&app, None, "/api/suivi/export/xlsx").await, 401), AppError::Unauthenticated);
    assert_eq!(refused(download(&app, Some(&referent), "/api/suivi/export/exe").await, 404), AppError::NotFound);
    let long = format!("/api/suivi/export/csv?recherche={}", "a".repeat(5000));
    assert!(matches!(refused(download(&app, Some(&referent), &long).await, 400), AppError::Invalid(_)));
    // The dashboard's page links to them with its filter.
    referent
        .get("/suivi?type=CAQES")
        .await
        .assert_shows(&["/api/suivi/export/xlsx?annee=2022&amp;type=CAQES", "Réponses (.csv)"]);
}

#[tokio::test]
async fn one_evaluation_is_exported_and_printed_from_its_contract_page() {
    use calamine::{Data, Reader};
    let app = spawn_app().await;
    let contract = caqes_test(&app).await.id;
    let page = format!("/contrats/{contract}");
    let referent = app.login_as(REFERENT).await;
    let chu = app.login_as(CHU).await;
    let question = question_of_caqes_test(&app, "1.1.1.a").await;
    for (version, achieved, comment) in [("0", "40", "Premier audit"), ("1", "55,5", "Second audit")] {
        chu.call_fn::<SaveAnswer>(&[
            ("question_id", &question),
            ("version", version),
            ("achieved", achieved),
            ("comment", comment),
        ])
        .await
        .assert_shows(&[achieved]);
    }
    write(&referent, contract, "Note interne : ne pas diffuser").await.assert_shows(&["Note enregistrée"]);

    // The agency's contract page offers the export of this evaluation alone.
    let export = format!("/api/suivi/export/xlsx?annee=2022&amp;contrat={contract}");
    referent.get(&page).await.assert_shows(&["Exporter l'évaluation 2022", &export, "Version imprimable"]);
    let (status, _, disposition, bytes) =
        download(&app, Some(&referent), &format!("/api/suivi/export/xlsx?annee=2022&contrat={contract}")).await;
    assert_eq!(status, 200);
    assert_eq!(disposition, format!("attachment; filename=\"evaluation-contrat-{contract}-2022.xlsx\""));
    let mut workbook = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let summary = workbook.worksheet_range("Synthèse").unwrap();
    assert_eq!(summary.rows().count(), 2, "the header and this evaluation only");
    let answers = workbook.worksheet_range("Réponses").unwrap();
    assert!(answers.rows().skip(1).all(|row| text(&row[2]) == "CAQES TEST"));
    let row = answers.rows().find(|row| text(&row[6]) == "1.1.1.a").unwrap();
    assert_eq!(row[10], Data::Float(0.555));
    // The establishment reads the printable page, never the export.
    let theirs = chu.get(&page).await;
    theirs.assert_shows(&["Version imprimable de l"]);
    assert!(!theirs.body.contains("Exporter l"), "no export for the establishment");
    let url = format!("/api/suivi/export/xlsx?annee=2022&contrat={contract}");
    assert_eq!(refused(download(&app, Some(&chu), &url).await, 404), AppError::NotFound);

    // "Version imprimable": every answer with its history, oldest change first.
    let printable = format!("/contrats/{contract}/impression");
    for visitor in [&chu, &referent] {
        let shown = visitor.get(&printable).await;
        shown.assert_shows(&[
            "Évaluation 2022 : CAQES TEST",
            "1.1.1.a - Taux d'ordonnances",
            "Historique des modifications de 1.1.1.a",
            "Premier audit",
            "Second audit",
            CHU.0,
            "Jamais close",
        ]);
        // The current comment first, then the history, oldest change first.
        assert!(shown.body.find("Premier audit").unwrap() < shown.body.rfind("Second audit").unwrap());
        assert!(!shown.body.contains("Note interne"), "agency notes are never printed");
    }
    // Last year's, closed: its own answers and its closing.
    chu.get(&format!("{printable}?annee=2021")).await.assert_shows(&[
        "Évaluation 2021 : CAQES TEST",
        "Close le 28/06/2021",
        "92,5",
    ]);
    // Nobody else reads it; a year that does not exist or is not a number is not found.
    app.login_as(PERFORMANCE).await.get_not_found(&printable).await;
    app.login_as(ADMIN_BFC).await.get_not_found(&printable).await;
    chu.get_not_found(&format!("{printable}?annee=1999")).await;
    chu.get_not_found(&format!("{printable}?annee=abc")).await;
    assert_eq!(app.get(&printable).await.status, 303, "anonymous: to the login page");
}

#[tokio::test]
async fn the_charts_count_what_the_dashboard_keeps() {
    use app::follow_up::charts::Charts;
    async fn charts(visitor: &Visitor, filter: &[(&str, &str)]) -> Charts {
        let form: Vec<(String, &str)> =
            filter.iter().map(|(name, value)| (format!("filter[{name}]"), *value)).collect();
        let form: Vec<(&str, &str)> = form.iter().map(|(name, value)| (name.as_str(), *value)).collect();
        visitor.call_fn::<FollowUpCharts>(&form).await.value()
    }
    let share = |charts: &Charts, code: &str| {
        let share = charts.objectives.iter().find(|share| share.code == code).unwrap_or_else(|| panic!("{charts:?}"));
        (share.judged, share.reached)
    };
    let app = spawn_app().await;
    let referent = app.login_as(REFERENT).await;

    // 2021: CAQES TEST closed on 28 June with every question answered.
    let last_year = charts(&referent, &[("year", "2021"), ("kind", "Caqes")]).await;
    assert_eq!(last_year.total, dashboard(&referent, &[("year", "2021"), ("kind", "Caqes")]).await.total);
    assert_eq!(last_year.fill.iter().map(|bar| bar.count).sum::<usize>(), last_year.total);
    assert_eq!(last_year.fill.last().map(|bar| (bar.label.as_str(), bar.count)), Some(("100 %", 1)));
    let week = last_year.closings.weeks.iter().find(|week| week.closings > 0).expect("a closing");
    assert_eq!((week.period.as_str(), week.closings), ("du 28/06/2021 au 04/07/2021", 1));
    // 1.1: 92,5 % below the target of 100 %, 3 prescribers at least the target of 0.
    assert_eq!(share(&last_year, "1.1"), (2, 1));
    // 2.1: six Oui/Non questions answered "Oui" (targets "1 - OUI"); texts are not judged.
    assert_eq!(share(&last_year, "2.1"), (6, 6));

    // 2022: nothing answered yet; an answer in the panel moves the chart.
    let before = charts(&referent, &[("kind", "Caqes")]).await;
    assert_eq!(share(&before, "2.1"), (0, 0));
    assert!(before.closings.weeks.iter().all(|week| week.closings == 0));
    let chu = app.login_as(CHU).await;
    let question = question_of_caqes_test(&app, "2.1.1.b").await;
    chu.call_fn::<SaveAnswer>(&[("question_id", &question), ("version", "0"), ("achieved", "Non")])
        .await
        .assert_shows(&["Non"]);
    assert_eq!(share(&charts(&referent, &[("kind", "Caqes")]).await, "2.1"), (1, 0));

    // The page: each chart with its table, linked from the dashboard with its filter.
    referent.get("/suivi?type=CAQES").await.assert_shows(&["/suivi/graphiques?annee=2022&amp;type=CAQES"]);
    referent.get("/suivi/graphiques?annee=2021&type=CAQES").await.assert_shows(&[
        "Répartition des pourcentages de remplissage",
        "<svg",
        "Clôtures par semaine",
        "Cible atteinte par objectif",
        "<caption>Cible atteinte par objectif</caption>",
    ]);
    // For agency users only.
    chu.get_not_found("/suivi/graphiques").await;
    assert_eq!(chu.call_fn::<FollowUpCharts>(&[]).await.error(404), AppError::NotFound);
    assert_eq!(app.call_fn::<FollowUpCharts>(&[]).await.error(401), AppError::Unauthenticated);
}

/// The digests queued for `to`, oldest first.
async fn digests_to(app: &TestApp, to: &str) -> Vec<app::db::entities::outbox_message::Model> {
    use app::db::entities::outbox_message;
    use sea_orm::QueryOrder;
    outbox_message::Entity::find()
        .filter(outbox_message::Column::Kind.eq("recapitulatif_suivi"))
        .filter(outbox_message::Column::Recipient.eq(to))
        .order_by_asc(outbox_message::Column::Id)
        .all(&app.database().await)
        .await
        .unwrap()
}

/// Sends the digests due at 9:00 (Paris) on `day`, plus `minutes`, as an instance would.
async fn send_digests(app: &TestApp, day: chrono::NaiveDate, minutes: i64) -> usize {
    use app::follow_up::digest::server::{send_due, DigestSchedule};
    let now = app::db::agency_midnight(day) + chrono::Duration::minutes(9 * 60 + minutes);
    let schedule = DigestSchedule::parse("lundi", 8).unwrap().unwrap();
    let outbox = app::mail::outbox::Outbox::default();
    send_due(&app.database().await, &outbox, "https://ecars.exemple.fr", schedule, now).await.unwrap()
}

#[tokio::test]
async fn the_weekly_digest_says_what_closed_and_what_is_late_once_a_week_and_only_when_there_is_something() {
    use app::db::entities::closing;
    use chrono::{Datelike, Duration, NaiveDate};
    use sea_orm::sea_query::Expr;
    let app = spawn_app().await;
    let contract = caqes_test(&app).await.id;
    let db = app.database().await;
    let evaluation = app::evaluation::years::server::current(&db, ecars_core::ids::ContractId(contract)).await.unwrap();
    let last_day = evaluation.closes_on.expect("the demo's window");
    let monday = |day: NaiveDate| day - Duration::days(i64::from(day.weekday().num_days_from_monday()));
    let far = monday(last_day - Duration::days(70));
    let late = monday(last_day - Duration::days(7));

    // Ten weeks before the end, nothing closed and nothing late: no mail.
    assert_eq!(send_digests(&app, far, 0).await, 0);
    // A week later than the last Monday: the CAQES is late (the referent follows it), once.
    assert_eq!(send_digests(&app, late, 0).await, 1);
    let (first, second) = tokio::join!(send_digests(&app, late, 30), send_digests(&app, late, 30));
    assert_eq!(first + second, 0, "once a week, whatever the instances");
    let sent = digests_to(&app, REFERENT.0).await;
    assert_eq!(sent.len(), 1);
    let text = &sent[0].text_body;
    assert!(text.contains("Aucune évaluation n'a été close depuis le"), "{text}");
    assert!(
        text.contains(&format!(
            "380780080 - CHU DE GRENOBLE ALPES : CAQES TEST, remplie à 0 %, saisie jusqu'au {}",
            last_day.format("%d/%m/%Y")
        )),
        "{text}"
    );
    assert!(text.contains("https://ecars.exemple.fr/suivi?annee=2022"), "{text}");
    assert!(digests_to(&app, CHU.0).await.is_empty(), "referents only");

    // Closed on the Tuesday; a referent who unticked the digest gets nothing.
    let chu = app.login_as(CHU).await;
    crate::campaigns::fill_caqes_test(&app, &chu).await;
    assert_eq!(crate::closing::close(&chu, contract).await.status, 200);
    let tuesday = app::db::agency_midnight(late + Duration::days(1)) + Duration::hours(14);
    closing::Entity::update_many()
        .col_expr(closing::Column::ClosedAt, Expr::value(tuesday))
        .filter(closing::Column::EvaluationId.eq(evaluation.id))
        .exec(&db)
        .await
        .unwrap();
    let referent = app.login_as(REFERENT).await;
    referent.get("/mon-compte").await.assert_shows(&["Recevoir le récapitulatif hebdomadaire du suivi", "checked"]);
    referent
        .call_fn::<SetMailPreference>(&[("preference", "recapitulatif")])
        .await
        .assert_shows(&["Vous ne recevrez plus le récapitulatif"]);
    assert_eq!(send_digests(&app, late + Duration::days(7), 0).await, 0);
    assert_eq!(
        chu.call_fn::<SetMailPreference>(&[("preference", "recapitulatif"), ("wanted", "on")]).await.error(403),
        AppError::Forbidden
    );
    assert!(!chu.get("/mon-compte").await.body.contains("récapitulatif hebdomadaire"));

    // Ticked again: the closing since the last digest, and nothing late any more.
    referent
        .call_fn::<SetMailPreference>(&[("preference", "recapitulatif"), ("wanted", "on")])
        .await
        .assert_shows(&["Vous recevrez"]);
    assert_eq!(send_digests(&app, late + Duration::days(7), 60).await, 1);
    let text = digests_to(&app, REFERENT.0).await.pop().unwrap().text_body;
    assert!(
        text.contains(&format!(
            "1 évaluation(s) close(s) depuis le {} :\n\n- 380780080 - CHU DE GRENOBLE ALPES : CAQES TEST, close le {}",
            late.format("%d/%m/%Y"),
            (late + Duration::days(1)).format("%d/%m/%Y")
        )),
        "{text}"
    );
    assert!(!text.contains("en retard"), "{text}");
    // The week after: nothing to say, no mail.
    assert_eq!(send_digests(&app, late + Duration::days(14), 0).await, 0);
    assert_eq!(digests_to(&app, REFERENT.0).await.len(), 2);
}
