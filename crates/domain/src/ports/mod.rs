//! What the use cases need from the outside world: storage and a place to
//! run CPU-heavy work. `tollgate-storage` and the server implement these.
use std::future::Future;

use chrono::{DateTime, Utc};

use crate::error::DomainError;
use crate::ids::{TenantId, UserId, UserRef};
use crate::lockout::LockoutState;
use crate::policy::Method;
use crate::recovery::StoredCode;
use crate::secret::Sealed;
use crate::tenant_policy::TenantPolicy;
use crate::totp::TotpParams;

mod outbox;
pub use outbox::*;

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

/// A stored authenticator seed and whose it is, for re-sealing.
#[derive(Debug, Clone)]
pub struct StoredSeed {
    pub user: UserRef,
    pub sealed: Sealed,
}

/// The kinds of rows a purge deletes (see [`crate::retention`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purgeable {
    Challenges,
    Messages,
    TrustedDevices,
    AuditEvents,
}

/// What enabling a method did about recovery codes. Whether a method is
/// the user's first (which turns 2FA on and brings a set) is decided inside
/// the enabling transaction, with the user's other method changes held
/// off, so two methods enabled at once cannot both bring a set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecoveryOnEnable {
    /// The method is the user's first: it is on, and the offered set with it.
    Stored,
    /// Another method was already on: the method is on, the user's set
    /// stays, and any set offered was dropped.
    Kept,
    /// The method would be the user's first but no set was offered:
    /// nothing was written; enable again with a set.
    Needed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RecoveryStatus {
    pub remaining: u32,
    pub total: u32,
    pub generated_at: Option<DateTime<Utc>>,
}

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
}

/// What sign-in needs to know of a user's methods, read at once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserMethods {
    /// Every method the user has enabled (TOTP and the contact methods),
    /// in no particular order.
    pub enabled: Vec<Method>,
    /// The method the user chose to be offered first, if any.
    pub default: Option<Method>,
    /// Recovery codes not yet spent.
    pub recovery_remaining: u32,
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
}

/// Where a request came from, as the application reports it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientInfo {
    pub ip: String,
    pub user_agent: String,
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

/// A stored recovery code, spent or not.
#[derive(Debug, Clone)]
pub struct RecoveryCodeRecord {
    pub id: i64,
    pub code: StoredCode,
    pub spent: bool,
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

/// The lockout row a completion depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutGuard {
    /// The row's version as read (0: no row).
    pub version: i64,
    /// Whether it holds anything a success clears (failures, doubling).
    pub reset: bool,
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

/// A tenant's stored policy and its version (the etag).
#[derive(Debug, Clone)]
pub struct StoredPolicy {
    pub policy: TenantPolicy,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
}

/// Which users ListUsers returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserFilter {
    All,
    /// No method enabled.
    NotEnrolled,
    /// At least one method enabled.
    Enrolled,
    /// A registered contact not yet confirmed.
    UnconfirmedContact,
}

/// One user in ListUsers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserSummary {
    pub user_id: String,
    pub totp_state: Option<StoredTotpState>,
    /// Email and SMS, when turned on (TOTP is in `totp_state`).
    pub contact_methods: Vec<Method>,
    pub has_unconfirmed_contact: bool,
    pub recovery_codes_remaining: u32,
    pub grace_logins_used: u32,
    pub locked_until: Option<DateTime<Utc>>,
}

/// A page of users, ordered by user id, after `after`.
#[derive(Debug, Clone)]
pub struct UserQuery {
    pub tenant: TenantId,
    pub filter: UserFilter,
    pub after: Option<String>,
    pub limit: u32,
}

/// A page of audit events, newest first, older than `before_id`.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub user_id: Option<String>,
    pub kinds: Vec<String>,
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
    pub before_id: Option<i64>,
    pub limit: u32,
}

/// An audit event as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub id: i64,
    pub user_id: String,
    pub kind: String,
    pub actor_id: String,
    pub method: Option<Method>,
    pub outcome: String,
    pub reason: String,
    pub client: ClientInfo,
    pub occurred_at: DateTime<Utc>,
    pub details: Vec<(String, String)>,
    /// Who made the call that wrote the event (see the access module).
    pub caller: String,
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
    /// at `now` and records `used_step`; when it is the user's first method,
    /// stores `recovery` (replacing any set) in the same transaction (see
    /// [`RecoveryOnEnable`]). `NoPendingEnrollment` when there is no such
    /// pending credential.
    fn enable_totp(
        &self,
        user: &UserRef,
        version: i64,
        now: DateTime<Utc>,
        used_step: u64,
        recovery: Option<NewRecoverySet>,
    ) -> impl Future<Output = Result<RecoveryOnEnable, DomainError>> + Send;

    /// Removes the credential; with it gone and no other method enabled, the
    /// recovery codes and trusted devices too. Returns whether a credential
    /// was removed.
    fn disable_totp(
        &self,
        user: &UserRef,
        now: DateTime<Utc>,
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

    /// Every recovery code of the user, spent or not.
    fn recovery_codes(
        &self,
        user: &UserRef,
    ) -> impl Future<Output = Result<Vec<RecoveryCodeRecord>, DomainError>> + Send;

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

    /// Deletes up to `limit` rows of `what` that ended before `before`
    /// (challenges, messages and trusted devices by when they expire,
    /// audit events by when they occurred), across all tenants, in one
    /// transaction; returns how many.
    fn purge(
        &self,
        what: Purgeable,
        before: DateTime<Utc>,
        limit: u32,
    ) -> impl Future<Output = Result<u64, DomainError>> + Send;

    /// Up to `limit` TOTP seeds (pending or enabled) sealed by a key other
    /// than `key_id`, across tenants, in (tenant, user) order after `after`.
    fn seeds_sealed_by_other_keys(
        &self,
        key_id: &str,
        after: Option<&UserRef>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<StoredSeed>, DomainError>> + Send;

    /// Replaces the user's sealed seed with `new` if the row still holds
    /// `old`; returns whether it did.
    fn reseal_seed(
        &self,
        user: &UserRef,
        old: &Sealed,
        new: Sealed,
    ) -> impl Future<Output = Result<bool, DomainError>> + Send;

    /// How many users have unspent recovery codes tagged by a key other
    /// than `key_id`.
    fn users_with_recovery_codes_of_other_keys(
        &self,
        key_id: &str,
    ) -> impl Future<Output = Result<u64, DomainError>> + Send;

    /// Messages (codes and confirmations) created for the tenant, or for
    /// one of its users, after `since`: what the sending limits count.
    fn sends_since(
        &self,
        tenant: &TenantId,
        user: Option<&crate::ids::UserId>,
        since: DateTime<Utc>,
    ) -> impl Future<Output = Result<u64, DomainError>> + Send;

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
    /// unexpired challenge, stores the trusted device if any, and writes the
    /// audit event, all only while the user's lockout row is still as the
    /// verification read it (`lockout`); with `lockout.reset`, the row is
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
        audit: AuditEvent,
        lockout: LockoutGuard,
    ) -> impl Future<Output = Result<Completion, DomainError>> + Send;

    /// The user's lockout state and its version, for compare-and-swap.
    fn lockout(
        &self,
        user: &UserRef,
    ) -> impl Future<Output = Result<(LockoutState, i64), DomainError>> + Send;

    /// Replaces the lockout state if its version is still `version`, and
    /// then, in the same transaction, stores `audit` (nothing if the
    /// version had moved on).
    fn swap_lockout(
        &self,
        user: &UserRef,
        version: i64,
        state: LockoutState,
        audit: Vec<AuditEvent>,
    ) -> impl Future<Output = Result<bool, DomainError>> + Send;

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

    fn record_audit(
        &self,
        event: AuditEvent,
    ) -> impl Future<Output = Result<(), DomainError>> + Send;

    /// The tenant's stored policy, if it has one.
    fn tenant_policy(
        &self,
        tenant: &TenantId,
    ) -> impl Future<Output = Result<Option<StoredPolicy>, DomainError>> + Send;

    /// Stores the tenant's policy if its version is still
    /// `expected_version` (0: none stored yet), or unconditionally with
    /// `None`, writing `audit` in the same transaction. Returns the new
    /// version, or `None` when the expected version is stale.
    fn save_tenant_policy(
        &self,
        tenant: &TenantId,
        expected_version: Option<i64>,
        policy: &TenantPolicy,
        now: DateTime<Utc>,
        audit: AuditEvent,
    ) -> impl Future<Output = Result<Option<i64>, DomainError>> + Send;

    /// Records that the tenant has this user (idempotent).
    fn ensure_user(
        &self,
        user: &UserRef,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<(), DomainError>> + Send;

    fn grace_logins_used(
        &self,
        user: &UserRef,
    ) -> impl Future<Output = Result<u32, DomainError>> + Send;

    /// Counts one grace login if fewer than `limit` were used, in one
    /// conditional statement; returns the count after it, or `None` when
    /// none was left.
    fn take_grace_login(
        &self,
        user: &UserRef,
        limit: u32,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Option<u32>, DomainError>> + Send;

    /// Administrator reset, in one transaction: removes the user's methods,
    /// recovery codes and lockout, revokes trusted devices, cancels open
    /// challenges, and writes `audit`.
    fn reset_user(
        &self,
        user: &UserRef,
        now: DateTime<Utc>,
        audit: AuditEvent,
    ) -> impl Future<Output = Result<(), DomainError>> + Send;

    fn list_users(
        &self,
        query: UserQuery,
    ) -> impl Future<Output = Result<Vec<UserSummary>, DomainError>> + Send;

    fn list_audit_events(
        &self,
        tenant: &TenantId,
        query: AuditQuery,
    ) -> impl Future<Output = Result<Vec<AuditRecord>, DomainError>> + Send;

    /// The user's enabled methods, default method and unspent recovery
    /// codes, in one read (BeginChallenge needs all three).
    fn methods(
        &self,
        user: &UserRef,
    ) -> impl Future<Output = Result<UserMethods, DomainError>> + Send;

    fn set_default_method(
        &self,
        user: &UserRef,
        method: Method,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<(), DomainError>> + Send;

    /// Turns on EMAIL or SMS (already on: nothing changes) and, when it is
    /// the user's first method, stores `recovery` in the same transaction
    /// (see [`RecoveryOnEnable`]).
    fn enable_contact_method(
        &self,
        user: &UserRef,
        method: Method,
        now: DateTime<Utc>,
        recovery: Option<NewRecoverySet>,
    ) -> impl Future<Output = Result<RecoveryOnEnable, DomainError>> + Send;

    /// Turns off EMAIL or SMS; with no method left, the recovery codes and
    /// trusted devices go too. Returns whether it was on.
    fn disable_contact_method(
        &self,
        user: &UserRef,
        method: Method,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, DomainError>> + Send;

    fn contacts(
        &self,
        user: &UserRef,
    ) -> impl Future<Output = Result<Vec<ContactRecord>, DomainError>> + Send;

    /// Sets the user's contact of this kind. A new or changed address is
    /// unconfirmed, and the method it carried is turned off.
    fn put_contact(
        &self,
        user: &UserRef,
        kind: crate::contact::ContactKind,
        address: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<(), DomainError>> + Send;

    /// Stores the keyed hash of a new confirmation token or code (replacing
    /// any earlier one) and queues its message, in one transaction, if no
    /// confirmation was sent to the contact within `cooldown` before the
    /// message's creation (checked in the same conditional write, so two
    /// replicas cannot both send).
    fn start_confirmation(
        &self,
        user: &UserRef,
        kind: crate::contact::ContactKind,
        secret_hash: &str,
        expires_at: DateTime<Utc>,
        cooldown: chrono::TimeDelta,
        message: NewMessage,
    ) -> impl Future<Output = Result<ConfirmationSend, DomainError>> + Send;

    /// Confirms the contact if `secret_hash` is its outstanding, unexpired
    /// confirmation, once. False otherwise.
    fn confirm_contact(
        &self,
        user: &UserRef,
        kind: crate::contact::ContactKind,
        secret_hash: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, DomainError>> + Send;

    /// Takes one attempt at the contact's outstanding, unexpired
    /// confirmation if fewer than `limit` were taken since it was sent, in
    /// one conditional statement; false when none is left (or none is
    /// outstanding).
    fn take_confirmation_attempt(
        &self,
        user: &UserRef,
        kind: crate::contact::ContactKind,
        limit: u32,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, DomainError>> + Send;

    /// Users of the tenant (all, or those listed) with an unconfirmed
    /// contact of `kind` (or of any kind), and how many listed contacts were
    /// confirmed already.
    fn unconfirmed_contacts(
        &self,
        tenant: &TenantId,
        user_ids: &[String],
        kind: Option<crate::contact::ContactKind>,
    ) -> impl Future<Output = Result<(Vec<(String, crate::contact::ContactKind)>, u32), DomainError>>
    + Send;

    /// Stores a fresh code for the open challenge (invalidating the last)
    /// if the cool-down has passed and fewer than `max_sends` were sent,
    /// and queues its message, in one transaction.
    #[allow(clippy::too_many_arguments)]
    fn send_challenge_code(
        &self,
        user: &UserRef,
        id_hash: &str,
        method: Method,
        code_hash: &str,
        cooldown: chrono::TimeDelta,
        max_sends: u32,
        message: NewMessage,
    ) -> impl Future<Output = Result<CodeSend, DomainError>> + Send;

    /// Undelivered, unexpired messages not leased by someone else, leased to
    /// the caller until `lease_until` (one conditional update each).
    fn lease_messages(
        &self,
        filter: &OutboxFilter,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<OutboxRecord>, DomainError>> + Send;

    /// Marks a message delivered; false if it was already (or is unknown).
    /// Marks the message delivered; with `tenant`, only if it is that
    /// tenant's.
    fn ack_message(
        &self,
        tenant: Option<&TenantId>,
        id: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, DomainError>> + Send;

    /// Records a failed attempt; the message is tried again after
    /// `retry_at`, or never if `None` (permanent failure).
    fn message_failed(
        &self,
        id: &str,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
    ) -> impl Future<Output = Result<(), DomainError>> + Send;
}

/// Runs CPU-heavy work (argon2) where it does not stall request handling.
pub trait Offload: Send + Sync + 'static {
    fn run<T, F>(&self, work: F) -> impl Future<Output = Result<T, DomainError>> + Send
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static;
}
