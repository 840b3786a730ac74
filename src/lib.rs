//! tollgate: a two-factor authentication sidecar served over gRPC.
//!
//! [`cli`] parses the command line, [`config`] merges flags, environment and
//! the TOML file, [`server`] opens storage and keys and serves the gRPC
//! services in [`grpc`] on a Unix socket and/or TCP. [`client`] is the
//! command-line client of a running server.
#![forbid(unsafe_code)]

pub mod access;
mod api_key_command;
pub mod cli;
pub mod client;
pub mod config;
pub mod connections;
pub mod dispatch;
pub mod grpc;
pub mod keys;
pub mod qr;
pub mod server;
pub mod status;
pub mod telemetry;
pub mod transports;
pub mod workers;

/// Generated gRPC types and services for package `tollgate.v1`, from the
/// `tollgate-proto` crate (with its server traits).
pub use tollgate_proto::v1 as pb;
