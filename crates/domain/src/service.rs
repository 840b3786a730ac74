//! The service every use case is a method of: the store, the offload for
//! hashing, the clock, the keys and the default policy it works with, and
//! the helpers all use cases share (the policy that applies, audit events
//! and their observer, opening a stored seed). The use cases themselves
//! live by area: enrollment, challenge, delivery, admin, lockout.
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::clock::Clock;
use crate::error::DomainError;
use crate::ids::{TenantId, UserRef};
use crate::policy::{Method, Policy};
use crate::policy_cache::PolicyCache;
use crate::ports::{AuditEvent, ClientInfo, Offload, Outcome, Store, StoredPolicy, TotpRecord};
use crate::secret::{Keyring, MasterKey, SecretBytes, hex_lower};
use crate::tenant_policy::TenantPolicy;
use crate::webauthn::RelyingParties;

/// Associated-data purpose for sealed TOTP seeds.
pub(crate) const TOTP_SEED_PURPOSE: &str = "tollgate/v1/totp-seed";

/// The use cases, over a store, an offload for hashing, a clock and keys.
pub struct Service<S, O> {
    pub(crate) store: Arc<S>,
    pub(crate) offload: O,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) keys: Arc<Keyring>,
    /// The policy of a tenant that has not stored one.
    pub(crate) defaults: TenantPolicy,
    /// Where email confirmation links point (the application's page).
    pub(crate) confirm_link_base: Option<String>,
    /// Told of every audit event once it is stored (metrics count them).
    pub(crate) observer: Option<Arc<dyn AuditObserver>>,
    /// Tenant policies read in the last second, for the sign-in path.
    pub(crate) policies: PolicyCache,
    /// Whose passkeys: the WebAuthn relying parties by tenant and audience.
    pub(crate) relying_parties: Arc<RelyingParties>,
}

/// Hears of each audit event after it is stored, e.g. to count lockouts.
/// Called on the request path: keep it cheap and never block.
pub trait AuditObserver: Send + Sync {
    /// `kind` is the event's, e.g. "user.locked_out".
    fn recorded(&self, kind: &'static str, outcome: Outcome);

    /// An attempt answered without an audit row, so that made-up ids and
    /// attempts while locked cannot flood the log: counted instead.
    fn skipped(&self, _kind: &'static str, _reason: &'static str) {}

    /// A message not sent: an hourly sending limit (`scope` "user" or
    /// "tenant") was reached, or a phone number's region is not allowed
    /// (`scope` "region").
    fn send_refused(&self, _scope: &'static str) {}
}

impl<S: Store, O: Offload> Service<S, O> {
    pub fn new(
        store: Arc<S>,
        offload: O,
        clock: Arc<dyn Clock>,
        keys: Arc<Keyring>,
        defaults: TenantPolicy,
    ) -> Self {
        Self {
            store,
            offload,
            clock,
            keys,
            defaults,
            confirm_link_base: None,
            observer: None,
            policies: PolicyCache::default(),
            relying_parties: Arc::default(),
        }
    }

    /// Passkeys and security keys are registered and used with these
    /// relying parties.
    pub fn with_relying_parties(mut self, parties: RelyingParties) -> Self {
        self.relying_parties = Arc::new(parties);
        self
    }

    /// Tells `observer` of every audit event stored from now on.
    pub fn with_audit_observer(mut self, observer: Arc<dyn AuditObserver>) -> Self {
        self.observer = Some(observer);
        self
    }

    /// Stores an audit event, then tells the observer.
    pub(crate) async fn record_audit(&self, event: AuditEvent) -> Result<(), DomainError> {
        let (kind, outcome) = (event.kind, event.outcome);
        self.store.record_audit(event).await?;
        self.observe_audit(kind, outcome);
        Ok(())
    }

    /// Tells the observer of an audit event that was stored.
    pub(crate) fn observe_send_refused(&self, scope: &'static str) {
        if let Some(observer) = &self.observer {
            observer.send_refused(scope);
        }
    }

    pub(crate) fn observe_skipped(&self, kind: &'static str, reason: &'static str) {
        if let Some(observer) = &self.observer {
            observer.skipped(kind, reason);
        }
    }

    pub(crate) fn observe_audit(&self, kind: &'static str, outcome: Outcome) {
        if let Some(observer) = &self.observer {
            observer.recorded(kind, outcome);
        }
    }

    /// Email confirmation links point at `base` (the application's page,
    /// which calls ConfirmContact with the token).
    pub fn with_confirm_link_base(mut self, base: Option<String>) -> Self {
        self.confirm_link_base = base;
        self
    }

    /// Where CPU-heavy work runs.
    pub fn offload(&self) -> &O {
        &self.offload
    }

    pub fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    /// The tenant's stored policy, or the defaults (version 0), read from
    /// the database (and remembered for the sign-in path).
    pub(crate) async fn stored_policy(
        &self,
        tenant: &TenantId,
    ) -> Result<Arc<StoredPolicy>, DomainError> {
        let stored =
            Arc::new(
                self.store
                    .tenant_policy(tenant)
                    .await?
                    .unwrap_or_else(|| StoredPolicy {
                        policy: self.defaults.clone(),
                        version: 0,
                        updated_at: DateTime::<Utc>::UNIX_EPOCH,
                    }),
            );
        self.policies
            .put(tenant, Arc::clone(&stored), self.clock.now());
        Ok(stored)
    }

    /// The policy that applies to `user` in `audience` (empty: the tenant's),
    /// as read at most a second ago.
    pub async fn policy_for(&self, user: &UserRef, audience: &str) -> Result<Policy, DomainError> {
        // Every audience a request names passes here: one rule for all.
        if let Some(violation) = crate::bounds::audience_violation("audience", audience) {
            return Err(DomainError::InvalidArgument(vec![violation]));
        }
        let stored = match self.policies.get(&user.tenant, self.clock.now()) {
            Some(stored) => stored,
            None => self.stored_policy(&user.tenant).await?,
        };
        Ok(stored.policy.effective(audience))
    }

    /// An audit event about `user`, acted by the user, succeeded, now.
    pub(crate) fn audit_event(
        &self,
        user: &UserRef,
        kind: &'static str,
        method: Option<Method>,
        client: &ClientInfo,
    ) -> AuditEvent {
        AuditEvent {
            tenant: user.tenant.clone(),
            user: Some(user.user.clone()),
            kind,
            actor_id: user.user.as_str().to_owned(),
            method,
            outcome: Outcome::Success,
            reason: "",
            client: client.clone(),
            occurred_at: self.clock.now(),
            details: Vec::new(),
        }
    }

    /// The keyed hash of `secret` (a code, token or id) for `user` and
    /// `purpose`, under the current key: what is stored in its place.
    pub(crate) fn secret_hash(&self, user: &UserRef, purpose: &str, secret: &str) -> String {
        secret_hash(self.keys.current(), user, purpose, secret)
    }

    /// The hashes of `secret` under every configured key, current first: a
    /// code or token sent before a key rotation still matches after it.
    pub(crate) fn secret_hashes<'a>(
        &'a self,
        user: &'a UserRef,
        purpose: &'a str,
        secret: &'a str,
    ) -> impl Iterator<Item = String> + 'a {
        self.keys
            .all()
            .map(move |key| secret_hash(key, user, purpose, secret))
    }

    pub(crate) fn open_secret(
        &self,
        user: &UserRef,
        record: &TotpRecord,
    ) -> Result<SecretBytes, DomainError> {
        self.keys
            .open(&record.sealed_secret, &user.binding(TOTP_SEED_PURPOSE))
    }
}

fn secret_hash(key: &MasterKey, user: &UserRef, purpose: &str, secret: &str) -> String {
    hex_lower(&key.keyed_hash(&user.binding(purpose), secret.as_bytes()))
}
