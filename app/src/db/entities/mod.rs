//! One sea-orm entity per table of `migrations/`.

pub mod agency;
pub mod agency_note;
pub mod answer;
pub mod answer_history;
pub mod campaign;
pub mod closing;
pub mod contact;
pub mod contract;
pub mod contract_establishment;
pub mod digest;
pub mod document;
pub mod establishment;
pub mod evaluation;
pub mod indicator;
pub mod journal_entry;
pub mod legal_entity;
pub mod login_failure;
pub mod outbox_message;
pub mod referential;
pub mod referential_node;
pub mod referential_version;
pub mod reminder;
pub mod session;
pub mod user;
pub mod user_legal_entity;
pub mod verification_code;
