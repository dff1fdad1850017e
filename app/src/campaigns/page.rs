//! "Campagnes" in the administration: the agency's campaigns, and a new one: its year, type,
//! referential version, window and the contracts it covers (chosen by département and legal
//! entities), previewed before "Ouvrir la campagne" writes anything. Plain forms: they work
//! before and without the WASM.

use ecars_core::routes::{contract_href, CAMPAIGNS_PATH};
use ecars_core::vocabulary::ContractKind;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

use super::api::{campaigns_administration, OpenCampaign};
use super::opening::{
    opened_message, CampaignForm, CampaignPreview, CampaignRow, CampaignsAdministration, CoveredContract, OPENED_PARAM,
};
use crate::accounts::csrf::CsrfField;
use crate::administration::AdministrationMenu;
use crate::contracts::creation::VersionChoice;
use crate::layout::forms::{form_error, page_query, query_param, text_area_content, DoneNotice, FormRefusal};
use crate::layout::{when_loaded, Breadcrumb, ErrorNotice};
use crate::AppError;

#[component]
pub fn CampaignsPage() -> impl IntoView {
    if !crate::administration::viewer_administers_an_agency() {
        return view! { <ErrorNotice error=AppError::NotFound/> }.into_any();
    }
    let query = page_query();
    let form = CampaignForm::from_query(|name| query.get(name));
    let opened = query_param(OPENED_PARAM).get_untracked().and_then(|value| {
        let mut parts = value.splitn(3, ',');
        let (kind, year, count) = (parts.next()?, parts.next()?, parts.next()?);
        ContractKind::parse(kind)?;
        (year.parse::<i32>().is_ok() && count.parse::<usize>().is_ok()).then(|| opened_message(kind, year, count))
    });
    let data = Resource::new(
        {
            let form = form.clone();
            move || form.clone()
        },
        campaigns_administration,
    );
    view! {
        <Title text="Campagnes"/>
        <Breadcrumb crumbs=vec![("Administration".to_owned(), None), ("Campagnes".to_owned(), None)]/>
        <h1>"Campagnes"</h1>
        <AdministrationMenu current=CAMPAIGNS_PATH/>
        <DoneNotice message=opened/>
        {when_loaded(data, move |data| view! { <CampaignsAndForm data form=form.clone()/> })}
    }
    .into_any()
}

#[component]
fn CampaignsAndForm(data: CampaignsAdministration, form: CampaignForm) -> impl IntoView {
    let CampaignsAdministration { campaigns, versions, departements, preview } = data;
    view! {
        <CampaignList campaigns/>
        <h2 class="fr-h4 fr-mt-5w" id="nouvelle-campagne">"Nouvelle campagne"</h2>
        <p>
            "Une campagne ouvre, pour chaque contrat qu'elle couvre, l'auto-évaluation de son année à partir d'une "
            "version de référentiel. Chaque question reprend la valeur réalisée et le commentaire de la même "
            "question lors de l'évaluation précédente du contrat. Prévisualisez avant d'ouvrir : rien n'est écrit avant."
        </p>
        <PreviewForm versions departements form=form.clone()/>
        {preview.map(|preview| match preview {
            Ok(preview) => view! { <Preview preview form=form.clone()/> }.into_any(),
            Err(message) => view! { <FormRefusal message/> }.into_any(),
        })}
    }
}

#[component]
fn CampaignList(campaigns: Vec<CampaignRow>) -> impl IntoView {
    if campaigns.is_empty() {
        return view! { <p>"Aucune campagne ouverte pour l'instant."</p> }.into_any();
    }
    view! {
        <div class="fr-table">
            <table>
                <caption>{format!("{} campagne(s) de l'agence, les plus récentes d'abord", campaigns.len())}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Campagne"</th>
                        <th scope="col">"Référentiel"</th>
                        <th scope="col">"Période de saisie"</th>
                        <th scope="col">"Contrats"</th>
                        <th scope="col">"Saisies closes"</th>
                        <th scope="col">"Délai de réponse"</th>
                        <th scope="col">"Ouverte le"</th>
                    </tr>
                </thead>
                <tbody>
                    {campaigns.into_iter().map(|row| view! {
                        <tr>
                            <th scope="row">{format!("{} {}", row.kind.label(), row.year)}</th>
                            <td>{row.version}</td>
                            <td>{row.period}</td>
                            <td>{row.contracts}</td>
                            <td>{row.closed}</td>
                            <td>{format!("{} jours", row.reply_days)}</td>
                            <td>{format!("{} par {}", row.opened_at, row.opened_by)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// The campaign's fields, sent to this page (GET) to be previewed.
#[component]
fn PreviewForm(versions: Vec<VersionChoice>, departements: Vec<String>, form: CampaignForm) -> impl IntoView {
    let field = move |name: &'static str, id: &'static str, label: &'static str, kind: &'static str, value: String| {
        view! {
            <div class="fr-input-group">
                <label class="fr-label" for=id>{label}</label>
                <input class="fr-input" id=id name=name type=kind value=value required autocomplete="off"/>
            </div>
        }
    };
    let kind = if form.kind.is_empty() { ContractKind::Caqes.label().to_owned() } else { form.kind.clone() };
    view! {
        <form method="get" action=CAMPAIGNS_PATH class="fr-col-12 fr-col-md-8 fr-px-0">
            {field("year", "campagne-annee", "Année de la campagne", "number", form.year.clone())}
            <div class="fr-select-group">
                <label class="fr-label" for="campagne-type">"Type de contrat"</label>
                <select class="fr-select" id="campagne-type" name="kind">
                    {ContractKind::ALL.map(|choice| view! {
                        <option value=choice.label() selected=choice.label() == kind>{choice.label()}</option>
                    })}
                </select>
            </div>
            <div class="fr-select-group">
                <label class="fr-label" for="campagne-version">"Référentiel et version"</label>
                <select class="fr-select" id="campagne-version" name="version" required>
                    <option value="" disabled selected=form.version.is_empty()>"Choisir une version"</option>
                    {versions.into_iter().map(|choice| {
                        let value = choice.id.to_string();
                        let selected = value == form.version;
                        view! { <option value=value selected=selected>{choice.label}</option> }
                    }).collect_view()}
                </select>
            </div>
            {field("opens_on", "campagne-ouverture", "Ouverture de la saisie", "date", form.opens_on.clone())}
            {field("closes_on", "campagne-cloture", "Clôture de la saisie (dernier jour inclus)", "date", form.closes_on.clone())}
            <div class="fr-select-group">
                <label class="fr-label" for="campagne-departement">"Département"</label>
                <select class="fr-select" id="campagne-departement" name="departement">
                    <option value="" selected=form.departement.is_empty()>"Tous les départements de l'agence"</option>
                    {departements.into_iter().map(|code| {
                        let selected = code == form.departement;
                        view! { <option value=code.clone() selected=selected>{code.clone()}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="fr-input-group">
                <label class="fr-label" for="campagne-entites">
                    "Entités juridiques"
                    <span class="fr-hint-text">"Numéros FINESS séparés par des virgules ; vide : toutes celles de l'agence (du département choisi)."</span>
                </label>
                <textarea class="fr-input" id="campagne-entites" name="legal_entities" rows="2">{text_area_content(&form.legal_entities)}</textarea>
            </div>
            <div class="fr-input-group">
                <label class="fr-label" for="campagne-delai">
                    "Délai de réponse (jours)"
                    <span class="fr-hint-text">"Pour présenter ses observations sur l'évaluation provisoire de l'agence, à compter de sa consultation ; vide : 21 jours."</span>
                </label>
                <input class="fr-input" id="campagne-delai" name="reply_days" type="number" min="1" max="365"
                    inputmode="numeric" autocomplete="off" value=form.reply_days.clone()/>
            </div>
            <button class="fr-btn fr-btn--secondary" type="submit">"Prévisualiser la campagne"</button>
        </form>
    }
}

/// What "Ouvrir la campagne" would open, and the button that does it.
#[component]
fn Preview(preview: CampaignPreview, form: CampaignForm) -> impl IntoView {
    let open = ServerAction::<OpenCampaign>::new();
    let error = form_error(open);
    let CampaignPreview { year, kind, version, period, contracts, already_open } = preview;
    let count = contracts.len();
    view! {
        <section class="fr-mt-4w" aria-labelledby="apercu">
            <h2 class="fr-h5" id="apercu">{format!("Aperçu de la campagne {} {year}", kind.label())}</h2>
            <p>{format!("{version}. {period}.")}</p>
            {move || error.get().map(|error| view! { <FormRefusal message=error.to_string()/> })}
            <ContractTable caption=format!("{count} contrat(s) couvert(s)") contracts/>
            {(!already_open.is_empty()).then(|| view! {
                <ContractTable
                    caption=format!("{} contrat(s) laissé(s) de côté : ils ont déjà une évaluation {year}", already_open.len())
                    contracts=already_open/>
            })}
            {(count > 0).then(|| view! {
                <ActionForm action=open>
                    <CsrfField/>
                    {form.fields().into_iter().map(|(name, value)| view! {
                        <input type="hidden" name=format!("form[{name}]") value=value.to_owned()/>
                    }).collect_view()}
                    <button class="fr-btn" type="submit">
                        {format!("Ouvrir la campagne pour {count} contrat(s)")}
                    </button>
                </ActionForm>
            })}
        </section>
    }
}

#[component]
fn ContractTable(caption: String, contracts: Vec<CoveredContract>) -> impl IntoView {
    view! {
        <div class="fr-table">
            <table>
                <caption>{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Contrat"</th>
                        <th scope="col">"Entité juridique"</th>
                        <th scope="col">"Réponses reprises de"</th>
                    </tr>
                </thead>
                <tbody>
                    {contracts.into_iter().map(|row| view! {
                        <tr>
                            <th scope="row"><a href=contract_href(row.id)>{row.name}</a></th>
                            <td>{row.legal_entity.title()}</td>
                            <td>{row.previous_year.map_or_else(|| "—".to_owned(), |year| year.to_string())}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
