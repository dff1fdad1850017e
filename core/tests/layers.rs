//! The one-way rule, checked on the sources: layers look down, never up (README, "Architecture").
//! `core` depends on no framework and on no crate of the portal; in the UI crate, the layers every
//! domain writes through (the database, the audit journal, mail, the metrics) import no domain.

// A test crate: a source it cannot read fails it.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `name = ...` lines of a `[section]` of a manifest.
fn dependencies(manifest: &str, section: &str) -> Vec<(String, String)> {
    let mut inside = false;
    let mut found = Vec::new();
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            inside = line == format!("[{section}]");
            continue;
        }
        if inside && !line.is_empty() && !line.starts_with('#') {
            if let Some((name, value)) = line.split_once('=') {
                found.push((name.trim().trim_end_matches(".workspace").to_owned(), value.trim().to_owned()));
            }
        }
    }
    found
}

#[test]
fn core_depends_on_no_framework_and_on_no_crate_of_the_portal() {
    let manifest = std::fs::read_to_string(workspace().join("core/Cargo.toml")).unwrap();
    let always: &[&str] = &["serde"];
    let for_the_server: &[&str] = &["sea-orm", "chrono", "chrono-tz"];
    for (name, value) in dependencies(&manifest, "dependencies") {
        let optional = value.contains("optional = true");
        assert!(
            always.contains(&name.as_str()) || (for_the_server.contains(&name.as_str()) && optional),
            "core may not depend on {name} ({value}): it is the floor every other crate stands on"
        );
    }
    assert!(dependencies(&manifest, "build-dependencies").is_empty());
}

/// The Rust files under `dir` (or `dir` itself), their `#[cfg(test)]` modules and comments left out.
fn sources(path: &Path) -> Vec<(PathBuf, String)> {
    if path.is_file() {
        let text = std::fs::read_to_string(path).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        let code: String =
            code.lines().filter(|line| !line.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
        return vec![(path.to_owned(), code)];
    }
    let mut found = Vec::new();
    for entry in std::fs::read_dir(path).unwrap() {
        let entry = entry.unwrap().path();
        if entry.is_dir() || entry.extension().is_some_and(|extension| extension == "rs") {
            found.extend(sources(&entry));
        }
    }
    found
}

/// The UI crate's folders of pages and workflows, and its top (the state, the router).
const UPPER: &[&str] = &[
    "accounts",
    "administration",
    "agencies",
    "app",
    "appraisal",
    "campaigns",
    "contacts",
    "contracts",
    "demo",
    "documents",
    "evaluation",
    "follow_up",
    "layout",
    "legal_entities",
    "public_service",
    "referentials",
    "state",
];

#[test]
fn the_layers_every_domain_writes_through_import_no_domain() {
    let app = workspace().join("app/src");
    let lower =
        ["db", "audit.rs", "mail/mod.rs", "mail/outbox.rs", "mail/templates", "operations/metrics.rs", "pdf.rs"];
    let mut upward = Vec::new();
    for part in lower {
        for (file, code) in sources(&app.join(part)) {
            for domain in UPPER {
                if code.contains(&format!("crate::{domain}::")) || code.contains(&format!("crate::{domain};")) {
                    upward.push(format!("{} imports {domain}", file.display()));
                }
            }
        }
    }
    assert!(upward.is_empty(), "a lower layer looks up: {upward:#?}");
}
