//! The development log transport writes whole entries to its file.
use std::sync::Arc;

use chrono::TimeDelta;
use tollgate_delivery::{Channel, LogTransport, Transport};
use tollgate_domain::ManualClock;

use crate::{CODE, message};

#[tokio::test]
async fn appends_a_header_line_and_the_body() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("messages.log");
    let clock = Arc::new(ManualClock::at_unix(1_790_000_000));
    let log = LogTransport::new(&path, clock.clone());

    log.send(&message(Channel::Sms, "+15557654321"))
        .await
        .unwrap();
    clock.advance(TimeDelta::seconds(5));
    log.send(&message(Channel::Email, "alice@example.com"))
        .await
        .unwrap();

    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        text,
        format!(
            "2026-09-21T14:13:20Z sms +15557654321 Your Acme sign-in code\n\
             {CODE} is your Acme sign-in code.\n\n\
             2026-09-21T14:13:25Z email alice@example.com Your Acme sign-in code\n\
             {CODE} is your Acme sign-in code.\n\n"
        )
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[tokio::test]
async fn an_unwritable_path_is_a_transient_error() {
    let dir = tempfile::tempdir().unwrap();
    let log = LogTransport::new(
        dir.path().join("missing").join("messages.log"),
        Arc::new(ManualClock::at_unix(0)),
    );
    let err = log.send(&message(Channel::Sms, "+1")).await.unwrap_err();
    assert!(!err.is_permanent());
    assert!(!err.to_string().contains(CODE), "{err}");
}
