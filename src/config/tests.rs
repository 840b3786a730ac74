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
fn connections_default_to_keepalive_on_tcp_a_thousand_and_fifteen_idle_minutes() {
    let secs = std::time::Duration::from_secs;
    let defaults = resolve(&[]).unwrap().connections;
    assert_eq!(defaults, ConnectionConfig::default());
    assert_eq!(
        defaults,
        ConnectionConfig {
            keepalive: Some(Keepalive {
                interval: secs(60),
                timeout: secs(20),
            }),
            max_connections: Some(1000),
            idle_timeout: Some(secs(900)),
        }
    );
    let off = resolve(&[
        "--keepalive-interval",
        "0",
        "--max-connections",
        "0",
        "--idle-timeout",
        "0",
    ])
    .unwrap()
    .connections;
    assert_eq!(
        off,
        ConnectionConfig {
            keepalive: None,
            max_connections: None,
            idle_timeout: None,
        }
    );
    // A PING needs some time to be answered.
    let instant = resolve(&["--keepalive-timeout", "0"]).unwrap().connections;
    assert_eq!(instant.keepalive.map(|k| k.timeout), Some(secs(1)));
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

/// The server commands' arguments, environment variables ignored.
fn command_without_environment() -> clap::Command {
    Serve::command().mut_args(|arg| arg.env(None::<&str>))
}

/// The options the flags give, filled from `file` (TOML text) as `resolve`
/// fills them.
fn options_from(flags: &[&str], file: &str) -> Options {
    let argv = std::iter::once("serve").chain(flags.iter().copied());
    let matches = command_without_environment().get_matches_from(argv);
    let mut options = Serve::from_arg_matches(&matches).unwrap().args.options;
    options.fill_from(parse_file(file, Path::new("t.toml")).unwrap(), &matches);
    options
}

/// The keys the file accepts, as serde lists them when it refuses one.
fn file_keys() -> Vec<String> {
    let refused = parse_file("not_an_option = 1\n", Path::new("t.toml")).unwrap_err();
    let message = refused.to_string();
    let (_, keys) = message.split_once("expected one of ").unwrap();
    keys.split(", ")
        .map(|key| key.trim_matches('`').to_owned())
        .collect()
}

#[test]
fn every_option_is_a_flag_an_environment_variable_and_a_file_key() {
    let mut flags = Vec::new();
    for arg in Serve::command().get_arguments() {
        let id = arg.get_id().as_str();
        assert_eq!(arg.get_long(), Some(id.replace('_', "-").as_str()));
        let env = format!("TOLLGATE_{}", id.to_uppercase());
        assert_eq!(arg.get_env(), Some(std::ffi::OsStr::new(&env)), "{id}");
        if id != "config" {
            flags.push(id.to_owned());
        }
    }
    let mut keys = file_keys();
    assert_eq!(keys.pop().as_deref(), Some("callers"));
    assert_eq!(keys.pop().as_deref(), Some("relying_parties"));
    assert_eq!(
        keys, flags,
        "every flag but --config is a file key of the same name: declare options in options.rs"
    );
}

#[test]
fn the_declared_defaults_are_what_an_empty_command_line_gives() {
    assert_eq!(options_from(&[], ""), Options::default());
    let new = ServerConfig::new(DEFAULT_DATABASE_URL, Some("./tollgate.sock".into()));
    let defaults = Options::default();
    let listeners = defaults.listeners().unwrap();
    let telemetry = defaults.telemetry().unwrap();
    let resolved = defaults.assemble(listeners, telemetry, Vec::new());
    assert_eq!(format!("{new:?}"), format!("{resolved:?}"));
}

// Long on purpose: one file setting every option, and one check per option.
#[test]
fn the_file_sets_every_option_the_command_line_leaves_at_its_default() {
    let file = r#"
        database_url = "postgres://db/t"
        socket = "off"
        listen = "127.0.0.1:1"
        tls_cert_file = "c.pem"
        tls_key_file = "k.pem"
        tls_client_ca_file = "ca.pem"
        allow_plaintext_remote = true
        otlp_endpoint = "http://collector:4317"
        metrics_addr = "127.0.0.1:9464"
        secret_key_file = "s.key"
        previous_secret_key_files = ["a.key", "b.key"]
        issuer = "Acme"
        confirm_link_base = "https://acme.example/confirm"
        outbox_ack_timeout = 5
        email_transport = "smtp"
        sms_transport = "twilio"
        smtp_host = "mail"
        smtp_port = 2525
        smtp_security = "none"
        smtp_username = "user"
        smtp_password_file = "smtp.pw"
        smtp_from = "a@acme.example"
        twilio_account_sid = "sid"
        twilio_auth_token_file = "twilio.token"
        twilio_from = "+15550100"
        twilio_base_url = "http://twilio.test"
        webhook_url = "http://hook.test"
        webhook_secret_file = "hook.secret"
        message_log_file = "messages.log"
        templates_dir = "templates"
        delivery_timeout = 3
        shutdown_grace = 4
        keepalive_interval = 10
        keepalive_timeout = 11
        max_connections = 12
        idle_timeout = 13
        purge_interval = 7
        expired_retention = 8
        audit_retention = 9
        log_format = "json"
        log = "debug"
    "#;
    let from_file = Options {
        database_url: "postgres://db/t".to_owned(),
        socket: "off".to_owned(),
        listen: "127.0.0.1:1".to_owned(),
        tls_cert_file: Some("c.pem".into()),
        tls_key_file: Some("k.pem".into()),
        tls_client_ca_file: Some("ca.pem".into()),
        allow_plaintext_remote: true,
        otlp_endpoint: Some("http://collector:4317".to_owned()),
        metrics_addr: Some("127.0.0.1:9464".to_owned()),
        secret_key_file: Some("s.key".into()),
        previous_secret_key_files: vec!["a.key".into(), "b.key".into()],
        issuer: "Acme".to_owned(),
        confirm_link_base: Some("https://acme.example/confirm".to_owned()),
        outbox_ack_timeout: 5,
        email_transport: EmailTransportKind::Smtp,
        sms_transport: SmsTransportKind::Twilio,
        smtp_host: Some("mail".to_owned()),
        smtp_port: Some(2525),
        smtp_security: SmtpSecurityKind::None,
        smtp_username: Some("user".to_owned()),
        smtp_password_file: Some("smtp.pw".into()),
        smtp_from: Some("a@acme.example".to_owned()),
        twilio_account_sid: Some("sid".to_owned()),
        twilio_auth_token_file: Some("twilio.token".into()),
        twilio_from: Some("+15550100".to_owned()),
        twilio_base_url: "http://twilio.test".to_owned(),
        webhook_url: Some("http://hook.test".to_owned()),
        webhook_secret_file: Some("hook.secret".into()),
        message_log_file: Some("messages.log".into()),
        templates_dir: Some("templates".into()),
        delivery_timeout: 3,
        shutdown_grace: 4,
        keepalive_interval: 10,
        keepalive_timeout: 11,
        max_connections: 12,
        idle_timeout: 13,
        purge_interval: 7,
        expired_retention: 8,
        audit_retention: 9,
        log_format: LogFormat::Json,
        log: "debug".to_owned(),
    };
    assert_eq!(options_from(&[], file), from_file);
    // A flag wins over the file, even when it repeats the default.
    let flags = [
        "--issuer",
        "tollgate",
        "--smtp-port",
        "25",
        "--email-transport",
        "outbox",
        "--previous-secret-key-files",
        "c.key",
        "--audit-retention",
        "365",
    ];
    let expected = Options {
        issuer: "tollgate".to_owned(),
        smtp_port: Some(25),
        email_transport: EmailTransportKind::Outbox,
        previous_secret_key_files: vec!["c.key".into()],
        audit_retention: 365,
        ..from_file
    };
    assert_eq!(options_from(&flags, file), expected);
}
