//! Saving answers: rights, phase, kind and range, versions, history.

use app::accounts::invitations::{create_user, NewUser};
use app::accounts::secrets::PasswordHashing;
use app::accounts::Role;
use app::db::entities::{answer_history, evaluation, indicator};
use app::evaluation::api::{GetQuestion, SaveAnswer};
use app::evaluation::{QuestionDetail, SavedAnswer, ValueKind};
use app::AppError;
use ecars_core::evaluation::rules::QuestionStatus::{Filled, ToFill};
use leptos::server_fn::ServerFn;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::helpers::{caqes_test, spawn_app, TestApp, Visitor, CHU, REFERENT};

/// The id of question `code` of CAQES TEST.
async fn question(app: &TestApp, code: &str) -> String {
    let db = app.database().await;
    let contract = caqes_test(app).await;
    crate::helpers::current_indicators(app, contract.id)
        .await
        .filter(indicator::Column::Code.eq(code))
        .one(&db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no question {code}"))
        .id
        .to_string()
}

async fn save(visitor: &Visitor, question: &str, version: &str, achieved: &str) -> crate::helpers::Page {
    visitor
        .call_fn::<SaveAnswer>(&[
            ("question_id", question),
            ("version", version),
            ("achieved", achieved),
            ("comment", ""),
        ])
        .await
}

#[tokio::test]
async fn an_answer_is_saved_with_its_author_and_turns_the_question_green() {
    let app = spawn_app().await;
    let chu = app.login_as(CHU).await;
    let id = question(&app, "1.1.1.a").await;
    let panel: QuestionDetail = chu.call_fn::<GetQuestion>(&[("question_id", &id)]).await.value();
    assert_eq!((panel.kind, panel.editable, panel.answer, panel.status), (ValueKind::Percentage, true, None, ToFill));

    let saved = chu
        .call_fn::<SaveAnswer>(&[
            ("question_id", &id),
            ("version", "0"),
            ("achieved", "12.5"),
            ("comment", " Relevé de mars "),
        ])
        .await;
    let saved: SavedAnswer = saved.value();
    assert_eq!(saved.status, Filled);
    let answer = &saved.answer;
    assert_eq!((answer.achieved.as_deref(), answer.comment.as_deref()), (Some("12,5"), Some("Relevé de mars")));
    assert_eq!((answer.version, answer.updated_by.as_deref()), (1, Some(CHU.0)));
    let panel: QuestionDetail = chu.call_fn::<GetQuestion>(&[("question_id", &id)]).await.value();
    assert_eq!((panel.answer.as_ref(), panel.status), (Some(answer), Filled));
    // The tree counts it: 1 of the 19 questions the hospital answers.
    let contract = caqes_test(&app).await.id.to_string();
    let tree = chu.get(&format!("/contrats/{contract}/indicateurs")).await;
    assert_eq!(tree.count("tree__dot--green"), 1);
    tree.assert_shows(&["Pourcentage de remplissage : <strong>5 %</strong>"]);

    // "Non concerné" needs no value, and counts as answered.
    let not_concerned = chu
        .call_fn::<SaveAnswer>(&[("question_id", &id), ("version", "1"), ("not_concerned", "on"), ("achieved", "")])
        .await;
    let saved: SavedAnswer = not_concerned.value();
    assert_eq!((saved.answer.not_concerned, saved.answer.achieved, saved.answer.version), (true, None, 2));
    assert_eq!(saved.status, Filled);
}

#[tokio::test]
async fn values_are_checked_against_the_kind_of_question() {
    let app = spawn_app().await;
    let chu = app.login_as(CHU).await;
    let percentage = question(&app, "1.1.1.a").await;
    let yes_no = question(&app, "2.1.1.a").await;
    for (id, value, message) in [
        (&percentage, "150", "entre 0 et 100"),
        (&percentage, "douze", "pourcentage"),
        (&percentage, "", "Non concerné"),
        (&yes_no, "peut-être", "Oui ou Non"),
    ] {
        let refused = save(&chu, id, "0", value).await;
        assert!(refused.invalid().contains(message), "{value:?}: {}", refused.body);
    }
    assert_eq!(save(&chu, &yes_no, "0", "oui").await.status, 200);
}

#[tokio::test]
async fn a_save_over_a_newer_version_is_refused_with_the_current_answer() {
    let app = spawn_app().await;
    let first = app.login_as(CHU).await;
    let second = app.login_as(CHU).await;
    let id = question(&app, "1.1.1.a").await;
    assert_eq!(save(&first, &id, "0", "40").await.status, 200);
    // The second browser loaded the question before the first saved.
    let stale = save(&second, &id, "0", "60").await;
    let AppError::Conflict(current) = stale.error(409) else { panic!("a conflict: {}", stale.body) };
    assert_eq!((current.achieved.as_deref(), current.version), (Some("40"), 1));
    let panel: QuestionDetail = first.call_fn::<GetQuestion>(&[("question_id", &id)]).await.value();
    assert_eq!(panel.answer.and_then(|answer| answer.achieved).as_deref(), Some("40"));
    // Knowing the current version, the user may choose to replace it.
    assert_eq!(save(&second, &id, "1", "60").await.status, 200);
}

#[tokio::test]
async fn every_change_is_kept_with_its_old_and_new_value() {
    let app = spawn_app().await;
    let chu = app.login_as(CHU).await;
    let id = question(&app, "1.1.1.a").await;
    save(&chu, &id, "0", "40").await;
    save(&chu, &id, "1", "45,5").await;
    let db = app.database().await;
    let history = answer_history::Entity::find()
        .filter(answer_history::Column::QuestionId.eq(id.parse::<i32>().unwrap()))
        .order_by_asc(answer_history::Column::Version)
        .all(&db)
        .await
        .unwrap();
    let changes: Vec<_> =
        history.iter().map(|h| (h.version, h.old_achieved.as_deref(), h.new_achieved.as_deref())).collect();
    assert_eq!(changes, [(1, None, Some("40")), (2, Some("40"), Some("45,5"))]);
    assert!(history.iter().all(|h| h.changed_by.is_some()));
}

#[tokio::test]
async fn saving_is_refused_where_the_rules_forbid_it() {
    let app = spawn_app().await;
    let chu = app.login_as(CHU).await;
    let national = question(&app, "4.1.1.a").await;
    let grey = save(&chu, &national, "0", "2").await;
    assert!(grey.not_editable().contains("renseigné par l'agence"), "{}", grey.body);

    let id = question(&app, "1.1.1.a").await;
    let referent = save(&app.login_as(REFERENT).await, &id, "0", "10").await;
    assert_eq!(referent.error(403), AppError::Forbidden, "a referent reads only");
    let anonymous = app.call_fn::<SaveAnswer>(&[("question_id", &id), ("version", "0"), ("achieved", "10")]).await;
    assert_eq!(anonymous.error(401), AppError::Unauthenticated);

    // An establishment user of another legal entity does not even see the question.
    let db = app.database().await;
    let finesses = [app::demo::ACODEGE_FINESS.to_owned()];
    let other = ("direction@acodege.exemple.fr", "Acodege-Direction-2026!");
    let new = NewUser {
        email: other.0,
        role: Role::Establishment,
        finesses: &finesses,
        password: other.1,
        must_renew: false,
        agency_id: None,
    };
    create_user(&db, &PasswordHashing::new(1), new).await.unwrap();
    let other = app.login_as(other).await;
    assert_eq!(save(&other, &id, "0", "10").await.error(404), AppError::NotFound);
    assert_eq!(other.call_fn::<GetQuestion>(&[("question_id", &id)]).await.error(404), AppError::NotFound);

    // Once in Consultation, nothing can be saved.
    evaluation::Entity::update_many()
        .col_expr(evaluation::Column::Phase, Expr::value("consultation"))
        .filter(evaluation::Column::ContractId.eq(caqes_test(&app).await.id))
        .exec(&db)
        .await
        .unwrap();
    let closed = save(&chu, &id, "0", "10").await;
    assert!(closed.not_editable().contains("Consultation"), "{}", closed.body);
    assert!(!chu.call_fn::<GetQuestion>(&[("question_id", &id)]).await.value::<QuestionDetail>().editable);
}

#[tokio::test]
async fn without_javascript_the_panel_posts_and_comes_back_with_the_result_or_what_was_typed() {
    let app = spawn_app().await;
    let chu = app.login_as(CHU).await;
    let id = question(&app, "1.1.1.a").await;
    let contract = caqes_test(&app).await.id;
    let panel_page = format!("/contrats/{contract}/indicateurs?question={id}");
    let post = |achieved: &'static str| {
        let (app, cookie, id, referer) =
            (app.clone(), chu.cookie.clone(), id.clone(), format!("{}{panel_page}", app.address));
        async move {
            let form = [("question_id", id.as_str()), ("version", "0"), ("achieved", achieved), ("comment", "Relevé")];
            let headers = [("accept", "text/html"), ("referer", referer.as_str())];
            app.request(reqwest::Method::POST, SaveAnswer::PATH, Some(&form), Some(&cookie), &headers).await
        }
    };

    // Refused: back to the same panel with the message and the typed values.
    let refused = post("douze").await;
    assert_eq!(refused.status, 302, "{}", refused.body);
    let location = refused.location.expect("a redirect");
    assert!(location.starts_with(&format!("/contrats/{contract}/indicateurs?question={id}&")), "{location}");
    assert!(location.ends_with("#question"), "{location}");
    let page = chu.get(location.trim_end_matches("#question")).await;
    page.assert_shows(&["Veuillez saisir un pourcentage entre 0 et 100", "value=\"douze\"", "Relevé</textarea>"]);

    // Saved: back to the panel, which says so, with the question green.
    let saved = post("12,5").await;
    assert_eq!(saved.status, 302, "{}", saved.body);
    let location = saved.location.expect("a redirect");
    assert_eq!(location, format!("/contrats/{contract}/indicateurs?question={id}&enregistre=1#question"));
    let page = chu.get(location.trim_end_matches("#question")).await;
    page.assert_shows(&["Réponse enregistrée.", "value=\"12,5\"", "Pourcentage de remplissage : <strong>5 %</strong>"]);
    assert_eq!(page.count("tree__dot--green"), 1);
}

#[tokio::test]
async fn the_tree_island_posts_the_same_form_and_gets_the_panel_alone_back() {
    let app = spawn_app().await;
    let chu = app.login_as(CHU).await;
    let id = question(&app, "1.1.1.a").await;
    let contract = caqes_test(&app).await.id;
    let referer = format!("{}/contrats/{contract}/indicateurs?question={id}", app.address);
    let post = |achieved: &'static str| {
        let (app, cookie, id, referer) = (app.clone(), chu.cookie.clone(), id.clone(), referer.clone());
        async move {
            let form = [("question_id", id.as_str()), ("version", "0"), ("achieved", achieved), ("panel", "1")];
            let headers = [("accept", "text/html"), ("referer", referer.as_str())];
            app.request(reqwest::Method::POST, SaveAnswer::PATH, Some(&form), Some(&cookie), &headers).await
        }
    };
    let panel_path = format!("/contrats/{contract}/indicateurs/question");

    // Refused: the panel alone, with the message and what was typed.
    let refused = post("douze").await;
    let location = refused.location.expect("a redirect");
    assert!(location.starts_with(&format!("{panel_path}?question={id}&")), "{location}");
    let page = chu.get(&location).await;
    page.assert_shows(&["id=\"panneau-question\"", "Veuillez saisir un pourcentage entre 0 et 100", "value=\"douze\""]);
    assert_eq!(page.count("tree__dot"), 0, "the panel without the tree");

    // Saved: the panel says so, and its address gives the tree the question's new status.
    let saved = post("12,5").await;
    let location = saved.location.expect("a redirect");
    assert_eq!(location, format!("{panel_path}?question={id}&enregistre=1&statut=saisi"));
    chu.get(&location).await.assert_shows(&["Réponse enregistrée.", "value=\"12,5\"", "Auteur de la modification : "]);

    // A question is shown under its own contract only; the panel page is behind the login.
    let elsewhere = format!("/contrats/{}/indicateurs/question?question={id}", contract + 1000);
    chu.get(&elsewhere).await.assert_refused(404, &[]);
    let anonymous = app.request(reqwest::Method::GET, &format!("{panel_path}?question={id}"), None, None, &[]).await;
    assert!(!anonymous.body.contains("panneau-question"), "{}", anonymous.body);
}

/// The questions of the tree page in order, with whether each is still to answer (red).
fn questions_in_tree_order(page: &crate::helpers::Page) -> Vec<(String, bool)> {
    page.body
        .split(r#"data-question=""#)
        .skip(1)
        .map(|rest| {
            let (id, rest) = rest.split_once('"').unwrap();
            (id.to_owned(), rest.split_once("</a>").unwrap().0.contains("tree__dot--red"))
        })
        .collect()
}

/// The questions still to answer (red), in tree order.
fn red_in_tree_order(page: &crate::helpers::Page) -> Vec<String> {
    questions_in_tree_order(page).into_iter().filter(|(_, red)| *red).map(|(id, _)| id).collect()
}

#[tokio::test]
async fn save_and_next_opens_the_next_question_to_answer_in_tree_order_until_none_is_left() {
    let app = spawn_app().await;
    let chu = app.login_as(CHU).await;
    let contract = caqes_test(&app).await.id;
    let tree = chu.get(&format!("/contrats/{contract}/indicateurs")).await;
    let red = red_in_tree_order(&tree);
    assert_eq!(red.len(), 19, "the hospital answers 19 questions of CAQES TEST");

    // "Non concerné" fits every kind of question: the form is saved, the next red one comes.
    let save_and_next = |question: String| {
        let chu = &chu;
        async move {
            let form = [("question_id", question.as_str()), ("version", "0"), ("not_concerned", "on"), ("next", "1")];
            chu.call_fn::<SaveAnswer>(&form).await.value::<SavedAnswer>()
        }
    };
    // From the second one: the first is left red, and comes back after the last.
    let mut question = red[1].clone();
    let mut visited = vec![];
    loop {
        visited.push(question.clone());
        match save_and_next(question.clone()).await.next {
            Some(next) => question = next.to_string(),
            None => break,
        }
    }
    let mut expected = red[1..].to_vec();
    expected.push(red[0].clone());
    assert_eq!(visited, expected, "every red question once, in tree order, then the first from the top");
    let tree = chu.get(&format!("/contrats/{contract}/indicateurs")).await;
    tree.assert_shows(&["Pourcentage de remplissage : <strong>100 %</strong>"]);

    // A plain "Enregistrer" does not look for the next one.
    let form = [("question_id", red[0].as_str()), ("version", "1"), ("not_concerned", "on")];
    assert_eq!(chu.call_fn::<SaveAnswer>(&form).await.value::<SavedAnswer>().next, None);
}

#[tokio::test]
async fn without_javascript_save_and_next_goes_to_the_next_question_keeping_the_filter() {
    let app = spawn_app().await;
    let chu = app.login_as(CHU).await;
    let contract = caqes_test(&app).await.id;
    let tree_path = format!("/contrats/{contract}/indicateurs");
    let red = red_in_tree_order(&chu.get(&tree_path).await);
    let post = |question: &str, referer_query: &str| {
        let referer = format!("{}{tree_path}?{referer_query}", app.address);
        let form = [("question_id", question), ("version", "0"), ("not_concerned", "on"), ("next", "1")];
        let (app, cookie) = (app.clone(), chu.cookie.clone());
        let form: Vec<(String, String)> = form.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
            let headers = [("accept", "text/html"), ("referer", referer.as_str())];
            app.request(reqwest::Method::POST, SaveAnswer::PATH, Some(&form), Some(&cookie), &headers).await
        }
    };

    let first = &red[0];
    let saved = post(first, &format!("a_saisir=1&recherche=&question={first}&enregistre=1")).await;
    assert_eq!(saved.status, 302, "{}", saved.body);
    let location = saved.location.expect("a redirect");
    assert_eq!(location, format!("{tree_path}?a_saisir=1&recherche=&question={}&precedente={first}#question", red[1]));
    let page = chu.get(location.trim_end_matches("#question")).await;
    page.assert_shows(&[
        "Réponse précédente enregistrée.",
        "Revenir à la question précédente",
        // The filter is kept: the question saved is green and left out, the next one is shown.
        &format!(r#"<li class="tree__leaf" hidden><a class="tree__question" href="?a_saisir=1&amp;question={first}#question""#),
        &format!(r#"<li class="tree__leaf"><a class="tree__question" href="?a_saisir=1&amp;question={}#question" data-question="{}" aria-current="true""#, red[1], red[1]),
        "18 questions affichées sur",
    ]);

    // The last one: nothing is left, the panel says so.
    for question in &red[1..red.len() - 1] {
        post(question, "").await;
    }
    let last = red.last().unwrap();
    let done = post(last, &format!("question={last}")).await;
    let location = done.location.expect("a redirect");
    assert_eq!(location, format!("{tree_path}?question={last}&enregistre=tout#question"));
    chu.get(location.trim_end_matches("#question")).await.assert_shows(&[
        "Réponse enregistrée. Il ne reste aucune question à saisir",
        "Pourcentage de remplissage : <strong>100 %</strong>",
    ]);
}

#[tokio::test]
async fn the_tree_is_filtered_by_its_address_without_javascript() {
    let app = spawn_app().await;
    let chu = app.login_as(CHU).await;
    let contract = caqes_test(&app).await.id;
    let tree_path = format!("/contrats/{contract}/indicateurs");
    let all = chu.get(&tree_path).await;
    let total = questions_in_tree_order(&all).len();
    assert_eq!(all.count(r#"<li class="tree__leaf" hidden>"#), 0);
    assert_eq!(all.count("questions affichées"), 0, "no count without a filter");

    // Accents and case ignored; the field keeps what was typed.
    let searched = chu.get(&format!("{tree_path}?recherche=ORDONNANCES")).await;
    let shown = total - searched.count(r#"<li class="tree__leaf" hidden>"#);
    assert!(shown > 0 && shown < total, "{shown} of {total}");
    let count = ecars_core::evaluation::tree_filter::shown_count_text(shown, total);
    searched.assert_shows(&[&count, r#"value="ORDONNANCES""#]);

    let none = chu.get(&format!("{tree_path}?recherche=zzzz&a_saisir=1")).await;
    none.assert_shows(&["Aucune question ne correspond à ce filtre.", r#"checked"#]);
    assert_eq!(none.count(r#"<li class="tree__leaf" hidden>"#), total);

    // A search far too long is cut, not refused.
    let long = "a".repeat(5000);
    assert_eq!(chu.get(&format!("{tree_path}?recherche={long}")).await.status, 200);
}
