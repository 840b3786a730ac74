//! End-to-end tests: the real server started in-process on a Unix socket in a
//! temporary directory, a real tonic client, a real SQLite file and, when
//! TOLLGATE_TEST_POSTGRES_URL is set, a fresh Postgres database per test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

mod abuse;
mod access;
mod binary;
mod challenge;
mod cli;
mod connections;
mod delivery;
mod enrollment;
mod erasure;
mod faults;
mod import;
mod import_cli;
mod migrate;
mod notifications;
mod policy;
mod retention;
mod secrets;
mod service;
mod soft_authenticator;
mod step_up;
mod telemetry;
mod tls;
mod transports;
mod webauthn;
