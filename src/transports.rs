//! Builds the configured email and SMS transports, refusing incomplete or
//! unsafe settings at start with a message that says what to change.
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tollgate_delivery::{
    LogTransport, SecretString, SmtpConfig, SmtpSecurity, SmtpTransport, Templates, TwilioConfig,
    TwilioSms, WebhookConfig, WebhookTransport,
};
use tollgate_domain::Clock;

use crate::config::{DeliveryConfig, EmailTransportKind, SmsTransportKind, SmtpSecurityKind};
use crate::dispatch::{EmailTransport, SmsTransport};

#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    #[error("{transport} needs {option}")]
    Missing {
        transport: &'static str,
        option: &'static str,
    },
    #[error("could not read {option} {path}: {reason}")]
    Read {
        option: &'static str,
        path: String,
        reason: String,
    },
    #[error(transparent)]
    Config(#[from] tollgate_delivery::ConfigError),
    #[error("the templates could not be loaded: {0}")]
    Templates(String),
}

fn secret_file(option: &'static str, path: &Path) -> Result<SecretString, TransportError> {
    std::fs::read_to_string(path)
        .map(|text| SecretString::new(text.trim().to_owned()))
        .map_err(|e| TransportError::Read {
            option,
            path: path.display().to_string(),
            reason: e.to_string(),
        })
}

fn required<T: Clone>(
    value: &Option<T>,
    transport: &'static str,
    option: &'static str,
) -> Result<T, TransportError> {
    value
        .clone()
        .ok_or(TransportError::Missing { transport, option })
}

fn webhook(
    config: &DeliveryConfig,
    clock: &Arc<dyn Clock>,
    timeout: Duration,
) -> Result<WebhookTransport, TransportError> {
    let url = required(
        &config.webhook_url,
        "the webhook transport",
        "--webhook-url",
    )?;
    let secret_path = required(
        &config.webhook_secret_file,
        "the webhook transport",
        "--webhook-secret-file",
    )?;
    let secret = secret_file("--webhook-secret-file", &secret_path)?;
    Ok(WebhookTransport::new(
        WebhookConfig {
            url,
            secret,
            timeout,
        },
        clock.clone(),
    )?)
}

fn log_file(
    config: &DeliveryConfig,
    clock: &Arc<dyn Clock>,
    transport: &'static str,
) -> Result<LogTransport, TransportError> {
    let path = required(&config.message_log_file, transport, "--message-log-file")?;
    Ok(LogTransport::new(path, clock.clone()))
}

pub fn email(
    config: &DeliveryConfig,
    clock: &Arc<dyn Clock>,
) -> Result<Option<EmailTransport>, TransportError> {
    let timeout = Duration::from_secs(u64::from(config.delivery_timeout));
    Ok(match config.email_transport {
        EmailTransportKind::Outbox => None,
        EmailTransportKind::Log => Some(EmailTransport::Log(log_file(
            config,
            clock,
            "the log email transport",
        )?)),
        EmailTransportKind::Webhook => {
            Some(EmailTransport::Webhook(webhook(config, clock, timeout)?))
        }
        EmailTransportKind::Smtp => {
            let security = match config.smtp_security {
                SmtpSecurityKind::Starttls => SmtpSecurity::StartTls,
                SmtpSecurityKind::Tls => SmtpSecurity::Tls,
                SmtpSecurityKind::None => SmtpSecurity::None,
            };
            let password = match &config.smtp_password_file {
                Some(path) => Some(secret_file("--smtp-password-file", path)?),
                None => None,
            };
            Some(EmailTransport::Smtp(SmtpTransport::new(SmtpConfig {
                host: required(&config.smtp_host, "the smtp transport", "--smtp-host")?,
                port: config.smtp_port.unwrap_or_else(|| security.default_port()),
                security,
                username: config.smtp_username.clone(),
                password,
                from: required(&config.smtp_from, "the smtp transport", "--smtp-from")?,
                timeout,
            })?))
        }
    })
}

pub fn sms(
    config: &DeliveryConfig,
    clock: &Arc<dyn Clock>,
) -> Result<Option<SmsTransport>, TransportError> {
    let timeout = Duration::from_secs(u64::from(config.delivery_timeout));
    Ok(match config.sms_transport {
        SmsTransportKind::Outbox => None,
        SmsTransportKind::Log => Some(SmsTransport::Log(log_file(
            config,
            clock,
            "the log SMS transport",
        )?)),
        SmsTransportKind::Webhook => Some(SmsTransport::Webhook(webhook(config, clock, timeout)?)),
        SmsTransportKind::Twilio => {
            let token_path = required(
                &config.twilio_auth_token_file,
                "the twilio transport",
                "--twilio-auth-token-file",
            )?;
            Some(SmsTransport::Twilio(TwilioSms::new(TwilioConfig {
                account_sid: required(
                    &config.twilio_account_sid,
                    "the twilio transport",
                    "--twilio-account-sid",
                )?,
                auth_token: secret_file("--twilio-auth-token-file", &token_path)?,
                from: required(&config.twilio_from, "the twilio transport", "--twilio-from")?,
                base_url: config.twilio_base_url.clone(),
                timeout,
            })?))
        }
    })
}

pub fn templates(config: &DeliveryConfig) -> Result<Templates, TransportError> {
    match &config.templates_dir {
        Some(dir) => Templates::from_dir(dir).map_err(|e| TransportError::Templates(e.to_string())),
        None => Ok(Templates::default()),
    }
}
