//! Agencies (ARS). e-CARS is one platform for every regional health agency: each has its région
//! and départements, its quality department (told of evaluation reports, asked "une question
//! d'ordre métier") and the support line its users see in the footer. Legal entities and
//! agency-side accounts belong to one; national administrators create them.

pub mod api;
mod page;

#[cfg(feature = "ssr")]
pub mod creation;
#[cfg(feature = "ssr")]
pub mod service;

pub use page::AgenciesPage;

use serde::{Deserialize, Serialize};

use ecars_core::email::EmailAddress;
use ecars_core::finess::{region_named, Region};

/// What a page needs of the viewer's agency: its name and whom to write to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyContacts {
    pub id: i32,
    pub name: String,
    pub quality_email: String,
    pub support_email: String,
    pub support_phone: String,
    /// Those it loads from FINESS.
    pub departements: Vec<String>,
}

/// An agency as the list of agencies shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyRow {
    pub name: String,
    pub region: String,
    pub departements: Vec<String>,
    pub quality_email: String,
    pub support_email: String,
    pub support_phone: String,
    pub administrators: Vec<String>,
    pub legal_entities: u64,
}

/// The creation form, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyForm {
    pub name: String,
    pub region: String,
    /// Empty: every département of the région.
    pub departements: String,
    pub quality_email: String,
    pub support_email: String,
    pub support_phone: String,
    pub administrator_email: String,
}

/// An agency to create, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAgency {
    pub name: String,
    pub region: &'static Region,
    pub departements: Vec<String>,
    pub quality_email: EmailAddress,
    pub support_email: EmailAddress,
    pub support_phone: String,
    pub administrator_email: EmailAddress,
}

const MAX_NAME_CHARS: usize = 120;

impl NewAgency {
    /// The form checked, or the first thing wrong with it, in French.
    pub fn parse(form: &AgencyForm) -> Result<Self, String> {
        let name = form.name.trim();
        if name.is_empty() {
            return Err("Veuillez saisir le nom de l'agence.".to_owned());
        }
        if name.chars().count() > MAX_NAME_CHARS || name.chars().any(char::is_control) {
            return Err(format!("Le nom de l'agence tient en une ligne de {MAX_NAME_CHARS} caractères au plus."));
        }
        let region = region_named(form.region.trim()).ok_or("Veuillez choisir la région de l'agence.")?;
        let departements = departements_of_region(region, &form.departements)?;
        let email = |typed: &str, what: &str| {
            EmailAddress::parse(typed).map_err(|reason| format!("{what} : {}", reason.to_lowercase()))
        };
        Ok(NewAgency {
            name: name.to_owned(),
            region,
            departements,
            quality_email: email(&form.quality_email, "Adresse du service qualité")?,
            support_email: email(&form.support_email, "Adresse du support")?,
            support_phone: parse_phone(&form.support_phone)?,
            administrator_email: email(&form.administrator_email, "Adresse du premier administrateur")?,
        })
    }
}

/// The départements typed (`"21, 25 39"`), each of `region`; none typed is all of them.
pub fn departements_of_region(region: &Region, typed: &str) -> Result<Vec<String>, String> {
    let mut departements = ecars_core::finess::departement_codes(typed);
    if let Some(stranger) = departements.iter().find(|code| !region.departements.contains(&code.as_str())) {
        return Err(format!(
            "Le département « {} » n'est pas en {} (départements : {}).",
            stranger.chars().take(8).collect::<String>(),
            region.name,
            region.departements.join(", ")
        ));
    }
    if departements.is_empty() {
        departements = region.departements.iter().map(|code| (*code).to_owned()).collect();
    }
    Ok(departements)
}

/// The support's phone number, checked by the contacts' rule but kept as the agency writes it
/// (`04.72.34.41.26`, as the guides show it).
pub fn parse_phone(typed: &str) -> Result<String, String> {
    ecars_core::contacts::PhoneNumber::parse(typed)
        .map(|_| typed.trim().to_owned())
        .map_err(|_| "Le numéro du support n'est pas valide (exemple : 04 72 34 41 26).".to_owned())
}

/// The `tel:` link of a phone number: `04.72.34.41.26` is `tel:+33472344126`.
pub fn tel_href(phone: &str) -> String {
    let dialled: String = phone.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect();
    match dialled.strip_prefix('0') {
        Some(national) if dialled.len() == 10 => format!("tel:+33{national}"),
        _ => format!("tel:{dialled}"),
    }
}

/// Query parameter of the agencies page after a creation: the new agency's name.
pub const CREATED_PARAM: &str = "creee";

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> AgencyForm {
        AgencyForm {
            name: " ARS Bretagne ".into(),
            region: "Bretagne".into(),
            departements: String::new(),
            quality_email: "qualite@ars.fr".into(),
            support_email: "support@ars.fr".into(),
            support_phone: "02 99 00 00 00".into(),
            administrator_email: "Admin@ARS.fr".into(),
        }
    }

    #[test]
    fn an_agency_takes_its_whole_region_unless_told_otherwise() {
        let agency = NewAgency::parse(&form()).unwrap();
        assert_eq!(agency.name, "ARS Bretagne");
        assert_eq!(agency.departements, ["22", "29", "35", "56"]);
        let some = NewAgency::parse(&AgencyForm { departements: "35, 29 35".into(), ..form() }).unwrap();
        assert_eq!(some.departements, ["35", "29"]);
        let overseas = region_named("La Réunion").unwrap();
        assert_eq!(departements_of_region(overseas, "974").unwrap(), ["9D"]);
    }

    #[test]
    fn every_field_is_checked_with_a_french_reason() {
        let refused = |changed: AgencyForm| NewAgency::parse(&changed).unwrap_err();
        assert!(refused(AgencyForm { name: "  ".into(), ..form() }).contains("nom de l'agence"));
        assert!(refused(AgencyForm { name: "A\nB".into(), ..form() }).contains("une ligne"));
        assert!(refused(AgencyForm { region: "Atlantide".into(), ..form() }).contains("région"));
        assert!(refused(AgencyForm { departements: "38".into(), ..form() }).contains("n'est pas en Bretagne"));
        assert!(
            refused(AgencyForm { quality_email: "qualite".into(), ..form() }).starts_with("Adresse du service qualité")
        );
        assert!(refused(AgencyForm { support_phone: "appelez-nous".into(), ..form() }).contains("numéro"));
        assert!(refused(AgencyForm { administrator_email: String::new(), ..form() }).contains("premier administrateur"));
    }

    #[test]
    fn phone_links_dial_france_from_anywhere() {
        assert_eq!(tel_href("04.72.34.41.26"), "tel:+33472344126");
        assert_eq!(tel_href("+262 262 00 00 00"), "tel:+262262000000");
    }
}
