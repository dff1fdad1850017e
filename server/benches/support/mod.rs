//! What the benches share.

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
