//! Security notifications: telling users by email that something happened
//! to their second factor (2FA turned on or off, a method added or removed,
//! recovery codes regenerated or used, a new trusted device, a lockout),
//! when, and from which client, so that someone acting on a stolen password
//! or a talked-round helpdesk does not go unnoticed.
//!
//! Opt-in per tenant (`security_notifications` in the policy): for a tenant
//! that did not opt in nothing here runs and no statement is added. A
//! notice is sealed like a code's message (its details are personal data)
//! and goes into the outbox in the same write as the event it reports
//! where the event is one write (a sign-in completion, a lockout, a reset);
//! the enrolment use cases, which write their audit event after the change,
//! write the notice with that audit event. The store addresses a notice to
//! the user's confirmed email address as it writes it: a user without one
//! is sent nothing. A notice never holds a code, secret or token: it names
//! the kind of event, the method, the client's IP and user agent as the
//! application reported them, and counts.
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::delivery::{new_message_id, outbox_binding};
use crate::error::DomainError;
use crate::ids::UserRef;
use crate::policy::{Method, Policy};
use crate::ports::{AuditEvent, MessageKind, NewNotice, Offload, Store};
use crate::service::Service;

/// How long a notice waits for delivery (an outage of the mail provider
/// included) before it is dropped.
pub const NOTICE_TTL: TimeDelta = TimeDelta::days(3);

/// A recovery code used with this many or fewer left sends the warning
/// (`RecoveryCodesLow`) in place of the plain notice.
pub const LOW_RECOVERY_CODES: u32 = 2;

/// What a notice says beyond its kind and time. The client is as the
/// application reported it (empty when it did not).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NoticeDetails {
    pub client_ip: String,
    pub user_agent: String,
    /// The method concerned, when there is one.
    pub method: Option<Method>,
    /// Recovery codes left, for a code used.
    pub recovery_codes_remaining: Option<u32>,
    /// The end of a lockout.
    #[serde(with = "crate::serde_time::opt_instant")]
    pub locked_until: Option<DateTime<Utc>>,
    /// An administrator acted (ResetUser), not the user.
    pub by_administrator: bool,
}

impl NoticeDetails {
    /// The client and method of an audit event.
    pub fn of(event: &AuditEvent) -> Self {
        Self {
            client_ip: event.client.ip.clone(),
            user_agent: event.client.user_agent.clone(),
            method: event.method,
            ..Self::default()
        }
    }

    pub(crate) fn from_json(bytes: &[u8]) -> Result<Self, DomainError> {
        serde_json::from_slice(bytes)
            .map_err(|_| DomainError::Internal("a notification payload is malformed"))
    }
}

/// The notice for a method turned on: "2FA turned on" when it was the
/// user's first (it brought recovery codes), "a method added" otherwise.
pub(crate) fn enabled_kind(first: bool) -> MessageKind {
    if first {
        MessageKind::TwoFactorEnabled
    } else {
        MessageKind::MethodAdded
    }
}

/// The notice for a method turned off: "2FA turned off" when none is left.
pub(crate) fn disabled_kind(none_left: bool) -> MessageKind {
    if none_left {
        MessageKind::TwoFactorDisabled
    } else {
        MessageKind::MethodRemoved
    }
}

/// The notice for a recovery code used with `remaining` left: the warning
/// when few are.
pub(crate) fn recovery_used_kind(remaining: u32) -> MessageKind {
    if remaining <= LOW_RECOVERY_CODES {
        MessageKind::RecoveryCodesLow
    } else {
        MessageKind::RecoveryCodeUsed
    }
}

impl<S: Store, O: Offload> Service<S, O> {
    /// A notice of `kind` at `at`, sealed for the outbox.
    pub(crate) fn seal_notice(
        &self,
        kind: MessageKind,
        details: &NoticeDetails,
        at: DateTime<Utc>,
    ) -> Result<NewNotice, DomainError> {
        debug_assert!(kind.is_notice());
        let id = new_message_id()?;
        let json = serde_json::to_vec(details)
            .map_err(|_| DomainError::Internal("a notification could not be written"))?;
        let sealed_payload = self.keys.current().seal(&json, &outbox_binding(&id))?;
        Ok(NewNotice {
            id,
            kind,
            sealed_payload,
            created_at: at,
            expires_at: at + NOTICE_TTL,
        })
    }

    /// Stores `event` and, with `notice` (given only when the tenant opted
    /// in), the notice about it in the same transaction.
    pub(crate) async fn record_noticed(
        &self,
        user: &UserRef,
        event: AuditEvent,
        notice: Option<(MessageKind, NoticeDetails)>,
    ) -> Result<(), DomainError> {
        let Some((kind, details)) = notice else {
            return self.record_audit(event).await;
        };
        let sealed = self.seal_notice(kind, &details, event.occurred_at)?;
        let (audited, outcome) = (event.kind, event.outcome);
        self.store
            .record_noticed(user, Some(event), vec![sealed])
            .await?;
        self.observe_audit(audited, outcome);
        Ok(())
    }

    /// The notices a successful verification (`event`) sends, for a
    /// tenant that opted in: a recovery code used (the warning when
    /// `remaining` is low), a new trusted device. None otherwise, so no
    /// other sign-in writes anything more.
    pub(crate) fn sign_in_notices(
        &self,
        policy: &Policy,
        event: &AuditEvent,
        remaining: u32,
        trusted_device: bool,
    ) -> Result<Vec<NewNotice>, DomainError> {
        let mut notices = Vec::new();
        if !policy.security_notifications {
            return Ok(notices);
        }
        if event.method == Some(Method::RecoveryCode) {
            let details = NoticeDetails {
                recovery_codes_remaining: Some(remaining),
                ..NoticeDetails::of(event)
            };
            let kind = recovery_used_kind(remaining);
            notices.push(self.seal_notice(kind, &details, event.occurred_at)?);
        }
        if trusted_device {
            let details = NoticeDetails::of(event);
            let kind = MessageKind::TrustedDeviceAdded;
            notices.push(self.seal_notice(kind, &details, event.occurred_at)?);
        }
        Ok(notices)
    }

    /// Whether `user`'s tenant opted in to security notifications (the
    /// tenant's policy, as read at most a second ago).
    pub(crate) async fn notifies(&self, user: &UserRef) -> Result<bool, DomainError> {
        Ok(self.policy_for(user, "").await?.security_notifications)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_round_trip_and_old_documents_read() {
        let details = NoticeDetails {
            client_ip: "203.0.113.9".into(),
            user_agent: "Firefox/140".into(),
            method: Some(Method::RecoveryCode),
            recovery_codes_remaining: Some(2),
            locked_until: DateTime::from_timestamp(1_800_000_900, 0),
            by_administrator: false,
        };
        let json = serde_json::to_vec(&details).unwrap();
        assert_eq!(NoticeDetails::from_json(&json).unwrap(), details);
        assert_eq!(
            NoticeDetails::from_json(b"{}").unwrap(),
            NoticeDetails::default()
        );
        assert!(NoticeDetails::from_json(b"428913").is_err());
    }

    #[test]
    fn kinds_follow_the_event() {
        assert_eq!(enabled_kind(true), MessageKind::TwoFactorEnabled);
        assert_eq!(enabled_kind(false), MessageKind::MethodAdded);
        assert_eq!(disabled_kind(true), MessageKind::TwoFactorDisabled);
        assert_eq!(disabled_kind(false), MessageKind::MethodRemoved);
        assert_eq!(recovery_used_kind(3), MessageKind::RecoveryCodeUsed);
        for left in [2, 1, 0] {
            assert_eq!(recovery_used_kind(left), MessageKind::RecoveryCodesLow);
        }
        for kind in MessageKind::ALL {
            assert_eq!(MessageKind::parse(kind.as_str()), Some(kind));
            assert_eq!(kind.is_notice(), !MessageKind::CODES.contains(&kind));
        }
    }
}
