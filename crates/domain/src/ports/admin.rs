//! Storage of what administrators and the server itself manage: tenant
//! policies, the users a tenant has seen, grace logins, resets, the audit log,
//! retention purges and key rotation.
use std::future::Future;

use chrono::{DateTime, Utc};

use super::{AuditEvent, ClientInfo, StoredTotpState};
use crate::error::DomainError;
use crate::ids::{TenantId, UserRef};
use crate::policy::Method;
use crate::secret::Sealed;
use crate::tenant_policy::TenantPolicy;

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
    /// WebAuthn registrations begun and never finished.
    WebAuthnCeremonies,
    /// Step-up records of application sessions, by when they were written.
    Sessions,
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

/// A trusted device as stored, without its token's hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedDeviceRecord {
    pub device_id: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// As the application reported them when the device was trusted.
    pub client: ClientInfo,
}

/// The row a tenant keeps for a user who has something to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UserRecord {
    pub created_at: DateTime<Utc>,
    pub grace_logins_used: u32,
}

/// What an erasure deleted: rows by table (tables with none left out), and
/// the id of the audit event that records it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Erasure {
    pub rows: Vec<(String, u64)>,
    pub event_id: i64,
}

/// Storage of what administrators and the server itself manage: tenant policies, the users a tenant has seen, grace logins, resets, the audit log, retention purges and key rotation.
pub trait AdminStore: Send + Sync + 'static {
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
    /// challenges, forgets every session's step-up record, writes `audit`
    /// and queues `notices` (to the user's confirmed email address, if any).
    fn reset_user(
        &self,
        user: &UserRef,
        now: DateTime<Utc>,
        audit: AuditEvent,
        notices: Vec<super::NewNotice>,
    ) -> impl Future<Output = Result<(), DomainError>> + Send;

    /// Erasure, in one transaction: holds off the user's method changes,
    /// deletes every row of the user from every per-user table and their
    /// audit events (all but earlier `user.erased` records), then writes
    /// `audit` with the counts added to its details (`rows.<table>`).
    fn erase_user(
        &self,
        user: &UserRef,
        audit: AuditEvent,
    ) -> impl Future<Output = Result<Erasure, DomainError>> + Send;

    /// The user's trusted devices, revoked and expired ones included, oldest
    /// first.
    fn trusted_devices(
        &self,
        user: &UserRef,
    ) -> impl Future<Output = Result<Vec<TrustedDeviceRecord>, DomainError>> + Send;

    /// The user's row, if the tenant keeps one.
    fn user_record(
        &self,
        user: &UserRef,
    ) -> impl Future<Output = Result<Option<UserRecord>, DomainError>> + Send;

    fn list_users(
        &self,
        query: UserQuery,
    ) -> impl Future<Output = Result<Vec<UserSummary>, DomainError>> + Send;

    fn list_audit_events(
        &self,
        tenant: &TenantId,
        query: AuditQuery,
    ) -> impl Future<Output = Result<Vec<AuditRecord>, DomainError>> + Send;

    /// Deletes up to `limit` rows of `what` that ended before `before`
    /// (challenges, messages and trusted devices by when they expire,
    /// audit events by when they occurred, sessions by when they were
    /// last verified), across all tenants, in one
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
}
