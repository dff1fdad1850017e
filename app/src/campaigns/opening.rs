//! "Ouvrir la campagne": the form and its rules (shared, plain Rust), what the Campagnes page
//! shows, and behind `ssr` the service that previews the contracts a campaign covers and opens
//! each one's evaluation of the year in one transaction, with last year's answers by question code.

use serde::{Deserialize, Serialize};

use crate::contracts::creation::{day, parse_evaluation_year, Day, VersionChoice};
use crate::legal_entities::finess::parse_finess_list;
use crate::legal_entities::LegalEntityRef;
use ecars_core::vocabulary::ContractKind;

/// A campaign covers at most this many legal entities named one by one.
pub const MAX_NAMED_ENTITIES: usize = 1000;

/// Query parameter of the Campagnes page once a campaign is opened: "year,kind,count".
pub const OPENED_PARAM: &str = "ouverte";

/// The campaign form as typed (dates as `AAAA-MM-JJ`); also the preview's address.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignForm {
    pub year: String,
    pub kind: String,
    pub version: String,
    pub opens_on: String,
    pub closes_on: String,
    pub departement: String,
    pub legal_entities: String,
}

impl CampaignForm {
    /// Each field by its name in the form and the address.
    pub fn fields(&self) -> [(&'static str, &str); 7] {
        [
            ("year", self.year.as_str()),
            ("kind", self.kind.as_str()),
            ("version", self.version.as_str()),
            ("opens_on", self.opens_on.as_str()),
            ("closes_on", self.closes_on.as_str()),
            ("departement", self.departement.as_str()),
            ("legal_entities", self.legal_entities.as_str()),
        ]
    }

    /// The form of an address, its parameters given by `value`.
    pub fn from_query(value: impl Fn(&str) -> Option<String>) -> Self {
        let field = |name: &str| value(name).unwrap_or_default().chars().take(20_000).collect();
        CampaignForm {
            year: field("year"),
            kind: field("kind"),
            version: field("version"),
            opens_on: field("opens_on"),
            closes_on: field("closes_on"),
            departement: field("departement"),
            legal_entities: field("legal_entities"),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.fields().iter().all(|(_, value)| value.trim().is_empty())
    }
}

/// A campaign to open, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCampaign {
    pub year: i32,
    pub kind: ContractKind,
    pub version_id: i32,
    pub opens_on: Day,
    pub closes_on: Day,
    /// Only the legal entities of this département (its FINESS numbers start with it).
    pub departement: Option<String>,
    /// Only these legal entities (FINESS numbers); all of them when empty.
    pub legal_entities: Vec<String>,
}

impl NewCampaign {
    /// The form checked against the agency's `departements`, or the first thing wrong, in French.
    pub fn parse(form: &CampaignForm, departements: &[String]) -> Result<Self, String> {
        let year = parse_evaluation_year(&form.year)?;
        let kind = ContractKind::parse(&form.kind).ok_or("Choisissez le type de contrat : CAQES ou CPOM.")?;
        let version_id = form.version.trim().parse::<i32>().map_err(|_| {
            "Choisissez le référentiel de la campagne (importez-en un d'abord dans « Référentiels d'indicateurs »)."
                .to_owned()
        })?;
        let opens_on =
            day(&form.opens_on, "la date d'ouverture")?.ok_or("Indiquez la date d'ouverture de la saisie.")?;
        let closes_on =
            day(&form.closes_on, "la date de clôture")?.ok_or("Indiquez la date de clôture de la saisie.")?;
        if closes_on < opens_on {
            return Err("La date de clôture de la saisie précède sa date d'ouverture.".to_owned());
        }
        let departement = match form.departement.trim() {
            "" => None,
            code if departements.iter().any(|own| own == code) => Some(code.to_owned()),
            code => {
                return Err(format!(
                    "Le département « {} » n'est pas un de ceux de l'agence.",
                    code.chars().take(10).collect::<String>()
                ))
            }
        };
        let legal_entities = parse_finess_list(&form.legal_entities, MAX_NAMED_ENTITIES, "entités juridiques")?;
        Ok(NewCampaign { year, kind, version_id, opens_on, closes_on, departement, legal_entities })
    }
}

/// A contract a campaign covers, as its preview lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoveredContract {
    pub id: i32,
    pub name: String,
    pub legal_entity: LegalEntityRef,
    /// The year last year's answers come from, if it has an earlier evaluation.
    pub previous_year: Option<i32>,
}

/// What "Ouvrir la campagne" would do, before it does it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignPreview {
    pub year: i32,
    pub kind: ContractKind,
    pub version: String,
    /// "Saisie ouverte du 02/05/2023 au 30/06/2023".
    pub period: String,
    pub contracts: Vec<CoveredContract>,
    /// Matching contracts left out: they already have an evaluation of the year.
    pub already_open: Vec<CoveredContract>,
}

/// A campaign of the agency, as the Campagnes page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignRow {
    pub id: i32,
    pub year: i32,
    pub kind: ContractKind,
    pub version: String,
    pub period: String,
    pub contracts: u64,
    pub closed: u64,
    pub opened_at: String,
    pub opened_by: String,
}

/// The Campagnes page: the agency's campaigns, what a new one can be made of, and its preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignsAdministration {
    pub campaigns: Vec<CampaignRow>,
    pub versions: Vec<VersionChoice>,
    pub departements: Vec<String>,
    /// The preview of the form in the address, or why it cannot be opened.
    pub preview: Option<Result<CampaignPreview, String>>,
}

/// "Campagne CAQES 2024 ouverte pour 3 contrat(s)."
pub fn opened_message(kind: &str, year: &str, count: &str) -> String {
    format!("Campagne {kind} {year} ouverte pour {count} contrat(s).")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> CampaignForm {
        CampaignForm {
            year: "2024".into(),
            kind: "CAQES".into(),
            version: "3".into(),
            opens_on: "2024-05-02".into(),
            closes_on: "2024-06-30".into(),
            departement: "38".into(),
            legal_entities: "380780080, 380780080".into(),
        }
    }

    #[test]
    fn a_campaign_form_is_checked_field_by_field() {
        let own = ["38".to_owned(), "69".to_owned()];
        let campaign = NewCampaign::parse(&form(), &own).unwrap();
        assert_eq!((campaign.year, campaign.kind, campaign.version_id), (2024, ContractKind::Caqes, 3));
        assert_eq!(campaign.departement.as_deref(), Some("38"));
        assert_eq!(campaign.legal_entities, ["380780080"]);
        let refused = |change: fn(&mut CampaignForm), says: &str| {
            let mut typed = form();
            change(&mut typed);
            let message = NewCampaign::parse(&typed, &own).unwrap_err();
            assert!(message.contains(says), "{message}");
        };
        refused(|f| f.closes_on = "2024-05-01".into(), "précède sa date d'ouverture");
        refused(|f| f.closes_on = String::new(), "date de clôture");
        refused(|f| f.opens_on = "2024-02-30".into(), "n'est pas une date valide");
        refused(|f| f.version = String::new(), "importez-en un d'abord");
        refused(|f| f.kind = "AUTRE".into(), "CAQES ou CPOM");
        refused(|f| f.year = "1999".into(), "entre 2000 et 2100");
        refused(|f| f.departement = "21".into(), "n'est pas un de ceux de l'agence");
        refused(|f| f.legal_entities = "12".into(), "n'est pas un numéro FINESS");
        // The same day for both is a one-day window.
        let mut one_day = form();
        one_day.closes_on = one_day.opens_on.clone();
        assert!(NewCampaign::parse(&one_day, &own).is_ok());
    }

    #[test]
    fn the_form_comes_back_from_its_own_address() {
        let typed = form();
        let query: Vec<(String, String)> =
            typed.fields().iter().map(|(name, value)| ((*name).to_owned(), (*value).to_owned())).collect();
        let back = CampaignForm::from_query(|name| query.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()));
        assert_eq!(back, typed);
        assert!(CampaignForm::default().is_empty());
    }
}

#[cfg(feature = "ssr")]
pub mod server {
    use std::collections::HashMap;

    use chrono::NaiveDate;
    use sea_orm::{
        ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
        QueryOrder, QuerySelect, Set, SqlErr,
    };

    use super::{CampaignPreview, CampaignRow, CampaignsAdministration, CoveredContract, NewCampaign};
    use crate::accounts::directory::emails_by_id;
    use crate::audit::{self, Actor, Entry};
    use crate::campaigns::window::server::Window;
    use crate::contracts::creation::{Day, VersionChoice};
    use crate::db::entities::{answer, campaign, contract, evaluation, indicator, legal_entity};
    use crate::db::{begin_write, french_date_time};
    use crate::evaluation::years::server::{self as years, NewEvaluation, PreviousAnswer};
    use crate::legal_entities::LegalEntityRef;
    use crate::AppError;
    use ecars_core::vocabulary::ChangeKind;
    use ecars_core::vocabulary::Phase;

    fn date(day: Day) -> NaiveDate {
        NaiveDate::from_ymd_opt(day.year, day.month, day.day).unwrap_or_default()
    }

    fn window(new: &NewCampaign) -> Window {
        Window { opens_on: date(new.opens_on), closes_on: date(new.closes_on), extended_until: None }
    }

    /// The contracts of the agency a campaign would cover, with their legal entity, and whether
    /// each already has an evaluation of the year.
    async fn coverage(
        db: &impl ConnectionTrait,
        agency_id: i32,
        new: &NewCampaign,
    ) -> Result<(Vec<(contract::Model, legal_entity::Model)>, HashMap<i32, Vec<i32>>), AppError> {
        let mut entities = legal_entity::Entity::find().filter(legal_entity::Column::AgencyId.eq(agency_id));
        if let Some(departement) = &new.departement {
            entities = entities.filter(legal_entity::Column::Finess.starts_with(departement.as_str()));
        }
        if !new.legal_entities.is_empty() {
            entities = entities.filter(legal_entity::Column::Finess.is_in(new.legal_entities.iter().cloned()));
        }
        let entities: HashMap<i32, legal_entity::Model> =
            entities.all(db).await?.into_iter().map(|entity| (entity.id, entity)).collect();
        if entities.len() < new.legal_entities.len() {
            return Err(AppError::Invalid(
                "Une des entités juridiques indiquées n'est pas de l'agence, ou pas de ce département : vérifiez les numéros FINESS."
                    .to_owned(),
            ));
        }
        let contracts = contract::Entity::find()
            .filter(contract::Column::LegalEntityId.is_in(entities.keys().copied()))
            .filter(contract::Column::Kind.eq(new.kind))
            .order_by_asc(contract::Column::Name)
            .order_by_asc(contract::Column::Id)
            .all(db)
            .await?;
        // Each contract's years, to tell those already open and where last year's answers are.
        let mut years_of: HashMap<i32, Vec<i32>> = HashMap::new();
        let rows: Vec<(i32, i32)> = evaluation::Entity::find()
            .select_only()
            .columns([evaluation::Column::ContractId, evaluation::Column::Year])
            .filter(evaluation::Column::ContractId.is_in(contracts.iter().map(|contract| contract.id)))
            .into_tuple()
            .all(db)
            .await?;
        for (contract_id, year) in rows {
            years_of.entry(contract_id).or_default().push(year);
        }
        let covered = contracts
            .into_iter()
            .filter_map(|contract| {
                let entity = entities.get(&contract.legal_entity_id)?.clone();
                Some((contract, entity))
            })
            .collect();
        Ok((covered, years_of))
    }

    fn covered_row(
        contract: &contract::Model,
        entity: &legal_entity::Model,
        years: &[i32],
        year: i32,
    ) -> CoveredContract {
        CoveredContract {
            id: contract.id,
            name: contract.name.clone(),
            legal_entity: LegalEntityRef { finess: entity.finess.clone(), name: entity.name.clone() },
            previous_year: years.iter().copied().filter(|earlier| *earlier < year).max(),
        }
    }

    /// What opening `new` would do: the contracts it covers and those it leaves out.
    pub async fn preview(
        db: &impl ConnectionTrait,
        agency_id: i32,
        new: &NewCampaign,
    ) -> Result<CampaignPreview, AppError> {
        let (version, referential) = crate::referentials::service::agency_version(db, agency_id, new.version_id)
            .await?
            .ok_or_else(|| AppError::Invalid("Ce référentiel n'existe pas, ou n'est pas de l'agence.".to_owned()))?;
        let (covered, years_of) = coverage(db, agency_id, new).await?;
        let mut contracts = Vec::new();
        let mut already_open = Vec::new();
        for (contract, entity) in &covered {
            let years = years_of.get(&contract.id).map(Vec::as_slice).unwrap_or_default();
            let row = covered_row(contract, entity, years, new.year);
            if years.contains(&new.year) {
                already_open.push(row);
            } else {
                contracts.push(row);
            }
        }
        Ok(CampaignPreview {
            year: new.year,
            kind: new.kind,
            version: crate::referentials::version_label(&referential.name, version.number),
            period: window(new).notice(date(new.opens_on)).period(),
            contracts,
            already_open,
        })
    }

    /// Nothing to open: why, in French.
    fn nothing_to_open(preview: &CampaignPreview) -> AppError {
        AppError::Invalid(match preview.already_open.len() {
            0 => format!("Aucun contrat {} ne correspond à ce choix : la campagne ne couvrirait rien.", preview.kind.label()),
            count => format!(
                "La campagne {} {} est déjà ouverte pour ces contrats : les {count} contrat(s) choisis ont déjà une évaluation {}.",
                preview.kind.label(),
                preview.year,
                preview.year
            ),
        })
    }

    /// "Ouvrir la campagne": in one transaction, the campaign and, for each contract it covers
    /// that has no evaluation of the year yet, that evaluation, its tree copied from the
    /// campaign's referential version and each question given the achieved value and comment of
    /// the same code in the contract's latest earlier year. All or nothing. Returns the campaign
    /// and how many evaluations it opened.
    pub async fn open(
        db: &DatabaseConnection,
        agency_id: i32,
        actor: &Actor,
        new: &NewCampaign,
    ) -> Result<(campaign::Model, usize), AppError> {
        let nodes = crate::referentials::service::nodes(db, new.version_id).await?;
        let txn = begin_write(db).await?;
        // Previewed again inside the transaction: what it writes is what it checked.
        let preview = preview(&txn, agency_id, new).await?;
        if preview.contracts.is_empty() {
            return Err(nothing_to_open(&preview));
        }
        if nodes.is_empty() {
            return Err(AppError::Invalid("Ce référentiel n'a aucun indicateur.".to_owned()));
        }
        let opened = campaign::ActiveModel {
            agency_id: Set(agency_id),
            year: Set(new.year),
            kind: Set(new.kind),
            referential_version_id: Set(new.version_id),
            opens_on: Set(date(new.opens_on)),
            closes_on: Set(date(new.closes_on)),
            departement: Set(new.departement.clone()),
            legal_entities: Set((!new.legal_entities.is_empty()).then(|| new.legal_entities.join(", "))),
            opened_at: Set(chrono::Utc::now()),
            opened_by: Set(actor.id),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let previous = previous_answers(&txn, &preview.contracts, new.year).await?;
        let empty = HashMap::new();
        for contract in &preview.contracts {
            let evaluation = NewEvaluation {
                contract_id: contract.id,
                year: new.year,
                version_id: new.version_id,
                nodes: &nodes,
                campaign_id: Some(opened.id),
                window: Some((date(new.opens_on), date(new.closes_on))),
                previous: previous.get(&contract.id).unwrap_or(&empty),
            };
            if let Err(error) = years::create(&txn, evaluation).await {
                // Another opening of the same year got there first: nothing of this one stays.
                return Err(match error.sql_err() {
                    Some(SqlErr::UniqueConstraintViolation(_)) => AppError::Invalid(format!(
                        "La campagne {} {} vient d'être ouverte pour ces contrats : rechargez la page.",
                        new.kind.label(),
                        new.year
                    )),
                    _ => error.into(),
                });
            }
        }
        let after = serde_json::json!({
            "référentiel": preview.version,
            "période": preview.period,
            "contrats": preview.contracts.len(),
            "département": new.departement.clone().unwrap_or_else(|| "tous".to_owned()),
        });
        let entry = Entry {
            kind: ChangeKind::CampaignOpened,
            subject: format!("Campagne {} {}", new.kind.label(), new.year),
            before: None,
            after: Some(after),
        };
        audit::record(&txn, actor, Some(agency_id), entry).await?;
        txn.commit().await?;
        Ok((opened, preview.contracts.len()))
    }

    /// For each contract, the answers of its latest evaluation before `year`, by question code.
    async fn previous_answers(
        db: &impl ConnectionTrait,
        contracts: &[CoveredContract],
        year: i32,
    ) -> Result<HashMap<i32, HashMap<String, PreviousAnswer>>, AppError> {
        let earlier = evaluation::Entity::find()
            .filter(evaluation::Column::ContractId.is_in(contracts.iter().map(|contract| contract.id)))
            .filter(evaluation::Column::Year.lt(year))
            .order_by_asc(evaluation::Column::Year)
            .all(db)
            .await?;
        // Latest year last: it is the one kept.
        let latest: HashMap<i32, i32> =
            earlier.into_iter().map(|evaluation| (evaluation.contract_id, evaluation.id)).collect();
        let contract_of: HashMap<i32, i32> =
            latest.iter().map(|(contract, evaluation)| (*evaluation, *contract)).collect();
        let questions: Vec<(i32, i32, String)> = indicator::Entity::find()
            .select_only()
            .columns([indicator::Column::Id, indicator::Column::EvaluationId, indicator::Column::Code])
            .filter(indicator::Column::EvaluationId.is_in(latest.values().copied()))
            .filter(indicator::Column::NodeKind.eq(indicator::NodeKind::Question))
            .into_tuple()
            .all(db)
            .await?;
        let question_of: HashMap<i32, (i32, String)> =
            questions.into_iter().map(|(id, evaluation_id, code)| (id, (evaluation_id, code))).collect();
        let mut previous: HashMap<i32, HashMap<String, PreviousAnswer>> = HashMap::new();
        // By pages of ids: a bound list stays within what every database accepts.
        let ids: Vec<i32> = question_of.keys().copied().collect();
        for page in ids.chunks(5000) {
            let answers =
                answer::Entity::find().filter(answer::Column::QuestionId.is_in(page.iter().copied())).all(db).await?;
            for answer in answers {
                let Some((evaluation_id, code)) = question_of.get(&answer.question_id) else { continue };
                let Some(contract_id) = contract_of.get(evaluation_id) else { continue };
                let achieved = if answer.not_concerned { Some("Non concerné".to_owned()) } else { answer.achieved };
                previous
                    .entry(*contract_id)
                    .or_default()
                    .insert(code.clone(), PreviousAnswer { achieved, comment: answer.comment });
            }
        }
        Ok(previous)
    }

    /// The Campagnes page's data; `form`, when filled, previewed.
    pub async fn administration(
        db: &impl ConnectionTrait,
        agency_id: i32,
        departements: &[String],
        form: &super::CampaignForm,
    ) -> Result<CampaignsAdministration, AppError> {
        let versions = crate::referentials::service::labelled_versions(db, agency_id).await?;
        let labels: HashMap<i32, String> =
            versions.iter().map(|(version, label)| (version.id, label.clone())).collect();
        let campaigns = campaign::Entity::find()
            .filter(campaign::Column::AgencyId.eq(agency_id))
            .order_by_desc(campaign::Column::Year)
            .order_by_desc(campaign::Column::Id)
            .all(db)
            .await?;
        let authors = emails_by_id(db, campaigns.iter().filter_map(|campaign| campaign.opened_by)).await?;
        let mut rows = Vec::with_capacity(campaigns.len());
        for campaign in campaigns {
            let of_campaign = evaluation::Entity::find().filter(evaluation::Column::CampaignId.eq(campaign.id));
            let contracts = of_campaign.clone().count(db).await?;
            let closed = of_campaign.filter(evaluation::Column::Phase.eq(Phase::Consultation)).count(db).await?;
            let window = Window { opens_on: campaign.opens_on, closes_on: campaign.closes_on, extended_until: None };
            rows.push(CampaignRow {
                id: campaign.id,
                year: campaign.year,
                kind: campaign.kind,
                version: labels.get(&campaign.referential_version_id).cloned().unwrap_or_default(),
                period: window.notice(campaign.opens_on).period(),
                contracts,
                closed,
                opened_at: french_date_time(campaign.opened_at),
                opened_by: campaign
                    .opened_by
                    .and_then(|id| authors.get(&id).cloned())
                    .unwrap_or_else(|| "compte supprimé".to_owned()),
            });
        }
        let preview = match form.is_empty() {
            true => None,
            false => Some(match NewCampaign::parse(form, departements) {
                Ok(new) => match preview(db, agency_id, &new).await {
                    Ok(preview) => Ok(preview),
                    Err(AppError::Invalid(message)) => Err(message),
                    Err(error) => return Err(error),
                },
                Err(message) => Err(message),
            }),
        };
        Ok(CampaignsAdministration {
            campaigns: rows,
            versions: versions.into_iter().map(|(version, label)| VersionChoice { id: version.id, label }).collect(),
            departements: departements.to_vec(),
            preview,
        })
    }
}
