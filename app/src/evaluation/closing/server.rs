//! Closing a self-evaluation, and its receipt.

use ecars_core::evaluation::rules::{is_answered, FillProgress, QuestionStatus};
use ecars_core::ids::{ContractId, EvaluationId};
use ecars_core::vocabulary::NodeKind;

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set,
};

use super::{ClosingReceipt, MissingItems, ReceiptLine};
use crate::accounts::access::Viewer;
use crate::accounts::{directory::user_emails, Role};
use crate::contacts::service as contacts;
use crate::contracts::{service as contracts, Phase};
use crate::db::entities::{answer, closing, evaluation, indicator, user};
use crate::db::{begin_write, french_date_time};
use crate::evaluation::service::{tree, TreeShapes};
use crate::evaluation::years::server as years;
use crate::mail::outbox::Outbox;
use crate::mail::templates;
use crate::AppError;

/// What still stands before closing an evaluation, as the database says now.
pub async fn missing(
    db: &impl ConnectionTrait,
    shapes: &TreeShapes,
    evaluation: &evaluation::Model,
    today: chrono::NaiveDate,
) -> Result<MissingItems, AppError> {
    let tree = tree(db, shapes, evaluation, today).await?.ok_or(AppError::NotFound)?;
    Ok(MissingItems::of(&tree, &contacts::of_evaluation(db, evaluation).await?))
}

/// "Clore la saisie" of the contract's current evaluation: in one transaction that holds the
/// evaluation (no save can slip in between), checks the rule, moves it to Consultation, writes
/// the closing with its receipt and queues the receipt for the establishment's users and the
/// agency referents following the legal entity.
pub async fn close(
    db: &DatabaseConnection,
    shapes: &TreeShapes,
    outbox: &Outbox,
    public_url: &str,
    viewer: &Viewer,
    contract_id: ecars_core::ids::ContractId,
) -> Result<ClosingReceipt, AppError> {
    let access = crate::evaluation::access::writable_contract(db, viewer, ContractId(contract_id.0)).await?;
    let txn = begin_write(db).await?;
    // Already closed, or its window is over: refused, and nothing changes (closing date and
    // author stay).
    let evaluation = years::lock_open(&txn, access.evaluation.id, viewer.today()).await?;
    let missing = missing(&txn, shapes, &evaluation, viewer.today()).await?;
    if !missing.may_close() {
        txn.rollback().await?;
        return Err(AppError::NotClosable(Box::new(missing)));
    }
    evaluation::Entity::update_many()
        .col_expr(evaluation::Column::Phase, Expr::value(Phase::Consultation))
        .filter(evaluation::Column::Id.eq(evaluation.id))
        .exec(&txn)
        .await?;
    let closing = closing::ActiveModel {
        evaluation_id: Set(evaluation.id),
        // The moment it is written, under the lock: saves before it, none after.
        closed_at: Set(Utc::now()),
        closed_by: Set(Some(viewer.user_id)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let receipt = receipt_as_closed(&txn, &closing).await?;
    closing::Entity::update_many()
        .col_expr(closing::Column::Receipt, Expr::value(stored_receipt(&receipt)?))
        .filter(closing::Column::Id.eq(closing.id))
        .exec(&txn)
        .await?;
    let page_url = format!("{public_url}{}", ecars_core::routes::closing_receipt_href(contract_id.0, closing.id));
    let legal_entity = receipt.contract.legal_entity.title();
    let answers: Vec<templates::ReceiptAnswer> = receipt
        .answers
        .iter()
        .map(|line| templates::ReceiptAnswer {
            title: &line.title,
            achieved: &line.achieved,
            comment: line.comment.as_deref(),
        })
        .collect();
    let mail = templates::ReceiptMail {
        contract: &receipt.contract.name,
        legal_entity: &legal_entity,
        closed_at: &receipt.closed_at,
        closed_by: &receipt.closed_by,
        percentage: receipt.percentage,
        answers: &answers,
    };
    for to in user_emails(
        &txn,
        ecars_core::ids::LegalEntityId(access.contract.legal_entity_id),
        &[Role::Establishment, Role::Referent],
    )
    .await?
    {
        outbox.queue(&txn, templates::closing_receipt(&to, &mail, &page_url)).await?;
    }
    txn.commit().await?;
    outbox.wake();
    tracing::info!(contract = contract_id.0, year = evaluation.year, user = viewer.user_id, "self-evaluation closed");
    Ok(receipt)
}

/// A receipt as `closings.receipt` keeps it.
pub fn stored_receipt(receipt: &ClosingReceipt) -> Result<String, AppError> {
    Ok(serde_json::to_string(receipt).map_err(|error| DbErr::Custom(format!("receipt not serialized: {error}")))?)
}

/// When and by whom an evaluation was closed, if it is closed through e-CARS.
pub async fn closed_by(
    db: &impl ConnectionTrait,
    evaluation: &evaluation::Model,
) -> Result<Option<(String, String)>, AppError> {
    let Some(closing) = years::closing_in_force(db, EvaluationId(evaluation.id)).await? else { return Ok(None) };
    Ok(Some(closing_author(db, &closing).await?))
}

async fn closing_author(db: &impl ConnectionTrait, closing: &closing::Model) -> Result<(String, String), AppError> {
    let author = match closing.closed_by {
        Some(id) => user::Entity::find_by_id(id).one(db).await?.map(|user| user.email),
        None => None,
    };
    Ok((french_date_time(closing.closed_at), author.unwrap_or_else(|| "compte supprimé".to_owned())))
}

/// A receipt of a contract the viewer may read: of closing `closing_id` (of any of its years), or
/// the one in force of its current evaluation; "not found" otherwise (an open evaluation).
pub async fn receipt(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    contract_id: ecars_core::ids::ContractId,
    closing_id: Option<i32>,
) -> Result<ClosingReceipt, AppError> {
    let access = crate::evaluation::access::readable_contract(db, viewer, ContractId(contract_id.0)).await?;
    let closing = match closing_id {
        None => years::closing_in_force(db, EvaluationId(access.evaluation.id)).await?,
        Some(id) => match closing::Entity::find_by_id(id).one(db).await? {
            Some(closing) => evaluation::Entity::find_by_id(closing.evaluation_id)
                .one(db)
                .await?
                .filter(|evaluation| evaluation.contract_id == contract_id.0)
                .map(|_| closing),
            None => None,
        },
    };
    let closing = closing.ok_or(AppError::NotFound)?;
    match &closing.receipt {
        Some(stored) => Ok(serde_json::from_str(stored)
            .map_err(|error| DbErr::Custom(format!("receipt {} not read: {error}", closing.id)))?),
        None => receipt_as_closed(db, &closing).await,
    }
}

/// The receipt of `closing` from the answers as they stand: those it closed, as long as its
/// evaluation was not reopened (the receipt is then kept, see `closings.receipt`).
pub async fn receipt_as_closed(
    db: &impl ConnectionTrait,
    closing: &closing::Model,
) -> Result<ClosingReceipt, AppError> {
    let evaluation = evaluation::Entity::find_by_id(closing.evaluation_id).one(db).await?.ok_or(AppError::NotFound)?;
    let (closed_at, closed_by) = closing_author(db, closing).await?;
    // The window as it stood when the evaluation was closed.
    let closed_on = crate::db::agency_date(closing.closed_at);
    let header = contracts::header_of_evaluation(db, &evaluation, closed_on).await?.ok_or(AppError::NotFound)?;
    let questions = indicator::Entity::find()
        .filter(indicator::Column::EvaluationId.eq(evaluation.id))
        .filter(indicator::Column::NodeKind.eq(NodeKind::Question))
        .order_by_asc(indicator::Column::Position)
        .all(db)
        .await?;
    let mut answers: std::collections::HashMap<i32, answer::Model> = answer::Entity::find()
        .filter(answer::Column::QuestionId.is_in(questions.iter().map(|question| question.id)))
        .all(db)
        .await?
        .into_iter()
        .map(|answer| (answer.question_id, answer))
        .collect();
    let mut statuses = Vec::with_capacity(questions.len());
    let answers = questions
        .into_iter()
        .map(|question| {
            let answer = answers.remove(&question.id);
            let answered =
                answer.as_ref().is_some_and(|answer| is_answered(answer.not_concerned, answer.achieved.as_deref()));
            statuses.push(QuestionStatus::of(question.editable_by_establishment, answered));
            let achieved = ecars_core::evaluation::values::shown_achieved(
                answer.as_ref().map(|answer| (answer.not_concerned, answer.achieved.as_deref())),
            );
            ReceiptLine {
                title: format!("{} - {}", question.code, question.label),
                achieved,
                comment: answer.and_then(|answer| answer.comment).filter(|comment| !comment.trim().is_empty()),
            }
        })
        .collect();
    Ok(ClosingReceipt {
        contract: header,
        closed_at,
        closed_by,
        percentage: FillProgress::from_statuses(statuses).percentage(),
        answers,
    })
}

/// The closing rule and its transaction, on the demo data.
#[cfg(test)]
mod tests {
    use ecars_core::contacts::ContactInput;
    use sea_orm::{EntityTrait, PaginatorTrait};

    use super::*;
    use crate::db::entities::{contact, outbox_message};
    use crate::db::testing::{contract_named, demo_database, viewer};
    use crate::evaluation::service::{save, AnswerInput};

    #[tokio::test]
    async fn closing_needs_every_answer_and_the_mandatory_contacts_then_queues_the_receipts_once() {
        let db = demo_database().await;
        let (shapes, outbox) = (TreeShapes::default(), Outbox::default());
        let chu = viewer(&db, "chu-grenoble@exemple.fr").await;
        let referent = viewer(&db, "referent@ars.exemple.fr").await;
        let caqes = contract_named(&db, "CAQES TEST").await;
        let close = |viewer| {
            close(&db, &shapes, &outbox, "https://ecars.exemple.fr", viewer, ecars_core::ids::ContractId(caqes.id))
        };
        let queued = || outbox_message::Entity::find().count(&db);

        assert_eq!(close(&referent).await.unwrap_err(), AppError::Forbidden);
        let AppError::NotClosable(missing) = close(&chu).await.unwrap_err() else { panic!("not closable") };
        assert_eq!(missing.questions.len(), 19, "every question the hospital answers is still red");
        assert_eq!(missing.contacts.iter().map(|contact| contact.function.as_str()).collect::<Vec<_>>(), ["DIRECTEUR"]);

        for question in missing.questions {
            let input = AnswerInput { version: 0, not_concerned: true, achieved: "", comment: "" };
            save(&db, &chu, ecars_core::ids::QuestionId(question.id), input).await.unwrap();
        }
        let AppError::NotClosable(missing) = close(&chu).await.unwrap_err() else { panic!("not closable") };
        assert!(missing.questions.is_empty() && missing.contacts.len() == 1, "the contact is still missing");
        assert_eq!(queued().await.unwrap(), 0, "nothing is mailed while refused");

        let director = contact::Entity::find()
            .filter(contact::Column::ContractId.eq(caqes.id))
            .filter(contact::Column::Function.eq("DIRECTEUR"))
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        let input = ContactInput {
            last_name: "MARTIN".into(),
            first_name: "Claire".into(),
            email: "direction@chu-grenoble.fr".into(),
            phone: "04 76 76 75 75".into(),
        };
        crate::contacts::service::save(&db, &chu, director.id, &input).await.unwrap();

        let receipt = close(&chu).await.unwrap();
        assert_eq!((receipt.percentage, receipt.closed_by.as_str()), (100, "chu-grenoble@exemple.fr"));
        let receipts = outbox_message::Entity::find().all(&db).await.unwrap();
        let mut to: Vec<_> = receipts.iter().map(|mail| (mail.kind.as_str(), mail.recipient.as_str())).collect();
        to.sort();
        assert_eq!(
            to,
            [("accuse_de_cloture", "chu-grenoble@exemple.fr"), ("accuse_de_cloture", "referent@ars.exemple.fr")]
        );
        assert!(receipts[0].text_body.contains("https://ecars.exemple.fr/contrats/"), "{}", receipts[0].text_body);
        let stored = years::current(&db, ecars_core::ids::ContractId(caqes.id)).await.unwrap();
        let closing = years::closing_in_force(&db, ecars_core::ids::EvaluationId(stored.id)).await.unwrap().unwrap();
        assert_eq!((stored.phase, closing.closed_by), (Phase::Consultation, Some(chu.user_id)));
        assert!(closing.receipt.is_some(), "the receipt is kept as closed");

        // Closed once: closing again is refused and mails nothing more.
        assert!(matches!(close(&chu).await.unwrap_err(), AppError::NotEditable(_)));
        assert_eq!(queued().await.unwrap(), 2);
    }
}
