//! National indicators ("n'appelle aucune contribution de votre part"): the agency imports the
//! values the ministry sends, one line per legal entity and question (FINESS of the legal entity,
//! question code, value, optional comment), into one year's evaluations of one contract type. The
//! lines are checked alone here (plain Rust), then against the evaluations on the server; nothing
//! is written before the administrator has seen the preview and confirmed. Each value becomes the
//! national question's answer with its source, shown read-only (grey): it never counts in the
//! establishment's fill percentage.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::referentials::RefusedRow;
use crate::text::folded;
use ecars_core::vocabulary::ContractKind;

/// The columns of the file, in this order; the comment may be left out.
pub const COLUMNS: [&str; 4] = ["FINESS", "Code question", "Valeur", "Commentaire"];
/// 3,000 legal entities with a dozen national indicators each fit well below.
pub const MAX_LINES: usize = 100_000;
const MAX_CODE_CHARS: usize = 30;
/// At most this many changes are listed in the preview (all are counted and written).
pub const LISTED_CHANGES: usize = 1000;

/// Query parameters of the page, as of every import page (the counts of an import just made are
/// "created,updated").
pub use crate::administration::{IMPORTED_PARAM, PREVIEW_PARAM, REFUSAL_PARAM};

/// The evaluations an import goes into: those of one year of the agency's contracts of one type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CampaignChoice {
    pub year: i32,
    pub kind: ContractKind,
}

impl CampaignChoice {
    /// "CAQES-2024", as the form sends it.
    pub fn code(self) -> String {
        format!("{}-{}", self.kind.label(), self.year)
    }

    pub fn parse(code: &str) -> Option<Self> {
        let (kind, year) = code.trim().split_once('-')?;
        let year: i32 = year.parse().ok()?;
        Some(CampaignChoice { kind: ContractKind::parse(kind)?, year }).filter(|_| (2000..=2100).contains(&year))
    }

    /// "CAQES 2024".
    pub fn label(self) -> String {
        format!("{} {}", self.kind.label(), self.year)
    }
}

/// Why a file sent was refused before it could be read, shown by the page from the address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadRefusal {
    NoFile,
    NoCampaign,
    TooBig,
    Unreadable,
}

impl UploadRefusal {
    pub const ALL: [UploadRefusal; 4] =
        [UploadRefusal::NoFile, UploadRefusal::NoCampaign, UploadRefusal::TooBig, UploadRefusal::Unreadable];

    pub fn code(self) -> &'static str {
        match self {
            UploadRefusal::NoFile => "fichier",
            UploadRefusal::NoCampaign => "campagne",
            UploadRefusal::TooBig => "taille",
            UploadRefusal::Unreadable => "envoi",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        UploadRefusal::ALL.into_iter().find(|refusal| refusal.code() == code)
    }

    pub fn message(self) -> &'static str {
        match self {
            UploadRefusal::NoFile => "Veuillez choisir le fichier des valeurs nationales (.csv, .xlsx ou .ods).",
            UploadRefusal::NoCampaign => "Veuillez choisir la campagne dont les évaluations reçoivent les valeurs.",
            UploadRefusal::TooBig => "Le fichier dépasse 20 Mo : rien n'a été importé.",
            UploadRefusal::Unreadable => "L'envoi du fichier a échoué : rien n'a été enregistré. Veuillez réessayer.",
        }
    }
}

/// A line of the file, checked alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub row: u64,
    pub finess: String,
    pub code: String,
    /// As written; checked against the question's kind on the server.
    pub value: String,
    pub comment: String,
}

/// The rows of a file (number from 1, cells as text), its first row the column titles: the lines
/// to look up, and those refused (a malformed FINESS, no code or value, the same question twice).
pub fn parse_lines(rows: Vec<(u64, Vec<String>)>) -> Result<(Vec<Line>, Vec<RefusedRow>), String> {
    let mut rows = rows.into_iter().filter(|(_, cells)| cells.iter().any(|cell| !cell.trim().is_empty()));
    let Some((_, headers)) = rows.next() else {
        return Err("Le fichier est vide.".to_owned());
    };
    let headers: Vec<String> = headers.iter().map(|cell| folded(cell)).filter(|cell| !cell.is_empty()).collect();
    let expected: Vec<String> = COLUMNS.iter().map(|title| folded(title)).collect();
    if headers.len() < 3 || headers[..] != expected[..headers.len().min(expected.len())] || headers.len() > 4 {
        return Err(format!(
            "La première ligne n'est pas celle des titres attendus ({}) : le fichier n'est pas un fichier de valeurs nationales.",
            COLUMNS.join(" ; ")
        ));
    }
    let rows: Vec<(u64, Vec<String>)> = rows.collect();
    if rows.is_empty() {
        return Err("Le fichier ne contient aucune ligne après les titres.".to_owned());
    }
    if rows.len() > MAX_LINES {
        return Err(format!("Le fichier compte {} lignes : {MAX_LINES} au plus.", rows.len()));
    }
    let mut lines = Vec::with_capacity(rows.len());
    let mut refused = Vec::new();
    let mut first_row: HashMap<(String, String), u64> = HashMap::new();
    for (row, cells) in rows {
        let cell = |index: usize| cells.get(index).map(|cell| cell.trim()).unwrap_or_default();
        let checked = parse_line(row, cell(0), cell(1), cell(2), cell(3)).and_then(|line| {
            match first_row.get(&(line.finess.clone(), line.code.clone())) {
                Some(first) => Err(format!(
                    "la valeur de la question {} pour l'entité {} est déjà donnée ligne {first}",
                    line.code, line.finess
                )),
                None => Ok(line),
            }
        });
        match checked {
            Ok(line) => {
                first_row.insert((line.finess.clone(), line.code.clone()), row);
                lines.push(line);
            }
            Err(reason) => refused.push(RefusedRow { row, reason }),
        }
    }
    Ok((lines, refused))
}

fn parse_line(row: u64, finess: &str, code: &str, value: &str, comment: &str) -> Result<Line, String> {
    let finess = crate::legal_entities::finess::FinessNumber::parse(finess)?.as_str().to_owned();
    if code.is_empty() {
        return Err("le code de la question manque".to_owned());
    }
    if code.chars().count() > MAX_CODE_CHARS || code.chars().any(char::is_control) {
        return Err(format!("« {} » n'est pas un code de question", code.chars().take(40).collect::<String>()));
    }
    if value.is_empty() {
        return Err(format!("la valeur de la question {code} manque"));
    }
    Ok(Line { row, finess, code: code.to_owned(), value: value.to_owned(), comment: comment.to_owned() })
}

/// A value the import writes (or would write).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueChange {
    /// "380780080 - CHU DE GRENOBLE ALPES".
    pub legal_entity: String,
    pub contract: String,
    pub code: String,
    /// The value it replaces; none for a first value.
    pub before: Option<String>,
    pub after: String,
    pub comment: Option<String>,
}

/// What "Confirmer l'import" would write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NationalValuesPreview {
    pub token: String,
    /// "CAQES 2024".
    pub campaign: String,
    pub file_name: String,
    pub lines: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// The first [`LISTED_CHANGES`] creations and updates.
    pub changes: Vec<ValueChange>,
    pub refused: Vec<RefusedRow>,
}

/// "Valeurs nationales importées : 12 nouvelle(s), 3 mise(s) à jour."
pub fn imported_message(created: usize, updated: usize) -> String {
    format!("Valeurs nationales importées en une seule fois : {created} nouvelle(s), {updated} mise(s) à jour.")
}

/// Where a value came from, as the question panel shows it.
pub fn source_label(file_name: &str) -> String {
    format!("valeurs nationales importées par l'agence (fichier « {file_name} »)")
}

#[cfg(feature = "ssr")]
pub mod server {
    use std::collections::{HashMap, HashSet};

    use chrono::Utc;
    use sea_orm::sea_query::Expr;
    use sea_orm::{
        ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter,
        QuerySelect, QueryTrait, Set, SqlErr,
    };

    use super::{CampaignChoice, Line, ValueChange, LISTED_CHANGES};
    use crate::audit::{self, Actor, Entry};
    use crate::db::begin_write;
    use crate::db::entities::{answer, answer_history, contract, evaluation, indicator, legal_entity};
    use crate::evaluation::values::{parse_comment, parse_national_value};
    use crate::referentials::RefusedRow;
    use crate::AppError;
    use ecars_core::vocabulary::ChangeKind;
    use ecars_core::vocabulary::NodeKind;
    use ecars_core::vocabulary::ValueKind;

    /// The years and contract types the agency's evaluations are of, newest first.
    pub async fn choices(db: &impl ConnectionTrait, agency_id: i32) -> Result<Vec<CampaignChoice>, DbErr> {
        let entities = legal_entity::Entity::find()
            .select_only()
            .column(legal_entity::Column::Id)
            .filter(legal_entity::Column::AgencyId.eq(agency_id))
            .into_query();
        let kinds: HashMap<i32, ecars_core::vocabulary::ContractKind> = contract::Entity::find()
            .select_only()
            .columns([contract::Column::Id, contract::Column::Kind])
            .filter(contract::Column::LegalEntityId.in_subquery(entities))
            .into_tuple::<(i32, ecars_core::vocabulary::ContractKind)>()
            .all(db)
            .await?
            .into_iter()
            .collect();
        let years: Vec<(i32, i32)> = evaluation::Entity::find()
            .select_only()
            .columns([evaluation::Column::ContractId, evaluation::Column::Year])
            .filter(evaluation::Column::ContractId.is_in(kinds.keys().copied()))
            .into_tuple()
            .all(db)
            .await?;
        let mut choices: Vec<CampaignChoice> = years
            .into_iter()
            .filter_map(|(contract_id, year)| Some(CampaignChoice { year, kind: *kinds.get(&contract_id)? }))
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        choices.sort_by(|a, b| b.cmp(a));
        Ok(choices)
    }

    /// A value to write on a question.
    #[derive(Debug, Clone)]
    pub struct Planned {
        pub question_id: i32,
        /// The answer's version it replaces (0: none yet).
        pub version: i32,
        pub old: Option<answer::Model>,
        pub change: ValueChange,
        pub comment: Option<String>,
    }

    /// What an import would do.
    #[derive(Debug, Clone, Default)]
    pub struct Plan {
        pub writes: Vec<Planned>,
        pub unchanged: usize,
        pub refused: Vec<RefusedRow>,
    }

    impl Plan {
        pub fn created(&self) -> usize {
            self.writes.iter().filter(|planned| planned.old.is_none()).count()
        }

        pub fn updated(&self) -> usize {
            self.writes.len() - self.created()
        }

        pub fn listed_changes(&self) -> Vec<ValueChange> {
            self.writes.iter().take(LISTED_CHANGES).map(|planned| planned.change.clone()).collect()
        }
    }

    /// A question of the evaluations the import goes into.
    struct Question {
        id: i32,
        code: String,
        kind: NodeKind,
        national: bool,
        value_kind: ValueKind,
    }

    /// `lines` against the agency's evaluations of `choice`: each value on its national question,
    /// created, changed or the same as stored; every other line refused with its reason.
    pub async fn plan(
        db: &impl ConnectionTrait,
        agency_id: i32,
        choice: CampaignChoice,
        lines: &[Line],
    ) -> Result<Plan, DbErr> {
        let entities: HashMap<String, legal_entity::Model> = legal_entity::Entity::find()
            .filter(legal_entity::Column::AgencyId.eq(agency_id))
            .all(db)
            .await?
            .into_iter()
            .map(|entity| (entity.finess.clone(), entity))
            .collect();
        let entity_ids = legal_entity::Entity::find()
            .select_only()
            .column(legal_entity::Column::Id)
            .filter(legal_entity::Column::AgencyId.eq(agency_id))
            .into_query();
        let contracts: HashMap<i32, contract::Model> = contract::Entity::find()
            .filter(contract::Column::LegalEntityId.in_subquery(entity_ids))
            .filter(contract::Column::Kind.eq(choice.kind))
            .all(db)
            .await?
            .into_iter()
            .map(|contract| (contract.id, contract))
            .collect();
        let evaluations: Vec<evaluation::Model> = evaluation::Entity::find()
            .filter(evaluation::Column::ContractId.is_in(contracts.keys().copied()))
            .filter(evaluation::Column::Year.eq(choice.year))
            .all(db)
            .await?;
        // The evaluations of each legal entity, by its id.
        let mut by_entity: HashMap<i32, Vec<&evaluation::Model>> = HashMap::new();
        for evaluation in &evaluations {
            if let Some(contract) = contracts.get(&evaluation.contract_id) {
                by_entity.entry(contract.legal_entity_id).or_default().push(evaluation);
            }
        }
        let codes: Vec<String> =
            lines.iter().map(|line| line.code.clone()).collect::<HashSet<_>>().into_iter().collect();
        let mut questions: HashMap<(i32, String), Question> = HashMap::new();
        // Bounded lists: the databases limit how many values one statement binds.
        for codes in codes.chunks(500) {
            for evaluation_ids in evaluations.iter().map(|evaluation| evaluation.id).collect::<Vec<_>>().chunks(500) {
                let found = indicator::Entity::find()
                    .filter(indicator::Column::EvaluationId.is_in(evaluation_ids.iter().copied()))
                    .filter(indicator::Column::Code.is_in(codes.iter().cloned()))
                    .all(db)
                    .await?;
                for node in found {
                    let question = Question {
                        id: node.id,
                        code: node.code.clone(),
                        kind: node.node_kind,
                        national: !node.editable_by_establishment,
                        value_kind: node.value_kind.unwrap_or(ValueKind::Text),
                    };
                    questions.insert((node.evaluation_id, node.code), question);
                }
            }
        }
        let national_ids: Vec<i32> = questions
            .values()
            .filter(|question| question.kind == NodeKind::Question && question.national)
            .map(|question| question.id)
            .collect();
        let mut answers: HashMap<i32, answer::Model> = HashMap::new();
        for ids in national_ids.chunks(500) {
            for stored in
                answer::Entity::find().filter(answer::Column::QuestionId.is_in(ids.iter().copied())).all(db).await?
            {
                answers.insert(stored.question_id, stored);
            }
        }

        let mut plan = Plan::default();
        let label = choice.label();
        for line in lines {
            let mut refuse = |reason: String| plan.refused.push(RefusedRow { row: line.row, reason });
            let Some(entity) = entities.get(&line.finess) else {
                refuse(format!("l'entité juridique {} n'est pas une de celles de l'agence", line.finess));
                continue;
            };
            let Some(evaluations) = by_entity.get(&entity.id) else {
                refuse(format!("l'entité juridique {} n'a pas d'évaluation {label}", line.finess));
                continue;
            };
            let found: Vec<(&&evaluation::Model, &Question)> = evaluations
                .iter()
                .filter_map(|evaluation| Some((evaluation, questions.get(&(evaluation.id, line.code.clone()))?)))
                .collect();
            let Some((_, first)) = found.first() else {
                refuse(format!("la question {} n'existe pas dans l'évaluation {label} de {}", line.code, line.finess));
                continue;
            };
            if first.kind == NodeKind::Objective {
                refuse(format!("{} est un objectif, pas une question", line.code));
                continue;
            }
            if !first.national {
                refuse(format!(
                    "la question {} n'est pas un indicateur national : c'est l'établissement qui la renseigne",
                    line.code
                ));
                continue;
            }
            let checked = parse_national_value(first.value_kind, &line.value)
                .map_err(|reason| {
                    format!("valeur « {} » de la question {} : {reason}", shorten(&line.value), line.code)
                })
                .and_then(|value| Ok((value, parse_comment(&line.comment)?)));
            let (value, comment) = match checked {
                Ok(checked) => checked,
                Err(reason) => {
                    refuse(reason);
                    continue;
                }
            };
            // The same legal entity may have more than one contract of the type: each gets it.
            for (evaluation, question) in found {
                let old = answers.get(&question.id).cloned();
                let same = old.as_ref().is_some_and(|old| {
                    !old.not_concerned && old.achieved.as_deref() == Some(value.as_str()) && old.comment == comment
                });
                if same {
                    plan.unchanged += 1;
                    continue;
                }
                let contract = contracts.get(&evaluation.contract_id).map(|contract| contract.name.clone());
                plan.writes.push(Planned {
                    question_id: question.id,
                    version: old.as_ref().map_or(0, |old| old.version),
                    change: ValueChange {
                        legal_entity: format!("{} - {}", entity.finess, entity.name),
                        contract: contract.unwrap_or_default(),
                        code: question.code.clone(),
                        before: old.as_ref().and_then(|old| old.achieved.clone()),
                        after: value.clone(),
                        comment: comment.clone(),
                    },
                    old,
                    comment: comment.clone(),
                });
            }
        }
        Ok(plan)
    }

    fn shorten(text: &str) -> String {
        text.chars().take(40).collect()
    }

    /// Another import wrote the same values meanwhile (two administrators confirming at once on
    /// PostgreSQL): nothing of this one is written, and the administrator is told to look again.
    fn changed_meanwhile() -> AppError {
        AppError::Invalid(
            "Des valeurs ont changé pendant l'import (un autre import ?) : rien n'a été écrit. Prévisualisez à nouveau le fichier."
                .to_owned(),
        )
    }

    /// Plans `lines` again and writes the values, their history and a journal entry in one
    /// transaction (all or nothing). Returns the plan written.
    pub async fn apply(
        db: &DatabaseConnection,
        agency_id: i32,
        choice: CampaignChoice,
        lines: &[Line],
        file_name: &str,
        actor: &Actor,
    ) -> Result<Plan, AppError> {
        let txn = begin_write(db).await?;
        let plan = plan(&txn, agency_id, choice, lines).await?;
        let now = Utc::now();
        let source = super::source_label(file_name);
        for planned in &plan.writes {
            let value = Some(planned.change.after.clone());
            match &planned.old {
                None => {
                    answer::ActiveModel {
                        question_id: Set(planned.question_id),
                        not_concerned: Set(false),
                        achieved: Set(value.clone()),
                        comment: Set(planned.comment.clone()),
                        version: Set(1),
                        updated_at: Set(now),
                        updated_by: Set(actor.id),
                        source: Set(Some(source.clone())),
                        ..Default::default()
                    }
                    .insert(&txn)
                    .await
                    .map_err(|error| match error.sql_err() {
                        Some(SqlErr::UniqueConstraintViolation(_)) => changed_meanwhile(),
                        _ => error.into(),
                    })?;
                }
                Some(_) => {
                    let updated = answer::Entity::update_many()
                        .col_expr(answer::Column::NotConcerned, Expr::value(false))
                        .col_expr(answer::Column::Achieved, Expr::value(value.clone()))
                        .col_expr(answer::Column::Comment, Expr::value(planned.comment.clone()))
                        .col_expr(answer::Column::Version, Expr::value(planned.version + 1))
                        .col_expr(answer::Column::UpdatedAt, Expr::value(now))
                        .col_expr(answer::Column::UpdatedBy, Expr::value(actor.id))
                        .col_expr(answer::Column::Source, Expr::value(Some(source.clone())))
                        .filter(answer::Column::QuestionId.eq(planned.question_id))
                        .filter(answer::Column::Version.eq(planned.version))
                        .exec(&txn)
                        .await?;
                    if updated.rows_affected != 1 {
                        return Err(changed_meanwhile());
                    }
                }
            }
            answer_history::ActiveModel {
                question_id: Set(planned.question_id),
                version: Set(planned.version + 1),
                old_not_concerned: Set(planned.old.as_ref().map(|old| old.not_concerned)),
                old_achieved: Set(planned.old.as_ref().and_then(|old| old.achieved.clone())),
                old_comment: Set(planned.old.as_ref().and_then(|old| old.comment.clone())),
                new_not_concerned: Set(false),
                new_achieved: Set(value),
                new_comment: Set(planned.comment.clone()),
                changed_by: Set(actor.id),
                changed_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
        if !plan.writes.is_empty() {
            let after = serde_json::json!({
                "fichier": file_name,
                "valeurs nouvelles": plan.created(),
                "valeurs mises à jour": plan.updated(),
                "valeurs inchangées": plan.unchanged,
                "lignes refusées": plan.refused.len(),
            });
            let entry = Entry {
                kind: ChangeKind::NationalValuesImported,
                subject: choice.label(),
                before: None,
                after: Some(after),
            };
            audit::record(&txn, actor, Some(agency_id), entry).await?;
        }
        txn.commit().await?;
        Ok(plan)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(lines: &[&str]) -> Vec<(u64, Vec<String>)> {
        lines
            .iter()
            .enumerate()
            .map(|(index, line)| (index as u64 + 1, line.split(';').map(str::to_owned).collect()))
            .collect()
    }

    #[test]
    fn lines_are_checked_alone_and_the_same_question_twice_is_refused() {
        let (lines, refused) = parse_lines(rows(&[
            "FINESS;Code question;Valeur;Commentaire",
            "380780080;4.1.1.a;-4,5;Source DGOS",
            "38078008;4.1.1.a;3;",
            "380780080;;3;",
            "380780080;4.1.1.b;;",
            "380780080;4.1.1.a;2;",
            ";;;",
            "2a0000016;4.1.1.a;1",
        ]))
        .unwrap();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].comment, "Source DGOS");
        assert_eq!(lines[1].finess, "2A0000016");
        let reasons: Vec<(u64, &str)> = refused.iter().map(|refused| (refused.row, refused.reason.as_str())).collect();
        assert_eq!(reasons.len(), 4, "{reasons:?}");
        assert!(reasons[0].1.contains("n'est pas un numéro FINESS"));
        assert!(reasons[1].1.contains("code de la question manque"));
        assert!(reasons[2].1.contains("valeur de la question 4.1.1.b manque"));
        assert_eq!(reasons[3].0, 6);
        assert!(reasons[3].1.contains("déjà donnée ligne 2"));
    }

    #[test]
    fn a_file_that_is_not_one_of_national_values_is_refused_whole() {
        assert!(parse_lines(rows(&["Code;Code parent;Libellé"])).unwrap_err().contains("titres attendus"));
        assert!(parse_lines(rows(&["FINESS;Code question;Valeur"])).unwrap_err().contains("aucune ligne"));
        assert!(parse_lines(Vec::new()).unwrap_err().contains("vide"));
        // Without the optional comment column, and with accents or case that differ.
        assert!(parse_lines(rows(&["finess;CODE QUESTION;valeur", "380780080;4.1.1.a;3"])).is_ok());
    }

    #[test]
    fn choices_and_refusals_come_back_from_their_codes() {
        let choice = CampaignChoice { year: 2024, kind: ContractKind::Caqes };
        assert_eq!(CampaignChoice::parse(&choice.code()), Some(choice));
        assert_eq!(choice.label(), "CAQES 2024");
        for bad in ["", "CAQES", "CAQES-abc", "AUTRE-2024", "CAQES-1999"] {
            assert_eq!(CampaignChoice::parse(bad), None, "{bad}");
        }
        for refusal in UploadRefusal::ALL {
            assert_eq!(UploadRefusal::parse(refusal.code()), Some(refusal));
        }
    }
}
