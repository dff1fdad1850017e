//! `make bench`, letters: the provisional evaluation's PDF for a 500-question contract (the size
//! of the performance contract), written as the notification writes it: the time of each of 5
//! renderings, the file's size and pages, and how much the process's peak memory grew. Prints
//! figures; asserts nothing about speed.

// A harness that stops on the first surprise, like a test: the workspace lints deny this elsewhere.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Instant;

use app::appraisal::letter::{Letter, LetterRow, Letterhead};
use ecars_core::vocabulary::NotificationKind;

const QUESTIONS: usize = 500;

/// A line of /proc/self/status, in kB.
fn status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|line| {
            line.strip_prefix(&format!("{field}:")).map(|rest| rest.trim().trim_end_matches(" kB").to_owned())
        })
        .and_then(|kb| kb.parse().ok())
        .unwrap_or(0)
}

fn letter() -> Letter {
    let rows = (0..QUESTIONS)
        .map(|n| LetterRow {
            code: format!("{}.{}.{}.a", n / 100 + 1, n / 10 % 10 + 1, n % 10 + 1),
            label: format!("Taux de prescriptions de sortie conformes au référentiel, indicateur n° {n}"),
            target: "80 %".to_owned(),
            achieved: "72,5".to_owned(),
            retained: "72,5".to_owned(),
            appreciation: "Partiellement atteint (0,5 point)".to_owned(),
            comment: "Progression notable ; le plan d'actions doit être poursuivi sur les services de médecine."
                .to_owned(),
        })
        .collect();
    Letter {
        kind: NotificationKind::Provisional,
        letterhead: Letterhead {
            agency: "ARS Auvergne-Rhône-Alpes".into(),
            region: "Auvergne-Rhône-Alpes".into(),
            email: "qualite@ars.exemple.fr".into(),
            phone: "04 72 34 74 00".into(),
        },
        legal_entity: "380780080 - CHU DE GRENOBLE ALPES".into(),
        address: "Boulevard de la Chantourne 38700 La Tronche".into(),
        director: Some("Claire MARTIN".into()),
        contract: "CAQES PERFORMANCE".into(),
        contract_kind: "CAQES".into(),
        year: 2026,
        notified_on: "07/12/2026".into(),
        notified_by: "referent@ars.exemple.fr".into(),
        rows,
        score: "250 points sur 500 (50 %)".into(),
        reply: Some("Vous disposez de 21 jours pour présenter vos observations.".into()),
    }
}

fn main() {
    let letter = letter();
    let peak_before = status_kb("VmHWM");
    let mut times = Vec::new();
    let mut size = 0;
    let mut pages = 0;
    for _ in 0..5 {
        let document = letter.document();
        let started = Instant::now();
        let pdf = app::pdf::render(&document).expect("the letter is written");
        times.push(started.elapsed());
        size = pdf.len();
        pages = String::from_utf8_lossy(&pdf).matches("/Type /Page\n").count().max(pages);
    }
    let peak_after = status_kb("VmHWM");
    times.sort();
    println!("Provisional evaluation letter, {QUESTIONS} questions (PDF/UA-1, Marianne embedded):");
    println!(
        "  rendering: median {:.0} ms, fastest {:.0} ms, slowest {:.0} ms (5 runs, the first loads the fonts)",
        times[2].as_secs_f64() * 1000.0,
        times[0].as_secs_f64() * 1000.0,
        times[4].as_secs_f64() * 1000.0
    );
    println!("  file: {} kB{}", size / 1024, if pages > 0 { format!(", {pages} pages") } else { String::new() });
    println!("  peak resident memory of the process: {} MB before, {} MB after", peak_before / 1024, peak_after / 1024);
}
