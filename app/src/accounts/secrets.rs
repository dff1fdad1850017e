//! Random tokens and codes, their stored hashes, and password hashing (argon2id).

use std::sync::{Arc, OnceLock};

use argon2::password_hash::{rand_core::OsRng, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};
use rand::Rng;
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;

use crate::AppError;

/// 256 random bits from the operating system's generator, as 64 hexadecimal characters.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill(&mut bytes);
    hex::encode(bytes)
}

/// What the database keeps of a token: its SHA-256, so a copy of the database opens nothing.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Number of digits of a verification code.
pub const CODE_DIGITS: usize = 8;

/// A verification code of 8 digits, leading zeros included.
pub fn new_code() -> String {
    format!("{:0width$}", rand::rng().random_range(0..100_000_000u32), width = CODE_DIGITS)
}

/// The stored form of a code, bound to the address it was sent to.
pub fn code_hash(email: &str, code: &str) -> String {
    token_hash(&format!("{email}\n{}", code.trim()))
}

/// The server's key for what it hands the browser and reads back: the message a plain form post
/// comes back with is signed with it, so that a link cannot make a page of the portal say what
/// its author wants. `ECARS_SECRET_KEY`, or a key generated once into the data directory.
#[derive(Clone)]
pub struct MessageKey(Arc<[u8; 64]>);

impl MessageKey {
    /// At least 32 characters (any text: it is hashed into the key).
    pub fn from_secret(secret: &str) -> Option<Self> {
        (secret.len() >= 32).then(|| MessageKey(Arc::new(sha2::Sha512::digest(secret.as_bytes()).into())))
    }

    pub fn generate() -> Self {
        let mut key = [0u8; 64];
        rand::rng().fill(&mut key[..]);
        MessageKey(Arc::new(key))
    }

    /// The key as it is kept in the data directory.
    pub fn to_hex(&self) -> String {
        hex::encode(&self.0[..])
    }

    pub fn from_hex(text: &str) -> Option<Self> {
        let bytes: [u8; 64] = hex::decode(text.trim()).ok()?.try_into().ok()?;
        Some(MessageKey(Arc::new(bytes)))
    }

    /// HMAC-SHA256 of the parts; a key of SHA-256's block size is used as it is.
    fn mac(&self, parts: &[&str]) -> hmac::Hmac<Sha256> {
        use hmac::{digest::KeyInit, Mac};
        let mut mac = <hmac::Hmac<Sha256> as KeyInit>::new(&(*self.0).into());
        for part in parts {
            // Lengths first, so that ("ab", "c") and ("a", "bc") differ.
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part.as_bytes());
        }
        mac
    }

    /// The signature of the parts, in hexadecimal.
    pub fn sign(&self, parts: &[&str]) -> String {
        use hmac::Mac;
        hex::encode(self.mac(parts).finalize().into_bytes())
    }

    /// Whether `signature` is `sign(parts)`, compared in constant time.
    pub fn verify(&self, parts: &[&str], signature: &str) -> bool {
        use hmac::Mac;
        hex::decode(signature).is_ok_and(|signature| self.mac(parts).verify_slice(&signature).is_ok())
    }
}

/// Memory 19 MiB, 2 passes, 1 lane: the OWASP minimum for argon2id.
const MEMORY_KIB: u32 = 19_456;
const PASSES: u32 = 2;
const LANES: u32 = 1;

/// Hashes and checks passwords on the blocking thread pool, a bounded number at a time, so a
/// burst of logins can neither stall the async workers nor exhaust memory.
#[derive(Clone)]
pub struct PasswordHashing {
    permits: Arc<Semaphore>,
}

impl PasswordHashing {
    pub fn new(concurrent: usize) -> Self {
        PasswordHashing { permits: Arc::new(Semaphore::new(concurrent.max(1))) }
    }

    pub async fn hash(&self, password: &str) -> Result<String, AppError> {
        let password = password.to_owned();
        self.run(move || {
            let salt = SaltString::generate(&mut OsRng);
            argon2().hash_password(password.as_bytes(), &salt).map(|hash| hash.to_string()).map_err(|error| {
                tracing::error!(%error, "password hashing failed");
                AppError::Internal
            })
        })
        .await?
    }

    /// Checks `password` against `stored`; with no stored hash (unknown account) the same work
    /// is done against a throw-away hash, so timing tells nothing about which accounts exist.
    pub async fn verify(&self, password: &str, stored: Option<String>) -> Result<bool, AppError> {
        let password = password.to_owned();
        self.run(move || {
            let known = stored.is_some();
            let stored = stored.unwrap_or_else(|| decoy_hash().to_owned());
            let matches = PasswordHash::new(&stored)
                .map(|parsed| argon2().verify_password(password.as_bytes(), &parsed).is_ok())
                .unwrap_or(false);
            known && matches
        })
        .await
    }

    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, AppError> {
        let _permit = self.permits.acquire().await.map_err(|_| AppError::Internal)?;
        tokio::task::spawn_blocking(work).await.map_err(|error| {
            tracing::error!(%error, "password hashing task failed");
            AppError::Internal
        })
    }
}

fn argon2() -> Argon2<'static> {
    // These constants are valid; were they not, argon2's defaults are the same values.
    let params = Params::new(MEMORY_KIB, PASSES, LANES, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        argon2().hash_password(new_token().as_bytes(), &salt).map(|hash| hash.to_string()).unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_message_verifies_and_nothing_else_does() {
        let key = MessageKey::generate();
        let signature = key.sign(&["/api/connexion", "InvalidCredentials"]);
        assert!(key.verify(&["/api/connexion", "InvalidCredentials"], &signature));
        assert!(!key.verify(&["/api/connexion", "Invalid(\"Compte suspendu\")"], &signature));
        assert!(!key.verify(&["/api/connexio", "nInvalidCredentials"], &signature), "parts are told apart");
        assert!(!MessageKey::generate().verify(&["/api/connexion", "InvalidCredentials"], &signature));
        assert!(!key.verify(&["/api/connexion", "InvalidCredentials"], "zz"));
        let kept = MessageKey::from_hex(&key.to_hex()).unwrap();
        assert!(kept.verify(&["/api/connexion", "InvalidCredentials"], &signature));
        assert!(MessageKey::from_secret("trop court").is_none());
    }

    #[test]
    fn codes_have_eight_digits_and_vary() {
        let codes: Vec<String> = (0..50).map(|_| new_code()).collect();
        assert!(codes.iter().all(|code| code.len() == CODE_DIGITS && code.chars().all(|c| c.is_ascii_digit())));
        let distinct: std::collections::HashSet<_> = codes.iter().collect();
        assert!(distinct.len() > 45, "codes repeat too often: {distinct:?}");
    }

    #[test]
    fn a_code_hash_is_bound_to_its_address() {
        assert_eq!(code_hash("a@b.fr", "01234567"), code_hash("a@b.fr", " 01234567 "));
        assert_ne!(code_hash("a@b.fr", "01234567"), code_hash("c@d.fr", "01234567"));
    }

    #[test]
    fn tokens_are_256_bits_and_stored_hashed() {
        let token = new_token();
        assert_eq!(token.len(), 64);
        assert_ne!(token, new_token());
        assert_ne!(token_hash(&token), token);
    }

    #[tokio::test]
    async fn passwords_are_hashed_with_argon2id_and_checked() {
        let hashing = PasswordHashing::new(2);
        let hash = hashing.hash("Grenoble-Demo-2026!").await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(hashing.verify("Grenoble-Demo-2026!", Some(hash.clone())).await.unwrap());
        assert!(!hashing.verify("grenoble-demo-2026!", Some(hash)).await.unwrap());
        assert!(!hashing.verify("Grenoble-Demo-2026!", None).await.unwrap());
    }
}
