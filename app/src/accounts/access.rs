//! Who may see and change what, decided here and only here. Every server function (and so
//! every page, which loads through them) starts from [`viewer`] and asks this module.
//!
//! - An establishment user reads and writes the legal entities it is attached to.
//! - A referent reads the legal entities it follows and writes nothing.
//! - An agency administrator reads its agency's legal entities and writes no establishment data.
//! - A national administrator reads everything and writes no establishment data.
//!
//! Anything outside the viewer's reach is "not found", exactly like what does not exist.

use super::security_log::{record, Event, Outcome};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};

use super::Role;
use crate::agencies::AgencyContacts;
use crate::db::entities::{establishment, legal_entity};
use crate::AppError;

/// The logged-in user of the current request, put there by the session middleware.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub user_id: i32,
    pub session_id: i32,
    pub email: String,
    pub role: Role,
    /// Attached (establishment user) or followed (referent) legal entities.
    pub legal_entity_ids: Vec<i32>,
    /// The viewer's agency: its own (administrator, referent) or that of the legal entities it is
    /// attached to (establishment user). Its contacts are in the footer.
    pub agency: Option<AgencyContacts>,
    /// The moment of the request, from the application's clock: entry windows are judged by it.
    pub now: chrono::DateTime<chrono::Utc>,
}

/// The legal entities a viewer reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach<'a> {
    Everything,
    Agency(i32),
    Entities(&'a [i32]),
    /// An administrator whose agency is gone.
    Nothing,
}

impl Reach<'_> {
    /// The legal entities reached, as a condition on `legal_entities.id`-valued `column`.
    pub fn condition(self, column: impl ColumnTrait) -> Condition {
        match self {
            Reach::Everything => Condition::all(),
            Reach::Agency(agency_id) => Condition::all().add(
                column.in_subquery(sea_orm::QueryTrait::into_query(
                    legal_entity::Entity::find()
                        .select_only()
                        .column(legal_entity::Column::Id)
                        .filter(legal_entity::Column::AgencyId.eq(agency_id)),
                )),
            ),
            Reach::Entities(ids) => Condition::all().add(column.is_in(ids.iter().copied())),
            Reach::Nothing => Condition::all().add(sea_orm::sea_query::Expr::val(false)),
        }
    }
}

impl crate::audit::Actor {
    /// The person behind a request, as the journal names them.
    pub fn of(viewer: &Viewer) -> Self {
        crate::audit::Actor { id: Some(viewer.user_id), email: viewer.email.clone() }
    }
}

impl Viewer {
    /// The agencies' date at the moment of the request.
    pub fn today(&self) -> chrono::NaiveDate {
        crate::db::agency_date(self.now)
    }

    pub fn agency_id(&self) -> Option<i32> {
        self.agency.as_ref().map(|agency| agency.id)
    }

    pub fn reach(&self) -> Reach<'_> {
        match (self.role, self.agency_id()) {
            (Role::NationalAdmin, _) => Reach::Everything,
            (Role::Admin, Some(agency_id)) => Reach::Agency(agency_id),
            (Role::Admin, None) => Reach::Nothing,
            (Role::Establishment | Role::Referent, _) => Reach::Entities(&self.legal_entity_ids),
        }
    }

    /// The agency this viewer administers (see [`administered_agency`]).
    pub fn administers(&self) -> Option<i32> {
        match self.role {
            Role::Admin => self.agency_id(),
            _ => None,
        }
    }

    /// Referents, and agency and national administrators, steer the campaigns of the contracts
    /// they read: they extend an entry window and reopen a closed evaluation.
    pub fn steers_campaigns(&self) -> bool {
        matches!(self.role, Role::Referent | Role::Admin | Role::NationalAdmin)
    }

    /// The contract's referents and its agency's administrators evaluate the closed years of the
    /// contracts they read (see `appraisal::service`); national administrators only read them.
    pub fn appraises(&self) -> bool {
        matches!(self.role, Role::Referent | Role::Admin)
    }

    /// Agencies are created by national administrators (see [`check_national_administrator`]).
    pub fn administers_agencies(&self) -> bool {
        self.role == Role::NationalAdmin
    }

    /// Whether the viewer reads legal entity `id` of agency `agency_id`.
    fn reads(&self, legal_entity_id: i32, agency_id: Option<i32>) -> bool {
        match self.reach() {
            Reach::Everything => true,
            Reach::Agency(own) => agency_id == Some(own),
            Reach::Entities(ids) => ids.contains(&legal_entity_id),
            Reach::Nothing => false,
        }
    }

    pub(crate) fn writes(&self, legal_entity_id: i32) -> bool {
        self.role == Role::Establishment && self.legal_entity_ids.contains(&legal_entity_id)
    }
}

/// The logged-in user, or `Unauthenticated`.
pub fn viewer() -> Result<Viewer, AppError> {
    leptos::prelude::use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<Viewer>().cloned())
        .ok_or(AppError::Unauthenticated)
}

/// The legal entity of FINESS `finess`, if the viewer may read it.
pub async fn readable_legal_entity(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    finess: &str,
) -> Result<legal_entity::Model, AppError> {
    legal_entity::Entity::find()
        .filter(legal_entity::Column::Finess.eq(finess))
        .one(db)
        .await?
        .filter(|entity| readable(viewer, entity.id, entity.agency_id))
        .ok_or(AppError::NotFound)
}

/// The establishment `id`, if the viewer may read its legal entity.
pub async fn readable_establishment(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i32,
) -> Result<establishment::Model, AppError> {
    let establishment = establishment::Entity::find_by_id(id).one(db).await?.ok_or(AppError::NotFound)?;
    if reads_legal_entity(db, viewer, establishment.legal_entity_id).await? {
        Ok(establishment)
    } else {
        Err(AppError::NotFound)
    }
}

/// An agency's administration is its administrators' only: for anyone else it does not exist.
/// Returns the agency administered.
pub fn administered_agency(viewer: &Viewer) -> Result<i32, AppError> {
    viewer.administers().ok_or_else(|| {
        record(Event::AccessRefused, Some(&viewer.email), Outcome::Refused, "not_an_administrator");
        AppError::NotFound
    })
}

/// The list of agencies is the national administrators' only.
pub fn check_national_administrator(viewer: &Viewer) -> Result<(), AppError> {
    if viewer.administers_agencies() {
        Ok(())
    } else {
        record(Event::AccessRefused, Some(&viewer.email), Outcome::Refused, "not_a_national_administrator");
        Err(AppError::NotFound)
    }
}

/// "Forbidden" unless the viewer may change the data of the legal entity (it reads it already).
pub fn check_writes(viewer: &Viewer, legal_entity_id: i32) -> Result<(), AppError> {
    if viewer.writes(legal_entity_id) {
        Ok(())
    } else {
        record(Event::AccessRefused, Some(&viewer.email), Outcome::Refused, "read_only");
        Err(AppError::Forbidden)
    }
}

/// Whether the viewer reads the legal entity; an existing one it may not read is a security event
/// (the viewer is told "not found", as for one that does not exist).
fn readable(viewer: &Viewer, legal_entity_id: i32, agency_id: Option<i32>) -> bool {
    let reads = viewer.reads(legal_entity_id, agency_id);
    if !reads {
        record(Event::AccessRefused, Some(&viewer.email), Outcome::Refused, "not_readable");
    }
    reads
}

/// [`readable`] for a legal entity known by its id (its agency is looked up only when it matters).
pub(crate) async fn reads_legal_entity(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    legal_entity_id: i32,
) -> Result<bool, DbErr> {
    let agency_id = match viewer.reach() {
        Reach::Agency(_) => legal_entity::Entity::find_by_id(legal_entity_id)
            .select_only()
            .column(legal_entity::Column::AgencyId)
            .into_tuple::<Option<i32>>()
            .one(db)
            .await?
            .flatten(),
        _ => None,
    };
    Ok(readable(viewer, legal_entity_id, agency_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn viewer(role: Role, ids: &[i32]) -> Viewer {
        let agency = AgencyContacts {
            id: 7,
            name: "ARS Test".into(),
            quality_email: "q@ars.fr".into(),
            support_email: "s@ars.fr".into(),
            support_phone: "01".into(),
            departements: vec!["21".into()],
        };
        Viewer {
            user_id: 1,
            session_id: 1,
            email: "x@y.fr".into(),
            role,
            legal_entity_ids: ids.to_vec(),
            agency: Some(agency),
            now: chrono::Utc::now(),
        }
    }

    #[test]
    fn establishment_users_read_and_write_their_own_entities_only() {
        let user = viewer(Role::Establishment, &[1]);
        assert!(user.reads(1, Some(7)) && user.writes(1));
        assert!(!user.reads(2, Some(7)) && !user.writes(2));
        assert_eq!(user.administers(), None);
    }

    #[test]
    fn referents_read_what_they_follow_and_never_write() {
        let referent = viewer(Role::Referent, &[1, 2]);
        assert!(referent.reads(1, Some(7)) && referent.reads(2, None) && !referent.reads(3, Some(7)));
        assert!(!referent.writes(1));
        assert_eq!(referent.administers(), None);
    }

    #[test]
    fn agency_administrators_read_their_agency_and_write_no_establishment_data() {
        let admin = viewer(Role::Admin, &[]);
        assert!(admin.reads(42, Some(7)));
        assert!(!admin.reads(43, Some(8)) && !admin.reads(44, None));
        assert!(!admin.writes(42));
        assert_eq!(admin.administers(), Some(7));
        assert!(!admin.administers_agencies());
        let without_agency = Viewer { agency: None, ..admin };
        assert!(!without_agency.reads(42, Some(7)));
        assert_eq!(without_agency.administers(), None);
    }

    #[test]
    fn national_administrators_read_everything_and_administer_agencies_only() {
        let national = viewer(Role::NationalAdmin, &[]);
        assert!(national.reads(42, Some(7)) && national.reads(43, None));
        assert!(!national.writes(42));
        assert_eq!(national.administers(), None);
        assert!(national.administers_agencies());
    }
}

/// The same rules on the demo data, through the functions the services call.
#[cfg(test)]
mod service_tests {
    use ecars_core::vocabulary::NodeKind;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

    use ecars_core::vocabulary::Phase;

    use super::*;
    use crate::db::entities::{contract, evaluation, indicator};
    use crate::db::testing::{contract_named, demo_database, viewer};
    use crate::evaluation::access::{readable_contract, readable_question, writable_contract};

    async fn questions(db: &sea_orm::DatabaseConnection, contract_id: i32, national: bool) -> indicator::Model {
        crate::db::testing::current_indicators(db, contract_id)
            .await
            .filter(indicator::Column::NodeKind.eq(NodeKind::Question))
            .filter(indicator::Column::EditableByEstablishment.eq(!national))
            .one(db)
            .await
            .unwrap()
            .unwrap()
    }

    #[tokio::test]
    async fn an_agency_administrator_reads_its_agency_only_and_a_referent_what_it_follows() {
        let db = demo_database().await;
        let ara = viewer(&db, "admin-ara@ars.exemple.fr").await;
        let bfc = viewer(&db, "admin-bfc@ars.exemple.fr").await;
        let referent = viewer(&db, "referent@ars.exemple.fr").await;
        let caqes = contract_named(&db, "CAQES TEST").await;
        let performance = contract_named(&db, "CAQES PERFORMANCE 500").await;
        let acodege = contract::Entity::find()
            .filter(contract::Column::LegalEntityId.ne(caqes.legal_entity_id))
            .filter(contract::Column::LegalEntityId.ne(performance.legal_entity_id))
            .one(&db)
            .await
            .unwrap()
            .unwrap();

        assert!(readable_contract(&db, &ara, ecars_core::ids::ContractId(caqes.id)).await.is_ok());
        assert!(readable_contract(&db, &ara, ecars_core::ids::ContractId(performance.id)).await.is_ok());
        assert_eq!(
            readable_contract(&db, &ara, ecars_core::ids::ContractId(acodege.id)).await.unwrap_err(),
            AppError::NotFound
        );
        assert_eq!(
            readable_contract(&db, &bfc, ecars_core::ids::ContractId(caqes.id)).await.unwrap_err(),
            AppError::NotFound
        );
        assert!(readable_contract(&db, &bfc, ecars_core::ids::ContractId(acodege.id)).await.is_ok());
        assert_eq!(
            writable_contract(&db, &bfc, ecars_core::ids::ContractId(acodege.id)).await.unwrap_err(),
            AppError::Forbidden
        );
        assert_eq!(
            readable_legal_entity(&db, &bfc, crate::demo::CHU_GRENOBLE_FINESS).await.unwrap_err(),
            AppError::NotFound
        );
        let listed = crate::legal_entities::service::list(&db, ara.reach()).await.unwrap();
        let finesses: Vec<&str> = listed.iter().map(|row| row.entity.finess.as_str()).collect();
        assert!(
            finesses.contains(&crate::demo::CHU_GRENOBLE_FINESS) && !finesses.contains(&crate::demo::ACODEGE_FINESS)
        );

        // The referent, of the Auvergne-Rhône-Alpes agency, follows an entity of each.
        assert!(readable_contract(&db, &referent, ecars_core::ids::ContractId(acodege.id)).await.is_ok());
        assert_eq!(referent.agency.as_ref().map(|agency| agency.name.as_str()), Some(crate::demo::ARA));
        // An establishment user's agency is that of its legal entity (its footer names it).
        let acodege_user = viewer(&db, "acodege@exemple.fr").await;
        assert_eq!(acodege_user.agency.map(|agency| agency.name), Some(crate::demo::BFC.to_owned()));
    }

    #[tokio::test]
    async fn who_reads_and_who_changes_each_contract_question_and_establishment() {
        let db = demo_database().await;
        let chu = viewer(&db, "chu-grenoble@exemple.fr").await;
        let referent = viewer(&db, "referent@ars.exemple.fr").await;
        let admin = viewer(&db, "admin@ars.exemple.fr").await;
        let caqes = contract_named(&db, "CAQES TEST").await;
        let other = contract_named(&db, "CAQES PERFORMANCE 500").await;

        // The establishment user: its own contract, editable in Auto-Evaluation; another entity's
        // is "not found", exactly like one that does not exist.
        assert!(readable_contract(&db, &chu, ecars_core::ids::ContractId(caqes.id)).await.unwrap().editable);
        assert!(writable_contract(&db, &chu, ecars_core::ids::ContractId(caqes.id)).await.is_ok());
        assert_eq!(
            readable_contract(&db, &chu, ecars_core::ids::ContractId(other.id)).await.unwrap_err(),
            AppError::NotFound
        );
        assert_eq!(
            readable_contract(&db, &chu, ecars_core::ids::ContractId(999_999)).await.unwrap_err(),
            AppError::NotFound
        );
        assert_eq!(
            writable_contract(&db, &chu, ecars_core::ids::ContractId(other.id)).await.unwrap_err(),
            AppError::NotFound
        );

        // The referent reads what it follows and changes nothing; the rest is "not found".
        assert!(!readable_contract(&db, &referent, ecars_core::ids::ContractId(caqes.id)).await.unwrap().editable);
        assert_eq!(
            writable_contract(&db, &referent, ecars_core::ids::ContractId(caqes.id)).await.unwrap_err(),
            AppError::Forbidden
        );
        assert_eq!(
            readable_contract(&db, &referent, ecars_core::ids::ContractId(other.id)).await.unwrap_err(),
            AppError::NotFound
        );

        // The administrator reads everything and changes no establishment data.
        for id in [caqes.id, other.id] {
            assert!(!readable_contract(&db, &admin, ecars_core::ids::ContractId(id)).await.unwrap().editable);
            assert_eq!(
                writable_contract(&db, &admin, ecars_core::ids::ContractId(id)).await.unwrap_err(),
                AppError::Forbidden
            );
        }

        // Questions: the establishment answers its own, never the national ones (grey).
        let own = questions(&db, caqes.id, false).await;
        let national = questions(&db, caqes.id, true).await;
        let (question, access) = readable_question(&db, &chu, ecars_core::ids::QuestionId(own.id)).await.unwrap();
        assert!(access.may_answer(&question));
        let (question, access) = readable_question(&db, &chu, ecars_core::ids::QuestionId(national.id)).await.unwrap();
        assert!(!access.may_answer(&question));
        let (question, access) = readable_question(&db, &referent, ecars_core::ids::QuestionId(own.id)).await.unwrap();
        assert!(!access.may_answer(&question));
        let elsewhere = questions(&db, other.id, false).await;
        assert_eq!(
            readable_question(&db, &chu, ecars_core::ids::QuestionId(elsewhere.id)).await.unwrap_err(),
            AppError::NotFound
        );
        // An objective is not a question.
        let objective = crate::db::testing::current_indicators(&db, caqes.id)
            .await
            .filter(indicator::Column::NodeKind.eq(NodeKind::Objective))
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            readable_question(&db, &chu, ecars_core::ids::QuestionId(objective.id)).await.unwrap_err(),
            AppError::NotFound
        );

        // Establishments follow their legal entity.
        let own_site = establishment::Entity::find()
            .filter(establishment::Column::LegalEntityId.eq(caqes.legal_entity_id))
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        let other_site = establishment::Entity::find()
            .filter(establishment::Column::LegalEntityId.ne(caqes.legal_entity_id))
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        assert!(readable_establishment(&db, &chu, own_site.id).await.is_ok());
        assert_eq!(readable_establishment(&db, &chu, other_site.id).await.unwrap_err(), AppError::NotFound);
        assert!(check_writes(&chu, own_site.legal_entity_id).is_ok());
        assert_eq!(check_writes(&referent, own_site.legal_entity_id).unwrap_err(), AppError::Forbidden);

        // Once in Consultation, nobody may change the evaluation any more.
        evaluation::Entity::update_many()
            .col_expr(evaluation::Column::Phase, sea_orm::sea_query::Expr::value(Phase::Consultation))
            .filter(evaluation::Column::ContractId.eq(caqes.id))
            .exec(&db)
            .await
            .unwrap();
        let closed = readable_contract(&db, &chu, ecars_core::ids::ContractId(caqes.id)).await.unwrap();
        assert!(!closed.editable);
        let (question, access) = readable_question(&db, &chu, ecars_core::ids::QuestionId(own.id)).await.unwrap();
        assert!(!access.may_answer(&question));
    }
}
