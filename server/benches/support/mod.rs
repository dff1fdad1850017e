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
