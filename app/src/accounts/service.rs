//! Accounts: login with lockout, password renewal by emailed code, password change, account
//! creation. Knows nothing of HTTP: callers pass what they read from the request.

use std::time::Duration;

use chrono::Utc;
use rand::seq::SliceRandom;
use rand::Rng;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use super::access::{legal_entity_ids_of, Viewer};
use super::password_policy::PasswordCheck;
use super::rate_limit::RateLimiter;
use super::secrets::{code_hash, new_code, new_token, token_hash, PasswordHashing, CODE_DIGITS};
use super::sessions::{self, SessionLimits};
use super::{Account, Role, LOGIN_PATH};
use crate::db::entities::{legal_entity, user, user_legal_entity, verification_code};
use crate::email::EmailAddress;
use crate::legal_entities::LegalEntityRef;
use crate::mail::Mailer;
use crate::AppError;

/// Everything the account functions need, shared by the middleware and the server functions.
#[derive(Clone)]
pub struct Accounts {
    pub db: DatabaseConnection,
    pub limits: SessionLimits,
    pub hashing: PasswordHashing,
    pub mailer: Mailer,
    pub limiter: RateLimiter,
    /// The address users reach the portal at, for links in emails.
    pub public_url: String,
}

impl Accounts {
    pub fn from_context() -> Result<Self, AppError> {
        leptos::prelude::use_context::<Accounts>().ok_or_else(|| {
            tracing::error!("no account services in the Leptos context");
            AppError::Internal
        })
    }
}

/// Failed logins allowed before the account locks.
const FREE_ATTEMPTS: i32 = 5;
/// A code is valid 10 minutes, for 5 tries; an address gets at most 3 codes per 15 minutes.
pub const CODE_VALIDITY: Duration = Duration::from_secs(10 * 60);
const CODE_TRIES: i32 = 5;
const CODES_PER_WINDOW: u64 = 3;
const CODE_WINDOW: Duration = Duration::from_secs(15 * 60);

/// The lock after the `failed`-th failure in a row: 1 minute at the 5th, doubling each time
/// after, at most an hour.
pub fn lock_duration(failed: i32) -> Option<Duration> {
    (failed >= FREE_ATTEMPTS).then(|| {
        let doublings = (failed - FREE_ATTEMPTS).min(6) as u32;
        Duration::from_secs(60 * 2u64.pow(doublings)).min(Duration::from_secs(3600))
    })
}

/// `column + 1`, computed by the database so concurrent updates all count.
fn plus_one(column: impl sea_orm::sea_query::IntoColumnRef) -> Expr {
    sea_orm::sea_query::ExprTrait::add(Expr::col(column), 1)
}

fn ago(duration: Duration) -> chrono::DateTime<Utc> {
    Utc::now() - chrono::Duration::from_std(duration).expect("short durations convert")
}

async fn find_user(db: &impl ConnectionTrait, email: &str) -> Result<Option<user::Model>, DbErr> {
    user::Entity::find().filter(user::Column::Email.eq(email.trim().to_lowercase())).one(db).await
}

pub enum LoginResult {
    /// Logged in: the token of the new session.
    Session(String),
    /// Right password, but it must be renewed before anything else (first login).
    MustRenew,
}

/// Checks the credentials. Unknown account, wrong password and locked account all give the
/// same `InvalidCredentials`, after the same amount of work.
pub async fn login(accounts: &Accounts, identifier: &str, password: &str) -> Result<LoginResult, AppError> {
    let db = &accounts.db;
    let user = find_user(db, identifier).await?;
    let matches = accounts.hashing.verify(password, user.as_ref().map(|u| u.password_hash.clone())).await?;
    let Some(user) = user else {
        return Err(AppError::InvalidCredentials);
    };
    if user.locked_until.is_some_and(|until| until > Utc::now()) {
        return Err(AppError::InvalidCredentials);
    }
    if !matches {
        // Recorded after answering: an unknown account writes nothing, and the answer must not
        // take longer for a known one.
        let (db, user_id) = (db.clone(), user.id);
        tokio::spawn(async move {
            if let Err(error) = record_failure(&db, user_id).await {
                tracing::error!(%error, user = user_id, "failed login not recorded");
            }
        });
        return Err(AppError::InvalidCredentials);
    }
    if user.failed_logins != 0 || user.locked_until.is_some() {
        let mut active = user.clone().into_active_model();
        active.failed_logins = Set(0);
        active.locked_until = Set(None);
        active.update(db).await?;
    }
    if user.must_renew_password {
        return Ok(LoginResult::MustRenew);
    }
    Ok(LoginResult::Session(sessions::open(db, user.id).await?))
}

/// Counts a failure (in the database, so concurrent attempts all count) and locks the
/// account from the fifth one on.
async fn record_failure(db: &impl ConnectionTrait, user_id: i32) -> Result<(), DbErr> {
    user::Entity::update_many()
        .col_expr(user::Column::FailedLogins, plus_one(user::Column::FailedLogins))
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    let Some(user) = user::Entity::find_by_id(user_id).one(db).await? else {
        return Ok(());
    };
    if let Some(lock) = lock_duration(user.failed_logins) {
        tracing::warn!(user = user_id, failed = user.failed_logins, "account locked after failed logins");
        user::Entity::update_many()
            .col_expr(user::Column::LockedUntil, Expr::value(Utc::now() + chrono::Duration::from_std(lock).unwrap()))
            .filter(user::Column::Id.eq(user_id))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// The account shown in the header and on "Mon compte".
pub async fn account(db: &impl ConnectionTrait, viewer: &Viewer) -> Result<Account, DbErr> {
    let mut entities = legal_entity::Entity::find().order_by_asc(legal_entity::Column::Name);
    if let Some(ids) = viewer.legal_entity_scope() {
        entities = entities.filter(legal_entity::Column::Id.is_in(ids.iter().copied()));
    }
    let legal_entities = match viewer.role {
        // An administrator is attached to nothing in particular.
        Role::Admin => Vec::new(),
        _ => entities
            .all(db)
            .await?
            .into_iter()
            .map(|entity| LegalEntityRef { finess: entity.finess, name: entity.name })
            .collect(),
    };
    Ok(Account { email: viewer.email.clone(), role: viewer.role, legal_entities })
}

const CODE_REFUSED: &str =
    "Code incorrect ou expiré. Vérifiez le code du dernier courriel reçu, ou demandez un nouveau code.";
const CODE_EXHAUSTED: &str = "Trop d'essais pour ce code. Demandez un nouveau code de vérification.";
const RENEWAL_EXPIRED: &str =
    "La vérification de votre adresse a expiré. Recommencez le renouvellement du mot de passe.";

fn parse_email(input: &str) -> Result<String, AppError> {
    EmailAddress::parse(input).map(|email| email.identifier()).map_err(|message| AppError::Invalid(message.to_owned()))
}

/// Sends a verification code to `email`. Unknown addresses get a notice instead of a code;
/// the caller sees the same answer either way.
pub async fn send_code(accounts: &Accounts, email: &str) -> Result<(), AppError> {
    let db = &accounts.db;
    let email = parse_email(email)?;
    let window_start = ago(CODE_WINDOW);
    let recent = verification_code::Entity::find()
        .filter(verification_code::Column::Email.eq(&email))
        .filter(verification_code::Column::CreatedAt.gt(window_start))
        .order_by_asc(verification_code::Column::CreatedAt);
    if recent.clone().count(db).await? >= CODES_PER_WINDOW {
        let oldest = recent.one(db).await?.map(|code| code.created_at).unwrap_or_else(Utc::now);
        let wait = (oldest - window_start).num_seconds().max(1) as u64;
        return Err(AppError::TooManyRequests { retry_after_seconds: wait });
    }
    let user = find_user(db, &email).await?;
    void_pending_codes(db, &email).await?;
    let code = new_code();
    verification_code::ActiveModel {
        email: Set(email.clone()),
        user_id: Set(user.as_ref().map(|user| user.id)),
        code_hash: Set(code_hash(&email, &code)),
        created_at: Set(Utc::now()),
        attempts: Set(0),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let (subject, body) = match user {
        Some(_) => ("e-CARS : votre code de vérification", code_message(&email, &code)),
        None => ("e-CARS : demande de renouvellement de mot de passe", unknown_address_message(accounts)),
    };
    accounts.mailer.send(&email, subject, body).await
}

fn code_message(email: &str, code: &str) -> String {
    format!(
        "Bonjour,\n\n\
         Vous avez demandé à renouveler le mot de passe de votre compte e-CARS (identifiant : {email}).\n\n\
         Votre code de vérification :\n\n\
         {code}\n\n\
         Ce code est valable 10 minutes et ne sert qu'une fois. Saisissez-le sur la page de \
         renouvellement du mot de passe, puis cliquez sur « Vérifier le code ».\n\n\
         Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot de passe \
         reste inchangé.\n\n\
         L'équipe e-CARS\n"
    )
}

fn unknown_address_message(accounts: &Accounts) -> String {
    format!(
        "Bonjour,\n\n\
         Un renouvellement de mot de passe e-CARS a été demandé pour cette adresse, mais aucun \
         compte e-CARS n'y est associé. Si vous devez disposer d'un compte, adressez-vous à votre \
         Agence Régionale de Santé.\n\n\
         Si vous n'êtes pas à l'origine de cette demande, ignorez ce message.\n\n\
         Portail e-CARS : {}\n\n\
         L'équipe e-CARS\n",
        accounts.public_url
    )
}

/// Only the last code sent to an address is valid: earlier ones are void.
async fn void_pending_codes(db: &impl ConnectionTrait, email: &str) -> Result<(), DbErr> {
    verification_code::Entity::update_many()
        .col_expr(verification_code::Column::ConsumedAt, Expr::value(Utc::now()))
        .filter(verification_code::Column::Email.eq(email))
        .filter(verification_code::Column::ConsumedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Checks a code; on success returns the renewal token that allows choosing a new password.
pub async fn verify_code(accounts: &Accounts, email: &str, code: &str) -> Result<String, AppError> {
    let db = &accounts.db;
    let email = parse_email(email)?;
    let code = code.trim();
    if code.len() != CODE_DIGITS || !code.chars().all(|c| c.is_ascii_digit()) {
        return Err(AppError::Invalid(format!("Le code de vérification comporte {CODE_DIGITS} chiffres.")));
    }
    let Some(latest) = verification_code::Entity::find()
        .filter(verification_code::Column::Email.eq(&email))
        .filter(verification_code::Column::CreatedAt.gt(ago(CODE_VALIDITY)))
        .filter(verification_code::Column::VerifiedAt.is_null())
        .filter(verification_code::Column::ConsumedAt.is_null())
        .order_by_desc(verification_code::Column::CreatedAt)
        .order_by_desc(verification_code::Column::Id)
        .one(db)
        .await?
    else {
        return Err(AppError::Invalid(CODE_REFUSED.to_owned()));
    };
    // One conditional update counts the try, so concurrent guesses cannot exceed the limit.
    let counted = verification_code::Entity::update_many()
        .col_expr(verification_code::Column::Attempts, plus_one(verification_code::Column::Attempts))
        .filter(verification_code::Column::Id.eq(latest.id))
        .filter(verification_code::Column::Attempts.lt(CODE_TRIES))
        .exec(db)
        .await?;
    if counted.rows_affected == 0 {
        return Err(AppError::Invalid(CODE_EXHAUSTED.to_owned()));
    }
    if code_hash(&email, code) != latest.code_hash {
        return Err(AppError::Invalid(CODE_REFUSED.to_owned()));
    }
    let token = new_token();
    let verified = verification_code::Entity::update_many()
        .col_expr(verification_code::Column::VerifiedAt, Expr::value(Utc::now()))
        .col_expr(verification_code::Column::RenewalTokenHash, Expr::value(token_hash(&token)))
        .filter(verification_code::Column::Id.eq(latest.id))
        .filter(verification_code::Column::VerifiedAt.is_null())
        .exec(db)
        .await?;
    if verified.rows_affected == 0 {
        return Err(AppError::Invalid(CODE_REFUSED.to_owned()));
    }
    Ok(token)
}

/// The verified code behind a renewal token, if it is still usable.
async fn renewal(db: &impl ConnectionTrait, token: &str) -> Result<Option<verification_code::Model>, DbErr> {
    verification_code::Entity::find()
        .filter(verification_code::Column::RenewalTokenHash.eq(token_hash(token)))
        .filter(verification_code::Column::VerifiedAt.gt(ago(CODE_VALIDITY)))
        .filter(verification_code::Column::ConsumedAt.is_null())
        .filter(verification_code::Column::UserId.is_not_null())
        .one(db)
        .await
}

/// The address whose password is being renewed (shown on the new-password page).
pub async fn renewal_email(db: &impl ConnectionTrait, token: &str) -> Result<Option<String>, DbErr> {
    Ok(renewal(db, token).await?.map(|code| code.email))
}

fn check_new_password(password: &str, confirmation: &str, identifier: &str) -> Result<(), AppError> {
    if password != confirmation {
        return Err(AppError::Invalid("Les deux mots de passe saisis sont différents.".to_owned()));
    }
    match PasswordCheck::of(password, identifier).refusal() {
        Some(refusal) => Err(AppError::Invalid(refusal)),
        None => Ok(()),
    }
}

/// Sets the new password chosen after a verified code; closes every session of the account
/// and opens a new one, whose token is returned.
pub async fn renew_password(
    accounts: &Accounts,
    token: &str,
    password: &str,
    confirmation: &str,
) -> Result<String, AppError> {
    let db = &accounts.db;
    let expired = || AppError::Invalid(RENEWAL_EXPIRED.to_owned());
    let code = renewal(db, token).await?.ok_or_else(expired)?;
    let user = user::Entity::find_by_id(code.user_id.ok_or_else(expired)?).one(db).await?.ok_or_else(expired)?;
    check_new_password(password, confirmation, &user.email)?;
    let hash = accounts.hashing.hash(password).await?;
    let consumed = verification_code::Entity::update_many()
        .col_expr(verification_code::Column::ConsumedAt, Expr::value(Utc::now()))
        .filter(verification_code::Column::Id.eq(code.id))
        .filter(verification_code::Column::ConsumedAt.is_null())
        .exec(db)
        .await?;
    if consumed.rows_affected == 0 {
        return Err(expired());
    }
    void_pending_codes(db, &code.email).await?;
    set_password(db, user, hash).await
}

/// "Mon compte": change the password knowing the current one.
pub async fn change_password(
    accounts: &Accounts,
    viewer: &Viewer,
    current: &str,
    password: &str,
    confirmation: &str,
) -> Result<String, AppError> {
    let db = &accounts.db;
    let user = user::Entity::find_by_id(viewer.user_id).one(db).await?.ok_or(AppError::Unauthenticated)?;
    if !accounts.hashing.verify(current, Some(user.password_hash.clone())).await? {
        record_failure(db, user.id).await?;
        return Err(AppError::Invalid("Le mot de passe actuel est incorrect.".to_owned()));
    }
    check_new_password(password, confirmation, &user.email)?;
    let hash = accounts.hashing.hash(password).await?;
    set_password(db, user, hash).await
}

async fn set_password(db: &DatabaseConnection, user: user::Model, hash: String) -> Result<String, AppError> {
    let user_id = user.id;
    let mut active = user.into_active_model();
    active.password_hash = Set(hash);
    active.must_renew_password = Set(false);
    active.failed_logins = Set(0);
    active.locked_until = Set(None);
    active.update(db).await?;
    sessions::close_all(db, user_id).await?;
    tracing::info!(user = user_id, "password changed, sessions closed");
    Ok(sessions::open(db, user_id).await?)
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CreateUserError {
    #[error("{0}")]
    Email(&'static str),
    #[error("an account with the identifier {0} already exists")]
    Exists(String),
    #[error("no legal entity has the FINESS number {0}")]
    UnknownFiness(String),
    #[error("an {0} account needs at least one --entity FINESS")]
    EntitiesRequired(&'static str),
    #[error("an admin account sees every legal entity: give no --entity")]
    AdminWithEntities,
    #[error("the initial password does not follow the password rule")]
    WeakPassword,
    #[error("database error: {0}")]
    Database(#[from] DbErr),
}

pub struct NewUser<'a> {
    pub email: &'a str,
    pub role: Role,
    pub finesses: &'a [String],
    pub password: &'a str,
    pub must_renew: bool,
}

/// Creates an account attached to (or following) the legal entities of the given FINESS numbers.
pub async fn create_user(
    db: &DatabaseConnection,
    hashing: &PasswordHashing,
    new: NewUser<'_>,
) -> Result<user::Model, CreateUserError> {
    let email = EmailAddress::parse(new.email).map_err(CreateUserError::Email)?.identifier();
    match (new.role, new.finesses.is_empty()) {
        (Role::Admin, false) => return Err(CreateUserError::AdminWithEntities),
        (Role::Establishment | Role::Referent, true) => {
            return Err(CreateUserError::EntitiesRequired(new.role.as_str()))
        }
        _ => {}
    }
    if find_user(db, &email).await?.is_some() {
        return Err(CreateUserError::Exists(email));
    }
    let mut entity_ids = Vec::new();
    for finess in new.finesses {
        let entity = legal_entity::Entity::find()
            .filter(legal_entity::Column::Finess.eq(finess.trim()))
            .one(db)
            .await?
            .ok_or_else(|| CreateUserError::UnknownFiness(finess.clone()))?;
        entity_ids.push(entity.id);
    }
    let hash = hashing.hash(new.password).await.map_err(|_| CreateUserError::WeakPassword)?;
    let user = user::ActiveModel {
        email: Set(email),
        password_hash: Set(hash),
        role: Set(new.role.as_str().to_owned()),
        must_renew_password: Set(new.must_renew),
        created_at: Set(Utc::now()),
        failed_logins: Set(0),
        locked_until: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    for legal_entity_id in entity_ids {
        user_legal_entity::ActiveModel { user_id: Set(user.id), legal_entity_id: Set(legal_entity_id) }
            .insert(db)
            .await?;
    }
    Ok(user)
}

/// A random initial password that follows the rule: 16 characters, every class present.
pub fn initial_password() -> String {
    const LOWER: &[u8] = b"abcdefghijkmnopqrstuvwxyz";
    const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    const DIGITS: &[u8] = b"23456789";
    const SPECIAL: &[u8] = b"-_%&!?*";
    let mut rng = rand::rng();
    let mut pick = |set: &[u8]| set[rng.random_range(0..set.len())] as char;
    let mut chars: Vec<char> = vec![pick(LOWER), pick(UPPER), pick(DIGITS), pick(SPECIAL)];
    let all: Vec<u8> = [LOWER, UPPER, DIGITS, SPECIAL].concat();
    chars.extend((0..12).map(|_| pick(&all)));
    chars.shuffle(&mut rand::rng());
    chars.into_iter().collect()
}

/// `ecars user add`: creates the account, flagged "must renew", and emails its initial
/// password. If the invitation cannot be sent, the account is removed again (nobody could use it).
pub async fn invite(
    accounts: &Accounts,
    email: &str,
    role: Role,
    finesses: &[String],
) -> Result<user::Model, InviteError> {
    let password = initial_password();
    let new = NewUser { email, role, finesses, password: &password, must_renew: true };
    let user = create_user(&accounts.db, &accounts.hashing, new).await?;
    let body = format!(
        "Bonjour,\n\n\
         Un compte vous a été ouvert sur e-CARS, le portail des contrats de votre Agence Régionale de Santé.\n\n\
         Adresse : {url}{LOGIN_PATH}\n\
         Identifiant : {email}\n\
         Mot de passe provisoire : {password}\n\n\
         Lors de votre première connexion, vous devez obligatoirement renouveler ce mot de passe : \
         sur la page de connexion, cliquez sur « Renouveler le mot de passe », renseignez votre adresse \
         email puis cliquez sur « Envoyer le code de vérification ». Le mot de passe doit comporter entre \
         12 et 64 caractères, dont une lettre minuscule, une lettre majuscule, un chiffre et un caractère spécial.\n\n\
         L'équipe e-CARS\n",
        url = accounts.public_url.trim_end_matches('/'),
        email = user.email,
    );
    if let Err(error) = accounts.mailer.send(&user.email, "e-CARS : votre compte a été créé", body).await {
        user::Entity::delete_by_id(user.id).exec(&accounts.db).await.map_err(CreateUserError::from)?;
        return Err(InviteError::Mail(error));
    }
    Ok(user)
}

#[derive(Debug, thiserror::Error)]
pub enum InviteError {
    #[error(transparent)]
    Create(#[from] CreateUserError),
    #[error("the invitation could not be sent, the account was not kept: {0}")]
    Mail(AppError),
}

/// The viewer of a live session, with the legal entities it reaches.
pub async fn viewer_of_session(
    db: &impl ConnectionTrait,
    session: &crate::db::entities::session::Model,
) -> Result<Option<Viewer>, DbErr> {
    let Some(user) = user::Entity::find_by_id(session.user_id).one(db).await? else {
        return Ok(None);
    };
    let Some(role) = Role::parse(&user.role) else {
        tracing::error!(user = user.id, role = %user.role, "unknown role: no access");
        return Ok(None);
    };
    Ok(Some(Viewer {
        user_id: user.id,
        session_id: session.id,
        email: user.email,
        role,
        legal_entity_ids: legal_entity_ids_of(db, session.user_id).await?,
    }))
}

/// The addresses of the users of `roles` attached to (or following) a legal entity, sorted.
pub async fn user_emails(
    db: &impl ConnectionTrait,
    legal_entity_id: i32,
    roles: &[Role],
) -> Result<Vec<String>, DbErr> {
    let user_ids: Vec<i32> = user_legal_entity::Entity::find()
        .select_only()
        .column(user_legal_entity::Column::UserId)
        .filter(user_legal_entity::Column::LegalEntityId.eq(legal_entity_id))
        .into_tuple()
        .all(db)
        .await?;
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(user_ids))
        .filter(user::Column::Role.is_in(roles.iter().map(|role| role.as_str())))
        .order_by_asc(user::Column::Email)
        .all(db)
        .await?
        .into_iter()
        .map(|user| user.email)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_account_locks_from_the_fifth_failure_for_longer_each_time() {
        assert_eq!(lock_duration(4), None);
        assert_eq!(lock_duration(5), Some(Duration::from_secs(60)));
        assert_eq!(lock_duration(6), Some(Duration::from_secs(120)));
        assert_eq!(lock_duration(8), Some(Duration::from_secs(480)));
        assert_eq!(lock_duration(50), Some(Duration::from_secs(3600)));
    }

    #[test]
    fn initial_passwords_follow_the_rule() {
        for _ in 0..200 {
            let password = initial_password();
            assert!(PasswordCheck::of(&password, "x@y.fr").is_valid(), "{password}");
        }
    }

    #[test]
    fn a_new_password_must_be_confirmed_and_follow_the_rule() {
        assert!(check_new_password("Grenoble-Demo-2027!", "Grenoble-Demo-2027!", "a@b.fr").is_ok());
        assert!(
            matches!(check_new_password("Grenoble-Demo-2027!", "Grenoble-Demo-2028!", "a@b.fr"), Err(AppError::Invalid(m)) if m.contains("différents"))
        );
        assert!(
            matches!(check_new_password("court", "court", "a@b.fr"), Err(AppError::Invalid(m)) if m.contains("12 et 64"))
        );
    }
}
