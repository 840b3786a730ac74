//! Storage of security notifications. A notice is an outbox message whose
//! recipient the store takes from the user's confirmed email contact as it
//! writes the message, in the same statement (no confirmed address: no
//! message, and nothing fails).
use std::future::Future;

use chrono::{DateTime, Utc};

use super::{AuditEvent, MessageKind};
use crate::error::DomainError;
use crate::ids::UserRef;
use crate::secret::Sealed;

/// A security notification to put in the outbox for a user.
#[derive(Debug, Clone)]
pub struct NewNotice {
    pub id: String,
    pub kind: MessageKind,
    /// What happened and from which client, sealed and bound to the id
    /// like a code's message (never a code, secret or token).
    pub sealed_payload: Sealed,
    /// When the event happened.
    pub created_at: DateTime<Utc>,
    /// Not delivered after this.
    pub expires_at: DateTime<Utc>,
}

/// Storage of security notifications written apart from a sign-in write
/// (the challenge completion and the lockout swap take theirs in their own
/// write).
pub trait NotificationStore: Send + Sync + 'static {
    /// Writes `audit` (when given) and queues `notices` for `user`, in one
    /// transaction.
    fn record_noticed(
        &self,
        user: &UserRef,
        audit: Option<AuditEvent>,
        notices: Vec<NewNotice>,
    ) -> impl Future<Output = Result<(), DomainError>> + Send;
}
