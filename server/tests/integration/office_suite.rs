//! Every spreadsheet the portal writes opens in LibreOffice Calc (Debian's `libreoffice-calc-nogui`,
//! the office suite of many agencies), converted headless to CSV and read back: the follow-up's
//! exports (.ods with both sheets, .xlsx, .csv), the referential template and the journal.

use app::evaluation::api::SaveAnswer;
use std::path::{Path, PathBuf};

use crate::helpers::{caqes_test, spawn_app, TestApp, Visitor, CHU, REFERENT};

const ADMIN_ARA: (&str, &str) = ("admin-ara@ars.exemple.fr", "Admin-Ara-Demo-2026!");

/// A comment holding what XML forbids (U+FFFE, U+FFFF, a control character) and markup.
const AWKWARD_COMMENT: &str = "Relevé \u{FFFE}\u{FFFF}\u{1}de mars <b>&</b> fin";

async fn download(app: &TestApp, visitor: &Visitor, path: &str) -> Vec<u8> {
    let response = app.get_raw(path, Some(&visitor.cookie)).await;
    assert_eq!(response.status().as_u16(), 200, "{path}");
    response.bytes().await.unwrap().to_vec()
}

fn soffice() -> PathBuf {
    ["/usr/bin/soffice", "/usr/bin/libreoffice"]
        .into_iter()
        .map(PathBuf::from)
        .find(|path| path.exists())
        .expect("LibreOffice Calc is installed by `make setup-test-servers` (libreoffice-calc-nogui)")
}

/// Every sheet of each file as CSV (UTF-8, `,`), as LibreOffice reads it: file stem and sheet
/// number → text. Fails if LibreOffice cannot load a file.
fn converted(files: &[PathBuf], out: &Path) -> Vec<(String, String)> {
    let home = tempfile::tempdir().unwrap();
    // 44: ",", 34: '"', 76: UTF-8; the 12th token -1 writes every sheet to a file of its own.
    let filter = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1";
    let status = std::process::Command::new(soffice())
        .env("HOME", home.path())
        .args(["--headless", "--norestore", "--convert-to", filter, "--outdir"])
        .arg(out)
        .args(files)
        .output()
        .expect("soffice runs");
    let said = format!("{}{}", String::from_utf8_lossy(&status.stdout), String::from_utf8_lossy(&status.stderr));
    assert!(status.status.success(), "{said}");
    assert!(!said.contains("Error"), "LibreOffice could not load a file: {said}");
    let mut sheets: Vec<(String, String)> = std::fs::read_dir(out)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .map(|path| (path.file_stem().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&path).unwrap()))
        .collect();
    sheets.sort();
    for file in files {
        let stem = file.file_stem().unwrap().to_string_lossy();
        assert!(sheets.iter().any(|(name, _)| name.starts_with(&*stem)), "{stem} was not converted: {said}");
    }
    sheets
}

#[tokio::test]
async fn every_spreadsheet_the_portal_writes_opens_in_libreoffice() {
    let app = spawn_app().await;
    let chu = app.login_as(CHU).await;
    let question = crate::documents::question_id(&app, "1.1.1.a").await.to_string();
    let form =
        [("question_id", question.as_str()), ("version", "0"), ("achieved", "12,5"), ("comment", AWKWARD_COMMENT)];
    assert_eq!(chu.call_fn::<SaveAnswer>(&form).await.status, 200);
    let referent = app.login_as(REFERENT).await;
    let admin = app.login_as(ADMIN_ARA).await;
    let year = app::evaluation::years::server::current(
        &app.database().await,
        ecars_core::ids::ContractId(caqes_test(&app).await.id),
    )
    .await
    .unwrap()
    .year;

    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (name, visitor, path) in [
        ("export_ods.ods", &referent, format!("/api/suivi/export/ods?annee={year}")),
        ("export_xlsx.xlsx", &referent, format!("/api/suivi/export/xlsx?annee={year}")),
        ("export_csv.csv", &referent, format!("/api/suivi/export/csv?annee={year}&feuille=reponses")),
        ("modele.xlsx", &admin, ecars_core::routes::REFERENTIAL_TEMPLATE_ROUTE.to_owned()),
        ("journal.csv", &admin, format!("{}?du=2020-01-01", ecars_core::routes::JOURNAL_EXPORT_ROUTE)),
    ] {
        let path_on_disk = dir.path().join(name);
        std::fs::write(&path_on_disk, download(&app, visitor, &path).await).unwrap();
        files.push(path_on_disk);
    }
    let out = tempfile::tempdir().unwrap();
    let sheets = converted(&files, out.path());
    let names: Vec<&str> = sheets.iter().map(|(name, _)| name.as_str()).collect();
    let text_of = |stem: &str| -> String {
        sheets.iter().filter(|(name, _)| name.starts_with(stem)).map(|(_, text)| text.as_str()).collect()
    };
    // Both workbooks: their two sheets, the CHU's row, and the comment without what XML forbids.
    for workbook in ["export_ods", "export_xlsx"] {
        assert_eq!(names.iter().filter(|name| name.starts_with(workbook)).count(), 2, "{workbook}: {names:?}");
        let text = text_of(workbook);
        assert!(text.contains("380780080") && text.contains("CAQES TEST"), "{workbook}:\n{text}");
        assert!(text.contains("Relevé de mars <b>&</b> fin"), "{workbook}:\n{text}");
    }
    assert!(text_of("export_csv").contains("CAQES TEST"), "{names:?}");
    assert!(text_of("modele").contains("Code parent"), "{names:?}");
    assert!(text_of("journal").lines().count() >= 1, "{names:?}");
}
