//! "Importer le fichier FINESS": what the extract would change, shown before anything is written,
//! then applied in one transaction. Only the départements the administrator chose are taken (an
//! agency loads its region), the legal entities written become the agency's, and those of another
//! agency are refused; re-importing the same file changes nothing.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::BufRead;

use ecars_core::finess::{canonical_departement, FinessNumber};
use ecars_core::vocabulary::ChangeKind;
use ecars_core::vocabulary::Domain;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, Set};

use super::finess_file::{EstablishmentLine, FinessLines, LegalEntityLine, Record};
use crate::audit::{self, Actor, Entry};
use crate::db::begin_write;
use crate::db::entities::{establishment, legal_entity};

/// At most this many refused lines are listed (all are counted).
pub const LISTED_REFUSALS: usize = 500;

/// One field that an import changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub field: &'static str,
    pub before: String,
    pub after: String,
}

/// What the import would do to one legal entity or establishment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Create,
    Update(Vec<Change>),
    Unchanged,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The file (its position among those sent, from 1) and the line.
    pub file: usize,
    pub line: u64,
    pub reason: String,
}

/// A legal entity of the file, with the domain of its establishments (Sanitaire if any of them
/// is; otherwise what the portal had, or Sanitaire for a new one without establishments).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedEntity {
    pub entity: LegalEntityLine,
    pub domain: Domain,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedSite {
    pub site: EstablishmentLine,
    pub outcome: Outcome,
}

/// The preview: every count, and the entities and establishments the import writes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportPlan {
    pub lines_read: u64,
    /// Lines of départements the administrator did not choose.
    pub outside_region: u64,
    pub legal_entities: BTreeMap<FinessNumber, PlannedEntity>,
    pub establishments: BTreeMap<FinessNumber, PlannedSite>,
    pub refused_count: u64,
    /// The first [`LISTED_REFUSALS`] refused lines.
    pub refused: Vec<Refusal>,
}

impl ImportPlan {
    /// How many legal entities (`of_entities`) or establishments have an outcome `wanted`.
    pub fn count(&self, of_entities: bool, wanted: fn(&Outcome) -> bool) -> usize {
        if of_entities {
            self.legal_entities.values().filter(|planned| wanted(&planned.outcome)).count()
        } else {
            self.establishments.values().filter(|planned| wanted(&planned.outcome)).count()
        }
    }

    fn refuse(&mut self, file: usize, line: u64, reason: String) {
        self.refused_count += 1;
        if self.refused.len() < LISTED_REFUSALS {
            self.refused.push(Refusal { file, line, reason });
        }
    }
}

/// The agency an import is made for: what it writes becomes its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportingAgency {
    pub id: i32,
    pub name: String,
}

/// What the files hold for the chosen départements, before any comparison with the database.
struct FileContent {
    plan: ImportPlan,
    /// With the file and line each came from.
    entities: BTreeMap<FinessNumber, (usize, u64, LegalEntityLine)>,
    /// With the file and line each came from.
    sites: Vec<(usize, u64, EstablishmentLine)>,
}

/// Reads every file (legal entities and establishments, in any order, each with the number its
/// refused lines are reported under) and compares what it holds
/// for `departements` with the database. Nothing is written. The files are read on the blocking
/// pool (a national file takes about a second), the database asked twice.
pub async fn plan(
    db: &impl ConnectionTrait,
    agency: &ImportingAgency,
    departements: &[String],
    files: Vec<(usize, Box<dyn BufRead + Send>)>,
) -> Result<ImportPlan, PlanError> {
    let departements = departements.to_vec();
    let content = tokio::task::spawn_blocking(move || read_files(&departements, files))
        .await
        .map_err(|error| PlanError::Read(std::io::Error::other(error)))?
        .map_err(PlanError::Read)?;
    compare_with_database(db, agency, content).await
}

fn read_files(departements: &[String], files: Vec<(usize, Box<dyn BufRead + Send>)>) -> std::io::Result<FileContent> {
    let mut plan = ImportPlan::default();
    let mut entities: BTreeMap<FinessNumber, (usize, u64, LegalEntityLine)> = BTreeMap::new();
    let mut sites: Vec<(usize, u64, EstablishmentLine)> = Vec::new();
    let chosen = |departement: &str| departements.contains(&canonical_departement(departement));
    for (file_number, file) in files {
        for line in FinessLines::new(file) {
            let line = line?;
            plan.lines_read += 1;
            match line.record {
                Record::Ignored => {}
                Record::Refused(reason) => plan.refuse(file_number, line.number, reason),
                Record::LegalEntity(entity) if !chosen(&entity.departement) => plan.outside_region += 1,
                Record::Establishment(site) if !chosen(&site.departement) => plan.outside_region += 1,
                Record::LegalEntity(entity) => {
                    if entities.contains_key(&entity.finess) {
                        plan.refuse(file_number, line.number, format!("FINESS {} en double", entity.finess));
                    } else {
                        entities.insert(entity.finess.clone(), (file_number, line.number, entity));
                    }
                }
                Record::Establishment(site) => sites.push((file_number, line.number, site)),
            }
        }
    }
    Ok(FileContent { plan, entities, sites })
}

async fn compare_with_database(
    db: &impl ConnectionTrait,
    agency: &ImportingAgency,
    content: FileContent,
) -> Result<ImportPlan, PlanError> {
    let FileContent { mut plan, mut entities, sites } = content;
    let known_entities: HashMap<String, legal_entity::Model> =
        legal_entity::Entity::find().all(db).await?.into_iter().map(|entity| (entity.finess.clone(), entity)).collect();
    // Another agency's legal entity is not this agency's to change, nor are its establishments.
    let elsewhere = |finess: &str| {
        known_entities.get(finess).is_some_and(|known| known.agency_id.is_some_and(|owner| owner != agency.id))
    };
    entities.retain(|finess, (file, line, _)| {
        let refused = elsewhere(finess.as_str());
        if refused {
            plan.refuse(*file, *line, format!("entité juridique {finess} rattachée à une autre agence"));
        }
        !refused
    });
    let known_sites: HashMap<String, establishment::Model> =
        establishment::Entity::find().all(db).await?.into_iter().map(|site| (site.finess.clone(), site)).collect();

    let finess_of_entity: HashMap<i32, &str> =
        known_entities.values().map(|entity| (entity.id, entity.finess.as_str())).collect();
    // A legal entity's domain is its establishments': Sanitaire if any of them is.
    let mut domains: HashMap<FinessNumber, Domain> = HashMap::new();
    for (file, line, site) in sites {
        let entity_known =
            entities.contains_key(&site.legal_entity) || known_entities.contains_key(site.legal_entity.as_str());
        if !entity_known {
            plan.refuse(file, line, format!("entité juridique {} inconnue", site.legal_entity));
            continue;
        }
        if elsewhere(site.legal_entity.as_str()) {
            plan.refuse(file, line, format!("entité juridique {} rattachée à une autre agence", site.legal_entity));
            continue;
        }
        // After the import the establishment is the agency's: its legal entity is, or becomes so
        // by this very import (an entity of no agency is taken only from its own line).
        let ours_after = entities.contains_key(&site.legal_entity)
            || known_entities.get(site.legal_entity.as_str()).is_some_and(|known| known.agency_id == Some(agency.id));
        if !ours_after {
            plan.refuse(
                file,
                line,
                format!(
                    "entité juridique {} rattachée à aucune agence : importez sa ligne avec celle de l'établissement",
                    site.legal_entity
                ),
            );
            continue;
        }
        if plan.establishments.contains_key(&site.finess) {
            plan.refuse(file, line, format!("FINESS {} en double", site.finess));
            continue;
        }
        let domain = domains.entry(site.legal_entity.clone()).or_insert(site.domain);
        if site.domain == Domain::Sanitaire {
            *domain = Domain::Sanitaire;
        }
        let known_site = known_sites.get(site.finess.as_str());
        let current_entity =
            known_site.and_then(|known| finess_of_entity.get(&known.legal_entity_id).copied()).unwrap_or("");
        // Owned before and after: an establishment of another agency's legal entity is not
        // this agency's to move, even under one of its own.
        if elsewhere(current_entity) {
            plan.refuse(file, line, format!("établissement {} rattaché à une autre agence", site.finess));
            continue;
        }
        let outcome = match known_site {
            None => Outcome::Create,
            Some(known) => {
                let entity_finess = current_entity;
                compare(&[
                    ("entité juridique", entity_finess, site.legal_entity.as_str()),
                    ("raison sociale", &known.name, &site.name),
                    ("adresse", &known.address, &site.address),
                    ("région", &known.region, &site.region),
                    ("domaine", known.domain.label(), site.domain.label()),
                ])
            }
        };
        plan.establishments.insert(site.finess.clone(), PlannedSite { site, outcome });
    }
    for (finess, (_, _, entity)) in entities {
        let known = known_entities.get(finess.as_str());
        let domain = domains.get(&finess).copied().or(known.map(|known| known.domain)).unwrap_or(Domain::Sanitaire);
        let outcome = match known {
            None => Outcome::Create,
            Some(known) => {
                // Loaded before agencies existed, or by a national administrator.
                let owner = if known.agency_id.is_some() { agency.name.as_str() } else { "aucune" };
                compare(&[
                    ("raison sociale", &known.name, &entity.name),
                    ("adresse", &known.address, &entity.address),
                    ("téléphone", &known.phone, &entity.phone),
                    ("domaine", known.domain.label(), domain.label()),
                    ("agence", owner, &agency.name),
                ])
            }
        };
        plan.legal_entities.insert(finess, PlannedEntity { entity, domain, outcome });
    }
    Ok(plan)
}

fn compare(fields: &[(&'static str, &str, &str)]) -> Outcome {
    let changes: Vec<Change> = fields
        .iter()
        .filter(|(_, before, after)| before != after)
        .map(|(field, before, after)| Change { field, before: (*before).to_owned(), after: (*after).to_owned() })
        .collect();
    if changes.is_empty() {
        Outcome::Unchanged
    } else {
        Outcome::Update(changes)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("le fichier n'a pas pu être lu jusqu'au bout")]
    Read(#[source] std::io::Error),
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// What "Confirmer l'import" wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Applied {
    pub created: usize,
    pub updated: usize,
}

/// Writes the plan in one transaction: legal entities first, then their establishments, and the
/// import in the journal. The legal entities become the agency's.
pub async fn apply(
    db: &DatabaseConnection,
    agency: &ImportingAgency,
    departements: &[String],
    plan: &ImportPlan,
    actor: &Actor,
) -> Result<Applied, DbErr> {
    let agency_id = agency.id;
    let txn = begin_write(db).await?;
    let mut applied = Applied::default();
    let entities = legal_entity::Entity::find().all(&txn).await?;
    // What belongs to another agency by now (the plan may be minutes old) is left as it is.
    let others: HashSet<i32> = entities
        .iter()
        .filter(|entity| entity.agency_id.is_some_and(|owner| owner != agency_id))
        .map(|entity| entity.id)
        .collect();
    // The agency's entities once this import has written its own.
    let mut ours: HashSet<i32> =
        entities.iter().filter(|entity| entity.agency_id == Some(agency_id)).map(|entity| entity.id).collect();
    let mut entity_ids: HashMap<String, i32> = entities.into_iter().map(|entity| (entity.finess, entity.id)).collect();
    for (finess, PlannedEntity { entity, domain, outcome }) in &plan.legal_entities {
        let existing = entity_ids.get(finess.as_str()).copied();
        if existing.is_some_and(|id| others.contains(&id)) {
            continue;
        }
        let mut row = match (outcome, existing) {
            (Outcome::Unchanged, _) => continue,
            (_, Some(id)) => legal_entity::ActiveModel { id: Set(id), ..Default::default() },
            (_, None) => legal_entity::ActiveModel { finess: Set(finess.to_string()), ..Default::default() },
        };
        row.name = Set(entity.name.clone());
        row.address = Set(entity.address.clone());
        row.phone = Set(entity.phone.clone());
        row.domain = Set(*domain);
        row.agency_id = Set(Some(agency_id));
        let saved = match existing {
            Some(_) => {
                applied.updated += 1;
                row.update(&txn).await?
            }
            None => {
                applied.created += 1;
                row.insert(&txn).await?
            }
        };
        ours.insert(saved.id);
        entity_ids.insert(saved.finess, saved.id);
    }
    let site_ids: HashMap<String, (i32, i32)> = establishment::Entity::find()
        .all(&txn)
        .await?
        .into_iter()
        .map(|site| (site.finess, (site.id, site.legal_entity_id)))
        .collect();
    for (finess, PlannedSite { site, outcome }) in &plan.establishments {
        let Some(&legal_entity_id) = entity_ids.get(site.legal_entity.as_str()) else { continue };
        let current = site_ids.get(finess.as_str()).copied();
        if !ours.contains(&legal_entity_id) || current.is_some_and(|(_, owner)| others.contains(&owner)) {
            continue;
        }
        let existing = current.map(|(id, _)| id);
        let mut row = match (outcome, existing) {
            (Outcome::Unchanged, _) => continue,
            (_, Some(id)) => establishment::ActiveModel { id: Set(id), ..Default::default() },
            (_, None) => establishment::ActiveModel { finess: Set(finess.to_string()), ..Default::default() },
        };
        row.legal_entity_id = Set(legal_entity_id);
        row.name = Set(site.name.clone());
        row.address = Set(site.address.clone());
        row.region = Set(site.region.clone());
        row.domain = Set(site.domain);
        match existing {
            Some(_) => {
                applied.updated += 1;
                row.update(&txn).await?;
            }
            None => {
                applied.created += 1;
                row.insert(&txn).await?;
            }
        }
    }
    if applied != Applied::default() {
        let after = serde_json::json!({
            "départements": departements,
            "créations": applied.created,
            "mises à jour": applied.updated,
            "lignes refusées": plan.refused_count,
        });
        let change =
            Entry { kind: ChangeKind::FinessImported, subject: agency.name.clone(), before: None, after: Some(after) };
        audit::record(&txn, actor, Some(agency_id), change).await?;
    }
    txn.commit().await?;
    Ok(applied)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::testing::demo_database;
    use sea_orm::{ColumnTrait, PaginatorTrait, QueryFilter};

    const METADATA: &str = "finess;etalab;100;2026-11-30\n";

    fn entity_line(finess: &str, rs: &str, departement: &str) -> String {
        format!("structureej;{finess};{rs};;;2;R;DES LILAS;;;;001;{departement}000 VILLE;{departement};DEP;0102030405;60;Association;;;;;\n")
    }

    fn site_line(finess: &str, ej: &str, departement: &str, aggregate: &str) -> String {
        format!("structureet;{finess};{ej};SITE {finess};;;;3;AV;DU PARC;;;001;{departement};DEP;{departement}100 BOURG;;;500;X;{aggregate};Y;;;;;;;;;;\n")
    }

    /// The files, numbered from 1 as the staging numbers them.
    fn files(texts: &[String]) -> Vec<(usize, Box<dyn BufRead + Send>)> {
        let reader =
            |text: &String| Box::new(std::io::Cursor::new(text.clone().into_bytes())) as Box<dyn BufRead + Send>;
        texts.iter().enumerate().map(|(index, text)| (index + 1, reader(text))).collect()
    }

    async fn agency(db: &DatabaseConnection, name: &str) -> ImportingAgency {
        let agency = crate::agencies::service::find_by_name(db, name).await.unwrap().unwrap();
        ImportingAgency { id: agency.id, name: agency.name }
    }

    #[tokio::test]
    async fn the_preview_counts_then_the_import_writes_and_a_second_one_changes_nothing() {
        let db = demo_database().await;
        let bfc = agency(&db, crate::demo::BFC).await;
        let actor = Actor::command_line();
        let departements = vec!["21".to_owned(), "25".to_owned(), "38".to_owned()];
        let entities = format!(
            "{METADATA}{}{}{}{}{}",
            entity_line("210000111", "ASSOCIATION DES LILAS", "21"),
            entity_line("250000222", "FONDATION DU DOUBS", "25"),
            entity_line("690000333", "HORS REGION", "69"),
            entity_line("21000011", "MAL FORME", "21"),
            // The CHU is the other demo agency's.
            entity_line(crate::demo::CHU_GRENOBLE_FINESS, "CHU DE GRENOBLE ALPES", "38"),
        );
        let sites = format!(
            "{METADATA}{}{}{}",
            site_line("210000999", "210000111", "21", "4401"),
            site_line("250000888", "250000222", "25", "1102"),
            site_line("210000777", "219999999", "21", "4401"),
        );
        let preview = plan(&db, &bfc, &departements, files(&[entities.clone(), sites.clone()])).await.unwrap();
        assert_eq!(preview.lines_read, 10);
        assert_eq!(preview.outside_region, 1);
        assert_eq!(preview.count(true, |outcome| *outcome == Outcome::Create), 2);
        assert_eq!(preview.count(false, |outcome| *outcome == Outcome::Create), 2);
        assert_eq!(preview.refused_count, 3, "{:?}", preview.refused);
        assert_eq!((preview.refused[0].file, preview.refused[0].line), (1, 5));
        assert!(preview
            .refused
            .iter()
            .any(|refused| refused.line == 6 && refused.reason.contains("rattachée à une autre agence")));
        assert!(preview.refused.iter().any(|refused| refused.reason.contains("entité juridique 219999999 inconnue")));
        let before = legal_entity::Entity::find().count(&db).await.unwrap();
        assert_eq!(legal_entity::Entity::find().count(&db).await.unwrap(), before, "the preview writes nothing");

        let applied = apply(&db, &bfc, &departements, &preview, &actor).await.unwrap();
        assert_eq!(applied, Applied { created: 4, updated: 0 });
        let journal = crate::db::entities::journal_entry::Entity::find().all(&db).await.unwrap();
        assert!(journal
            .iter()
            .any(|entry| entry.kind == ChangeKind::FinessImported && entry.agency_id == Some(bfc.id)));
        let lilas = legal_entity::Entity::find()
            .filter(legal_entity::Column::Finess.eq("210000111"))
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((lilas.address.as_str(), lilas.domain), ("2 R DES LILAS 21000 VILLE", Domain::MedicoSocial));
        assert_eq!(lilas.agency_id, Some(bfc.id), "what an agency imports is its own");
        let doubs = legal_entity::Entity::find()
            .filter(legal_entity::Column::Finess.eq("250000222"))
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(doubs.domain, Domain::Sanitaire);

        let again = plan(&db, &bfc, &departements, files(&[entities.clone(), sites.clone()])).await.unwrap();
        assert_eq!(again.count(true, |outcome| *outcome == Outcome::Unchanged), 2);
        assert_eq!(again.count(false, |outcome| *outcome == Outcome::Unchanged), 2);
        assert_eq!(
            apply(&db, &bfc, &departements, &again, &actor).await.unwrap(),
            Applied::default(),
            "re-importing changes nothing"
        );

        // A renamed entity: one update, saying what changes.
        let renamed = entities.replace("FONDATION DU DOUBS", "FONDATION DU HAUT-DOUBS");
        let update = plan(&db, &bfc, &departements, files(&[renamed, sites])).await.unwrap();
        let planned = &update.legal_entities[&FinessNumber::parse("250000222").unwrap()];
        assert_eq!(
            &planned.outcome,
            &Outcome::Update(vec![Change {
                field: "raison sociale",
                before: "FONDATION DU DOUBS".to_owned(),
                after: "FONDATION DU HAUT-DOUBS".to_owned()
            }])
        );
    }

    #[tokio::test]
    async fn an_establishment_of_another_agency_is_not_moved_under_one_of_its_own() {
        let db = demo_database().await;
        let bfc = agency(&db, crate::demo::BFC).await;
        let chu_site = establishment::Entity::find()
            .filter(establishment::Column::Finess.eq("380000174"))
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        // The line says département 21, as the attacker wrote it.
        let sites = format!("{METADATA}{}", site_line("380000174", crate::demo::ACODEGE_FINESS, "21", "1102"));
        let preview = plan(&db, &bfc, &["21".to_owned()], files(std::slice::from_ref(&sites))).await.unwrap();
        assert!(preview.establishments.is_empty(), "{:?}", preview.establishments);
        assert_eq!(preview.refused.len(), 1);
        assert_eq!(preview.refused[0].line, 2);
        assert!(preview.refused[0].reason.contains("rattaché à une autre agence"), "{:?}", preview.refused);

        // A plan made before the check (or before the site changed hands) does not move it either.
        let mut forged = preview.clone();
        let site = FinessLines::new(std::io::Cursor::new(sites.clone()))
            .find_map(|line| match line.unwrap().record {
                Record::Establishment(site) => Some(site),
                _ => None,
            })
            .unwrap();
        forged.establishments.insert(site.finess.clone(), PlannedSite { site, outcome: Outcome::Create });
        apply(&db, &bfc, &["21".to_owned()], &forged, &Actor::command_line()).await.unwrap();
        let after = establishment::Entity::find_by_id(chu_site.id).one(&db).await.unwrap().unwrap();
        assert_eq!(after, chu_site, "the CHU's site is still the CHU's");
    }

    #[tokio::test]
    async fn an_establishment_is_not_moved_out_of_the_agency_under_an_entity_of_no_agency() {
        let db = demo_database().await;
        let ara = agency(&db, crate::demo::ARA).await;
        let unowned = legal_entity::ActiveModel {
            finess: Set("380000999".to_owned()),
            name: Set("ENTITE SANS AGENCE".to_owned()),
            address: Set(String::new()),
            phone: Set(String::new()),
            domain: Set(Domain::Sanitaire),
            agency_id: Set(None),
            ..Default::default()
        }
        .insert(&db)
        .await
        .unwrap();
        let sites = format!("{METADATA}{}", site_line("380000174", &unowned.finess, "38", "1102"));
        let preview = plan(&db, &ara, &["38".to_owned()], files(std::slice::from_ref(&sites))).await.unwrap();
        assert!(preview.establishments.is_empty(), "{:?}", preview.establishments);
        assert!(preview.refused[0].reason.contains("rattachée à aucune agence"), "{:?}", preview.refused);
        // With the entity's own line, the entity becomes the agency's and the site may follow it.
        let entities = format!("{METADATA}{}", entity_line(&unowned.finess, "ENTITE SANS AGENCE", "38"));
        let preview = plan(&db, &ara, &["38".to_owned()], files(&[entities, sites])).await.unwrap();
        assert_eq!(preview.establishments.len(), 1, "{:?}", preview.refused);
    }
}
