//! Conversions between table rows and the domain's records.
use sea_orm::ActiveValue::Set;
use tollgate_domain::lockout::LockoutState;
use tollgate_domain::policy::Method;
use tollgate_domain::ports::{
    AuditEvent, ChallengeRecord, ChallengeStatus, Channel, MessageKind, NewTrustedDevice,
    OutboxRecord, StoredTotpState, TotpRecord,
};
use tollgate_domain::secret::Sealed;
use tollgate_domain::totp::{Algorithm, TotpParams};
use tollgate_domain::{DomainError, UserRef};

use super::{instant, millis};
use crate::entity::{
    audit_event, challenge, outbox, totp_credential, trusted_device, user_lockout,
};

pub(crate) fn to_record(m: totp_credential::Model) -> Result<TotpRecord, DomainError> {
    let corrupt = || DomainError::Internal("a stored TOTP credential is malformed");
    let state = match m.state.as_str() {
        totp_credential::PENDING => StoredTotpState::Pending,
        totp_credential::ENABLED => StoredTotpState::Enabled,
        _ => return Err(corrupt()),
    };
    Ok(TotpRecord {
        state,
        sealed_secret: Sealed {
            key_id: m.key_id,
            blob: m.sealed_secret,
        },
        params: TotpParams {
            algorithm: Algorithm::parse(&m.algorithm).ok_or_else(corrupt)?,
            digits: u8::try_from(m.digits).map_err(|_| corrupt())?,
            period: u32::try_from(m.period).map_err(|_| corrupt())?,
            skew: u8::try_from(m.skew).map_err(|_| corrupt())?,
        },
        version: m.version,
        created_at: instant(m.created_at),
        pending_expires_at: m.pending_expires_at.map(instant),
        confirmed_at: m.confirmed_at.map(instant),
        last_used_step: m.last_used_step.and_then(|s| u64::try_from(s).ok()),
    })
}

pub(crate) fn to_challenge(row: challenge::Model) -> ChallengeRecord {
    let status = match row.status.as_str() {
        challenge::OPEN => ChallengeStatus::Open,
        challenge::COMPLETED => ChallengeStatus::Completed,
        _ => ChallengeStatus::Cancelled,
    };
    let code = match (
        row.code_hash,
        Method::parse(&row.code_method),
        row.code_expires_at,
    ) {
        (Some(hash), Some(method), Some(expires_at)) => Some((hash, method, instant(expires_at))),
        _ => None,
    };
    ChallengeRecord {
        methods: row.methods.split(',').filter_map(Method::parse).collect(),
        code,
        audience: row.audience,
        status,
        created_at: instant(row.created_at),
        expires_at: instant(row.expires_at),
        webauthn_state: row.webauthn_state,
        session_hash: row.session_hash,
    }
}

pub(crate) fn to_lockout(row: Option<user_lockout::Model>) -> (LockoutState, i64) {
    match row {
        Some(r) => (
            LockoutState {
                failures: u32::try_from(r.failures).unwrap_or(0),
                lockouts: u32::try_from(r.lockouts).unwrap_or(0),
                locked_until: r.locked_until.map(instant),
            },
            r.version,
        ),
        None => (LockoutState::default(), 0),
    }
}

pub(crate) fn to_outbox_record(row: outbox::Model) -> Option<OutboxRecord> {
    Some(OutboxRecord {
        kind: MessageKind::parse(&row.kind)?,
        channel: Channel::parse(&row.channel)?,
        id: row.id,
        tenant: row.tenant_id,
        user_id: row.user_id,
        recipient: row.recipient,
        sealed_payload: Sealed {
            key_id: row.key_id,
            blob: row.sealed_payload,
        },
        created_at: instant(row.created_at),
        expires_at: instant(row.expires_at),
        attempts: u32::try_from(row.attempts).unwrap_or(0),
    })
}

pub(crate) fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => text[..at].to_owned(),
        None => text.to_owned(),
    }
}

pub(crate) fn audit_row(event: AuditEvent) -> audit_event::ActiveModel {
    // A JSON list of [key, value] pairs: values may hold any text.
    let details = serde_json::to_string(&event.details).unwrap_or_else(|_| "[]".to_owned());
    audit_event::ActiveModel {
        tenant_id: Set(event.tenant.as_str().to_owned()),
        user_id: Set(event
            .user
            .map(|u| u.as_str().to_owned())
            .unwrap_or_default()),
        kind: Set(event.kind.to_owned()),
        actor_id: Set(truncate(&event.actor_id, 256)),
        method: Set(event
            .method
            .map(|m| m.as_str())
            .unwrap_or_default()
            .to_owned()),
        outcome: Set(event.outcome.as_str().to_owned()),
        reason: Set(event.reason.to_owned()),
        client_ip: Set(truncate(&event.client.ip, 64)),
        user_agent: Set(truncate(&event.client.user_agent, 512)),
        occurred_at: Set(millis(event.occurred_at)),
        details: Set(details),
        caller: Set(truncate(&crate::current_caller(), 256)),
        ..Default::default()
    }
}

pub(crate) fn device_row(user: &UserRef, device: NewTrustedDevice) -> trusted_device::ActiveModel {
    trusted_device::ActiveModel {
        device_id: Set(device.device_id),
        token_hash: Set(device.token_hash),
        tenant_id: Set(user.tenant.as_str().to_owned()),
        user_id: Set(user.user.as_str().to_owned()),
        created_at: Set(millis(device.created_at)),
        expires_at: Set(millis(device.expires_at)),
        revoked_at: Set(None),
        client_ip: Set(truncate(&device.client.ip, 64)),
        user_agent: Set(truncate(&device.client.user_agent, 512)),
    }
}
