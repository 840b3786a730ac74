//! Every option of the server commands, declared once: its doc comment (the
//! `--help` text), its flag and `TOLLGATE_*` variable, its type and its
//! default. The [`options!`] macro turns the list into the clap arguments
//! ([`Options`]), the TOML file's keys (`FileConfig`, the same names) and
//! the merge of the two, so a new option is one entry here and cannot be a
//! flag without a key or a key without a flag.
use std::path::PathBuf;

use clap::parser::ValueSource;
use clap::{ArgMatches, ValueEnum};
use serde::Deserialize;

/// The default database: a SQLite file in the working directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://tollgate.db";

/// How long audit events are kept unless configured.
pub const DEFAULT_AUDIT_RETENTION_DAYS: u32 = 365;

/// Declares the options. Each entry is a field of [`Options`]:
///
/// ```text
/// /// Help text.
/// #[arg(long, env = "TOLLGATE_NAME", ...)]
/// name: Type = default,
/// ```
///
/// The default (optional: without it, the type's own, e.g. `None`) becomes
/// both the clap default shown in `--help` and [`Options::default`]. The
/// file key is the field's name and holds a value of the field's type (for
/// an `Option<T>` field, a `T`).
macro_rules! options {
    (@default) => { ::std::default::Default::default() };
    (@default $default:expr) => { $default };
    ($(
        $(#[$attr:meta])*
        $name:ident: $ty:ty $(= $default:expr)?,
    )*) => {
        /// The options of `serve` (and of every command that opens the
        /// server's database), as flags and environment variables; see
        /// [`super::ServeArgs`] for the file.
        #[derive(Debug, Clone, PartialEq, clap::Args)]
        pub struct Options {
            $(
                $(#[$attr])*
                $(#[arg(default_value_t = $default)])?
                pub $name: $ty,
            )*
        }

        impl Default for Options {
            /// Every option at its declared default.
            fn default() -> Self {
                Self { $($name: options!(@default $($default)?),)* }
            }
        }

        /// The TOML file: every key optional, unknown keys refused.
        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub(super) struct FileConfig {
            // `Some` when the key is present; for an `Option<T>` option, a
            // present key holds `Some(T)`.
            $($name: Option<$ty>,)*
            /// Whose passkeys: WebAuthn relying parties by tenant and
            /// audience. File only: a list of tables.
            #[serde(default)]
            pub(super) relying_parties: Vec<super::RelyingPartyEntry>,
            /// Who may call; see the access module. File only: a list of tables.
            #[serde(default)]
            pub(super) callers: Vec<crate::access::CallerEntry>,
        }

        impl Options {
            /// Takes each option the file sets, unless the command line or
            /// the environment gave it (`matches` tell which).
            pub(super) fn fill_from(&mut self, file: FileConfig, matches: &ArgMatches) {
                let defaulted = |id: &str| {
                    matches!(
                        matches.value_source(id),
                        None | Some(ValueSource::DefaultValue)
                    )
                };
                $(
                    if defaulted(stringify!($name)) && let Some(value) = file.$name {
                        self.$name = value;
                    }
                )*
            }
        }
    };
}

options! {
    /// Database URL: `sqlite://FILE` (created if missing, WAL mode) or
    /// `postgres://USER@HOST/DB`.
    #[arg(long, env = "TOLLGATE_DATABASE_URL", value_name = "URL")]
    database_url: String = DEFAULT_DATABASE_URL.to_owned(),

    /// Unix domain socket to listen on, or `off`. Created with mode 0660 and
    /// removed at shutdown.
    #[arg(long, env = "TOLLGATE_SOCKET", value_name = "PATH|off")]
    socket: String = "./tollgate.sock".to_owned(),

    /// TCP address to listen on (e.g. 127.0.0.1:50051), or `off`. TCP
    /// callers need a client certificate (--tls-client-ca-file) or an API
    /// key.
    #[arg(long, env = "TOLLGATE_LISTEN", value_name = "ADDR|off")]
    listen: String = "off".to_owned(),

    /// PEM certificate chain for TLS on the TCP listener (with
    /// --tls-key-file). The Unix socket never uses TLS.
    #[arg(long, env = "TOLLGATE_TLS_CERT_FILE", value_name = "FILE")]
    tls_cert_file: Option<PathBuf>,

    /// PEM private key for --tls-cert-file.
    #[arg(long, env = "TOLLGATE_TLS_KEY_FILE", value_name = "FILE")]
    tls_key_file: Option<PathBuf>,

    /// PEM CA certificate(s): with it, TCP clients must present a
    /// certificate signed by this CA (mutual TLS).
    #[arg(long, env = "TOLLGATE_TLS_CLIENT_CA_FILE", value_name = "FILE")]
    tls_client_ca_file: Option<PathBuf>,

    /// Allow a non-loopback --listen address without TLS (e.g. behind a
    /// service mesh that provides mTLS). Plaintext TCP callers carry no
    /// identity: only API keys get in.
    #[arg(long, env = "TOLLGATE_ALLOW_PLAINTEXT_REMOTE")]
    allow_plaintext_remote: bool,

    /// OTLP/gRPC collector to export traces and metrics to, e.g.
    /// `http://127.0.0.1:4317`. Off when unset.
    #[arg(long, env = "TOLLGATE_OTLP_ENDPOINT", value_name = "URL")]
    otlp_endpoint: Option<String>,

    /// Address for the Prometheus scrape endpoint (`http://ADDR/metrics`),
    /// e.g. `127.0.0.1:9464`. Off when unset.
    #[arg(long, env = "TOLLGATE_METRICS_ADDR", value_name = "ADDR")]
    metrics_addr: Option<String>,

    /// File holding the 32-byte secret key as 64 hex digits (`tollgate
    /// generate-key` writes one). Required with Postgres; with SQLite and
    /// none given, a key file is created beside the database.
    #[arg(long, env = "TOLLGATE_SECRET_KEY_FILE", value_name = "FILE")]
    secret_key_file: Option<PathBuf>,

    /// Earlier key files, comma-separated, still read after a key rotation
    /// (new writes always use --secret-key-file).
    #[arg(
        long,
        env = "TOLLGATE_PREVIOUS_SECRET_KEY_FILES",
        value_delimiter = ',',
        value_name = "FILE,..."
    )]
    previous_secret_key_files: Vec<PathBuf>,

    /// The issuer authenticator apps show next to the account name.
    #[arg(long, env = "TOLLGATE_ISSUER")]
    issuer: String = tollgate_domain::policy::DEFAULT_ISSUER.to_owned(),

    /// The application's page that email confirmation links point to; it
    /// receives `tenant`, `user` and `token` query parameters and calls
    /// ConfirmContact. Without it, emails carry the token as a code.
    #[arg(long, env = "TOLLGATE_CONFIRM_LINK_BASE", value_name = "URL")]
    confirm_link_base: Option<String>,

    /// Seconds after which an outbox message streamed by StreamOutbox but
    /// not acknowledged is offered again.
    #[arg(long, env = "TOLLGATE_OUTBOX_ACK_TIMEOUT", value_name = "SECONDS")]
    outbox_ack_timeout: u32 = 60,

    /// How email leaves: `outbox` (your application streams it with
    /// StreamOutbox), `smtp`, `webhook` or `log` (development only).
    #[arg(long, env = "TOLLGATE_EMAIL_TRANSPORT", value_enum)]
    email_transport: EmailTransportKind = EmailTransportKind::Outbox,

    /// How SMS leaves: `outbox`, `twilio` (or any Twilio-compatible API),
    /// `webhook` or `log` (development only).
    #[arg(long, env = "TOLLGATE_SMS_TRANSPORT", value_enum)]
    sms_transport: SmsTransportKind = SmsTransportKind::Outbox,

    /// SMTP server host (email transport `smtp`).
    #[arg(long, env = "TOLLGATE_SMTP_HOST", value_name = "HOST")]
    smtp_host: Option<String>,

    /// SMTP port; 587 for starttls, 465 for tls, 25 for none when unset.
    #[arg(long, env = "TOLLGATE_SMTP_PORT", value_name = "PORT")]
    smtp_port: Option<u16>,

    /// SMTP connection security: starttls, tls, or none (localhost only).
    #[arg(long, env = "TOLLGATE_SMTP_SECURITY", value_enum)]
    smtp_security: SmtpSecurityKind = SmtpSecurityKind::Starttls,

    /// SMTP user name (with --smtp-password-file).
    #[arg(long, env = "TOLLGATE_SMTP_USERNAME", value_name = "NAME")]
    smtp_username: Option<String>,

    /// File holding the SMTP password.
    #[arg(long, env = "TOLLGATE_SMTP_PASSWORD_FILE", value_name = "FILE")]
    smtp_password_file: Option<PathBuf>,

    /// The sender of emails, e.g. "Acme <no-reply@acme.example>".
    #[arg(long, env = "TOLLGATE_SMTP_FROM", value_name = "MAILBOX")]
    smtp_from: Option<String>,

    /// Twilio account SID (SMS transport `twilio`).
    #[arg(long, env = "TOLLGATE_TWILIO_ACCOUNT_SID", value_name = "SID")]
    twilio_account_sid: Option<String>,

    /// File holding the Twilio auth token.
    #[arg(long, env = "TOLLGATE_TWILIO_AUTH_TOKEN_FILE", value_name = "FILE")]
    twilio_auth_token_file: Option<PathBuf>,

    /// The sending number (E.164) or sender id.
    #[arg(long, env = "TOLLGATE_TWILIO_FROM", value_name = "NUMBER")]
    twilio_from: Option<String>,

    /// Base URL of a Twilio-compatible API.
    #[arg(long, env = "TOLLGATE_TWILIO_BASE_URL", value_name = "URL")]
    twilio_base_url: String = "https://api.twilio.com".to_owned(),

    /// URL the `webhook` transport POSTs messages to (signed with HMAC).
    #[arg(long, env = "TOLLGATE_WEBHOOK_URL", value_name = "URL")]
    webhook_url: Option<String>,

    /// File holding the webhook signing secret.
    #[arg(long, env = "TOLLGATE_WEBHOOK_SECRET_FILE", value_name = "FILE")]
    webhook_secret_file: Option<PathBuf>,

    /// File the `log` transport appends messages to (development only: it
    /// holds the codes).
    #[arg(long, env = "TOLLGATE_MESSAGE_LOG_FILE", value_name = "FILE")]
    message_log_file: Option<PathBuf>,

    /// Directory with template overrides (e.g. sign_in_code.subject.txt,
    /// sign_in_code.txt, sign_in_code.html, contact_confirmation.txt).
    #[arg(long, env = "TOLLGATE_TEMPLATES_DIR", value_name = "DIR")]
    templates_dir: Option<PathBuf>,

    /// Seconds one delivery attempt may take before it counts as failed
    /// (and is retried in the background).
    #[arg(long, env = "TOLLGATE_DELIVERY_TIMEOUT", value_name = "SECONDS")]
    delivery_timeout: u32 = 10,

    /// Seconds a shutdown (SIGTERM) waits for calls in flight before it
    /// closes the connections that are left.
    #[arg(long, env = "TOLLGATE_SHUTDOWN_GRACE", value_name = "SECONDS")]
    shutdown_grace: u32 = 10,

    /// Seconds between the HTTP/2 PINGs the server sends on a TCP
    /// connection that has been quiet that long, to find clients that went
    /// away without closing it; 0 sends none. Never on the Unix socket: the
    /// kernel closes a dead process's end itself.
    #[arg(long, env = "TOLLGATE_KEEPALIVE_INTERVAL", value_name = "SECONDS")]
    keepalive_interval: u32 = 60,

    /// Seconds a TCP client has to answer a keepalive PING before its
    /// connection is closed.
    #[arg(long, env = "TOLLGATE_KEEPALIVE_TIMEOUT", value_name = "SECONDS")]
    keepalive_timeout: u32 = 20,

    /// Connections each listener (the socket, the TCP port) holds open at
    /// once. At the limit the server accepts no more: new connections wait
    /// in the kernel's queue and are served as open ones close. 0: no limit.
    #[arg(long, env = "TOLLGATE_MAX_CONNECTIONS", value_name = "N")]
    max_connections: u32 = 1000,

    /// Seconds a connection may stay open with no call in progress before
    /// the server closes it (a client reconnects for its next call); 0:
    /// never. Keepalive PINGs are not calls; an open StreamOutbox is one.
    #[arg(long, env = "TOLLGATE_IDLE_TIMEOUT", value_name = "SECONDS")]
    idle_timeout: u32 = 900,

    /// Seconds between purges of expired challenges, outbox messages and
    /// trusted devices (and of old audit events, with --audit-retention);
    /// 0 purges nothing.
    #[arg(long, env = "TOLLGATE_PURGE_INTERVAL", value_name = "SECONDS")]
    purge_interval: u32 = 600,

    /// Hours a challenge, outbox message or trusted device is kept after it
    /// expired.
    #[arg(long, env = "TOLLGATE_EXPIRED_RETENTION", value_name = "HOURS")]
    expired_retention: u32 = 24,

    /// Days audit events are kept (a year by default, so the log cannot
    /// grow for ever); 0 keeps them for good.
    #[arg(long, env = "TOLLGATE_AUDIT_RETENTION", value_name = "DAYS")]
    audit_retention: u32 = DEFAULT_AUDIT_RETENTION_DAYS,

    /// Log format.
    #[arg(long, env = "TOLLGATE_LOG_FORMAT", value_enum)]
    log_format: LogFormat = LogFormat::Text,

    /// Log filter, e.g. `info` or `tollgate=debug,info`.
    #[arg(long, env = "TOLLGATE_LOG", value_name = "FILTER")]
    log: String = "info".to_owned(),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EmailTransportKind {
    Outbox,
    Smtp,
    Webhook,
    Log,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmsTransportKind {
    Outbox,
    Twilio,
    Webhook,
    Log,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurityKind {
    Starttls,
    Tls,
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}
