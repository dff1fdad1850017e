//! A wrong setting stops `ecars` at once with one clear line and a non-zero exit.

use std::process::Command;

fn ecars(env: &[(&str, &str)], args: &[&str]) -> (bool, String) {
    let data_dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_ecars"))
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env("ECARS_DATA_DIR", data_dir.path())
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
        .env("RUST_LOG", "off")
        .envs(env.iter().copied())
        .output()
        .expect("ecars runs");
    (output.status.success(), String::from_utf8_lossy(&output.stderr).into_owned())
}

fn assert_fails_with(env: &[(&str, &str)], expected: &str) {
    let (success, stderr) = ecars(env, &["migrate"]);
    assert!(!success, "ecars should have failed for {env:?}");
    assert_eq!(stderr.trim().lines().count(), 1, "one line expected, got:\n{stderr}");
    assert!(stderr.contains(expected), "`{expected}` expected in: {stderr}");
}

#[test]
fn a_malformed_address_stops_the_start() {
    assert_fails_with(&[("LEPTOS_SITE_ADDR", "localhost:notaport")], "LEPTOS_SITE_ADDR");
}

#[test]
fn an_unreachable_database_stops_the_start() {
    assert_fails_with(&[("DATABASE_URL", "postgres://nobody@127.0.0.1:1/ecars")], "cannot open the database");
}

#[test]
fn an_unwritable_data_directory_stops_the_start() {
    // A regular file where the data directory should be: unusable even for root.
    let file = tempfile::NamedTempFile::new().unwrap();
    assert_fails_with(&[("ECARS_DATA_DIR", file.path().to_str().unwrap())], "data directory");
}

#[test]
fn an_s3_document_store_without_credentials_stops_the_start() {
    assert_fails_with(&[("ECARS_DOCUMENTS_S3", "s3://ecars-documents")], "AWS_ACCESS_KEY_ID");
}

#[test]
fn an_unknown_time_zone_stops_the_start() {
    assert_fails_with(&[("ECARS_TIME_ZONE", "Europe/Atlantis")], "ECARS_TIME_ZONE");
}

#[test]
fn migrate_applies_the_schema_and_exits() {
    let (success, stderr) = ecars(&[], &["migrate"]);
    assert!(success, "{stderr}");
}

#[test]
fn help_lists_every_setting() {
    let output = Command::new(env!("CARGO_BIN_EXE_ecars")).arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&output.stdout);
    for setting in ["DATABASE_URL", "ECARS_DATA_DIR", "LEPTOS_SITE_ADDR", "ECARS_DEMO", "ECARS_TIME_ZONE", "migrate"] {
        assert!(help.contains(setting), "{setting} missing from --help:\n{help}");
    }
}
