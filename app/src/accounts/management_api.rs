//! Server functions of "Comptes": thin adapters over `management`, for the agency's
//! administrators only ("not found" for anyone else, and for another agency's accounts).

use leptos::prelude::*;

use super::management::{AccountRow, AccountsList};
use crate::AppError;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;

#[cfg(feature = "ssr")]
fn agency_administrator() -> Result<(crate::state::AppState, super::access::Viewer, i32), AppError> {
    let viewer = super::access::viewer()?;
    let agency_id = super::access::administered_agency(&viewer)?;
    Ok((crate::state::AppState::current()?, viewer, agency_id))
}

/// The agency's accounts whose identifier contains `search`.
#[server(endpoint = "comptes_agence", client = crate::accounts::csrf::PortalClient)]
pub async fn agency_accounts(#[server(default)] search: String) -> Result<AccountsList, AppError> {
    let (state, _, agency_id) = agency_administrator()?;
    let search: String = search.chars().take(100).collect();
    super::management::accounts_of_agency(&state.db, ecars_core::ids::AgencyId(agency_id), &search).await
}

/// One account of the agency, for its page.
#[server(endpoint = "compte_administre", client = crate::accounts::csrf::PortalClient)]
pub async fn managed_account(id: i32) -> Result<AccountRow, AppError> {
    let (state, _, agency_id) = agency_administrator()?;
    super::management::account_of_agency(&state.db, ecars_core::ids::AgencyId(agency_id), id).await
}

/// "Inviter l'utilisateur": the account and its invitation mail.
#[server(endpoint = "inviter_utilisateur", client = crate::accounts::csrf::PortalClient)]
pub async fn invite_user(
    email: String,
    role: String,
    #[server(default)] legal_entities: String,
) -> Result<String, AppError> {
    use ecars_core::routes::ACCOUNTS_PATH;

    use super::management::{parse_finess_list, parse_invitable_role, INVITED_PARAM};
    use crate::accounts::web::{answer_plain_post, FormPage};

    let invited = async {
        let (state, viewer, agency_id) = agency_administrator()?;
        let role = parse_invitable_role(&role).map_err(AppError::Invalid)?;
        let finesses = parse_finess_list(&legal_entities).map_err(AppError::Invalid)?;
        let user = super::management::invite_to_agency(
            &state,
            ecars_core::ids::AgencyId(agency_id),
            &viewer,
            &email,
            role,
            &finesses,
        )
        .await?;
        tracing::info!(user = viewer.user_id, account = user.id, "user invited");
        Ok::<_, AppError>(user.email)
    }
    .await;
    let done = |email: &String| {
        let query = url::form_urlencoded::Serializer::new(String::new()).append_pair(INVITED_PARAM, email).finish();
        format!("{ACCOUNTS_PATH}?{query}")
    };
    let typed = [("email", email.as_str()), ("role", role.as_str()), ("legal_entities", legal_entities.as_str())];
    answer_plain_post(InviteUser::PATH, &invited, done, FormPage::posting(typed));
    invited.map(|email| invited_message(&email))
}

/// "Invitation envoyée à ...".
pub fn invited_message(email: &str) -> String {
    format!("Le compte {email} est créé ; son invitation, avec un mot de passe initial à changer, part par email.")
}

/// One of the actions of an account's page (`action`: its code); `legal_entities` for the change
/// of entities.
#[server(endpoint = "modifier_compte", client = crate::accounts::csrf::PortalClient)]
pub async fn change_account(
    id: i32,
    action: String,
    #[server(default)] legal_entities: String,
) -> Result<String, AppError> {
    use ecars_core::routes::managed_account_href;

    use super::management::{parse_finess_list, AccountAction, DONE_PARAM};
    use crate::accounts::web::{answer_plain_post, FormPage};

    let changed = async {
        let (state, viewer, agency_id) = agency_administrator()?;
        let action = AccountAction::parse(&action).ok_or(AppError::NotFound)?;
        let finesses = match action {
            AccountAction::ChangeEntities => parse_finess_list(&legal_entities).map_err(AppError::Invalid)?,
            _ => Vec::new(),
        };
        super::management::change_account(&state, ecars_core::ids::AgencyId(agency_id), &viewer, id, action, &finesses)
            .await?;
        Ok::<_, AppError>(action)
    }
    .await;
    let done = |action: &AccountAction| format!("{}?{DONE_PARAM}={}", managed_account_href(id), action.code());
    let typed = [("legal_entities", legal_entities.as_str())];
    answer_plain_post(ChangeAccount::PATH, &changed, done, FormPage::posting(typed));
    changed.map(|action| action.done_message().to_owned())
}
