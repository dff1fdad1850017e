//! "Ouvrir la campagne": the form and its rules (shared, plain Rust), what the Campagnes page
//! shows, and behind `ssr` the service that previews the contracts a campaign covers and opens
//! each one's evaluation of the year in one transaction, with last year's answers by question code.

use ecars_core::finess::parse_finess_list;
use ecars_core::vocabulary::ContractKind;
use serde::{Deserialize, Serialize};

use crate::contracts::creation::{day, parse_evaluation_year, Day, VersionChoice};
use crate::legal_entities::LegalEntityRef;

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
    /// "Délai de réponse" to the agency's provisional evaluation, in days (empty: 21).
    #[serde(default)]
    pub reply_days: String,
}

impl CampaignForm {
    /// Each field by its name in the form and the address.
    pub fn fields(&self) -> [(&'static str, &str); 8] {
        [
            ("year", self.year.as_str()),
            ("kind", self.kind.as_str()),
            ("version", self.version.as_str()),
            ("opens_on", self.opens_on.as_str()),
            ("closes_on", self.closes_on.as_str()),
            ("departement", self.departement.as_str()),
            ("legal_entities", self.legal_entities.as_str()),
            ("reply_days", self.reply_days.as_str()),
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
            reply_days: field("reply_days"),
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
    /// "Délai de réponse" to the agency's provisional evaluation, in days.
    pub reply_days: u32,
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
        let reply_days = ecars_core::evaluation::exchange::parse_reply_days(&form.reply_days)?;
        Ok(NewCampaign { year, kind, version_id, opens_on, closes_on, departement, legal_entities, reply_days })
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
    /// "Délai de réponse", in days.
    #[serde(default)]
    pub reply_days: i32,
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
            reply_days: "".into(),
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
pub mod server;
