//! Retrying a send with exponential backoff: transient failures are tried
//! again after `first_delay`, then twice as long each time up to
//! `max_delay`; a permanent failure ends at once.
use std::time::Duration;

use crate::{DeliveryError, Message, Transport};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Tries in all, the first included (0 counts as 1).
    pub attempts: u32,
    pub first_delay: Duration,
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    /// 4 tries, 1 s, 2 s and 4 s apart.
    fn default() -> Self {
        Self {
            attempts: 4,
            first_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(30),
        }
    }
}

/// Sends `message`, retrying transient failures as `policy` allows.
/// Returns how many tries it took, or the last error. Waits with
/// `tokio::time::sleep`, so paused-clock tests run instantly.
pub async fn send_with_retry<T: Transport>(
    transport: &T,
    message: &Message,
    policy: RetryPolicy,
) -> Result<u32, DeliveryError> {
    let attempts = policy.attempts.max(1);
    let mut delay = policy.first_delay.min(policy.max_delay);
    let mut attempt = 1;
    loop {
        match transport.send(message).await {
            Ok(()) => return Ok(attempt),
            Err(err) if err.is_permanent() || attempt >= attempts => return Err(err),
            Err(err) => {
                tracing::warn!(
                    transport = transport.name(),
                    message_id = %message.id,
                    attempt,
                    retry_in = ?delay,
                    error = %err,
                    "delivery failed; retrying"
                );
                tokio::time::sleep(delay).await;
                delay = delay.saturating_mul(2).min(policy.max_delay);
                attempt += 1;
            }
        }
    }
}
