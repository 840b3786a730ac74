//! Tests of the option merge: flags over environment over file over
//! defaults, and the checks `resolve` makes.
use super::*;
use clap::{CommandFactory, FromArgMatches, Parser};

#[derive(Debug, Parser)]
struct Serve {
    #[command(flatten)]
    args: ServeArgs,
}

fn resolve(flags: &[&str]) -> Result<ServerConfig, ConfigError> {
    let argv = std::iter::once("serve").chain(flags.iter().copied());
    let matches = Serve::command().get_matches_from(argv);
    let serve = Serve::from_arg_matches(&matches).map_err(|e| ConfigError::Parse {
        path: PathBuf::new(),
        message: e.to_string(),
    })?;
    serve.args.resolve(&matches)
}

#[test]
fn a_remote_listener_needs_tls_or_an_explicit_opt_out() {
    let remote = ["--listen", "0.0.0.0:50051"];
    assert!(matches!(resolve(&remote), Err(ConfigError::NotLoopback(_))));
    let with_tls = [
        &remote[..],
        &["--tls-cert-file", "c.pem", "--tls-key-file", "k.pem"],
    ]
    .concat();
    let config = resolve(&with_tls).unwrap();
    assert_eq!(
        config.tls,
        Some(TlsConfig {
            cert_file: "c.pem".into(),
            key_file: "k.pem".into(),
            client_ca_file: None,
        })
    );
    let plaintext = [&remote[..], &["--allow-plaintext-remote"]].concat();
    assert!(resolve(&plaintext).unwrap().tls.is_none());
    assert!(resolve(&["--listen", "127.0.0.1:50051"]).is_ok());
}

#[test]
fn tls_flags_must_be_complete_and_have_a_listener() {
    assert!(matches!(
        resolve(&["--tls-cert-file", "c.pem"]),
        Err(ConfigError::TlsPair)
    ));
    assert!(matches!(
        resolve(&["--tls-client-ca-file", "ca.pem"]),
        Err(ConfigError::ClientCaWithoutTls)
    ));
    assert!(matches!(
        resolve(&[
            "--listen",
            "off",
            "--tls-cert-file",
            "c.pem",
            "--tls-key-file",
            "k.pem"
        ]),
        Err(ConfigError::TlsWithoutListen(_))
    ));
}

proptest::proptest! {
    /// Whatever the file holds: read or refused, never a panic; a
    /// refusal names the file.
    #[test]
    fn arbitrary_files_are_refused_or_read_never_a_panic(text in "\\PC{0,200}") {
        if let Err(e) = parse_file(&text, Path::new("tollgate.toml")) {
            proptest::prop_assert!(e.to_string().contains("tollgate.toml"));
        }
    }

    /// Keys the file knows, with values of any shape.
    #[test]
    fn known_keys_with_any_values_never_panic(
        key in proptest::sample::select(vec![
            "database_url", "socket", "listen", "smtp_port", "delivery_timeout",
            "email_transport", "previous_secret_key_files", "allow_plaintext_remote",
        ]),
        value in "\\PC{0,40}",
    ) {
        let _ = parse_file(&format!("{key} = {value}\n"), Path::new("t.toml"));
    }
}

#[test]
fn serve_needs_a_listener_and_migrate_does_not() {
    let config = resolve(&["--socket", "off", "--listen", "off"]).unwrap();
    assert!(matches!(
        config.require_listener(),
        Err(ConfigError::NoListener)
    ));
    assert!(
        resolve(&["--listen", "off"])
            .unwrap()
            .require_listener()
            .is_ok()
    );
}

#[test]
fn telemetry_addresses_are_checked() {
    let config = resolve(&[
        "--otlp-endpoint",
        "http://127.0.0.1:4317",
        "--metrics-addr",
        "127.0.0.1:9464",
    ])
    .unwrap();
    assert_eq!(
        config.telemetry,
        TelemetryConfig {
            otlp_endpoint: Some("http://127.0.0.1:4317".to_owned()),
            metrics_addr: Some("127.0.0.1:9464".parse().unwrap()),
        }
    );
    assert!(matches!(
        resolve(&["--metrics-addr", "localhost"]),
        Err(ConfigError::MetricsAddr(_))
    ));
    assert!(matches!(
        resolve(&["--otlp-endpoint", "collector:4317"]),
        Err(ConfigError::OtlpEndpoint(_))
    ));
}

#[test]
fn purges_default_to_ten_minutes_a_day_after_expiry_and_audit_a_year() {
    assert_eq!(resolve(&[]).unwrap().purge, PurgeConfig::default());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t.toml");
    std::fs::write(&file, "purge_interval = 0\naudit_retention = 400\n").unwrap();
    let file = file.to_str().unwrap();
    let set = resolve(&["--config", file, "--expired-retention", "2"]).unwrap();
    assert_eq!(
        set.purge,
        PurgeConfig {
            interval: None,
            retention: Retention {
                expired: chrono::TimeDelta::hours(2),
                audit: Some(chrono::TimeDelta::days(400)),
            },
        }
    );
}

#[test]
fn passwords_are_redacted() {
    assert_eq!(
        redact_password("postgres://u:secret@h:5432/db"),
        "postgres://u:***@h:5432/db"
    );
    assert_eq!(redact_password("postgres://u@h/db"), "postgres://u@h/db");
    assert_eq!(
        redact_password("sqlite://tollgate.db"),
        "sqlite://tollgate.db"
    );
}
