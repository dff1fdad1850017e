//! `make bench`, follow-up: a region of 300 evaluations of 500 questions each (two thirds of the
//! questions answered), served by the real application on loopback, first on SQLite, then on
//! PostgreSQL. Prints the time of "Suivi de la campagne", of its charts and of each export, the
//! exports' sizes, and how much the process's peak memory grew; asserts nothing about speed.

// A harness that stops on the first surprise, like a test: the workspace lints deny this elsewhere.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Instant;

use app::contracts::{ContractKind, Phase};
use app::db::entities::indicator::NodeKind;
use app::db::entities::{answer, contract, evaluation, indicator, legal_entity};
use app::evaluation::ValueKind;
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait, TransactionTrait};
use server::config::DatabaseUrl;
use server::{Application, Config};

mod support;

const EVALUATIONS: i32 = 300;
const OBJECTIVES: i32 = 10;
const QUESTIONS_PER_OBJECTIVE: i32 = 50;
/// A year of its own, so that the demo's evaluations are not in it.
const YEAR: i32 = 2030;
const ADMIN: (&str, &str) = ("admin@ars.exemple.fr", "Admin-Demo-2026!");
const RUNS: usize = 5;

#[tokio::main]
async fn main() {
    println!(
        "e-CARS follow-up bench: {EVALUATIONS} evaluations x {} questions, median of {RUNS} runs\n",
        OBJECTIVES * QUESTIONS_PER_OBJECTIVE
    );
    let sqlite_dir = tempfile::tempdir().expect("temporary data directory");
    run("SQLite (WAL, synchronous=FULL)", DatabaseUrl::sqlite_in(sqlite_dir.path()), &sqlite_dir).await;
    let postgres_dir = tempfile::tempdir().expect("temporary data directory");
    match support::fresh_postgres_database("ecars_bench_follow_up").await {
        Ok(url) => run("PostgreSQL", url, &postgres_dir).await,
        Err(error) => println!("PostgreSQL skipped: {error}"),
    }
}

async fn run(name: &str, database: DatabaseUrl, data_dir: &tempfile::TempDir) {
    let config = Config::on_loopback(database.clone(), data_dir.path());
    let application = Application::build(config).await.expect("the application starts");
    let base = format!("http://{}", application.address());
    tokio::spawn(application.run_until_stopped());
    let db = app::db::connect(database.as_str()).await.expect("database reachable");
    let started = Instant::now();
    seed(&db).await;
    println!("== {name}: region written in {:.1} s", started.elapsed().as_secs_f64());

    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(support::as_the_portals_pages())
        .build()
        .unwrap();
    let cookie = support::session_cookie(&client, &base, ADMIN).await;
    let peak_before = peak_memory_kib();
    for (label, path) in [
        ("Suivi de la campagne, page 1", format!("/suivi?annee={YEAR}")),
        ("Suivi, sorted by percentage", format!("/suivi?annee={YEAR}&tri=remplissage&ordre=asc&page=4")),
        ("Graphiques du suivi", format!("/suivi/graphiques?annee={YEAR}")),
        ("Export .xlsx (both sheets)", format!("/api/suivi/export/xlsx?annee={YEAR}")),
        ("Export .ods (both sheets)", format!("/api/suivi/export/ods?annee={YEAR}")),
        ("Export .csv (Réponses)", format!("/api/suivi/export/csv?annee={YEAR}&feuille=reponses")),
    ] {
        let mut times = Vec::with_capacity(RUNS);
        let mut size = 0;
        for _ in 0..RUNS {
            let started = Instant::now();
            let response = client.get(format!("{base}{path}")).header("cookie", &cookie).send().await.unwrap();
            assert_eq!(response.status(), 200, "{path}");
            // Read as it comes, so that the figure of memory is the server's, not a buffered body.
            let mut response = response;
            size = 0;
            while let Some(chunk) = response.chunk().await.unwrap() {
                size += chunk.len();
            }
            times.push(started.elapsed().as_secs_f64());
        }
        times.sort_by(f64::total_cmp);
        println!("  {label:<34} {:>7.0} ms   {:>8} KB", times[RUNS / 2] * 1000.0, size / 1024);
    }
    match (peak_before, peak_memory_kib()) {
        (Some(before), Some(after)) => {
            println!(
                "  peak memory of the process: {} MB, {} MB more than before the runs",
                after / 1024,
                after.saturating_sub(before) / 1024
            )
        }
        _ => println!("  peak memory: not measured on this system"),
    }
    println!();
}

/// The process's peak resident memory (VmHWM), in KiB.
fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// 300 legal entities, each with a CAQES and its evaluation of [`YEAR`]: ten objectives of fifty
/// questions, two thirds answered, one in ten evaluations closed.
async fn seed(db: &DatabaseConnection) {
    let txn = db.begin().await.unwrap();
    let today = chrono::Utc::now();
    // Ids of their own, far above the demo's, so that objectives and questions can be linked
    // without reading ids back.
    let base = 1_000_000;
    let mut indicators = Vec::new();
    let mut answers = Vec::new();
    for n in 0..EVALUATIONS {
        let id = base + n;
        legal_entity::Entity::insert(legal_entity::ActiveModel {
            id: Set(id),
            finess: Set(format!("{:02}{:07}", 1 + n % 95, 1_000_000 + n)),
            name: Set(format!("CENTRE HOSPITALIER DE BANC D'ESSAI {n}")),
            address: Set("1 RUE DE LA MESURE".into()),
            phone: Set("0100000000".into()),
            domain: Set(app::legal_entities::Domain::Sanitaire),
            agency_id: Set(None),
        })
        .exec(&txn)
        .await
        .unwrap();
        contract::Entity::insert(contract::ActiveModel {
            id: Set(id),
            legal_entity_id: Set(id),
            kind: Set(ContractKind::Caqes),
            name: Set(format!("CAQES BANC {n}")),
            code: Set(format!("BANC-{n}")),
            status: Set("Signé".into()),
            agency_contact: Set("Banc d'essai".into()),
            estimated_signature_date: Set(None),
            effective_date: Set(None),
            prorogation_months: Set(None),
            effective_end_date: Set(None),
            last_prorogation_date: Set(None),
            created_on: Set(today.date_naive()),
            status_reason: Set(None),
            competence: Set(None),
            referential_version_id: Set(None),
        })
        .exec(&txn)
        .await
        .unwrap();
        evaluation::Entity::insert(evaluation::ActiveModel {
            id: Set(id),
            contract_id: Set(id),
            year: Set(YEAR),
            phase: Set(if n % 10 == 0 { Phase::Consultation } else { Phase::AutoEvaluation }),
            referential_version_id: Set(None),
            campaign_id: Set(None),
            opens_on: Set(None),
            closes_on: Set(None),
            extended_until: Set(None),
            opened_at: Set(None),
            ..Default::default()
        })
        .exec(&txn)
        .await
        .unwrap();
        let mut position = 0;
        for objective in 0..OBJECTIVES {
            let objective_id = base * 10 + n * 1000 + objective * (QUESTIONS_PER_OBJECTIVE + 1);
            indicators.push(node(objective_id, id, None, NodeKind::Objective, format!("{}", objective + 1), position));
            position += 1;
            for question in 0..QUESTIONS_PER_OBJECTIVE {
                let question_id = objective_id + 1 + question;
                indicators.push(node(
                    question_id,
                    id,
                    Some(objective_id),
                    NodeKind::Question,
                    format!("{}.{}", objective + 1, question + 1),
                    position,
                ));
                position += 1;
                if question % 3 != 0 {
                    answers.push(answer::ActiveModel {
                        question_id: Set(question_id),
                        not_concerned: Set(question % 7 == 0),
                        achieved: Set(Some(format!("{},5", question))),
                        comment: Set(Some("Relevé du tableau de bord trimestriel".into())),
                        version: Set(1),
                        // Answered over the weeks of the campaign, each at its own moment.
                        updated_at: Set(
                            today - chrono::Duration::seconds(i64::from(n * 600 + question * 7 + objective))
                        ),
                        updated_by: Set(None),
                        ..Default::default()
                    });
                }
            }
        }
    }
    for chunk in indicators.chunks(1000) {
        indicator::Entity::insert_many(chunk.to_vec()).exec(&txn).await.unwrap();
    }
    for chunk in answers.chunks(1000) {
        answer::Entity::insert_many(chunk.to_vec()).exec(&txn).await.unwrap();
    }
    // What the portal keeps with every save.
    for n in 0..EVALUATIONS {
        app::evaluation::figures::refresh(&txn, base + n).await.unwrap();
    }
    txn.commit().await.unwrap();
}

fn node(
    id: i32,
    evaluation_id: i32,
    parent_id: Option<i32>,
    kind: NodeKind,
    code: String,
    position: i32,
) -> indicator::ActiveModel {
    indicator::ActiveModel {
        id: Set(id),
        contract_id: Set(evaluation_id),
        evaluation_id: Set(evaluation_id),
        parent_id: Set(parent_id),
        node_kind: Set(kind),
        label: Set(format!("Libellé de l'indicateur {code}, tel qu'un référentiel régional l'écrit")),
        code: Set(code),
        position: Set(position),
        year: Set(Some(YEAR)),
        target: Set((kind == NodeKind::Question).then(|| "80 %".to_owned())),
        value_kind: Set((kind == NodeKind::Question).then_some(ValueKind::Percentage)),
        editable_by_establishment: Set(true),
        previous_achieved: Set((kind == NodeKind::Question).then(|| "75".to_owned())),
        previous_comment: Set(None),
        direction: Set(Default::default()),
        weight: Set(Default::default()),
    }
}
