//! Closing a self-evaluation, and its receipt.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use super::closing::{ClosingReceipt, MissingItems, ReceiptLine};
use super::rules::{is_answered, FillProgress, QuestionStatus};
use super::service::{tree, TreeShapes};
use crate::accounts::access::{self, Viewer};
use crate::accounts::{directory::user_emails, Role};
use crate::contacts::service as contacts;
use crate::contracts::{service as contracts, Phase};
use crate::db::entities::indicator::NodeKind;
use crate::db::entities::{answer, contract, indicator, user};
use crate::db::{begin_write, french_date_time};
use crate::mail::outbox::Outbox;
use crate::notifications;
use crate::AppError;

/// What still stands before closing, as the database says now.
pub async fn missing(
    db: &impl ConnectionTrait,
    shapes: &TreeShapes,
    contract_id: i32,
) -> Result<MissingItems, AppError> {
    let tree = tree(db, shapes, contract_id).await?.ok_or(AppError::NotFound)?;
    Ok(MissingItems::of(&tree, &contacts::of_contract(db, contract_id).await?))
}

/// "Clore la saisie": in one transaction that holds the contract (no save can slip in between),
/// checks the rule, moves the contract to Consultation and queues the receipt for the
/// establishment's users and the agency referents following the legal entity.
pub async fn close(
    db: &DatabaseConnection,
    shapes: &TreeShapes,
    outbox: &Outbox,
    public_url: &str,
    viewer: &Viewer,
    contract_id: i32,
) -> Result<ClosingReceipt, AppError> {
    let contract = access::writable_contract(db, viewer, contract_id).await?;
    let txn = begin_write(db).await?;
    // Already closed: refused, and nothing changes (closing date and author stay).
    contracts::lock_open(&txn, contract_id).await?;
    let missing = missing(&txn, shapes, contract_id).await?;
    if !missing.may_close() {
        txn.rollback().await?;
        return Err(AppError::NotClosable(Box::new(missing)));
    }
    contract::Entity::update_many()
        .col_expr(contract::Column::Phase, Expr::value(Phase::Consultation))
        .col_expr(contract::Column::ClosedAt, Expr::value(Utc::now()))
        .col_expr(contract::Column::ClosedBy, Expr::value(viewer.user_id))
        .filter(contract::Column::Id.eq(contract_id))
        .exec(&txn)
        .await?;
    let receipt = receipt(&txn, viewer, contract_id).await?;
    let page_url = format!("{public_url}{}", crate::routes::receipt_href(contract_id));
    for to in user_emails(&txn, contract.legal_entity_id, &[Role::Establishment, Role::Referent]).await? {
        outbox.queue(&txn, notifications::closing_receipt(&to, &receipt, &page_url)).await?;
    }
    txn.commit().await?;
    outbox.wake();
    tracing::info!(contract = contract_id, user = viewer.user_id, "self-evaluation closed");
    Ok(receipt)
}

/// When and by whom a closed contract was closed, if through e-CARS.
pub async fn closed_by(
    db: &impl ConnectionTrait,
    contract: &contract::Model,
) -> Result<Option<(String, String)>, AppError> {
    let Some(closed_at) = contract.closed_at else { return Ok(None) };
    let author = match contract.closed_by {
        Some(id) => user::Entity::find_by_id(id).one(db).await?.map(|user| user.email),
        None => None,
    };
    Ok(Some((french_date_time(closed_at), author.unwrap_or_else(|| "compte supprimé".to_owned()))))
}

/// The receipt of a closed contract the viewer may read; "not found" while it is open.
pub async fn receipt(db: &impl ConnectionTrait, viewer: &Viewer, contract_id: i32) -> Result<ClosingReceipt, AppError> {
    let contract = access::readable_contract(db, viewer, contract_id).await?.contract;
    let Some((closed_at, closed_by)) = closed_by(db, &contract).await? else {
        return Err(AppError::NotFound);
    };
    let header = contracts::header(db, contract_id).await?.ok_or(AppError::NotFound)?;
    let questions = indicator::Entity::find()
        .filter(indicator::Column::ContractId.eq(contract_id))
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
            let achieved = match &answer {
                Some(answer) if answer.not_concerned => "Non concerné".to_owned(),
                Some(answer) => answer.achieved.clone().unwrap_or_else(|| "Non renseigné".to_owned()),
                None => "Non renseigné".to_owned(),
            };
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
    use sea_orm::{EntityTrait, PaginatorTrait};

    use super::*;
    use crate::contacts::rules::ContactInput;
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
        let close = |viewer| close(&db, &shapes, &outbox, "https://ecars.exemple.fr", viewer, caqes.id);
        let queued = || outbox_message::Entity::find().count(&db);

        assert_eq!(close(&referent).await.unwrap_err(), AppError::Forbidden);
        let AppError::NotClosable(missing) = close(&chu).await.unwrap_err() else { panic!("not closable") };
        assert_eq!(missing.questions.len(), 19, "every question the hospital answers is still red");
        assert_eq!(missing.contacts.iter().map(|contact| contact.function.as_str()).collect::<Vec<_>>(), ["DIRECTEUR"]);

        for question in missing.questions {
            let input = AnswerInput { version: 0, not_concerned: true, achieved: "", comment: "" };
            save(&db, &chu, question.id, input).await.unwrap();
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
        let stored = contract::Entity::find_by_id(caqes.id).one(&db).await.unwrap().unwrap();
        assert_eq!((stored.phase, stored.closed_by), (Phase::Consultation, Some(chu.user_id)));

        // Closed once: closing again is refused and mails nothing more.
        assert!(matches!(close(&chu).await.unwrap_err(), AppError::NotEditable(_)));
        assert_eq!(queued().await.unwrap(), 2);
    }
}
