//! What the use cases need from the outside world: storage and a place to
//! run CPU-heavy work. `tollgate-storage` and the server implement these.
use std::future::Future;

use chrono::{DateTime, Utc};

use crate::error::DomainError;
use crate::ids::UserRef;
use crate::recovery::StoredCode;
use crate::secret::Sealed;
use crate::totp::TotpParams;

/// Where an authenticator-app credential stands in storage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoredTotpState {
    Pending,
    Enabled,
}

/// A user's authenticator-app credential as stored.
#[derive(Debug, Clone)]
pub struct TotpRecord {
    pub state: StoredTotpState,
    pub sealed_secret: Sealed,
    pub params: TotpParams,
    /// Bumped by every BeginTotp, so a confirmation applies only to the
    /// secret it was checked against.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub pending_expires_at: Option<DateTime<Utc>>,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub last_used_step: Option<u64>,
}

/// A pending credential to store.
#[derive(Debug, Clone)]
pub struct PendingTotp {
    pub sealed_secret: Sealed,
    pub params: TotpParams,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// A whole set of recovery codes, to replace any earlier set.
#[derive(Debug, Clone)]
pub struct NewRecoverySet {
    pub codes: Vec<StoredCode>,
    pub generated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RecoveryStatus {
    pub remaining: u32,
    pub total: u32,
    pub generated_at: Option<DateTime<Utc>>,
}

/// Persistence. Every method that must not take effect twice is a single
/// conditional statement or transaction, so replicas sharing one database
/// agree.
pub trait Store: Send + Sync + 'static {
    /// The user's credential, pending or enabled.
    fn totp(
        &self,
        user: &UserRef,
    ) -> impl Future<Output = Result<Option<TotpRecord>, DomainError>> + Send;

    /// Stores a pending secret, replacing an earlier pending one.
    /// `AlreadyEnabled` when the user's credential is enabled.
    fn save_pending_totp(
        &self,
        user: &UserRef,
        pending: PendingTotp,
    ) -> impl Future<Output = Result<(), DomainError>> + Send;

    /// Enables the pending credential of this `version` if it has not expired
    /// at `now`, records `used_step`, and stores `recovery` (replacing any
    /// set) in the same transaction. `NoPendingEnrollment` otherwise.
    fn enable_totp(
        &self,
        user: &UserRef,
        version: i64,
        now: DateTime<Utc>,
        used_step: u64,
        recovery: Option<NewRecoverySet>,
    ) -> impl Future<Output = Result<(), DomainError>> + Send;

    /// Removes the credential; with it gone and no other method enabled, the
    /// recovery codes too. Returns whether a credential was removed.
    fn disable_totp(
        &self,
        user: &UserRef,
    ) -> impl Future<Output = Result<bool, DomainError>> + Send;

    fn recovery_status(
        &self,
        user: &UserRef,
    ) -> impl Future<Output = Result<RecoveryStatus, DomainError>> + Send;

    /// Replaces the user's recovery codes in one transaction, only while a
    /// method is enabled (`NotEnrolled` otherwise).
    fn replace_recovery_codes(
        &self,
        user: &UserRef,
        set: NewRecoverySet,
    ) -> impl Future<Output = Result<(), DomainError>> + Send;
}

/// Runs CPU-heavy work (argon2) where it does not stall request handling.
pub trait Offload: Send + Sync + 'static {
    fn run<T, F>(&self, work: F) -> impl Future<Output = Result<T, DomainError>> + Send
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static;
}

/// Which channel a message goes out on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Email,
    Sms,
}

/// A message for a user: a sign-in code or a contact confirmation.
#[derive(Debug, Clone)]
pub struct OutgoingMessage {
    pub channel: Channel,
    pub recipient: String,
    pub subject: String,
    /// Carries a code or link: never log it.
    pub body: crate::secret::SecretString,
}

/// Hands messages to a transport (SMTP, an SMS provider, the outbox).
/// `tollgate-delivery` implements it.
pub trait MessageSender: Send + Sync + 'static {
    fn send(&self, message: OutgoingMessage) -> impl Future<Output = Result<(), DomainError>> + Send;
}
