//! What the benches share.

/// Sent by the browser with every request of the portal's own pages; without it (or a CSRF
/// token) a state-changing request with a session cookie is refused.
pub fn as_the_portals_pages() -> reqwest::header::HeaderMap {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("sec-fetch-site", reqwest::header::HeaderValue::from_static("same-origin"));
    headers
}

/// Logs in through the login endpoint and returns the session cookie (`ecars_session=...`).
pub async fn session_cookie(client: &reqwest::Client, base: &str, (email, password): (&str, &str)) -> String {
    let login = client
        .post(format!("{base}/api/connexion"))
        .form(&[("identifier", email), ("password", password)])
        .send()
        .await
        .unwrap();
    assert!(login.status().is_success(), "login of {email} failed");
    login
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.starts_with("ecars_session="))
        .and_then(|value| value.split(';').next())
        .expect("a session cookie")
        .to_owned()
}

/// A new, empty PostgreSQL database `name` on the local server (`ECARS_BENCH_POSTGRES_URL` to use
/// another), or why there is none.
#[allow(dead_code)] // Not every bench runs on PostgreSQL.
pub async fn fresh_postgres_database(name: &str) -> Result<server::config::DatabaseUrl, String> {
    use sea_orm::ConnectionTrait;
    let admin_url = std::env::var("ECARS_BENCH_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
    let admin = sea_orm::Database::connect(&admin_url).await.map_err(|error| format!("{admin_url}: {error}"))?;
    for statement in [format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"), format!("CREATE DATABASE {name}")] {
        admin.execute_unprepared(&statement).await.map_err(|error| error.to_string())?;
    }
    let (base, _) = admin_url.rsplit_once('/').ok_or("malformed PostgreSQL URL")?;
    server::config::DatabaseUrl::parse(&format!("{base}/{name}")).map_err(|error| error.to_string())
}
