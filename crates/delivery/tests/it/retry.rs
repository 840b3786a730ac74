//! The retry loop, with a transport that fails as told and a paused clock.
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use tokio::time::Instant;
use tollgate_delivery::{Channel, DeliveryError, Message, RetryPolicy, Transport, send_with_retry};

use crate::message;

/// Fails `failures` times with `error`, then succeeds; counts calls.
struct Flaky {
    failures: u32,
    error: DeliveryError,
    calls: AtomicU32,
}

impl Flaky {
    fn new(failures: u32, error: DeliveryError) -> Self {
        Self {
            failures,
            error,
            calls: AtomicU32::new(0),
        }
    }
}

impl Transport for Flaky {
    async fn send(&self, _message: &Message) -> Result<(), DeliveryError> {
        if self.calls.fetch_add(1, Ordering::SeqCst) < self.failures {
            Err(self.error.clone())
        } else {
            Ok(())
        }
    }

    fn name(&self) -> &'static str {
        "flaky"
    }
}

fn policy(attempts: u32) -> RetryPolicy {
    RetryPolicy {
        attempts,
        first_delay: Duration::from_secs(1),
        max_delay: Duration::from_secs(5),
    }
}

fn transient() -> DeliveryError {
    DeliveryError::Transient("connection refused".into())
}

#[tokio::test(start_paused = true)]
async fn transient_failures_are_retried_with_growing_delays() {
    let flaky = Flaky::new(4, transient());
    let start = Instant::now();
    let used = send_with_retry(&flaky, &message(Channel::Sms, "+1"), policy(6))
        .await
        .unwrap();
    assert_eq!(used, 5);
    assert_eq!(flaky.calls.load(Ordering::SeqCst), 5);
    // 1 + 2 + 4 + 5 (capped) seconds.
    assert_eq!(start.elapsed(), Duration::from_secs(12));
}

#[tokio::test(start_paused = true)]
async fn the_first_success_needs_no_wait() {
    let flaky = Flaky::new(0, transient());
    let start = Instant::now();
    let used = send_with_retry(&flaky, &message(Channel::Sms, "+1"), policy(3))
        .await
        .unwrap();
    assert_eq!(used, 1);
    assert_eq!(start.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn gives_up_after_the_last_attempt_with_the_last_error() {
    let flaky = Flaky::new(u32::MAX, transient());
    let start = Instant::now();
    let err = send_with_retry(&flaky, &message(Channel::Sms, "+1"), policy(3))
        .await
        .unwrap_err();
    assert_eq!(err, transient());
    assert_eq!(flaky.calls.load(Ordering::SeqCst), 3);
    assert_eq!(start.elapsed(), Duration::from_secs(3));
}

#[tokio::test(start_paused = true)]
async fn a_permanent_failure_stops_at_once() {
    let flaky = Flaky::new(u32::MAX, DeliveryError::Permanent("invalid number".into()));
    let start = Instant::now();
    let err = send_with_retry(&flaky, &message(Channel::Sms, "+1"), policy(5))
        .await
        .unwrap_err();
    assert!(err.is_permanent());
    assert_eq!(flaky.calls.load(Ordering::SeqCst), 1);
    assert_eq!(start.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn zero_attempts_still_tries_once() {
    let flaky = Flaky::new(u32::MAX, transient());
    let err = send_with_retry(&flaky, &message(Channel::Sms, "+1"), policy(0)).await;
    assert!(err.is_err());
    assert_eq!(flaky.calls.load(Ordering::SeqCst), 1);
}
