//! Documents: streamed uploads with strict formats, identical downloads, rights and phase, and
//! nothing lost or left behind by a stop.

use std::io::Write;

use app::db::entities::{document, establishment, evaluation, indicator};
use app::documents::api::DeclareEvaluationReport;
use app::AppError;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::helpers::{
    caqes_test, refusal, spawn_app, spawn_app_with, test_database, S3Server, ServerProcess, TestApp, CHU, PERFORMANCE,
    REFERENT,
};

pub const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n";

/// The demo question 1.1.1.a of CAQES TEST, as it appears in addresses.
async fn question(app: &TestApp) -> String {
    question_id(app, "1.1.1.a").await.to_string()
}

/// An Office Open XML document whose parts are `parts`.
fn docx(parts: &[&str]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for part in parts {
        zip.start_file(*part, options).unwrap();
        zip.write_all(b"<xml/>").unwrap();
    }
    zip.finish().unwrap().into_inner()
}

async fn stored_files(app: &TestApp) -> usize {
    let stored = std::fs::read_dir(app.config.data_dir.join("documents").join("files")).unwrap().count();
    let temporary = std::fs::read_dir(app.config.data_dir.join("documents").join("tmp")).unwrap().count();
    assert_eq!(temporary, 0, "no temporary file left behind");
    stored
}

#[tokio::test]
async fn a_document_uploaded_to_a_question_downloads_back_identical_under_its_name() {
    let app = spawn_app().await;
    let chu = app.login_as(CHU).await;
    let question = question(&app).await;
    let uploaded =
        app.upload("question", &question, "Rapport d'audit été.pdf", PDF.to_vec().into(), Some(&chu.cookie)).await;
    assert_eq!(uploaded.status, 201, "{}", uploaded.body);
    let id = serde_json::from_str::<serde_json::Value>(&uploaded.body).unwrap()["id"].to_string();

    let (status, bytes, disposition) = app.download(&id, Some(&chu.cookie)).await;
    assert_eq!(status, 200);
    assert_eq!(bytes, PDF);
    let disposition = disposition.unwrap();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(disposition.contains("filename*=UTF-8''Rapport%20d%27audit%20%C3%A9t%C3%A9%2Epdf"), "{disposition}");
    // As browsers ask for it, compressed: the whole answer arrives.
    let compressed = reqwest::Client::new()
        .get(format!("{}/api/documents/{id}", app.address))
        .header("cookie", &chu.cookie)
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(compressed.headers()["content-encoding"], "gzip");
    assert!(compressed.bytes().await.expect("the whole compressed answer").starts_with(&[0x1f, 0x8b]));
    let db = app.database().await;
    let row = document::Entity::find().one(&db).await.unwrap().unwrap();
    assert_eq!(row.size_bytes, PDF.len() as i64);
    assert_eq!(row.sha256.len(), 64);
    assert_eq!(stored_files(&app).await, 1);

    // The referent downloads but does not upload; anonymous visitors do neither.
    let referent = app.login_as(REFERENT).await;
    assert_eq!(app.download(&id, Some(&referent.cookie)).await.0, 200);
    let refused = app.upload("question", &question, "a.pdf", PDF.to_vec().into(), Some(&referent.cookie)).await;
    assert_eq!(refused.error(403), AppError::Forbidden);
    let (status, body, _) = app.download(&id, None).await;
    assert_eq!(refusal((status, &body), 401), AppError::Unauthenticated);
    let anonymous = app.upload("question", &question, "a.pdf", PDF.to_vec().into(), None).await;
    assert_eq!(anonymous.error(401), AppError::Unauthenticated);
}

#[tokio::test]
async fn refused_files_say_why_and_leave_nothing_behind() {
    let app = spawn_app_with(|config| config.max_document_bytes = 64 * 1024).await;
    let chu = app.login_as(CHU).await;
    let question = question(&app).await;
    let executable = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff".repeat(4);
    let page = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>".to_vec();
    let with_macro = docx(&["[Content_Types].xml", "word/document.xml", "word/vbaProject.bin"]);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("programme.exe", executable.clone(), "Formats acceptés : txt, xls"),
        ("a.pdf.exe", PDF.to_vec(), "n'est pas accepté"),
        ("../../etc/passwd", b"root:x:0:0".to_vec(), "n'est pas accepté"),
        ("facture.pdf", executable, "ne correspond pas à un fichier .pdf"),
        ("photo.jpg", page, "ne correspond pas à un fichier .jpg"),
        ("rapport.docx", with_macro, "contient des macros"),
        ("vide.pdf", Vec::new(), "Le fichier est vide."),
        ("gros.pdf", [PDF, &vec![b' '; 100 * 1024]].concat(), "taille maximale de 0,1 Mo"),
    ];
    for (name, bytes, message) in cases {
        let refused = app.upload("question", &question, name, bytes.into(), Some(&chu.cookie)).await;
        assert!(refused.invalid().contains(message), "{name}: {}", refused.body);
    }
    // Over the limit without announcing a length: refused while streaming.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        std::iter::once(Ok(PDF.to_vec())).chain((0..20).map(|_| Ok(vec![b' '; 8 * 1024]))).collect();
    let streamed = reqwest::Body::wrap_stream(futures_util::stream::iter(chunks));
    let refused = app.upload("question", &question, "flux.pdf", streamed, Some(&chu.cookie)).await;
    assert!(refused.invalid().contains("taille maximale"), "{}", refused.body);
    assert_eq!(stored_files(&app).await, 0);
    assert_eq!(document::Entity::find().count(&app.database().await).await.unwrap(), 0);

    // Cleaned names: no control characters, at most 120 characters, the extension kept.
    let clean = docx(&["[Content_Types].xml", "word/document.xml"]);
    let long = format!("{}\0\u{202E}.docx", "a".repeat(300));
    let accepted = app.upload("question", &question, &long, clean.into(), Some(&chu.cookie)).await;
    assert_eq!(accepted.status, 201, "{}", accepted.body);
    let name = document::Entity::find().one(&app.database().await).await.unwrap().unwrap().original_name;
    assert_eq!(name.chars().count(), 120);
    assert!(name.ends_with("a.docx") && !name.contains('\0'), "{name}");
}

#[tokio::test]
async fn other_entities_closed_contracts_and_caqes_contract_level_are_refused() {
    let app = spawn_app().await;
    let chu = app.login_as(CHU).await;
    let db = app.database().await;
    let caqes = caqes_test(&app).await;
    let acodege = establishment::Entity::find()
        .filter(establishment::Column::LegalEntityId.ne(caqes.legal_entity_id))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    let other =
        app.upload("etablissement", &acodege.id.to_string(), "a.pdf", PDF.to_vec().into(), Some(&chu.cookie)).await;
    assert_eq!(other.error(404), AppError::NotFound);
    let unknown = app.upload("inconnu", "1", "a.pdf", PDF.to_vec().into(), Some(&chu.cookie)).await;
    assert_eq!(unknown.error(404), AppError::NotFound);

    let contract_level =
        app.upload("contrat", &caqes.id.to_string(), "a.pdf", PDF.to_vec().into(), Some(&chu.cookie)).await;
    assert!(contract_level.not_editable().contains("au niveau des indicateurs"), "{}", contract_level.body);
    // A national (grey) question is read-only for the establishment, documents included.
    let national = question_id(&app, "4.1.1.a").await.to_string();
    let grey = app.upload("question", &national, "a.pdf", PDF.to_vec().into(), Some(&chu.cookie)).await;
    assert!(grey.not_editable().contains("niveau national"), "{}", grey.body);

    evaluation::Entity::update_many()
        .col_expr(evaluation::Column::Phase, Expr::value("consultation"))
        .filter(evaluation::Column::ContractId.eq(caqes.id))
        .exec(&db)
        .await
        .unwrap();
    let closed = app.upload("question", &question(&app).await, "a.pdf", PDF.to_vec().into(), Some(&chu.cookie)).await;
    assert!(closed.not_editable().contains("Consultation"), "{}", closed.body);
    assert_eq!(stored_files(&app).await, 0);
}

#[tokio::test]
async fn a_restart_removes_unfinished_uploads_and_keeps_unknown_stored_files() {
    let app = spawn_app().await;
    let store = app.config.data_dir.join("documents");
    let unfinished = store.join("tmp").join("0123456789abcdef0123456789abcdef.part");
    let without_row = store.join("files").join("fedcba9876543210fedcba9876543210");
    std::fs::write(&unfinished, b"%PDF-1.7 moitie").unwrap();
    std::fs::write(&without_row, b"%PDF-1.7 complet").unwrap();

    let restarted = app.restart().await;
    assert_eq!(restarted.get("/connexion").await.status, 200);
    assert!(!unfinished.exists(), "an upload cut off by a stop is removed");
    assert_eq!(std::fs::read(&without_row).unwrap(), b"%PDF-1.7 complet", "a stored file is never removed");
}

/// The id of the demo question `code` of CAQES TEST.
pub async fn question_id(app: &TestApp, code: &str) -> i32 {
    let contract = caqes_test(app).await;
    crate::helpers::current_indicators(app, contract.id)
        .await
        .filter(indicator::Column::Code.eq(code))
        .one(&app.database().await)
        .await
        .unwrap()
        .unwrap()
        .id
}

#[tokio::test]
async fn documents_are_listed_where_they_were_added_and_zipped_by_question_code() {
    let app = spawn_app().await;
    let chu = app.login_as(CHU).await;
    let contract = caqes_test(&app).await.id;
    let (first, second) = (question_id(&app, "1.1.1.a").await, question_id(&app, "2.1.1.a").await);
    let audit = [PDF, b"% audit\n"].concat();
    for (question, name, bytes) in [
        (first, "preuve.pdf", PDF.to_vec()),
        (first, "preuve.pdf", audit.clone()),
        (second, "audit.pdf", audit.clone()),
    ] {
        let uploaded = app.upload("question", &question.to_string(), name, bytes.into(), Some(&chu.cookie)).await;
        assert_eq!(uploaded.status, 201, "{}", uploaded.body);
        let row: serde_json::Value = serde_json::from_str(&uploaded.body).unwrap();
        assert_eq!(row["name"], name);
        assert_eq!(row["added_by"], CHU.0);
    }

    // The question's panel lists its documents, with date and author, above "Enregistrer".
    let panel = chu.get(&format!("/contrats/{contract}/indicateurs?question={first}")).await;
    panel.assert_shows(&["Documents de l'indicateur", "Ajouter document", "Récupérer tous les documents", CHU.0]);
    assert_eq!(panel.count(">preuve.pdf</a>"), 2, "{}", panel.body);
    let documents_at = panel.body.find("Documents de l'indicateur").unwrap();
    assert!(documents_at < panel.body.rfind(">Enregistrer<").unwrap(), "the block comes before Enregistrer");
    // CAQES: the contract's own block lists and zips, but takes no upload from the establishment.
    let contract_page = chu.get(&format!("/contrats/{contract}")).await;
    contract_page.assert_shows(&["Documents du contrat", "Récupérer tous les documents"]);
    assert_eq!(contract_page.count("Ajouter document"), 0);
    // The referent reads, and is offered no upload.
    let referent = app.login_as(REFERENT).await;
    let read_only = referent.get(&format!("/contrats/{contract}/indicateurs?question={first}")).await;
    read_only.assert_shows(&["Documents de l'indicateur", ">preuve.pdf</a>"]);
    assert_eq!(read_only.count("Ajouter document"), 0);

    // The contract's zip: each question's documents in a folder named after its code.
    let response = app.get_raw(&format!("/api/documents/contrat/{contract}/tous"), Some(&referent.cookie)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/zip");
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    let bytes = response.bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("a readable zip");
    let mut names: Vec<String> = zip.file_names().map(|name| name.unwrap().into_owned()).collect();
    names.sort();
    assert_eq!(names, ["1.1.1.a/preuve (2).pdf", "1.1.1.a/preuve.pdf", "2.1.1.a/audit.pdf"]);
    let mut content = Vec::new();
    std::io::Read::read_to_end(&mut zip.by_name("1.1.1.a/preuve (2).pdf").unwrap(), &mut content).unwrap();
    assert_eq!(content, audit);

    // Another legal entity's user finds neither the zip nor a document.
    let other = app.login_as(PERFORMANCE).await;
    let refused = app.get_raw(&format!("/api/documents/question/{first}/tous"), Some(&other.cookie)).await;
    let status = refused.status().as_u16();
    assert_eq!(refusal((status, &refused.bytes().await.unwrap()), 404), AppError::NotFound);
}

#[tokio::test]
async fn a_declared_evaluation_report_notifies_the_referents_and_the_quality_department() {
    let app = spawn_app().await;
    let chu = app.login_as(CHU).await;
    let db = app.database().await;
    let contract = caqes_test(&app).await;
    let establishment = establishment::Entity::find()
        .filter(establishment::Column::LegalEntityId.eq(contract.legal_entity_id))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    let uploaded = app
        .upload(
            "etablissement",
            &establishment.id.to_string(),
            "Rapport évaluation 2026.pdf",
            PDF.to_vec().into(),
            Some(&chu.cookie),
        )
        .await;
    assert_eq!(uploaded.status, 201, "{}", uploaded.body);
    let document = serde_json::from_str::<serde_json::Value>(&uploaded.body).unwrap()["id"].to_string();
    let page = format!("/etablissements/{}", establishment.id);
    chu.get(&page).await.assert_shows(&[
        "Documents de l'établissement",
        "Rapport évaluation 2026.pdf",
        "Déclarer comme rapport d'évaluation",
    ]);

    // The referent may read it but not declare it.
    let referent = app.login_as(REFERENT).await;
    referent.call_fn::<DeclareEvaluationReport>(&[("document_id", &document)]).await.assert_refused(403, &[]);

    let declared = chu.call_fn::<DeclareEvaluationReport>(&[("document_id", &document)]).await;
    assert_eq!(declared.status, 200, "{}", declared.body);
    let outbox = app.outbox().await;
    for to in [REFERENT.0, "qualite@ars.exemple.fr"] {
        let message = outbox
            .iter()
            .find(|message| message.contains(&format!("To: {to}")) && message.contains("rapport d'évaluation"))
            .unwrap_or_else(|| panic!("no report notice to {to}"));
        assert!(message.contains("Rapport évaluation 2026.pdf"), "{message}");
        assert!(message.contains(&page), "a link to the establishment: {message}");
    }
    let shown = chu.get(&page).await;
    shown.assert_shows(&["Rapport d'évaluation", "Notifié le ", REFERENT.0, "qualite@ars.exemple.fr"]);
    assert_eq!(shown.count("Déclarer comme rapport d'évaluation"), 0);
    // Declared once only: a second time changes nothing and sends nothing.
    chu.call_fn::<DeclareEvaluationReport>(&[("document_id", &document)]).await.assert_refused(400, &["déjà"]);
    assert_eq!(app.outbox().await.len(), outbox.len());
}

fn files_in(folder: &std::path::Path) -> usize {
    std::fs::read_dir(folder).map(|entries| entries.count()).unwrap_or(0)
}

#[tokio::test]
async fn a_server_killed_during_an_upload_leaves_no_row_and_after_a_restart_no_file() {
    let data_dir = std::sync::Arc::new(tempfile::tempdir().unwrap());
    let database = test_database(data_dir.path()).await;
    let mut server = ServerProcess::start(data_dir.clone(), &database).await;
    let app = server.app.clone();
    let chu = app.login_as(CHU).await;
    let question = question(&app).await;

    // The body's first part is sent, then the upload waits for more: the server is killed then.
    let (more, waiting) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(1);
    more.send(Ok([PDF, &vec![b' '; 256 * 1024]].concat())).await.unwrap();
    let body = futures_util::stream::unfold(waiting, |mut waiting| async move {
        waiting.recv().await.map(|chunk| (chunk, waiting))
    });
    let upload = tokio::spawn({
        let app = app.clone();
        async move {
            app.upload("question", &question, "coupe.pdf", reqwest::Body::wrap_stream(body), Some(&chu.cookie)).await
        }
    });
    let (temporary, stored) = (data_dir.path().join("documents/tmp"), data_dir.path().join("documents/files"));
    let written = |folder: &std::path::Path| {
        std::fs::read_dir(folder).unwrap().map(|entry| entry.unwrap().metadata().unwrap().len()).sum::<u64>()
    };
    for _ in 0..200 {
        if written(&temporary) > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(written(&temporary) > 0, "the upload had begun to be written");
    server.kill();
    drop(more);
    assert!(upload.await.is_err(), "the upload got no answer");
    assert_eq!(document::Entity::find().count(&app.database().await).await.unwrap(), 0, "no row");
    assert_eq!(files_in(&stored), 0, "nothing moved into place");

    let _restarted = ServerProcess::start(data_dir.clone(), &database).await;
    assert_eq!(files_in(&temporary), 0, "the start removed the unfinished upload");
    assert_eq!(files_in(&stored), 0);
    assert_eq!(document::Entity::find().count(&app.database().await).await.unwrap(), 0);
}

#[tokio::test]
async fn with_an_s3_store_documents_go_to_the_bucket_and_come_back_identical() {
    let s3 = S3Server::shared();
    let settings = s3.fresh_bucket().await;
    let app = spawn_app_with(|config| config.documents_s3 = Some(settings.clone())).await;
    let chu = app.login_as(CHU).await;
    let question = question(&app).await;
    let content = [PDF, &vec![b' '; 6 * 1024 * 1024]].concat();
    let uploaded = app.upload("question", &question, "gros.pdf", content.clone().into(), Some(&chu.cookie)).await;
    assert_eq!(uploaded.status, 201, "{}", uploaded.body);
    let id = serde_json::from_str::<serde_json::Value>(&uploaded.body).unwrap()["id"].to_string();
    assert_eq!(stored_files(&app).await, 0, "nothing kept in the data directory");
    assert_eq!(s3.objects(&settings).await.len(), 1, "one object in the bucket");

    let (status, bytes, _) = app.download(&id, Some(&chu.cookie)).await;
    assert_eq!(status, 200);
    assert!(bytes == content, "the same bytes back");
    let zip = app.get_raw(&format!("/api/documents/question/{question}/tous"), Some(&chu.cookie)).await;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(zip.bytes().await.unwrap().to_vec())).unwrap();
    assert_eq!(zip.by_name("gros.pdf").unwrap().size(), content.len() as u64);

    // A refused file never reaches the bucket; another instance on the same bucket finds the document.
    let refused = app.upload("question", &question, "faux.pdf", b"MZ\x90\x00".to_vec().into(), Some(&chu.cookie)).await;
    assert!(!refused.invalid().is_empty());
    assert_eq!(s3.objects(&settings).await.len(), 1);
    let restarted = app.restart().await;
    let again = restarted.login_as(CHU).await;
    assert_eq!(restarted.download(&id, Some(&again.cookie)).await.1.len(), content.len());
}

#[tokio::test]
async fn office_files_with_macros_are_refused_wherever_the_macros_hide() {
    use app::documents::macros::samples::{biff_workbook, compound_file, powerpoint_document, zip, CONTENT_TYPES};
    let app = spawn_app().await;
    let chu = app.login_as(CHU).await;
    let question = question(&app).await;
    let xls_with_vba = compound_file(&[("/Workbook", &biff_workbook(&[0])), ("/_VBA_PROJECT_CUR/VBA/dir", b"x")]);
    let doc_with_macros = compound_file(&[("/WordDocument", b"texte"), ("/Macros/VBA/ThisDocument", b"x")]);
    let excel_4_macro_sheet = compound_file(&[("/Workbook", &biff_workbook(&[0, 1]))]);
    let docx_vba_in_subfolder = zip(&[
        ("[Content_Types].xml", CONTENT_TYPES),
        ("word/document.xml", b"<w/>"),
        ("word/media/x/vbaProject.bin", b"x"),
    ]);
    let xlsx_macro_sheet = zip(&[("[Content_Types].xml", CONTENT_TYPES), ("xl/macrosheets/sheet1.xml", b"<x/>")]);
    for (name, bytes) in [
        ("budget.xls", xls_with_vba),
        ("courrier.doc", doc_with_macros),
        ("ancien.xls", excel_4_macro_sheet.clone()),
        ("macros.xlm", excel_4_macro_sheet),
        ("diaporama.ppt", compound_file(&[("/PowerPoint Document", &powerpoint_document(true))])),
        ("rapport.docx", docx_vba_in_subfolder),
        ("tableau.xlsx", xlsx_macro_sheet),
    ] {
        let refused = app.upload("question", &question, name, bytes.into(), Some(&chu.cookie)).await;
        refused.assert_refused(400, &["contient des macros"]);
    }
    let damaged = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0].to_vec();
    app.upload("question", &question, "abime.doc", damaged.into(), Some(&chu.cookie))
        .await
        .assert_refused(400, &["endommagé"]);
    assert_eq!(stored_files(&app).await, 0);
    assert_eq!(document::Entity::find().count(&app.database().await).await.unwrap(), 0);
    // The same formats without macros are taken.
    let plain_xls = compound_file(&[("/Workbook", &biff_workbook(&[0, 2]))]);
    let plain_docx = zip(&[("[Content_Types].xml", CONTENT_TYPES), ("word/document.xml", b"<w/>")]);
    for (name, bytes) in [("budget.xls", plain_xls), ("rapport.docx", plain_docx)] {
        let taken = app.upload("question", &question, name, bytes.into(), Some(&chu.cookie)).await;
        assert_eq!(taken.status, 201, "{name}: {}", taken.body);
    }
}

#[tokio::test]
async fn with_an_antivirus_nothing_it_flags_or_could_not_scan_is_stored() {
    let mut clamd = crate::helpers::Clamd::start().await;
    let socket = clamd.socket.clone();
    let app = spawn_app_with(|config| config.clamd = Some(app::documents::antivirus::Clamd::Socket(socket))).await;
    let chu = app.login_as(CHU).await;
    let question = question(&app).await;
    let flagged =
        app.upload("question", &question, "notes.txt", crate::helpers::EICAR.to_vec().into(), Some(&chu.cookie)).await;
    flagged.assert_refused(400, &["L'antivirus a détecté un contenu malveillant", "Ecars.Test.EICAR"]);
    // An encrypted archive cannot be scanned: flagged, never stored.
    use zip::unstable::write::FileOptionsExt;
    let mut encrypted = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let locked = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .with_deprecated_encryption(b"secret")
        .unwrap();
    encrypted.start_file("lisez-moi.txt", locked).unwrap();
    encrypted.write_all(b"contenu chiffre").unwrap();
    let encrypted = encrypted.finish().unwrap().into_inner();
    let refused = app.upload("question", &question, "preuves.zip", encrypted.into(), Some(&chu.cookie)).await;
    refused.assert_refused(400, &["L'antivirus a détecté un contenu malveillant", "Encrypted"]);
    let clean = app.upload("question", &question, "preuve.pdf", PDF.to_vec().into(), Some(&chu.cookie)).await;
    assert_eq!(clean.status, 201, "{}", clean.body);
    assert_eq!(stored_files(&app).await, 1);
    // The scanner stops: uploads are refused, never stored unscanned.
    clamd.stop();
    let unscanned = app.upload("question", &question, "autre.pdf", PDF.to_vec().into(), Some(&chu.cookie)).await;
    unscanned.assert_refused(400, &["L'analyse antivirus est momentanément indisponible"]);
    assert_eq!(stored_files(&app).await, 1);
    assert_eq!(document::Entity::find().count(&app.database().await).await.unwrap(), 1);
}

#[tokio::test]
async fn archives_are_limited_per_user_and_a_stalled_one_gives_its_slot_back() {
    let app = spawn_app().await;
    let chu = app.login_as(CHU).await;
    let question = question(&app).await;
    // Big enough that the archive cannot be written ahead into the buffers of a client that reads nothing.
    let big = [PDF, &vec![b' '; 40 * 1024 * 1024]].concat();
    assert_eq!(app.upload("question", &question, "gros.pdf", big.into(), Some(&chu.cookie)).await.status, 201);
    let archive = format!("/api/documents/question/{question}/tous");
    let first = app.get_raw(&archive, Some(&chu.cookie)).await;
    let second = app.get_raw(&archive, Some(&chu.cookie)).await;
    assert_eq!((first.status().as_u16(), second.status().as_u16()), (200, 200));
    let third = app.get_raw(&archive, Some(&chu.cookie)).await;
    let status = third.status().as_u16();
    assert_eq!(refusal((status, &third.bytes().await.unwrap()), 429), AppError::ArchivesBusy);
    // Another user is not held up by the CHU's downloads.
    let referent = app.login_as(REFERENT).await;
    let other = app.get_raw(&archive, Some(&referent.cookie)).await;
    assert_eq!(other.status(), 200);
    drop(other);
    // The stalled clients go away: their archives stop and free the slots.
    drop((first, second));
    let mut again = 429;
    for _ in 0..200 {
        let response = app.get_raw(&archive, Some(&chu.cookie)).await;
        again = response.status().as_u16();
        if again == 200 {
            let bytes = response.bytes().await.unwrap();
            let zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("a whole zip");
            assert_eq!(zip.len(), 1);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(again, 200, "a slot came back");
}
