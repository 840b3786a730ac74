//! EraseUser and ExportUser (PolicyService): a user's erasure and the export
//! of their 2FA state for a data-access request. The export's fields are
//! chosen one by one here; nothing secret has a field to go in.
use tollgate_domain::DomainError;
use tollgate_domain::delivery::ContactView;
use tollgate_domain::erasure::UserExport;
use tollgate_domain::ports::{AuditRecord, StoredTotpState, TrustedDeviceRecord};
use tonic::{Request, Response, Status};

use super::webauthn::credential_to_pb;
use super::{Api, method_to_pb, methods_to_pb, timestamp, user};
use crate::pb;

/// An audit event as ListAuditEvents shows it.
pub(super) fn audit_to_pb(tenant_id: &str, e: AuditRecord) -> pb::AuditEvent {
    pb::AuditEvent {
        id: u64::try_from(e.id).unwrap_or(0),
        tenant_id: tenant_id.to_owned(),
        user_id: e.user_id,
        kind: e.kind,
        actor_id: e.actor_id,
        method: e.method.map_or(0, |m| method_to_pb(m) as i32),
        outcome: e.outcome,
        reason: e.reason,
        client_ip: e.client.ip,
        user_agent: e.client.user_agent,
        occurred_at: Some(timestamp(e.occurred_at)),
        details: e.details.into_iter().collect(),
        caller: e.caller,
    }
}

fn contact_to_pb(c: ContactView) -> pb::ExportedContact {
    let kind = match c.kind {
        tollgate_domain::contact::ContactKind::Email => pb::ContactKind::Email,
        tollgate_domain::contact::ContactKind::Phone => pb::ContactKind::Phone,
    };
    pb::ExportedContact {
        kind: kind as i32,
        masked_address: c.masked_address,
        confirmed_at: c.confirmed_at.map(timestamp),
    }
}

fn device_to_pb(d: TrustedDeviceRecord) -> pb::ExportedTrustedDevice {
    pb::ExportedTrustedDevice {
        device_id: d.device_id,
        created_at: Some(timestamp(d.created_at)),
        expires_at: Some(timestamp(d.expires_at)),
        revoked_at: d.revoked_at.map(timestamp),
        client_ip: d.client.ip,
        user_agent: d.client.user_agent,
    }
}

fn export_to_pb(tenant_id: &str, user_id: &str, x: UserExport) -> pb::ExportUserResponse {
    let totp_state = match x.totp_state {
        Some(StoredTotpState::Enabled) => pb::TotpState::Enabled,
        Some(StoredTotpState::Pending) => pb::TotpState::Pending,
        None => pb::TotpState::NotConfigured,
    };
    pb::ExportUserResponse {
        tenant_id: tenant_id.to_owned(),
        user_id: user_id.to_owned(),
        found: x.found,
        first_seen_at: x.user.map(|u| timestamp(u.created_at)),
        enabled_methods: methods_to_pb(&x.methods.enabled),
        default_method: x.methods.default.map_or(0, |m| method_to_pb(m) as i32),
        totp_state: totp_state as i32,
        totp_confirmed_at: x.totp_confirmed_at.map(timestamp),
        webauthn_credentials: x.webauthn.into_iter().map(credential_to_pb).collect(),
        contacts: x.contacts.into_iter().map(contact_to_pb).collect(),
        trusted_devices: x.trusted_devices.into_iter().map(device_to_pb).collect(),
        recovery_codes_remaining: x.recovery.remaining,
        recovery_codes_total: x.recovery.total,
        recovery_codes_generated_at: x.recovery.generated_at.map(timestamp),
        grace_logins_used: x.user.map_or(0, |u| u.grace_logins_used),
        failed_attempts: x.lockout.failures,
        locked_until: x.lockout.locked_until.map(timestamp),
        audit_events: x
            .events
            .into_iter()
            .map(|e| audit_to_pb(tenant_id, e))
            .collect(),
    }
}

impl Api {
    pub(super) async fn erase(
        &self,
        request: Request<pb::EraseUserRequest>,
    ) -> Result<Response<pb::EraseUserResponse>, Status> {
        let req = request.into_inner();
        self.handle("EraseUser", &req.tenant_id, async {
            let user = user(&req.tenant_id, &req.user_id)?;
            let erased = self
                .core
                .erase_user(&user, &req.actor_id, &req.reason)
                .await?;
            Ok(pb::EraseUserResponse {
                found: erased.found,
                erased_rows: erased.rows.into_iter().collect(),
                event: erased.event.map(|e| audit_to_pb(user.tenant.as_str(), e)),
            })
        })
        .await
    }

    pub(super) async fn export(
        &self,
        request: Request<pb::ExportUserRequest>,
    ) -> Result<Response<pb::ExportUserResponse>, Status> {
        let req = request.into_inner();
        self.handle("ExportUser", &req.tenant_id, async {
            let user = user(&req.tenant_id, &req.user_id)?;
            let export = self
                .core
                .export_user(&user, &req.actor_id, &req.reason, req.audit_event_limit)
                .await?;
            Ok::<_, DomainError>(export_to_pb(
                user.tenant.as_str(),
                user.user.as_str(),
                export,
            ))
        })
        .await
    }
}
