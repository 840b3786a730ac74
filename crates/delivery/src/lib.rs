//! Message delivery: email over SMTP, SMS over HTTP providers, a webhook and
//! the outbox. Only the port exists so far; the transports come with the
//! email and SMS methods.
#![forbid(unsafe_code)]

pub use tollgate_domain::ports::{Channel, MessageSender, OutgoingMessage};
