//! Storage of authenticator-app credentials, recovery codes and which methods a
//! user has on.
use std::future::Future;

use chrono::{DateTime, Utc};

use crate::contact::ContactKind;
use crate::error::DomainError;
use crate::ids::UserRef;
use crate::policy::Method;
use crate::recovery::StoredCode;
use crate::secret::Sealed;
use crate::totp::TotpParams;

use super::AuditEvent;

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

/// A stored recovery code, spent or not.
#[derive(Debug, Clone)]
pub struct RecoveryCodeRecord {
    pub id: i64,
    pub code: StoredCode,
    pub spent: bool,
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

/// What ImportUser writes, decided by the use case against what it read.
#[derive(Debug)]
pub struct ImportPlan {
    /// An enabled credential to store; `None`: the user's stays as it is.
    pub totp: Option<ImportedTotpRow>,
    pub contacts: Vec<ImportedContactRow>,
    /// A set to store in place of the user's; `None`: theirs stays.
    pub recovery: Option<NewRecoverySet>,
    /// The method to offer first; `None`: unchanged.
    pub default_method: Option<Method>,
    /// A contact with a different address is overwritten instead of
    /// refused with `ImportConflict`.
    pub replace: bool,
    pub now: DateTime<Utc>,
}

/// An enabled credential to store in place of the one the use case read.
#[derive(Debug)]
pub struct ImportedTotpRow {
    pub sealed_secret: Sealed,
    pub params: TotpParams,
    pub enabled_at: DateTime<Utc>,
    /// The version of the user's credential when it was read (`None`: they
    /// had none); another version by the time of the write is
    /// [`ImportWrite::Raced`].
    pub seen_version: Option<i64>,
}

/// A contact the importing caller vouches for (or not).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedContactRow {
    pub kind: ContactKind,
    /// Normalised.
    pub address: String,
    pub confirmed: bool,
    /// Turn its method on (only with `confirmed`).
    pub enable: bool,
}

/// What an import's write did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportWrite {
    /// The user had all of it: nothing was written.
    Unchanged,
    /// Written in one transaction with the audit event; `replaced` when a
    /// contact with another address was overwritten.
    Written { replaced: bool },
    /// The user's credential changed after it was read: nothing was
    /// written; read again.
    Raced,
}

/// Storage of authenticator-app credentials, recovery codes and which methods a user has on.
pub trait EnrollmentStore: Send + Sync + 'static {
    /// The user's credential, pending or enabled.
    fn totp(
        &self,
        user: &UserRef,
    ) -> impl Future<Output = Result<Option<TotpRecord>, DomainError>> + Send;

    /// Stores a pending secret, replacing an earlier pending one, and the
    /// user's row if the tenant has none, in one transaction.
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
    /// (see [`RecoveryOnEnable`]). `ContactUnconfirmed` when the user has
    /// no confirmed contact for it by then.
    fn enable_contact_method(
        &self,
        user: &UserRef,
        method: Method,
        now: DateTime<Utc>,
        recovery: Option<NewRecoverySet>,
    ) -> impl Future<Output = Result<RecoveryOnEnable, DomainError>> + Send;

    /// Writes an import in one transaction with the user's method changes
    /// held off: the credential (guarded by `seen_version`), the contacts
    /// (a different address is `ImportConflict` unless `plan.replace`),
    /// the methods they turn on, the recovery set, the default method and
    /// the user's row; `audit` only when something was written.
    fn import_user(
        &self,
        user: &UserRef,
        plan: ImportPlan,
        audit: AuditEvent,
    ) -> impl Future<Output = Result<ImportWrite, DomainError>> + Send;

    /// Turns off EMAIL or SMS; with no method left, the recovery codes and
    /// trusted devices go too. Returns whether it was on.
    fn disable_contact_method(
        &self,
        user: &UserRef,
        method: Method,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, DomainError>> + Send;
}
