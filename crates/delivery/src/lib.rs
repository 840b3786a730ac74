//! Message delivery: email over SMTP, SMS through Twilio, a signed webhook
//! for any other provider, a log file for development, retries with
//! backoff, and the texts the messages say.
//!
//! Every transport implements [`Transport`] and reports a failure as
//! [`DeliveryError::Permanent`] (do not retry) or
//! [`DeliveryError::Transient`] (retry later). Message bodies carry codes
//! and links, so they travel as [`SecretString`] and no error message, log
//! line or `Debug` output of this crate contains them, nor any password,
//! token or signing secret.
#![forbid(unsafe_code)]

use std::future::Future;

pub use tollgate_domain::ports::{Channel, MessageKind, MessageSender, OutgoingMessage};
pub use tollgate_domain::secret::SecretString;

mod http;
pub mod log;
pub mod retry;
pub mod smtp;
pub mod templates;
pub mod twilio;
pub mod webhook;

pub use log::LogTransport;
pub use retry::{RetryPolicy, send_with_retry};
pub use smtp::{SmtpConfig, SmtpSecurity, SmtpTransport};
pub use templates::{Rendered, TemplateError, Templates, Vars};
pub use twilio::{TwilioConfig, TwilioSms};
pub use webhook::{WebhookConfig, WebhookTransport};

/// One message ready to send.
#[derive(Debug, Clone)]
pub struct Message {
    /// The outbox id: the same on every attempt, so a receiver can drop
    /// duplicates.
    pub id: String,
    pub channel: Channel,
    /// An email address or an E.164 phone number.
    pub recipient: String,
    /// Never carries a code: subjects may be logged.
    pub subject: String,
    pub text_body: SecretString,
    /// For email: sent as a multipart/alternative HTML part when present.
    pub html_body: Option<SecretString>,
}

/// Why a send failed. The text never holds a body, code or credential.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeliveryError {
    /// Trying again will not help: the provider refused the recipient or the
    /// message (an invalid number, an SMTP 5xx, an HTTP 4xx other than 429).
    #[error("delivery failed: {0}")]
    Permanent(String),
    /// Worth trying again later: a timeout, a refused connection, an SMTP
    /// 4xx, an HTTP 5xx or 429.
    #[error("delivery failed for now: {0}")]
    Transient(String),
}

impl DeliveryError {
    pub fn is_permanent(&self) -> bool {
        matches!(self, Self::Permanent(_))
    }
}

/// Something that delivers messages. Not object safe (the future is an
/// `impl Future`): to choose a transport at run time, wrap the ones you use
/// in an enum.
pub trait Transport: Send + Sync {
    /// One attempt to deliver `message`; retrying is the caller's business
    /// (see [`send_with_retry`]).
    fn send(&self, message: &Message) -> impl Future<Output = Result<(), DeliveryError>> + Send;

    /// A short name for logs and metrics: "smtp", "twilio", "webhook", "log".
    fn name(&self) -> &'static str;
}

/// Why a transport could not be set up from its configuration. Each message
/// says what to change; none repeats a secret.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "plaintext SMTP to {host} would carry codes unencrypted: set the SMTP security to \
         starttls or tls (plaintext is allowed only to localhost, for development)"
    )]
    PlaintextSmtp { host: String },
    #[error(
        "the {field} uses plain http to a host other than this machine, which would carry \
         codes and credentials unencrypted: use an https URL"
    )]
    PlaintextHttp { field: &'static str },
    #[error("the {field} is not valid: {reason}")]
    Invalid {
        field: &'static str,
        reason: &'static str,
    },
    #[error("the SMTP username and password must be set together (or neither)")]
    IncompleteCredentials,
    #[error("the HTTP client could not be built: {0}")]
    HttpClient(String),
}
