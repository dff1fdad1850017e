//! The frame around every page (DSFR header and footer) and the pieces pages share.

pub mod forms;
mod pagination;
pub mod requests;
#[cfg(feature = "ssr")]
pub mod sent_pages;

pub use pagination::{Page, Pagination};

use ecars_core::routes::{contract_href, login_href, HOME_PATH};
use leptos::prelude::*;
use serde::{de::DeserializeOwned, Serialize};

use crate::accounts::AccountMenu;
use crate::contracts::{ContractHeader, Phase};
use crate::AppError;

#[component]
pub fn Header() -> impl IntoView {
    // Rendered on the server only (no island): the session is at hand.
    #[cfg(feature = "ssr")]
    let (administration, follows) = crate::accounts::access::viewer()
        .ok()
        .map(|viewer| (administration_home(&viewer), viewer.steers_campaigns()))
        .unwrap_or_default();
    #[cfg(not(feature = "ssr"))]
    let (administration, follows): (Option<&'static str>, bool) = (None, false);
    view! {
        <div class="fr-skiplinks">
            <nav class="fr-container" aria-label="Accès rapide">
                <ul class="fr-skiplinks__list">
                    <li><a class="fr-link" href="#contenu">"Aller au contenu"</a></li>
                    <li><a class="fr-link" href="#pied-de-page">"Aller au pied de page"</a></li>
                </ul>
            </nav>
        </div>
        <header role="banner" class="fr-header">
            <div class="fr-header__body">
                <div class="fr-container">
                    <div class="fr-header__body-row">
                        <div class="fr-header__brand fr-enlarge-link">
                            <div class="fr-header__brand-top">
                                <div class="fr-header__logo">
                                    <p class="fr-logo">"Agence" <br/> "régionale" <br/> "de santé"</p>
                                </div>
                            </div>
                            <div class="fr-header__service">
                                <a href=HOME_PATH title="Accueil - Extranet e-CARS">
                                    <p class="fr-header__service-title">"Extranet e-CARS"</p>
                                </a>
                                <p class="fr-header__service-tagline">
                                    "Gestion électronique des contrats des ARS"
                                </p>
                            </div>
                        </div>
                        <AccountMenu/>
                    </div>
                </div>
            </div>
            <div class="fr-header__menu">
                <div class="fr-container">
                    <nav class="fr-nav" aria-label="Menu principal">
                        <ul class="fr-nav__list">
                            <li class="fr-nav__item">
                                <a class="fr-nav__link" href=HOME_PATH>"Accueil"</a>
                            </li>
                            {follows.then(|| view! {
                                <li class="fr-nav__item">
                                    <a class="fr-nav__link" href=ecars_core::routes::FOLLOW_UP_PATH>
                                        {crate::follow_up::dashboard::TITLE}
                                    </a>
                                </li>
                            })}
                            {administration.map(|href| view! {
                                <li class="fr-nav__item">
                                    <a class="fr-nav__link" href=href>"Administration"</a>
                                </li>
                            })}
                        </ul>
                    </nav>
                </div>
            </div>
        </header>
    }
}

/// Where "Administration" leads the viewer, if it has one: a national administrator's agencies,
/// an agency administrator's imports.
#[cfg(feature = "ssr")]
fn administration_home(viewer: &crate::accounts::access::Viewer) -> Option<&'static str> {
    if viewer.administers_agencies() {
        Some(ecars_core::routes::AGENCIES_PATH)
    } else {
        viewer.administers().map(|_| ecars_core::routes::FINESS_IMPORT_PATH)
    }
}

/// The support line and quality department of the viewer's agency, the portal's operator's
/// before login or for an account of no agency; then the footer's pages and the state of
/// accessibility.
#[component]
pub fn Footer() -> impl IntoView {
    #[cfg(feature = "ssr")]
    let agency = crate::accounts::access::viewer().ok().and_then(|viewer| viewer.agency);
    #[cfg(not(feature = "ssr"))]
    let agency: Option<crate::agencies::AgencyContacts> = None;
    let operator = crate::public_service::operator();
    let (support_email, support_phone, quality_email) = match agency {
        Some(agency) => (agency.support_email, agency.support_phone, agency.quality_email),
        None => (operator.support_email, operator.support_phone, operator.quality_email),
    };
    view! {
        <footer class="fr-footer" role="contentinfo" id="pied-de-page">
            <div class="fr-container">
                <div class="fr-footer__body">
                    <div class="fr-footer__brand">
                        <p class="fr-logo">"Agence" <br/> "régionale" <br/> "de santé"</p>
                    </div>
                    <div class="fr-footer__content">
                        <p class="fr-footer__content-desc">
                            "Un problème technique (accès, message d'erreur) ou d'utilisation ? "
                            "Écrivez au support e-CARS en précisant le problème, le contrat concerné, "
                            "votre identifiant et un numéro où vous rappeler : "
                            <a href=format!("mailto:{support_email}")>{support_email.clone()}</a>
                            ", ou appelez l'équipe support au "
                            <a href=crate::agencies::tel_href(&support_phone)>{support_phone.clone()}</a> "."
                        </p>
                        <p class="fr-footer__content-desc">
                            "Une question d'ordre métier : "
                            <a href=format!("mailto:{quality_email}")>{quality_email.clone()}</a>
                        </p>
                    </div>
                </div>
                <div class="fr-footer__bottom">
                    <ul class="fr-footer__bottom-list">
                        {crate::public_service::footer_links().map(|(label, href)| view! {
                            <li class="fr-footer__bottom-item">
                                <a class="fr-footer__bottom-link" href=href>{label}</a>
                            </li>
                        })}
                    </ul>
                    <div class="fr-footer__bottom-copy">
                        <p>{format!("{} - e-CARS, gestion électronique des contrats des ARS", operator.name)}</p>
                    </div>
                </div>
            </div>
        </footer>
    }
}

/// "Accueil > 380780080 - CHU DE GRENOBLE ALPES > CAQES TEST > ...": the last crumb is the current page.
#[component]
pub fn Breadcrumb(crumbs: Vec<(String, Option<String>)>) -> impl IntoView {
    view! {
        <nav class="fr-breadcrumb breadcrumb" aria-label="Vous êtes ici :">
            <ol class="fr-breadcrumb__list">
                <li><a class="fr-breadcrumb__link" href=HOME_PATH>"Accueil"</a></li>
                {crumbs
                    .into_iter()
                    .map(|(label, href)| match href {
                        Some(href) => view! { <li><a class="fr-breadcrumb__link" href=href>{label}</a></li> }.into_any(),
                        None => view! { <li><a class="fr-breadcrumb__link" aria-current="page">{label}</a></li> }.into_any(),
                    })
                    .collect_view()}
            </ol>
        </nav>
    }
}

/// Title, breadcrumb and phase banner of the contract page (`page` = None) or of a page under it.
#[component]
pub fn ContractPageTop(contract: ContractHeader, #[prop(optional)] page: Option<&'static str>) -> impl IntoView {
    let title = match page {
        Some(page) => format!("{page} - {}", contract.name),
        None => contract.name.clone(),
    };
    view! {
        <leptos_meta::Title text=title/>
        <Breadcrumb crumbs=contract_crumbs(&contract, page)/>
        <PhaseBanner phase=contract.phase/>
        <p class="evaluation-year">{format!("Évaluation {}", contract.year)}</p>
        {contract.window.map(|window| view! { <EntryWindow window phase=contract.phase/> })}
    }
}

/// "Saisie ouverte du ... au ...", and why nothing can be changed outside it (in Consultation
/// the banner already says so).
#[component]
fn EntryWindow(window: crate::campaigns::WindowNotice, phase: Phase) -> impl IntoView {
    let refusal = (phase == Phase::AutoEvaluation).then(|| window.refusal()).flatten();
    view! {
        <p class="entry-window">{window.period()}</p>
        {refusal.map(|refusal| view! {
            <div class="fr-alert fr-alert--warning fr-alert--sm fr-mb-3w" role="status">
                <p>{refusal}</p>
            </div>
        })}
    }
}

#[component]
pub fn BackToContract(id: i32) -> impl IntoView {
    view! {
        <p>
            <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href=contract_href(id)>
                "Retour vers le contrat"
            </a>
        </p>
    }
}

/// Crumbs down to a contract page: legal entity, contract, then `current` if any.
fn contract_crumbs(contract: &ContractHeader, current: Option<&str>) -> Vec<(String, Option<String>)> {
    let mut crumbs = vec![(contract.legal_entity.title(), Some(contract.legal_entity.href()))];
    match current {
        Some(current) => {
            crumbs.push((contract.name.clone(), Some(contract_href(contract.id))));
            crumbs.push((current.to_owned(), None));
        }
        None => crumbs.push((contract.name.clone(), None)),
    }
    crumbs
}

/// The blue (Auto-Evaluation) or grey (Consultation) band on top of every contract page.
#[component]
fn PhaseBanner(phase: Phase) -> impl IntoView {
    view! {
        <p class=format!("phase-banner phase-banner--{}", phase.css_modifier())>
            <span class="fr-sr-only">"Etat en cours : "</span>
            {phase.label()}
        </p>
    }
}

/// Tells the user what went wrong, as the page's title too.
#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    view! {
        <leptos_meta::Title text=error_title(&error)/>
        <ErrorAlert error reference=request_reference()/>
    }
}

/// The id of the request being answered, for the support (pages are drawn on the server only).
fn request_reference() -> Option<String> {
    #[cfg(feature = "ssr")]
    return use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.headers.get(ecars_core::routes::REQUEST_ID_HEADER)?.to_str().ok().map(str::to_owned));
    #[cfg(not(feature = "ssr"))]
    None
}

fn error_title(error: &AppError) -> &'static str {
    match error {
        AppError::NotFound => "Page introuvable",
        AppError::Unauthenticated => "Session expirée",
        _ => "Erreur",
    }
}

/// The alert of [`ErrorNotice`], without the page title: islands use it (in the browser they
/// have neither router nor page head). On the server, also sets the HTTP status of the page.
#[component]
pub fn ErrorAlert(
    error: AppError,
    /// The request's id, that the user may quote to the support (pages only).
    #[prop(optional_no_strip)]
    reference: Option<String>,
) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(
            axum::http::StatusCode::from_u16(error.status_code())
                .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR),
        );
    }
    // After a session ends, offer to log in again and come back here.
    let back = match error {
        AppError::Unauthenticated => {
            view! { <a href=login_href(&forms::page_address())>"Se reconnecter"</a> }.into_any()
        }
        _ => view! { <a href=HOME_PATH>"Retour à la gestion des contrats"</a> }.into_any(),
    };
    view! {
        <div class="fr-alert fr-alert--error" role="alert">
            <h2 class="fr-alert__title">{error_title(&error)}</h2>
            <p>{error.to_string()}</p>
            <p>{back}</p>
            {reference
                .map(|id| {
                    view! {
                        <p class="fr-text--sm fr-mb-0">
                            "Référence de la demande, à donner au support : " <code>{id}</code>
                        </p>
                    }
                })}
        </div>
    }
}

/// Shows `render(data)` once the resource has loaded, or what went wrong.
pub fn when_loaded<T, V>(
    resource: Resource<Result<T, AppError>>,
    render: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Serialize + DeserializeOwned + Send + Sync + 'static,
    V: IntoView + 'static,
{
    view! {
        <Suspense fallback=|| view! { <p role="status">"Chargement…"</p> }>
            {move || {
                let render = render.clone();
                Suspend::new(async move {
                    match resource.await {
                        Ok(data) => render(data).into_any(),
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// A value of a contract field, or a discreet mention that it is empty.
pub fn field_value(value: Option<String>) -> impl IntoView {
    match value {
        Some(value) if !value.is_empty() => view! { <span>{value}</span> }.into_any(),
        _ => view! { <span class="field-empty">"Non renseigné"</span> }.into_any(),
    }
}
