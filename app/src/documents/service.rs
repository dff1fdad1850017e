//! Document rows: where a document may be added, by whom, its record once stored, the lists the
//! blocks show, what "Récupérer tous les documents" packs, and the evaluation report notice.

use ecars_core::ids::{ContractId, QuestionId};
use ecars_core::vocabulary::ContractKind;
use ecars_core::vocabulary::NodeKind;
use ecars_core::vocabulary::Role;

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};

use super::store::StoredFile;
use super::{DocumentFolder, DocumentRow, Place, ReportNotice};
use crate::accounts::access::{self, Viewer};
use crate::accounts::directory::{emails_by_id, user_emails};
use crate::agencies::service::quality_email_of_legal_entity;
use crate::db::entities::{document, establishment, evaluation, indicator};
use crate::db::{begin_write, french_date_time};
use crate::evaluation::years::server as years;
use crate::mail::outbox::Outbox;
use crate::mail::templates;
use crate::state::Settings;
use crate::AppError;

/// The stored names the database knows, to find files that have no row.
pub async fn stored_names(db: &impl ConnectionTrait) -> Result<HashSet<String>, DbErr> {
    let names: Vec<String> =
        document::Entity::find().select_only().column(document::Column::StoredName).into_tuple().all(db).await?;
    Ok(names.into_iter().collect())
}

/// Where `place` is: its legal entity, and the evaluation whose phase governs it (none for an
/// establishment, whose folder stays open): a question's own, or a contract's current one.
struct Located {
    legal_entity_id: i32,
    evaluation: Option<evaluation::Model>,
    /// Whether the evaluation can change today (see `ContractAccess::check_open`).
    open: Result<(), AppError>,
    contract_kind: Option<ContractKind>,
    /// A national question (grey) is read-only for the establishment, documents included.
    national_question: bool,
}

async fn locate(db: &impl ConnectionTrait, viewer: &Viewer, place: Place) -> Result<Located, AppError> {
    let (access, national_question) = match place {
        Place::Establishment(id) => {
            let establishment = access::readable_establishment(db, viewer, id).await?;
            return Ok(Located {
                legal_entity_id: establishment.legal_entity_id,
                evaluation: None,
                open: Ok(()),
                contract_kind: None,
                national_question: false,
            });
        }
        Place::Contract(id) => (crate::evaluation::access::readable_contract(db, viewer, ContractId(id)).await?, false),
        Place::Question(id) => {
            let (question, access) = crate::evaluation::access::readable_question(db, viewer, QuestionId(id)).await?;
            (access, !question.editable_by_establishment)
        }
    };
    Ok(Located {
        legal_entity_id: access.contract.legal_entity_id,
        contract_kind: Some(access.contract.kind),
        open: access.check_open(viewer.today()),
        evaluation: Some(access.evaluation),
        national_question,
    })
}

/// Checked before a single byte is stored: the viewer may add a document at `place` now.
pub async fn check_can_add(db: &impl ConnectionTrait, viewer: &Viewer, place: Place) -> Result<(), AppError> {
    let located = locate(db, viewer, place).await?;
    may_add(viewer, place, &located)
}

fn may_add(viewer: &Viewer, place: Place, located: &Located) -> Result<(), AppError> {
    access::check_writes(viewer, located.legal_entity_id)?;
    // A CAQES takes the establishment's documents at the question level only (DOMAIN.md, rule 8).
    if matches!(place, Place::Contract(_)) && located.contract_kind == Some(ContractKind::Caqes) {
        return Err(AppError::NotEditable(
            "Pour un CAQES, ajoutez les documents au niveau des indicateurs.".to_owned(),
        ));
    }
    if located.national_question {
        return Err(AppError::NotEditable(
            "Cette question est évaluée au niveau national : elle ne prend pas de documents de l'établissement."
                .to_owned(),
        ));
    }
    located.open.clone()
}

/// The documents of `place`, oldest first, and whether the viewer may add one there now.
pub async fn folder(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    place: Place,
    max_bytes: u64,
) -> Result<DocumentFolder, AppError> {
    let located = locate(db, viewer, place).await?;
    let can_add = may_add(viewer, place, &located).is_ok();
    let documents = of_place(db, place).await?;
    let authors = emails_by_id(db, documents.iter().filter_map(|document| document.created_by)).await?;
    let documents = documents.into_iter().map(|document| row(document, &authors)).collect();
    Ok(DocumentFolder { place, documents, can_add, max_bytes })
}

async fn of_place(db: &impl ConnectionTrait, place: Place) -> Result<Vec<document::Model>, DbErr> {
    let (column, id) = match place {
        Place::Contract(id) => (document::Column::ContractId, id),
        Place::Question(id) => (document::Column::QuestionId, id),
        Place::Establishment(id) => (document::Column::EstablishmentId, id),
    };
    document::Entity::find()
        .filter(column.eq(id))
        .order_by_asc(document::Column::CreatedAt)
        .order_by_asc(document::Column::Id)
        .all(db)
        .await
}

fn row(document: document::Model, authors: &HashMap<i32, String>) -> DocumentRow {
    DocumentRow {
        id: document.id,
        added_at: french_date_time(document.created_at),
        added_by: document.created_by.and_then(|id| authors.get(&id).cloned()),
        report: document.evaluation_report.then(|| ReportNotice {
            notified_at: document.report_notified_at.map(french_date_time),
            notified_to: document
                .report_notified_to
                .map(|to| to.split(", ").map(str::to_owned).collect())
                .unwrap_or_default(),
        }),
        name: document.original_name,
    }
}

/// Records a document already stored. For a contract or a question the row is written under the
/// contract's lock, so a closing in between refuses it (the file then stays unreferenced, and is
/// reported at the next start).
pub async fn record(
    db: &DatabaseConnection,
    viewer: &Viewer,
    place: Place,
    name: &str,
    content_type: &str,
    stored: &StoredFile,
) -> Result<DocumentRow, AppError> {
    let located = locate(db, viewer, place).await?;
    let txn = db.begin().await?;
    if let Some(evaluation) = &located.evaluation {
        years::lock_open(&txn, evaluation.id, viewer.today()).await?;
    }
    let (contract_id, question_id, establishment_id) = match place {
        Place::Contract(id) => (Some(id), None, None),
        Place::Question(id) => (None, Some(id), None),
        Place::Establishment(id) => (None, None, Some(id)),
    };
    let document = document::ActiveModel {
        contract_id: Set(contract_id),
        question_id: Set(question_id),
        establishment_id: Set(establishment_id),
        original_name: Set(name.to_owned()),
        stored_name: Set(stored.stored_name.clone()),
        sha256: Set(stored.sha256.clone()),
        size_bytes: Set(stored.size_bytes as i64),
        content_type: Set(content_type.to_owned()),
        evaluation_report: Set(false),
        created_at: Set(Utc::now()),
        created_by: Set(Some(viewer.user_id)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    if let (Some(_), Some(evaluation)) = (question_id, &located.evaluation) {
        crate::evaluation::figures::refresh(&txn, evaluation.id).await?;
    }
    txn.commit().await?;
    Ok(row(document, &HashMap::from([(viewer.user_id, viewer.email.clone())])))
}

/// A document the viewer may read (download).
pub async fn readable(db: &impl ConnectionTrait, viewer: &Viewer, id: i32) -> Result<document::Model, AppError> {
    let document = document::Entity::find_by_id(id).one(db).await?.ok_or(AppError::NotFound)?;
    locate(db, viewer, place_of(&document)?).await?;
    Ok(document)
}

fn place_of(document: &document::Model) -> Result<Place, AppError> {
    match (document.contract_id, document.question_id, document.establishment_id) {
        (Some(id), _, _) => Ok(Place::Contract(id)),
        (_, Some(id), _) => Ok(Place::Question(id)),
        (_, _, Some(id)) => Ok(Place::Establishment(id)),
        _ => Err(AppError::NotFound),
    }
}

/// One file of "Récupérer tous les documents": its path in the zip, and its stored name.
pub struct ArchiveEntry {
    pub path: String,
    pub stored_name: String,
}

/// What "Récupérer tous les documents" packs: for a contract, its documents and, in a folder
/// named after each question's code, the questions' documents of its current evaluation; for an establishment, its
/// "Documents" folder. Two documents of the same name in a folder are told apart: "a (2).pdf".
pub async fn archive(db: &impl ConnectionTrait, viewer: &Viewer, place: Place) -> Result<Vec<ArchiveEntry>, AppError> {
    let located = locate(db, viewer, place).await?;
    let mut entries: Vec<(String, document::Model)> = match place {
        Place::Establishment(_) => {
            of_place(db, place).await?.into_iter().map(|document| ("Documents/".to_owned(), document)).collect()
        }
        Place::Question(_) => {
            of_place(db, place).await?.into_iter().map(|document| (String::new(), document)).collect()
        }
        Place::Contract(_) => {
            let evaluation_id = located.evaluation.as_ref().map(|evaluation| evaluation.id);
            let mut entries: Vec<_> =
                of_place(db, place).await?.into_iter().map(|document| (String::new(), document)).collect();
            let codes: HashMap<i32, String> = indicator::Entity::find()
                .select_only()
                .columns([indicator::Column::Id, indicator::Column::Code])
                .filter(indicator::Column::EvaluationId.eq(evaluation_id))
                .filter(indicator::Column::NodeKind.eq(NodeKind::Question))
                .into_tuple::<(i32, String)>()
                .all(db)
                .await?
                .into_iter()
                .collect();
            let questions = document::Entity::find()
                .filter(document::Column::QuestionId.is_in(codes.keys().copied()))
                .order_by_asc(document::Column::CreatedAt)
                .order_by_asc(document::Column::Id)
                .all(db)
                .await?;
            for document in questions {
                let code = document.question_id.and_then(|id| codes.get(&id)).cloned().unwrap_or_default();
                entries.push((format!("{}/", code.replace(['/', '\\'], "-")), document));
            }
            entries
        }
    };
    let mut taken = HashSet::new();
    Ok(entries
        .drain(..)
        .map(|(folder, document)| ArchiveEntry {
            path: unique_path(&mut taken, &folder, &document.original_name),
            stored_name: document.stored_name,
        })
        .collect())
}

/// `text` as one safe component of a path in a zip: '/', '\\' and control characters become
/// '_', and so do a dot after a dot and a leading dot, so it can name neither a parent
/// folder, nor a hidden file, nor a path of its own; empty, it is "_".
fn safe_component(text: &str) -> String {
    let mut safe = String::with_capacity(text.len());
    let mut previous: Option<char> = None;
    for c in text.chars() {
        let unsafe_here =
            matches!(c, '/' | '\\') || c.is_control() || (c == '.' && matches!(previous, None | Some('.')));
        safe.push(if unsafe_here { '_' } else { c });
        previous = Some(c);
    }
    if safe.is_empty() {
        safe.push('_');
    }
    safe
}

/// `folder` + `name`, or `name (2)`, `name (3)`... when already taken. `folder` (one folder,
/// ending with '/', or empty) and `name` are each made a safe path component: a code or a file
/// name from the database never leads out of the archive's folder.
fn unique_path(taken: &mut HashSet<String>, folder: &str, name: &str) -> String {
    let folder = match folder.strip_suffix('/').unwrap_or(folder) {
        "" => String::new(),
        folder => format!("{}/", safe_component(folder)),
    };
    let name = safe_component(name);
    let (stem, extension) =
        name.rsplit_once('.').map_or((name.as_str(), String::new()), |(stem, ext)| (stem, format!(".{ext}")));
    let mut path = format!("{folder}{name}");
    let mut copy = 1;
    while !taken.insert(path.clone()) {
        copy += 1;
        path = format!("{folder}{stem} ({copy}){extension}");
    }
    path
}

/// Marks an establishment's document as its "Rapport d'évaluation" and, in the same
/// transaction, queues the notices to the agency: the referents following the legal entity and
/// the quality department. The notice (when, to whom) is kept with the document.
pub async fn declare_report(
    db: &DatabaseConnection,
    outbox: &Outbox,
    settings: &Settings,
    viewer: &Viewer,
    document_id: i32,
) -> Result<DocumentRow, AppError> {
    let document = readable(db, viewer, document_id).await?;
    let Place::Establishment(establishment_id) = place_of(&document)? else {
        return Err(AppError::Invalid(
            "Seul un document de l'établissement peut être son rapport d'évaluation.".to_owned(),
        ));
    };
    let establishment = establishment::Entity::find_by_id(establishment_id).one(db).await?.ok_or(AppError::NotFound)?;
    access::check_writes(viewer, establishment.legal_entity_id)?;
    let txn = begin_write(db).await?;
    // Declared once: the row is marked only if it was not yet, so two clicks notify once.
    let marked = document::Entity::update_many()
        .col_expr(document::Column::EvaluationReport, Expr::value(true))
        .filter(document::Column::Id.eq(document_id))
        .filter(document::Column::EvaluationReport.eq(false))
        .exec(&txn)
        .await?;
    if marked.rows_affected == 0 {
        return Err(AppError::Invalid("Ce document est déjà déclaré comme rapport d'évaluation.".to_owned()));
    }
    let mut recipients =
        user_emails(&txn, ecars_core::ids::LegalEntityId(establishment.legal_entity_id), &[Role::Referent]).await?;
    // The quality department of the legal entity's agency.
    recipients.extend(
        quality_email_of_legal_entity(&txn, ecars_core::ids::LegalEntityId(establishment.legal_entity_id)).await?,
    );
    let establishment_url =
        format!("{}{}", settings.public_url, ecars_core::routes::establishment_href(establishment_id));
    let notice = templates::ReportNotice {
        establishment_finess: &establishment.finess,
        establishment_name: &establishment.name,
        document_name: &document.original_name,
        declared_by: &viewer.email,
        establishment_url: &establishment_url,
    };
    for to in &recipients {
        outbox.queue(&txn, templates::evaluation_report(to, &notice)).await?;
    }
    let mut noted = document.into_active_model();
    noted.evaluation_report = Set(true);
    noted.report_notified_at = Set(Some(Utc::now()));
    noted.report_notified_to = Set(Some(recipients.join(", ")));
    let noted = noted.update(&txn).await?;
    txn.commit().await?;
    outbox.wake();
    tracing::info!(document = document_id, recipients = recipients.len(), "evaluation report declared");
    let authors = emails_by_id(db, noted.created_by.into_iter()).await?;
    Ok(row(noted, &authors))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_names_in_one_folder_are_told_apart() {
        let mut taken = HashSet::new();
        assert_eq!(unique_path(&mut taken, "1.1.1.a/", "rapport.pdf"), "1.1.1.a/rapport.pdf");
        assert_eq!(unique_path(&mut taken, "1.1.1.a/", "rapport.pdf"), "1.1.1.a/rapport (2).pdf");
        assert_eq!(unique_path(&mut taken, "1.1.1.a/", "rapport.pdf"), "1.1.1.a/rapport (3).pdf");
        assert_eq!(unique_path(&mut taken, "2.1.1.a/", "rapport.pdf"), "2.1.1.a/rapport.pdf");
    }

    #[test]
    fn folders_and_names_never_lead_out_of_the_archive() {
        let mut taken = HashSet::new();
        assert_eq!(unique_path(&mut taken, "../", "rapport.pdf"), "__/rapport.pdf");
        assert_eq!(unique_path(&mut taken, "..", "..."), "__/___");
        assert_eq!(unique_path(&mut taken, "a..b/", "../../etc/passwd"), "a._b/___.__etc_passwd");
        assert_eq!(unique_path(&mut taken, "", "..\\..\\boot.ini"), "___.__boot.ini");
        assert_eq!(unique_path(&mut taken, "Documents/", ".htaccess"), "Documents/_htaccess");
        assert_eq!(unique_path(&mut taken, "Documents/", "a\nb\u{0}.pdf"), "Documents/a_b_.pdf");
        assert_eq!(unique_path(&mut taken, "Documents/", ""), "Documents/_");
        assert_eq!(unique_path(&mut taken, "/", "note.txt"), "note.txt");
        assert_eq!(unique_path(&mut taken, "", "note.txt"), "note (2).txt");
        assert_eq!(unique_path(&mut taken, "1.2/", "v1.2 final..pdf"), "1.2/v1.2 final._pdf");
        let all: Vec<String> = taken.into_iter().collect();
        for path in &all {
            assert!(path.split('/').all(|part| part != ".." && !part.starts_with('.')), "{path}");
            assert!(!path.starts_with('/') && !path.contains('\\') && !path.chars().any(char::is_control), "{path}");
        }
    }
}
