//! The demo accounts listed in the README, created once each.

use ecars_core::vocabulary::Role;
use sea_orm::{DatabaseConnection, DbErr};

use super::performance::PERFORMANCE_FINESS;
use super::{ACODEGE_FINESS, ARA, BFC, CHU_GRENOBLE_FINESS};
use crate::accounts::invitations::{create_user, CreateUserError, NewUser};
use crate::accounts::secrets::PasswordHashing;
use crate::agencies::service::find_by_name;

pub struct DemoAccount {
    pub email: &'static str,
    pub password: &'static str,
    pub role: Role,
    pub finesses: &'static [&'static str],
    pub must_renew: bool,
    pub agency: Option<&'static str>,
}

/// The CHU's user, who closed CAQES TEST's earlier year.
pub const CHU_EMAIL: &str = "chu-grenoble@exemple.fr";

pub const DEMO_ACCOUNTS: [DemoAccount; 7] = [
    DemoAccount {
        email: CHU_EMAIL,
        password: "Grenoble-Demo-2026!",
        role: Role::Establishment,
        finesses: &[CHU_GRENOBLE_FINESS],
        must_renew: false,
        agency: None,
    },
    // Shows the first-login journey: the password must be renewed before anything else.
    DemoAccount {
        email: "acodege@exemple.fr",
        password: "Acodege-Initial-2026!",
        role: Role::Establishment,
        finesses: &[ACODEGE_FINESS],
        must_renew: true,
        agency: None,
    },
    // Answers the 500-question contract (`make bench`, trying the app at scale).
    DemoAccount {
        email: "performance@exemple.fr",
        password: "Performance-Demo-2026!",
        role: Role::Establishment,
        finesses: &[PERFORMANCE_FINESS],
        must_renew: false,
        agency: None,
    },
    DemoAccount {
        email: "referent@ars.exemple.fr",
        password: "Referent-Demo-2026!",
        role: Role::Referent,
        // Follows an entity of each agency: a referent reads what it follows.
        finesses: &[CHU_GRENOBLE_FINESS, ACODEGE_FINESS],
        must_renew: false,
        agency: Some(ARA),
    },
    // Reads every agency's legal entities, creates agencies.
    DemoAccount {
        email: "admin@ars.exemple.fr",
        password: "Admin-Demo-2026!",
        role: Role::NationalAdmin,
        finesses: &[],
        must_renew: false,
        agency: None,
    },
    DemoAccount {
        email: "admin-ara@ars.exemple.fr",
        password: "Admin-Ara-Demo-2026!",
        role: Role::Admin,
        finesses: &[],
        must_renew: false,
        agency: Some(ARA),
    },
    DemoAccount {
        email: "admin-bfc@ars.exemple.fr",
        password: "Admin-Bfc-Demo-2026!",
        role: Role::Admin,
        finesses: &[],
        must_renew: false,
        agency: Some(BFC),
    },
];

pub async fn load(db: &DatabaseConnection, hashing: &PasswordHashing) -> Result<(), DbErr> {
    for account in &DEMO_ACCOUNTS {
        let finesses: Vec<String> = account.finesses.iter().map(|f| f.to_string()).collect();
        let agency_id = match account.agency {
            Some(name) => Some(
                find_by_name(db, name).await?.ok_or_else(|| DbErr::Custom(format!("demo agency {name} missing")))?.id,
            ),
            None => None,
        };
        let new = NewUser {
            agency_id,
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
