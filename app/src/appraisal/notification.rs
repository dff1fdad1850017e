//! "Notifier l'évaluation provisoire": the letter written as a tagged PDF, stored once among the
//! contract's documents, the year moved to "Évaluation provisoire notifiée", the establishment
//! told where to read it; then its first opening by the establishment (the receipt), from which
//! the reply window runs.

use std::collections::HashMap;

use chrono::Utc;
use ecars_core::evaluation::appraisal::Appreciation;
use ecars_core::evaluation::exchange::reply_deadline;
use ecars_core::evaluation::values::shown_achieved;
use ecars_core::ids::{ContractId, LegalEntityId};
use ecars_core::time::french_date;
use ecars_core::vocabulary::{ChangeKind, NodeKind, NotificationKind, Phase, Role};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set, TransactionTrait,
};
use serde_json::json;

use super::letter::{Letter, LetterRow, Letterhead};
use crate::accounts::access::Viewer;
use crate::accounts::directory::user_emails;
use crate::audit::{self, Actor, Entry};
use crate::db::entities::{
    agency, answer, appraisal, campaign, contact, document, evaluation, indicator, legal_entity, notification, user,
};
use crate::documents::store::DocumentStore;
use crate::evaluation::years::server as years;
use crate::mail::outbox::Outbox;
use crate::mail::templates;
use crate::AppError;

/// The administrative contact the letters are addressed to.
const DIRECTOR: &str = "DIRECTEUR";

/// What the notification page shows both sides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notified {
    pub notified_on: chrono::NaiveDate,
    pub receipt: Option<(chrono::DateTime<Utc>, Option<String>)>,
    pub deadline: chrono::NaiveDate,
    pub document_id: i32,
    pub score: String,
}

/// The reply window, in the words of the letter and of the mail.
fn reply_words(reply_days: u32, notified_on: chrono::NaiveDate) -> String {
    let latest = reply_deadline(notified_on, None, reply_days);
    format!(
        "Vous disposez de {reply_days} jours pour présenter vos observations, à compter de la première consultation \
         de cette évaluation sur e-CARS, ou à défaut du septième jour suivant sa notification : au plus tard le {}.",
        french_date(latest)
    )
}

/// The campaign's "Délai de réponse" for an evaluation (the default without a campaign).
async fn reply_days(db: &impl ConnectionTrait, evaluation: &evaluation::Model) -> Result<u32, DbErr> {
    let days = match evaluation.campaign_id {
        Some(id) => campaign::Entity::find_by_id(id).one(db).await?.map(|campaign| campaign.reply_days),
        None => None,
    };
    Ok(days.and_then(|days| u32::try_from(days).ok()).unwrap_or(ecars_core::evaluation::exchange::DEFAULT_REPLY_DAYS))
}

/// Reads everything the letter says, in the transaction that holds the evaluation.
async fn letter(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    evaluation: &evaluation::Model,
    contract: &crate::db::entities::contract::Model,
    kind: NotificationKind,
    reply: Option<String>,
) -> Result<Letter, AppError> {
    let entity = legal_entity::Entity::find_by_id(contract.legal_entity_id).one(db).await?.ok_or(AppError::NotFound)?;
    let agency = match entity.agency_id {
        Some(id) => agency::Entity::find_by_id(id).one(db).await?,
        None => None,
    };
    let letterhead = match agency {
        Some(agency) => Letterhead {
            agency: agency.name,
            region: agency.region,
            email: agency.quality_email,
            phone: agency.support_phone,
        },
        None => Letterhead {
            agency: "Agence Régionale de Santé".to_owned(),
            region: String::new(),
            email: String::new(),
            phone: String::new(),
        },
    };
    let director = contact::Entity::find()
        .filter(contact::Column::ContractId.eq(contract.id))
        .filter(contact::Column::Function.eq(DIRECTOR))
        .one(db)
        .await?
        .and_then(|director| {
            let name = [director.first_name, director.last_name].into_iter().flatten().collect::<Vec<_>>().join(" ");
            (!name.trim().is_empty()).then_some(name)
        });
    let questions = appraised_questions(db, evaluation.id).await?;
    let rows = questions
        .iter()
        .map(|(question, answer, appraisal)| {
            let (answer, appraisal) = (answer.as_ref(), appraisal.as_ref());
            LetterRow {
                code: question.code.clone(),
                label: question.label.clone(),
                target: question.target.clone().unwrap_or_default(),
                achieved: shown_achieved(answer.map(|answer| (answer.not_concerned, answer.achieved.as_deref()))),
                retained: appraisal.and_then(|appraisal| appraisal.retained_value.clone()).unwrap_or_default(),
                appreciation: appraisal.map(|appraisal| appreciation_words(appraisal.appreciation)).unwrap_or_default(),
                comment: appraisal.and_then(|appraisal| appraisal.comment.clone()).unwrap_or_default(),
            }
        })
        .collect();
    let score = super::service::score(db, evaluation.id).await?;
    Ok(Letter {
        kind,
        letterhead,
        legal_entity: format!("{} - {}", entity.finess, entity.name),
        address: entity.address,
        director,
        contract: contract.name.clone(),
        contract_kind: contract.kind.label().to_owned(),
        year: evaluation.year,
        notified_on: french_date(viewer.today()),
        notified_by: viewer.email.clone(),
        rows,
        score: score.summary(),
        reply,
    })
}

/// An evaluation's questions in the order of its tree, each with its answer and its appraisal.
pub async fn appraised_questions(
    db: &impl ConnectionTrait,
    evaluation_id: i32,
) -> Result<Vec<(indicator::Model, Option<answer::Model>, Option<appraisal::Model>)>, DbErr> {
    let questions = indicator::Entity::find()
        .filter(indicator::Column::EvaluationId.eq(evaluation_id))
        .filter(indicator::Column::NodeKind.eq(NodeKind::Question))
        .order_by_asc(indicator::Column::Position)
        .all(db)
        .await?;
    let ids: Vec<i32> = questions.iter().map(|question| question.id).collect();
    let mut answers: HashMap<i32, answer::Model> = HashMap::new();
    let mut appraisals: HashMap<i32, appraisal::Model> = HashMap::new();
    // Bounded lists: far below the databases' limits on bound values.
    for chunk in ids.chunks(500) {
        for row in answer::Entity::find().filter(answer::Column::QuestionId.is_in(chunk.to_vec())).all(db).await? {
            answers.insert(row.question_id, row);
        }
        for row in appraisal::Entity::find().filter(appraisal::Column::QuestionId.is_in(chunk.to_vec())).all(db).await?
        {
            appraisals.insert(row.question_id, row);
        }
    }
    Ok(questions
        .into_iter()
        .map(|question| {
            let id = question.id;
            (question, answers.remove(&id), appraisals.remove(&id))
        })
        .collect())
}

/// "Atteint (1 point)".
fn appreciation_words(appreciation: Appreciation) -> String {
    format!("{} ({})", appreciation.label(), appreciation.points_label())
}

/// How many questions of the evaluation are not appraised yet.
async fn left_to_appraise(db: &impl ConnectionTrait, evaluation_id: i32) -> Result<u64, DbErr> {
    use sea_orm::{PaginatorTrait, QuerySelect};
    let questions = indicator::Entity::find()
        .filter(indicator::Column::EvaluationId.eq(evaluation_id))
        .filter(indicator::Column::NodeKind.eq(NodeKind::Question))
        .count(db)
        .await?;
    let appraised = appraisal::Entity::find()
        .filter(
            appraisal::Column::QuestionId.in_subquery(sea_orm::QueryTrait::into_query(
                indicator::Entity::find()
                    .select_only()
                    .column(indicator::Column::Id)
                    .filter(indicator::Column::EvaluationId.eq(evaluation_id)),
            )),
        )
        .count(db)
        .await?;
    Ok(questions.saturating_sub(appraised))
}

/// Where both sides read the agency's evaluation of a contract's year.
pub fn page_url(public_url: &str, contract_id: i32, year: i32) -> String {
    format!("{public_url}{}", ecars_core::routes::year_agency_evaluation_href(contract_id, year))
}

/// Notifies the provisional evaluation of the contract's evaluation of `year` (the current one
/// for `None`): every question appraised, the letter written and stored, the year moved on, the
/// establishment told. Refused while a question is left, and done once.
pub async fn notify_provisional(
    db: &DatabaseConnection,
    store: &DocumentStore,
    outbox: &Outbox,
    public_url: &str,
    viewer: &Viewer,
    contract_id: ContractId,
    year: Option<i32>,
) -> Result<i32, AppError> {
    let access = super::service::appraisable_evaluation(db, viewer, contract_id, year).await?;
    let txn = db.begin().await?;
    let locked = years::lock(&txn, access.evaluation.id).await?;
    match locked.phase {
        Phase::AgencyEvaluation => {}
        Phase::Consultation => {
            return Err(AppError::NotEditable(
                "Aucune question n'est encore appréciée : évaluez chaque question avant de notifier.".to_owned(),
            ))
        }
        phase => {
            return Err(AppError::NotEditable(format!(
                "L'évaluation est à l'étape « {} » : l'évaluation provisoire ne peut plus être notifiée.",
                phase.label()
            )))
        }
    }
    let left = left_to_appraise(&txn, locked.id).await?;
    if left > 0 {
        return Err(AppError::NotEditable(format!(
            "{left} question(s) restent à évaluer : l'évaluation provisoire est notifiée une fois chaque question appréciée."
        )));
    }
    let days = reply_days(&txn, &locked).await?;
    let reply = reply_words(days, viewer.today());
    let letter =
        letter(&txn, viewer, &locked, &access.contract, NotificationKind::Provisional, Some(reply.clone())).await?;
    let document = letter.document();
    // Pure computation, a few hundred milliseconds for a large contract: off the request threads.
    let bytes = tokio::task::spawn_blocking(move || crate::pdf::render(&document))
        .await
        .map_err(|error| internal(&error))?
        .map_err(|error| internal(&error))?;
    let mut upload = store.begin().await.map_err(|error| internal(&error))?;
    upload.write(&bytes).await.map_err(|error| internal(&error))?;
    let stored = upload.finish().await.map_err(|error| internal(&error))?;
    let now = Utc::now();
    let stored_document = document::ActiveModel {
        contract_id: Set(Some(access.contract.id)),
        original_name: Set(letter.file_name()),
        stored_name: Set(stored.stored_name.clone()),
        sha256: Set(stored.sha256.clone()),
        size_bytes: Set(stored.size_bytes as i64),
        content_type: Set("application/pdf".to_owned()),
        evaluation_report: Set(false),
        created_at: Set(now),
        created_by: Set(Some(viewer.user_id)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    notification::ActiveModel {
        evaluation_id: Set(locked.id),
        kind: Set(NotificationKind::Provisional),
        document_id: Set(stored_document.id),
        notified_at: Set(now),
        notified_by: Set(Some(viewer.user_id)),
        score: Set(letter.score.clone()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    evaluation::Entity::update_many()
        .col_expr(evaluation::Column::Phase, Expr::value(Phase::ProvisionalNotified))
        .filter(evaluation::Column::Id.eq(locked.id))
        .exec(&txn)
        .await?;
    let agency_id = legal_entity::Entity::find_by_id(access.contract.legal_entity_id)
        .one(&txn)
        .await?
        .and_then(|entity| entity.agency_id);
    let change = Entry {
        kind: ChangeKind::PhaseChanged,
        subject: format!("Contrat {}, évaluation {}", access.contract.name, locked.year),
        before: Some(json!({ "étape": Phase::AgencyEvaluation.label() })),
        after: Some(json!({
            "étape": Phase::ProvisionalNotified.label(),
            "courrier": letter.file_name(),
            "sha256": stored.sha256,
            "score": letter.score,
            "délai de réponse (jours)": days,
        })),
    };
    audit::record(&txn, &Actor::of(viewer), agency_id, change).await?;
    let mut recipients =
        user_emails(&txn, LegalEntityId(access.contract.legal_entity_id), &[Role::Establishment]).await?;
    let director_email = contact::Entity::find()
        .filter(contact::Column::ContractId.eq(access.contract.id))
        .filter(contact::Column::Function.eq(DIRECTOR))
        .one(&txn)
        .await?
        .and_then(|director| director.email);
    if let Some(email) =
        director_email.filter(|email| !recipients.iter().any(|known| known.eq_ignore_ascii_case(email)))
    {
        recipients.push(email);
    }
    let url = page_url(public_url, access.contract.id, locked.year);
    let notice = templates::LetterNotice {
        letter: NotificationKind::Provisional.label(),
        contract: &access.contract.name,
        legal_entity: &letter.legal_entity,
        year: locked.year,
        notified_on: &letter.notified_on,
        reply: Some(reply),
        page_url: &url,
    };
    for to in recipients {
        outbox.queue(&txn, templates::letter_notified(&to, &notice)).await?;
    }
    txn.commit().await?;
    outbox.wake();
    tracing::info!(
        contract = access.contract.id,
        year = locked.year,
        user = viewer.user_id,
        "provisional evaluation notified"
    );
    Ok(stored_document.id)
}

fn internal(error: &dyn std::fmt::Display) -> AppError {
    tracing::error!(%error, "letter not written");
    AppError::Internal
}

/// The notification of `kind` of an evaluation, if it was notified: its dates and its letter.
/// Opened by one of the establishment's users for the first time, the receipt is recorded.
pub async fn notified(
    db: &DatabaseConnection,
    viewer: &Viewer,
    evaluation: &evaluation::Model,
    kind: NotificationKind,
) -> Result<Option<Notified>, AppError> {
    let Some(row) = notification::Entity::find()
        .filter(notification::Column::EvaluationId.eq(evaluation.id))
        .filter(notification::Column::Kind.eq(kind))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let mut receipt = row.receipt_at.map(|at| (at, row.receipt_by));
    if receipt.is_none() && viewer.role == Role::Establishment {
        // Only the first opening counts, whoever wins a race.
        let recorded = notification::Entity::update_many()
            .col_expr(notification::Column::ReceiptAt, Expr::value(viewer.now))
            .col_expr(notification::Column::ReceiptBy, Expr::value(viewer.user_id))
            .filter(notification::Column::Id.eq(row.id))
            .filter(notification::Column::ReceiptAt.is_null())
            .exec(db)
            .await?;
        if recorded.rows_affected == 1 {
            tracing::info!(notification = row.id, user = viewer.user_id, "notification received");
            receipt = Some((viewer.now, Some(viewer.user_id)));
        } else if let Some(again) = notification::Entity::find_by_id(row.id).one(db).await? {
            receipt = again.receipt_at.map(|at| (at, again.receipt_by));
        }
    }
    let receipt = match receipt {
        Some((at, by)) => {
            let email = match by {
                Some(id) => user::Entity::find_by_id(id).one(db).await?.map(|user| user.email),
                None => None,
            };
            Some((at, email))
        }
        None => None,
    };
    let notified_on = crate::db::agency_date(row.notified_at);
    let days = reply_days(db, evaluation).await?;
    let deadline = reply_deadline(notified_on, receipt.as_ref().map(|(at, _)| crate::db::agency_date(*at)), days);
    Ok(Some(Notified { notified_on, receipt, deadline, document_id: row.document_id, score: row.score }))
}

/// "Évaluation de l'agence" of the contract's evaluation of `year`: once notified, for both
/// sides (the establishment's first opening is the receipt); before, for the agency only.
pub async fn agency_evaluation(
    db: &DatabaseConnection,
    viewer: &Viewer,
    contract_id: ContractId,
    year: Option<i32>,
) -> Result<super::AgencyEvaluation, AppError> {
    let access = crate::evaluation::access::readable_evaluation(db, viewer, contract_id, year).await?;
    let provisional = notified(db, viewer, &access.evaluation, NotificationKind::Provisional).await?;
    let agency_side = matches!(viewer.role, Role::Referent | Role::Admin | Role::NationalAdmin);
    if provisional.is_none() && !agency_side {
        // Nothing of the agency's evaluation exists for the establishment before it is notified.
        return Err(AppError::NotFound);
    }
    let contract = crate::contracts::service::header_of_evaluation(db, &access.evaluation, viewer.today())
        .await?
        .ok_or(AppError::NotFound)?;
    let rows = appraised_questions(db, access.evaluation.id)
        .await?
        .into_iter()
        .map(|(question, answer, appraisal)| super::AppraisedQuestion {
            id: question.id,
            code: question.code,
            label: question.label,
            target: question.target,
            achieved: shown_achieved(answer.as_ref().map(|answer| (answer.not_concerned, answer.achieved.as_deref()))),
            retained: appraisal.as_ref().and_then(|appraisal| appraisal.retained_value.clone()),
            appreciation: appraisal.as_ref().map(|appraisal| appraisal.appreciation),
            comment: appraisal.and_then(|appraisal| appraisal.comment),
        })
        .collect();
    let today = viewer.today();
    let provisional = provisional.map(|notified| super::NotificationView {
        notified_on: french_date(notified.notified_on),
        receipt: notified.receipt.map(|(at, by)| {
            let by = by.map(|email| format!(" par {email}")).unwrap_or_default();
            format!("Consultée le {}{by}", crate::db::french_date_time(at))
        }),
        deadline: french_date(notified.deadline),
        window_over: today > notified.deadline,
        document_id: notified.document_id,
        score: notified.score,
    });
    Ok(super::AgencyEvaluation { contract, provisional, rows, appraiser: viewer.appraises() })
}
