//! The stored vocabulary: each word is kept by name in a column and read back by the same name,
//! so its spelling here is the database's. The database derives are behind the `database` feature.

use serde::{Deserialize, Serialize};

/// Stored by name in `users.role`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "database", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "database", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum Role {
    /// Staff of an establishment: fills the self-evaluation of its legal entities.
    #[cfg_attr(feature = "database", sea_orm(string_value = "establishment"))]
    Establishment,
    /// Agency referent: reads the legal entities it follows.
    #[cfg_attr(feature = "database", sea_orm(string_value = "referent"))]
    Referent,
    /// Agency administrator: reads its agency's legal entities, loads them, manages its accounts.
    #[cfg_attr(feature = "database", sea_orm(string_value = "admin"))]
    Admin,
    /// National administrator: reads everything, creates the agencies and their first administrator.
    #[cfg_attr(feature = "database", sea_orm(string_value = "national-admin"))]
    NationalAdmin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Establishment, Role::Referent, Role::Admin, Role::NationalAdmin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Establishment => "establishment",
            Role::Referent => "referent",
            Role::Admin => "admin",
            Role::NationalAdmin => "national-admin",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Role::ALL.into_iter().find(|role| role.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Establishment => "Utilisateur d'établissement",
            Role::Referent => "Référent ARS (consultation)",
            Role::Admin => "Administrateur ARS",
            Role::NationalAdmin => "Administrateur national",
        }
    }

    /// Where the account lands after login: a referent follows its campaign first ("Suivi de la
    /// campagne"); everyone else starts from "Gestion des Contrats".
    pub fn home(self) -> &'static str {
        match self {
            Role::Referent => crate::routes::FOLLOW_UP_PATH,
            Role::Establishment | Role::Admin | Role::NationalAdmin => crate::routes::HOME_PATH,
        }
    }

    /// What the legal entities of the account are to it.
    pub fn entities_label(self) -> &'static str {
        match self {
            Role::Referent => "Entités juridiques suivies",
            _ => "Entités juridiques rattachées",
        }
    }
}

/// "Etat en cours" of a yearly evaluation, stored by name in `evaluations.phase`: the
/// establishment's self-evaluation, then the stages of the agency's evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "database", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "database", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum Phase {
    /// The establishment may edit its self-evaluation.
    #[cfg_attr(feature = "database", sea_orm(string_value = "auto_evaluation"))]
    AutoEvaluation,
    /// Closed by the establishment: read-only for it, waiting for the agency's evaluation.
    #[cfg_attr(feature = "database", sea_orm(string_value = "consultation"))]
    Consultation,
    /// The agency appraises the indicators (from its first saved appraisal).
    #[cfg_attr(feature = "database", sea_orm(string_value = "agency_evaluation"))]
    AgencyEvaluation,
    /// The provisional evaluation was notified: the establishment may answer until the deadline.
    #[cfg_attr(feature = "database", sea_orm(string_value = "provisional_notified"))]
    ProvisionalNotified,
    /// The establishment sent its observations.
    #[cfg_attr(feature = "database", sea_orm(string_value = "observations_received"))]
    ObservationsReceived,
    /// The final evaluation was notified: read-only for everyone.
    #[cfg_attr(feature = "database", sea_orm(string_value = "final"))]
    Final,
}

impl Phase {
    /// In the order a year goes through them.
    pub const ALL: [Phase; 6] = [
        Phase::AutoEvaluation,
        Phase::Consultation,
        Phase::AgencyEvaluation,
        Phase::ProvisionalNotified,
        Phase::ObservationsReceived,
        Phase::Final,
    ];

    /// Every phase after the establishment closed its self-evaluation.
    pub const CLOSED: [Phase; 5] = [
        Phase::Consultation,
        Phase::AgencyEvaluation,
        Phase::ProvisionalNotified,
        Phase::ObservationsReceived,
        Phase::Final,
    ];

    /// The establishment closed its self-evaluation (whatever the agency did since).
    pub fn is_closed(self) -> bool {
        self != Phase::AutoEvaluation
    }

    /// The agency notified its provisional evaluation: both sides read it.
    pub fn is_notified(self) -> bool {
        matches!(self, Phase::ProvisionalNotified | Phase::ObservationsReceived | Phase::Final)
    }

    /// The agency may still change its appraisals before notifying them.
    pub fn is_appraisable(self) -> bool {
        matches!(self, Phase::Consultation | Phase::AgencyEvaluation)
    }

    /// The name in addresses (the dashboard's filter) and in the modifier of the banner's class.
    pub fn code(self) -> &'static str {
        match self {
            Phase::AutoEvaluation => "auto_evaluation",
            Phase::Consultation => "consultation",
            Phase::AgencyEvaluation => "evaluation_agence",
            Phase::ProvisionalNotified => "provisoire",
            Phase::ObservationsReceived => "observations",
            Phase::Final => "definitive",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Phase::ALL.into_iter().find(|phase| phase.code() == code)
    }

    /// The modifier of the banner's CSS class.
    pub fn css_modifier(self) -> &'static str {
        self.code()
    }

    /// The label of the guide's banner, and of the stages of the agency's evaluation.
    pub fn label(self) -> &'static str {
        match self {
            Phase::AutoEvaluation => "Auto-Evaluation",
            Phase::Consultation => "Consultation",
            Phase::AgencyEvaluation => "Évaluation par l'agence",
            Phase::ProvisionalNotified => "Évaluation provisoire notifiée",
            Phase::ObservationsReceived => "Observations reçues",
            Phase::Final => "Évaluation définitive",
        }
    }
}

/// A letter of the agency about an evaluation, stored by name in `notifications.kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "database", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "database", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum NotificationKind {
    /// "Évaluation provisoire": opens the contradictory exchange.
    #[cfg_attr(feature = "database", sea_orm(string_value = "provisoire"))]
    Provisional,
    /// "Évaluation définitive": the motivated decision.
    #[cfg_attr(feature = "database", sea_orm(string_value = "definitive"))]
    Final,
}

impl NotificationKind {
    pub fn label(self) -> &'static str {
        match self {
            NotificationKind::Provisional => "Évaluation provisoire",
            NotificationKind::Final => "Évaluation définitive",
        }
    }
}

/// The type of a contract, stored as its name in `contracts.kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "database", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "database", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum ContractKind {
    /// Quality and efficiency of care (hospitals), evaluated yearly by self-evaluation.
    #[cfg_attr(feature = "database", sea_orm(string_value = "CAQES"))]
    Caqes,
    /// Multi-year objectives and means (medico-social).
    #[cfg_attr(feature = "database", sea_orm(string_value = "CPOM"))]
    Cpom,
}

impl ContractKind {
    pub const ALL: [ContractKind; 2] = [ContractKind::Caqes, ContractKind::Cpom];

    /// `CAQES` or `CPOM`, as forms send it.
    pub fn parse(text: &str) -> Option<Self> {
        ContractKind::ALL.into_iter().find(|kind| kind.label() == text.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            ContractKind::Caqes => "CAQES",
            ContractKind::Cpom => "CPOM",
        }
    }
}

/// The domain of a legal entity or an establishment, stored as its label.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "database", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "database", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum Domain {
    #[cfg_attr(feature = "database", sea_orm(string_value = "Sanitaire"))]
    Sanitaire,
    #[cfg_attr(feature = "database", sea_orm(string_value = "Médicosocial"))]
    MedicoSocial,
}

impl Domain {
    pub fn label(self) -> &'static str {
        match self {
            Domain::Sanitaire => "Sanitaire",
            Domain::MedicoSocial => "Médicosocial",
        }
    }
}

/// How a question's achieved value ("Réalisé") is entered; stored by name in
/// `indicators.value_kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "database", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "database", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum ValueKind {
    #[cfg_attr(feature = "database", sea_orm(string_value = "yes_no"))]
    YesNo,
    #[cfg_attr(feature = "database", sea_orm(string_value = "percentage"))]
    Percentage,
    #[cfg_attr(feature = "database", sea_orm(string_value = "number"))]
    Number,
    #[cfg_attr(feature = "database", sea_orm(string_value = "text"))]
    Text,
}

impl ValueKind {
    const ALL: [ValueKind; 4] = [ValueKind::YesNo, ValueKind::Percentage, ValueKind::Number, ValueKind::Text];

    /// Its stored name, also written in the answer form for the browser's checks.
    pub fn name(self) -> &'static str {
        match self {
            ValueKind::YesNo => "yes_no",
            ValueKind::Percentage => "percentage",
            ValueKind::Number => "number",
            ValueKind::Text => "text",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.name() == name)
    }
}

/// Stored by name in `journal_entries.kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "database", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "database", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum ChangeKind {
    #[cfg_attr(feature = "database", sea_orm(string_value = "agency_created"))]
    AgencyCreated,
    #[cfg_attr(feature = "database", sea_orm(string_value = "finess_imported"))]
    FinessImported,
    #[cfg_attr(feature = "database", sea_orm(string_value = "account_invited"))]
    AccountInvited,
    #[cfg_attr(feature = "database", sea_orm(string_value = "referential_imported"))]
    ReferentialImported,
    #[cfg_attr(feature = "database", sea_orm(string_value = "security_event"))]
    SecurityEvent,
    #[cfg_attr(feature = "database", sea_orm(string_value = "contract_created"))]
    ContractCreated,
    #[cfg_attr(feature = "database", sea_orm(string_value = "account_entities_changed"))]
    AccountEntitiesChanged,
    #[cfg_attr(feature = "database", sea_orm(string_value = "account_unlocked"))]
    AccountUnlocked,
    #[cfg_attr(feature = "database", sea_orm(string_value = "account_deactivated"))]
    AccountDeactivated,
    #[cfg_attr(feature = "database", sea_orm(string_value = "account_reactivated"))]
    AccountReactivated,
    #[cfg_attr(feature = "database", sea_orm(string_value = "invitation_resent"))]
    InvitationResent,
    #[cfg_attr(feature = "database", sea_orm(string_value = "contract_edited"))]
    ContractEdited,
    #[cfg_attr(feature = "database", sea_orm(string_value = "window_extended"))]
    WindowExtended,
    #[cfg_attr(feature = "database", sea_orm(string_value = "campaign_opened"))]
    CampaignOpened,
    #[cfg_attr(feature = "database", sea_orm(string_value = "national_values_imported"))]
    NationalValuesImported,
    #[cfg_attr(feature = "database", sea_orm(string_value = "appraisal_saved"))]
    AppraisalSaved,
    #[cfg_attr(feature = "database", sea_orm(string_value = "phase_changed"))]
    PhaseChanged,
}

impl ChangeKind {
    pub const ALL: [ChangeKind; 17] = [
        ChangeKind::AgencyCreated,
        ChangeKind::FinessImported,
        ChangeKind::AccountInvited,
        ChangeKind::ReferentialImported,
        ChangeKind::SecurityEvent,
        ChangeKind::ContractCreated,
        ChangeKind::AccountEntitiesChanged,
        ChangeKind::AccountUnlocked,
        ChangeKind::AccountDeactivated,
        ChangeKind::AccountReactivated,
        ChangeKind::InvitationResent,
        ChangeKind::ContractEdited,
        ChangeKind::WindowExtended,
        ChangeKind::CampaignOpened,
        ChangeKind::NationalValuesImported,
        ChangeKind::AppraisalSaved,
        ChangeKind::PhaseChanged,
    ];

    /// Its name in addresses (the journal's filter), the one it is stored by.
    pub fn code(self) -> &'static str {
        match self {
            ChangeKind::AgencyCreated => "agency_created",
            ChangeKind::FinessImported => "finess_imported",
            ChangeKind::AccountInvited => "account_invited",
            ChangeKind::ReferentialImported => "referential_imported",
            ChangeKind::SecurityEvent => "security_event",
            ChangeKind::ContractCreated => "contract_created",
            ChangeKind::AccountEntitiesChanged => "account_entities_changed",
            ChangeKind::AccountUnlocked => "account_unlocked",
            ChangeKind::AccountDeactivated => "account_deactivated",
            ChangeKind::AccountReactivated => "account_reactivated",
            ChangeKind::InvitationResent => "invitation_resent",
            ChangeKind::ContractEdited => "contract_edited",
            ChangeKind::WindowExtended => "window_extended",
            ChangeKind::CampaignOpened => "campaign_opened",
            ChangeKind::NationalValuesImported => "national_values_imported",
            ChangeKind::AppraisalSaved => "appraisal_saved",
            ChangeKind::PhaseChanged => "phase_changed",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        ChangeKind::ALL.into_iter().find(|kind| kind.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            ChangeKind::AgencyCreated => "Création d'une agence",
            ChangeKind::FinessImported => "Import du fichier FINESS",
            ChangeKind::AccountInvited => "Invitation d'un utilisateur",
            ChangeKind::ReferentialImported => "Import d'un référentiel d'indicateurs",
            ChangeKind::SecurityEvent => "Événement de sécurité",
            ChangeKind::ContractCreated => "Création d'un contrat",
            ChangeKind::AccountEntitiesChanged => "Changement des entités d'un compte",
            ChangeKind::AccountUnlocked => "Déblocage d'un compte",
            ChangeKind::AccountDeactivated => "Désactivation d'un compte",
            ChangeKind::AccountReactivated => "Réactivation d'un compte",
            ChangeKind::InvitationResent => "Nouvel envoi d'une invitation",
            ChangeKind::ContractEdited => "Modification d'un contrat",
            ChangeKind::WindowExtended => "Prolongation d'une saisie",
            ChangeKind::CampaignOpened => "Ouverture d'une campagne",
            ChangeKind::NationalValuesImported => "Import de valeurs d'indicateurs nationaux",
            ChangeKind::AppraisalSaved => "Appréciation d'un indicateur par l'agence",
            ChangeKind::PhaseChanged => "Changement d'étape d'une évaluation",
        }
    }
}

/// An inner node or a leaf of the indicator tree, stored by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "database", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "database", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum NodeKind {
    /// "Objectif / sous-objectif", numbered 1.1, 2.1.1...
    #[cfg_attr(feature = "database", sea_orm(string_value = "objective"))]
    Objective,
    /// "Indicateur / Question", numbered 1.1.1.a...
    #[cfg_attr(feature = "database", sea_orm(string_value = "question"))]
    Question,
}

/// A mail a user may stop, each for one role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MailPreference {
    /// "Rappels de fin de campagne", to establishment users.
    Reminders,
    /// "Récapitulatif hebdomadaire du suivi", to referents.
    Digest,
}

impl MailPreference {
    pub const ALL: [MailPreference; 2] = [MailPreference::Reminders, MailPreference::Digest];

    /// The form's value, and the query parameter of "Mon compte" once saved (`?rappels=0`).
    pub fn code(self) -> &'static str {
        match self {
            MailPreference::Reminders => "rappels",
            MailPreference::Digest => "recapitulatif",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        MailPreference::ALL.into_iter().find(|preference| preference.code() == code.trim())
    }

    /// The one a role may stop, if any.
    pub fn of_role(role: Role) -> Option<Self> {
        MailPreference::ALL.into_iter().find(|preference| preference.role() == role)
    }

    pub fn role(self) -> Role {
        match self {
            MailPreference::Reminders => Role::Establishment,
            MailPreference::Digest => Role::Referent,
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            MailPreference::Reminders => "Rappels de fin de campagne",
            MailPreference::Digest => "Récapitulatif hebdomadaire du suivi",
        }
    }

    /// The checkbox.
    pub fn label(self) -> &'static str {
        match self {
            MailPreference::Reminders => "Recevoir les rappels de fin de campagne",
            MailPreference::Digest => "Recevoir le récapitulatif hebdomadaire du suivi",
        }
    }

    pub fn hint(self) -> &'static str {
        match self {
            MailPreference::Reminders => "14, 7 et 1 jour(s) avant la fin de la saisie, tant qu'elle n'est pas close.",
            MailPreference::Digest => {
                "Une fois par semaine, les évaluations que vous suivez closes depuis le précédent et celles en \
                 retard ; rien quand il n'y a rien à dire."
            }
        }
    }

    /// What "Mon compte" says once the choice is saved.
    pub fn message(self, wanted: bool) -> &'static str {
        match (self, wanted) {
            (MailPreference::Reminders, true) => "Vous recevrez les rappels de fin de campagne.",
            (MailPreference::Reminders, false) => "Vous ne recevrez plus les rappels de fin de campagne.",
            (MailPreference::Digest, true) => "Vous recevrez le récapitulatif hebdomadaire du suivi.",
            (MailPreference::Digest, false) => "Vous ne recevrez plus le récapitulatif hebdomadaire du suivi.",
        }
    }

    /// The last line of each such mail.
    pub fn opt_out(self) -> String {
        let what = match self {
            MailPreference::Reminders => "ces rappels",
            MailPreference::Digest => "ce récapitulatif",
        };
        format!("Vous ne souhaitez plus {what} ? Décochez « {} » dans « Mon compte ».", self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_stored_by_name() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn change_kinds_are_read_back_by_code() {
        for kind in ChangeKind::ALL {
            assert_eq!(ChangeKind::parse(kind.code()), Some(kind));
        }
        assert_eq!(ChangeKind::parse("deleted"), None);
    }

    /// The derive writes the names the rules read (`name`, `from_name`).
    #[test]
    #[cfg(feature = "database")]
    fn a_kind_of_value_has_the_name_it_is_stored_under() {
        use sea_orm::ActiveEnum;
        for kind in ValueKind::ALL {
            assert_eq!(kind.to_value(), kind.name());
            assert_eq!(ValueKind::from_name(kind.name()), Some(kind));
        }
        assert_eq!(ValueKind::from_name("Percentage"), None);
    }
}
