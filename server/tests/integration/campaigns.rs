//! Campaigns: the entry window of an evaluation (its last day counts until midnight in the
//! agency's time zone, judged by the application's clock, pinned here), what it refuses outside,
//! and "Prolonger la saisie".

use app::accounts::mail_preferences::SetMailPreference;
use app::campaigns::api::{self, ExtendWindow, OpenCampaign, ReopenEvaluation};
use app::db::entities::{evaluation, journal_entry};
use app::evaluation::api::SaveAnswer;
use app::evaluation::years::server as years;
use app::AppError;
use chrono::{Duration, NaiveDate};
use leptos::server_fn::ServerFn;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::closing::{close, director, save_contact};
use crate::helpers::{caqes_test, current_indicators, spawn_app, TestApp, Visitor, CHU, REFERENT};

const ADMIN_ARA: (&str, &str) = ("admin-ara@ars.exemple.fr", "Admin-Ara-Demo-2026!");
const ADMIN_BFC: (&str, &str) = ("admin-bfc@ars.exemple.fr", "Admin-Bfc-Demo-2026!");

async fn current_evaluation(app: &TestApp) -> evaluation::Model {
    years::current(&app.database().await, ecars_core::ids::ContractId(caqes_test(app).await.id)).await.unwrap()
}

/// Pins the application's clock at `seconds` after midnight (Paris) of `day`.
fn pin(app: &TestApp, day: NaiveDate, seconds: i64) {
    app.config.clock.pin(app::db::agency_midnight(day) + Duration::seconds(seconds));
}

const LAST_SECOND: i64 = 24 * 3600 - 1;

/// A first answer to a yes/no question of CAQES TEST, by its code.
async fn answer(app: &TestApp, visitor: &Visitor, code: &str) -> crate::helpers::Page {
    use sea_orm::QueryFilter as _;
    let question = current_indicators(app, caqes_test(app).await.id)
        .await
        .filter(app::db::entities::indicator::Column::Code.eq(code))
        .one(&app.database().await)
        .await
        .unwrap()
        .unwrap();
    visitor
        .call_fn::<SaveAnswer>(&[("question_id", &question.id.to_string()), ("version", "0"), ("achieved", "Oui")])
        .await
}

fn refusal(page: &crate::helpers::Page) -> String {
    match page.error(409) {
        AppError::NotEditable(message) => message,
        other => panic!("not a refusal to change: {other:?}"),
    }
}

#[tokio::test]
async fn the_last_day_counts_until_its_midnight_and_nothing_changes_after() {
    let app = spawn_app().await;
    let window = current_evaluation(&app).await;
    let (opens_on, closes_on) = (window.opens_on.unwrap(), window.closes_on.unwrap());
    let chu = app.login_as(CHU).await;

    // The demo's window: opened a month before today, closing two months after.
    pin(&app, closes_on, 12 * 3600);
    let contract = caqes_test(&app).await.id;
    let page = chu.get(&format!("/contrats/{contract}")).await;
    let period = format!("Saisie ouverte du {} au {}", opens_on.format("%d/%m/%Y"), closes_on.format("%d/%m/%Y"));
    page.assert_shows(&[&period, "Clore la saisie"]);
    chu.get(&format!("/contrats/{contract}/indicateurs")).await.assert_shows(&[&period]);

    pin(&app, closes_on, LAST_SECOND);
    assert_eq!(answer(&app, &chu, "2.1.1.b").await.status, 200, "23:59:59 on the last day is inside");

    pin(&app, closes_on + Duration::days(1), 0);
    let late = answer(&app, &chu, "2.1.2.a").await;
    let message = refusal(&late);
    assert!(message.contains(&format!("s'est terminée le {}", closes_on.format("%d/%m/%Y"))), "{message}");
    // Contacts, documents and the closing are refused the same way.
    let id = director(&app).await;
    let contact = save_contact(&chu, &id, ["MARTIN", "Paul", "direction@chu-grenoble.fr", "0476767575"]).await;
    assert!(refusal(&contact).contains("s'est terminée"));
    assert!(refusal(&close(&chu, contract).await).contains("s'est terminée"));
    // The pages say why, and offer nothing to change.
    let page = chu.get(&format!("/contrats/{contract}")).await;
    page.assert_shows(&[&period, "s'est terminée le", "Votre référent ARS peut la prolonger"]);
    assert!(!page.body.contains("Clore la saisie"), "no closing offered outside the window");

    // Before the opening day, nothing can be changed either.
    pin(&app, opens_on - Duration::days(1), LAST_SECOND);
    let early = answer(&app, &chu, "2.1.2.a").await;
    assert!(refusal(&early).contains(&format!("elle ouvrira le {}", opens_on.format("%d/%m/%Y"))));
    pin(&app, opens_on, 0);
    assert_eq!(answer(&app, &chu, "2.1.2.a").await.status, 200, "the opening day, from midnight");
}

async fn extend(visitor: &Visitor, contract: &str, until: String) -> crate::helpers::Page {
    visitor.call_fn::<ExtendWindow>(&[("id", contract), ("until", &until)]).await
}

#[tokio::test]
async fn a_referent_or_an_administrator_extends_the_window_and_it_is_journaled() {
    let app = spawn_app().await;
    let window = current_evaluation(&app).await;
    let closes_on = window.closes_on.unwrap();
    let contract = caqes_test(&app).await.id.to_string();
    let day = |date: NaiveDate| date.format("%Y-%m-%d").to_string();
    pin(&app, closes_on + Duration::days(2), 9 * 3600);
    let chu = app.login_as(CHU).await;
    let referent = app.login_as(REFERENT).await;

    // The establishment may not; another agency's administrator does not even see the contract.
    assert_eq!(extend(&chu, &contract, day(closes_on + Duration::days(10))).await.error(403), AppError::Forbidden);
    assert_eq!(
        extend(&app.login_as(ADMIN_BFC).await, &contract, day(closes_on + Duration::days(10))).await.error(404),
        AppError::NotFound
    );
    assert!(!chu.get(&format!("/contrats/{contract}")).await.body.contains("Prolonger la saisie"));

    // Refused: not past the closing day, already over, more than a year on, not a date.
    for (until, says) in [
        (day(closes_on), "postérieure au"),
        (day(closes_on + Duration::days(1)), "est passée"),
        (day(closes_on + Duration::days(400)), "au plus tard"),
        ("31/12/2030".to_owned(), "JJ/MM/AAAA"),
        (String::new(), "JJ/MM/AAAA"),
    ] {
        let refused = extend(&referent, &contract, until.clone()).await;
        assert!(matches!(refused.error(400), AppError::Invalid(message) if message.contains(says)), "{until}");
    }
    assert_eq!(current_evaluation(&app).await.extended_until, None, "nothing written");

    let until = closes_on + Duration::days(10);
    assert_eq!(extend(&referent, &contract, day(until)).await.status, 200);
    assert_eq!(current_evaluation(&app).await.extended_until, Some(until));
    let page = referent.get(&format!("/contrats/{contract}")).await;
    page.assert_shows(&[&format!("prolongée jusqu'au {}", until.format("%d/%m/%Y")), "Prolonger la saisie"]);
    assert_eq!(answer(&app, &chu, "2.1.1.b").await.status, 200, "open again until the new last day");
    pin(&app, until + Duration::days(1), 0);
    assert!(!refusal(&answer(&app, &chu, "2.1.2.b").await).is_empty(), "over after the new last day");

    // The agency's administrator extends it too; both are in its journal.
    let later = until + Duration::days(5);
    assert_eq!(extend(&app.login_as(ADMIN_ARA).await, &contract, day(later)).await.status, 200);
    let entries = journal_entry::Entity::find()
        .filter(journal_entry::Column::Kind.eq(app::administration::journal::ChangeKind::WindowExtended))
        .all(&app.database().await)
        .await
        .unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].actor_email, REFERENT.0);
    assert!(entries[0].subject.contains("CAQES TEST") && entries[0].agency_id.is_some());
    assert!(entries[1].after.as_deref().unwrap().contains(&later.format("%d/%m/%Y").to_string()));
}

#[tokio::test]
async fn the_extension_form_works_without_javascript_and_keeps_a_refused_date() {
    let app = spawn_app().await;
    let closes_on = current_evaluation(&app).await.closes_on.unwrap();
    let contract = caqes_test(&app).await.id;
    pin(&app, closes_on, 9 * 3600);
    let referent = app.login_as(REFERENT).await;
    let page_path = format!("/contrats/{contract}");
    let post = |until: String| {
        let referer = format!("{}{page_path}", app.address);
        let cookie = referent.cookie.clone();
        let app = app.clone();
        async move {
            app.request(
                reqwest::Method::POST,
                ExtendWindow::PATH,
                Some(&[("id", &contract.to_string()), ("until", &until)]),
                Some(&cookie),
                &[("accept", "text/html"), ("referer", &referer)],
            )
            .await
        }
    };
    let refused = post(closes_on.format("%Y-%m-%d").to_string()).await;
    let back = refused.location.expect("back to the contract page");
    assert!(back.starts_with(&page_path) && back.contains("until="), "{back}");
    let until = (closes_on + Duration::days(7)).format("%Y-%m-%d").to_string();
    let done = post(until).await;
    assert_eq!(done.location.as_deref(), Some(format!("{page_path}?prolongee=1").as_str()));
    referent.get(&format!("{page_path}?prolongee=1")).await.assert_shows(&["La période de saisie est prolongée."]);
}

/// A referential of Auvergne-Rhône-Alpes with some of CAQES TEST's question codes, imported as
/// an administrator would; returns its version's id.
async fn referential_like_caqes_test(app: &TestApp) -> i32 {
    use app::referentials::{rows, service};
    let csv = "Code;Code parent;Libellé;Type de nœud;Type de valeur;Cible;National;Sens;Poids\r\n\
        2.1;;Classes médicamenteuses;objectif;;;\r\n\
        2.1.1;2.1;Première classe;objectif;;;\r\n\
        2.1.1.a;2.1.1;Mise en place d'un groupe de travail;question;Oui/Non;Oui;non\r\n\
        2.1.1.b;2.1.1;Actions mises en oeuvre;question;Oui/Non;Oui;non\r\n\
        2.1.1.z;2.1.1;Question nouvelle cette année;question;texte;;non\r\n\
        4.1;;Indicateurs nationaux;objectif;;;\r\n\
        4.1.1.a;4.1;Évolution des dépenses d'IPP;question;pourcentage;;oui;plus bas est mieux;2\r\n";
    let checked = app::administration::spreadsheet::read(csv.as_bytes()).and_then(rows::check).unwrap();
    assert!(checked.refused.is_empty(), "{:?}", checked.refused);
    let db = app.database().await;
    let ara = app::agencies::service::find_by_name(&db, app::demo::ARA).await.unwrap().unwrap();
    let actor = app::audit::Actor::command_line();
    service::write_version(&db, ecars_core::ids::AgencyId(ara.id), "CAQES 2024", &checked, &actor).await.unwrap();
    let versions = service::labelled_versions(&db, ecars_core::ids::AgencyId(ara.id)).await.unwrap();
    versions.iter().find(|(_, label)| label == "CAQES 2024 (version 1)").unwrap().0.id
}

fn campaign_form(version: i32, entities: &str) -> Vec<(String, String)> {
    [
        ("year", "2024"),
        ("kind", "CAQES"),
        ("version", &version.to_string()),
        ("opens_on", "2024-05-02"),
        ("closes_on", "2024-06-30"),
        ("departement", ""),
        ("legal_entities", entities),
        ("reply_days", "15"),
    ]
    .into_iter()
    .map(|(name, value)| (format!("form[{name}]"), value.to_owned()))
    .collect()
}

async fn call_form<F: ServerFn>(visitor: &Visitor, form: &[(String, String)]) -> crate::helpers::Page {
    let pairs: Vec<(&str, &str)> = form.iter().map(|(name, value)| (name.as_str(), value.as_str())).collect();
    visitor.call_fn::<F>(&pairs).await
}

fn with(form: &[(String, String)], name: &str, value: &str) -> Vec<(String, String)> {
    form.iter()
        .map(|(field, old)| {
            (field.clone(), if field == &format!("form[{name}]") { value.to_owned() } else { old.clone() })
        })
        .collect()
}

#[tokio::test]
async fn an_administrator_previews_then_opens_a_campaign_with_last_year_s_answers() {
    use app::campaigns::opening::CampaignsAdministration;
    use app::db::entities::{campaign, indicator};
    use sea_orm::PaginatorTrait;

    let app = spawn_app().await;
    let version = referential_like_caqes_test(&app).await;
    let db = app.database().await;
    let contract = caqes_test(&app).await;
    // This year's answer to 2.1.1.a, which the campaign carries over.
    let chu = app.login_as(CHU).await;
    assert_eq!(answer(&app, &chu, "2.1.1.a").await.status, 200);
    let admin = app.login_as(ADMIN_ARA).await;
    let evaluations_before = evaluation::Entity::find().count(&db).await.unwrap();

    // The preview covers the agency's CAQES (CAQES TEST and the performance contract) and writes nothing.
    let all = campaign_form(version, "");
    let page: CampaignsAdministration = call_form::<api::CampaignsAdministration>(&admin, &all).await.value();
    let preview = page.preview.unwrap().unwrap();
    assert_eq!(preview.period, "Saisie ouverte du 02/05/2024 au 30/06/2024");
    let caqes_test_row = preview.contracts.iter().find(|row| row.id == contract.id).unwrap();
    assert_eq!(caqes_test_row.previous_year, Some(app::demo::CAQES_TEST_YEAR));
    assert!(preview.contracts.len() >= 2 && preview.already_open.is_empty());
    assert_eq!(evaluation::Entity::find().count(&db).await.unwrap(), evaluations_before);

    // Refused with a reason, nothing written: a closing before the opening, a département of
    // another agency, another agency's referential, a legal entity of another agency.
    for (form, says) in [
        (with(&all, "closes_on", "2024-05-01"), "précède sa date d'ouverture"),
        (with(&all, "departement", "21"), "n'est pas un de ceux de l'agence"),
        (with(&all, "version", "999999"), "n'est pas de l'agence"),
        (with(&all, "legal_entities", app::demo::ACODEGE_FINESS), "pas de l'agence"),
        (with(&all, "reply_days", "0"), "délai de réponse"),
    ] {
        let refused = call_form::<OpenCampaign>(&admin, &form).await;
        assert!(matches!(refused.error(400), AppError::Invalid(message) if message.contains(says)), "{says}");
        let page: CampaignsAdministration = call_form::<api::CampaignsAdministration>(&admin, &form).await.value();
        assert!(page.preview.unwrap().unwrap_err().contains(says));
    }
    assert_eq!(campaign::Entity::find().count(&db).await.unwrap(), 0);

    // Opened for CAQES TEST only.
    let only_caqes_test = campaign_form(version, app::demo::CHU_GRENOBLE_FINESS);
    call_form::<OpenCampaign>(&admin, &only_caqes_test)
        .await
        .assert_shows(&["Campagne CAQES 2024 ouverte pour 1 contrat(s)."]);
    let opened = years::current(&db, ecars_core::ids::ContractId(contract.id)).await.unwrap();
    assert_eq!((opened.year, opened.phase), (2024, app::contracts::Phase::AutoEvaluation));
    assert!(opened.campaign_id.is_some());
    assert_eq!(opened.closes_on, NaiveDate::from_ymd_opt(2024, 6, 30));
    let question = |code: &'static str| {
        let db = db.clone();
        async move {
            indicator::Entity::find()
                .filter(indicator::Column::EvaluationId.eq(opened.id))
                .filter(indicator::Column::Code.eq(code))
                .one(&db)
                .await
                .unwrap()
                .unwrap()
        }
    };
    assert_eq!(question("2.1.1.a").await.previous_achieved.as_deref(), Some("Oui"), "this year's answer carried over");
    assert_eq!(question("2.1.1.z").await.previous_achieved, None, "a new question has no earlier answer");
    let national = question("4.1.1.a").await;
    assert!(!national.editable_by_establishment, "national questions stay the agency's");
    // The year keeps the version's "Sens" and "Poids" for the agency's appraisal.
    assert_eq!(national.direction, ecars_core::evaluation::appraisal::Direction::LowerIsBetter);
    assert_eq!(national.weight.to_string(), "2");
    assert_eq!(question("2.1.1.a").await.weight, ecars_core::evaluation::appraisal::Weight::default());

    // The earlier year is read-only now: its questions refuse answers.
    let earlier = current_indicators_of_year(&app, contract.id, app::demo::CAQES_TEST_YEAR, "2.1.1.b").await;
    let refused = chu
        .call_fn::<SaveAnswer>(&[("question_id", &earlier.to_string()), ("version", "0"), ("achieved", "Oui")])
        .await;
    assert!(refusal(&refused).contains("année précédente"));

    // Opening it again covers nothing new: refused, and said why.
    let twice = call_form::<OpenCampaign>(&admin, &only_caqes_test).await;
    assert!(matches!(twice.error(400), AppError::Invalid(message) if message.contains("déjà ouverte")));
    let page: CampaignsAdministration =
        call_form::<api::CampaignsAdministration>(&admin, &only_caqes_test).await.value();
    assert_eq!(page.preview.unwrap().unwrap().already_open.len(), 1);
    assert_eq!(page.campaigns.len(), 1);
    assert_eq!((page.campaigns[0].contracts, page.campaigns[0].closed), (1, 0));
    assert_eq!(page.campaigns[0].reply_days, 15, "the reply window the agency chose");
    let journal = journal_entry::Entity::find()
        .filter(journal_entry::Column::Kind.eq(app::administration::journal::ChangeKind::CampaignOpened))
        .count(&db)
        .await
        .unwrap();
    assert_eq!(journal, 1);

    // Only agency administrators see campaigns.
    for visitor in [&chu, &app.login_as(REFERENT).await] {
        assert_eq!(call_form::<api::CampaignsAdministration>(visitor, &all).await.error(404), AppError::NotFound);
        assert_eq!(call_form::<OpenCampaign>(visitor, &all).await.error(404), AppError::NotFound);
    }
}

/// The id of question `code` in contract `contract_id`'s evaluation of `year`.
async fn current_indicators_of_year(app: &TestApp, contract_id: i32, year: i32, code: &str) -> i32 {
    use app::db::entities::indicator;
    let db = app.database().await;
    let evaluation = years::of_year(&db, ecars_core::ids::ContractId(contract_id), year).await.unwrap().unwrap();
    indicator::Entity::find()
        .filter(indicator::Column::EvaluationId.eq(evaluation.id))
        .filter(indicator::Column::Code.eq(code))
        .one(&db)
        .await
        .unwrap()
        .unwrap()
        .id
}

#[tokio::test]
async fn the_campaign_page_previews_and_opens_without_javascript() {
    let app = spawn_app().await;
    let version = referential_like_caqes_test(&app).await;
    let admin = app.login_as(ADMIN_ARA).await;
    let empty = admin.get("/administration/campagnes").await;
    empty.assert_shows(&[
        "Campagnes",
        "Aucune campagne ouverte",
        "Prévisualiser la campagne",
        "CAQES 2024 (version 1)",
    ]);
    let query = format!(
        "/administration/campagnes?year=2024&kind=CAQES&version={version}&opens_on=2024-05-02&closes_on=2024-06-30&departement=38&legal_entities="
    );
    let preview = admin.get(&query).await;
    preview.assert_shows(&["Aperçu de la campagne CAQES 2024", "CAQES TEST", "Ouvrir la campagne pour 1 contrat(s)"]);
    let fields: Vec<(String, String)> = campaign_form(version, "")
        .into_iter()
        .map(|(name, value)| if name == "form[departement]" { (name, "38".to_owned()) } else { (name, value) })
        .collect();
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(name, value)| (name.as_str(), value.as_str())).collect();
    let referer = format!("{}{query}", app.address);
    let opened = app
        .request(
            reqwest::Method::POST,
            OpenCampaign::PATH,
            Some(&pairs),
            Some(&admin.cookie),
            &[("accept", "text/html"), ("referer", &referer)],
        )
        .await;
    let done = opened.location.expect("back to the page");
    assert_eq!(done, "/administration/campagnes?ouverte=CAQES,2024,1");
    admin.get(&done).await.assert_shows(&[
        "Campagne CAQES 2024 ouverte pour 1 contrat(s).",
        "Saisie ouverte du 02/05/2024 au 30/06/2024",
    ]);
    // The same again, without JavaScript: back to the preview, which says why.
    let twice = app
        .request(
            reqwest::Method::POST,
            OpenCampaign::PATH,
            Some(&pairs),
            Some(&admin.cookie),
            &[("accept", "text/html"), ("referer", &referer)],
        )
        .await;
    let back = twice.location.expect("back to the preview");
    let page = admin.get(&back).await;
    page.assert_shows(&["déjà ouverte", "laissé(s) de côté"]);
}

/// Answers every question of the hospital and names its director: CAQES TEST can be closed.
pub async fn fill_caqes_test(app: &TestApp, chu: &Visitor) {
    for question in crate::closing::own_questions(app).await {
        assert_eq!(crate::closing::not_concerned(chu, &question, "0").await.status, 200);
    }
    assert_eq!(save_contact(chu, &director(app).await, crate::closing::DIRECTOR).await.status, 200);
}

async fn reopen(visitor: &Visitor, contract: i32, reason: &str) -> crate::helpers::Page {
    visitor.call_fn::<ReopenEvaluation>(&[("id", &contract.to_string()), ("reason", reason)]).await
}

#[tokio::test]
async fn a_referent_reopens_with_a_reason_and_the_next_closing_makes_a_new_receipt() {
    use app::db::entities::closing;

    let app = spawn_app().await;
    let contract = caqes_test(&app).await.id;
    let chu = app.login_as(CHU).await;
    let referent = app.login_as(REFERENT).await;
    fill_caqes_test(&app, &chu).await;

    // Nothing to reopen while it is open.
    assert!(refusal(&reopen(&referent, contract, "Erreur de saisie").await).contains("rien à rouvrir"));
    assert_eq!(close(&chu, contract).await.status, 200);
    let first = years::closing_in_force(
        &app.database().await,
        ecars_core::ids::EvaluationId(current_evaluation(&app).await.id),
    )
    .await
    .unwrap()
    .unwrap();

    // The establishment may not reopen; a reason is required.
    assert_eq!(reopen(&chu, contract, "Je veux corriger").await.error(403), AppError::Forbidden);
    let without = reopen(&referent, contract, "   ").await;
    assert!(matches!(without.error(400), AppError::Invalid(message) if message.contains("raison")));
    assert_eq!(current_evaluation(&app).await.phase, app::contracts::Phase::Consultation);

    let reason = "Le taux 3.1.2.b doit être recalculé sur l'année entière.";
    assert_eq!(reopen(&referent, contract, reason).await.status, 200);
    assert_eq!(current_evaluation(&app).await.phase, app::contracts::Phase::AutoEvaluation);
    let outbox = app.outbox().await;
    let mail = outbox
        .iter()
        .find(|message| message.contains(&format!("To: {}", CHU.0)) && message.contains("saisie rouverte"))
        .expect("the establishment is told");
    assert!(mail.contains("recalcul") && mail.contains(REFERENT.0), "{mail}");
    assert!(!outbox
        .iter()
        .any(|message| message.contains(&format!("To: {}", REFERENT.0)) && message.contains("rouverte")));

    // The user fixes an answer and closes again: a second receipt, the first one as it was.
    let question = current_indicators(&app, contract)
        .await
        .filter(app::db::entities::indicator::Column::Code.eq("2.1.1.a"))
        .one(&app.database().await)
        .await
        .unwrap()
        .unwrap();
    let fixed = chu
        .call_fn::<SaveAnswer>(&[("question_id", &question.id.to_string()), ("version", "1"), ("achieved", "Oui")])
        .await;
    assert_eq!(fixed.status, 200, "{}", fixed.body);
    assert_eq!(close(&chu, contract).await.status, 200);
    let closings = closing::Entity::find()
        .filter(closing::Column::EvaluationId.eq(current_evaluation(&app).await.id))
        .all(&app.database().await)
        .await
        .unwrap();
    assert_eq!(closings.len(), 2);
    assert_eq!(closings[0].reopen_reason.as_deref(), Some(reason));
    let earlier = chu.get(&format!("/contrats/{contract}/accuse-de-cloture?cloture={}", first.id)).await;
    let later = chu.get(&format!("/contrats/{contract}/accuse-de-cloture?cloture={}", closings[1].id)).await;
    assert!(earlier.body.contains("Non concerné") && later.body.contains("Oui"));
    assert_ne!(earlier.body.matches("Non concerné").count(), later.body.matches("Non concerné").count());
    let page = referent.get(&format!("/contrats/{contract}")).await;
    page.assert_shows(&["Historique de la saisie", "Rouverte le", "recalculé", "Rouvrir la saisie"]);
    for closing in &closings {
        assert!(page.body.contains(&format!("accuse-de-cloture?cloture={}", closing.id)), "both receipts are listed");
    }
}

#[tokio::test]
async fn a_reopening_racing_a_closing_leaves_the_evaluation_one_way_or_the_other() {
    use app::db::entities::closing;

    let app = spawn_app().await;
    let contract = caqes_test(&app).await.id;
    let chu = app.login_as(CHU).await;
    let referent = app.login_as(REFERENT).await;
    fill_caqes_test(&app, &chu).await;
    for _ in 0..5 {
        let (closed, reopened) = tokio::join!(close(&chu, contract), reopen(&referent, contract, "Vérification"));
        // Each succeeds, or finds the evaluation already the other way.
        let settled = |page: &crate::helpers::Page| page.status == 200 || !refusal(page).is_empty();
        assert!(settled(&closed) && settled(&reopened), "{} / {}", closed.body, reopened.body);
        let evaluation = current_evaluation(&app).await;
        let in_force =
            years::closing_in_force(&app.database().await, ecars_core::ids::EvaluationId(evaluation.id)).await.unwrap();
        // Closed exactly when a closing is in force, whichever came first.
        assert_eq!(evaluation.phase == app::contracts::Phase::Consultation, in_force.is_some());
        if evaluation.phase == app::contracts::Phase::Consultation {
            assert_eq!(reopen(&referent, contract, "Vérification").await.status, 200);
        }
    }
    let closings = closing::Entity::find().filter(closing::Column::EvaluationId.eq(current_evaluation(&app).await.id));
    assert!(closings.all(&app.database().await).await.unwrap().iter().all(|closing| closing.reopened_at.is_some()));
}

/// The reminders queued for `to`, oldest first.
async fn reminders_to(app: &TestApp, to: &str) -> Vec<app::db::entities::outbox_message::Model> {
    use app::db::entities::outbox_message;
    use sea_orm::QueryOrder;
    outbox_message::Entity::find()
        .filter(outbox_message::Column::Kind.eq("rappel_campagne"))
        .filter(outbox_message::Column::Recipient.eq(to))
        .order_by_asc(outbox_message::Column::Id)
        .all(&app.database().await)
        .await
        .unwrap()
}

async fn send_reminders(app: &TestApp, today: NaiveDate) -> usize {
    let db = app.database().await;
    let shapes = app::evaluation::service::TreeShapes::default();
    let outbox = app::mail::outbox::Outbox::default();
    app::campaigns::reminders::server::send_due(&db, &shapes, &outbox, "https://ecars.exemple.fr", today).await.unwrap()
}

#[tokio::test]
async fn reminders_go_out_14_7_and_1_days_before_the_end_once_each_and_never_to_who_stopped_them() {
    let app = spawn_app().await;
    let last = current_evaluation(&app).await.closes_on.unwrap();
    let days = |n: i64| last - Duration::days(n);

    assert_eq!(send_reminders(&app, days(15)).await, 0, "too early");
    assert_eq!(send_reminders(&app, days(14)).await, 1, "CAQES TEST, 14 days before");
    // The same stage again, by this instance or another at the same time, or the next days: never twice.
    let (first, second) = tokio::join!(send_reminders(&app, days(14)), send_reminders(&app, days(14)));
    assert_eq!(first + second, 0);
    assert_eq!(send_reminders(&app, days(9)).await, 0);
    let sent = reminders_to(&app, CHU.0).await;
    assert_eq!(sent.len(), 1);
    assert!(sent[0].subject.contains("dans 14 jours") && sent[0].subject.contains("CAQES TEST"), "{}", sent[0].subject);
    let text = &sent[0].text_body;
    assert!(text.contains("Pourcentage de remplissage : 0 %"), "{text}");
    assert!(
        text.contains("1.1.1.a - Taux d'ordonnances")
            && text.contains("Contact obligatoire à mettre à jour : DIRECTEUR")
    );
    assert!(text.contains(&format!("le {}", last.format("%d/%m/%Y"))));
    assert!(text.contains(&format!("https://ecars.exemple.fr/contrats/{}", caqes_test(&app).await.id)));
    assert!(reminders_to(&app, REFERENT.0).await.is_empty(), "the establishment's users only");

    // A user who unticks "Recevoir les rappels de fin de campagne" gets no more.
    let chu = app.login_as(CHU).await;
    chu.get("/mon-compte").await.assert_shows(&["Recevoir les rappels de fin de campagne", "checked"]);
    chu.call_fn::<SetMailPreference>(&[("preference", "rappels")])
        .await
        .assert_shows(&["Vous ne recevrez plus les rappels"]);
    assert!(!chu.get("/mon-compte").await.body.contains("checked"));
    assert_eq!(send_reminders(&app, days(7)).await, 1, "the stage is done, with nobody to tell");
    assert_eq!(reminders_to(&app, CHU.0).await.len(), 1);
    assert_eq!(
        app.login_as(REFERENT)
            .await
            .call_fn::<SetMailPreference>(&[("preference", "rappels"), ("wanted", "on")])
            .await
            .error(403),
        AppError::Forbidden
    );

    // Ticked again; once the evaluation is closed, nothing more.
    chu.call_fn::<SetMailPreference>(&[("preference", "rappels"), ("wanted", "on")])
        .await
        .assert_shows(&["Vous recevrez les rappels"]);
    fill_caqes_test(&app, &chu).await;
    assert_eq!(close(&chu, caqes_test(&app).await.id).await.status, 200);
    assert_eq!(send_reminders(&app, days(1)).await, 0);
    assert_eq!(send_reminders(&app, days(-1)).await, 0, "over");
    assert_eq!(reminders_to(&app, CHU.0).await.len(), 1);
}
