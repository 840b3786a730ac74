//! A transport for development only: appends each message, codes and
//! links included, to a file (created with mode 0600) instead of sending
//! it, so a developer can sign in without an SMTP server or SMS account.
//! Never configure it in production: the file holds live codes.
//!
//! Each entry is a header line `<RFC 3339 time> <channel> <recipient>
//! <subject>`, the text body, and a blank line. The process log gets only a
//! line without the recipient or body.
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::SecondsFormat;
use tokio::io::AsyncWriteExt;
use tokio::sync::Mutex;
use tollgate_domain::Clock;

use crate::{DeliveryError, Message, Transport};

pub struct LogTransport {
    path: PathBuf,
    clock: Arc<dyn Clock>,
    /// One entry at a time, so entries never interleave.
    lock: Mutex<()>,
}

impl fmt::Debug for LogTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LogTransport")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl LogTransport {
    pub fn new(path: impl Into<PathBuf>, clock: Arc<dyn Clock>) -> Self {
        let path = path.into();
        tracing::warn!(
            path = %path.display(),
            "messages, codes included, are written to a file instead of being sent: for development only"
        );
        Self {
            path,
            clock,
            lock: Mutex::new(()),
        }
    }

    pub fn path(&self) -> &std::path::Path {
        &self.path
    }
}

impl Transport for LogTransport {
    async fn send(&self, message: &Message) -> Result<(), DeliveryError> {
        let time = self.clock.now().to_rfc3339_opts(SecondsFormat::Secs, true);
        let body = message.text_body.expose();
        let mut entry = format!(
            "{time} {} {} {}\n{body}",
            message.channel.as_str(),
            message.recipient,
            message.subject
        );
        entry.push_str(if body.ends_with('\n') { "\n" } else { "\n\n" });

        let mut options = tokio::fs::OpenOptions::new();
        options.create(true).append(true);
        #[cfg(unix)]
        options.mode(0o600);
        let _one_at_a_time = self.lock.lock().await;
        let written = async {
            let mut file = options.open(&self.path).await?;
            file.write_all(entry.as_bytes()).await?;
            file.flush().await
        }
        .await;
        written.map_err(|e| {
            DeliveryError::Transient(format!("could not append to {}: {e}", self.path.display()))
        })?;
        tracing::info!(
            transport = "log",
            message_id = %message.id,
            channel = message.channel.as_str(),
            path = %self.path.display(),
            "message written to the development message log"
        );
        Ok(())
    }

    fn name(&self) -> &'static str {
        "log"
    }
}
