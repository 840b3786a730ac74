//! Moving out: an administrator erases everything tollgate holds about one
//! user (in one transaction, leaving one audit event that says who erased
//! them and what went), or exports a user's 2FA state for a data-access
//! request, without a seed, code, hash, token or full contact address.
use chrono::{DateTime, Utc};

use crate::delivery::ContactView;
use crate::error::DomainError;
use crate::ids::UserRef;
use crate::lockout::LockoutState;
use crate::ports::{
    AuditQuery, AuditRecord, ClientInfo, Offload, Outcome, RecoveryStatus, Store, StoredTotpState,
    TrustedDeviceRecord, UserMethods, UserRecord,
};
use crate::service::Service;
use crate::webauthn::CredentialView;

/// Audit events an export includes when the request leaves it at 0.
pub const DEFAULT_EXPORT_EVENTS: u32 = 100;
/// The most audit events an export includes.
pub const MAX_EXPORT_EVENTS: u32 = 500;

/// What an erasure did.
#[derive(Debug, Clone)]
pub struct ErasureOutcome {
    /// Whether tollgate held anything about the user (audit events aside).
    pub found: bool,
    /// Rows deleted by table; tables with none are left out.
    pub rows: Vec<(String, u64)>,
    /// The event that records the erasure, as stored.
    pub event: Option<AuditRecord>,
}

/// A user's 2FA state as exported. Holds nothing secret: contacts are
/// masked, credentials are described, not copied.
#[derive(Debug, Clone)]
pub struct UserExport {
    /// Whether tollgate holds anything about the user (audit events aside).
    pub found: bool,
    pub user: Option<UserRecord>,
    pub methods: UserMethods,
    pub totp_state: Option<StoredTotpState>,
    pub totp_confirmed_at: Option<DateTime<Utc>>,
    pub webauthn: Vec<CredentialView>,
    pub contacts: Vec<ContactView>,
    pub trusted_devices: Vec<TrustedDeviceRecord>,
    pub recovery: RecoveryStatus,
    pub lockout: LockoutState,
    /// Newest first, the export's own event included.
    pub events: Vec<AuditRecord>,
}

/// The administrator and reason an administrative action on a user is
/// audited with: the actor is required (1 to 256 bytes), the reason at most
/// 1024 bytes.
pub(crate) fn check_actor(actor_id: &str, reason: &str) -> Result<(), DomainError> {
    if actor_id.trim().is_empty() || actor_id.len() > 256 {
        return Err(DomainError::invalid(
            "actor_id",
            "must name the administrator (1 to 256 bytes)",
        ));
    }
    if reason.len() > 1024 {
        return Err(DomainError::invalid("reason", "must be at most 1024 bytes"));
    }
    Ok(())
}

impl<S: Store, O: Offload> Service<S, O> {
    /// Erases everything about `user` in one transaction and records who
    /// did it. A user tollgate holds nothing about is not an error: nothing
    /// is erased, and the request is still audited.
    pub async fn erase_user(
        &self,
        user: &UserRef,
        actor_id: &str,
        reason: &str,
    ) -> Result<ErasureOutcome, DomainError> {
        check_actor(actor_id, reason)?;
        let mut event = self.audit_event(user, "user.erased", None, &ClientInfo::default());
        event.actor_id = actor_id.to_owned();
        event.details.push(("reason".to_owned(), reason.to_owned()));
        let erasure = self.store.erase_user(user, event).await?;
        self.observe_audit("user.erased", Outcome::Success);
        let found = erasure
            .rows
            .iter()
            .any(|(table, rows)| table != "audit_events" && *rows > 0);
        let event = self.audit_record(user, erasure.event_id).await?;
        Ok(ErasureOutcome {
            found,
            rows: erasure.rows,
            event,
        })
    }

    /// The stored audit event `id` about `user`, as ListAuditEvents shows it.
    async fn audit_record(
        &self,
        user: &UserRef,
        id: i64,
    ) -> Result<Option<AuditRecord>, DomainError> {
        let query = AuditQuery {
            user_id: Some(user.user.as_str().to_owned()),
            before_id: Some(id.saturating_add(1)),
            limit: 1,
            ..Default::default()
        };
        let events = self.store.list_audit_events(&user.tenant, query).await?;
        Ok(events.into_iter().find(|e| e.id == id))
    }

    /// `user`'s 2FA state without secrets, and their `event_limit` most
    /// recent audit events (0: [`DEFAULT_EXPORT_EVENTS`]). The export is
    /// audited first, so it lists itself.
    pub async fn export_user(
        &self,
        user: &UserRef,
        actor_id: &str,
        reason: &str,
        event_limit: u32,
    ) -> Result<UserExport, DomainError> {
        check_actor(actor_id, reason)?;
        let limit = match event_limit {
            0 => DEFAULT_EXPORT_EVENTS,
            n => n.min(MAX_EXPORT_EVENTS),
        };
        let mut event = self.audit_event(user, "user.exported", None, &ClientInfo::default());
        event.actor_id = actor_id.to_owned();
        event.details.push(("reason".to_owned(), reason.to_owned()));
        self.record_audit(event).await?;

        let record = self.store.user_record(user).await?;
        let methods = self.store.methods(user).await?;
        let totp = self.store.totp(user).await?;
        let webauthn = self.webauthn_credentials(user).await?;
        let contacts = self.list_contacts(user).await?;
        let trusted_devices = self.store.trusted_devices(user).await?;
        let recovery = self.store.recovery_status(user).await?;
        let (lockout, lockout_version) = self.store.lockout(user).await?;
        let query = AuditQuery {
            user_id: Some(user.user.as_str().to_owned()),
            limit,
            ..Default::default()
        };
        let events = self.store.list_audit_events(&user.tenant, query).await?;
        let found = record.is_some()
            || totp.is_some()
            || !methods.enabled.is_empty()
            || !webauthn.is_empty()
            || !contacts.is_empty()
            || !trusted_devices.is_empty()
            || recovery.total > 0
            || lockout_version > 0;
        Ok(UserExport {
            found,
            user: record,
            methods,
            // A pending secret past its expiry protects nothing and can
            // no longer be confirmed: not configured, as GetEnrollment says.
            totp_state: totp
                .as_ref()
                .filter(|t| {
                    t.state == StoredTotpState::Enabled
                        || t.pending_expires_at.is_some_and(|at| at > self.clock.now())
                })
                .map(|t| t.state),
            totp_confirmed_at: totp.and_then(|t| t.confirmed_at),
            webauthn,
            contacts,
            trusted_devices,
            recovery,
            lockout,
            events,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_administrative_action_names_its_actor_and_keeps_its_reason_short() {
        assert!(check_actor("admin-7", "ticket 42").is_ok());
        for (actor, reason) in [
            ("", ""),
            ("  ", ""),
            (&*"a".repeat(257), ""),
            ("admin", &*"r".repeat(1025)),
        ] {
            let refused = check_actor(actor, reason).unwrap_err();
            assert_eq!(refused.reason(), "INVALID_ARGUMENT");
        }
    }
}
