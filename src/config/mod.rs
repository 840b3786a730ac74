//! Configuration of `tollgate serve` and `tollgate migrate`: command-line
//! flags, then `TOLLGATE_*` environment variables, then an optional TOML file,
//! then defaults, in that order of precedence.
use std::path::{Path, PathBuf};

use clap::parser::ValueSource;
use clap::{ArgMatches, Args, ValueEnum};
use serde::Deserialize;
use tollgate_domain::retention::Retention;

/// The default database: a SQLite file in the working directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://tollgate.db";

/// Where the server listens, stores and finds its keys.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// TOML file with any of the options below (keys in snake_case, e.g.
    /// `database_url = "..."`); flags and environment variables win over it.
    #[arg(long, env = "TOLLGATE_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Database URL: `sqlite://FILE` (created if missing, WAL mode) or
    /// `postgres://USER@HOST/DB`.
    #[arg(long, env = "TOLLGATE_DATABASE_URL", default_value = DEFAULT_DATABASE_URL, value_name = "URL")]
    pub database_url: String,

    /// Unix domain socket to listen on, or `off`. Created with mode 0660 and
    /// removed at shutdown.
    #[arg(
        long,
        env = "TOLLGATE_SOCKET",
        default_value = "./tollgate.sock",
        value_name = "PATH|off"
    )]
    pub socket: String,

    /// TCP address to listen on (e.g. 127.0.0.1:50051), or `off`. TCP
    /// callers need a client certificate (--tls-client-ca-file) or an API
    /// key.
    #[arg(
        long,
        env = "TOLLGATE_LISTEN",
        default_value = "off",
        value_name = "ADDR|off"
    )]
    pub listen: String,

    /// PEM certificate chain for TLS on the TCP listener (with
    /// --tls-key-file). The Unix socket never uses TLS.
    #[arg(long, env = "TOLLGATE_TLS_CERT_FILE", value_name = "FILE")]
    pub tls_cert_file: Option<PathBuf>,

    /// PEM private key for --tls-cert-file.
    #[arg(long, env = "TOLLGATE_TLS_KEY_FILE", value_name = "FILE")]
    pub tls_key_file: Option<PathBuf>,

    /// PEM CA certificate(s): with it, TCP clients must present a
    /// certificate signed by this CA (mutual TLS).
    #[arg(long, env = "TOLLGATE_TLS_CLIENT_CA_FILE", value_name = "FILE")]
    pub tls_client_ca_file: Option<PathBuf>,

    /// Allow a non-loopback --listen address without TLS (e.g. behind a
    /// service mesh that provides mTLS). Plaintext TCP callers carry no
    /// identity: only API keys get in.
    #[arg(long, env = "TOLLGATE_ALLOW_PLAINTEXT_REMOTE")]
    pub allow_plaintext_remote: bool,

    /// OTLP/gRPC collector to export traces and metrics to, e.g.
    /// `http://127.0.0.1:4317`. Off when unset.
    #[arg(long, env = "TOLLGATE_OTLP_ENDPOINT", value_name = "URL")]
    pub otlp_endpoint: Option<String>,

    /// Address for the Prometheus scrape endpoint (`http://ADDR/metrics`),
    /// e.g. `127.0.0.1:9464`. Off when unset.
    #[arg(long, env = "TOLLGATE_METRICS_ADDR", value_name = "ADDR")]
    pub metrics_addr: Option<String>,

    /// File holding the 32-byte secret key as 64 hex digits (`tollgate
    /// generate-key` writes one). Required with Postgres; with SQLite and
    /// none given, a key file is created beside the database.
    #[arg(long, env = "TOLLGATE_SECRET_KEY_FILE", value_name = "FILE")]
    pub secret_key_file: Option<PathBuf>,

    /// Earlier key files, comma-separated, still read after a key rotation
    /// (new writes always use --secret-key-file).
    #[arg(
        long,
        env = "TOLLGATE_PREVIOUS_SECRET_KEY_FILES",
        value_delimiter = ',',
        value_name = "FILE,..."
    )]
    pub previous_secret_key_files: Vec<PathBuf>,

    /// The issuer authenticator apps show next to the account name.
    #[arg(long, env = "TOLLGATE_ISSUER", default_value = tollgate_domain::policy::DEFAULT_ISSUER)]
    pub issuer: String,

    /// The application's page that email confirmation links point to; it
    /// receives `tenant`, `user` and `token` query parameters and calls
    /// ConfirmContact. Without it, emails carry the token as a code.
    #[arg(long, env = "TOLLGATE_CONFIRM_LINK_BASE", value_name = "URL")]
    pub confirm_link_base: Option<String>,

    /// Seconds after which an outbox message streamed by StreamOutbox but
    /// not acknowledged is offered again.
    #[arg(
        long,
        env = "TOLLGATE_OUTBOX_ACK_TIMEOUT",
        default_value_t = 60,
        value_name = "SECONDS"
    )]
    pub outbox_ack_timeout: u32,

    /// How email leaves: `outbox` (your application streams it with
    /// StreamOutbox), `smtp`, `webhook` or `log` (development only).
    #[arg(long, env = "TOLLGATE_EMAIL_TRANSPORT", value_enum, default_value_t = EmailTransportKind::Outbox)]
    pub email_transport: EmailTransportKind,

    /// How SMS leaves: `outbox`, `twilio` (or any Twilio-compatible API),
    /// `webhook` or `log` (development only).
    #[arg(long, env = "TOLLGATE_SMS_TRANSPORT", value_enum, default_value_t = SmsTransportKind::Outbox)]
    pub sms_transport: SmsTransportKind,

    /// SMTP server host (email transport `smtp`).
    #[arg(long, env = "TOLLGATE_SMTP_HOST", value_name = "HOST")]
    pub smtp_host: Option<String>,

    /// SMTP port; 587 for starttls, 465 for tls, 25 for none when unset.
    #[arg(long, env = "TOLLGATE_SMTP_PORT", value_name = "PORT")]
    pub smtp_port: Option<u16>,

    /// SMTP connection security: starttls, tls, or none (localhost only).
    #[arg(long, env = "TOLLGATE_SMTP_SECURITY", value_enum, default_value_t = SmtpSecurityKind::Starttls)]
    pub smtp_security: SmtpSecurityKind,

    /// SMTP user name (with --smtp-password-file).
    #[arg(long, env = "TOLLGATE_SMTP_USERNAME", value_name = "NAME")]
    pub smtp_username: Option<String>,

    /// File holding the SMTP password.
    #[arg(long, env = "TOLLGATE_SMTP_PASSWORD_FILE", value_name = "FILE")]
    pub smtp_password_file: Option<PathBuf>,

    /// The sender of emails, e.g. "Acme <no-reply@acme.example>".
    #[arg(long, env = "TOLLGATE_SMTP_FROM", value_name = "MAILBOX")]
    pub smtp_from: Option<String>,

    /// Twilio account SID (SMS transport `twilio`).
    #[arg(long, env = "TOLLGATE_TWILIO_ACCOUNT_SID", value_name = "SID")]
    pub twilio_account_sid: Option<String>,

    /// File holding the Twilio auth token.
    #[arg(long, env = "TOLLGATE_TWILIO_AUTH_TOKEN_FILE", value_name = "FILE")]
    pub twilio_auth_token_file: Option<PathBuf>,

    /// The sending number (E.164) or sender id.
    #[arg(long, env = "TOLLGATE_TWILIO_FROM", value_name = "NUMBER")]
    pub twilio_from: Option<String>,

    /// Base URL of a Twilio-compatible API.
    #[arg(
        long,
        env = "TOLLGATE_TWILIO_BASE_URL",
        default_value = "https://api.twilio.com",
        value_name = "URL"
    )]
    pub twilio_base_url: String,

    /// URL the `webhook` transport POSTs messages to (signed with HMAC).
    #[arg(long, env = "TOLLGATE_WEBHOOK_URL", value_name = "URL")]
    pub webhook_url: Option<String>,

    /// File holding the webhook signing secret.
    #[arg(long, env = "TOLLGATE_WEBHOOK_SECRET_FILE", value_name = "FILE")]
    pub webhook_secret_file: Option<PathBuf>,

    /// File the `log` transport appends messages to (development only: it
    /// holds the codes).
    #[arg(long, env = "TOLLGATE_MESSAGE_LOG_FILE", value_name = "FILE")]
    pub message_log_file: Option<PathBuf>,

    /// Directory with template overrides (e.g. sign_in_code.subject.txt,
    /// sign_in_code.txt, sign_in_code.html, contact_confirmation.txt).
    #[arg(long, env = "TOLLGATE_TEMPLATES_DIR", value_name = "DIR")]
    pub templates_dir: Option<PathBuf>,

    /// Seconds one delivery attempt may take before it counts as failed
    /// (and is retried in the background).
    #[arg(
        long,
        env = "TOLLGATE_DELIVERY_TIMEOUT",
        default_value_t = 10,
        value_name = "SECONDS"
    )]
    pub delivery_timeout: u32,

    /// Seconds a shutdown (SIGTERM) waits for calls in flight before it
    /// closes the connections that are left.
    #[arg(
        long,
        env = "TOLLGATE_SHUTDOWN_GRACE",
        default_value_t = 10,
        value_name = "SECONDS"
    )]
    pub shutdown_grace: u32,

    /// Seconds between purges of expired challenges, outbox messages and
    /// trusted devices (and of old audit events, with --audit-retention);
    /// 0 purges nothing.
    #[arg(
        long,
        env = "TOLLGATE_PURGE_INTERVAL",
        default_value_t = 600,
        value_name = "SECONDS"
    )]
    pub purge_interval: u32,

    /// Hours a challenge, outbox message or trusted device is kept after it
    /// expired.
    #[arg(
        long,
        env = "TOLLGATE_EXPIRED_RETENTION",
        default_value_t = 24,
        value_name = "HOURS"
    )]
    pub expired_retention: u32,

    /// Days audit events are kept (a year by default, so the log cannot
    /// grow for ever); 0 keeps them for good.
    #[arg(
        long,
        env = "TOLLGATE_AUDIT_RETENTION",
        default_value_t = DEFAULT_AUDIT_RETENTION_DAYS,
        value_name = "DAYS"
    )]
    pub audit_retention: u32,

    /// Log format.
    #[arg(long, env = "TOLLGATE_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// Log filter, e.g. `info` or `tollgate=debug,info`.
    #[arg(
        long,
        env = "TOLLGATE_LOG",
        default_value = "info",
        value_name = "FILTER"
    )]
    pub log: String,
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

/// The TOML file: every key optional, unknown keys refused.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    database_url: Option<String>,
    socket: Option<String>,
    listen: Option<String>,
    tls_cert_file: Option<PathBuf>,
    tls_key_file: Option<PathBuf>,
    tls_client_ca_file: Option<PathBuf>,
    allow_plaintext_remote: Option<bool>,
    otlp_endpoint: Option<String>,
    metrics_addr: Option<String>,
    secret_key_file: Option<PathBuf>,
    previous_secret_key_files: Option<Vec<PathBuf>>,
    issuer: Option<String>,
    confirm_link_base: Option<String>,
    outbox_ack_timeout: Option<u32>,
    email_transport: Option<EmailTransportKind>,
    sms_transport: Option<SmsTransportKind>,
    smtp_host: Option<String>,
    smtp_port: Option<u16>,
    smtp_security: Option<SmtpSecurityKind>,
    smtp_username: Option<String>,
    smtp_password_file: Option<PathBuf>,
    smtp_from: Option<String>,
    twilio_account_sid: Option<String>,
    twilio_auth_token_file: Option<PathBuf>,
    twilio_from: Option<String>,
    twilio_base_url: Option<String>,
    webhook_url: Option<String>,
    webhook_secret_file: Option<PathBuf>,
    message_log_file: Option<PathBuf>,
    templates_dir: Option<PathBuf>,
    delivery_timeout: Option<u32>,
    shutdown_grace: Option<u32>,
    purge_interval: Option<u32>,
    expired_retention: Option<u32>,
    audit_retention: Option<u32>,
    log_format: Option<LogFormat>,
    log: Option<String>,
    /// Who may call; see the access module. File only: a list of tables.
    #[serde(default)]
    callers: Vec<crate::access::CallerEntry>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("could not read the configuration file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the configuration file {path} is invalid: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("--listen {0:?} is not a socket address such as 127.0.0.1:50051 (or `off`)")]
    Listen(String),
    #[error("both --socket and --listen are off: tollgate would not be reachable")]
    NoListener,
    #[error(
        "--listen {0} is not a loopback address: give --tls-cert-file and --tls-key-file, or \
         --allow-plaintext-remote if something else (a service mesh) encrypts and authenticates the traffic"
    )]
    NotLoopback(std::net::SocketAddr),
    #[error("--tls-cert-file and --tls-key-file go together: give both or neither")]
    TlsPair,
    #[error("--{0} needs --listen: TLS applies to the TCP listener only")]
    TlsWithoutListen(&'static str),
    #[error("--tls-client-ca-file needs --tls-cert-file and --tls-key-file")]
    ClientCaWithoutTls,
    #[error("--metrics-addr {0:?} is not a socket address such as 127.0.0.1:9464")]
    MetricsAddr(String),
    #[error("--otlp-endpoint {0:?} is not an http:// or https:// URL")]
    OtlpEndpoint(String),
    #[error("callers: {0}")]
    Callers(String),
}

/// TLS on the TCP listener: files read at start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsConfig {
    pub cert_file: PathBuf,
    pub key_file: PathBuf,
    /// With it, clients must present a certificate this CA signed.
    pub client_ca_file: Option<PathBuf>,
}

/// Where traces and metrics go.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TelemetryConfig {
    /// OTLP/gRPC collector for traces and metrics.
    pub otlp_endpoint: Option<String>,
    /// Prometheus scrape endpoint.
    pub metrics_addr: Option<std::net::SocketAddr>,
}

/// Validated server settings.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub database_url: String,
    pub socket: Option<PathBuf>,
    pub listen: Option<std::net::SocketAddr>,
    pub tls: Option<TlsConfig>,
    pub telemetry: TelemetryConfig,
    pub secret_key_file: Option<PathBuf>,
    pub previous_secret_key_files: Vec<PathBuf>,
    pub issuer: String,
    pub confirm_link_base: Option<String>,
    pub outbox_ack_timeout: u32,
    pub delivery: DeliveryConfig,
    /// How long a shutdown waits for calls in flight.
    pub shutdown_grace: std::time::Duration,
    pub purge: PurgeConfig,
    pub log_format: LogFormat,
    pub log: String,
    /// Who may call, from the configuration file; empty: the socket's
    /// owner and group, root, and client certificates the client CA signed.
    pub callers: Vec<crate::access::ConfiguredCaller>,
}

/// When rows that no longer matter are deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PurgeConfig {
    /// Time between purges; `None`: never.
    pub interval: Option<std::time::Duration>,
    pub retention: Retention,
}

/// How long audit events are kept unless configured.
pub const DEFAULT_AUDIT_RETENTION_DAYS: u32 = 365;

impl Default for PurgeConfig {
    /// Every 10 minutes; expired rows kept a day; audit events a year.
    fn default() -> Self {
        Self {
            interval: Some(std::time::Duration::from_secs(600)),
            retention: Retention {
                expired: chrono::TimeDelta::hours(24),
                audit: Some(chrono::TimeDelta::days(i64::from(
                    DEFAULT_AUDIT_RETENTION_DAYS,
                ))),
            },
        }
    }
}

/// How messages leave the server.
#[derive(Debug, Clone)]
pub struct DeliveryConfig {
    pub email_transport: EmailTransportKind,
    pub sms_transport: SmsTransportKind,
    pub smtp_host: Option<String>,
    pub smtp_port: Option<u16>,
    pub smtp_security: SmtpSecurityKind,
    pub smtp_username: Option<String>,
    pub smtp_password_file: Option<PathBuf>,
    pub smtp_from: Option<String>,
    pub twilio_account_sid: Option<String>,
    pub twilio_auth_token_file: Option<PathBuf>,
    pub twilio_from: Option<String>,
    pub twilio_base_url: String,
    pub webhook_url: Option<String>,
    pub webhook_secret_file: Option<PathBuf>,
    pub message_log_file: Option<PathBuf>,
    pub templates_dir: Option<PathBuf>,
    pub delivery_timeout: u32,
}

impl Default for DeliveryConfig {
    /// Everything through the outbox.
    fn default() -> Self {
        Self {
            email_transport: EmailTransportKind::Outbox,
            sms_transport: SmsTransportKind::Outbox,
            smtp_host: None,
            smtp_port: None,
            smtp_security: SmtpSecurityKind::Starttls,
            smtp_username: None,
            smtp_password_file: None,
            smtp_from: None,
            twilio_account_sid: None,
            twilio_auth_token_file: None,
            twilio_from: None,
            twilio_base_url: "https://api.twilio.com".to_owned(),
            webhook_url: None,
            webhook_secret_file: None,
            message_log_file: None,
            templates_dir: None,
            delivery_timeout: 10,
        }
    }
}

impl ServerConfig {
    /// Settings for tests and embedding: the given database and socket, no
    /// TCP, defaults otherwise.
    pub fn new(database_url: impl Into<String>, socket: Option<PathBuf>) -> Self {
        Self {
            database_url: database_url.into(),
            socket,
            listen: None,
            tls: None,
            telemetry: TelemetryConfig::default(),
            secret_key_file: None,
            previous_secret_key_files: Vec::new(),
            issuer: tollgate_domain::policy::DEFAULT_ISSUER.to_owned(),
            confirm_link_base: None,
            outbox_ack_timeout: 60,
            delivery: DeliveryConfig::default(),
            shutdown_grace: std::time::Duration::from_secs(10),
            purge: PurgeConfig::default(),
            log_format: LogFormat::Text,
            log: "info".to_owned(),
            callers: Vec::new(),
        }
    }
}

impl ServerConfig {
    /// `serve` needs somewhere to listen (`migrate` does not).
    pub fn require_listener(&self) -> Result<(), ConfigError> {
        if self.socket.is_none() && self.listen.is_none() {
            return Err(ConfigError::NoListener);
        }
        Ok(())
    }

    /// The settings as `key = value` lines (paths only, never key material).
    pub fn describe(&self) -> String {
        let path = |p: &Option<PathBuf>| {
            p.as_ref()
                .map_or("off".to_owned(), |p| p.display().to_string())
        };
        let previous: Vec<String> = self
            .previous_secret_key_files
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        format!(
            "database_url = {}\nsocket = {}\nlisten = {}\ntls = {}\notlp_endpoint = {}\nmetrics_addr = {}\nsecret_key_file = {}\nprevious_secret_key_files = [{}]\n\
             issuer = {}\nconfirm_link_base = {}\noutbox_ack_timeout = {}\nemail_transport = {:?}\nsms_transport = {:?}\n\
             purge_interval = {}\nexpired_retention = {} h\naudit_retention = {}\nlog_format = {:?}\nlog = {}\n",
            redact_password(&self.database_url),
            path(&self.socket),
            self.listen.map_or("off".to_owned(), |a| a.to_string()),
            match &self.tls {
                None => "off".to_owned(),
                Some(tls) => format!(
                    "cert {} key {}{}",
                    tls.cert_file.display(),
                    tls.key_file.display(),
                    tls.client_ca_file
                        .as_ref()
                        .map_or(String::new(), |ca| format!(" client-ca {}", ca.display()))
                ),
            },
            self.telemetry.otlp_endpoint.as_deref().unwrap_or("off"),
            self.telemetry
                .metrics_addr
                .map_or("off".to_owned(), |a| a.to_string()),
            self.secret_key_file
                .as_ref()
                .map_or("(none)".to_owned(), |p| p.display().to_string()),
            previous.join(", "),
            self.issuer,
            self.confirm_link_base.as_deref().unwrap_or("(none)"),
            self.outbox_ack_timeout,
            self.delivery.email_transport,
            self.delivery.sms_transport,
            self.purge
                .interval
                .map_or("off".to_owned(), |i| format!("{} s", i.as_secs())),
            self.purge.retention.expired.num_hours(),
            self.purge
                .retention
                .audit
                .map_or("kept".to_owned(), |d| format!("{} days", d.num_days())),
            self.log_format,
            self.log,
        ) + &crate::access::describe_callers(&self.callers)
    }
}

/// A database URL with any password replaced by `***`.
pub fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, tail) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}{tail}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

fn off(value: &str) -> bool {
    value.is_empty() || value.eq_ignore_ascii_case("off")
}

impl ServeArgs {
    /// Fills every option still at its default from the TOML file, then
    /// validates. `matches` are the subcommand's, to tell defaults from
    /// values the user gave.
    pub fn resolve(mut self, matches: &ArgMatches) -> Result<ServerConfig, ConfigError> {
        let mut callers = Vec::new();
        if let Some(path) = self.config.clone() {
            let mut file = read_file(&path)?;
            callers = crate::access::CallerEntry::resolve_all(std::mem::take(&mut file.callers))
                .map_err(ConfigError::Callers)?;
            let defaulted = |id: &str| {
                matches!(
                    matches.value_source(id),
                    None | Some(ValueSource::DefaultValue)
                )
            };
            macro_rules! fill {
                ($($field:ident),*) => {$(
                    if defaulted(stringify!($field)) {
                        if let Some(v) = file.$field { self.$field = v.into(); }
                    }
                )*};
            }
            fill!(
                database_url,
                socket,
                listen,
                issuer,
                outbox_ack_timeout,
                email_transport,
                sms_transport,
                smtp_security,
                twilio_base_url,
                delivery_timeout,
                shutdown_grace,
                purge_interval,
                expired_retention,
                audit_retention,
                log_format,
                log,
                previous_secret_key_files,
                allow_plaintext_remote
            );
            macro_rules! fill_optional {
                ($($field:ident),*) => {$(
                    if defaulted(stringify!($field)) && file.$field.is_some() {
                        self.$field = file.$field;
                    }
                )*};
            }
            fill_optional!(
                confirm_link_base,
                tls_cert_file,
                tls_key_file,
                tls_client_ca_file,
                otlp_endpoint,
                metrics_addr,
                smtp_host,
                smtp_port,
                smtp_username,
                smtp_password_file,
                smtp_from,
                twilio_account_sid,
                twilio_auth_token_file,
                twilio_from,
                webhook_url,
                webhook_secret_file,
                message_log_file,
                templates_dir
            );
            if defaulted("secret_key_file") && file.secret_key_file.is_some() {
                self.secret_key_file = file.secret_key_file;
            }
        }
        let listen = if off(&self.listen) {
            None
        } else {
            let addr: std::net::SocketAddr = self
                .listen
                .parse()
                .map_err(|_| ConfigError::Listen(self.listen.clone()))?;
            Some(addr)
        };
        let tls = match (self.tls_cert_file, self.tls_key_file) {
            (Some(cert_file), Some(key_file)) => Some(TlsConfig {
                cert_file,
                key_file,
                client_ca_file: self.tls_client_ca_file,
            }),
            (None, None) if self.tls_client_ca_file.is_some() => {
                return Err(ConfigError::ClientCaWithoutTls);
            }
            (None, None) => None,
            _ => return Err(ConfigError::TlsPair),
        };
        match listen {
            None if tls.is_some() => return Err(ConfigError::TlsWithoutListen("tls-cert-file")),
            Some(addr)
                if !addr.ip().is_loopback() && tls.is_none() && !self.allow_plaintext_remote =>
            {
                return Err(ConfigError::NotLoopback(addr));
            }
            _ => {}
        }
        let metrics_addr = match self.metrics_addr.as_deref() {
            None => None,
            Some(value) if off(value) => None,
            Some(value) => Some(
                value
                    .parse()
                    .map_err(|_| ConfigError::MetricsAddr(value.to_owned()))?,
            ),
        };
        let otlp_endpoint = match self.otlp_endpoint {
            Some(url) if off(&url) => None,
            Some(url) if url.starts_with("http://") || url.starts_with("https://") => Some(url),
            Some(url) => return Err(ConfigError::OtlpEndpoint(url)),
            None => None,
        };
        let socket = (!off(&self.socket)).then(|| PathBuf::from(&self.socket));
        Ok(ServerConfig {
            database_url: self.database_url,
            socket,
            listen,
            tls,
            telemetry: TelemetryConfig {
                otlp_endpoint,
                metrics_addr,
            },
            secret_key_file: self.secret_key_file,
            previous_secret_key_files: self.previous_secret_key_files,
            issuer: self.issuer,
            confirm_link_base: self.confirm_link_base,
            outbox_ack_timeout: self.outbox_ack_timeout.max(1),
            delivery: DeliveryConfig {
                email_transport: self.email_transport,
                sms_transport: self.sms_transport,
                smtp_host: self.smtp_host,
                smtp_port: self.smtp_port,
                smtp_security: self.smtp_security,
                smtp_username: self.smtp_username,
                smtp_password_file: self.smtp_password_file,
                smtp_from: self.smtp_from,
                twilio_account_sid: self.twilio_account_sid,
                twilio_auth_token_file: self.twilio_auth_token_file,
                twilio_from: self.twilio_from,
                twilio_base_url: self.twilio_base_url,
                webhook_url: self.webhook_url,
                webhook_secret_file: self.webhook_secret_file,
                message_log_file: self.message_log_file,
                templates_dir: self.templates_dir,
                delivery_timeout: self.delivery_timeout.max(1),
            },
            shutdown_grace: std::time::Duration::from_secs(u64::from(self.shutdown_grace)),
            purge: PurgeConfig {
                interval: (self.purge_interval > 0)
                    .then(|| std::time::Duration::from_secs(u64::from(self.purge_interval))),
                retention: Retention {
                    expired: chrono::TimeDelta::hours(i64::from(self.expired_retention)),
                    audit: (self.audit_retention > 0)
                        .then(|| chrono::TimeDelta::days(i64::from(self.audit_retention))),
                },
            },
            log_format: self.log_format,
            log: self.log,
            callers,
        })
    }
}

fn read_file(path: &Path) -> Result<FileConfig, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_owned(),
        source,
    })?;
    parse_file(&text, path)
}

fn parse_file(text: &str, path: &Path) -> Result<FileConfig, ConfigError> {
    toml::from_str(text).map_err(|e| ConfigError::Parse {
        path: path.to_owned(),
        message: e.message().to_owned(),
    })
}

#[cfg(test)]
mod tests;
