//! Storage of sign-in challenges, their completion and trusted devices.
use std::future::Future;

use chrono::{DateTime, Utc};

use super::{AuditEvent, ClientInfo, LockoutGuard, NewNotice, TotpRecord, VerifiedSession};
use crate::error::DomainError;
use crate::ids::UserRef;
use crate::lockout::LockoutState;
use crate::policy::Method;

/// Where a challenge stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChallengeStatus {
    Open,
    Completed,
    Cancelled,
}

/// A sign-in challenge as stored.
#[derive(Debug, Clone)]
pub struct ChallengeRecord {
    /// Methods the user may answer with, default first.
    pub methods: Vec<Method>,
    /// The email/SMS code last sent: its keyed hash, method and expiry.
    pub code: Option<(String, Method, DateTime<Utc>)>,
    /// The audience whose policy applies.
    pub audience: String,
    pub status: ChallengeStatus,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// The WebAuthn sign-in ceremony's state, when WebAuthn is offered.
    pub webauthn_state: Option<String>,
    /// A step-up challenge: the keyed hash of the application session it
    /// was begun for (see `step_up`).
    pub session_hash: Option<String>,
}

/// What VerifyChallenge reads before it checks a code, read at once.
#[derive(Debug)]
pub struct VerificationContext {
    pub challenge: ChallengeRecord,
    /// The user's lockout state and its version, for compare-and-swap.
    pub lockout: (LockoutState, i64),
    /// The user's TOTP credential, pending or enabled.
    pub totp: Option<TotpRecord>,
    /// Recovery codes not yet spent.
    pub recovery_remaining: u32,
}

/// A challenge to store, under the keyed hash of its id.
#[derive(Debug, Clone)]
pub struct NewChallenge {
    pub id_hash: String,
    pub methods: Vec<Method>,
    pub audience: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub client: ClientInfo,
    /// The WebAuthn sign-in ceremony's state, when WebAuthn is offered.
    pub webauthn_state: Option<String>,
    /// A step-up challenge: the keyed hash of its application session.
    pub session_hash: Option<String>,
}

/// A trusted device to store, under the keyed hash of its token.
#[derive(Debug, Clone)]
pub struct NewTrustedDevice {
    pub device_id: String,
    pub token_hash: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub client: ClientInfo,
}

/// What a successful verification consumes, conditionally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Consume {
    /// This TOTP step, if no later-or-equal step was used before.
    TotpStep(u64),
    /// This recovery code, if it is unspent.
    RecoveryCode(i64),
    /// The challenge's email/SMS code with this keyed hash, if it is still
    /// the current one and unexpired.
    ChallengeCode(String),
    /// A WebAuthn assertion: the credential (by row id) stored anew with
    /// its moved counter and flags, if it is still at `version`.
    WebAuthn {
        id: i64,
        version: i64,
        credential: String,
    },
}

/// How completing a challenge ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Completion {
    Completed,
    /// The code was consumed by someone else first.
    CodeAlreadyUsed,
    /// The challenge was completed, cancelled or expired meanwhile.
    ChallengeClosed,
    /// The user's lockout row changed since it was read.
    LockoutChanged,
}

/// Storage of sign-in challenges, their completion and trusted devices.
pub trait ChallengeStore: Send + Sync + 'static {
    fn create_challenge(
        &self,
        user: &UserRef,
        challenge: NewChallenge,
    ) -> impl Future<Output = Result<(), DomainError>> + Send;

    /// The user's challenge with this id hash.
    fn challenge(
        &self,
        user: &UserRef,
        id_hash: &str,
    ) -> impl Future<Output = Result<Option<ChallengeRecord>, DomainError>> + Send;

    /// The user's challenge with this id hash, with the lockout state, the
    /// TOTP credential and the recovery count, in one read: the hot path of
    /// a verification.
    fn verification(
        &self,
        user: &UserRef,
        id_hash: &str,
    ) -> impl Future<Output = Result<Option<VerificationContext>, DomainError>> + Send;

    /// How many challenges, across all tenants, are open and unexpired.
    fn count_open_challenges(
        &self,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<u64, DomainError>> + Send;

    /// Cancels an open challenge; false when there is none to cancel.
    fn cancel_challenge(
        &self,
        user: &UserRef,
        id_hash: &str,
    ) -> impl Future<Output = Result<bool, DomainError>> + Send;

    /// In one transaction: consumes the code (`consume`), completes the open,
    /// unexpired challenge, stores the trusted device if any, records the
    /// application session's verification if any (an upsert: a session that
    /// steps up again is updated), and writes the audit event (and queues
    /// `notices` to the user's confirmed email address, if any), all only
    /// while the user's lockout row is still as the verification read it
    /// (`lockout`); with `lockout.reset`, the row is
    /// then cleared in the same transaction. Nothing changes unless all of
    /// it succeeds: a failure counted (or a lock set) by a parallel guess
    /// since the row was read stops it (`LockoutChanged`).
    #[allow(clippy::too_many_arguments)] // each is one part of the one write
    fn complete_challenge(
        &self,
        user: &UserRef,
        id_hash: &str,
        consume: Consume,
        now: DateTime<Utc>,
        device: Option<NewTrustedDevice>,
        session: Option<VerifiedSession>,
        audit: AuditEvent,
        notices: Vec<NewNotice>,
        lockout: LockoutGuard,
    ) -> impl Future<Output = Result<Completion, DomainError>> + Send;

    /// The id of an unrevoked, unexpired trusted device of the user whose
    /// token hash is one of `token_hashes`.
    fn trusted_device(
        &self,
        user: &UserRef,
        token_hashes: &[String],
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Option<String>, DomainError>> + Send;

    /// Revokes one device (or all with `None`); returns how many.
    fn revoke_trusted_devices(
        &self,
        user: &UserRef,
        device_id: Option<&str>,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<u32, DomainError>> + Send;
}
