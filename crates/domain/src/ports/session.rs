//! Storage of step-up records: when an application session last passed a
//! second factor. A record is written by the completion of a verification
//! (`ChallengeStore::complete_challenge`, in the same guarded write); this
//! port reads and forgets them.
use std::future::Future;

use chrono::{DateTime, Utc};

use crate::error::DomainError;
use crate::ids::UserRef;
use crate::policy::Method;

/// What a completion records for a session: it passed `method` at
/// `verified_at`. Stored under the keyed hash of the application's session
/// id, never the id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedSession {
    pub session_hash: String,
    pub method: Method,
    pub verified_at: DateTime<Utc>,
}

impl VerifiedSession {
    /// Whether the method resists phishing (a passkey or security key).
    pub fn phishing_resistant(&self) -> bool {
        self.method == Method::WebAuthn
    }
}

/// A session's record as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// The last second factor the session passed, and when.
    pub verified_at: DateTime<Utc>,
    pub method: Method,
    /// When it last passed a phishing-resistant one, if ever.
    pub phishing_resistant_at: Option<DateTime<Utc>>,
}

/// Storage of step-up records.
pub trait SessionStore: Send + Sync + 'static {
    /// The user's session stored under one of `session_hashes` (the id's
    /// hash under each configured key), the most recent if several.
    fn session(
        &self,
        user: &UserRef,
        session_hashes: &[String],
    ) -> impl Future<Output = Result<Option<SessionRecord>, DomainError>> + Send;

    /// Forgets the user's session stored under any of `session_hashes`;
    /// returns how many records went (0 for an unknown session).
    fn end_session(
        &self,
        user: &UserRef,
        session_hashes: &[String],
    ) -> impl Future<Output = Result<u64, DomainError>> + Send;
}
