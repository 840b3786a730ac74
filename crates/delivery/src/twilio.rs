//! SMS through Twilio's Messages API: one form POST per message, with the
//! account SID and auth token as HTTP basic credentials.
use std::fmt;
use std::time::Duration;

use reqwest::Url;
use serde::Deserialize;

use crate::http::{self, Verdict};
use crate::{Channel, ConfigError, DeliveryError, Message, SecretString, Transport};

#[derive(Debug, Clone)]
pub struct TwilioConfig {
    /// `AC…`
    pub account_sid: String,
    pub auth_token: SecretString,
    /// The sending number (E.164) or alphanumeric sender id.
    pub from: String,
    /// [`TwilioConfig::DEFAULT_BASE_URL`] except in tests.
    pub base_url: String,
    pub timeout: Duration,
}

impl TwilioConfig {
    pub const DEFAULT_BASE_URL: &'static str = "https://api.twilio.com";

    /// The production API with a 10-second timeout.
    pub fn new(account_sid: String, auth_token: SecretString, from: String) -> Self {
        Self {
            account_sid,
            auth_token,
            from,
            base_url: Self::DEFAULT_BASE_URL.into(),
            timeout: Duration::from_secs(10),
        }
    }
}

pub struct TwilioSms {
    client: reqwest::Client,
    endpoint: Url,
    account_sid: String,
    auth_token: SecretString,
    from: String,
}

impl fmt::Debug for TwilioSms {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TwilioSms")
            .field("account_sid", &self.account_sid)
            .field("from", &self.from)
            .finish_non_exhaustive()
    }
}

/// The part of Twilio's error reply we repeat.
#[derive(Deserialize)]
struct TwilioError {
    code: Option<i64>,
    message: Option<String>,
}

impl TwilioSms {
    pub fn new(config: TwilioConfig) -> Result<Self, ConfigError> {
        let sid = &config.account_sid;
        if sid.is_empty() || !sid.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(ConfigError::Invalid {
                field: "Twilio account SID",
                reason: "it must be letters and digits, such as AC0123…",
            });
        }
        let base = config.base_url.trim_end_matches('/');
        let endpoint = http::endpoint(
            "Twilio base URL",
            &format!("{base}/2010-04-01/Accounts/{sid}/Messages.json"),
        )?;
        Ok(Self {
            client: http::client(config.timeout)?,
            endpoint,
            account_sid: config.account_sid,
            auth_token: config.auth_token,
            from: config.from,
        })
    }
}

/// ": Twilio error 21211: The 'To' number …", from Twilio's JSON reply when
/// it has one. Should the text quote the message we sent, it is withheld.
fn explain(reply: &[u8], sent_body: &str) -> String {
    let Ok(error) = serde_json::from_slice::<TwilioError>(reply) else {
        return String::new();
    };
    let mut text = String::new();
    if let Some(code) = error.code {
        text.push_str(&format!(": Twilio error {code}"));
    }
    if let Some(message) = error.message {
        let quotes_body = !sent_body.is_empty() && message.contains(sent_body);
        let message = if quotes_body {
            "(message withheld: it quotes the SMS)".to_owned()
        } else {
            message.chars().take(300).collect()
        };
        text.push_str(": ");
        text.push_str(&message);
    }
    text
}

impl Transport for TwilioSms {
    /// An error never repeats the SMS or its code, even when Twilio's
    /// message quotes them.
    async fn send(&self, message: &Message) -> Result<(), DeliveryError> {
        self.deliver(message)
            .await
            .map_err(|e| e.redacted(&message.redactions()))
    }

    fn name(&self) -> &'static str {
        "twilio"
    }
}

impl TwilioSms {
    async fn deliver(&self, message: &Message) -> Result<(), DeliveryError> {
        if message.channel != Channel::Sms {
            return Err(DeliveryError::Permanent(
                "the Twilio transport sends SMS only".into(),
            ));
        }
        let body = message.text_body.expose();
        let form = [
            ("To", message.recipient.as_str()),
            ("From", self.from.as_str()),
            ("Body", body),
        ];
        let response = self
            .client
            .post(self.endpoint.clone())
            .basic_auth(&self.account_sid, Some(self.auth_token.expose()))
            .form(&form)
            .send()
            .await
            .map_err(|e| http::request_error("Twilio", e))?;
        let status = response.status();
        let transient = match http::verdict(status) {
            Verdict::Sent => {
                tracing::debug!(transport = "twilio", message_id = %message.id, "SMS accepted by Twilio");
                return Ok(());
            }
            Verdict::Transient => true,
            Verdict::Permanent => false,
        };
        let reply = response.bytes().await.unwrap_or_default();
        let text = format!("Twilio answered {status}{}", explain(&reply, body));
        Err(if transient {
            DeliveryError::Transient(text)
        } else {
            DeliveryError::Permanent(text)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explains_twilio_errors_without_quoting_the_sms() {
        let reply = br#"{"code":21211,"message":"The 'To' number is not a valid phone number.","status":400}"#;
        assert_eq!(
            explain(reply, "123456 is your code"),
            ": Twilio error 21211: The 'To' number is not a valid phone number."
        );
        let quoting = br#"{"code":30007,"message":"Blocked: 123456 is your code"}"#;
        let text = explain(quoting, "123456 is your code");
        assert!(!text.contains("123456"), "{text}");
        assert_eq!(explain(b"<html>oops</html>", "x"), "");
    }
}
