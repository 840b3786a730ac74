//! tollgate's gRPC contract for Rust: the messages, client stubs and
//! reflection descriptor set generated from the repository's proto/ files.
//!
//! A Rust application depends on this crate for a typed client without
//! building the server: `v1::challenge_service_client::ChallengeServiceClient`
//! and its siblings, over a `tonic` channel. The server traits
//! (`v1::*_server`) come with the `server` feature, which the tollgate
//! server turns on.
#![forbid(unsafe_code)]

/// Generated gRPC types and services for package `tollgate.v1`.
pub mod v1 {
    #![allow(
        clippy::all,
        clippy::pedantic,
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic
    )]
    #![allow(missing_docs)]
    tonic::include_proto!("tollgate.v1");

    /// The encoded descriptor set served by reflection.
    pub const FILE_DESCRIPTOR_SET: &[u8] =
        tonic::include_file_descriptor_set!("tollgate_descriptor");
}
