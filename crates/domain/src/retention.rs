//! Purging what no longer protects or proves anything: sign-in challenges,
//! outbox messages and trusted devices some time after they expired,
//! step-up records of sessions some time after they can satisfy no check
//! (older than the longest max age, 24 hours), and audit events older than
//! the operator's retention (kept for good unless one is set). Without it every sign-in would leave rows behind forever.
use chrono::{DateTime, TimeDelta, Utc};

use crate::error::DomainError;
use crate::ports::{Offload, Purgeable, Store};
use crate::service::Service;
use crate::step_up;

/// Rows deleted per transaction: small enough that sign-ins waiting for
/// SQLite's one writer hardly notice a batch.
pub const PURGE_BATCH: u32 = 500;

/// How long rows are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// After a challenge, outbox message or trusted device expired. A
    /// purged challenge answers CHALLENGE_NOT_FOUND instead of
    /// CHALLENGE_EXPIRED, and an acknowledgement of a purged message
    /// MESSAGE_NOT_FOUND.
    pub expired: TimeDelta,
    /// After an audit event occurred; `None` keeps audit events for good
    /// (how long a log of sign-ins must be kept is the operator's call).
    pub audit: Option<TimeDelta>,
}

/// How many rows one purge deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    pub challenges: u64,
    pub messages: u64,
    pub trusted_devices: u64,
    pub audit_events: u64,
    pub webauthn_ceremonies: u64,
    pub sessions: u64,
}

impl Purged {
    pub fn total(&self) -> u64 {
        self.challenges
            + self.messages
            + self.trusted_devices
            + self.audit_events
            + self.webauthn_ceremonies
            + self.sessions
    }
}

/// What `retention` lets go at `now`: each kind of row with the instant
/// before which it goes.
pub fn cutoffs(retention: &Retention, now: DateTime<Utc>) -> Vec<(Purgeable, DateTime<Utc>)> {
    let expired = now - retention.expired;
    let mut all = vec![
        (Purgeable::Challenges, expired),
        (Purgeable::Messages, expired),
        (Purgeable::TrustedDevices, expired),
        (Purgeable::WebAuthnCeremonies, expired),
        // A step-up record expires when it can satisfy no check.
        (Purgeable::Sessions, expired - step_up::max_age_bound()),
    ];
    if let Some(audit) = retention.audit {
        all.push((Purgeable::AuditEvents, now - audit));
    }
    all
}

impl<S: Store, O: Offload> Service<S, O> {
    /// Deletes, in batches of [`PURGE_BATCH`], every row `retention` lets
    /// go now. Safe to run on several servers at once: a row is deleted
    /// once, whoever gets there first.
    pub async fn purge(&self, retention: &Retention) -> Result<Purged, DomainError> {
        let mut purged = Purged::default();
        for (what, before) in cutoffs(retention, self.clock.now()) {
            let mut deleted = 0;
            loop {
                let batch = self.store.purge(what, before, PURGE_BATCH).await?;
                deleted += batch;
                if batch < u64::from(PURGE_BATCH) {
                    break;
                }
            }
            match what {
                Purgeable::Challenges => purged.challenges = deleted,
                Purgeable::Messages => purged.messages = deleted,
                Purgeable::TrustedDevices => purged.trusted_devices = deleted,
                Purgeable::AuditEvents => purged.audit_events = deleted,
                Purgeable::WebAuthnCeremonies => purged.webauthn_ceremonies = deleted,
                Purgeable::Sessions => purged.sessions = deleted,
            }
        }
        Ok(purged)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audit_events_are_kept_unless_a_retention_is_set() {
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let day = TimeDelta::days(1);
        let kept = cutoffs(
            &Retention {
                expired: day,
                audit: None,
            },
            now,
        );
        assert_eq!(
            kept,
            [
                (Purgeable::Challenges, now - day),
                (Purgeable::Messages, now - day),
                (Purgeable::TrustedDevices, now - day),
                (Purgeable::WebAuthnCeremonies, now - day),
                (Purgeable::Sessions, now - day - TimeDelta::hours(24)),
            ]
        );
        let limited = cutoffs(
            &Retention {
                expired: day,
                audit: Some(TimeDelta::days(400)),
            },
            now,
        );
        assert_eq!(
            limited.last(),
            Some(&(Purgeable::AuditEvents, now - TimeDelta::days(400)))
        );
    }
}
