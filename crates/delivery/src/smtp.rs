//! Email over SMTP (lettre on rustls), with STARTTLS or implicit TLS.
//! Plaintext SMTP is accepted only to this machine, for development: a
//! relay elsewhere would see every code in the clear.
use std::fmt;
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use crate::http::is_loopback;
use crate::{Channel, ConfigError, DeliveryError, Message, SecretString, Transport};

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// Plaintext first, then STARTTLS, which must succeed (usually port 587).
    StartTls,
    /// TLS from the first byte (usually port 465).
    Tls,
    /// No encryption: only to localhost, for development.
    None,
}

impl SmtpSecurity {
    /// The port this kind of connection usually uses.
    pub fn default_port(self) -> u16 {
        match self {
            Self::StartTls => 587,
            Self::Tls => 465,
            Self::None => 25,
        }
    }
}

#[derive(Debug, Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: Option<String>,
    pub password: Option<SecretString>,
    /// The sender, as a mailbox: `Acme <no-reply@acme.test>`.
    pub from: String,
    /// For connecting and for each command.
    pub timeout: Duration,
}

/// Sends email through one SMTP server, one connection per message.
pub struct SmtpTransport {
    mailer: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    host: String,
    port: u16,
}

impl fmt::Debug for SmtpTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpTransport")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("from", &self.from.to_string())
            .finish_non_exhaustive()
    }
}

impl SmtpTransport {
    /// Checks the configuration; connects only when the first message goes.
    pub fn new(config: SmtpConfig) -> Result<Self, ConfigError> {
        let from: Mailbox = config.from.parse().map_err(|_| ConfigError::Invalid {
            field: "SMTP from address",
            reason: "it must be a mailbox such as `Acme <no-reply@acme.test>`",
        })?;
        let invalid_host = |_| ConfigError::Invalid {
            field: "SMTP host",
            reason: "it is not a valid host name for TLS",
        };
        let builder = match config.security {
            SmtpSecurity::StartTls => {
                AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&config.host)
                    .map_err(invalid_host)?
            }
            SmtpSecurity::Tls => {
                AsyncSmtpTransport::<Tokio1Executor>::relay(&config.host).map_err(invalid_host)?
            }
            SmtpSecurity::None if is_loopback(&config.host) => {
                AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&config.host)
            }
            SmtpSecurity::None => return Err(ConfigError::PlaintextSmtp { host: config.host }),
        };
        let builder = builder.port(config.port).timeout(Some(config.timeout));
        let builder = match (config.username, config.password) {
            (Some(user), Some(password)) => {
                builder.credentials(Credentials::new(user, password.expose().to_owned()))
            }
            (None, None) => builder,
            _ => return Err(ConfigError::IncompleteCredentials),
        };
        Ok(Self {
            mailer: builder.build(),
            from,
            host: config.host,
            port: config.port,
        })
    }

    fn email(&self, message: &Message) -> Result<lettre::Message, DeliveryError> {
        let to: Mailbox = message.recipient.parse().map_err(|_| {
            DeliveryError::Permanent("the recipient is not a valid email address".into())
        })?;
        let builder = lettre::Message::builder()
            .message_id(message_id(&message.id, self.from.email.domain()))
            .from(self.from.clone())
            .to(to)
            .subject(message.subject.as_str());
        let text = message.text_body.expose().to_owned();
        let email = match &message.html_body {
            Some(html) => builder.multipart(MultiPart::alternative_plain_html(
                text,
                html.expose().to_owned(),
            )),
            None => builder.header(ContentType::TEXT_PLAIN).body(text),
        };
        email.map_err(|_| DeliveryError::Permanent("the email could not be composed".into()))
    }
}

/// `<id@domain>` from the outbox id, so every attempt carries the same
/// Message-ID; `None` (lettre makes one up) if the id does not fit.
fn message_id(id: &str, domain: &str) -> Option<String> {
    let fits = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
    };
    (fits(id) && fits(domain)).then(|| format!("<{id}@{domain}>"))
}

/// Maps lettre's error: the server's reply code decides when there is one.
/// The server's reply text is left out, as it may quote the recipient or
/// the message; so is a reply lettre could not parse, which its error
/// repeats.
fn failure(err: lettre::transport::smtp::Error) -> DeliveryError {
    if let Some(code) = err.status() {
        let text = format!("the SMTP server answered {code}");
        return if err.is_permanent() {
            DeliveryError::Permanent(text)
        } else {
            DeliveryError::Transient(text)
        };
    }
    if err.is_response() {
        DeliveryError::Transient("the SMTP server's reply could not be understood".into())
    } else if err.is_timeout() {
        DeliveryError::Transient("the SMTP server did not answer in time".into())
    } else if err.is_client() {
        DeliveryError::Permanent(format!("the email could not be sent: {err}"))
    } else {
        DeliveryError::Transient(format!("SMTP failed: {err}"))
    }
}

impl Transport for SmtpTransport {
    /// An error never repeats the message or its code.
    async fn send(&self, message: &Message) -> Result<(), DeliveryError> {
        self.deliver(message)
            .await
            .map_err(|e| e.redacted(&message.redactions()))
    }

    fn name(&self) -> &'static str {
        "smtp"
    }
}

impl SmtpTransport {
    async fn deliver(&self, message: &Message) -> Result<(), DeliveryError> {
        if message.channel != Channel::Email {
            return Err(DeliveryError::Permanent(
                "the SMTP transport sends email only".into(),
            ));
        }
        let email = self.email(message)?;
        self.mailer.send(email).await.map_err(failure)?;
        tracing::debug!(
            transport = "smtp",
            message_id = %message.id,
            "email handed to the SMTP server"
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_ids_are_stable_and_safe() {
        assert_eq!(
            message_id("0a1b", "acme.test").as_deref(),
            Some("<0a1b@acme.test>")
        );
        assert_eq!(message_id("a>b", "acme.test"), None);
        assert_eq!(message_id("", "acme.test"), None);
    }
}
