//! Against a hostile client: forged cross-site requests from browsers that do not say where they
//! come from, forwarding headers from anybody, and malformed bodies sent to every endpoint.

use app::accounts::api::{ChangePassword, Login, Logout};
use app::accounts::client::TrustedProxies;
use app::contacts::api::SaveContact;
use app::evaluation::api::SaveAnswer;
use app::AppError;
use leptos::server_fn::ServerFn;

use crate::helpers::{spawn_app, spawn_app_with, Page, TestApp, Visitor, CHU, CROSS_SITE_REFUSAL};

/// A form of a page, as a browser would post it: its action and the fields it sends.
#[derive(Debug)]
struct Form {
    action: String,
    fields: Vec<(String, String)>,
}

/// The value of attribute `name` in a tag's text.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let end = tag[start..].find('"')? + start;
    Some(tag[start..end].replace("&amp;", "&").replace("&quot;", "\""))
}

/// Every `<form method="post">` of a page with its inputs and text areas.
fn forms(page: &str) -> Vec<Form> {
    page.split("<form")
        .skip(1)
        .filter_map(|rest| {
            let (form, _) = rest.split_once("</form>")?;
            let tag = &form[..form.find('>')?];
            attribute(tag, "method").filter(|method| method.eq_ignore_ascii_case("post"))?;
            let mut fields = Vec::new();
            for input in form.split("<input").skip(1) {
                let tag = &input[..input.find('>').unwrap_or(input.len())];
                let kind = attribute(tag, "type").unwrap_or_default();
                if matches!(kind.as_str(), "checkbox" | "radio") && !tag.contains(" checked") {
                    continue;
                }
                if let Some(name) = attribute(tag, "name") {
                    fields.push((name, attribute(tag, "value").unwrap_or_default()));
                }
            }
            for area in form.split("<textarea").skip(1) {
                let (tag, content) = area.split_once('>')?;
                let text = content.split("</textarea>").next().unwrap_or_default();
                if let Some(name) = attribute(tag, "name") {
                    fields.push((name, text.to_owned()));
                }
            }
            Some(Form { action: attribute(tag, "action")?, fields })
        })
        .collect()
}

/// The forms a user of the CHU meets: header, account, an answer, a contact, the closing.
async fn pages_with_forms(app: &TestApp, chu: &Visitor) -> Vec<String> {
    let contract = crate::helpers::caqes_test(app).await;
    let question = crate::documents::question_id(app, "1.1.1.a").await;
    let contacts = chu.get(&format!("/contrats/{}/contacts", contract.id)).await;
    let contact = contacts
        .body
        .split(&format!("/contrats/{}/contacts/", contract.id))
        .nth(1)
        .and_then(|rest| rest.split(['"', '?', '#']).next())
        .expect("a contact link")
        .to_owned();
    vec![
        "/mon-compte".to_owned(),
        format!("/contrats/{}/indicateurs?question={question}", contract.id),
        format!("/contrats/{}/contacts/{contact}", contract.id),
        format!("/contrats/{}/cloture", contract.id),
    ]
}

fn without(fields: &[(String, String)], name: &str) -> Vec<(String, String)> {
    fields.iter().filter(|(field, _)| field != name).cloned().collect()
}

async fn post_unsaid(app: &TestApp, chu: &Visitor, action: &str, fields: &[(String, String)]) -> Page {
    let form: Vec<(&str, &str)> = fields.iter().map(|(name, value)| (name.as_str(), value.as_str())).collect();
    app.request_unsaid(reqwest::Method::POST, action, Some(&form), Some(&chu.cookie), &[("accept", "text/html")]).await
}

#[tokio::test]
async fn each_form_replayed_without_origin_headers_needs_the_sessions_token() {
    let app = spawn_app().await;
    let chu = app.login_as(CHU).await;
    let mut seen = Vec::new();
    for path in pages_with_forms(&app, &chu).await {
        let page = chu.get(&path).await;
        page.assert_shows(&[]);
        let forms = forms(&page.body);
        assert!(!forms.is_empty(), "{path} has forms");
        for form in forms {
            let token = form.fields.iter().find(|(name, _)| name == "__csrf").map(|(_, value)| value.clone());
            let token = token.unwrap_or_else(|| panic!("{path}: {} has no token", form.action));
            assert_eq!(token.len(), 64, "{path}: {}", form.action);
            // Without the token, or with another one, nothing happens.
            let missing = post_unsaid(&app, &chu, &form.action, &without(&form.fields, "__csrf")).await;
            assert_eq!(missing.status, 403, "{path}: {} without a token", form.action);
            assert_eq!(missing.body, CROSS_SITE_REFUSAL, "{path}: {}", form.action);
            let mut forged = without(&form.fields, "__csrf");
            forged.push(("__csrf".to_owned(), "0".repeat(64)));
            let refused = post_unsaid(&app, &chu, &form.action, &forged).await;
            assert_eq!((refused.status, refused.body.as_str()), (403, CROSS_SITE_REFUSAL), "{}", form.action);
            seen.push((path.clone(), form));
        }
    }
    let actions: Vec<&str> = seen.iter().map(|(_, form)| form.action.as_str()).collect();
    for expected in [ChangePassword::PATH, SaveAnswer::PATH, SaveContact::PATH, Logout::PATH] {
        assert!(actions.contains(&expected), "{expected} among {actions:?}");
    }
    assert_eq!(chu.get("/").await.status, 200, "the refused logouts did nothing");
    // With the token, each form is taken (answered, or refused for what it holds: never 403).
    // The logout goes last, since it ends the session.
    seen.sort_by_key(|(_, form)| form.action == Logout::PATH);
    for (path, form) in &seen {
        let taken = post_unsaid(&app, &chu, &form.action, &form.fields).await;
        assert_ne!(taken.status, 403, "{path}: {} with its token: {}", form.action, taken.body);
        assert!(taken.status < 500, "{path}: {}: {}", form.action, taken.status);
    }
    assert_eq!(chu.get("/").await.status, 303, "the logout with its token was taken");
}

/// The token of a page, as its islands read it.
fn meta_token(page: &Page) -> String {
    let tag = page.body.split("<meta name=\"csrf-token\"").nth(1).expect("the token's meta tag");
    attribute(tag, "content").expect("its content")
}

#[tokio::test]
async fn island_requests_and_uploads_carry_the_token_in_a_header() {
    let app = spawn_app().await;
    let chu = app.login_as(CHU).await;
    let token = meta_token(&chu.get("/").await);
    let question = crate::documents::question_id(&app, "1.1.1.a").await.to_string();
    let form = [("question_id", question.as_str()), ("version", "0"), ("achieved", "12,5"), ("comment", "")];
    let save = |headers: Vec<(&'static str, String)>| {
        let (app, cookie) = (app.clone(), chu.cookie.clone());
        async move {
            let headers: Vec<(&str, &str)> = headers.iter().map(|(name, value)| (*name, value.as_str())).collect();
            app.request_unsaid(reqwest::Method::POST, SaveAnswer::PATH, Some(&form), Some(&cookie), &headers).await
        }
    };
    save(vec![]).await.assert_refused(403, &[CROSS_SITE_REFUSAL]);
    save(vec![("x-csrf-token", "ab".repeat(32))]).await.assert_refused(403, &[CROSS_SITE_REFUSAL]);
    let saved = save(vec![("x-csrf-token", token.clone())]).await;
    assert_eq!(saved.status, 200, "{}", saved.body);

    // Another session's token is worth nothing here.
    let other = app.login_as(CHU).await;
    let other_token = meta_token(&other.get("/").await);
    assert_ne!(other_token, token);
    save(vec![("x-csrf-token", other_token)]).await.assert_refused(403, &[CROSS_SITE_REFUSAL]);
    // Anonymous pages have no token, and anonymous requests need none (nothing to abuse).
    assert_eq!(meta_token(&app.get("/connexion").await), "");
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_real_client_is_counted_apart() {
    let app = spawn_app_with(|config| config.trusted_proxies = "127.0.0.1".parse::<TrustedProxies>().unwrap()).await;
    let login_from = |client: &'static str, account: (&'static str, &'static str)| {
        let app = app.clone();
        async move {
            let form = [("identifier", account.0), ("password", account.1)];
            app.request(reqwest::Method::POST, Login::PATH, Some(&form), None, &[("x-forwarded-for", client)]).await
        }
    };
    for _ in 0..30 {
        assert_eq!(
            login_from("203.0.113.5", ("personne@exemple.fr", "x")).await.error(401),
            AppError::InvalidCredentials
        );
    }
    let limited = |page: Page| matches!(page.error(429), AppError::TooManyRequests { .. });
    assert!(limited(login_from("203.0.113.5", CHU).await), "this client used its quota");
    assert_eq!(login_from("203.0.113.6", CHU).await.status, 200, "another client behind the same proxy");
    // IPv6 clients are counted by /64: one home network is one client.
    for _ in 0..30 {
        login_from("2001:db8:1:2::10", ("personne@exemple.fr", "x")).await;
    }
    assert!(limited(login_from("2001:db8:1:2::99", CHU).await));
    assert_eq!(login_from("2001:db8:1:3::10", CHU).await.status, 200);
    // What the client wrote before the proxy's own entry proves nothing.
    assert!(limited(login_from("198.51.100.1, 203.0.113.5", CHU).await));
}

#[tokio::test]
async fn forwarding_headers_from_an_untrusted_peer_are_ignored() {
    let app = spawn_app().await;
    for n in 0..30 {
        let client = format!("203.0.113.{n}");
        let form = [("identifier", "personne@exemple.fr"), ("password", "x")];
        let headers = [("x-forwarded-for", client.as_str())];
        app.request(reqwest::Method::POST, Login::PATH, Some(&form), None, &headers).await;
    }
    let form = [("identifier", CHU.0), ("password", CHU.1)];
    let headers = [("x-forwarded-for", "198.51.100.77"), ("x-forwarded-proto", "https")];
    let limited = app.request(reqwest::Method::POST, Login::PATH, Some(&form), None, &headers).await;
    assert!(matches!(limited.error(429), AppError::TooManyRequests { .. }), "one peer, one bucket, whatever it writes");
    let page = app.request(reqwest::Method::GET, "/connexion", None, None, &[("x-forwarded-proto", "https")]).await;
    assert!(page.headers.get("strict-transport-security").is_none(), "https only when a trusted proxy says so");
}

/// Every server function, by its path (`registered_server_functions_are_all_swept` checks the list
/// against those the app registers).
const SERVER_FUNCTIONS: &[&str] = &[
    app::evaluation::api::GetIndicatorTree::PATH,
    app::evaluation::api::GetQuestion::PATH,
    app::evaluation::api::SaveAnswer::PATH,
    app::evaluation::api::CloseEvaluation::PATH,
    app::evaluation::api::GetClosingReceipt::PATH,
    app::appraisal::api::GetAppraisalTree::PATH,
    app::appraisal::api::GetAppraisal::PATH,
    app::appraisal::api::SaveAppraisal::PATH,
    app::appraisal::api::GetAgencyEvaluation::PATH,
    app::appraisal::api::NotifyProvisional::PATH,
    app::contacts::api::ListContacts::PATH,
    app::contacts::api::GetContact::PATH,
    app::contacts::api::SaveContact::PATH,
    app::contracts::api::GetContract::PATH,
    app::contracts::api::GetContractEstablishments::PATH,
    app::accounts::api::Login::PATH,
    app::accounts::api::RefreshSession::PATH,
    app::accounts::api::CurrentAccount::PATH,
    app::accounts::api::SendCode::PATH,
    app::accounts::api::VerifyCode::PATH,
    app::accounts::api::RenewalEmail::PATH,
    app::accounts::api::SetNewPassword::PATH,
    app::accounts::api::ChangePassword::PATH,
    app::legal_entities::api::ListLegalEntities::PATH,
    app::legal_entities::api::GetLegalEntity::PATH,
    app::legal_entities::api::GetEstablishment::PATH,
    app::documents::api::GetDocuments::PATH,
    app::documents::api::DeclareEvaluationReport::PATH,
    app::administration::api::ImportPreview::PATH,
    app::administration::api::ConfirmFinessImport::PATH,
    app::administration::api::CancelFinessImport::PATH,
    app::agencies::api::Agencies::PATH,
    app::agencies::api::CreateAgency::PATH,
    app::referentials::api::Referentials::PATH,
    app::referentials::api::PreviewReferential::PATH,
    app::referentials::api::ConfirmReferential::PATH,
    app::referentials::api::CancelReferential::PATH,
    app::administration::api::Journal::PATH,
    app::contracts::api::AgencyContracts::PATH,
    app::contracts::api::CreateContracts::PATH,
    app::contracts::api::ContractEdition::PATH,
    app::contracts::api::EditContract::PATH,
    app::campaigns::api::ExtendWindow::PATH,
    app::campaigns::api::ReopenEvaluation::PATH,
    app::campaigns::api::CampaignsAdministration::PATH,
    app::campaigns::api::OpenCampaign::PATH,
    app::accounts::mail_preferences::SetMailPreference::PATH,
    app::follow_up::notes::WriteAgencyNote::PATH,
    app::follow_up::api::FollowUpDashboard::PATH,
    app::follow_up::charts::FollowUpCharts::PATH,
    app::evaluation::printable::GetPrintableEvaluation::PATH,
    app::campaigns::api::NationalValueChoices::PATH,
    app::campaigns::api::PreviewNationalValues::PATH,
    app::campaigns::api::ConfirmNationalValues::PATH,
    app::campaigns::api::CancelNationalValues::PATH,
    app::accounts::management_api::AgencyAccounts::PATH,
    app::accounts::management_api::ManagedAccount::PATH,
    app::accounts::management_api::InviteUser::PATH,
    app::accounts::management_api::ChangeAccount::PATH,
    app::accounts::api::Logout::PATH,
];

#[tokio::test]
async fn malformed_bodies_sent_to_every_endpoint_never_break_the_server() {
    let app = spawn_app().await;
    let chu = app.login_as(CHU).await;
    let huge = "9".repeat(400);
    let megabyte = "é".repeat(512 * 1024);
    let fields = [
        "id",
        "contract_id",
        "question_id",
        "contact_id",
        "version",
        "finess",
        "email",
        "code",
        "password",
        "confirmation",
        "current",
        "identifier",
        "achieved",
        "comment",
        "not_concerned",
        "document_id",
        "place",
        "token",
        "name",
        "region",
        "departements",
        "quality_email",
        "support_email",
        "support_phone",
        "administrator_email",
        "action",
        "role",
        "legal_entities",
        "search",
        "until",
        "reason",
        "body",
        "form[year]",
        "form[opens_on]",
        "filter[year]",
        "filter[late_below]",
        "filter[page]",
        "filter[contract]",
        "year",
        "wanted",
        "preference",
        "filter[sort]",
    ];
    let bodies: Vec<(&str, Vec<u8>)> = vec![
        ("application/x-www-form-urlencoded", Vec::new()),
        ("application/x-www-form-urlencoded", b"%FF%FE=%C3%28&\xff\xfe=\xc0".to_vec()),
        ("application/x-www-form-urlencoded", b"&&==&=&a[b][c]=1&a[]=2".to_vec()),
        ("application/x-www-form-urlencoded", fields.map(|field| format!("{field}=abc")).join("&").into_bytes()),
        ("application/x-www-form-urlencoded", fields.map(|field| format!("{field}={huge}")).join("&").into_bytes()),
        ("application/x-www-form-urlencoded", fields.map(|field| format!("{field}=-1.5e308")).join("&").into_bytes()),
        ("application/x-www-form-urlencoded", fields.map(|field| format!("{field}={megabyte}")).join("&").into_bytes()),
        ("application/json", br#"{"id": [1, {"x": null}], "email": 12}"#.to_vec()),
        ("application/json", b"{\"unterminated".to_vec()),
        ("text/plain", b"\x00\x01\x02 binary".to_vec()),
    ];
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    // Document routes: bad places, ids and names.
    for path in ["/api/documents/abc", "/api/documents/99999999999999999999", "/api/documents/question/x/tous"] {
        let status = chu.get(path).await.status;
        assert!(matches!(status, 400 | 404), "{path}: {status}");
    }
    for (place, name) in [("question", "%FF%FE.pdf"), ("nulle-part", "a.pdf"), ("question", "")] {
        let response = client
            .post(format!("{}/api/documents/{place}/-1", app.address))
            .header("cookie", &chu.cookie)
            .header("sec-fetch-site", "same-origin")
            .header("x-nom-document", name)
            .body(vec![0xFFu8; 1024])
            .send()
            .await
            .unwrap();
        assert!(matches!(response.status().as_u16(), 400 | 404), "{place} {name}: {}", response.status());
    }
    // As an establishment user, an agency administrator and a national administrator, who each
    // reach other functions. The logout goes last: it ends the session the others use.
    let agency_admin = app.login_as(("admin-bfc@ars.exemple.fr", "Admin-Bfc-Demo-2026!")).await;
    let national = app.login_as(crate::helpers::ADMIN).await;
    for (visitor, endpoint) in [&chu, &agency_admin, &national]
        .into_iter()
        .flat_map(|visitor| SERVER_FUNCTIONS.iter().map(move |endpoint| (visitor, endpoint)))
    {
        for (content_type, body) in &bodies {
            for accept in ["*/*", "text/html"] {
                let response = client
                    .post(format!("{}{endpoint}", app.address))
                    .header("cookie", &visitor.cookie)
                    .header("sec-fetch-site", "same-origin")
                    .header("content-type", *content_type)
                    .header("accept", accept)
                    .body(body.clone())
                    .send()
                    .await
                    .unwrap_or_else(|error| panic!("{endpoint} ({content_type}): no answer ({error})"));
                let status = response.status().as_u16();
                assert!(status < 500, "{endpoint} ({content_type}, {} bytes): {status}", body.len());
            }
        }
    }
    // Still serving (logins from this address are now rate-limited: the sweep sent hundreds).
    assert_eq!(app.get("/connexion").await.status, 200);
    let login = app.login(CHU).await;
    assert!(login.status == 200 || matches!(login.error(429), AppError::TooManyRequests { .. }), "{}", login.body);
}

#[test]
fn registered_server_functions_are_all_swept() {
    let mut registered: Vec<&str> = leptos::server_fn::axum::server_fn_paths().map(|(path, _)| path).collect();
    let mut swept = SERVER_FUNCTIONS.to_vec();
    registered.sort_unstable();
    swept.sort_unstable();
    assert_eq!(swept, registered);
}
