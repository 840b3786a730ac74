//! A signed webhook: each message is POSTed as JSON to the operator's URL,
//! for an SMS or email provider tollgate has no transport for.
//!
//! The request carries `X-Tollgate-Timestamp: <unix seconds>` and
//! `X-Tollgate-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`
//! over the raw body bytes. A receiver recomputes it with [`verify`] and
//! should also refuse timestamps more than a few minutes old, so a captured
//! request cannot be replayed later.
//!
//! ```json
//! {"message_id": "…", "channel": "sms", "to": "+15551234567",
//!  "subject": "…", "body": "123456 is your Acme sign-in code. …"}
//! ```
//! Email messages with an HTML part also carry `"html_body"`.
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use hmac::{Hmac, KeyInit, Mac};
use reqwest::Url;
use reqwest::header::CONTENT_TYPE;
use serde::Serialize;
use sha2::Sha256;
use subtle::ConstantTimeEq;
use tollgate_domain::Clock;
use tollgate_domain::secret::hex_lower;

use crate::http::{self, Verdict};
use crate::{ConfigError, DeliveryError, Message, SecretString, Transport};

pub const TIMESTAMP_HEADER: &str = "X-Tollgate-Timestamp";
pub const SIGNATURE_HEADER: &str = "X-Tollgate-Signature";

#[derive(Clone)]
pub struct WebhookConfig {
    /// https, or http to this machine.
    pub url: String,
    /// Shared with the receiver, which checks the signature with it.
    pub secret: SecretString,
    pub timeout: Duration,
}

/// Shows the URL's origin only: a webhook path often carries a token.
impl fmt::Debug for WebhookConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let origin = Url::parse(&self.url).map(|u| u.origin().ascii_serialization());
        f.debug_struct("WebhookConfig")
            .field("url", &origin.as_deref().unwrap_or("(invalid)"))
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

pub struct WebhookTransport {
    client: reqwest::Client,
    url: Url,
    secret: SecretString,
    clock: Arc<dyn Clock>,
}

impl fmt::Debug for WebhookTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookTransport")
            .field("url", &self.url.origin().ascii_serialization())
            .finish_non_exhaustive()
    }
}

#[derive(Serialize)]
struct Payload<'a> {
    message_id: &'a str,
    channel: &'static str,
    to: &'a str,
    subject: &'a str,
    body: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    html_body: Option<&'a str>,
}

fn mac(secret: &[u8]) -> Hmac<Sha256> {
    match <Hmac<Sha256> as KeyInit>::new_from_slice(secret) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC accepts keys of any length"),
    }
}

/// The signature header's value for `body` sent at `timestamp` (Unix
/// seconds): `v1=` and the lower-case hex HMAC-SHA256 of
/// `"<timestamp>.<body>"`.
pub fn sign(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    let mut mac = mac(secret);
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("v1={}", hex_lower(&mac.finalize().into_bytes()))
}

/// Whether `header` is the signature of `body` at `timestamp`, compared in
/// constant time. The caller checks the timestamp is recent.
pub fn verify(secret: &[u8], timestamp: i64, body: &[u8], header: &str) -> bool {
    let expected = sign(secret, timestamp, body);
    header.trim().as_bytes().ct_eq(expected.as_bytes()).into()
}

impl WebhookTransport {
    /// The clock stamps (and so signs) each request.
    pub fn new(config: WebhookConfig, clock: Arc<dyn Clock>) -> Result<Self, ConfigError> {
        if config.secret.expose().is_empty() {
            return Err(ConfigError::Invalid {
                field: "webhook secret",
                reason: "it must not be empty",
            });
        }
        Ok(Self {
            client: http::client(config.timeout)?,
            url: http::endpoint("webhook URL", &config.url)?,
            secret: config.secret,
            clock,
        })
    }
}

impl Transport for WebhookTransport {
    /// An error never repeats the message or its code.
    async fn send(&self, message: &Message) -> Result<(), DeliveryError> {
        self.deliver(message)
            .await
            .map_err(|e| e.redacted(&message.redactions()))
    }

    fn name(&self) -> &'static str {
        "webhook"
    }
}

impl WebhookTransport {
    async fn deliver(&self, message: &Message) -> Result<(), DeliveryError> {
        let payload = Payload {
            message_id: &message.id,
            channel: message.channel.as_str(),
            to: &message.recipient,
            subject: &message.subject,
            body: message.text_body.expose(),
            html_body: message.html_body.as_ref().map(SecretString::expose),
        };
        let body = serde_json::to_vec(&payload).map_err(|_| {
            DeliveryError::Permanent("the webhook payload could not be encoded".into())
        })?;
        let timestamp = self.clock.now().timestamp();
        let signature = sign(self.secret.expose().as_bytes(), timestamp, &body);
        let response = self
            .client
            .post(self.url.clone())
            .header(CONTENT_TYPE, "application/json")
            .header(TIMESTAMP_HEADER, timestamp.to_string())
            .header(SIGNATURE_HEADER, signature)
            .body(body)
            .send()
            .await
            .map_err(|e| http::request_error("the webhook", e))?;
        // The receiver's reply is not repeated: it might echo the message.
        let status = response.status();
        let text = format!("the webhook answered {status}");
        match http::verdict(status) {
            Verdict::Sent => {
                tracing::debug!(transport = "webhook", message_id = %message.id, "message accepted by the webhook");
                Ok(())
            }
            Verdict::Transient => Err(DeliveryError::Transient(text)),
            Verdict::Permanent => Err(DeliveryError::Permanent(text)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_check_secret_timestamp_and_body() {
        let header = sign(b"s3cret", 1_700_000_000, b"{\"a\":1}");
        assert!(header.starts_with("v1="));
        assert_eq!(header.len(), 3 + 64);
        assert!(verify(b"s3cret", 1_700_000_000, b"{\"a\":1}", &header));
        assert!(verify(
            b"s3cret",
            1_700_000_000,
            b"{\"a\":1}",
            &format!(" {header}\n")
        ));
        assert!(!verify(b"other", 1_700_000_000, b"{\"a\":1}", &header));
        assert!(!verify(b"s3cret", 1_700_000_001, b"{\"a\":1}", &header));
        assert!(!verify(b"s3cret", 1_700_000_000, b"{\"a\":2}", &header));
        assert!(!verify(b"s3cret", 1_700_000_000, b"{\"a\":1}", ""));
    }

    #[test]
    fn signature_is_hmac_sha256_of_timestamp_dot_body() {
        // Computed independently: printf '1.x' | openssl dgst -sha256 -hmac key
        assert_eq!(
            sign(b"key", 1, b"x"),
            "v1=fc4913c41a7bf793267e2a384f3261c9436ec2cd097bd745e7b0d99113f510ec"
        );
    }
}
