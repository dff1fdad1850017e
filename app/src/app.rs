//! The HTML shell and the router of the portal (its addresses are in `routes`).

use std::future::Future;

use ecars_core::routes::segment::*;
use ecars_core::routes::DSFR_DIR;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    ParamSegment, SsrMode, StaticSegment,
};

use crate::accounts::csrf::CsrfMeta;
use crate::accounts::{AccountPage, LoginPage, NewPasswordPage, RenewPasswordPage};
use crate::administration::{FinessImportPage, JournalPage};
use crate::agencies::AgenciesPage;
use crate::contacts::{ContactPage, ContactsPage};
use crate::contracts::{ContractEstablishmentsPage, ContractPage};
use crate::evaluation::{ClosingPage, IndicatorsPage, ReceiptPage};
use crate::layout::{ErrorNotice, Footer, Header};
use crate::legal_entities::{EstablishmentPage, HomePage, LegalEntityPage};
use crate::referentials::ReferentialsPage;
use crate::AppError;
use serde::{de::DeserializeOwned, Serialize};

/// The document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="fr" data-fr-scheme="light">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                // The two faces of Marianne every page shows, asked for before the CSS names them.
                <link rel="preload" href=format!("{DSFR_DIR}/fonts/Marianne-Regular.woff2") r#as="font" r#type="font/woff2" crossorigin="anonymous"/>
                <link rel="preload" href=format!("{DSFR_DIR}/fonts/Marianne-Bold.woff2") r#as="font" r#type="font/woff2" crossorigin="anonymous"/>
                // One stylesheet: the DSFR rules and icons the portal uses, then its own (style/portal-css.mjs).
                <HashedStylesheet options=options.clone() id="ecars"/>
                <HydrationScripts options islands=true/>
                <CsrfMeta/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    #[cfg(feature = "ssr")]
    content_security_policy();

    view! {
        <Title formatter=|page: String| format!("{page} - e-CARS")/>
        <Router>
            <Header/>
            <main id="contenu" class="fr-container fr-py-4w" tabindex="-1">
                <Routes fallback=|| view! { <ErrorNotice error=AppError::NotFound/> }>
                    // Async: the server sends complete pages, usable before (or without) the WASM.
                    <Route path=(StaticSegment(LOGIN),) view=LoginPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment(PASSWORD), StaticSegment(RENEW)) view=RenewPasswordPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment(PASSWORD), StaticSegment(NEW)) view=NewPasswordPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment(ACCOUNT),) view=AccountPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment(ACCESSIBILITY),) view=crate::public_service::AccessibilityPage/>
                    <Route path=(StaticSegment(LEGAL_NOTICE),) view=crate::public_service::LegalNoticePage/>
                    <Route path=(StaticSegment(PRIVACY),) view=crate::public_service::PrivacyPage/>
                    <Route path=(StaticSegment(SITE_MAP),) view=crate::public_service::SiteMapPage/>
                    <Route path=(StaticSegment(""),) view=HomePage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment(LEGAL_ENTITIES), ParamSegment("finess")) view=LegalEntityPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment(ESTABLISHMENTS), ParamSegment("id")) view=EstablishmentPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment(CONTRACTS), ParamSegment("id")) view=ContractPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment(CONTRACTS), ParamSegment("id"), StaticSegment(INDICATORS)) view=IndicatorsPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment(CONTRACTS), ParamSegment("id"), StaticSegment(INDICATORS), StaticSegment(PANEL)) view=crate::evaluation::QuestionPanelPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment(CONTRACTS), ParamSegment("id"), StaticSegment(APPRAISAL)) view=crate::appraisal::AppraisalPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment(CONTRACTS), ParamSegment("id"), StaticSegment(AGENCY_EVALUATION)) view=crate::appraisal::AgencyEvaluationPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment(CONTRACTS), ParamSegment("id"), StaticSegment(APPRAISAL), StaticSegment(PANEL)) view=crate::appraisal::AppraisalPanelPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment(CONTRACTS), ParamSegment("id"), StaticSegment(CLOSING)) view=ClosingPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment(CONTRACTS), ParamSegment("id"), StaticSegment(RECEIPT)) view=ReceiptPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment(CONTRACTS), ParamSegment("id"), StaticSegment(PRINTABLE)) view=crate::evaluation::printable::PrintablePage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment(CONTRACTS), ParamSegment("id"), StaticSegment(CONTACTS)) view=ContactsPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment(CONTRACTS), ParamSegment("id"), StaticSegment(CONTACTS), ParamSegment("contact")) view=ContactPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment(CONTRACTS), ParamSegment("id"), StaticSegment(ESTABLISHMENTS)) view=ContractEstablishmentsPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment(FOLLOW_UP),) view=crate::follow_up::FollowUpPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment(FOLLOW_UP), StaticSegment(CHARTS)) view=crate::follow_up::charts::FollowUpChartsPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment(ADMINISTRATION), StaticSegment(FINESS)) view=FinessImportPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment(ADMINISTRATION), StaticSegment(AGENCIES)) view=AgenciesPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment(ADMINISTRATION), StaticSegment(REFERENTIALS)) view=ReferentialsPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment(ADMINISTRATION), StaticSegment(JOURNAL)) view=JournalPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment(ADMINISTRATION), StaticSegment(CONTRACTS)) view=crate::contracts::AgencyContractsPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment(ADMINISTRATION), StaticSegment(CONTRACTS), ParamSegment("id")) view=crate::contracts::ContractEditionPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment(ADMINISTRATION), StaticSegment(CAMPAIGNS)) view=crate::campaigns::page::CampaignsPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment(ADMINISTRATION), StaticSegment(NATIONAL_VALUES)) view=crate::campaigns::NationalValuesPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment(ADMINISTRATION), StaticSegment(ACCOUNTS)) view=crate::accounts::AccountsPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment(ADMINISTRATION), StaticSegment(ACCOUNTS), ParamSegment("id")) view=crate::accounts::ManagedAccountPage ssr=SsrMode::Async/>
                </Routes>
            </main>
            <Footer/>
        </Router>
    }
}

/// Every page says where its scripts, styles and frames may come from: this site only, the inline
/// scripts Leptos writes with this response's nonce, and WebAssembly. Nothing may frame the portal.
#[cfg(feature = "ssr")]
fn content_security_policy() {
    let (Some(nonce), Some(response)) = (leptos::nonce::use_nonce(), use_context::<leptos_axum::ResponseOptions>())
    else {
        return;
    };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; \
         form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(policy) = axum::http::HeaderValue::from_str(&policy) {
        response.insert_header(axum::http::header::CONTENT_SECURITY_POLICY, policy);
    }
}

/// Lets users (and browser tests) know the page is interactive. Called by the browser entry
/// point; the islands it finds are hydrated right after, before any input is handled.
#[cfg(feature = "hydrate")]
pub fn mark_interactive() {
    if let Some(root) = document().document_element() {
        let _ = root.set_attribute("data-hydrated", "true");
    }
}

/// Called first by every island: in the browser, counts the islands hydrated so far on the page
/// (`data-islands-ready` on `<html>`). A lazy island (`#[island(lazy)]`, its code in a file of its
/// own) is hydrated once that file has arrived, after the page said it was interactive: browser
/// tests wait until the count reaches the page's islands.
pub fn island_ready() {
    #[cfg(feature = "hydrate")]
    if let Some(root) = document().document_element() {
        let ready = root.get_attribute("data-islands-ready").and_then(|count| count.parse::<u32>().ok());
        let _ = root.set_attribute("data-islands-ready", &(ready.unwrap_or(0) + 1).to_string());
    }
}

/// Loads what a `/contrats/:id/...` page shows; an `:id` that is not a number is "not found".
pub fn contract_resource<T, F, Fut>(fetch: F) -> Resource<Result<T, AppError>>
where
    T: Clone + Serialize + DeserializeOwned + Send + Sync + 'static,
    F: Fn(i32) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<T, AppError>> + Send + 'static,
{
    id_resource("id", fetch)
}

/// The same, with a number from query parameter `query` (`?annee=2023`), `None` when absent; one
/// that is not a number is "not found".
pub fn contract_resource_with<T, F, Fut>(query: &'static str, fetch: F) -> Resource<Result<T, AppError>>
where
    T: Clone + Serialize + DeserializeOwned + Send + Sync + 'static,
    F: Fn(i32, Option<i32>) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<T, AppError>> + Send + 'static,
{
    let number = match crate::layout::forms::page_query().get(query).filter(|value| !value.is_empty()) {
        None => Ok(None),
        Some(value) => value.parse::<i32>().map(Some).map_err(|_| AppError::NotFound),
    };
    contract_resource(move |id| {
        let (fetch, number) = (fetch.clone(), number.clone());
        async move { fetch(id, number?).await }
    })
}

/// Loads what the page of the record whose id is route parameter `param` shows.
pub fn id_resource<T, F, Fut>(param: &'static str, fetch: F) -> Resource<Result<T, AppError>>
where
    T: Clone + Serialize + DeserializeOwned + Send + Sync + 'static,
    F: Fn(i32) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<T, AppError>> + Send + 'static,
{
    let params = leptos_router::hooks::use_params_map();
    let id = Memo::new(move |_| params.read().get(param).and_then(|id| id.parse::<i32>().ok()));
    Resource::new(
        move || id.get(),
        move |id| {
            let fetch = fetch.clone();
            async move {
                match id {
                    Some(id) => fetch(id).await,
                    None => Err(AppError::NotFound),
                }
            }
        },
    )
}
