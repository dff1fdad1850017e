//! Creating contracts in the administration: the form's rules (shared, plain Rust) and, behind
//! `ssr`, the service that writes a contract for each legal entity chosen, its tree copied from a
//! referential version, its contact functions and establishments, in one transaction.

use serde::{Deserialize, Serialize};

use super::ContractKind;

/// The administrative contact functions a new contract asks for, by type (the guides' own).
pub fn default_contact_functions(kind: ContractKind) -> &'static [(&'static str, bool)] {
    match kind {
        ContractKind::Caqes => &[("DIRECTEUR", true), ("REF. CAQES", false), ("REF. CREDIT 1", false)],
        ContractKind::Cpom => &[("DIRECTEUR", true), ("REF. CPOM", false)],
    }
}

/// The contact functions as typed, one per line, a `*` after the mandatory ones.
pub fn contact_functions_text(functions: &[(&str, bool)]) -> String {
    functions
        .iter()
        .map(|(function, mandatory)| if *mandatory { format!("{function} *") } else { (*function).to_owned() })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The creation form, as typed (dates as `AAAA-MM-JJ`, what a date field sends).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractForm {
    pub kind: String,
    pub name: String,
    pub code: String,
    pub status: String,
    pub agency_contact: String,
    pub evaluation_year: String,
    pub estimated_signature_date: String,
    pub effective_date: String,
    pub prorogation_months: String,
    pub effective_end_date: String,
    pub last_prorogation_date: String,
    pub status_reason: String,
    pub competence: String,
    pub contact_functions: String,
}

impl ContractForm {
    /// Each field by the name the form gives it, to fill the form again after a refusal.
    pub fn typed_fields(&self) -> Vec<(&'static str, &str)> {
        vec![
            ("form[kind]", self.kind.as_str()),
            ("form[name]", self.name.as_str()),
            ("form[code]", self.code.as_str()),
            ("form[status]", self.status.as_str()),
            ("form[agency_contact]", self.agency_contact.as_str()),
            ("form[evaluation_year]", self.evaluation_year.as_str()),
            ("form[estimated_signature_date]", self.estimated_signature_date.as_str()),
            ("form[effective_date]", self.effective_date.as_str()),
            ("form[prorogation_months]", self.prorogation_months.as_str()),
            ("form[effective_end_date]", self.effective_end_date.as_str()),
            ("form[last_prorogation_date]", self.last_prorogation_date.as_str()),
            ("form[status_reason]", self.status_reason.as_str()),
            ("form[competence]", self.competence.as_str()),
            ("form[contact_functions]", self.contact_functions.as_str()),
        ]
    }
}

/// A contract of the agency, as the administration lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyContractRow {
    pub id: i32,
    pub name: String,
    pub kind: ContractKind,
    pub legal_entity: crate::legal_entities::LegalEntityRef,
    /// "CAQES 2026 (version 2)"; `None` for a contract made before referentials.
    pub referential: Option<String>,
    pub phase: super::Phase,
}

/// A referential version a contract can be made from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionChoice {
    pub id: i32,
    pub label: String,
}

/// What the "Contrats" page needs: the agency's contracts, its referential versions, and its
/// legal entities matching the filter (at most [`LISTED_ENTITIES`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractsAdministration {
    pub contracts: Vec<AgencyContractRow>,
    pub versions: Vec<VersionChoice>,
    pub legal_entities: Vec<crate::legal_entities::LegalEntityRef>,
    pub matching_entities: u64,
}

/// Query parameters of the "Contrats" page: the legal entities' filter, and after a creation
/// "count,name".
pub const FILTER_PARAM: &str = "filtre";
pub const CREATED_PARAM: &str = "cree";

/// "Contrat ... créé pour N entité(s) juridique(s)".
pub fn created_message(name: &str, count: usize) -> String {
    format!("Contrat « {name} » créé pour {count} entité(s) juridique(s), en une seule fois.")
}

/// At most this many legal entities are offered at once: the filter narrows them.
pub const LISTED_ENTITIES: u64 = 200;

pub use ecars_core::day::Day;

/// A contract to create, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewContract {
    pub kind: ContractKind,
    pub name: String,
    pub code: String,
    pub status: String,
    pub agency_contact: String,
    pub evaluation_year: i32,
    pub estimated_signature_date: Option<Day>,
    pub effective_date: Option<Day>,
    pub prorogation_months: Option<i32>,
    pub effective_end_date: Option<Day>,
    pub last_prorogation_date: Option<Day>,
    /// CPOM only.
    pub status_reason: Option<String>,
    pub competence: Option<String>,
    pub contact_functions: Vec<(String, bool)>,
}

/// One line of at most `max` characters, required or not.
fn line(typed: &str, what: &str, max: usize, required: bool) -> Result<Option<String>, String> {
    let text = typed.trim();
    if text.is_empty() {
        return if required { Err(format!("Veuillez renseigner {what}.")) } else { Ok(None) };
    }
    if text.chars().count() > max || text.chars().any(char::is_control) {
        return Err(format!("{} tient en une ligne de {max} caractères au plus.", capitalized(what)));
    }
    Ok(Some(text.to_owned()))
}

fn capitalized(what: &str) -> String {
    let mut chars = what.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// An optional date as a date field sends it (`AAAA-MM-JJ`); `what` names it in the refusal.
pub(crate) fn day(typed: &str, what: &str) -> Result<Option<Day>, String> {
    match typed.trim() {
        "" => Ok(None),
        text => Day::parse(text).map(Some).ok_or_else(|| format!("{} n'est pas une date valide.", capitalized(what))),
    }
}

/// At most this many contact functions per contract.
const MAX_FUNCTIONS: usize = 20;

pub fn parse_contact_functions(typed: &str) -> Result<Vec<(String, bool)>, String> {
    let mut functions: Vec<(String, bool)> = Vec::new();
    for raw in typed.lines().map(str::trim).filter(|raw| !raw.is_empty()) {
        let (function, mandatory) = match raw.strip_suffix('*') {
            Some(function) => (function.trim(), true),
            None => (raw, false),
        };
        let function = line(function, "la fonction du contact", 60, true)?.unwrap_or_default().to_uppercase();
        if functions.iter().any(|(known, _)| *known == function) {
            return Err(format!("La fonction {function} est indiquée deux fois."));
        }
        functions.push((function, mandatory));
    }
    if functions.is_empty() {
        return Err("Indiquez au moins une fonction de contact administratif (par exemple DIRECTEUR *).".to_owned());
    }
    if functions.len() > MAX_FUNCTIONS {
        return Err(format!("{MAX_FUNCTIONS} fonctions de contact au plus."));
    }
    Ok(functions)
}

/// A campaign year, as typed: between 2000 and 2100.
pub fn parse_evaluation_year(typed: &str) -> Result<i32, String> {
    typed
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|year| (2000..=2100).contains(year))
        .ok_or_else(|| "L'année d'évaluation est une année entre 2000 et 2100.".to_owned())
}

impl NewContract {
    /// The form checked, or the first thing wrong with it, in French.
    pub fn parse(form: &ContractForm) -> Result<Self, String> {
        let kind = ContractKind::parse(&form.kind).ok_or("Veuillez choisir le type du contrat : CAQES ou CPOM.")?;
        let evaluation_year = parse_evaluation_year(&form.evaluation_year)?;
        let prorogation_months = match form.prorogation_months.trim() {
            "" => None,
            text => Some(
                text.parse::<i32>()
                    .ok()
                    .filter(|months| (0..=120).contains(months))
                    .ok_or("La durée de prorogation est un nombre de mois entre 0 et 120.")?,
            ),
        };
        let effective_date = day(&form.effective_date, "la date d'effet")?;
        let effective_end_date = day(&form.effective_end_date, "la date de fin effective")?;
        if let (Some(start), Some(end)) = (effective_date, effective_end_date) {
            if end < start {
                return Err("La date de fin effective précède la date d'effet.".to_owned());
            }
        }
        let cpom = kind == ContractKind::Cpom;
        Ok(NewContract {
            kind,
            name: line(&form.name, "le nom du contrat", 200, true)?.unwrap_or_default(),
            code: line(&form.code, "le code du contrat", 60, true)?.unwrap_or_default(),
            status: line(&form.status, "le statut du contrat", 60, true)?.unwrap_or_default(),
            agency_contact: line(&form.agency_contact, "le contact à l'ARS", 120, true)?.unwrap_or_default(),
            evaluation_year,
            estimated_signature_date: day(&form.estimated_signature_date, "la date de signature estimée")?,
            effective_date,
            prorogation_months,
            effective_end_date,
            last_prorogation_date: day(&form.last_prorogation_date, "la date de dernière prorogation")?,
            status_reason: if cpom { line(&form.status_reason, "le motif du statut", 200, false)? } else { None },
            competence: if cpom { line(&form.competence, "la compétence", 60, false)? } else { None },
            contact_functions: parse_contact_functions(&form.contact_functions)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caqes() -> ContractForm {
        ContractForm {
            kind: "CAQES".into(),
            name: "CAQES 2026".into(),
            code: "PUBLIC".into(),
            status: "Signé".into(),
            agency_contact: "Mourad ABED".into(),
            evaluation_year: "2026".into(),
            effective_date: "2026-01-01".into(),
            effective_end_date: "2030-12-31".into(),
            status_reason: "ignoré pour un CAQES".into(),
            contact_functions: contact_functions_text(default_contact_functions(ContractKind::Caqes)),
            ..Default::default()
        }
    }

    #[test]
    fn a_contract_form_is_checked_field_by_field() {
        let contract = NewContract::parse(&caqes()).unwrap();
        assert_eq!(contract.effective_date, Some(Day { year: 2026, month: 1, day: 1 }));
        assert_eq!(contract.status_reason, None, "a CAQES has no status reason");
        assert_eq!(contract.contact_functions[0], ("DIRECTEUR".to_owned(), true));
        let refused = |form: ContractForm| NewContract::parse(&form).unwrap_err();
        assert!(refused(ContractForm { kind: "CPOMX".into(), ..caqes() }).contains("type du contrat"));
        assert!(refused(ContractForm { name: " ".into(), ..caqes() }).contains("le nom du contrat"));
        assert!(refused(ContractForm { evaluation_year: "26".into(), ..caqes() }).contains("année"));
        assert!(refused(ContractForm { effective_date: "2026-02-30".into(), ..caqes() }).contains("date d'effet"));
        assert!(refused(ContractForm { effective_end_date: "2025-12-31".into(), ..caqes() }).contains("précède"));
        assert!(refused(ContractForm { prorogation_months: "-3".into(), ..caqes() }).contains("prorogation"));
        assert!(refused(ContractForm { contact_functions: "DIRECTEUR\ndirecteur *".into(), ..caqes() })
            .contains("deux fois"));
        assert!(refused(ContractForm { contact_functions: "\n \n".into(), ..caqes() }).contains("au moins une"));
    }

    #[test]
    fn days_are_real_days() {
        assert_eq!(Day::parse("2028-02-29"), Some(Day { year: 2028, month: 2, day: 29 }));
        for bad in ["2027-02-29", "2026-13-01", "2026-1-01", "01/01/2026", "", "2026-00-10"] {
            assert_eq!(Day::parse(bad), None, "{bad}");
        }
    }
}

#[cfg(feature = "ssr")]
pub use server::{administration, create_contracts};

#[cfg(feature = "ssr")]
pub(super) mod server;

#[cfg(test)]
mod service_tests {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

    use super::*;
    use crate::audit::Actor;
    use crate::db::entities::{
        contact, contract, contract_establishment, indicator, legal_entity, referential, referential_version,
    };
    use crate::db::testing::demo_database;
    use crate::AppError;

    async fn entity(db: &sea_orm::DatabaseConnection, finess: &str) -> legal_entity::Model {
        legal_entity::Entity::find().filter(legal_entity::Column::Finess.eq(finess)).one(db).await.unwrap().unwrap()
    }

    #[tokio::test]
    async fn the_same_caqes_for_many_legal_entities_each_with_the_referential_s_tree() {
        let db = demo_database().await;
        let ara = crate::agencies::service::find_by_name(&db, crate::demo::ARA).await.unwrap().unwrap();
        let demo = referential::Entity::find()
            .filter(referential::Column::Name.eq(crate::demo::files::DEMO_REFERENTIAL))
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        let version = referential_version::Entity::find()
            .filter(referential_version::Column::ReferentialId.eq(demo.id))
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        let chu = entity(&db, crate::demo::CHU_GRENOBLE_FINESS).await;
        let performance = entity(&db, crate::demo::PERFORMANCE_FINESS).await;
        let acodege = entity(&db, crate::demo::ACODEGE_FINESS).await;
        let actor = Actor { id: None, email: "admin-ara@ars.exemple.fr".into() };
        let form = ContractForm {
            kind: "CAQES".into(),
            name: "CAQES 2027".into(),
            code: "PUBLIC".into(),
            status: "Signé".into(),
            agency_contact: "Mourad ABED".into(),
            evaluation_year: "2027".into(),
            contact_functions: "DIRECTEUR *\nREF. CAQES".into(),
            ..Default::default()
        };
        let new = NewContract::parse(&form).unwrap();
        let before = contract::Entity::find().count(&db).await.unwrap();

        // Another agency's legal entity: nothing at all is created.
        let refused = create_contracts(
            &db,
            ecars_core::ids::AgencyId(ara.id),
            &actor,
            &new,
            version.id,
            &[chu.id, acodege.id],
            &[],
        )
        .await;
        assert_eq!(refused.unwrap_err(), AppError::NotFound);
        assert_eq!(contract::Entity::find().count(&db).await.unwrap(), before);

        let created = create_contracts(
            &db,
            ecars_core::ids::AgencyId(ara.id),
            &actor,
            &new,
            version.id,
            &[chu.id, performance.id],
            &[],
        )
        .await
        .unwrap();
        assert_eq!(created.len(), 2);
        for id in &created {
            let tree =
                indicator::Entity::find().filter(indicator::Column::ContractId.eq(*id)).count(&db).await.unwrap();
            assert_eq!(tree, 9, "the demo referential's nine nodes");
            let contacts = contact::Entity::find().filter(contact::Column::ContractId.eq(*id)).all(&db).await.unwrap();
            assert_eq!(
                contacts.iter().map(|c| (c.function.as_str(), c.mandatory)).collect::<Vec<_>>(),
                [("DIRECTEUR", true), ("REF. CAQES", false)]
            );
            let stored = contract::Entity::find_by_id(*id).one(&db).await.unwrap().unwrap();
            assert_eq!(stored.referential_version_id, Some(version.id), "the version is now in use");
        }
        let sites = contract_establishment::Entity::find()
            .filter(contract_establishment::Column::ContractId.eq(created[0]))
            .count(&db)
            .await
            .unwrap();
        assert!(sites >= 1, "a CAQES covers its entity's establishments");
        let national = indicator::Entity::find()
            .filter(indicator::Column::ContractId.eq(created[0]))
            .filter(indicator::Column::EditableByEstablishment.eq(false))
            .count(&db)
            .await
            .unwrap();
        assert_eq!(national, 2, "national questions stay the agency's");

        // A CPOM for two entities, or a referential of another agency: refused.
        let cpom = NewContract { kind: ContractKind::Cpom, ..new.clone() };
        assert!(matches!(
            create_contracts(
                &db,
                ecars_core::ids::AgencyId(ara.id),
                &actor,
                &cpom,
                version.id,
                &[chu.id, performance.id],
                &[]
            )
            .await,
            Err(AppError::Invalid(_))
        ));
        let bfc = crate::agencies::service::find_by_name(&db, crate::demo::BFC).await.unwrap().unwrap();
        assert_eq!(
            create_contracts(&db, ecars_core::ids::AgencyId(bfc.id), &actor, &new, version.id, &[acodege.id], &[])
                .await
                .unwrap_err(),
            AppError::NotFound
        );
    }
}
