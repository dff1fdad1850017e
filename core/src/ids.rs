//! Typed identifiers of the main tables: a contract's id is not a question's, so swapping two
//! arguments no longer compiles. Each is the row's integer: serialized as the bare number (forms,
//! addresses and answers are unchanged) and, with the `database` feature, compared with and read
//! from the column as that integer.

use serde::{Deserialize, Serialize};

macro_rules! identifier {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "database", derive(sea_orm::DeriveValueType))]
        pub struct $name(pub i32);

        impl From<$name> for i32 {
            fn from(id: $name) -> i32 {
                id.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

identifier!(
    /// `contracts.id`.
    ContractId
);
identifier!(
    /// `evaluations.id`: one year of a contract's self-evaluation.
    EvaluationId
);
identifier!(
    /// `indicators.id` of a question (a leaf of the tree).
    QuestionId
);
identifier!(
    /// `users.id`.
    UserId
);
identifier!(
    /// `agencies.id`.
    AgencyId
);
identifier!(
    /// `legal_entities.id`.
    LegalEntityId
);
identifier!(
    /// `establishments.id`.
    EstablishmentId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_identifier_travels_as_its_bare_number() {
        assert_eq!(serde_json::to_string(&ContractId(12)).unwrap(), "12");
        assert_eq!(serde_json::from_str::<QuestionId>("7").unwrap(), QuestionId(7));
        assert_eq!(ContractId(3).to_string(), "3");
    }
}
