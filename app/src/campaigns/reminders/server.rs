//! The server's side of `reminders` (behind `ssr`: the browser's build never reads this file).

use ecars_core::ids::ContractId;
use ecars_core::time::Clock;
use ecars_core::vocabulary::Phase;
use ecars_core::vocabulary::Role;

use std::time::Duration;

use chrono::NaiveDate;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set, SqlErr};

use super::stage_for;
use crate::accounts::directory::mail_recipients_of_legal_entity;
use crate::accounts::mail_preferences::server::wanting;
use crate::accounts::mail_preferences::MailPreference;
use crate::campaigns::window::server::Window;
use crate::campaigns::WindowState;
use crate::db::begin_write;
use crate::db::entities::{contract, evaluation, reminder};
use crate::evaluation::closing::server::missing;
use crate::evaluation::service::TreeShapes;
use crate::evaluation::years::server as years;
use crate::mail::outbox::Outbox;
use crate::mail::templates;
use crate::operations::shutdown::{every, Stopping};
use crate::AppError;

/// How often an instance looks for reminders due (each is sent once whatever the number of looks).
pub const LOOK_EVERY: Duration = Duration::from_secs(3600);

/// Sends the reminders due on `today`; returns how many evaluations were reminded now.
pub async fn send_due(
    db: &DatabaseConnection,
    shapes: &TreeShapes,
    outbox: &Outbox,
    public_url: &str,
    today: NaiveDate,
) -> Result<usize, AppError> {
    let open = evaluation::Entity::find()
        .filter(evaluation::Column::Phase.eq(Phase::AutoEvaluation))
        .filter(evaluation::Column::ClosesOn.is_not_null())
        .all(db)
        .await?;
    let mut reminded = 0;
    for evaluation in open {
        let Some(window) = Window::of(&evaluation) else { continue };
        if window.state_on(today) != WindowState::Open {
            continue;
        }
        let Some(stage) = stage_for((window.last_day() - today).num_days()) else { continue };
        if remind(db, shapes, outbox, public_url, &evaluation, window.last_day(), stage, today).await? {
            reminded += 1;
        }
    }
    if reminded > 0 {
        outbox.wake();
    }
    Ok(reminded)
}

/// One evaluation's reminder of `stage`, unless it was sent (here or by another instance) or
/// the evaluation is an earlier year's. Returns whether it was sent now.
#[allow(clippy::too_many_arguments)]
async fn remind(
    db: &DatabaseConnection,
    shapes: &TreeShapes,
    outbox: &Outbox,
    public_url: &str,
    evaluation: &evaluation::Model,
    last_day: NaiveDate,
    stage: i64,
    today: NaiveDate,
) -> Result<bool, AppError> {
    let already = reminder::Entity::find()
        .filter(reminder::Column::EvaluationId.eq(evaluation.id))
        .filter(reminder::Column::Stage.eq(stage as i32))
        .one(db)
        .await?;
    if already.is_some() || years::current(db, ContractId(evaluation.contract_id)).await?.id != evaluation.id {
        return Ok(false);
    }
    let Some(contract) = contract::Entity::find_by_id(evaluation.contract_id).one(db).await? else {
        return Ok(false);
    };
    let missing = missing(db, shapes, evaluation, today).await?;
    let recipients = recipients(db, ecars_core::ids::LegalEntityId(contract.legal_entity_id)).await?;
    let txn = begin_write(db).await?;
    let written = reminder::ActiveModel {
        evaluation_id: Set(evaluation.id),
        stage: Set(stage as i32),
        sent_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    match written {
        Ok(_) => {}
        // Another instance sent it first.
        Err(error) if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => return Ok(false),
        Err(error) => return Err(error.into()),
    }
    let contract_url = format!("{public_url}{}", ecars_core::routes::contract_href(contract.id));
    let missing_questions: Vec<String> = missing.questions.iter().map(|question| question.title.clone()).collect();
    let missing_contacts: Vec<String> = missing.contacts.iter().map(|contact| contact.function.clone()).collect();
    let notice = templates::Reminder {
        contract: &contract.name,
        year: evaluation.year,
        last_day,
        days_left: (last_day - today).num_days(),
        percentage: missing.progress.percentage(),
        missing_questions: &missing_questions,
        missing_contacts: &missing_contacts,
        contract_url: &contract_url,
    };
    for to in &recipients {
        outbox.queue(&txn, templates::reminder(to, &notice)).await?;
    }
    txn.commit().await?;
    tracing::info!(evaluation = evaluation.id, stage, recipients = recipients.len(), "campaign reminder sent");
    Ok(true)
}

/// The establishment users of a legal entity who still want reminders.
async fn recipients(
    db: &DatabaseConnection,
    legal_entity_id: ecars_core::ids::LegalEntityId,
) -> Result<Vec<String>, AppError> {
    Ok(mail_recipients_of_legal_entity(db, legal_entity_id, &[Role::Establishment])
        .await?
        .filter(wanting(MailPreference::Reminders))
        .all(db)
        .await?
        .into_iter()
        .map(|user| user.email)
        .collect())
}

/// Looks for reminders due at start, then every [`LOOK_EVERY`], until the instance stops.
pub async fn run(
    db: DatabaseConnection,
    shapes: TreeShapes,
    outbox: Outbox,
    public_url: String,
    clock: Clock,
    stopping: Stopping,
) {
    every(LOOK_EVERY, stopping, || async {
        if let Err(error) = send_due(&db, &shapes, &outbox, &public_url, clock.agency_today()).await {
            tracing::error!(%error, "campaign reminders not sent this time");
        }
    })
    .await;
    tracing::info!("campaign reminders stopped");
}
