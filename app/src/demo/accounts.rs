//! The demo accounts listed in the README, created once each.

use sea_orm::{DatabaseConnection, DbErr};

use super::performance::PERFORMANCE_FINESS;
use super::{ACODEGE_FINESS, CHU_GRENOBLE_FINESS};
use crate::accounts::invitations::{create_user, CreateUserError, NewUser};
use crate::accounts::secrets::PasswordHashing;
use crate::accounts::Role;

pub struct DemoAccount {
    pub email: &'static str,
    pub password: &'static str,
    pub role: Role,
    pub finesses: &'static [&'static str],
    pub must_renew: bool,
}

pub const DEMO_ACCOUNTS: [DemoAccount; 5] = [
    DemoAccount {
        email: "chu-grenoble@exemple.fr",
        password: "Grenoble-Demo-2026!",
        role: Role::Establishment,
        finesses: &[CHU_GRENOBLE_FINESS],
        must_renew: false,
    },
    // Shows the first-login journey: the password must be renewed before anything else.
    DemoAccount {
        email: "acodege@exemple.fr",
        password: "Acodege-Initial-2026!",
        role: Role::Establishment,
        finesses: &[ACODEGE_FINESS],
        must_renew: true,
    },
    // Answers the 500-question contract (`make bench`, trying the app at scale).
    DemoAccount {
        email: "performance@exemple.fr",
        password: "Performance-Demo-2026!",
        role: Role::Establishment,
        finesses: &[PERFORMANCE_FINESS],
        must_renew: false,
    },
    DemoAccount {
        email: "referent@ars.exemple.fr",
        password: "Referent-Demo-2026!",
        role: Role::Referent,
        finesses: &[CHU_GRENOBLE_FINESS, ACODEGE_FINESS],
        must_renew: false,
    },
    DemoAccount {
        email: "admin@ars.exemple.fr",
        password: "Admin-Demo-2026!",
        role: Role::Admin,
        finesses: &[],
        must_renew: false,
    },
];

pub async fn load(db: &DatabaseConnection, hashing: &PasswordHashing) -> Result<(), DbErr> {
    for account in &DEMO_ACCOUNTS {
        let finesses: Vec<String> = account.finesses.iter().map(|f| f.to_string()).collect();
        let new = NewUser {
            email: account.email,
            role: account.role,
            finesses: &finesses,
            password: account.password,
            must_renew: account.must_renew,
        };
        match create_user(db, hashing, new).await {
            Ok(_) | Err(CreateUserError::Exists(_)) => {}
            Err(CreateUserError::Database(error)) => return Err(error),
            Err(error) => return Err(DbErr::Custom(format!("demo account {}: {error}", account.email))),
        }
    }
    Ok(())
}
