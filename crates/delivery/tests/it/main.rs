//! The transports against real servers on 127.0.0.1: an SMTP server (the
//! `mailin` protocol engine on a tokio socket), HTTP servers (wiremock) for
//! Twilio and the webhook, and a file for the log transport.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod log_file;
mod redaction;
mod smtp;
mod twilio;
mod webhook;

use tollgate_delivery::{Channel, Message, SecretString};

/// The code every test message carries; no error or Debug text may hold it.
pub const CODE: &str = "428913";

pub fn message(channel: Channel, recipient: &str) -> Message {
    Message {
        id: "0f3a9c".into(),
        channel,
        recipient: recipient.into(),
        subject: "Your Acme sign-in code".into(),
        text_body: SecretString::new(format!("{CODE} is your Acme sign-in code.")),
        html_body: None,
    }
}
