//! Every address of the portal, in one place: the router (`app.rs`) routes from the segments
//! below, and every internal link (pages, redirects, mail) is built by the functions below.

/// The segments the addresses are made of.
pub mod segment {
    pub const LOGIN: &str = "connexion";
    pub const PASSWORD: &str = "mot-de-passe";
    pub const RENEW: &str = "renouveler";
    pub const NEW: &str = "nouveau";
    pub const ACCOUNT: &str = "mon-compte";
    pub const LEGAL_ENTITIES: &str = "entites-juridiques";
    pub const ESTABLISHMENTS: &str = "etablissements";
    pub const CONTRACTS: &str = "contrats";
    pub const INDICATORS: &str = "indicateurs";
    pub const PANEL: &str = "question";
    pub const APPRAISAL: &str = "evaluer";
    pub const AGENCY_EVALUATION: &str = "evaluation-agence";
    pub const CLOSING: &str = "cloture";
    pub const RECEIPT: &str = "accuse-de-cloture";
    pub const CONTACTS: &str = "contacts";
    pub const ADMINISTRATION: &str = "administration";
    pub const FINESS: &str = "finess";
    pub const AGENCIES: &str = "agences";
    pub const REFERENTIALS: &str = "referentiels";
    pub const JOURNAL: &str = "journal";
    pub const ACCOUNTS: &str = "comptes";
    pub const CAMPAIGNS: &str = "campagnes";
    pub const NATIONAL_VALUES: &str = "valeurs-nationales";
    pub const FOLLOW_UP: &str = "suivi";
    pub const PRINTABLE: &str = "impression";
    pub const CHARTS: &str = "graphiques";
    pub const ACCESSIBILITY: &str = "accessibilite";
    pub const LEGAL_NOTICE: &str = "mentions-legales";
    pub const PRIVACY: &str = "donnees-personnelles";
    pub const SITE_MAP: &str = "plan-du-site";
}

use segment::*;

/// Query parameter naming an earlier year on the tree and contract pages (`?annee=2023`).
pub const YEAR_PARAM: &str = "annee";
/// Query parameter naming one closing on the receipt page (`?cloture=12`).
pub const CLOSING_PARAM: &str = "cloture";

/// The header that carries a request's id back to the client (and that the error page shows).
pub const REQUEST_ID_HEADER: &str = "x-request-id";

pub const HOME_PATH: &str = "/";
/// The DSFR's files, under their version (the Makefile copies them there from package.json's):
/// a new version is a new address, so browsers keep them for good.
pub const DSFR_DIR: &str = "/dsfr/1.15.3";
pub const LOGIN_PATH: &str = "/connexion";
pub const RENEW_PATH: &str = "/mot-de-passe/renouveler";
pub const NEW_PASSWORD_PATH: &str = "/mot-de-passe/nouveau";
/// "Importer le fichier FINESS", in the administration.
pub const FINESS_IMPORT_PATH: &str = "/administration/finess";
/// "Agences", the national administrators' part of the administration.
pub const AGENCIES_PATH: &str = "/administration/agences";
/// "Référentiels d'indicateurs", in the administration.
pub const REFERENTIALS_PATH: &str = "/administration/referentiels";
/// Where a referential file is sent (multipart form), and where its template is downloaded.
pub const REFERENTIAL_UPLOAD_ROUTE: &str = "/api/administration/referentiels";
pub const REFERENTIAL_TEMPLATE_ROUTE: &str = "/api/administration/referentiels/modele";
/// "Contrats", in the administration (the segment is that of the contract pages).
pub const AGENCY_CONTRACTS_PATH: &str = "/administration/contrats";
/// "Campagnes", in the administration: the preview of a campaign is this page with its form's
/// fields in the query.
pub const CAMPAIGNS_PATH: &str = "/administration/campagnes";
/// "Valeurs nationales", in the administration, and where its file is sent (multipart form).
pub const NATIONAL_VALUES_PATH: &str = "/administration/valeurs-nationales";
pub const NATIONAL_VALUES_UPLOAD_ROUTE: &str = "/api/administration/valeurs-nationales";
/// "Suivi de la campagne": the agency's view of a campaign year; filters, sort and page in its query.
pub const FOLLOW_UP_PATH: &str = "/suivi";
/// "Graphiques du suivi", with the same query as the dashboard.
pub const FOLLOW_UP_CHARTS_PATH: &str = "/suivi/graphiques";
/// Its export as `xlsx`, `ods` or `csv`, with the page's query.
pub const FOLLOW_UP_EXPORT_ROUTE: &str = "/api/suivi/export/{format}";
/// "Comptes", in the administration, and the page of one account.
pub const ACCOUNTS_PATH: &str = "/administration/comptes";

pub fn managed_account_href(id: i32) -> String {
    format!("{ACCOUNTS_PATH}/{id}")
}

/// "Modifier le contrat", in the administration.
pub fn contract_edition_href(id: i32) -> String {
    format!("{AGENCY_CONTRACTS_PATH}/{id}")
}
/// "Journal des modifications", and its CSV export (same query).
pub const JOURNAL_PATH: &str = "/administration/journal";
pub const JOURNAL_EXPORT_ROUTE: &str = "/api/administration/journal.csv";
/// The demo's sample import files.
pub const SAMPLE_ROUTE: &str = "/api/administration/exemples/{name}";

pub fn sample_href(name: &str) -> String {
    SAMPLE_ROUTE.replace("{name}", name)
}

/// Where the FINESS files are sent (multipart form).
pub const FINESS_UPLOAD_ROUTE: &str = "/api/administration/finess";
pub const ACCOUNT_PATH: &str = "/mon-compte";
/// The footer's pages, open to everyone.
pub const ACCESSIBILITY_PATH: &str = "/accessibilite";
pub const LEGAL_NOTICE_PATH: &str = "/mentions-legales";
pub const PRIVACY_PATH: &str = "/donnees-personnelles";
pub const SITE_MAP_PATH: &str = "/plan-du-site";
/// Pages anyone may read without logging in.
pub const PUBLIC_PATHS: [&str; 4] = [ACCESSIBILITY_PATH, LEGAL_NOTICE_PATH, PRIVACY_PATH, SITE_MAP_PATH];
/// For the reverse proxy and the supervisors (`operations::health`): the process answers; it can
/// serve (database and document store answering). Open to anyone, like the pages above.
pub const ALIVE_PATH: &str = "/sante/vivant";
pub const READY_PATH: &str = "/sante/pret";
/// For Prometheus (`operations::metrics`), with the operator's token rather than a session.
pub const METRICS_PATH: &str = "/metrics";
/// Asked by machines, never by a person: no session, no page.
pub const OPERATIONS_PATHS: [&str; 3] = [ALIVE_PATH, READY_PATH, METRICS_PATH];

/// Query parameter of the indicator tree naming the question whose panel is open.
pub const QUESTION_PARAM: &str = "question";
/// The question panel's anchor.
pub const QUESTION_ANCHOR: &str = "question";

pub fn legal_entity_href(finess: &str) -> String {
    format!("/{LEGAL_ENTITIES}/{finess}")
}

pub fn establishment_href(id: i32) -> String {
    format!("/{ESTABLISHMENTS}/{id}")
}

pub fn contract_href(id: i32) -> String {
    format!("/{CONTRACTS}/{id}")
}

pub fn indicators_href(contract_id: i32) -> String {
    format!("{}/{INDICATORS}", contract_href(contract_id))
}

/// A question's panel on its own page (`?question=<id>`): what the tree's island loads and swaps
/// in when another question is chosen, or a save answered.
pub fn panel_href(contract_id: i32) -> String {
    format!("{}/{PANEL}", indicators_href(contract_id))
}

/// "Évaluer": the agency's appraisal of a closed year, the same tree with its own panel.
pub fn appraisal_href(contract_id: i32) -> String {
    format!("{}/{APPRAISAL}", contract_href(contract_id))
}

/// [`appraisal_href`] of an earlier year (`?annee=2024`).
pub fn year_appraisal_href(contract_id: i32, year: i32) -> String {
    format!("{}?{YEAR_PARAM}={year}", appraisal_href(contract_id))
}

/// The agency's evaluation as notified: the letters, the receipt, the reply window, and beside
/// each answer the agency's appraisal; both sides read it once notified.
pub fn agency_evaluation_href(contract_id: i32) -> String {
    format!("{}/{AGENCY_EVALUATION}", contract_href(contract_id))
}

/// [`agency_evaluation_href`] of the year `year`.
pub fn year_agency_evaluation_href(contract_id: i32, year: i32) -> String {
    format!("{}?{YEAR_PARAM}={year}", agency_evaluation_href(contract_id))
}

/// The appraisal panel of a question on its own page, as [`panel_href`] is the answer's.
pub fn appraisal_panel_href(contract_id: i32) -> String {
    format!("{}/{PANEL}", appraisal_href(contract_id))
}

/// The indicator tree with a question's panel open, from anywhere.
pub fn question_href(contract_id: i32, question_id: i32) -> String {
    format!("{}{}", indicators_href(contract_id), question_query(question_id))
}

/// The same, from the tree's own page (only the query and the anchor change).
pub fn question_query(question_id: i32) -> String {
    question_query_in(question_id, None, &[])
}

/// The same, in the tree of an earlier year (`?annee=2023&question=...`), keeping `kept`: more
/// `name=value` pairs of the address (the tree's filter).
pub fn question_query_in(question_id: i32, earlier_year: Option<i32>, kept: &[String]) -> String {
    let year = earlier_year.map(|year| format!("{}={year}", YEAR_PARAM));
    let question = format!("{QUESTION_PARAM}={question_id}");
    let pairs: Vec<String> = year.into_iter().chain(kept.iter().cloned()).chain([question]).collect();
    format!("?{}#{QUESTION_ANCHOR}", pairs.join("&"))
}

pub fn closing_href(contract_id: i32) -> String {
    format!("{}/{CLOSING}", contract_href(contract_id))
}

pub fn receipt_href(contract_id: i32) -> String {
    format!("{}/{RECEIPT}", contract_href(contract_id))
}

/// The receipt of one closing (of any year), as mailed when it was closed.
pub fn closing_receipt_href(contract_id: i32, closing_id: i32) -> String {
    format!("{}?{}={closing_id}", receipt_href(contract_id), CLOSING_PARAM)
}

/// The tree of an earlier year, read-only.
pub fn year_indicators_href(contract_id: i32, year: i32) -> String {
    format!("{}?{}={year}", indicators_href(contract_id), YEAR_PARAM)
}

/// "Version imprimable" of a contract's evaluation of `year` (the current one for none).
pub fn printable_href(contract_id: i32, year: Option<i32>) -> String {
    let page = format!("{}/{PRINTABLE}", contract_href(contract_id));
    match year {
        Some(year) => format!("{page}?{}={year}", YEAR_PARAM),
        None => page,
    }
}

pub fn contacts_href(contract_id: i32) -> String {
    format!("{}/{CONTACTS}", contract_href(contract_id))
}

pub fn contact_href(contract_id: i32, contact_id: i32) -> String {
    format!("{}/{contact_id}", contacts_href(contract_id))
}

pub fn contract_establishments_href(contract_id: i32) -> String {
    format!("{}/{ESTABLISHMENTS}", contract_href(contract_id))
}

/// The document endpoints (`documents::web`), as the server's router declares them...
pub const DOCUMENT_ROUTE: &str = "/api/documents/{id}";
pub const DOCUMENT_UPLOAD_ROUTE: &str = "/api/documents/{place}/{id}";
pub const DOCUMENT_ZIP_ROUTE: &str = "/api/documents/{place}/{id}/tous";

/// ...and as links: a document, and where a place (`contrat/12`) takes and packs its documents.
pub fn document_href(id: i32) -> String {
    DOCUMENT_ROUTE.replace("{id}", &id.to_string())
}

pub fn document_upload_href(place: &str) -> String {
    format!("/api/documents/{place}")
}

pub fn document_zip_href(place: &str) -> String {
    format!("{}/tous", document_upload_href(place))
}

/// The login page address that brings the visitor back to `path` afterwards.
pub fn login_href(path: &str) -> String {
    if path == HOME_PATH || path.is_empty() {
        LOGIN_PATH.to_owned()
    } else {
        format!("{LOGIN_PATH}?retour={}", percent_encode(path))
    }
}

/// Enough percent-encoding for a path and query carried in a query parameter.
pub fn percent_encode(value: &str) -> String {
    value
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (byte as char).to_string(),
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fixed_paths_are_made_of_the_router_segments() {
        assert_eq!(LOGIN_PATH, format!("/{LOGIN}"));
        assert_eq!(RENEW_PATH, format!("/{PASSWORD}/{RENEW}"));
        assert_eq!(NEW_PASSWORD_PATH, format!("/{PASSWORD}/{NEW}"));
        assert_eq!(ACCOUNT_PATH, format!("/{ACCOUNT}"));
        assert_eq!(FOLLOW_UP_PATH, format!("/{FOLLOW_UP}"));
        assert_eq!(FOLLOW_UP_CHARTS_PATH, format!("/{FOLLOW_UP}/{CHARTS}"));
        assert_eq!(PUBLIC_PATHS, [ACCESSIBILITY, LEGAL_NOTICE, PRIVACY, SITE_MAP].map(|segment| format!("/{segment}")));
    }

    #[test]
    fn the_dsfr_is_served_under_the_version_npm_installs() {
        let version = DSFR_DIR.trim_start_matches("/dsfr/");
        assert!(include_str!("../../package.json").contains(&format!("\"@gouvfr/dsfr\": \"{version}\"")));
    }

    #[test]
    fn links_follow_the_pages_of_the_guides() {
        assert_eq!(legal_entity_href("380780080"), "/entites-juridiques/380780080");
        assert_eq!(question_href(3, 42), "/contrats/3/indicateurs?question=42#question");
        assert_eq!(receipt_href(3), "/contrats/3/accuse-de-cloture");
        assert_eq!(panel_href(3), "/contrats/3/indicateurs/question");
        assert_eq!(contact_href(3, 7), "/contrats/3/contacts/7");
        assert_eq!(contract_establishments_href(3), "/contrats/3/etablissements");
        assert_eq!(printable_href(3, None), "/contrats/3/impression");
        assert_eq!(printable_href(3, Some(2021)), "/contrats/3/impression?annee=2021");
        assert_eq!(document_href(5), "/api/documents/5");
        assert_eq!(document_upload_href("question/8"), DOCUMENT_UPLOAD_ROUTE.replace("{place}/{id}", "question/8"));
        assert_eq!(document_zip_href("question/8"), DOCUMENT_ZIP_ROUTE.replace("{place}/{id}", "question/8"));
    }

    #[test]
    fn the_login_link_remembers_where_to_return() {
        assert_eq!(login_href("/"), "/connexion");
        assert_eq!(login_href("/contrats/1/indicateurs"), "/connexion?retour=/contrats/1/indicateurs");
        assert_eq!(login_href("/?tri=nom&ordre=desc"), "/connexion?retour=/%3Ftri%3Dnom%26ordre%3Ddesc");
    }
}
