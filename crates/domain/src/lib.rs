//! tollgate's pure logic: TOTP, recovery codes, sealed secrets, identifiers,
//! policy defaults, the error vocabulary, and the enrolment use cases.
//!
//! Nothing here does I/O or reads the clock: time arrives through [`Clock`],
//! storage through the [`ports::Store`] trait, and CPU-heavy hashing through
//! the [`ports::Offload`] trait, so the caller decides where it runs.
#![forbid(unsafe_code)]

pub mod access;
pub mod admin;
pub mod bounds;
pub mod challenge;
pub mod clock;
pub mod contact;
pub mod delivery;
pub mod enrollment;
pub mod erasure;
pub mod error;
pub mod ids;
pub mod import;
pub mod lockout;
pub mod notification;
pub mod policy;
pub mod policy_cache;
pub mod ports;
pub mod random;
pub mod recovery;
pub mod reseal;
pub mod retention;
pub mod secret;
mod serde_time;
pub mod service;
pub mod step_up;
pub mod tenant_policy;
pub mod totp;
pub mod webauthn;

pub use clock::{Clock, ManualClock, SystemClock};
pub use error::{DomainError, FieldViolation};
pub use ids::{TenantId, UserId, UserRef};
