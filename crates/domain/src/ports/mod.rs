//! What the use cases need from the outside world: storage and a place to
//! run CPU-heavy work. `tollgate-storage` and the server implement these.
//!
//! Storage is one small trait per area ([`EnrollmentStore`],
//! [`ChallengeStore`], [`LockoutStore`], [`DeliveryStore`], [`AdminStore`],
//! [`WebAuthnStore`], [`SessionStore`], [`NotificationStore`]),
//! each beside the records it exchanges; [`Store`] is their sum, what a use
//! case asks for.
use std::future::Future;

use chrono::{DateTime, Utc};

use crate::error::DomainError;
use crate::ids::{TenantId, UserId};
use crate::policy::Method;

mod admin;
mod challenge;
mod delivery;
mod enrollment;
mod lockout;
mod notification;
mod session;
mod webauthn;
pub use admin::*;
pub use challenge::*;
pub use delivery::*;
pub use enrollment::*;
pub use lockout::*;
pub use notification::*;
pub use session::*;
pub use webauthn::*;

/// Where a request came from, as the application reports it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientInfo {
    pub ip: String,
    pub user_agent: String,
}

/// Success or failure, for the audit log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Failure,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::Failure => "failure",
        }
    }
}

/// One audit-log entry. Never holds a code, token or secret.
#[derive(Debug, Clone)]
pub struct AuditEvent {
    pub tenant: TenantId,
    /// The user concerned; `None` for tenant-wide events (policy changes).
    pub user: Option<UserId>,
    /// e.g. "challenge.verified", "totp.enabled".
    pub kind: &'static str,
    /// Who acted: the user themself unless an administrator did.
    pub actor_id: String,
    pub method: Option<Method>,
    pub outcome: Outcome,
    /// The failure reason, e.g. CODE_MISMATCH.
    pub reason: &'static str,
    pub client: ClientInfo,
    pub occurred_at: DateTime<Utc>,
    pub details: Vec<(String, String)>,
}

/// Persistence: every area's storage. Every method that must not take
/// effect twice is a single conditional statement or transaction, so
/// replicas sharing one database agree.
pub trait Store:
    EnrollmentStore
    + ChallengeStore
    + LockoutStore
    + DeliveryStore
    + AdminStore
    + WebAuthnStore
    + SessionStore
    + NotificationStore
{
}

impl<S> Store for S where
    S: EnrollmentStore
        + ChallengeStore
        + LockoutStore
        + DeliveryStore
        + AdminStore
        + WebAuthnStore
        + SessionStore
        + NotificationStore
{
}

/// Runs CPU-heavy work (argon2) where it does not stall request handling.
pub trait Offload: Send + Sync + 'static {
    fn run<T, F>(&self, work: F) -> impl Future<Output = Result<T, DomainError>> + Send
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static;
}
