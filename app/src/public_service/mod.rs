//! What every public service site owes its users: "Déclaration d'accessibilité" (RGAA 4.1 model),
//! "Mentions légales", "Données personnelles" and "Plan du site", linked from the footer with the
//! state of accessibility. The deploying agency (its name, address and contacts) comes from the
//! configuration; by default, the values of the user guides.

mod pages;

pub use pages::{AccessibilityPage, LegalNoticePage, PrivacyPage, SiteMapPage};

use serde::{Deserialize, Serialize};

/// The agency that runs this portal, as its legal pages and footer name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operator {
    /// "Agence régionale de santé Bretagne".
    pub name: String,
    pub address: String,
    /// "Directeur de la publication".
    pub publication_director: String,
    /// The support of the portal, as the guides give it (before login, and for accounts of no agency).
    pub support_email: String,
    pub support_phone: String,
    /// "Une question d'ordre métier".
    pub quality_email: String,
    /// The data protection officer ("délégué à la protection des données").
    pub dpo_email: String,
    /// Who hosts the servers ("Hébergeur").
    pub host: String,
}

impl Default for Operator {
    /// The guides' support and quality department (ARS Bretagne's); an agency sets its own.
    fn default() -> Self {
        Operator {
            name: "Agence régionale de santé Bretagne".to_owned(),
            address: "6 place des Colombes, CS 14253, 35042 Rennes Cedex".to_owned(),
            publication_director: "Le directeur général de l'Agence régionale de santé Bretagne".to_owned(),
            support_email: "ars-ecars@ars.sante.fr".to_owned(),
            support_phone: "04.72.34.41.26".to_owned(),
            quality_email: "ars-bretagne-qualite@ars.sante.fr".to_owned(),
            dpo_email: "ars-ecars@ars.sante.fr".to_owned(),
            host: "Agence régionale de santé Bretagne, sur ses propres serveurs".to_owned(),
        }
    }
}

/// The state of conformity the footer and the declaration give (RGAA 4.1 wording).
pub const ACCESSIBILITY_STATE: &str = "partiellement conforme";
/// When the declaration was established.
pub const ACCESSIBILITY_DECLARED_ON: &str = "05/12/2026";

/// The operator of this portal, for the pages and the footer (rendered on the server only: in
/// the browser's build they are never drawn).
pub fn operator() -> Operator {
    #[cfg(feature = "ssr")]
    return leptos::prelude::use_context::<Operator>().unwrap_or_default();
    #[cfg(not(feature = "ssr"))]
    Operator::default()
}

/// The links of the footer's bottom line, in the DSFR's order.
pub fn footer_links() -> [(String, &'static str); 4] {
    use ecars_core::routes::{ACCESSIBILITY_PATH, LEGAL_NOTICE_PATH, PRIVACY_PATH, SITE_MAP_PATH};
    [
        ("Plan du site".to_owned(), SITE_MAP_PATH),
        (format!("Accessibilité : {ACCESSIBILITY_STATE}"), ACCESSIBILITY_PATH),
        ("Mentions légales".to_owned(), LEGAL_NOTICE_PATH),
        ("Données personnelles".to_owned(), PRIVACY_PATH),
    ]
}
