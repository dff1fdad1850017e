//! The server's side of `reopening` (behind `ssr`: the browser's build never reads this file).

use ecars_core::ids::{ContractId, EvaluationId};
use ecars_core::vocabulary::Phase;
use ecars_core::vocabulary::Role;

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::accounts::access::Viewer;
use crate::accounts::directory::user_emails;
use crate::campaigns::window::server::Window;
use crate::campaigns::WindowState;
use crate::db::begin_write;
use crate::db::entities::{closing, evaluation};
use crate::evaluation::closing::server::{receipt_as_closed, stored_receipt};
use crate::evaluation::years::server as years;
use crate::mail::outbox::Outbox;
use crate::mail::templates;
use crate::AppError;

/// Reopens contract `contract_id`'s current evaluation, closed, for `reason`; in one
/// transaction that holds the evaluation, so a closing and a reopening never interleave.
pub async fn reopen(
    db: &DatabaseConnection,
    outbox: &Outbox,
    public_url: &str,
    viewer: &Viewer,
    contract_id: ecars_core::ids::ContractId,
    reason: &str,
) -> Result<(), AppError> {
    let access = crate::evaluation::access::steerable_contract(db, viewer, ContractId(contract_id.0)).await?;
    let reason = super::parse_reason(reason).map_err(AppError::Invalid)?;
    let txn = begin_write(db).await?;
    let locked = years::lock(&txn, access.evaluation.id).await?;
    // Until the agency notifies its provisional evaluation, it may still give the self-evaluation
    // back (its appraisals are kept); after, the contradictory exchange has begun.
    let in_force = match locked.phase {
        Phase::Consultation | Phase::AgencyEvaluation => years::closing_in_force(&txn, EvaluationId(locked.id)).await?,
        Phase::AutoEvaluation => None,
        Phase::ProvisionalNotified | Phase::ObservationsReceived | Phase::Final => {
            return Err(AppError::NotEditable(format!(
                "L'évaluation est à l'étape « {} » : la saisie ne peut plus être rouverte.",
                locked.phase.label()
            )))
        }
    };
    let Some(in_force) = in_force else {
        return Err(AppError::NotEditable("Cette évaluation n'est pas close : il n'y a rien à rouvrir.".to_owned()));
    };
    if Window::of(&locked).is_some_and(|window| window.state_on(viewer.today()) == WindowState::Over) {
        return Err(AppError::NotEditable(
                "La période de saisie est terminée : prolongez-la d'abord (« Prolonger la saisie »), puis rouvrez la saisie."
                    .to_owned(),
            ));
    }
    // The receipt stays as it was closed, even for a closing from before receipts were kept.
    if in_force.receipt.is_none() {
        let receipt = receipt_as_closed(&txn, &in_force).await?;
        closing::Entity::update_many()
            .col_expr(closing::Column::Receipt, Expr::value(stored_receipt(&receipt)?))
            .filter(closing::Column::Id.eq(in_force.id))
            .exec(&txn)
            .await?;
    }
    closing::Entity::update_many()
        .col_expr(closing::Column::ReopenedAt, Expr::value(viewer.now))
        .col_expr(closing::Column::ReopenedBy, Expr::value(viewer.user_id))
        .col_expr(closing::Column::ReopenReason, Expr::value(reason.clone()))
        .filter(closing::Column::Id.eq(in_force.id))
        .exec(&txn)
        .await?;
    evaluation::Entity::update_many()
        .col_expr(evaluation::Column::Phase, Expr::value(Phase::AutoEvaluation))
        .filter(evaluation::Column::Id.eq(locked.id))
        .exec(&txn)
        .await?;
    let contract_url = format!("{public_url}{}", ecars_core::routes::contract_href(contract_id.0));
    let reopening = templates::Reopening {
        contract: &access.contract.name,
        year: locked.year,
        reopened_by: &viewer.email,
        reason: &reason,
        contract_url: &contract_url,
    };
    for to in user_emails(&txn, ecars_core::ids::LegalEntityId(access.contract.legal_entity_id), &[Role::Establishment])
        .await?
    {
        outbox.queue(&txn, templates::reopened(&to, &reopening)).await?;
    }
    txn.commit().await?;
    outbox.wake();
    tracing::info!(contract = contract_id.0, year = locked.year, user = viewer.user_id, "self-evaluation reopened");
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_reason_is_required_and_bounded() {
        assert!(super::super::parse_reason("  ").is_err());
        assert_eq!(super::super::parse_reason(" Erreur sur 2.1.1.a ").unwrap(), "Erreur sur 2.1.1.a");
        assert!(super::super::parse_reason(&"x".repeat(2001)).is_err());
    }
}
