//! Documents: streamed uploads with strict formats, identical downloads, rights and phase, and
//! nothing lost or left behind by a stop.

use std::io::Write;

use app::db::entities::{contract, document, establishment, indicator};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::helpers::{caqes_test, spawn_app, spawn_app_with, TestApp, CHU, REFERENT};

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n";

async fn question(app: &TestApp) -> String {
    let db = app.database().await;
    let contract = caqes_test(app).await;
    indicator::Entity::find()
        .filter(indicator::Column::ContractId.eq(contract.id))
        .filter(indicator::Column::Code.eq("1.1.1.a"))
        .one(&db)
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string()
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
    let db = app.database().await;
    let row = document::Entity::find().one(&db).await.unwrap().unwrap();
    assert_eq!(row.size_bytes, PDF.len() as i64);
    assert_eq!(row.sha256.len(), 64);
    assert_eq!(stored_files(&app).await, 1);

    // The referent downloads but does not upload; anonymous visitors do neither.
    let referent = app.login_as(REFERENT).await;
    assert_eq!(app.download(&id, Some(&referent.cookie)).await.0, 200);
    let refused = app.upload("question", &question, "a.pdf", PDF.to_vec().into(), Some(&referent.cookie)).await;
    assert_eq!(refused.status, 403);
    assert_eq!(app.download(&id, None).await.0, 401);
    assert_eq!(app.upload("question", &question, "a.pdf", PDF.to_vec().into(), None).await.status, 401);
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
        assert_eq!(refused.status, 400, "{name}: {}", refused.body);
        assert!(refused.body.contains(message), "{name}: {}", refused.body);
    }
    // Over the limit without announcing a length: refused while streaming.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        std::iter::once(Ok(PDF.to_vec())).chain((0..20).map(|_| Ok(vec![b' '; 8 * 1024]))).collect();
    let streamed = reqwest::Body::wrap_stream(futures_util::stream::iter(chunks));
    let refused = app.upload("question", &question, "flux.pdf", streamed, Some(&chu.cookie)).await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(refused.body.contains("taille maximale"), "{}", refused.body);
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
    assert_eq!(other.status, 404);
    assert_eq!(app.upload("inconnu", "1", "a.pdf", PDF.to_vec().into(), Some(&chu.cookie)).await.status, 404);

    let contract_level =
        app.upload("contrat", &caqes.id.to_string(), "a.pdf", PDF.to_vec().into(), Some(&chu.cookie)).await;
    assert_eq!(contract_level.status, 409);
    assert!(contract_level.body.contains("au niveau des indicateurs"), "{}", contract_level.body);

    contract::Entity::update_many()
        .col_expr(contract::Column::Phase, Expr::value("consultation"))
        .filter(contract::Column::Id.eq(caqes.id))
        .exec(&db)
        .await
        .unwrap();
    let closed = app.upload("question", &question(&app).await, "a.pdf", PDF.to_vec().into(), Some(&chu.cookie)).await;
    assert_eq!(closed.status, 409);
    assert!(closed.body.contains("Consultation"), "{}", closed.body);
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
