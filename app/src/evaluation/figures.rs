//! The figures each evaluation keeps of itself — how many questions its establishment must answer,
//! how many it has answered, its latest change with its author, and the documents on its
//! questions — so that following a region reads one row per evaluation, never its hundreds of
//! answers. They are counted again in the transaction of every change that can move them (a save,
//! an upload, a new year's tree), which holds the evaluation's row first, so two changes at once
//! cannot miss each other.

use ecars_core::evaluation::rules::ANSWERED_IN_SQL;
use ecars_core::vocabulary::NodeKind;
use sea_orm::sea_query::{Expr, ExprTrait, Order, Query, SelectStatement, SubQueryStatement};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr};

use crate::db::entities::{answer, document, evaluation, indicator};

/// The questions of evaluation `id` its establishment answers (grey ones are the agency's).
fn establishment_questions(id: i32) -> SelectStatement {
    Query::select()
        .from(indicator::Entity)
        .and_where(indicator::Column::EvaluationId.eq(id))
        .and_where(indicator::Column::NodeKind.eq(NodeKind::Question))
        .and_where(indicator::Column::EditableByEstablishment.eq(true))
        .to_owned()
}

/// [`establishment_questions`] with their answers (unanswered ones left out).
fn their_answers(id: i32) -> SelectStatement {
    establishment_questions(id)
        .inner_join(
            answer::Entity,
            Expr::col((answer::Entity, answer::Column::QuestionId)).equals((indicator::Entity, indicator::Column::Id)),
        )
        .to_owned()
}

fn sub_query(select: SelectStatement) -> Expr {
    SubQueryStatement::from(select).into()
}

/// Counts the figures of evaluation `id` again and writes them on it.
pub async fn refresh(db: &impl ConnectionTrait, id: i32) -> Result<(), DbErr> {
    let required =
        establishment_questions(id).expr(Expr::col((indicator::Entity, indicator::Column::Id)).count()).to_owned();
    let answered = their_answers(id)
        .expr(Expr::col((answer::Entity, answer::Column::Id)).count())
        .and_where(Expr::cust(ANSWERED_IN_SQL))
        .to_owned();
    let latest_at = their_answers(id).expr(Expr::col((answer::Entity, answer::Column::UpdatedAt)).max()).to_owned();
    let latest_by = their_answers(id)
        .column((answer::Entity, answer::Column::UpdatedBy))
        .order_by((answer::Entity, answer::Column::UpdatedAt), Order::Desc)
        .order_by((answer::Entity, answer::Column::Id), Order::Desc)
        .limit(1)
        .to_owned();
    let documents = Query::select()
        .expr(Expr::col((document::Entity, document::Column::Id)).count())
        .from(indicator::Entity)
        .inner_join(
            document::Entity,
            Expr::col((document::Entity, document::Column::QuestionId))
                .equals((indicator::Entity, indicator::Column::Id)),
        )
        .and_where(indicator::Column::EvaluationId.eq(id))
        .to_owned();
    let update = Query::update()
        .table(evaluation::Entity)
        .value(evaluation::Column::RequiredQuestions, sub_query(required))
        .value(evaluation::Column::AnsweredQuestions, sub_query(answered))
        .value(evaluation::Column::LatestAnswerAt, sub_query(latest_at))
        .value(evaluation::Column::LatestAnswerBy, sub_query(latest_by))
        .value(evaluation::Column::QuestionDocuments, sub_query(documents))
        .and_where(evaluation::Column::Id.eq(id))
        .to_owned();
    db.execute(&update).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use sea_orm::EntityTrait;

    use super::*;
    use crate::db::testing::{contract_named, demo_database, viewer};
    use crate::evaluation::closing::server::missing;
    use crate::evaluation::service::{save, AnswerInput, TreeShapes};
    use crate::evaluation::years::server::current;

    #[tokio::test]
    async fn the_kept_figures_are_those_of_the_tree_after_every_save() {
        let db = demo_database().await;
        let chu = viewer(&db, "chu-grenoble@exemple.fr").await;
        let caqes = contract_named(&db, "CAQES TEST").await;
        let shapes = TreeShapes::default();
        let kept = || async {
            evaluation::Entity::find_by_id(current(&db, ecars_core::ids::ContractId(caqes.id)).await.unwrap().id)
                .one(&db)
                .await
        };
        let today = chu.today();

        let evaluation = kept().await.unwrap().unwrap();
        let to_fill = missing(&db, &shapes, &evaluation, today).await.unwrap();
        let progress = to_fill.progress;
        assert_eq!((evaluation.required_questions, evaluation.answered_questions), (19, 0), "as loaded");
        assert_eq!((progress.required, progress.answered), (19, 0), "as the tree counts");
        assert_eq!(evaluation.latest_answer_at, None);

        for question in to_fill.questions.iter().take(3) {
            let input = AnswerInput { version: 0, not_concerned: true, achieved: "", comment: "" };
            save(&db, &chu, ecars_core::ids::QuestionId(question.id), input).await.unwrap();
        }
        let evaluation = kept().await.unwrap().unwrap();
        let progress = missing(&db, &shapes, &evaluation, today).await.unwrap().progress;
        assert_eq!((progress.required, progress.answered), (19, 3));
        assert_eq!((evaluation.required_questions, evaluation.answered_questions), (19, 3));
        assert_eq!(evaluation.latest_answer_by, Some(chu.user_id));
        assert!(evaluation.latest_answer_at.is_some());
    }

    /// The SQL form of the rule agrees with the Rust one on every shape an answer is stored in.
    #[tokio::test]
    async fn the_sql_rule_is_the_rust_rule() {
        use ecars_core::evaluation::rules::is_answered;
        use sea_orm::{ConnectionTrait, Database, Statement};
        let db = Database::connect("sqlite::memory:").await.unwrap();
        let cases: [(bool, Option<&str>); 10] = [
            (false, None),
            (false, Some("")),
            (false, Some("   ")),
            (false, Some("0")),
            (false, Some("Non")),
            (false, Some(" 12,5 ")),
            (true, None),
            (true, Some("")),
            (true, Some("Oui")),
            (true, Some("  ")),
        ];
        let backend = db.get_database_backend();
        for (not_concerned, achieved) in cases {
            let sql = format!(
                r#"WITH "answers"("not_concerned", "achieved") AS (SELECT ?, ?) SELECT CASE WHEN {ANSWERED_IN_SQL} THEN 1 ELSE 0 END FROM "answers""#
            );
            let row = db
                .query_one_raw(Statement::from_sql_and_values(
                    backend,
                    sql,
                    [not_concerned.into(), achieved.map(str::to_owned).into()],
                ))
                .await
                .unwrap()
                .unwrap();
            let in_sql = row.try_get_by_index::<i32>(0).unwrap() == 1;
            assert_eq!(in_sql, is_answered(not_concerned, achieved), "{not_concerned} {achieved:?}");
        }
        // A question joined to no answer (a LEFT JOIN's NULLs) counts as not answered.
        let sql = format!(
            r#"WITH "answers"("not_concerned", "achieved") AS (SELECT NULL, NULL) SELECT CASE WHEN {ANSWERED_IN_SQL} THEN 1 ELSE 0 END FROM "answers""#
        );
        let row = db.query_one_raw(Statement::from_string(backend, sql)).await.unwrap().unwrap();
        assert_eq!(row.try_get_by_index::<i32>(0).unwrap(), 0);
    }
}
