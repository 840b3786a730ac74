//! The dispatcher: renders outbox messages from the templates and hands them
//! to the transport configured for their channel, retrying transient
//! failures with backoff from a background worker. A channel with no
//! transport keeps its messages in the outbox for StreamOutbox.
use std::future::Future;
use std::ops::ControlFlow;
use std::sync::Arc;
use std::time::Duration;

use chrono::TimeDelta;
use tokio::sync::Notify;
use tollgate_delivery::{
    DeliveryError, LogTransport, Message, Notice, Rendered, SmtpTransport, Templates, Transport,
    TwilioSms, Vars, WebhookTransport,
};
use tollgate_domain::DomainError;
use tollgate_domain::delivery::Payload;
use tollgate_domain::ports::{Channel, OutboxFilter, OutboxRecord};

use crate::telemetry::Metrics;
use crate::workers::Core;

/// How long a message is leased to the dispatcher while it sends it.
const SEND_LEASE: TimeDelta = TimeDelta::minutes(2);
/// How often the worker looks for messages due a retry.
const WORKER_POLL: Duration = Duration::from_secs(1);
/// Messages the worker leases per round.
const WORKER_BATCH: u32 = 16;
/// The longest wait between two tries of one message.
const MAX_BACKOFF_SECONDS: i64 = 300;

/// Email transports.
pub enum EmailTransport {
    Smtp(SmtpTransport),
    Webhook(WebhookTransport),
    Log(LogTransport),
}

/// SMS transports.
pub enum SmsTransport {
    Twilio(TwilioSms),
    Webhook(WebhookTransport),
    Log(LogTransport),
}

impl EmailTransport {
    /// The transport's name in metrics.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Smtp(_) => "smtp",
            Self::Webhook(_) => "webhook",
            Self::Log(_) => "log",
        }
    }
}

impl SmsTransport {
    /// The transport's name in metrics.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Twilio(_) => "twilio",
            Self::Webhook(_) => "webhook",
            Self::Log(_) => "log",
        }
    }
}

async fn send_email(transport: &EmailTransport, message: &Message) -> Result<(), DeliveryError> {
    match transport {
        EmailTransport::Smtp(t) => t.send(message).await,
        EmailTransport::Webhook(t) => t.send(message).await,
        EmailTransport::Log(t) => t.send(message).await,
    }
}

async fn send_sms(transport: &SmsTransport, message: &Message) -> Result<(), DeliveryError> {
    match transport {
        SmsTransport::Twilio(t) => t.send(message).await,
        SmsTransport::Webhook(t) => t.send(message).await,
        SmsTransport::Log(t) => t.send(message).await,
    }
}

/// What the dispatcher is built from.
pub struct DispatcherSettings {
    pub product: String,
    pub templates: Templates,
    pub email: Option<EmailTransport>,
    pub sms: Option<SmsTransport>,
    /// StreamOutbox offers an unacknowledged message again after this.
    pub ack_timeout: TimeDelta,
    /// One delivery attempt may take this long before it counts as failed.
    pub send_timeout: Duration,
}

/// Shared by every service and background task.
#[derive(Clone)]
pub struct Dispatcher {
    inner: Arc<Inner>,
}

struct Inner {
    settings: DispatcherSettings,
    metrics: Metrics,
    notify: Notify,
    /// Set once the server shuts down: open outbox streams and the worker end.
    stopping: tokio::sync::watch::Sender<bool>,
}

/// "90 seconds", "15 minutes", "24 hours".
fn human(duration: TimeDelta) -> String {
    let seconds = duration.num_seconds().max(0);
    let (value, unit) = if seconds % 3600 == 0 && seconds >= 3600 {
        (seconds / 3600, "hour")
    } else if seconds % 60 == 0 && seconds > 120 {
        (seconds / 60, "minute")
    } else {
        (seconds, "second")
    };
    format!("{value} {unit}{}", if value == 1 { "" } else { "s" })
}

/// Seconds before try number `attempts + 1`: 5, 10, 20 ... up to 5 minutes.
fn backoff(attempts: u32) -> TimeDelta {
    let exponent = attempts.saturating_sub(1).min(10);
    TimeDelta::seconds((5_i64 << exponent).min(MAX_BACKOFF_SECONDS))
}

impl Dispatcher {
    pub fn new(settings: DispatcherSettings) -> Self {
        Self {
            inner: Arc::new(Inner {
                settings,
                metrics: Metrics::from_global(),
                notify: Notify::new(),
                stopping: tokio::sync::watch::Sender::new(false),
            }),
        }
    }

    pub fn ack_timeout(&self) -> TimeDelta {
        self.inner.settings.ack_timeout
    }

    fn has_transport(&self, channel: Channel) -> bool {
        match channel {
            Channel::Email => self.inner.settings.email.is_some(),
            Channel::Sms => self.inner.settings.sms.is_some(),
        }
    }

    /// The channels whose messages StreamOutbox hands out.
    pub fn outbox_channels(&self) -> Vec<Channel> {
        [Channel::Email, Channel::Sms]
            .into_iter()
            .filter(|c| !self.has_transport(*c))
            .collect()
    }

    fn transport_channels(&self) -> Vec<Channel> {
        [Channel::Email, Channel::Sms]
            .into_iter()
            .filter(|c| self.has_transport(*c))
            .collect()
    }

    /// Tells waiting outbox streams and the worker that there is something
    /// new.
    pub fn wake(&self) {
        self.inner.notify.notify_waiters();
    }

    /// Ends open outbox streams and the worker, so a graceful shutdown is
    /// not held up (their messages stay in the outbox).
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

    /// The subject and bodies of a message, from the templates.
    pub fn render(&self, record: &OutboxRecord, payload: &Payload) -> Rendered {
        let link = payload.link.expose();
        let vars = Vars {
            product: self.inner.settings.product.clone(),
            code: payload.code.clone(),
            expires_in: human(record.expires_at - record.created_at),
            link: (!link.is_empty()).then(|| payload.link.clone()),
            notice: payload.notice.clone().map(|details| Notice {
                occurred_at: record.created_at,
                details,
            }),
        };
        self.inner
            .settings
            .templates
            .render(record.kind, record.channel, &vars)
    }

    /// One attempt to deliver a leased message, then its outcome recorded:
    /// delivered, to retry later (transient), or given up (permanent).
    async fn attempt(
        &self,
        core: &Core,
        record: &OutboxRecord,
        payload: &Payload,
    ) -> Result<(), DeliveryError> {
        let rendered = self.render(record, payload);
        let message = Message {
            id: record.id.clone(),
            channel: record.channel,
            recipient: record.recipient.clone(),
            subject: rendered.subject,
            text_body: rendered.text,
            html_body: rendered.html,
        };
        let settings = &self.inner.settings;
        let transport = match (record.channel, &settings.email, &settings.sms) {
            (Channel::Email, Some(t), _) => t.name(),
            (Channel::Sms, _, Some(t)) => t.name(),
            _ => "none",
        };
        let send = async {
            match (record.channel, &settings.email, &settings.sms) {
                (Channel::Email, Some(t), _) => send_email(t, &message).await,
                (Channel::Sms, _, Some(t)) => send_sms(t, &message).await,
                _ => Err(DeliveryError::Permanent(
                    "no transport for this channel".to_owned(),
                )),
            }
        };
        // Whatever a transport or provider said, the code and link do not
        // reach the log or the contact's last_delivery_error.
        let outcome = tokio::time::timeout(self.inner.settings.send_timeout, send)
            .await
            .unwrap_or_else(|_| {
                Err(DeliveryError::Transient(
                    "the provider did not answer in time".to_owned(),
                ))
            })
            .map_err(|error| {
                let mut secrets = message.redactions();
                secrets.extend([payload.code.expose(), payload.link.expose()]);
                error.redacted(&secrets)
            });
        self.inner
            .metrics
            .delivery(record.channel.as_str(), transport, outcome.is_ok());
        let recorded = match &outcome {
            Ok(()) => core.ack_message(None, &record.id).await,
            Err(error) => {
                tracing::warn!(message_id = %record.id, channel = record.channel.as_str(), %error, "delivery failed");
                let retry_at =
                    (!error.is_permanent()).then(|| core.clock().now() + backoff(record.attempts));
                core.message_failed(&record.id, &error.to_string(), retry_at)
                    .await
            }
        };
        if let Err(error) = recorded {
            tracing::warn!(message_id = %record.id, error = error.reason(), "could not record a delivery outcome");
        }
        outcome
    }

    /// Delivers a queued message now, within the send timeout. With no
    /// transport for its channel it stays in the outbox for StreamOutbox.
    /// A permanent failure is `DELIVERY_FAILED`; a transient one is retried
    /// in the background.
    pub async fn deliver_now(&self, core: &Core, message_id: &str) -> Result<(), DomainError> {
        let filter = OutboxFilter {
            channels: self.transport_channels(),
            id: Some(message_id.to_owned()),
            ..OutboxFilter::default()
        };
        if filter.channels.is_empty() {
            self.wake();
            return Ok(());
        }
        let leased = core.lease_outbox(&filter, SEND_LEASE, 1).await?;
        let Some((record, payload)) = leased.into_iter().next() else {
            // Not a transport channel's message: it waits for StreamOutbox.
            self.wake();
            return Ok(());
        };
        match self.attempt(core, &record, &payload).await {
            Err(error) if error.is_permanent() => Err(DomainError::DeliveryFailed),
            _ => Ok(()),
        }
    }

    /// Retries due messages until shutdown.
    pub async fn run_worker(self, core: Arc<Core>) {
        let filter = OutboxFilter {
            channels: self.transport_channels(),
            ..OutboxFilter::default()
        };
        if filter.channels.is_empty() {
            return;
        }
        let leasing = Leasing {
            filter,
            lease: SEND_LEASE,
            batch: WORKER_BATCH,
            poll: WORKER_POLL,
        };
        let each_round = |leased: Result<Vec<Leased>, DomainError>| {
            let (dispatcher, core) = (self.clone(), core.clone());
            async move {
                match leased {
                    Ok(due) => {
                        for (record, payload) in due {
                            let _ = dispatcher.attempt(&core, &record, &payload).await;
                        }
                    }
                    Err(error) => tracing::warn!(
                        error = error.reason(),
                        "the delivery worker could not read the outbox"
                    ),
                }
                ControlFlow::Continue(())
            }
        };
        self.lease_rounds(&core, &leasing, std::future::pending(), each_round)
            .await;
    }

    /// The outbox lease loop that the delivery worker and every StreamOutbox
    /// stream share: leases the due messages `leasing` names (none while it
    /// names no channel), hands them to `each_round`, then waits for
    /// [`Dispatcher::wake`] or the poll interval, and again, until shutdown,
    /// until `until` completes (looked at between rounds) or until
    /// `each_round` breaks. Each round's future owns what it uses (clones
    /// of shared handles): with an async closure borrowing them instead,
    /// rustc cannot prove a spawned loop `Send`.
    pub async fn lease_rounds<Round>(
        &self,
        core: &Core,
        leasing: &Leasing,
        until: impl Future<Output = ()>,
        mut each_round: impl FnMut(Result<Vec<Leased>, DomainError>) -> Round,
    ) where
        Round: Future<Output = ControlFlow<()>>,
    {
        tokio::pin!(until);
        loop {
            let leased = if leasing.filter.channels.is_empty() {
                Ok(Vec::new())
            } else {
                core.lease_outbox(&leasing.filter, leasing.lease, leasing.batch)
                    .await
            };
            if each_round(leased).await.is_break() {
                return;
            }
            tokio::select! {
                () = &mut until => return,
                () = self.stopping() => return,
                () = self.wait(leasing.poll) => {}
            }
        }
    }
}

/// A message leased from the outbox, with its opened payload.
pub type Leased = (OutboxRecord, Payload);

/// What one outbox lease loop takes, and how often it looks.
pub struct Leasing {
    pub filter: OutboxFilter,
    /// How long each message is leased to the loop.
    pub lease: TimeDelta,
    /// Messages leased per round at most.
    pub batch: u32,
    /// How long the loop waits between rounds when nothing wakes it.
    pub poll: Duration,
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

    #[test]
    fn backoff_doubles_up_to_five_minutes() {
        let secs: Vec<i64> = (1..=8).map(|a| backoff(a).num_seconds()).collect();
        assert_eq!(secs, [5, 10, 20, 40, 80, 160, 300, 300]);
    }
}
