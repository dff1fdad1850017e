//! Integration tests: the real server on port 0 with a fresh database (SQLite by default,
//! PostgreSQL with `ECARS_TEST_DATABASE=postgres`), requested over HTTP.

// A harness that stops on the first surprise, like a test: the workspace lints deny this elsewhere.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod access;
mod accounts;
mod administration;
mod agency_accounts;
mod agency_contracts;
mod answers;
mod appraisal;
mod campaigns;
mod closing;
mod cluster;
mod documents;
mod faults;
mod follow_up;
mod helpers;
mod hostile;
mod mail;
mod migrations;
mod national_values;
mod office_suite;
mod onboarding;
mod operations;
mod pages;
mod public_service;
mod query_plans;
mod referentials;
mod scale;
mod security;
mod startup;
