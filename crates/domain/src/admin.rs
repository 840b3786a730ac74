//! Administrator use cases: a tenant's policy (read, update with an etag),
//! its users, and its audit log, with opaque page tokens.
use std::sync::Arc;

use crate::error::DomainError;
use crate::ids::TenantId;
use crate::ports::{
    AuditEvent, AuditQuery, AuditRecord, ClientInfo, Offload, Outcome, Store, StoredPolicy,
    UserFilter, UserQuery, UserSummary,
};
use crate::secret::{from_hex, hex_lower};
use crate::service::Service;
use crate::tenant_policy::TenantPolicy;

/// Page size when the request leaves it at 0.
pub const DEFAULT_PAGE_SIZE: u32 = 50;
/// The largest page served.
pub const MAX_PAGE_SIZE: u32 = 500;

fn page_size(requested: u32) -> u32 {
    match requested {
        0 => DEFAULT_PAGE_SIZE,
        n => n.min(MAX_PAGE_SIZE),
    }
}

fn bad_token() -> DomainError {
    DomainError::invalid("page_token", "is not a page token this server issued")
}

/// Page tokens are the hex of `prefix:position`, opaque to clients.
fn encode_token(prefix: &str, position: &str) -> String {
    hex_lower(format!("{prefix}:{position}").as_bytes())
}

fn decode_token(prefix: &str, token: &str) -> Result<Option<String>, DomainError> {
    if token.is_empty() {
        return Ok(None);
    }
    let bytes = from_hex(token).ok_or_else(bad_token)?;
    let text = String::from_utf8(bytes).map_err(|_| bad_token())?;
    let position = text
        .strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix(':'))
        .ok_or_else(bad_token)?;
    Ok(Some(position.to_owned()))
}

impl<S: Store, O: Offload> Service<S, O> {
    /// The tenant's policy and its version (0 while it runs on defaults).
    pub async fn get_policy(&self, tenant: &TenantId) -> Result<Arc<StoredPolicy>, DomainError> {
        self.stored_policy(tenant).await
    }

    /// Applies `edit` to the tenant's policy, validates the result, and
    /// stores it if the policy is still at version `etag` (any version when
    /// `None`). The change is audited with a field-by-field diff.
    pub async fn update_policy(
        &self,
        tenant: &TenantId,
        etag: Option<i64>,
        actor_id: &str,
        edit: impl FnOnce(&mut TenantPolicy) -> Result<(), DomainError>,
    ) -> Result<Arc<StoredPolicy>, DomainError> {
        let current = self.stored_policy(tenant).await?;
        if etag.is_some_and(|e| e != current.version) {
            return Err(DomainError::EtagMismatch);
        }
        let mut updated = current.policy.clone();
        edit(&mut updated)?;
        updated.validate().map_err(DomainError::InvalidArgument)?;
        let now = self.clock.now();
        let event = AuditEvent {
            tenant: tenant.clone(),
            user: None,
            kind: "policy.updated",
            actor_id: actor_id.to_owned(),
            method: None,
            outcome: Outcome::Success,
            reason: "",
            client: ClientInfo::default(),
            occurred_at: now,
            details: current.policy.diff(&updated),
        };
        let version = self
            .store
            .save_tenant_policy(tenant, etag, &updated, now, event)
            .await?
            .ok_or(DomainError::EtagMismatch)?;
        let stored = Arc::new(StoredPolicy {
            policy: updated,
            version,
            updated_at: now,
        });
        self.policies.put(tenant, Arc::clone(&stored), now);
        Ok(stored)
    }

    /// A page of the tenant's users, by user id, and the next page's token
    /// (empty on the last page).
    pub async fn list_users(
        &self,
        tenant: &TenantId,
        filter: UserFilter,
        page_token: &str,
        requested_size: u32,
    ) -> Result<(Vec<UserSummary>, String), DomainError> {
        let limit = page_size(requested_size);
        let after = decode_token("users", page_token)?;
        let mut users = self
            .store
            .list_users(UserQuery {
                tenant: tenant.clone(),
                filter,
                after,
                limit: limit + 1,
            })
            .await?;
        let next = if users.len() > limit as usize {
            users.truncate(limit as usize);
            users
                .last()
                .map(|u| encode_token("users", &u.user_id))
                .unwrap_or_default()
        } else {
            String::new()
        };
        Ok((users, next))
    }

    /// A page of the tenant's audit events, newest first, and the next
    /// page's token (empty on the last page).
    pub async fn list_audit_events(
        &self,
        tenant: &TenantId,
        mut query: AuditQuery,
        page_token: &str,
        requested_size: u32,
    ) -> Result<(Vec<AuditRecord>, String), DomainError> {
        let limit = page_size(requested_size);
        query.before_id = match decode_token("audit", page_token)? {
            Some(id) => Some(id.parse().map_err(|_| bad_token())?),
            None => None,
        };
        query.limit = limit + 1;
        let mut events = self.store.list_audit_events(tenant, query).await?;
        let next = if events.len() > limit as usize {
            events.truncate(limit as usize);
            events
                .last()
                .map(|e| encode_token("audit", &e.id.to_string()))
                .unwrap_or_default()
        } else {
            String::new()
        };
        Ok((events, next))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_tokens_round_trip_and_foreign_ones_are_refused() {
        let token = encode_token("users", "alice");
        assert_eq!(
            decode_token("users", &token).unwrap().as_deref(),
            Some("alice")
        );
        assert_eq!(decode_token("users", "").unwrap(), None);
        assert!(decode_token("audit", &token).is_err());
        assert!(decode_token("users", "zz").is_err());
        assert_eq!(
            (page_size(0), page_size(10), page_size(10_000)),
            (50, 10, 500)
        );
    }
}
