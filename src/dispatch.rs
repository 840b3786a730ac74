//! The dispatcher: turns outbox messages into text and hands them to a
//! transport. With no transport configured for a channel, messages wait in
//! the outbox for the application's StreamOutbox.
use std::sync::Arc;
use std::time::Duration;

use chrono::TimeDelta;
use tokio::sync::Notify;
use tollgate_domain::DomainError;
use tollgate_domain::delivery::Payload;
use tollgate_domain::ports::{Channel, MessageKind, OutboxRecord};
use tollgate_domain::secret::SecretString;

use crate::grpc::Core;

/// A message as the recipient reads it.
#[derive(Debug)]
pub struct Rendered {
    pub subject: String,
    pub text: SecretString,
    pub html: Option<SecretString>,
}

/// Shared by every service and background task.
#[derive(Clone)]
pub struct Dispatcher {
    inner: Arc<Inner>,
}

struct Inner {
    notify: Notify,
    /// Set once the server shuts down: open outbox streams end.
    stopping: tokio::sync::watch::Sender<bool>,
    ack_timeout: TimeDelta,
    product: String,
}

/// "90 seconds", "15 minutes", "24 hours".
fn human(duration: TimeDelta) -> String {
    let seconds = duration.num_seconds().max(0);
    let (value, unit) = if seconds % 3600 == 0 && seconds >= 3600 {
        (seconds / 3600, "hour")
    } else if seconds % 60 == 0 && seconds >= 60 && seconds > 120 {
        (seconds / 60, "minute")
    } else {
        (seconds, "second")
    };
    format!("{value} {unit}{}", if value == 1 { "" } else { "s" })
}

impl Dispatcher {
    /// Messages wait in the outbox; unacknowledged ones are offered again
    /// after `ack_timeout`.
    pub fn new(product: impl Into<String>, ack_timeout: TimeDelta) -> Self {
        Self {
            inner: Arc::new(Inner {
                notify: Notify::new(),
                stopping: tokio::sync::watch::Sender::new(false),
                ack_timeout,
                product: product.into(),
            }),
        }
    }

    pub fn ack_timeout(&self) -> TimeDelta {
        self.inner.ack_timeout
    }

    /// Tells waiting outbox streams that there is something new.
    pub fn wake(&self) {
        self.inner.notify.notify_waiters();
    }

    /// Ends open outbox streams, so a graceful shutdown is not held up by
    /// them (their messages stay leased until the ack timeout).
    pub fn shut_down(&self) {
        self.inner.stopping.send_replace(true);
        self.wake();
    }

    /// Completes once [`Dispatcher::shut_down`] was called.
    pub async fn stopping(&self) {
        let mut rx = self.inner.stopping.subscribe();
        let _ = rx.wait_for(|stop| *stop).await;
    }

    /// Waits for [`Dispatcher::wake`] or `at_most`.
    pub async fn wait(&self, at_most: Duration) {
        let _ = tokio::time::timeout(at_most, self.inner.notify.notified()).await;
    }

    /// The subject and body of a message.
    pub fn render(&self, record: &OutboxRecord, payload: &Payload) -> Rendered {
        let product = &self.inner.product;
        let code = payload.code.expose();
        let expires_in = human(record.expires_at - record.created_at);
        let (subject, text) = match (record.kind, record.channel) {
            (MessageKind::SignInCode, _) => (
                format!("Your {product} sign-in code"),
                format!("{code} is your {product} sign-in code. It expires in {expires_in}."),
            ),
            (MessageKind::ContactConfirmation, Channel::Sms) => (
                format!("Confirm your phone number for {product}"),
                format!("{code} is your {product} confirmation code. It expires in {expires_in}."),
            ),
            (MessageKind::ContactConfirmation, Channel::Email) => {
                let link = payload.link.expose();
                let how = if link.is_empty() {
                    format!("enter this confirmation code: {code}")
                } else {
                    format!("open this link: {link}")
                };
                (
                    format!("Confirm your email address for {product}"),
                    format!(
                        "To confirm this email address for {product}, {how}\n\nIt expires in {expires_in}. \
                         If you did not ask for this, ignore this message."
                    ),
                )
            }
        };
        Rendered {
            subject,
            text: SecretString::new(text),
            html: None,
        }
    }

    /// Delivers a queued message now. With no transport for its channel it
    /// stays in the outbox for StreamOutbox, which is woken.
    pub async fn deliver_now(&self, _core: &Core, _message_id: &str) -> Result<(), DomainError> {
        self.wake();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(human(TimeDelta::seconds(90)), "90 seconds");
        assert_eq!(human(TimeDelta::minutes(15)), "15 minutes");
        assert_eq!(human(TimeDelta::hours(24)), "24 hours");
        assert_eq!(human(TimeDelta::seconds(1)), "1 second");
    }
}
