//! Administrative contacts and "Clore la saisie": validation, the closing rule, what a closed
//! contract refuses, and a race of saves against one close.

use app::contacts::api::SaveContact;
use app::contacts::ContactRow;
use app::contracts::Phase;
use app::db::entities::{answer_history, contact, indicator};
use app::evaluation::api::{CloseEvaluation, SaveAnswer};
use app::evaluation::closing::ClosingReceipt;
use app::AppError;
use leptos::server_fn::ServerFn;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::helpers::{caqes_test, caqes_test_evaluation, spawn_app, Page, TestApp, Visitor, CHU, REFERENT};

/// The questions of CAQES TEST the hospital answers (red or green, never grey).
pub async fn own_questions(app: &TestApp) -> Vec<String> {
    let db = app.database().await;
    crate::helpers::current_indicators(app, caqes_test(app).await.id)
        .await
        .filter(indicator::Column::NodeKind.eq(indicator::NodeKind::Question))
        .filter(indicator::Column::EditableByEstablishment.eq(true))
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|question| question.id.to_string())
        .collect()
}

pub async fn director(app: &TestApp) -> String {
    let db = app.database().await;
    contact::Entity::find()
        .filter(contact::Column::ContractId.eq(caqes_test(app).await.id))
        .filter(contact::Column::Function.eq("DIRECTEUR"))
        .one(&db)
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string()
}

/// "Non concerné" answers any kind of question.
pub async fn not_concerned(visitor: &Visitor, question: &str, version: &str) -> Page {
    visitor
        .call_fn::<SaveAnswer>(&[
            ("question_id", question),
            ("version", version),
            ("not_concerned", "on"),
            ("achieved", ""),
        ])
        .await
}

pub async fn save_contact(visitor: &Visitor, id: &str, fields: [&str; 4]) -> Page {
    let [last_name, first_name, email, phone] = fields;
    visitor
        .call_fn::<SaveContact>(&[
            ("contact_id", id),
            ("last_name", last_name),
            ("first_name", first_name),
            ("email", email),
            ("phone", phone),
        ])
        .await
}

pub const DIRECTOR: [&str; 4] = ["MARTIN", "Claire", "direction@chu-grenoble.fr", "+33 4 76 76 75 75"];

pub async fn close(visitor: &Visitor, contract: i32) -> Page {
    visitor.call_fn::<CloseEvaluation>(&[("contract_id", &contract.to_string())]).await
}

#[tokio::test]
async fn a_contact_is_saved_only_complete_and_valid_and_marked_updated() {
    let app = spawn_app().await;
    let chu = app.login_as(CHU).await;
    let id = director(&app).await;
    let contract = caqes_test(&app).await.id;

    let incomplete = save_contact(&chu, &id, ["MARTIN", "", "direction@chu-grenoble.fr", ""]).await;
    incomplete.assert_refused(400, &["vérifiez les champs (Prénom, Téléphone)"]);
    for bad in [
        ["MARTIN", "Claire", "a@b", "01 23 45 67 89"],
        ["MARTIN", "Claire", "x@y.fr\r\nBcc:z@w.fr", "01 23 45 67 89"],
        ["MARTIN", "Claire", "direction@chu-grenoble.fr", "0033123456789"],
        ["MARTIN", "Claire", "direction@chu-grenoble.fr", "12"],
    ] {
        assert!(!save_contact(&chu, &id, bad).await.invalid().is_empty(), "{bad:?}");
    }
    let list = chu.get(&format!("/contrats/{contract}/contacts")).await;
    list.assert_shows(&["À faire"]);
    assert!(!list.body.contains("direction@chu-grenoble.fr"), "nothing refused was stored");

    let saved = save_contact(&chu, &id, DIRECTOR).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    let saved: ContactRow = saved.value();
    assert_eq!((saved.phone.as_deref(), saved.updated), (Some("04 76 76 75 75"), true));
    let list = chu.get(&format!("/contrats/{contract}/contacts")).await;
    list.assert_shows(&["MARTIN", "Claire", "direction@chu-grenoble.fr", "04 76 76 75 75", "Faite", "Modifier"]);

    // A referent reads the list, without "Modifier", and cannot save.
    let referent = app.login_as(REFERENT).await;
    let read_only = referent.get(&format!("/contrats/{contract}/contacts")).await;
    read_only.assert_shows(&["MARTIN"]);
    assert!(!read_only.body.contains(">Modifier<"), "{}", read_only.body);
    assert_eq!(save_contact(&referent, &id, DIRECTOR).await.error(403), AppError::Forbidden);
    // Without a session and with fields missing: the form is refused before anything else.
    assert!(!app.call_fn::<SaveContact>(&[("contact_id", &id)]).await.invalid().is_empty());
}

#[tokio::test]
async fn without_javascript_the_contact_form_comes_back_with_what_was_typed_or_goes_to_the_list() {
    let app = spawn_app().await;
    let chu = app.login_as(CHU).await;
    let id = director(&app).await;
    let contract = caqes_test(&app).await.id;
    let form_page = format!("{}/contrats/{contract}/contacts/{id}", app.address);
    let post = |phone: &'static str| {
        let (app, cookie, id, referer) = (app.clone(), chu.cookie.clone(), id.clone(), form_page.clone());
        async move {
            let form = [
                ("contact_id", id.as_str()),
                ("last_name", "MARTIN"),
                ("first_name", "Claire"),
                ("email", "direction@chu-grenoble.fr"),
                ("phone", phone),
            ];
            let headers = [("accept", "text/html"), ("referer", referer.as_str())];
            app.request(reqwest::Method::POST, SaveContact::PATH, Some(&form), Some(&cookie), &headers).await
        }
    };
    let refused = post("12").await;
    assert_eq!(refused.status, 302);
    let back = refused.location.unwrap();
    assert!(back.starts_with(&format!("/contrats/{contract}/contacts/{id}?")), "{back}");
    let form = chu.get(&back).await;
    form.assert_shows(&[
        "vérifiez le champ (Téléphone)",
        "value=\"MARTIN\"",
        "value=\"12\"",
        "Le numéro de téléphone n'est pas valide",
    ]);

    let saved = post("01 23 45 67 89").await;
    assert_eq!(saved.status, 302);
    let list = chu.get(&saved.location.unwrap()).await;
    list.assert_shows(&["Contact « DIRECTEUR » enregistré.", "01 23 45 67 89"]);
}

#[tokio::test]
async fn closing_needs_100_percent_and_the_mandatory_contacts_then_everything_is_read_only() {
    let app = spawn_app().await;
    let chu = app.login_as(CHU).await;
    let contract = caqes_test(&app).await.id;
    let questions = own_questions(&app).await;
    let (last, others) = questions.split_last().unwrap();
    for question in others {
        assert_eq!(not_concerned(&chu, question, "0").await.status, 200);
    }
    let director = director(&app).await;
    assert_eq!(save_contact(&chu, &director, DIRECTOR).await.status, 200);

    // One red question left (18 of 19, 94 %): refused, and the answer says which.
    let early = close(&chu, contract).await;
    let AppError::NotClosable(missing) = early.error(409) else { panic!("not closable: {}", early.body) };
    assert_eq!(missing.progress.answered, 18);
    assert_eq!(
        missing.questions.iter().map(|question| question.id.to_string()).collect::<Vec<_>>(),
        std::slice::from_ref(last)
    );
    let page = chu.get(&format!("/contrats/{contract}")).await;
    page.assert_shows(&[
        "Reste à saisir avant la clôture",
        "94 %",
        &format!("?question={last}#question"),
        "Clore la saisie",
    ]);
    assert_eq!(caqes_test_evaluation(&app).await.phase, Phase::AutoEvaluation);

    // 100 %, but a mandatory contact not updated (put back as never confirmed): refused.
    assert_eq!(not_concerned(&chu, last, "0").await.status, 200);
    let db = app.database().await;
    contact::Entity::update_many()
        .col_expr(
            contact::Column::UpdatedAt,
            sea_orm::sea_query::Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
        )
        .filter(contact::Column::Id.eq(director.parse::<i32>().unwrap()))
        .exec(&db)
        .await
        .unwrap();
    let without_contact = close(&chu, contract).await;
    let AppError::NotClosable(missing) = without_contact.error(409) else { panic!("{}", without_contact.body) };
    assert!(missing.questions.is_empty());
    assert_eq!(missing.contacts.iter().map(|contact| contact.function.as_str()).collect::<Vec<_>>(), ["DIRECTEUR"]);
    assert_eq!(save_contact(&chu, &director, DIRECTOR).await.status, 200);

    // A referent cannot close.
    assert_eq!(close(&app.login_as(REFERENT).await, contract).await.error(403), AppError::Forbidden);

    let closed = close(&chu, contract).await;
    assert_eq!(closed.status, 200, "{}", closed.body);
    let receipt: ClosingReceipt = closed.value();
    assert_eq!((receipt.percentage, receipt.closed_by.as_str()), (100, CHU.0));
    let stored = caqes_test_evaluation(&app).await;
    assert_eq!(stored.phase, Phase::Consultation);
    let closed_at = stored.closed_at.expect("closing date");

    // The receipt went to the hospital's users and the referent, and is a page of the contract.
    let outbox = app.outbox().await;
    for to in [CHU.0, REFERENT.0] {
        let receipt = outbox
            .iter()
            .find(|message| message.contains(&format!("To: {to}")) && message.contains("saisie close"))
            .unwrap_or_else(|| panic!("no receipt for {to}"));
        assert!(receipt.contains("Pourcentage de remplissage : 100 %"), "{receipt}");
        assert!(receipt.contains("Non concerné"), "{receipt}");
    }
    let receipt = chu.get(&format!("/contrats/{contract}/accuse-de-cloture")).await;
    receipt.assert_shows(&["Accusé de clôture", "chu-grenoble@exemple.fr", "100 %", "Non concerné"]);

    // Closed: every write refused, no editing control left, and closing twice changes nothing.
    let answer = not_concerned(&chu, last, "1").await;
    answer.assert_refused(409, &["Consultation"]);
    let contact = save_contact(&chu, &director, DIRECTOR).await;
    contact.assert_refused(409, &["Consultation"]);
    let again = close(&chu, contract).await;
    assert!(!again.not_editable().is_empty(), "closing twice: {}", again.body);
    assert_eq!(caqes_test_evaluation(&app).await.closed_at, Some(closed_at));
    let page = chu.get(&format!("/contrats/{contract}")).await;
    page.assert_shows(&["phase-banner--consultation", "Saisie close le"]);
    assert!(!page.body.contains("Clore la saisie"), "{}", page.body);
    let contacts = chu.get(&format!("/contrats/{contract}/contacts")).await;
    assert!(!contacts.body.contains(">Modifier<"), "{}", contacts.body);
}

#[tokio::test]
async fn no_answer_is_written_after_a_close_that_races_with_many_saves() {
    let app = spawn_app().await;
    let chu = app.login_as(CHU).await;
    let contract = caqes_test(&app).await.id;
    let questions = own_questions(&app).await;
    for question in &questions {
        assert_eq!(not_concerned(&chu, question, "0").await.status, 200);
    }
    assert_eq!(save_contact(&chu, &director(&app).await, DIRECTOR).await.status, 200);

    // Each writer keeps re-saving its own question (so versions never clash) until refused.
    let mut writers = Vec::new();
    for question in questions.iter().take(8) {
        let question = question.clone();
        let visitor = Visitor { app: app.clone(), cookie: chu.cookie.clone() };
        writers.push(tokio::spawn(async move {
            let (mut version, mut saved) = (1, 0);
            loop {
                let page = not_concerned(&visitor, &question, &version.to_string()).await;
                match page.status {
                    200 => {
                        version += 1;
                        saved += 1;
                    }
                    409 if page.not_editable().contains("Consultation") => return saved,
                    status => panic!("unexpected {status}: {}", page.body),
                }
            }
        }));
    }
    tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    let closed = close(&chu, contract).await;
    assert_eq!(closed.status, 200, "{}", closed.body);
    let mut saved = 0;
    for writer in writers {
        saved += writer.await.unwrap();
    }
    assert!(saved > 0, "the saves ran while closing");

    let db = app.database().await;
    let closed_at = caqes_test_evaluation(&app).await.closed_at.unwrap();
    let history = answer_history::Entity::find().all(&db).await.unwrap();
    // Every accepted save is in the history, and none was written after the close.
    assert_eq!(history.len() as u64, questions.len() as u64 + saved);
    assert!(history.iter().all(|change| change.changed_at <= closed_at));
    assert_eq!(answer_history::Entity::find().count(&db).await.unwrap(), history.len() as u64);
}
