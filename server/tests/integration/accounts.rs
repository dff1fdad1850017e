//! Login, lockout, sessions, password renewal by emailed code, and cross-site refusal,
//! against the real server.

use app::accounts::api::{
    ChangePassword, Login, Logout, RefreshSession, RenewalEmail, SendCode, SetNewPassword, VerifyCode,
};
use app::contacts::api::ListContacts;
use app::db::entities::{login_failure, session, user, verification_code};
use app::AppError;
use chrono::Utc;
use leptos::server_fn::ServerFn;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::helpers::{spawn_app, spawn_app_with, TestApp, ACODEGE, CHU, CROSS_SITE_REFUSAL};

fn minutes_ago(minutes: i64) -> chrono::DateTime<Utc> {
    Utc::now() - chrono::Duration::minutes(minutes)
}

#[tokio::test]
async fn a_page_needs_a_login_and_the_login_brings_the_visitor_back() {
    let app = spawn_app().await;
    let page = app.get("/contrats/1/contacts").await;
    assert_eq!(page.status, 303);
    assert_eq!(page.location.as_deref(), Some("/connexion?retour=/contrats/1/contacts"));
    let login_page = app.get("/connexion?retour=/contrats/1/contacts").await;
    login_page.assert_shows(&[
        "Connexion avec votre compte professionnel",
        "Identifiant",
        "Mot de passe",
        "Connexion",
        "Renouveler le mot de passe",
    ]);
    let login = app
        .call_fn::<Login>(&[("identifier", CHU.0), ("password", CHU.1), ("return_to", "/contrats/1/contacts")])
        .await;
    assert_eq!(login.value::<String>(), "/contrats/1/contacts");
    // Never sent to another site after login.
    let login =
        app.call_fn::<Login>(&[("identifier", CHU.0), ("password", CHU.1), ("return_to", "//evil.example")]).await;
    assert_eq!(login.value::<String>(), "/");
}

#[tokio::test]
async fn the_session_cookie_is_random_http_only_and_same_site() {
    let app = behind_a_local_proxy().await;
    let first = app.login(CHU).await;
    let cookie = first.set_cookie_header("ecars_session").expect("session cookie").to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain http on loopback: {cookie}");
    let token = first.cookie("ecars_session").unwrap();
    assert!(token.len() >= 32 && token.chars().all(|c| c.is_ascii_hexdigit()), "at least 128 random bits: {token}");
    assert_ne!(app.login(CHU).await.cookie("ecars_session").unwrap(), token, "a new token at each login");
    // Behind a proxy that serves https, the cookie is Secure.
    let form = [("identifier", CHU.0), ("password", CHU.1)];
    let https =
        app.request(reqwest::Method::POST, Login::PATH, Some(&form), None, &[("x-forwarded-proto", "https")]).await;
    assert!(https.set_cookie_header("__Host-ecars_session").unwrap().contains("; Secure"));
    // The database keeps only a hash of the token.
    let db = app.database().await;
    let stored: Vec<String> =
        session::Entity::find().all(&db).await.unwrap().into_iter().map(|s| s.token_hash).collect();
    assert!(!stored.contains(&token));
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_account_get_the_same_answer() {
    let app = spawn_app().await;
    let wrong = app.login((CHU.0, "Grenoble-Demo-2025!")).await;
    let unknown = app.login(("personne@exemple.fr", CHU.1)).await;
    assert_eq!(wrong.status, 401);
    assert_eq!(wrong.error(401), AppError::InvalidCredentials);
    assert_eq!((wrong.status, &wrong.body), (unknown.status, &unknown.body));
    assert!(wrong.cookie("ecars_session").is_none());
}

#[tokio::test]
async fn five_failures_lock_the_address_out_of_the_account_until_the_lock_ends() {
    let app = spawn_app().await;
    for _ in 0..5 {
        assert_eq!(app.login((CHU.0, "wrong-password")).await.error(401), AppError::InvalidCredentials);
    }
    let db = app.database().await;
    let chu = user::Entity::find().filter(user::Column::Email.eq(CHU.0)).one(&db).await.unwrap().unwrap();
    let address = || login_failure::Entity::find().filter(login_failure::Column::UserId.eq(chu.id)).one(&db);
    assert!(address().await.unwrap().unwrap().locked_until.is_some(), "the address is locked after 5 failures");
    let locked = app.login(CHU).await;
    assert_eq!(locked.status, 401, "the right password is refused from that address while locked");
    assert_eq!(locked.error(401), AppError::InvalidCredentials);
    // A minute later (moved in the database), the lock is over.
    login_failure::Entity::update_many()
        .col_expr(login_failure::Column::LockedUntil, Expr::value(minutes_ago(1)))
        .filter(login_failure::Column::UserId.eq(chu.id))
        .exec(&db)
        .await
        .unwrap();
    assert_eq!(app.login(CHU).await.status, 200);
    assert!(address().await.unwrap().is_none(), "a success forgets the address's failures");
    let chu = user::Entity::find_by_id(chu.id).one(&db).await.unwrap().unwrap();
    assert_eq!(chu.failed_logins, 5, "the day's failures of the account stay counted");
    assert!(chu.locked_until.is_none());
}

#[tokio::test]
async fn one_address_is_slowed_down_after_30_logins() {
    let app = spawn_app().await;
    for _ in 0..30 {
        app.login(("personne@exemple.fr", "x")).await;
    }
    let limited = app.login(CHU).await;
    let AppError::TooManyRequests { retry_after_seconds } = limited.error(429) else { panic!("{}", limited.body) };
    let wait: u64 = limited.retry_after.expect("Retry-After").parse().unwrap();
    assert!((1..=300).contains(&wait), "{wait}");
    assert_eq!(retry_after_seconds, wait);
}

#[tokio::test]
async fn logout_revokes_the_session() {
    let app = spawn_app().await;
    let chu = app.login_as(CHU).await;
    assert_eq!(chu.get("/").await.status, 200);
    let logout = chu.call_fn::<Logout>(&[]).await;
    assert_eq!(logout.status, 200);
    assert!(logout.set_cookie_header("ecars_session").unwrap().contains("Max-Age=0"));
    let after = chu.get("/").await;
    assert_eq!(after.status, 303, "the old cookie opens nothing");
    assert_eq!(chu.call_fn::<ListContacts>(&[("contract_id", "1")]).await.error(401), AppError::Unauthenticated);
}

#[tokio::test]
async fn a_session_ends_after_30_idle_minutes_and_refreshing_extends_it() {
    let app = spawn_app().await;
    let chu = app.login_as(CHU).await;
    let db = app.database().await;
    let age = |minutes| {
        session::Entity::update_many().col_expr(session::Column::LastSeenAt, Expr::value(minutes_ago(minutes)))
    };
    age(25).exec(&db).await.unwrap();
    let refreshed = chu.call_fn::<RefreshSession>(&[]).await;
    assert_eq!(refreshed.status, 200);
    assert!(refreshed.body.contains("Session prolongée"), "{}", refreshed.body);
    let seen = session::Entity::find().one(&db).await.unwrap().unwrap().last_seen_at;
    assert!(Utc::now().signed_duration_since(seen).num_seconds() < 60, "refreshing restarts the idle time");
    age(31).exec(&db).await.unwrap();
    let expired = chu.get("/").await;
    assert_eq!(expired.status, 303);
    assert!(expired.set_cookie_header("ecars_session").unwrap().contains("Max-Age=0"), "the stale cookie is dropped");
    assert!(session::Entity::find().all(&db).await.unwrap().is_empty(), "the expired session is deleted");
}

#[tokio::test]
async fn a_session_ends_12_hours_after_login_whatever_the_activity() {
    let app = spawn_app().await;
    let chu = app.login_as(CHU).await;
    let db = app.database().await;
    session::Entity::update_many()
        .col_expr(session::Column::CreatedAt, Expr::value(minutes_ago(12 * 60 + 1)))
        .exec(&db)
        .await
        .unwrap();
    assert_eq!(chu.get("/").await.status, 303);
}

#[tokio::test]
async fn a_request_from_another_site_is_refused() {
    let app = spawn_app().await;
    let form = [("identifier", CHU.0), ("password", CHU.1)];
    let post = |headers: &'static [(&'static str, &'static str)]| {
        let app = app.clone();
        async move { app.request(reqwest::Method::POST, Login::PATH, Some(&form), None, headers).await }
    };
    post(&[("origin", "https://evil.example")]).await.assert_refused(403, &[CROSS_SITE_REFUSAL]);
    post(&[("sec-fetch-site", "cross-site")]).await.assert_refused(403, &[CROSS_SITE_REFUSAL]);
    let chu = app.login_as(CHU).await;
    let logout = app
        .request(reqwest::Method::POST, Logout::PATH, Some(&[]), Some(&chu.cookie), &[("sec-fetch-site", "cross-site")])
        .await;
    logout.assert_refused(403, &[CROSS_SITE_REFUSAL]);
    assert_eq!(chu.get("/").await.status, 200, "the cross-site logout did nothing");
    assert_eq!(post(&[("sec-fetch-site", "same-origin")]).await.status, 200);
    let origin = app.address.clone();
    let host = origin.trim_start_matches("http://").to_owned();
    let same = app
        .request(reqwest::Method::POST, Login::PATH, Some(&form), None, &[("origin", &origin), ("host", &host)])
        .await;
    assert_eq!(same.status, 200);
}

async fn send_code(app: &TestApp, email: &str) -> crate::helpers::Page {
    app.call_fn::<SendCode>(&[("email", email)]).await
}

async fn verify(app: &TestApp, email: &str, code: &str) -> crate::helpers::Page {
    app.call_fn::<VerifyCode>(&[("email", email), ("code", code)]).await
}

#[tokio::test]
async fn first_login_requires_renewing_the_password_with_an_emailed_code() {
    let app = spawn_app().await;
    // The initial password is right, but opens no session: renewal comes first.
    let login = app.login(ACODEGE).await;
    assert_eq!(login.status, 200);
    assert!(login.body.contains("/mot-de-passe/renouveler?premiere=1"), "{}", login.body);
    assert!(login.cookie("ecars_session").is_none());

    let sent = send_code(&app, ACODEGE.0).await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    let code = app.last_code_for(ACODEGE.0).await;
    let verified = verify(&app, ACODEGE.0, &code).await;
    assert_eq!(verified.status, 200, "{}", verified.body);
    let renewal = verified.cookie("ecars_renouvellement").expect("renewal cookie");
    let renewal_cookie = format!("ecars_renouvellement={renewal}");
    let shown = app.call_fn_with::<RenewalEmail>(&[], Some(&renewal_cookie)).await;
    assert_eq!(shown.value::<Option<String>>().as_deref(), Some("acodege@exemple.fr"));

    let set = |password: &'static str, confirmation: &'static str| {
        let (app, cookie) = (app.clone(), renewal_cookie.clone());
        async move {
            app.call_fn_with::<SetNewPassword>(&[("password", password), ("confirmation", confirmation)], Some(&cookie))
                .await
        }
    };
    let weak = set("acodege2026", "acodege2026").await;
    let says = weak.invalid();
    assert!(says.contains("entre 12 et 64 caractères") && says.contains("une lettre majuscule"), "{says}");
    let mismatch = set("Acodege-Nouveau-2026!", "Acodege-Nouveau-2027!").await;
    assert!(mismatch.body.contains("différents"), "{}", mismatch.body);
    let done = set("Acodege-Nouveau-2026!", "Acodege-Nouveau-2026!").await;
    assert_eq!(done.value::<String>(), "/");
    let session = done.cookie("ecars_session").expect("logged in after renewal");
    let home = app.request(reqwest::Method::GET, "/", None, Some(&format!("ecars_session={session}")), &[]).await;
    home.assert_shows(&["Gestion des Contrats", "210984078 - ACODEGE"]);

    // The renewal token served once; the initial password is gone; the new one works.
    assert!(!set("Acodege-Autre-2026!!", "Acodege-Autre-2026!!").await.invalid().is_empty());
    assert_eq!(app.login(ACODEGE).await.error(401), AppError::InvalidCredentials);
    let login = app.login((ACODEGE.0, "Acodege-Nouveau-2026!")).await;
    assert_eq!(login.value::<String>(), "/");
}

#[tokio::test]
async fn an_unknown_address_gets_the_same_answer_and_no_code() {
    let app = spawn_app().await;
    let known = send_code(&app, CHU.0).await;
    let unknown = send_code(&app, "personne@exemple.fr").await;
    assert_eq!(known.status, unknown.status);
    assert_eq!(
        known.body.replace(CHU.0, "ADDRESS"),
        unknown.body.replace("personne@exemple.fr", "ADDRESS"),
        "the answers differ only by the address typed"
    );
    let outbox = app.outbox().await;
    let to_unknown = outbox.iter().find(|m| m.contains("To: personne@exemple.fr")).expect("a notice is sent");
    assert!(to_unknown.contains("aucun compte"), "{to_unknown}");
    assert!(crate::helpers::find_code(to_unknown).is_none());
    let wrong = verify(&app, "personne@exemple.fr", "12345678").await;
    let wrong_known = verify(&app, CHU.0, "00000000").await;
    // (a real code could be 00000000: one chance in 10^8)
    assert_eq!((wrong.status, &wrong.body), (wrong_known.status, &wrong_known.body));
}

#[tokio::test]
async fn a_code_serves_once_for_ten_minutes_and_five_tries() {
    let app = spawn_app().await;
    send_code(&app, CHU.0).await;
    let code = app.last_code_for(CHU.0).await;
    let wrong = if code == "11111111" { "22222222" } else { "11111111" };
    for _ in 0..4 {
        let refused = verify(&app, CHU.0, wrong).await;
        assert!(refused.invalid().contains("Code incorrect ou expiré"), "{}", refused.body);
    }
    assert!(!verify(&app, CHU.0, wrong).await.invalid().is_empty(), "fifth try");
    let exhausted = verify(&app, CHU.0, &code).await;
    assert!(exhausted.body.contains("Trop d'essais"), "the right code after five tries: {}", exhausted.body);

    // A new code works once.
    send_code(&app, CHU.0).await;
    let code = app.last_code_for(CHU.0).await;
    assert_eq!(verify(&app, CHU.0, &code).await.status, 200);
    assert!(verify(&app, CHU.0, &code).await.body.contains("Code incorrect ou expiré"), "single use");

    // A code older than 10 minutes is refused.
    send_code(&app, CHU.0).await;
    let code = app.last_code_for(CHU.0).await;
    let db = app.database().await;
    verification_code::Entity::update_many()
        .col_expr(verification_code::Column::CreatedAt, Expr::value(minutes_ago(11)))
        .exec(&db)
        .await
        .unwrap();
    assert!(verify(&app, CHU.0, &code).await.body.contains("Code incorrect ou expiré"), "expired");
}

#[tokio::test]
async fn an_address_gets_at_most_three_codes_in_fifteen_minutes_known_or_not() {
    let app = spawn_app().await;
    for email in [CHU.0, "personne@exemple.fr"] {
        for _ in 0..3 {
            assert_eq!(send_code(&app, email).await.status, 200);
        }
        let fourth = send_code(&app, email).await;
        assert!(matches!(fourth.error(429), AppError::TooManyRequests { .. }), "{email}");
        assert!(fourth.retry_after.is_some());
    }
}

#[tokio::test]
async fn changing_the_password_closes_the_other_sessions() {
    let app = spawn_app().await;
    let office = app.login_as(CHU).await;
    let laptop = app.login_as(CHU).await;
    let wrong = office
        .call_fn::<ChangePassword>(&[
            ("current", "nope"),
            ("password", "Grenoble-Neuf-2026!"),
            ("confirmation", "Grenoble-Neuf-2026!"),
        ])
        .await;
    assert!(wrong.invalid().contains("Le mot de passe actuel est incorrect"));
    let changed = office
        .call_fn::<ChangePassword>(&[
            ("current", CHU.1),
            ("password", "Grenoble-Neuf-2026!"),
            ("confirmation", "Grenoble-Neuf-2026!"),
        ])
        .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(laptop.get("/").await.status, 303, "the other session is closed");
    assert_eq!(office.get("/").await.status, 303, "the old token of this browser too");
    let renewed = changed.cookie("ecars_session").expect("this browser gets a new session");
    let home = app.request(reqwest::Method::GET, "/", None, Some(&format!("ecars_session={renewed}")), &[]).await;
    assert_eq!(home.status, 200);
    assert_eq!(app.login(CHU).await.error(401), AppError::InvalidCredentials, "the old password is refused");
}

#[tokio::test]
async fn login_works_without_javascript_as_a_plain_form_post() {
    let app = spawn_app().await;
    let referer = format!("{}/connexion?retour=/mon-compte", app.address);
    let post = |password: &'static str| {
        let (app, referer) = (app.clone(), referer.clone());
        async move {
            let form = [("identifier", CHU.0), ("password", password), ("return_to", "/mon-compte")];
            let headers = [("accept", "text/html"), ("referer", referer.as_str())];
            app.request(reqwest::Method::POST, Login::PATH, Some(&form), None, &headers).await
        }
    };
    let done = post(CHU.1).await;
    assert_eq!((done.status, done.location.as_deref()), (302, Some("/mon-compte")));
    assert!(done.cookie("ecars_session").is_some());

    // A refusal comes back to the login page, which shows it with the identifier typed (never
    // the password) and still knows where to go after.
    let refused = post("wrong").await;
    assert_eq!(refused.status, 302);
    let back = refused.location.expect("back to the login page");
    assert!(back.starts_with("/connexion?retour=") && back.contains("__err="), "{back}");
    assert!(!back.contains("wrong"), "{back}");
    let page = app.get(&back).await;
    page.assert_shows(&[
        "Identifiant ou mot de passe incorrect",
        &format!("value=\"{}\"", CHU.0),
        "name=\"return_to\" value=\"/mon-compte\"",
    ]);
}

#[tokio::test]
async fn wrong_passwords_at_once_from_many_addresses_are_at_most_the_daily_bound_then_the_account_is_locked() {
    let app = spawn_app().await;
    let daily = app::accounts::login::DAILY_FAILURES as u8;
    // From more addresses than the daily bound, so that the per-address limits let every
    // attempt reach the account.
    let attempts: Vec<_> = (0..daily + 20)
        .map(|n| {
            let client = app.seen_from(10 + n);
            tokio::spawn(async move { client.login((CHU.0, "Mauvais-Mot-2026!")).await })
        })
        .collect();
    for attempt in attempts {
        assert_eq!(attempt.await.unwrap().error(401), AppError::InvalidCredentials);
    }
    let stored = user::Entity::find().filter(user::Column::Email.eq(CHU.0)).one(&app.database().await).await.unwrap();
    let stored = stored.unwrap();
    assert!(stored.failed_logins <= i32::from(daily), "{} failures were checked", stored.failed_logins);
    assert!(stored.locked_until.is_some_and(|until| until > Utc::now()), "locked");
    let right = app.seen_from(250).login(CHU).await;
    assert_eq!(right.error(401), AppError::InvalidCredentials, "the right password is refused while locked");
}

#[tokio::test]
async fn twenty_code_requests_at_once_send_at_most_three_codes() {
    let app = spawn_app().await;
    let requests: Vec<_> = (0..20u8)
        .map(|n| {
            let client = app.seen_from(10 + n);
            tokio::spawn(async move { client.call_fn::<SendCode>(&[("email", CHU.0)]).await })
        })
        .collect();
    let mut statuses = Vec::new();
    for request in requests {
        let page = request.await.unwrap();
        if page.status == 429 {
            assert!(matches!(page.error(429), AppError::TooManyRequests { .. }));
        }
        statuses.push(page.status);
    }
    let sent = statuses.iter().filter(|status| **status == 200).count();
    assert!(sent <= 3 && statuses.iter().all(|status| matches!(status, 200 | 429)), "{statuses:?}");
    let mails = app.outbox().await.iter().filter(|message| message.contains(&format!("To: {}", CHU.0))).count();
    assert!((1..=3).contains(&mails), "{mails} codes mailed");
    assert_eq!(mails, sent);
}

#[tokio::test]
async fn changing_the_password_obeys_the_lockout() {
    let app = spawn_app().await;
    let chu = app.login_as(CHU).await;
    let change = |current: &'static str| {
        let form = [("current", current), ("password", "Grenoble-Demo-2027!"), ("confirmation", "Grenoble-Demo-2027!")];
        let visitor = crate::helpers::Visitor { app: app.clone(), cookie: chu.cookie.clone() };
        async move { visitor.call_fn::<ChangePassword>(&form).await }
    };
    for _ in 0..5 {
        change("Mauvais-Mot-2026!").await.assert_refused(400, &["Le mot de passe actuel est incorrect."]);
    }
    // Locked now: even the right current password is refused, and nothing changes.
    change(CHU.1).await.assert_refused(400, &["bloqué"]);
    assert_eq!(app.login(CHU).await.error(401), AppError::InvalidCredentials);
}

#[tokio::test]
async fn after_login_only_paths_of_this_site_are_followed() {
    let app = spawn_app().await;
    for (return_to, expected) in [
        ("/contrats/1/contacts", "/contrats/1/contacts"),
        ("/\t/evil.example", "/"),
        ("/\\evil.example", "/"),
        ("//evil.example", "/"),
        ("https://evil.example/", "/"),
        ("/.//evil.example", "/"),
        ("/contrats/1\r\nSet-Cookie: volé=1", "/contrats/1Set-Cookie:%20vol%C3%A9=1"),
    ] {
        let login = app.call_fn::<Login>(&[("identifier", CHU.0), ("password", CHU.1), ("return_to", return_to)]).await;
        assert_eq!(login.value::<String>(), expected, "{return_to:?}");
        // Without JavaScript the same target is the redirect, a valid header whatever was sent.
        let form = [("identifier", CHU.0), ("password", CHU.1), ("return_to", return_to)];
        let plain =
            app.request(reqwest::Method::POST, Login::PATH, Some(&form), None, &[("accept", "text/html")]).await;
        assert!(matches!(plain.status, 302 | 303), "{return_to:?}: {} {}", plain.status, plain.body);
        assert_eq!(plain.location.as_deref(), Some(expected), "{return_to:?}");
    }
}

#[tokio::test]
async fn a_message_written_into_a_link_is_not_shown_but_the_servers_own_is() {
    let app = spawn_app().await;
    // What a plain form post of a refused login comes back with: the error, signed.
    let form = [("identifier", CHU.0), ("password", "Mauvais-Mot-2026!")];
    let refused = app
        .request(
            reqwest::Method::POST,
            Login::PATH,
            Some(&form),
            None,
            &[("accept", "text/html"), ("referer", &format!("{}/connexion", app.address))],
        )
        .await;
    let back = refused.location.expect("back to the form");
    assert!(back.contains("__err=") && back.contains("__sig="), "{back}");
    app.get(&back).await.assert_shows(&["Identifiant ou mot de passe incorrect", CHU.0]);

    // The same address with another message, or with none of the signature, is cleaned.
    let forged_error = leptos::server_fn::error::ServerFnUrlError::new(
        Login::PATH,
        AppError::Invalid("Compte suspendu : appelez le 01 02 03 04 05".to_owned()),
    )
    .to_url("http://localhost/connexion?identifiant=x")
    .unwrap();
    let forged = format!("{}?{}", forged_error.path(), forged_error.query().unwrap());
    let signature = back.split("__sig=").nth(1).unwrap().to_owned();
    for link in [forged.clone(), format!("{forged}&__sig={signature}")] {
        let page = app.get(&link).await;
        assert!(matches!(page.status, 302 | 303), "{link}: {}", page.status);
        assert_eq!(page.location.as_deref(), Some("/connexion?identifiant=x"), "{link}");
        let shown = app.get(page.location.as_deref().unwrap()).await;
        assert_eq!(shown.count("Compte suspendu"), 0);
    }
}

#[tokio::test]
async fn pages_carry_the_security_headers_and_over_https_a_host_only_session_cookie() {
    let app = behind_a_local_proxy().await;
    let https = [("x-forwarded-proto", "https")];
    let form = [("identifier", CHU.0), ("password", CHU.1)];
    let login = app.request(reqwest::Method::POST, Login::PATH, Some(&form), None, &https).await;
    let cookie = login.set_cookie_header("__Host-ecars_session").expect("a __Host- session cookie");
    assert!(cookie.contains("; Secure") && cookie.contains("Path=/") && !cookie.contains("Domain"), "{cookie}");
    let session = format!("__Host-ecars_session={}", login.cookie("__Host-ecars_session").unwrap());

    let page = app.request(reqwest::Method::GET, "/", None, Some(&session), &https).await;
    page.assert_shows(&["Gestion des Contrats"]);
    let header =
        |name: &str| page.headers.get(name).map(|value| value.to_str().unwrap().to_owned()).unwrap_or_default();
    assert!(header("strict-transport-security").starts_with("max-age="), "HSTS over https");
    assert_eq!(header("cache-control"), "no-store");
    let policy = header("content-security-policy");
    assert!(policy.contains("frame-ancestors 'none'") && policy.contains("'wasm-unsafe-eval'"), "{policy}");
    // Every inline script of the page carries this response's nonce, and only inline scripts with it run.
    let nonce = policy.split("'nonce-").nth(1).and_then(|rest| rest.split('\'').next()).expect("a nonce");
    let scripts = page.body.matches("<script").count();
    assert!(scripts > 0 && page.body.matches(&format!("nonce=\"{nonce}\"")).count() >= scripts, "{}", page.body);
    let again = app.request(reqwest::Method::GET, "/", None, Some(&session), &https).await;
    assert!(!again.headers["content-security-policy"].to_str().unwrap().contains(nonce), "a new nonce per response");

    // The same cookie name without the prefix is not a session over https; plain http has no HSTS.
    let unprefixed = format!("ecars_session={}", login.cookie("__Host-ecars_session").unwrap());
    let refused = app.request(reqwest::Method::GET, "/", None, Some(&unprefixed), &https).await;
    assert_eq!(refused.status, 303, "sent to the login page");
    let plain = app.get("/connexion").await;
    assert!(plain.headers.get("strict-transport-security").is_none());
    assert_eq!(plain.headers["cache-control"], "no-store");
    // The built assets stay cacheable.
    let asset = app.get("/favicon.svg").await;
    assert_ne!(asset.headers.get("cache-control").map(|value| value.to_str().unwrap()), Some("no-store"));
}

/// The app behind a reverse proxy on this machine, which says when it served https.
async fn behind_a_local_proxy() -> TestApp {
    spawn_app_with(|config| config.trusted_proxies = "127.0.0.1".parse().unwrap()).await
}

#[tokio::test]
async fn common_and_guessable_passwords_are_refused_with_the_reason_and_a_change_is_mailed() {
    let app = spawn_app().await;
    let chu = app.login_as(CHU).await;
    let change = |password: &'static str| {
        let form = [("current", CHU.1), ("password", password), ("confirmation", password)];
        let visitor = crate::helpers::Visitor { app: app.clone(), cookie: chu.cookie.clone() };
        async move { visitor.call_fn::<ChangePassword>(&form).await }
    };
    for common in ["Password2026!", "Azerty123456!", "Motdepasse2026!"] {
        change(common).await.assert_refused(400, &["trop courant ou trop facile à deviner"]);
    }
    // Strong for a stranger, not for someone who knows the account and its entity.
    change("ChuGrenoble2026!").await.assert_refused(400, &["reprend votre adresse ou le nom de votre établissement"]);
    let before = app.outbox().await.len();
    change("Cerisier-Tram-Violon-42!").await.assert_shows(&["Votre mot de passe a été modifié"]);
    let mails = app.outbox().await;
    assert_eq!(mails.len(), before + 1, "one notice");
    let notice = mails.last().unwrap();
    assert!(notice.contains(&format!("To: {}", CHU.0)) && !notice.contains("Cerisier"), "{notice}");
}

#[tokio::test]
async fn security_events_are_logged_with_account_address_and_outcome_never_a_secret() {
    let data_dir = std::sync::Arc::new(tempfile::tempdir().unwrap());
    let database = crate::helpers::test_database(data_dir.path()).await;
    let log = data_dir.path().join("ecars.log");
    let server =
        crate::helpers::ServerProcess::start_logging(data_dir.clone(), &database, "warn,security=info", Some(&log))
            .await;
    let app = &server.app;
    assert_eq!(app.login((CHU.0, "Mauvais-Mot-2026!")).await.error(401), AppError::InvalidCredentials);
    let chu = app.login_as(CHU).await;
    let session = chu.cookie.trim_start_matches("ecars_session=").to_owned();
    let cross_site = [("sec-fetch-site", "cross-site")];
    let refused = app.request(reqwest::Method::POST, Logout::PATH, Some(&[]), Some(&chu.cookie), &cross_site).await;
    refused.assert_refused(403, &[CROSS_SITE_REFUSAL]);
    assert_eq!(chu.call_fn::<Logout>(&[]).await.status, 200);
    assert_eq!(send_code(app, ACODEGE.0).await.status, 200);
    let code = app.last_code_for(ACODEGE.0).await;
    assert!(!verify(app, ACODEGE.0, "00000000").await.invalid().is_empty());
    assert_eq!(verify(app, ACODEGE.0, &code).await.status, 200);

    let lines: Vec<String> = std::fs::read_to_string(&log).unwrap().lines().map(str::to_owned).collect();
    let event = |event: &str, outcome: &str| {
        lines.iter().any(|line| {
            line.contains(&format!("event=\"{event}\""))
                && line.contains(&format!("outcome=\"{outcome}\""))
                && line.contains("ip=\"127.0.0.1\"")
        })
    };
    for (name, outcome) in [
        ("login", "failure"),
        ("login", "success"),
        ("access_refused", "refused"),
        ("logout", "success"),
        ("code_sent", "success"),
        ("code_verified", "failure"),
        ("code_verified", "success"),
    ] {
        assert!(event(name, outcome), "no {name} {outcome} in:\n{}", lines.join("\n"));
    }
    assert!(lines
        .iter()
        .any(|line| line.contains("event=\"login\"") && line.contains(&format!("account=\"{}\"", CHU.0))));
    let all = lines.join("\n");
    for secret in ["Mauvais-Mot-2026!", CHU.1, session.as_str(), code.as_str()] {
        assert!(!all.contains(secret), "the log holds a secret ({secret}):\n{all}");
    }
}
