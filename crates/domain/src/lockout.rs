//! The per-user lockout: a small state machine over consecutive failed code
//! checks, with a lock that doubles on each repeat (after kanidm's softlock),
//! and its accounting on the stored row (`count_failure`, a compare-and-swap
//! that writes the failure's audit events with the row).
//!
//! ```text
//!          failure, failures + 1 < max
//!          (failures += 1, Mismatch)
//!              +-------+
//!              |       v
//!        +-------------------+   failure, failures + 1 == max    +--------------------+
//!  ----> |       Open        | --------------------------------> |       Locked       |
//!        | failures < max    |   failures = 0, lockouts += 1,    | locked_until > now |
//!        | locked_until is   |   locked_until = now + d(k),      |                    |
//!        | None or <= now    |   LockedOut                       | failure: uncounted,|
//!        +-------------------+ <-------------------------------- | same LockedOut     |
//!           |        ^          time passes: locked_until <= now +--------------------+
//!           +--------+
//!           success: reset to default
//!           (failures = 0, lockouts = 0)
//!
//!   d(k) = lockout_duration * 2^min(k, MAX_DOUBLINGS), k = lockouts before this one
//! ```
//!
//! A success resets everything, doubling included; callers run [`check`]
//! before verifying a code, so a success is never recorded while locked.
//! Time arrives as arguments: nothing here reads the clock.
//!
//! [`check`]: LockoutState::check

use chrono::{DateTime, TimeDelta, Utc};

use crate::error::DomainError;
use crate::ids::UserRef;
use crate::notification::NoticeDetails;
use crate::policy::Method;
use crate::ports::{AuditEvent, ClientInfo, MessageKind, Offload, Outcome, Store};
use crate::service::Service;

/// How many times the lock duration doubles at most: the longest lock is
/// 2^6 = 64 times the base duration.
pub const MAX_DOUBLINGS: u32 = 6;

/// Lockout settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutPolicy {
    /// Consecutive failures that lock; 0 is treated as 1.
    pub max_failed_attempts: u32,
    /// The first lock's duration; a negative duration is treated as zero.
    pub lockout_duration: TimeDelta,
}

impl LockoutPolicy {
    /// `max_failed_attempts`, at least 1.
    pub fn max_attempts(&self) -> u32 {
        self.max_failed_attempts.max(1)
    }

    /// The duration of a lock that follows `previous_lockouts` locks:
    /// `lockout_duration * 2^min(previous_lockouts, MAX_DOUBLINGS)`,
    /// saturating at [`TimeDelta::MAX`].
    pub fn lock_duration(&self, previous_lockouts: u32) -> TimeDelta {
        // Doubling by `checked_add`, which checks against `TimeDelta::MAX`;
        // chrono's `checked_mul` only checks the `i64` range of the seconds.
        let base = self.lockout_duration.max(TimeDelta::zero());
        (0..previous_lockouts.min(MAX_DOUBLINGS))
            .try_fold(base, |d, _| d.checked_add(&d))
            .unwrap_or(TimeDelta::MAX)
    }
}

/// One user's lockout state, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LockoutState {
    /// Consecutive failures since the last success or lock.
    pub failures: u32,
    /// Locks since the last success; drives the doubling.
    pub lockouts: u32,
    /// End of the current (or last) lock.
    pub locked_until: Option<DateTime<Utc>>,
}

/// What a failed attempt leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureOutcome {
    /// The failure was counted; this many attempts remain before a lock.
    Mismatch { attempts_left: u32 },
    /// The user is locked until `until`.
    LockedOut { until: DateTime<Utc> },
}

impl FailureOutcome {
    /// The error to return to the caller.
    pub fn into_error(self) -> DomainError {
        match self {
            Self::Mismatch { attempts_left } => DomainError::CodeMismatch {
                attempts_left: Some(attempts_left),
            },
            Self::LockedOut { until } => DomainError::LockedOut { until },
        }
    }
}

impl LockoutState {
    /// The end of the lock in force at `now`, if any.
    fn active_lock(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.locked_until.filter(|until| *until > now)
    }

    /// `Err(LockedOut)` while a lock is in force at `now`.
    pub fn check(&self, now: DateTime<Utc>) -> Result<(), DomainError> {
        match self.active_lock(now) {
            Some(until) => Err(DomainError::LockedOut { until }),
            None => Ok(()),
        }
    }

    /// The state after a failed attempt at `now`, and what to tell the user.
    /// A failure while locked is not counted.
    pub fn after_failure(
        &self,
        now: DateTime<Utc>,
        policy: &LockoutPolicy,
    ) -> (LockoutState, FailureOutcome) {
        if let Some(until) = self.active_lock(now) {
            return (*self, FailureOutcome::LockedOut { until });
        }
        let max = policy.max_attempts();
        let failures = self.failures.saturating_add(1);
        if failures >= max {
            let until = now
                .checked_add_signed(policy.lock_duration(self.lockouts))
                .unwrap_or(DateTime::<Utc>::MAX_UTC);
            let next = LockoutState {
                failures: 0,
                lockouts: self.lockouts.saturating_add(1),
                locked_until: Some(until),
            };
            (next, FailureOutcome::LockedOut { until })
        } else {
            let next = LockoutState {
                failures,
                lockouts: self.lockouts,
                locked_until: None,
            };
            let attempts_left = max - failures;
            (next, FailureOutcome::Mismatch { attempts_left })
        }
    }

    /// The state after a successful attempt: everything reset.
    pub fn after_success(&self) -> LockoutState {
        LockoutState::default()
    }
}

/// Compare-and-swap rounds on the lockout row before giving up.
pub(crate) const LOCKOUT_SWAP_ATTEMPTS: usize = 64;

/// A user's lockout row as read at the start of an attempt, with the
/// policy that governs it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LockoutRead<'a> {
    pub policy: LockoutPolicy,
    pub state: LockoutState,
    /// The row's version, for compare-and-swap (0: no row yet).
    pub version: i64,
    /// The attempt's failure, when the caller audits it: a counted failure
    /// writes its audit event in the same write as the lockout row.
    pub failure: Option<FailureAudit<'a>>,
    /// Whether the tenant opted in to security notifications: a lock then
    /// queues its notice in the same write.
    pub notify: bool,
}

/// How to audit a failed sign-in attempt.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FailureAudit<'a> {
    pub method: Method,
    pub client: &'a ClientInfo,
}

/// A refused sign-in attempt: the error to answer with, and whether the
/// attempt's audit event is already written (a counted failure writes it
/// with the lockout row), so the caller does not write it again.
#[derive(Debug)]
pub(crate) struct Refusal {
    pub error: DomainError,
    pub audited: bool,
}

impl From<DomainError> for Refusal {
    /// A refusal nothing has audited yet.
    fn from(error: DomainError) -> Self {
        Self {
            error,
            audited: false,
        }
    }
}

/// Lockout accounting: a failed attempt counted on the stored row, with
/// its audit events in the same write.
impl<S: Store, O: Offload> Service<S, O> {
    /// The audit event of a failed sign-in attempt.
    pub(crate) fn failure_event(
        &self,
        user: &UserRef,
        failure: FailureAudit<'_>,
        error: &DomainError,
    ) -> AuditEvent {
        let mut event = self.audit_event(
            user,
            "challenge.verified",
            Some(failure.method),
            failure.client,
        );
        event.outcome = Outcome::Failure;
        event.reason = error.reason();
        event
    }

    /// Counts a failed attempt (compare-and-swap on the lockout row) and
    /// returns the refusal to answer with: CODE_MISMATCH with the attempts
    /// left, or LOCKED_OUT, saying whether the failure's event was written.
    /// The first swap is tried from the row as read at the start of the
    /// attempt (`read`); only a lost race costs another read.
    pub(crate) async fn count_failure(
        &self,
        user: &UserRef,
        now: DateTime<Utc>,
        read: &LockoutRead<'_>,
    ) -> Result<Refusal, DomainError> {
        let (mut state, mut version) = (read.state, read.version);
        for attempt in 0..LOCKOUT_SWAP_ATTEMPTS {
            if attempt > 0 {
                (state, version) = self.store.lockout(user).await?;
            }
            let (next, outcome) = state.after_failure(now, &read.policy);
            let error = outcome.into_error();
            if next == state {
                return Ok(error.into());
            }
            // The failure's audit events go in the same write as the row.
            let mut events = Vec::new();
            if let Some(failure) = read.failure {
                events.push(self.failure_event(user, failure, &error));
            }
            let mut notices = Vec::new();
            if let FailureOutcome::LockedOut { until } = outcome
                && read.notify
            {
                let details = NoticeDetails {
                    client_ip: read
                        .failure
                        .map(|f| f.client.ip.clone())
                        .unwrap_or_default(),
                    user_agent: read
                        .failure
                        .map(|f| f.client.user_agent.clone())
                        .unwrap_or_default(),
                    method: read.failure.map(|f| f.method),
                    locked_until: Some(until),
                    ..NoticeDetails::default()
                };
                notices.push(self.seal_notice(MessageKind::LockedOut, &details, now)?);
            }
            if let FailureOutcome::LockedOut { until } = outcome {
                let mut event =
                    self.audit_event(user, "user.locked_out", None, &ClientInfo::default());
                event.outcome = Outcome::Failure;
                event.reason = "LOCKED_OUT";
                event
                    .details
                    .push(("locked_until".to_owned(), until.to_rfc3339()));
                events.push(event);
            }
            let observed: Vec<_> = events.iter().map(|e| (e.kind, e.outcome)).collect();
            if self
                .store
                .swap_lockout(user, version, next, events, notices)
                .await?
            {
                for (kind, outcome) in observed {
                    self.observe_audit(kind, outcome);
                }
                return Ok(Refusal {
                    error,
                    audited: read.failure.is_some(),
                });
            }
        }
        Err(DomainError::StorageUnavailable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn t0() -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000, 0).unwrap()
    }

    fn policy(max: u32, minutes: i64) -> LockoutPolicy {
        LockoutPolicy {
            max_failed_attempts: max,
            lockout_duration: TimeDelta::minutes(minutes),
        }
    }

    fn state(failures: u32, lockouts: u32, locked_until: Option<DateTime<Utc>>) -> LockoutState {
        LockoutState {
            failures,
            lockouts,
            locked_until,
        }
    }

    fn mismatch(attempts_left: u32) -> FailureOutcome {
        FailureOutcome::Mismatch { attempts_left }
    }

    /// Fails until locked; returns the new state and the lock's end.
    fn lock(
        mut s: LockoutState,
        now: DateTime<Utc>,
        p: &LockoutPolicy,
    ) -> (LockoutState, DateTime<Utc>) {
        loop {
            let (next, outcome) = s.after_failure(now, p);
            s = next;
            if let FailureOutcome::LockedOut { until } = outcome {
                return (s, until);
            }
        }
    }

    #[test]
    fn counts_down_then_locks_for_the_base_duration() {
        let p = policy(5, 15);
        let mut s = LockoutState::default();
        for left in [4, 3, 2, 1] {
            let (next, outcome) = s.after_failure(t0(), &p);
            assert_eq!(outcome, mismatch(left));
            let error = DomainError::CodeMismatch {
                attempts_left: Some(left),
            };
            assert_eq!(outcome.into_error(), error);
            s = next;
        }
        let (s, outcome) = s.after_failure(t0(), &p);
        let until = t0() + TimeDelta::minutes(15);
        assert_eq!(outcome, FailureOutcome::LockedOut { until });
        assert_eq!(s, state(0, 1, Some(until)));
        assert_eq!(s.check(t0()), Err(DomainError::LockedOut { until }));
        assert_eq!(s.check(until), Ok(()));
    }

    #[test]
    fn failures_while_locked_are_not_counted() {
        let p = policy(5, 15);
        let (locked, until) = lock(LockoutState::default(), t0(), &p);
        let later = t0() + TimeDelta::minutes(14);
        let (s, outcome) = locked.after_failure(later, &p);
        assert_eq!(s, locked);
        assert_eq!(outcome, FailureOutcome::LockedOut { until });
        assert_eq!(outcome.into_error(), DomainError::LockedOut { until });
    }

    #[test]
    fn an_expired_lock_gives_max_attempts_again() {
        let p = policy(5, 15);
        let (locked, until) = lock(LockoutState::default(), t0(), &p);
        let (s, outcome) = locked.after_failure(until, &p);
        assert_eq!(outcome, mismatch(4));
        assert_eq!(s, state(1, 1, None));
    }

    #[test]
    fn repeated_locks_double_up_to_64x() {
        let p = policy(3, 15);
        let mut s = LockoutState::default();
        let mut now = t0();
        for factor in [1, 2, 4, 8, 16, 32, 64, 64, 64] {
            let (next, until) = lock(s, now, &p);
            assert_eq!(until - now, TimeDelta::minutes(15 * factor));
            s = next;
            now = until;
        }
    }

    #[test]
    fn a_success_resets_failures_and_doubling() {
        let p = policy(3, 15);
        let (s, until) = lock(LockoutState::default(), t0(), &p);
        let (s, _) = s.after_failure(until, &p);
        let s = s.after_success();
        assert_eq!(s, LockoutState::default());
        let (_, next_until) = lock(s, until, &p);
        assert_eq!(next_until - until, TimeDelta::minutes(15));
    }

    #[test]
    fn degenerate_policies_do_not_panic() {
        let zero = policy(0, 15);
        let (_, outcome) = LockoutState::default().after_failure(t0(), &zero);
        let until = t0() + TimeDelta::minutes(15);
        assert_eq!(outcome, FailureOutcome::LockedOut { until });
        let huge = LockoutPolicy {
            lockout_duration: TimeDelta::MAX,
            ..policy(1, 0)
        };
        assert_eq!(huge.lock_duration(u32::MAX), TimeDelta::MAX);
        let (s, outcome) = state(u32::MAX, u32::MAX, None).after_failure(t0(), &huge);
        let until = DateTime::<Utc>::MAX_UTC;
        assert_eq!(outcome, FailureOutcome::LockedOut { until });
        assert_eq!(s, state(0, u32::MAX, Some(until)));
        assert_eq!(policy(1, -5).lock_duration(0), TimeDelta::zero());
    }

    proptest! {
        #[test]
        fn invariants_hold_for_any_sequence(
            max in 1u32..10,
            base_secs in 1i64..3600,
            events in prop::collection::vec((0i64..2000, any::<bool>()), 0..200),
        ) {
            let p = LockoutPolicy { max_failed_attempts: max, lockout_duration: TimeDelta::seconds(base_secs) };
            let mut s = LockoutState::default();
            let mut now = t0();
            for (advance, success) in events {
                now += TimeDelta::seconds(advance);
                if success {
                    s = s.after_success();
                    prop_assert_eq!(s, LockoutState::default());
                } else {
                    let was_locked = s.locked_until.is_some_and(|u| u > now);
                    let (next, outcome) = s.after_failure(now, &p);
                    match outcome {
                        FailureOutcome::LockedOut { until } if was_locked => {
                            prop_assert_eq!(next, s);
                            prop_assert_eq!(Some(until), s.locked_until);
                        }
                        FailureOutcome::LockedOut { until } => {
                            let factor = 1i64 << s.lockouts.min(MAX_DOUBLINGS);
                            prop_assert_eq!(until, now + TimeDelta::seconds(base_secs * factor));
                            prop_assert_eq!(next.locked_until, Some(until));
                            prop_assert_eq!(next.lockouts, s.lockouts + 1);
                            prop_assert_eq!(next.failures, 0);
                        }
                        FailureOutcome::Mismatch { attempts_left } => {
                            prop_assert!(!was_locked);
                            prop_assert_eq!(attempts_left + next.failures, max);
                            prop_assert_eq!(next.failures, s.failures + 1);
                            prop_assert_eq!(next.locked_until, None);
                        }
                    }
                    s = next;
                }
                prop_assert!(s.failures < max);
                let locked = s.locked_until.is_some_and(|u| u > now);
                prop_assert_eq!(s.check(now).is_err(), locked);
                if let Some(until) = s.locked_until {
                    prop_assert_eq!(s.check(until), Ok(()));
                }
            }
        }
    }
}
