//! `make bench`, hostile files: how long the checks take on the worst cases of issue 33 (the
//! macro check of an office document made to unpack to gigabytes, spreadsheets made to exhaust
//! memory, referential loops and chains), each as the server runs it. Prints figures; asserts
//! nothing about speed (each case's refusal is asserted by the integration tests).

// A harness that stops on the first surprise, like a test: the workspace lints deny this elsewhere.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Cursor;
use std::time::{Duration, Instant};

use app::administration::spreadsheet::{self, samples as sheets};
use app::documents::macros::{self, samples as office};
use app::referentials::rows;

/// The default upload limit (`ECARS_MAX_DOCUMENT_MB`), as the server passes it to the macro check.
const UPLOAD_LIMIT: u64 = 50 * 1024 * 1024;

/// The median of five runs of `work`, and what the last one said.
fn timed<T>(work: impl Fn() -> T) -> (Duration, T) {
    let mut times = Vec::new();
    let mut said = None;
    for _ in 0..5 {
        let started = Instant::now();
        said = Some(work());
        times.push(started.elapsed());
    }
    times.sort();
    (times[2], said.unwrap())
}

fn print(case: &str, (time, outcome): (Duration, String)) {
    let outcome: String = outcome.chars().take(90).collect();
    println!("  {case:<58} {:>9.1} ms  {outcome}", time.as_secs_f64() * 1000.0);
}

fn referential(rows: impl Iterator<Item = String>) -> Vec<u8> {
    let mut text = "Code;Code parent;Libellé;Type de nœud;Type de valeur;Cible;National\n".to_owned();
    for row in rows {
        text.push_str(&row);
        text.push('\n');
    }
    text.into_bytes()
}

/// A referential preview as the server makes it: the file read, then its rows checked.
fn preview(bytes: &[u8]) -> String {
    match spreadsheet::read(bytes).and_then(rows::check) {
        Ok(checked) => format!(
            "{} nodes, {} refused: {}",
            checked.nodes.len(),
            checked.refused.len(),
            checked.refused.first().map(|refused| refused.reason.as_str()).unwrap_or("")
        ),
        Err(reason) => format!("refused: {reason}"),
    }
}

fn main() {
    let budget = macros::unpacked_budget(UPLOAD_LIMIT);
    println!("== Macro check of office documents (budget {} MB of real bytes unpacked)", budget / 1024 / 1024);
    for entries in [200, 20_000] {
        let bomb = office::overlapping_zip(entries, 64 * 1024 * 1024);
        let case = format!("{entries} entries on one 64 MiB stream ({} KB)", bomb.len() / 1024);
        print(&case, timed(|| format!("{:?}", macros::in_office_zip(Cursor::new(&bomb), budget).map(|_| ()))));
    }
    let honest = office::zeros_zip("word/document.xml", 60 * 1024 * 1024);
    print(
        &format!("one honest 60 MiB part ({} KB)", honest.len() / 1024),
        timed(|| format!("{:?}", macros::in_office_zip(Cursor::new(&honest), budget).map(|_| ()))),
    );

    println!("== Spreadsheet imports (referentials, national values)");
    for (case, bytes) in [
        ("xlsx, cells at A1 and XFD1048576", sheets::sparse_xlsx()),
        ("xlsx, 200 MiB of zeros in the sheet", sheets::zip_bomb_xlsx()),
        ("ods, a value repeated over the whole sheet", sheets::repeated_ods()),
    ] {
        let case = format!("{case} ({} KB)", bytes.len() / 1024);
        print(
            &case,
            timed(|| spreadsheet::read(&bytes).map(|rows| format!("{} rows", rows.len())).unwrap_or_else(|e| e)),
        );
    }

    println!("== Referential previews");
    let ring = referential((1..=3000).map(|n| format!("R{n};R{};Objectif {n};objectif;;;", n % 3000 + 1)));
    print("3,000-objective ring", timed(|| preview(&ring)));
    let rooted_ring = referential(
        std::iter::once("O;;Racine;objectif;;;".to_owned())
            .chain((1..=4999).map(|n| format!("R{n};R{};Objectif {n};objectif;;;", n % 4999 + 1))),
    );
    print("4,999-objective ring beside a valid root", timed(|| preview(&rooted_ring)));
    let chain = referential((1..=5000).map(|n| {
        let parent = if n == 1 { String::new() } else { format!("D{}", n - 1) };
        format!("D{n};{parent};Niveau {n};objectif;;;")
    }));
    print("5,000-deep chain", timed(|| preview(&chain)));
    let deep = referential((1..=10_000).map(|n| {
        let parent = if n == 1 { String::new() } else { format!("D{}", n - 1) };
        format!("D{n};{parent};Niveau {n};objectif;;;")
    }));
    print("10,000-deep chain", timed(|| preview(&deep)));
}
