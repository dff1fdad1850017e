//! "Évaluer": the agency appraises a closed year. Who may, when, what a save checks and keeps
//! (versions, the journal, the stage), and the score.

use app::appraisal::api::{GetAppraisal, GetAppraisalTree, SaveAppraisal};
use app::appraisal::{AppraisalDetail, AppraisalTree, SavedAppraisal};
use app::campaigns::api::ReopenEvaluation;
use app::db::entities::{closing, evaluation, indicator, journal_entry};
use app::AppError;
use ecars_core::evaluation::appraisal::Appreciation;
use ecars_core::evaluation::rules::QuestionStatus;
use ecars_core::vocabulary::{ChangeKind, Phase};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::helpers::{caqes_test, current_indicators, spawn_app, TestApp, Visitor, CHU, REFERENT};

const ADMIN_ARA: (&str, &str) = ("admin-ara@ars.exemple.fr", "Admin-Ara-Demo-2026!");
const ADMIN_BFC: (&str, &str) = ("admin-bfc@ars.exemple.fr", "Admin-Bfc-Demo-2026!");

/// Puts CAQES TEST's current evaluation at `phase`, as its closing and the agency's steps do.
async fn set_phase(app: &TestApp, phase: Phase) {
    evaluation::Entity::update_many()
        .col_expr(evaluation::Column::Phase, Expr::value(phase))
        .filter(evaluation::Column::ContractId.eq(caqes_test(app).await.id))
        .exec(&app.database().await)
        .await
        .unwrap();
}

/// Closes CAQES TEST's current evaluation as "Clore la saisie" leaves it: in Consultation, with a
/// closing in force (its receipt written when reopened).
async fn close_directly(app: &TestApp) {
    use sea_orm::{ActiveModelTrait, Set};
    set_phase(app, Phase::Consultation).await;
    let db = app.database().await;
    let current = app::evaluation::years::server::current(&db, ecars_core::ids::ContractId(caqes_test(app).await.id))
        .await
        .unwrap();
    closing::ActiveModel {
        evaluation_id: Set(current.id),
        closed_at: Set(chrono::Utc::now()),
        closed_by: Set(None),
        ..Default::default()
    }
    .insert(&db)
    .await
    .unwrap();
}

async fn phase(app: &TestApp) -> Phase {
    use app::evaluation::years::server as years;
    years::current(&app.database().await, ecars_core::ids::ContractId(caqes_test(app).await.id)).await.unwrap().phase
}

/// The first yes/no question the establishment answers.
async fn yes_no_question(app: &TestApp) -> indicator::Model {
    current_indicators(app, caqes_test(app).await.id)
        .await
        .filter(indicator::Column::NodeKind.eq(indicator::NodeKind::Question))
        .filter(indicator::Column::EditableByEstablishment.eq(true))
        .filter(indicator::Column::ValueKind.eq(ecars_core::vocabulary::ValueKind::YesNo))
        .one(&app.database().await)
        .await
        .unwrap()
        .expect("a yes/no question")
}

async fn appraise(
    visitor: &Visitor,
    question: i32,
    version: i32,
    retained: &str,
    appreciation: &str,
) -> crate::helpers::Page {
    visitor
        .call_fn::<SaveAppraisal>(&[
            ("question_id", &question.to_string()),
            ("version", &version.to_string()),
            ("retained_value", retained),
            ("appreciation", appreciation),
            ("comment", "Conforme aux éléments transmis."),
        ])
        .await
}

async fn appraisal_tree(visitor: &Visitor, app: &TestApp) -> crate::helpers::Page {
    visitor.call_fn::<GetAppraisalTree>(&[("contract_id", &caqes_test(app).await.id.to_string())]).await
}

async fn journal(app: &TestApp, kind: ChangeKind) -> Vec<journal_entry::Model> {
    journal_entry::Entity::find().filter(journal_entry::Column::Kind.eq(kind)).all(&app.database().await).await.unwrap()
}

#[tokio::test]
async fn a_referent_appraises_a_closed_year_and_its_first_save_starts_the_agency_evaluation() {
    let app = spawn_app().await;
    let referent = app.login_as(REFERENT).await;
    let question = yes_no_question(&app).await;

    // Before the establishment closes, there is nothing to appraise.
    let refused = appraise(&referent, question.id, 0, "Oui", "atteint").await;
    assert!(refused.not_editable().contains("n'est pas close"));

    close_directly(&app).await;
    let tree: AppraisalTree = appraisal_tree(&referent, &app).await.value();
    assert!(tree.editable && tree.score.is_empty());
    let statuses = tree.tree.statuses();
    assert!(!statuses.is_empty());
    assert!(statuses.iter().all(|(_, status)| *status == QuestionStatus::ToFill), "every question is to appraise");

    // The panel proposes the establishment's value and the appreciation the shared rule gives it.
    let detail: AppraisalDetail =
        referent.call_fn::<GetAppraisal>(&[("question_id", &question.id.to_string())]).await.value();
    assert!(detail.editable && detail.appraisal.is_none());
    assert_eq!(detail.question.code, question.code);

    // What is typed is checked before anything is written.
    let missing = appraise(&referent, question.id, 0, "Oui", "").await.invalid();
    assert!(missing.contains("appréciation"), "{missing}");
    let empty = appraise(&referent, question.id, 0, "", "atteint").await.invalid();
    assert!(empty.contains("valeur retenue"), "{empty}");
    assert_eq!(phase(&app).await, Phase::Consultation);

    let saved: SavedAppraisal = appraise(&referent, question.id, 0, "oui", "atteint").await.value();
    assert_eq!(saved.appraisal.version, 1);
    assert_eq!(saved.appraisal.retained_value.as_deref(), Some("Oui"));
    assert_eq!(saved.appraisal.appreciation, Appreciation::Reached);
    assert_eq!(saved.status, QuestionStatus::Filled);
    assert_eq!(saved.score.summary(), "1 point sur 1 (100 %)");
    assert_eq!(phase(&app).await, Phase::AgencyEvaluation);

    // Journaled: the stage once, each save with its values before and after.
    let stages = journal(&app, ChangeKind::PhaseChanged).await;
    assert_eq!(stages.len(), 1);
    assert!(stages[0].after.as_deref().unwrap_or_default().contains("Évaluation par l'agence"));
    assert_eq!(stages[0].actor_email, REFERENT.0);
    assert!(stages[0].agency_id.is_some(), "in the agency's journal");

    // Someone who started from the same version is refused, and shown the current appraisal.
    let admin = app.login_as(ADMIN_ARA).await;
    match appraise(&admin, question.id, 0, "Non", "non_atteint").await.error(409) {
        AppError::AppraisalConflict(current) => {
            assert_eq!((current.version, current.appreciation), (1, Appreciation::Reached));
            assert_eq!(current.updated_by.as_deref(), Some(REFERENT.0));
        }
        other => panic!("not a conflict: {other:?}"),
    }
    // From the current version, the agency's administrator changes it.
    let changed: SavedAppraisal = appraise(&admin, question.id, 1, "Non", "partiel").await.value();
    assert_eq!(changed.appraisal.version, 2);
    assert_eq!(changed.score.summary(), "0,5 point sur 1 (50 %)");
    let saves = journal(&app, ChangeKind::AppraisalSaved).await;
    assert_eq!(saves.len(), 2);
    assert!(saves[1].before.as_deref().unwrap_or_default().contains("Atteint"));
    assert!(saves[1].after.as_deref().unwrap_or_default().contains("Partiellement atteint"));
    assert_eq!(journal(&app, ChangeKind::PhaseChanged).await.len(), 1, "the stage changes once");

    // The tree shows the question appraised, and the page says so to screen readers.
    let tree: AppraisalTree = appraisal_tree(&referent, &app).await.value();
    assert!(tree.tree.statuses().contains(&(question.id, QuestionStatus::Filled)));
    let contract = caqes_test(&app).await.id;
    let page = referent.get(&format!("/contrats/{contract}/evaluer?question={}", question.id)).await;
    page.assert_shows(&[
        "Évaluer l'année",
        "Pourcentage évalué",
        "évalué : ",
        "à évaluer : ",
        "Valeur retenue",
        "Appréciation de l'agence",
        "Commentaire de l'agence",
        "0,5 point sur 1 (50 %)",
    ]);
    // And the contract page offers "Évaluer" to the agency, not to the establishment.
    referent.get(&format!("/contrats/{contract}")).await.assert_shows(&[&format!("/contrats/{contract}/evaluer")]);
    let chu = app.login_as(CHU).await;
    assert_eq!(chu.get(&format!("/contrats/{contract}")).await.count("/evaluer"), 0);
}

#[tokio::test]
async fn only_the_contracts_agency_appraises_and_the_establishment_sees_nothing_before_notification() {
    let app = spawn_app().await;
    close_directly(&app).await;
    let question = yes_no_question(&app).await;
    let contract = caqes_test(&app).await.id;

    // The establishment: refused everywhere, its pages say nothing of the appraisal.
    let chu = app.login_as(CHU).await;
    assert_eq!(appraisal_tree(&chu, &app).await.error(403), AppError::Forbidden);
    let panel = chu.call_fn::<GetAppraisal>(&[("question_id", &question.id.to_string())]).await;
    assert_eq!(panel.error(403), AppError::Forbidden);
    assert_eq!(appraise(&chu, question.id, 0, "Oui", "atteint").await.error(403), AppError::Forbidden);
    assert_eq!(chu.get(&format!("/contrats/{contract}/evaluer")).await.status, 403);

    // Another agency's administrator does not even see the contract.
    let bfc = app.login_as(ADMIN_BFC).await;
    assert_eq!(appraisal_tree(&bfc, &app).await.error(404), AppError::NotFound);
    assert_eq!(appraise(&bfc, question.id, 0, "Oui", "atteint").await.error(404), AppError::NotFound);
    bfc.get_not_found(&format!("/contrats/{contract}/evaluer")).await;

    // Nothing was written by any of them.
    assert_eq!(phase(&app).await, Phase::Consultation);
    assert!(journal(&app, ChangeKind::AppraisalSaved).await.is_empty());

    // The referent's appraisal stays the agency's: the establishment's own pages do not show it.
    let referent = app.login_as(REFERENT).await;
    let comment_marker = "Conforme aux éléments transmis.";
    let _: SavedAppraisal = appraise(&referent, question.id, 0, "Oui", "atteint").await.value();
    for page in [format!("/contrats/{contract}/indicateurs?question={}", question.id), format!("/contrats/{contract}")]
    {
        let shown = chu.get(&page).await;
        assert_eq!(shown.status, 200, "{page}");
        assert_eq!(shown.count(comment_marker), 0, "{page} shows the agency's comment");
    }
}

#[tokio::test]
async fn once_notified_appraisals_are_fixed_and_the_self_evaluation_is_not_reopened() {
    let app = spawn_app().await;
    let referent = app.login_as(REFERENT).await;
    let question = yes_no_question(&app).await;
    close_directly(&app).await;
    let _: SavedAppraisal = appraise(&referent, question.id, 0, "Oui", "atteint").await.value();
    let contract = caqes_test(&app).await.id;

    for later in [Phase::ProvisionalNotified, Phase::ObservationsReceived, Phase::Final] {
        set_phase(&app, later).await;
        let refused = appraise(&referent, question.id, 1, "Non", "non_atteint").await.not_editable();
        assert!(refused.contains(later.label()), "{refused}");
        let tree: AppraisalTree = appraisal_tree(&referent, &app).await.value();
        assert!(!tree.editable);
        let refused = reopen(&referent, contract).await.not_editable();
        assert!(refused.contains("ne peut plus être rouverte"), "{refused}");
    }

    // While the agency appraises, it may still give the self-evaluation back: its appraisals stay.
    set_phase(&app, Phase::AgencyEvaluation).await;
    let _: String = reopen(&referent, contract).await.value();
    assert_eq!(phase(&app).await, Phase::AutoEvaluation);
    let detail = referent.call_fn::<GetAppraisal>(&[("question_id", &question.id.to_string())]).await;
    assert!(detail.not_editable().contains("n'est pas close"));
}

/// "Rouvrir la saisie" of contract `contract`.
async fn reopen(visitor: &Visitor, contract: i32) -> crate::helpers::Page {
    let contract = contract.to_string();
    visitor.call_fn::<ReopenEvaluation>(&[("id", contract.as_str()), ("reason", "Pièce justificative manquante")]).await
}

/// Every question of CAQES TEST's current year, by id.
async fn all_questions(app: &TestApp) -> Vec<indicator::Model> {
    current_indicators(app, caqes_test(app).await.id)
        .await
        .filter(indicator::Column::NodeKind.eq(indicator::NodeKind::Question))
        .all(&app.database().await)
        .await
        .unwrap()
}

/// Runs `program` on `pdf` (a poppler tool, installed by `make setup-test-servers`) and gives
/// what it prints.
fn poppler(program: &str, pdf: &[u8], arguments: &[&str]) -> String {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("courrier.pdf");
    std::fs::write(&path, pdf).unwrap();
    let output = std::process::Command::new(program)
        .args(arguments)
        .arg(&path)
        .args(if program == "pdftotext" { &["-"][..] } else { &[][..] })
        .output()
        .unwrap_or_else(|error| panic!("{program} is installed by `make setup-test-servers` (poppler-utils): {error}"));
    assert!(output.status.success(), "{program}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

#[tokio::test]
async fn the_provisional_evaluation_is_notified_once_as_a_tagged_letter_and_its_first_opening_is_the_receipt() {
    use app::appraisal::api::{GetAgencyEvaluation, NotifyProvisional};
    use app::appraisal::AgencyEvaluation;
    use app::db::entities::{document, notification, outbox_message};

    let app = spawn_app().await;
    close_directly(&app).await;
    let referent = app.login_as(REFERENT).await;
    let chu = app.login_as(CHU).await;
    let contract = caqes_test(&app).await.id;
    let notify = |visitor: &Visitor, confirm: &str| {
        let contract = contract.to_string();
        let confirm = confirm.to_owned();
        let visitor = Visitor { app: visitor.app.clone(), cookie: visitor.cookie.clone() };
        async move { visitor.call_fn::<NotifyProvisional>(&[("contract_id", &contract), ("confirm", &confirm)]).await }
    };
    let evaluation_of = |visitor: &Visitor| {
        let visitor = Visitor { app: visitor.app.clone(), cookie: visitor.cookie.clone() };
        async move { visitor.call_fn::<GetAgencyEvaluation>(&[("contract_id", &contract.to_string())]).await }
    };

    // Nothing to notify before every question is appraised; the establishment sees nothing yet.
    assert!(notify(&referent, "on").await.not_editable().contains("Aucune question"));
    let questions = all_questions(&app).await;
    let first = yes_no_question(&app).await;
    let _: SavedAppraisal = appraise(&referent, first.id, 0, "Oui", "atteint").await.value();
    let left = notify(&referent, "on").await.not_editable();
    assert!(left.contains(&format!("{} question(s) restent à évaluer", questions.len() - 1)), "{left}");
    assert_eq!(evaluation_of(&chu).await.error(404), AppError::NotFound);
    for question in questions.iter().filter(|question| question.id != first.id) {
        let _: SavedAppraisal = appraise(&referent, question.id, 0, "", "non_evaluable").await.value();
    }
    // Confirmed only, by the agency only.
    assert!(notify(&referent, "").await.invalid().contains("Cochez la case"));
    assert_eq!(notify(&chu, "on").await.error(403), AppError::Forbidden);
    assert_eq!(phase(&app).await, Phase::AgencyEvaluation);

    let document_id: i32 = notify(&referent, "on").await.value();
    assert_eq!(phase(&app).await, Phase::ProvisionalNotified);
    assert!(notify(&referent, "on").await.not_editable().contains("ne peut plus être notifiée"), "once");

    // The letter: among the contract's documents, stored once with its SHA-256, readable by the
    // establishment, a tagged A4 PDF in French that says what the agency decided.
    let db = app.database().await;
    let stored = document::Entity::find_by_id(document_id).one(&db).await.unwrap().unwrap();
    assert_eq!(stored.contract_id, Some(contract));
    assert_eq!(stored.content_type, "application/pdf");
    let (status, pdf, disposition) = app.download(&document_id.to_string(), Some(&chu.cookie)).await;
    assert_eq!(status, 200);
    assert!(disposition.unwrap_or_default().contains(&stored.original_name));
    assert!(stored.original_name.starts_with("evaluation-provisoire-"), "{}", stored.original_name);
    use sha2::Digest as _;
    assert_eq!(hex::encode(sha2::Sha256::digest(&pdf)), stored.sha256);
    let info = poppler("pdfinfo", &pdf, &[]);
    for expected in ["Tagged:          yes", "Title:           Évaluation provisoire", "595.28 x 841.89 pts (A4)"] {
        assert!(info.contains(expected), "`{expected}` is missing from pdfinfo:\n{info}");
    }
    let text = poppler("pdftotext", &pdf, &["-layout"]);
    for expected in [
        "Évaluation provisoire",
        "CAQES TEST",
        &first.code,
        // Cells wrap: the words of a cell may stand on two lines.
        "Atteint (1",
        "Conforme aux éléments",
        "Score : 1 point sur 1 (100 %)",
        "Vous disposez de 21 jours",
        "Page 1 /",
    ] {
        assert!(text.contains(expected), "`{expected}` is missing from the letter:\n{text}");
    }

    // The establishment's users and its director are told where to read it, not what it says.
    let mails = outbox_message::Entity::find()
        .filter(outbox_message::Column::Kind.eq("notification_evaluation"))
        .all(&db)
        .await
        .unwrap();
    let recipients: Vec<&str> = mails.iter().map(|mail| mail.recipient.as_str()).collect();
    assert!(recipients.contains(&CHU.0), "{recipients:?}");
    assert!(!recipients.contains(&REFERENT.0), "{recipients:?}");
    for mail in &mails {
        assert!(mail.text_body.contains(&format!("/contrats/{contract}/evaluation-agence")));
        assert!(!mail.text_body.contains("Conforme aux éléments transmis."), "no appraisal in a mail");
    }

    // Read by the agency: not received yet. Opened by the establishment: the receipt, once.
    let seen: AgencyEvaluation = evaluation_of(&referent).await.value();
    let notified = seen.provisional.expect("notified");
    assert_eq!(notified.receipt, None);
    let received: AgencyEvaluation = evaluation_of(&chu).await.value();
    let receipt = received.provisional.and_then(|notified| notified.receipt).expect("a receipt");
    assert!(receipt.contains(CHU.0), "{receipt}");
    assert!(received.rows.iter().any(|row| row.comment.as_deref() == Some("Conforme aux éléments transmis.")));
    let again: AgencyEvaluation = evaluation_of(&referent).await.value();
    assert_eq!(again.provisional.and_then(|notified| notified.receipt), Some(receipt));
    let row = notification::Entity::find().one(&db).await.unwrap().unwrap();
    assert!(row.receipt_at.is_some());
    chu.get(&format!("/contrats/{contract}/evaluation-agence")).await.assert_shows(&[
        "Évaluation provisoire",
        "Accusé de réception",
        "Délai de réponse",
        "Télécharger le courrier",
    ]);
    let journaled = journal(&app, ChangeKind::PhaseChanged).await;
    assert!(journaled.iter().any(|entry| entry.after.as_deref().unwrap_or_default().contains(&stored.sha256)));
}
