//! Storage of the per-user lockout row that failed guesses count on.
use std::future::Future;

use super::AuditEvent;
use crate::error::DomainError;
use crate::ids::UserRef;
use crate::lockout::LockoutState;

/// The lockout row a completion depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutGuard {
    /// The row's version as read (0: no row).
    pub version: i64,
    /// Whether it holds anything a success clears (failures, doubling).
    pub reset: bool,
}

/// Storage of the per-user lockout row that failed guesses count on.
pub trait LockoutStore: Send + Sync + 'static {
    /// The user's lockout state and its version, for compare-and-swap.
    fn lockout(
        &self,
        user: &UserRef,
    ) -> impl Future<Output = Result<(LockoutState, i64), DomainError>> + Send;

    /// Replaces the lockout state if its version is still `version`, and
    /// then, in the same transaction, stores `audit` and queues `notices`
    /// to the user's confirmed email address, if any (nothing if the
    /// version had moved on).
    fn swap_lockout(
        &self,
        user: &UserRef,
        version: i64,
        state: LockoutState,
        audit: Vec<AuditEvent>,
        notices: Vec<super::NewNotice>,
    ) -> impl Future<Output = Result<bool, DomainError>> + Send;
}
