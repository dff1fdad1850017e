//! "Référentiels d'indicateurs": a referential in .xlsx, .ods or .csv gives the same tree; every
//! bad file is refused with a reason and nothing written; versions; agency administrators only.

use std::io::Write;

use app::administration::journal::ChangeKind;
use app::db::entities::{journal_entry, referential_node, referential_version};
use app::referentials::api::{CancelReferential, ConfirmReferential, PreviewReferential, Referentials};
use app::referentials::{ReferentialPreview, ReferentialRow};
use app::AppError;
use leptos::server_fn::ServerFn;
use sea_orm::{EntityTrait, PaginatorTrait};

use crate::helpers::{spawn_app, Page, Visitor, ADMIN, CHU, REFERENT};

const PAGE: &str = "/administration/referentiels";
const UPLOAD: &str = "/api/administration/referentiels";
const ADMIN_BFC: (&str, &str) = ("admin-bfc@ars.exemple.fr", "Admin-Bfc-Demo-2026!");
const ADMIN_ARA: (&str, &str) = ("admin-ara@ars.exemple.fr", "Admin-Ara-Demo-2026!");

/// The rows of the referential the tests send, titles first.
fn rows() -> Vec<Vec<&'static str>> {
    vec![
        vec!["Code", "Code parent", "Libellé", "Type de nœud", "Type de valeur", "Cible", "National"],
        vec!["1", "", "Qualité et sécurité des soins", "objectif", "", "", ""],
        vec!["1.1", "1", "Sous-objectif « médicament »", "Objectif", "", "", ""],
        vec!["1.1.a", "1.1", "Taux d'ordonnances conformes", "question", "pourcentage", "80", "non"],
        vec!["1.1.b", "1.1", "Indicateur national", "question", "nombre", "", "oui"],
        vec!["2", "", "Pertinence", "objectif", "", "", ""],
        vec!["2.a", "2", "Démarche engagée", "question", "Oui/Non", "Oui", ""],
        vec!["2.a", "2", "Doublon", "question", "texte", "", ""],
        vec!["3.a", "9", "Parent inconnu", "question", "texte", "", ""],
    ]
}

fn xlsx(rows: &[Vec<&str>]) -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if !cell.is_empty() {
                sheet.write_string(r as u32, c as u16, *cell).unwrap();
            }
        }
    }
    workbook.save_to_buffer().unwrap()
}

/// An OpenDocument spreadsheet, written as LibreOffice does (the parts that matter).
fn ods(rows: &[Vec<&str>]) -> Vec<u8> {
    let escape =
        |text: &str| text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
    let mut table = String::new();
    for row in rows {
        table.push_str("<table:table-row>");
        for cell in row {
            if cell.is_empty() {
                table.push_str("<table:table-cell/>");
            } else {
                table.push_str(&format!(
                    "<table:table-cell office:value-type=\"string\"><text:p>{}</text:p></table:table-cell>",
                    escape(cell)
                ));
            }
        }
        table.push_str("</table:table-row>");
    }
    let content = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content \
         xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
         xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
         xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\">\
         <office:body><office:spreadsheet><table:table table:name=\"Référentiel\">{table}</table:table>\
         </office:spreadsheet></office:body></office:document-content>"
    );
    let manifest = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><manifest:manifest \
        xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.2\">\
        <manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/>\
        <manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/></manifest:manifest>";
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, text) in [
        ("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
        ("META-INF/manifest.xml", manifest),
        ("content.xml", &content),
    ] {
        zip.start_file(name, stored).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// `;`-separated, Windows-1252, `"`-quoted where needed: as Excel saves a .csv in France.
fn csv(rows: &[Vec<&str>]) -> Vec<u8> {
    let quote = |cell: &&str| {
        if cell.contains(';') || cell.contains('"') {
            format!("\"{}\"", cell.replace('"', "\"\""))
        } else {
            (*cell).to_owned()
        }
    };
    let text: String = rows.iter().map(|row| row.iter().map(quote).collect::<Vec<_>>().join(";") + "\r\n").collect();
    encoding_rs::WINDOWS_1252.encode(&text).0.into_owned()
}

async fn send(visitor: &Visitor, name: &str, file_name: &str, bytes: Vec<u8>) -> Page {
    let form = reqwest::multipart::Form::new()
        .text("nom", name.to_owned())
        .part("fichier", reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_owned()));
    visitor.send_file_form(PAGE, UPLOAD, form).await
}

fn token_of(page: &Page) -> String {
    let location = page.location.as_deref().expect("sent to the preview");
    location.split("apercu=").nth(1).unwrap_or_else(|| panic!("no preview in {location}")).to_owned()
}

async fn preview(visitor: &Visitor, name: &str, file_name: &str, bytes: Vec<u8>) -> Result<ReferentialPreview, Page> {
    let token = token_of(&send(visitor, name, file_name, bytes).await);
    let answer = visitor.call_fn::<PreviewReferential>(&[("token", &token)]).await;
    if answer.status == 200 {
        Ok(answer.value())
    } else {
        Err(answer)
    }
}

#[tokio::test]
async fn xlsx_ods_and_csv_give_the_same_tree_and_each_import_is_a_new_version() {
    let app = spawn_app().await;
    let admin = app.login_as(ADMIN_BFC).await;
    admin.get(PAGE).await.assert_shows(&[
        "Référentiels d'indicateurs",
        "Télécharger le modèle",
        "Aucun référentiel pour l'instant",
    ]);
    let template = app
        .request(reqwest::Method::GET, "/api/administration/referentiels/modele", None, Some(&admin.cookie), &[])
        .await;
    assert_eq!(template.status, 200);
    assert!(template.headers["content-disposition"].to_str().unwrap().contains(".xlsx"));

    let db = app.database().await;
    // The demo's own referential is there already.
    let (nodes_before, versions_before) = (
        referential_node::Entity::find().count(&db).await.unwrap(),
        referential_version::Entity::find().count(&db).await.unwrap(),
    );
    let from_xlsx = preview(&admin, "CAQES 2026", "referentiel.xlsx", xlsx(&rows())).await.unwrap();
    let from_ods = preview(&admin, "CAQES 2026", "referentiel.ods", ods(&rows())).await.unwrap();
    let from_csv = preview(&admin, "CAQES 2026", "referentiel.csv", csv(&rows())).await.unwrap();
    assert_eq!(from_xlsx.checked, from_ods.checked);
    assert_eq!(from_xlsx.checked, from_csv.checked);
    let codes: Vec<(&str, usize)> =
        from_csv.checked.nodes.iter().map(|node| (node.code.as_str(), node.depth)).collect();
    assert_eq!(codes, [("1", 0), ("1.1", 1), ("1.1.a", 2), ("1.1.b", 2), ("2", 0), ("2.a", 1)]);
    let refused: Vec<(u64, &str)> = from_csv.checked.refused.iter().map(|row| (row.row, row.reason.as_str())).collect();
    assert_eq!(refused, [(8, "le code 2.a est déjà celui de la ligne 7"), (9, "code parent 9 inconnu")]);
    assert_eq!(from_csv.version, 1);
    let page = admin.get(&format!("{PAGE}?apercu={}", from_csv.token)).await;
    page.assert_shows(&[
        "Aperçu de l'import",
        "Sous-objectif « médicament »",
        "code parent 9 inconnu",
        "Confirmer l'import",
    ]);
    assert_eq!(referential_node::Entity::find().count(&db).await.unwrap(), nodes_before, "the preview writes nothing");

    let confirmed = admin.call_fn::<ConfirmReferential>(&[("token", &from_csv.token)]).await;
    confirmed.assert_shows(&["Référentiel « CAQES 2026 » importé : version 1"]);
    let again = admin.call_fn::<ConfirmReferential>(&[("token", &from_xlsx.token)]).await;
    again.assert_shows(&["version 2"]);
    assert_eq!(
        admin.call_fn::<PreviewReferential>(&[("token", &from_csv.token)]).await.error(404),
        AppError::NotFound,
        "the file is gone"
    );
    assert!(admin.call_fn::<CancelReferential>(&[("token", &from_ods.token)]).await.status < 400);
    let listed: Vec<ReferentialRow> = admin.call_fn::<Referentials>(&[]).await.value();
    let versions: Vec<(i32, u64, u64)> =
        listed[0].versions.iter().map(|version| (version.number, version.objectives, version.questions)).collect();
    assert_eq!(versions, [(2, 3, 3), (1, 3, 3)]);
    assert_eq!(referential_version::Entity::find().count(&db).await.unwrap(), versions_before + 2);
    let journal = journal_entry::Entity::find().all(&db).await.unwrap();
    let ours =
        |entry: &&journal_entry::Model| entry.kind == ChangeKind::ReferentialImported && entry.subject == "CAQES 2026";
    assert_eq!(journal.iter().filter(ours).count(), 2);

    // Another agency does not see them (it has the demo's own).
    let other: Vec<ReferentialRow> = app.login_as(ADMIN_ARA).await.call_fn::<Referentials>(&[]).await.value();
    assert!(other.iter().all(|referential| referential.name != "CAQES 2026"));
}

#[tokio::test]
async fn bad_referential_files_are_refused_with_a_reason_and_nothing_written() {
    let app = spawn_app().await;
    let admin = app.login_as(ADMIN_BFC).await;
    let db = app.database().await;
    let nodes_before = referential_node::Entity::find().count(&db).await.unwrap();
    let good = xlsx(&rows());
    let truncated = good[..good.len() / 2].to_vec();
    let garbage: Vec<u8> = (0..200_000u32).map(|n| (n.wrapping_mul(2_654_435_761) >> 13) as u8 | 1).collect();
    let mut open_quote = csv(&rows());
    open_quote.extend_from_slice(b"4;;\"Objectif ouvert;objectif;;;\r\n");
    let pdf = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n".to_vec();
    let finess = b"finess;etalab;100;2026-11-30\nstructureej;210000111;ASSOCIATION;;;\n".to_vec();
    for (file_name, bytes, reason) in [
        ("vide.csv", Vec::new(), "vide"),
        ("tronque.xlsx", truncated, "abîmé"),
        ("document.xlsx", pdf, "ni un classeur"),
        ("bruit.csv", garbage, "n'est pas un référentiel"),
        ("guillemet.csv", open_quote, "jamais fermé"),
        ("finess.csv", finess, "n'est pas un référentiel"),
        ("vieux.xls", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest".to_vec(), ".xls"),
    ] {
        let refused = preview(&admin, "CAQES 2026", file_name, bytes).await.unwrap_err();
        assert!(refused.invalid().contains(reason), "{file_name}: {}", refused.body);
    }
    // Formulas are read as the values they show, never evaluated.
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (c, title) in rows()[0].iter().enumerate() {
        sheet.write_string(0, c as u16, *title).unwrap();
    }
    for (c, cell) in ["1", "", "", "objectif"].iter().enumerate() {
        sheet.write_string(1, c as u16, *cell).unwrap();
    }
    sheet
        .write_formula(
            1,
            2,
            rust_xlsxwriter::Formula::new("=CONCAT(\"Objectif \",\"calculé\")").set_result("Objectif calculé"),
        )
        .unwrap();
    let formula = preview(&admin, "Formules", "formules.xlsx", workbook.save_to_buffer().unwrap()).await.unwrap();
    assert_eq!(formula.checked.nodes[0].label, "Objectif calculé");

    // Too big, no name, no file: refused before any reading.
    let big = vec![b'a'; 11 * 1024 * 1024];
    assert_eq!(
        send(&admin, "Gros", "gros.csv", big).await.location.as_deref(),
        Some(format!("{PAGE}?refus=taille").as_str())
    );
    assert_eq!(
        send(&admin, " ", "r.csv", csv(&rows())).await.location.as_deref(),
        Some(format!("{PAGE}?refus=nom").as_str())
    );
    let no_file = reqwest::multipart::Form::new().text("nom", "CAQES");
    let sent = admin.send_file_form(PAGE, UPLOAD, no_file).await;
    assert_eq!(sent.location.as_deref(), Some(format!("{PAGE}?refus=fichier").as_str()));
    admin.get(&format!("{PAGE}?refus=fichier")).await.assert_shows(&["Veuillez choisir le fichier du référentiel"]);
    assert_eq!(referential_node::Entity::find().count(&db).await.unwrap(), nodes_before);
}

#[tokio::test]
async fn referentials_are_not_found_for_everyone_but_agency_administrators() {
    let app = spawn_app().await;
    for account in [CHU, REFERENT, ADMIN] {
        let visitor = app.login_as(account).await;
        visitor.get_not_found(PAGE).await;
        let template = app
            .request(reqwest::Method::GET, "/api/administration/referentiels/modele", None, Some(&visitor.cookie), &[])
            .await;
        assert_eq!(template.error(404), AppError::NotFound);
        assert_eq!(visitor.call_fn::<Referentials>(&[]).await.error(404), AppError::NotFound);
        let token = "a".repeat(64);
        for endpoint in [PreviewReferential::PATH, ConfirmReferential::PATH, CancelReferential::PATH] {
            assert_eq!(
                visitor.call_path(endpoint, &[("token", &token)]).await.error(404),
                AppError::NotFound,
                "{endpoint}"
            );
        }
    }
    // One administrator's staged file is not another's.
    let bfc = app.login_as(ADMIN_BFC).await;
    let token = token_of(&send(&bfc, "CAQES", "r.csv", csv(&rows())).await);
    let ara = app.login_as(ADMIN_ARA).await;
    assert_eq!(ara.call_fn::<PreviewReferential>(&[("token", &token)]).await.error(404), AppError::NotFound);
    assert_eq!(ara.call_fn::<ConfirmReferential>(&[("token", &token)]).await.error(404), AppError::NotFound);
}

#[tokio::test]
async fn the_demo_s_sample_files_can_be_downloaded_and_imported_from_the_pages() {
    let app = spawn_app().await;
    let admin = app.login_as(ADMIN_BFC).await;
    admin
        .get(PAGE)
        .await
        .assert_shows(&["fichiers d'exemple", "/api/administration/exemples/referentiel-caqes-demo.csv"]);
    admin.get("/administration/finess").await.assert_shows(&["/api/administration/exemples/finess-entites-demo.csv"]);
    let path = "/api/administration/exemples/referentiel-caqes-demo.csv";
    let sample = app.request(reqwest::Method::GET, path, None, Some(&admin.cookie), &[]).await;
    assert_eq!(sample.status, 200);
    let checked =
        preview(&admin, "CAQES démonstration", "referentiel-caqes-demo.csv", sample.body.into_bytes()).await.unwrap();
    assert!(checked.checked.refused.is_empty());
    assert_eq!(checked.version, 1, "the demo imported it for the other agency only");
    // Its "Sens" and "Poids", for the agency's appraisal.
    let question = |code: &str| checked.checked.nodes.iter().find(|node| node.code == code).unwrap();
    assert_eq!(question("1.1.c").direction, ecars_core::evaluation::appraisal::Direction::LowerIsBetter);
    assert_eq!(question("1.1.a").weight.to_string(), "2");
    assert_eq!(question("2.1.b").weight.to_string(), "0,5");
    let unknown = app
        .request(reqwest::Method::GET, "/api/administration/exemples/..%2F..%2Fsecret", None, Some(&admin.cookie), &[])
        .await;
    assert_eq!(unknown.error(404), AppError::NotFound);
    let chu = app.login_as(CHU).await;
    assert_eq!(
        app.request(reqwest::Method::GET, path, None, Some(&chu.cookie), &[]).await.error(404),
        AppError::NotFound
    );
}
