//! Server functions of the self-evaluation.

use leptos::prelude::*;

use super::{IndicatorTree, QuestionDetail, SavedAnswer};
use crate::AppError;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;

#[server(endpoint = "indicateurs", client = crate::accounts::csrf::PortalClient)]
/// The tree of the contract's current evaluation, or of an earlier `year` (read-only).
pub async fn get_indicator_tree(
    contract_id: i32,
    #[server(default)] year: Option<i32>,
) -> Result<IndicatorTree, AppError> {
    let viewer = crate::accounts::access::viewer()?;
    let state = crate::state::AppState::current()?;
    let access = crate::evaluation::access::readable_evaluation(
        &state.db,
        &viewer,
        ecars_core::ids::ContractId(contract_id),
        year,
    )
    .await?;
    super::service::tree(&state.db, &state.tree_shapes, &access.evaluation, viewer.today())
        .await?
        .ok_or(AppError::NotFound)
}

/// The question panel: the question, last year's values and the current answer.
#[server(endpoint = "question", client = crate::accounts::csrf::PortalClient)]
pub async fn get_question(question_id: i32) -> Result<QuestionDetail, AppError> {
    let viewer = crate::accounts::access::viewer()?;
    let state = crate::state::AppState::current()?;
    super::service::question(
        &state.db,
        &viewer,
        ecars_core::ids::QuestionId(question_id),
        state.settings.max_document_bytes,
    )
    .await
}

/// "Enregistrer": `version` is the one the panel was loaded with (0 for a first answer);
/// `not_concerned` is the checkbox ("on" when ticked). `next` is sent by "Enregistrer et passer
/// à la suivante": the answer then says which question is next. `panel` is sent by the tree's
/// island: the form post is then answered with the panel alone, not the whole tree.
#[server(endpoint = "enregistrer_reponse", client = crate::accounts::csrf::PortalClient)]
pub async fn save_answer(
    question_id: i32,
    version: i32,
    not_concerned: Option<String>,
    achieved: Option<String>,
    comment: Option<String>,
    #[server(default)] next: Option<String>,
    #[server(default)] panel: Option<String>,
) -> Result<SavedAnswer, AppError> {
    use super::service::{next_to_fill, save, AnswerInput};
    use super::TypedAnswer;

    let viewer = crate::accounts::access::viewer()?;
    let state = crate::state::AppState::current()?;
    let typed = TypedAnswer {
        not_concerned: not_concerned.is_some_and(|value| !value.is_empty()),
        achieved: achieved.unwrap_or_default(),
        comment: comment.unwrap_or_default(),
    };
    let input =
        AnswerInput { version, not_concerned: typed.not_concerned, achieved: &typed.achieved, comment: &typed.comment };
    let mut result = save(&state.db, &viewer, ecars_core::ids::QuestionId(question_id), input).await;
    let wants_next = next.is_some();
    if let (Ok(saved), true) = (&mut result, wants_next) {
        saved.next =
            next_to_fill(&state.db, &state.tree_shapes, &viewer, ecars_core::ids::QuestionId(question_id)).await?;
    }
    let post = PanelPost {
        path: SaveAnswer::PATH,
        kept: &ecars_core::evaluation::tree_filter::PARAMS,
        question_id,
        wants_next,
        for_island: panel.is_some(),
    };
    post.answer(&result, typed.query_pairs(), |saved| (saved.next, saved.status));
    result
}

/// A panel's form post (an answer's or an appraisal's), answered as [`answer_plain_post`] does.
#[cfg(feature = "ssr")]
pub(crate) struct PanelPost<'a> {
    pub path: &'static str,
    /// The parameters of the tree's address kept (its filter, its year).
    pub kept: &'a [&'a str],
    pub question_id: i32,
    /// "Enregistrer et passer à la suivante".
    pub wants_next: bool,
    /// Sent by the tree's island: it wants the panel alone.
    pub for_island: bool,
}

#[cfg(feature = "ssr")]
impl PanelPost<'_> {
    /// Without JavaScript, back to the tree, its filter kept: on the next question, or on this one
    /// with "enregistré", or with the error and what the user typed (`typed`). For the tree's
    /// island, the same address but of the panel alone, with the saved question's new status.
    /// `saved` tells the next question and the new status of a save.
    pub fn answer<T>(
        &self,
        result: &Result<T, AppError>,
        typed: Vec<(&'static str, &str)>,
        saved: impl FnOnce(&T) -> (Option<i32>, ecars_core::evaluation::rules::QuestionStatus),
    ) {
        use ecars_core::routes::{segment::PANEL, HOME_PATH, QUESTION_ANCHOR, QUESTION_PARAM};

        use super::{ALL_SAVED, PREVIOUS_PARAM, SAVED_PARAM, SAVED_STATUS_PARAM};
        use crate::accounts::web::{answer_plain_post, FormPage};

        let question = self.question_id.to_string();
        let page = |query: Vec<(&str, &str)>| {
            FormPage::posting_keeping(self.kept, query).map(|page| match self.for_island {
                true => page.below(PANEL),
                false => page.at_anchor(QUESTION_ANCHOR),
            })
        };
        let refused = page([(QUESTION_PARAM, question.as_str())].into_iter().chain(typed).collect());
        let done = |result: &T| {
            let (next, status) = saved(result);
            let next = next.map(|next| next.to_string());
            let mut query = match (&next, self.wants_next) {
                (Some(next), _) => vec![(QUESTION_PARAM, next.as_str()), (PREVIOUS_PARAM, question.as_str())],
                (None, true) => vec![(QUESTION_PARAM, question.as_str()), (SAVED_PARAM, ALL_SAVED)],
                (None, false) => vec![(QUESTION_PARAM, question.as_str()), (SAVED_PARAM, "1")],
            };
            if self.for_island {
                query.push((SAVED_STATUS_PARAM, status.code()));
            }
            page(query).map(|page| page.href()).unwrap_or_else(|| HOME_PATH.to_owned())
        };
        answer_plain_post(self.path, result, done, refused);
    }
}

/// "Clore la saisie", once confirmed. Without JavaScript the browser goes to the contract page
/// after closing, or back to the confirmation page with what is still missing.
#[server(endpoint = "clore_la_saisie", client = crate::accounts::csrf::PortalClient)]
pub async fn close_evaluation(contract_id: i32) -> Result<super::closing::ClosingReceipt, AppError> {
    use super::closing::server as closing_service;

    let viewer = crate::accounts::access::viewer()?;
    let state = crate::state::AppState::current()?;
    let public_url = &state.settings.public_url;
    let result = closing_service::close(
        &state.db,
        &state.tree_shapes,
        &state.outbox,
        public_url,
        &viewer,
        ecars_core::ids::ContractId(contract_id),
    )
    .await;
    let closed = format!("{}?{}=1", ecars_core::routes::contract_href(contract_id), super::CLOSED_PARAM);
    let confirmation = crate::accounts::web::FormPage::at(ecars_core::routes::closing_href(contract_id), []);
    crate::accounts::web::answer_plain_post(CloseEvaluation::PATH, &result, |_| closed, Some(confirmation));
    result
}

/// The printable "Accusé de clôture" of closing `closing` of the contract, or of its current
/// evaluation's closing in force.
#[server(endpoint = "accuse_de_cloture", client = crate::accounts::csrf::PortalClient)]
pub async fn get_closing_receipt(
    contract_id: i32,
    #[server(default)] closing: Option<i32>,
) -> Result<super::closing::ClosingReceipt, AppError> {
    let viewer = crate::accounts::access::viewer()?;
    super::closing::server::receipt(
        &crate::state::AppState::current()?.db,
        &viewer,
        ecars_core::ids::ContractId(contract_id),
        closing,
    )
    .await
}
