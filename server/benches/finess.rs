//! `make bench`, FINESS import: a generated national extract (100,000 lines of establishments and
//! geolocations, 20,000 lines of legal entities, all départements, accents in Windows-1252) read
//! for one region's départements, then written; the time of each step and the process's memory
//! (resident now and at its peak, from /proc). Prints figures; asserts nothing about speed.

// A harness that stops on the first surprise, like a test: the workspace lints deny this elsewhere.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufReader, BufWriter, Write};
use std::time::Instant;

use app::administration::finess_import::{apply, plan, ImportingAgency, Outcome};
use app::agencies::{AgencyForm, NewAgency};
use app::audit::Actor;

const LEGAL_ENTITIES: usize = 20_000;
const ESTABLISHMENTS: usize = 50_000;
const BFC: [&str; 8] = ["21", "25", "39", "58", "70", "71", "89", "90"];

fn departement(n: usize) -> String {
    format!("{:02}", n % 95 + 1)
}

fn write_files(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let entities = dir.join("etalab-cs1100501-stock-bench.csv");
    let sites = dir.join("etalab-cs1100502-stock-bench.csv");
    let mut out = BufWriter::new(std::fs::File::create(&entities).unwrap());
    writeln!(out, "finess;etalab;100;2026-11-30").unwrap();
    for n in 0..LEGAL_ENTITIES {
        let dep = departement(n);
        let line = format!(
            "structureej;{dep}{n:07};ASSOCIATION SAINTE-HÉLÈNE {n};;;{n};R;DE L'ÉGLISE;;;;001;{dep}000 VILLE;{dep};DEP;0102030405;60;Association;;;;;\n"
        );
        out.write_all(&encoding_rs::WINDOWS_1252.encode(&line).0).unwrap();
    }
    out.flush().unwrap();
    let mut out = BufWriter::new(std::fs::File::create(&sites).unwrap());
    writeln!(out, "finess;etalab;100;2026-11-30").unwrap();
    for n in 0..ESTABLISHMENTS {
        let entity = n % LEGAL_ENTITIES;
        let dep = departement(entity);
        let aggregate = if n % 3 == 0 { "1102" } else { "4401" };
        let line = format!(
            "structureet;{dep}{:07};{dep}{entity:07};\"EHPAD \"\"LES TILLEULS\"\" {n}\";;;;3;AV;DU PARC;;;001;{dep};DEP;{dep}100 BOURG;;;500;X;{aggregate};Y;;;;;;;;;;\n",
            LEGAL_ENTITIES + n
        );
        out.write_all(&encoding_rs::WINDOWS_1252.encode(&line).0).unwrap();
        writeln!(out, "geolocalisation;{dep}{:07};1.0;2.0;IGN;2026-01-01", LEGAL_ENTITIES + n).unwrap();
    }
    out.flush().unwrap();
    (entities, sites)
}

fn memory_kb(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|line| line.starts_with(field)).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let (entities, sites) = write_files(dir.path());
    let size_mb = (std::fs::metadata(&entities).unwrap().len() + std::fs::metadata(&sites).unwrap().len()) / 1_000_000;
    let database = format!("sqlite://{}?mode=rwc", dir.path().join("ecars.db").display());
    let db = app::db::connect(&database).await.unwrap();
    <migrations::Migrator as sea_orm_migration::MigratorTrait>::up(&db, None).await.unwrap();
    let departements: Vec<String> = BFC.iter().map(|dep| dep.to_string()).collect();
    let form = AgencyForm {
        name: "ARS Bourgogne-Franche-Comté".to_owned(),
        region: "Bourgogne-Franche-Comté".to_owned(),
        departements: departements.join(","),
        quality_email: "qualite@ars.fr".to_owned(),
        support_email: "support@ars.fr".to_owned(),
        support_phone: "03 80 00 00 00".to_owned(),
        administrator_email: "admin@ars.fr".to_owned(),
    };
    let agency = app::agencies::service::insert(&db, &NewAgency::parse(&form).unwrap()).await.unwrap();
    let agency = ImportingAgency { id: agency.id, name: agency.name };
    let actor = Actor::command_line();
    let open = |path: &std::path::Path| -> Box<dyn std::io::BufRead + Send> {
        Box::new(BufReader::new(std::fs::File::open(path).unwrap()))
    };
    let files = || vec![(1, open(&entities)), (2, open(&sites))];

    let before = memory_kb("VmRSS");
    let started = Instant::now();
    let preview = plan(&db, &agency, &departements, files()).await.unwrap();
    let planned = started.elapsed();
    let started = Instant::now();
    let applied = apply(&db, &agency, &departements, &preview, &actor).await.unwrap();
    let written = started.elapsed();
    let started = Instant::now();
    let again = plan(&db, &agency, &departements, files()).await.unwrap();
    let replanned = started.elapsed();

    println!("== FINESS import ({size_mb} MB, {} lines, départements of Bourgogne-Franche-Comté)", preview.lines_read);
    println!(
        "  preview  {:>7.0} ms  ({} legal entities and {} establishments to create, {} lines outside the region, {} refused)",
        planned.as_secs_f64() * 1000.0,
        preview.count(true, |outcome| *outcome == Outcome::Create),
        preview.count(false, |outcome| *outcome == Outcome::Create),
        preview.outside_region,
        preview.refused_count,
    );
    println!("  write    {:>7.0} ms  ({} rows in one transaction)", written.as_secs_f64() * 1000.0, applied.created);
    println!(
        "  again    {:>7.0} ms  ({} unchanged legal entities: re-importing changes nothing)",
        replanned.as_secs_f64() * 1000.0,
        again.count(true, |outcome| *outcome == Outcome::Unchanged)
    );
    println!(
        "  memory   {} MB resident before, {} MB now, {} MB at the peak of the whole run",
        before / 1024,
        memory_kb("VmRSS") / 1024,
        memory_kb("VmHWM") / 1024
    );
}
