//! "Comptes": the agency's accounts, searched by identifier, the form that invites a user, and
//! the page of one account with what an administrator may do to it. Plain forms: they work before
//! and without the WASM.

use ecars_core::routes::{legal_entity_href, managed_account_href, ACCOUNTS_PATH};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

use super::management::{
    AccountAction, AccountRow, AccountsList, DONE_PARAM, INVITABLE_ROLES, INVITED_PARAM, LISTED_ACCOUNTS, SEARCH_PARAM,
    SHARED_ACCOUNT,
};
use super::management_api::{invited_message, ChangeAccount, InviteUser};
use crate::accounts::csrf::CsrfField;
use crate::administration::AdministrationMenu;
use crate::layout::forms::{form_error, query_param, text_area_content, DoneNotice, FormRefusal, SearchForm};
use crate::layout::{when_loaded, Breadcrumb, ErrorNotice};
use crate::AppError;

fn breadcrumb(account: Option<String>) -> impl IntoView {
    let mut crumbs = vec![("Administration".to_owned(), None)];
    match account {
        Some(email) => {
            crumbs.push(("Comptes".to_owned(), Some(ACCOUNTS_PATH.to_owned())));
            crumbs.push((email, None));
        }
        None => crumbs.push(("Comptes".to_owned(), None)),
    }
    view! { <Breadcrumb crumbs/> }
}

#[component]
pub fn AccountsPage() -> impl IntoView {
    if !crate::administration::viewer_administers_an_agency() {
        return view! { <ErrorNotice error=AppError::NotFound/> }.into_any();
    }
    let search = query_param(SEARCH_PARAM).get_untracked().unwrap_or_default();
    let invited = query_param(INVITED_PARAM).get_untracked().map(|email| invited_message(&email));
    let accounts = Resource::new(
        {
            let search = search.clone();
            move || search.clone()
        },
        super::management_api::agency_accounts,
    );
    view! {
        <Title text="Comptes"/>
        {breadcrumb(None)}
        <h1>"Comptes"</h1>
        <AdministrationMenu current=ACCOUNTS_PATH/>
        <crate::layout::forms::DoneNotice message=invited/>
        <SearchForm action=ACCOUNTS_PATH param=SEARCH_PARAM label="Rechercher un compte"
            hint="Tout ou partie de l'identifiant (adresse email)" button="Rechercher" value=search/>
        {when_loaded(accounts, |list| view! { <AccountTable list/> })}
        <InvitationForm/>
    }
    .into_any()
}

fn entities_cell(account: &AccountRow) -> String {
    if account.legal_entities.is_empty() {
        return "—".to_owned();
    }
    account.legal_entities.iter().map(|entity| entity.title()).collect::<Vec<_>>().join(" ; ")
}

#[component]
fn AccountTable(list: AccountsList) -> impl IntoView {
    let AccountsList { accounts, matching } = list;
    if accounts.is_empty() {
        return view! { <p>"Aucun compte ne correspond à la recherche."</p> }.into_any();
    }
    let caption = if matching > LISTED_ACCOUNTS {
        format!("{} compte(s) affiché(s) sur {matching} : affinez la recherche pour voir les autres", accounts.len())
    } else {
        format!("{matching} compte(s)")
    };
    view! {
        <div class="fr-table">
            <table>
                <caption>{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Identifiant"</th>
                        <th scope="col">"Profil"</th>
                        <th scope="col">"Entités juridiques"</th>
                        <th scope="col">"Dernière connexion"</th>
                        <th scope="col">"État"</th>
                    </tr>
                </thead>
                <tbody>
                    {accounts.into_iter().map(|account| {
                        let entities = entities_cell(&account);
                        let state = account.state();
                        view! {
                            <tr>
                                <th scope="row"><a href=managed_account_href(account.id)>{account.email}</a></th>
                                <td>{account.role.label()}</td>
                                <td>{entities}</td>
                                <td>{account.last_login.unwrap_or_else(|| "Jamais".to_owned())}</td>
                                <td>{state}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// What was typed in field `name` before a refused plain post.
fn typed(name: &'static str) -> String {
    query_param(name).get_untracked().unwrap_or_default()
}

#[component]
fn InvitationForm() -> impl IntoView {
    let invite = ServerAction::<InviteUser>::new();
    let error = form_error(invite);
    let role = typed("role");
    view! {
        <h2 class="fr-h4 fr-mt-5w" id="inviter">"Inviter un utilisateur"</h2>
        <p>
            "Le compte est créé aussitôt ; l'utilisateur reçoit par email son identifiant et un mot de passe "
            "initial, qu'il change à sa première connexion."
        </p>
        {move || error.get().map(|error| view! { <FormRefusal message=error.to_string()/> })}
        <ActionForm action=invite attr:class="fr-col-12 fr-col-md-8 fr-px-0">
            <CsrfField/>
            <div class="fr-input-group">
                <label class="fr-label" for="invitation-email">
                    "Adresse email"
                    <span class="fr-hint-text">"Elle sera son identifiant"</span>
                </label>
                <input class="fr-input" id="invitation-email" name="email" type="email" value=typed("email")
                    required autocomplete="off" spellcheck="false"/>
            </div>
            <div class="fr-select-group">
                <label class="fr-label" for="invitation-role">"Profil"</label>
                <select class="fr-select" id="invitation-role" name="role" required>
                    <option value="" disabled selected=role.is_empty()>"Choisir un profil"</option>
                    {INVITABLE_ROLES.map(|choice| view! {
                        <option value=choice.as_str() selected=choice.as_str() == role>{choice.label()}</option>
                    })}
                </select>
            </div>
            <div class="fr-input-group">
                <label class="fr-label" for="invitation-entites">
                    "Entités juridiques"
                    <span class="fr-hint-text">
                        "Numéros FINESS, un par ligne : celles auxquelles un utilisateur d'établissement est rattaché, "
                        "ou que suit un référent. Aucune pour un administrateur."
                    </span>
                </label>
                <textarea class="fr-input" id="invitation-entites" name="legal_entities" rows="3"
                    spellcheck="false">{text_area_content(typed("legal_entities"))}</textarea>
            </div>
            <button class="fr-btn" type="submit">"Inviter l'utilisateur"</button>
        </ActionForm>
    }
}

#[component]
pub fn ManagedAccountPage() -> impl IntoView {
    if !crate::administration::viewer_administers_an_agency() {
        return view! { <ErrorNotice error=AppError::NotFound/> }.into_any();
    }
    let account = crate::app::id_resource("id", super::management_api::managed_account);
    let done = query_param(DONE_PARAM).get_untracked().and_then(|code| AccountAction::parse(&code));
    view! {
        {when_loaded(account, move |account| view! { <AccountView account done/> })}
    }
    .into_any()
}

#[component]
fn AccountView(account: AccountRow, done: Option<AccountAction>) -> impl IntoView {
    let change = ServerAction::<ChangeAccount>::new();
    let error = form_error(change);
    let state = account.state();
    let entities_typed = query_param("legal_entities").get_untracked().unwrap_or_else(|| account.finess_text());
    let buttons: Vec<AccountAction> =
        [AccountAction::ResendInvitation, AccountAction::Unlock, AccountAction::Deactivate, AccountAction::Reactivate]
            .into_iter()
            .filter(|action| action.applies_to(&account))
            .collect();
    let id = account.id;
    view! {
        <Title text=format!("Compte {}", account.email)/>
        {breadcrumb(Some(account.email.clone()))}
        <h1>{format!("Compte {}", account.email)}</h1>
        <AdministrationMenu current=ACCOUNTS_PATH/>
        <DoneNotice message=done.map(|action| action.done_message().to_owned())/>
        {move || error.get().map(|error| view! { <FormRefusal message=error.to_string()/> })}
        {account.shared.then(|| view! {
            <div class="fr-alert fr-alert--info fr-alert--sm fr-mb-3w"><p>{SHARED_ACCOUNT}</p></div>
        })}
        <dl class="fields">
            <div><dt>"Identifiant :"</dt><dd>{account.email.clone()}</dd></div>
            <div><dt>"Profil :"</dt><dd>{account.role.label()}</dd></div>
            <div><dt>"Dernière connexion :"</dt><dd>{account.last_login.clone().unwrap_or_else(|| "Jamais".to_owned())}</dd></div>
            <div><dt>"État :"</dt><dd>{state}</dd></div>
            <div>
                <dt>{format!("{} :", account.role.entities_label())}</dt>
                <dd>
                    {if account.legal_entities.is_empty() {
                        view! { "Aucune" }.into_any()
                    } else {
                        view! {
                            <ul>
                                {account.legal_entities.iter().map(|entity| view! {
                                    <li><a href=legal_entity_href(&entity.finess)>{entity.title()}</a></li>
                                }).collect_view()}
                            </ul>
                        }
                        .into_any()
                    }}
                </dd>
            </div>
        </dl>
        {AccountAction::ChangeEntities.applies_to(&account).then(move || view! {
            <h2 class="fr-h5 fr-mt-4w">{account.role.entities_label()}</h2>
            <ActionForm action=change attr:class="fr-col-12 fr-col-md-8 fr-px-0">
                <CsrfField/>
                <input type="hidden" name="id" value=id.to_string()/>
                <input type="hidden" name="action" value=AccountAction::ChangeEntities.code()/>
                <div class="fr-input-group">
                    <label class="fr-label" for="compte-entites">
                        "Numéros FINESS des entités juridiques"
                        <span class="fr-hint-text">"Un par ligne ; celles d'autres agences ne changent pas."</span>
                    </label>
                    <textarea class="fr-input" id="compte-entites" name="legal_entities" rows="4"
                        spellcheck="false">{text_area_content(entities_typed)}</textarea>
                </div>
                <button class="fr-btn fr-btn--secondary" type="submit">{AccountAction::ChangeEntities.label()}</button>
            </ActionForm>
        })}
        <h2 class="fr-h5 fr-mt-4w">"Actions"</h2>
        <ul class="fr-btns-group fr-btns-group--inline-md">
            {buttons.into_iter().map(move |action| view! {
                <li>
                    <ActionForm action=change>
                        <CsrfField/>
                        <input type="hidden" name="id" value=id.to_string()/>
                        <input type="hidden" name="action" value=action.code()/>
                        <button class=if action == AccountAction::Deactivate { "fr-btn fr-btn--tertiary" } else { "fr-btn fr-btn--secondary" }
                            type="submit">{action.label()}</button>
                    </ActionForm>
                </li>
            }).collect_view()}
        </ul>
        <p><a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href=ACCOUNTS_PATH>"Retour aux comptes"</a></p>
    }
}
