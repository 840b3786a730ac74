//! Configuration of `tollgate serve` and `tollgate migrate`: command-line
//! flags, then `TOLLGATE_*` environment variables, then an optional TOML file,
//! then defaults, in that order of precedence. Each option is declared once,
//! in `options.rs`; this module reads the file, checks the merged options and
//! turns them into a [`ServerConfig`].
use std::path::{Path, PathBuf};

use clap::{ArgMatches, Args};
use tollgate_domain::retention::Retention;

mod options;

use options::FileConfig;
pub use options::{
    DEFAULT_AUDIT_RETENTION_DAYS, DEFAULT_DATABASE_URL, EmailTransportKind, LogFormat, Options,
    SmsTransportKind, SmtpSecurityKind,
};

/// Where the server listens, stores and finds its keys.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// TOML file with any of the options below (keys in snake_case, e.g.
    /// `database_url = "..."`); flags and environment variables win over it.
    #[arg(long, env = "TOLLGATE_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    // Every other option: a flag, a variable and a file key (options.rs).
    #[command(flatten)]
    pub options: Options,
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
    #[error("relying_parties: {0}")]
    RelyingParty(String),
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
    /// Keepalive, the limit on open connections and the idle timeout.
    pub connections: ConnectionConfig,
    pub purge: PurgeConfig,
    pub log_format: LogFormat,
    pub log: String,
    /// Who may call, from the configuration file; empty: the socket's
    /// owner and group, root, and client certificates the client CA signed.
    pub callers: Vec<crate::access::ConfiguredCaller>,
    /// WebAuthn relying parties, from the configuration file.
    pub relying_parties: Vec<RelyingPartyEntry>,
}

/// A `[[relying_parties]]` table: whose passkeys a tenant's (or an
/// audience's) users register, and which origins may use them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelyingPartyEntry {
    /// The tenant, or `*` for every tenant without an entry of its own.
    #[serde(default = "every_tenant")]
    pub tenant: String,
    /// The audience; empty: the tenant's own.
    #[serde(default)]
    pub audience: String,
    /// The relying party id: the domain passkeys are bound to.
    pub id: String,
    /// What authenticators show; defaults to the id.
    #[serde(default)]
    pub name: String,
    /// Origins the browser may report (scheme, host and port), e.g.
    /// "https://login.example.com"; native apps' origins are listed here
    /// too.
    pub origins: Vec<String>,
}

fn every_tenant() -> String {
    "*".to_owned()
}

impl RelyingPartyEntry {
    /// The domain's relying party.
    pub fn relying_party(&self) -> tollgate_domain::webauthn::RelyingParty {
        tollgate_domain::webauthn::RelyingParty {
            id: self.id.clone(),
            name: if self.name.is_empty() {
                self.id.clone()
            } else {
                self.name.clone()
            },
            origins: self.origins.clone(),
        }
    }
}

/// What the server does about connections that go away or pile up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionConfig {
    /// HTTP/2 keepalive on the TCP listener; `None`: no PINGs.
    pub keepalive: Option<Keepalive>,
    /// Connections each listener holds open at once; `None`: no limit.
    pub max_connections: Option<usize>,
    /// How long a connection with no call in progress stays open; `None`:
    /// for as long as the client keeps it.
    pub idle_timeout: Option<std::time::Duration>,
}

impl Default for ConnectionConfig {
    /// PINGs every minute on TCP, answered within 20 s; 1,000 connections
    /// per listener; idle ones closed after 15 minutes (the declared
    /// defaults of the options).
    fn default() -> Self {
        Options::default().connections()
    }
}

/// HTTP/2 PINGs on a quiet connection: a client that does not answer one
/// within `timeout` has its connection closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keepalive {
    /// How long a connection is quiet before the server sends a PING.
    pub interval: std::time::Duration,
    pub timeout: std::time::Duration,
}

/// When rows that no longer matter are deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PurgeConfig {
    /// Time between purges; `None`: never.
    pub interval: Option<std::time::Duration>,
    pub retention: Retention,
}

impl Default for PurgeConfig {
    /// Every 10 minutes; expired rows kept a day; audit events a year (the
    /// declared defaults of the options).
    fn default() -> Self {
        Options::default().purge()
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
    /// Everything through the outbox (the declared defaults of the options).
    fn default() -> Self {
        Options::default().delivery()
    }
}

impl ServerConfig {
    /// Settings for tests and embedding: the given database and socket, no
    /// TCP, defaults otherwise.
    pub fn new(database_url: impl Into<String>, socket: Option<PathBuf>) -> Self {
        let options = Options {
            database_url: database_url.into(),
            ..Options::default()
        };
        let listeners = Listeners {
            socket,
            listen: None,
            tls: None,
        };
        options.assemble(listeners, TelemetryConfig::default(), Vec::new())
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
             keepalive = {}\nmax_connections = {}\nidle_timeout = {}\n\
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
            self.connections
                .keepalive
                .map_or("off".to_owned(), |k| format!(
                    "PING after {} s quiet on TCP, answer within {} s",
                    k.interval.as_secs(),
                    k.timeout.as_secs()
                )),
            self.connections
                .max_connections
                .map_or("no limit".to_owned(), |n| format!("{n} per listener")),
            self.connections
                .idle_timeout
                .map_or("never".to_owned(), |t| format!("{} s", t.as_secs())),
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
    pub fn resolve(self, matches: &ArgMatches) -> Result<ServerConfig, ConfigError> {
        let mut options = self.options;
        let mut callers = Vec::new();
        let mut relying_parties = Vec::new();
        if let Some(path) = &self.config {
            let mut file = read_file(path)?;
            callers = crate::access::CallerEntry::resolve_all(std::mem::take(&mut file.callers))
                .map_err(ConfigError::Callers)?;
            relying_parties = std::mem::take(&mut file.relying_parties);
            for entry in &relying_parties {
                entry
                    .relying_party()
                    .check()
                    .map_err(ConfigError::RelyingParty)?;
            }
            options.fill_from(file, matches);
        }
        let listeners = options.listeners()?;
        let telemetry = options.telemetry()?;
        let mut config = options.assemble(listeners, telemetry, callers);
        config.relying_parties = relying_parties;
        Ok(config)
    }
}

/// Where the server listens, checked.
struct Listeners {
    socket: Option<PathBuf>,
    listen: Option<std::net::SocketAddr>,
    tls: Option<TlsConfig>,
}

impl Options {
    /// The socket, the TCP address and its TLS, refusing combinations that
    /// are incomplete or insecure.
    fn listeners(&self) -> Result<Listeners, ConfigError> {
        let listen = if off(&self.listen) {
            None
        } else {
            let addr: std::net::SocketAddr = self
                .listen
                .parse()
                .map_err(|_| ConfigError::Listen(self.listen.clone()))?;
            Some(addr)
        };
        let tls = match (&self.tls_cert_file, &self.tls_key_file) {
            (Some(cert_file), Some(key_file)) => Some(TlsConfig {
                cert_file: cert_file.clone(),
                key_file: key_file.clone(),
                client_ca_file: self.tls_client_ca_file.clone(),
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
        let socket = (!off(&self.socket)).then(|| PathBuf::from(&self.socket));
        Ok(Listeners {
            socket,
            listen,
            tls,
        })
    }

    /// The OTLP collector and the Prometheus address, checked.
    fn telemetry(&self) -> Result<TelemetryConfig, ConfigError> {
        let metrics_addr = match self.metrics_addr.as_deref() {
            None => None,
            Some(value) if off(value) => None,
            Some(value) => Some(
                value
                    .parse()
                    .map_err(|_| ConfigError::MetricsAddr(value.to_owned()))?,
            ),
        };
        let otlp_endpoint = match &self.otlp_endpoint {
            Some(url) if off(url) => None,
            Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
                Some(url.clone())
            }
            Some(url) => return Err(ConfigError::OtlpEndpoint(url.clone())),
            None => None,
        };
        Ok(TelemetryConfig {
            otlp_endpoint,
            metrics_addr,
        })
    }

    /// The settings, from these options and the parts already checked.
    fn assemble(
        self,
        listeners: Listeners,
        telemetry: TelemetryConfig,
        callers: Vec<crate::access::ConfiguredCaller>,
    ) -> ServerConfig {
        let delivery = self.delivery();
        let purge = self.purge();
        let connections = self.connections();
        ServerConfig {
            database_url: self.database_url,
            socket: listeners.socket,
            listen: listeners.listen,
            tls: listeners.tls,
            telemetry,
            secret_key_file: self.secret_key_file,
            previous_secret_key_files: self.previous_secret_key_files,
            issuer: self.issuer,
            confirm_link_base: self.confirm_link_base,
            outbox_ack_timeout: self.outbox_ack_timeout.max(1),
            delivery,
            shutdown_grace: std::time::Duration::from_secs(u64::from(self.shutdown_grace)),
            connections,
            purge,
            log_format: self.log_format,
            log: self.log,
            callers,
            relying_parties: Vec::new(),
        }
    }

    fn delivery(&self) -> DeliveryConfig {
        DeliveryConfig {
            email_transport: self.email_transport,
            sms_transport: self.sms_transport,
            smtp_host: self.smtp_host.clone(),
            smtp_port: self.smtp_port,
            smtp_security: self.smtp_security,
            smtp_username: self.smtp_username.clone(),
            smtp_password_file: self.smtp_password_file.clone(),
            smtp_from: self.smtp_from.clone(),
            twilio_account_sid: self.twilio_account_sid.clone(),
            twilio_auth_token_file: self.twilio_auth_token_file.clone(),
            twilio_from: self.twilio_from.clone(),
            twilio_base_url: self.twilio_base_url.clone(),
            webhook_url: self.webhook_url.clone(),
            webhook_secret_file: self.webhook_secret_file.clone(),
            message_log_file: self.message_log_file.clone(),
            templates_dir: self.templates_dir.clone(),
            delivery_timeout: self.delivery_timeout.max(1),
        }
    }

    fn connections(&self) -> ConnectionConfig {
        let seconds = |s: u32| std::time::Duration::from_secs(u64::from(s));
        ConnectionConfig {
            keepalive: (self.keepalive_interval > 0).then(|| Keepalive {
                interval: seconds(self.keepalive_interval),
                // A PING cannot be answered in no time at all.
                timeout: seconds(self.keepalive_timeout.max(1)),
            }),
            max_connections: (self.max_connections > 0)
                .then(|| usize::try_from(self.max_connections).unwrap_or(usize::MAX)),
            idle_timeout: (self.idle_timeout > 0).then(|| seconds(self.idle_timeout)),
        }
    }

    fn purge(&self) -> PurgeConfig {
        PurgeConfig {
            interval: (self.purge_interval > 0)
                .then(|| std::time::Duration::from_secs(u64::from(self.purge_interval))),
            retention: Retention {
                expired: chrono::TimeDelta::hours(i64::from(self.expired_retention)),
                audit: (self.audit_retention > 0)
                    .then(|| chrono::TimeDelta::days(i64::from(self.audit_retention))),
            },
        }
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
