//! Message delivery: email over SMTP, SMS through Twilio, a signed webhook
//! for any other provider, a log file for development, and the texts the
//! messages say.
//!
//! Every transport implements [`Transport`] and reports a failure as
//! [`DeliveryError::Permanent`] (do not retry) or
//! [`DeliveryError::Transient`] (retry later). Retrying is not this
//! crate's business: the server's dispatcher tries each message once per
//! lease and keeps the next try's time in the outbox, so retries outlive a
//! restart. Message bodies carry codes
//! and links, so they travel as [`SecretString`] and no error message, log
//! line or `Debug` output of this crate contains them, nor any password,
//! token or signing secret.
#![forbid(unsafe_code)]

use std::future::Future;

pub use tollgate_domain::ports::{Channel, MessageKind};
pub use tollgate_domain::secret::SecretString;

mod http;
pub mod log;
pub mod smtp;
pub mod templates;
pub mod twilio;
pub mod webhook;

pub use log::LogTransport;
pub use smtp::{SmtpConfig, SmtpSecurity, SmtpTransport};
pub use templates::{Notice, Rendered, TemplateError, Templates, Vars};
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

    /// The same error with each of `secrets` taken out of its text and the
    /// text cut to [`MAX_ERROR_CHARS`] (see [`redact`]).
    #[must_use]
    pub fn redacted(self, secrets: &[&str]) -> Self {
        match self {
            Self::Permanent(text) => Self::Permanent(redact(&text, secrets)),
            Self::Transient(text) => Self::Transient(redact(&text, secrets)),
        }
    }
}

/// The longest error text kept, in characters. Errors are logged and shown
/// on the contact (`last_delivery_error`); a provider's reply can be long.
pub const MAX_ERROR_CHARS: usize = 300;

/// What stands in an error text for a secret taken out.
pub const REDACTED: &str = "[redacted]";

/// `text` with every occurrence of each of `secrets` (ignoring ASCII case,
/// longest first, empty ones skipped) replaced by [`REDACTED`], then cut
/// to [`MAX_ERROR_CHARS`] characters. Providers quote what they refuse: an
/// SMS gateway's spam filter may repeat the code, an SMTP server the line
/// it did not like.
pub fn redact(text: &str, secrets: &[&str]) -> String {
    let mut secrets: Vec<String> = secrets
        .iter()
        .filter(|s| !s.is_empty())
        .map(|s| s.to_ascii_lowercase())
        .collect();
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    let mut text = text.to_owned();
    for secret in &secrets {
        let mut from = 0;
        // ASCII lower-casing keeps every byte where it was.
        while let Some(found) = text.to_ascii_lowercase()[from..].find(secret.as_str()) {
            let at = from + found;
            text.replace_range(at..at + secret.len(), REDACTED);
            from = at + REDACTED.len();
        }
    }
    if text.chars().count() > MAX_ERROR_CHARS {
        text = text.chars().take(MAX_ERROR_CHARS - 1).collect();
        text.push('…');
    }
    text
}

impl Message {
    /// What an error about this message must not repeat: its bodies, and
    /// each word of them (a run of letters and digits) of four characters
    /// or more that holds a digit, which is what codes, tokens and the
    /// token in a link are. A provider quoting only the code is caught
    /// too.
    pub fn redactions(&self) -> Vec<&str> {
        let bodies = std::iter::once(self.text_body.expose())
            .chain(self.html_body.as_ref().map(SecretString::expose));
        let mut out = Vec::new();
        for body in bodies {
            out.push(body);
            out.extend(
                body.split(|c: char| !c.is_alphanumeric())
                    .filter(|w| w.chars().count() >= 4 && w.chars().any(|c| c.is_ascii_digit())),
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_takes_out_every_secret_and_bounds_the_length() {
        assert_eq!(
            redact(
                "Blocked: 428913 is your code (428913); token ABCDEF12 abcdef12",
                &["428913", "", "abcdef12"]
            ),
            "Blocked: [redacted] is your code ([redacted]); token [redacted] [redacted]"
        );
        // The longest first, so a body is taken out whole, not left in
        // pieces around its code.
        assert_eq!(
            redact(
                "echo: 428913 is your code",
                &["428913", "428913 is your code"]
            ),
            "echo: [redacted]"
        );
        // A secret found inside the stand-in does not loop.
        assert_eq!(redact("a red act", &["act"]), "a red [redacted]");
        let long = redact(&"é".repeat(1000), &[]);
        assert_eq!(long.chars().count(), MAX_ERROR_CHARS);
        assert!(long.ends_with('…'));
        assert_eq!(redact("short", &[]), "short");
    }

    #[test]
    fn a_message_names_its_codes_tokens_and_bodies() {
        let message = Message {
            id: "1".into(),
            channel: Channel::Email,
            recipient: "a@example.com".into(),
            subject: "Confirm".into(),
            text_body: SecretString::new(
                "Open https://app.example/c?user=uma&token=9f3a0c1d in 90 seconds.".into(),
            ),
            html_body: Some(SecretString::new("<p>428913</p>".into())),
        };
        let redactions = message.redactions();
        for expected in ["9f3a0c1d", "428913", "<p>428913</p>"] {
            assert!(redactions.contains(&expected), "{redactions:?}");
        }
        for kept in ["https", "uma", "90", "seconds"] {
            assert!(!redactions.contains(&kept), "{redactions:?}");
        }
    }
}

/// Something that delivers messages. Not object safe (the future is an
/// `impl Future`): to choose a transport at run time, wrap the ones you use
/// in an enum.
pub trait Transport: Send + Sync {
    /// One attempt to deliver `message`; retrying is the caller's business.
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
