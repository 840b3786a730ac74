//! The command-line client: `tollgate health`, `status`, `totp`, `challenge`,
//! `policy`, `user`, `audit` and `import` call a running server over its Unix socket
//! (or TCP/TLS with `--addr`). This module holds what every command shares:
//! the connection options, the exit codes scripts rely on, and the two output
//! forms (aligned text for people, one JSON document for scripts).
mod admin;
mod challenge;
mod erasure;
mod health;
mod import;
mod policy;
mod totp;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat};
use clap::{Args, Subcommand};
use serde_json::{Value, json};
use tonic::service::interceptor::InterceptedService;
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint, Uri};
use tonic::{Code, Status};
use tonic_types::StatusExt;

use crate::pb;

/// Exit codes of the client commands, for `--help` and the README.
pub const EXIT_CODES_HELP: &str = "\
Exit codes of the client commands (health, status, totp, challenge, policy, user, audit, import):
  0  success
  1  local error (unreadable file, bad JSON)
  2  usage error (bad or missing options)
  3  could not reach the server (connect failure, no answer within --timeout,
     UNAVAILABLE, DEADLINE_EXCEEDED); import: progress saved
  4  the server refused the request (printed: gRPC code, ErrorInfo reason, message);
     import: some rows were rejected (the run completed; see the rejects file)
  5  health: the service is NOT_SERVING or unknown
  130 import: interrupted with Ctrl-C (progress saved)";

const EXIT_LOCAL: u8 = 1;
const EXIT_UNREACHABLE: u8 = 3;
const EXIT_REFUSED: u8 = 4;
const EXIT_NOT_SERVING: u8 = 5;

/// How to reach the server and how to print; on every client command.
#[derive(Debug, Clone, Args)]
pub struct Conn {
    /// The server's Unix socket.
    #[arg(
        long,
        env = "TOLLGATE_SOCKET",
        default_value = "./tollgate.sock",
        value_name = "PATH"
    )]
    pub socket: PathBuf,

    /// The server's address instead of the socket, e.g.
    /// `http://127.0.0.1:50051`, or `https://...` with --ca-file.
    #[arg(long, env = "TOLLGATE_ADDR", value_name = "URL")]
    pub addr: Option<String>,

    /// PEM file of the CA that signed the server's certificate (https only).
    #[arg(long, env = "TOLLGATE_CA_FILE", value_name = "FILE")]
    pub ca_file: Option<PathBuf>,

    /// The tenant.
    #[arg(
        long,
        env = "TOLLGATE_TENANT",
        default_value = "default",
        value_name = "TENANT"
    )]
    pub tenant: String,

    /// File holding an API key (from `tollgate api-key create`), sent as
    /// `authorization: Bearer KEY`; for callers the socket or a client
    /// certificate does not identify. TOLLGATE_API_KEY holds the key itself.
    #[arg(long, env = "TOLLGATE_API_KEY_FILE", value_name = "FILE")]
    pub api_key_file: Option<PathBuf>,

    /// Print one JSON document on stdout (errors too, as {"error": {...}}).
    #[arg(long)]
    pub json: bool,

    /// Give up after this many seconds (connecting and calling).
    #[arg(
        long,
        env = "TOLLGATE_TIMEOUT",
        default_value_t = 10.0,
        value_name = "SECONDS"
    )]
    pub timeout: f64,
}

/// The user a command is about, and what the policy's verdict on them
/// depends on.
#[derive(Debug, Clone, Args)]
pub struct Subject {
    /// The user id.
    #[arg(long, value_name = "USER")]
    pub user: String,
    /// The user's roles, comma-separated (enforcement may cover admins only).
    #[arg(long, value_delimiter = ',', value_name = "ROLE,...")]
    pub roles: Vec<String>,
    /// Whose policy applies, e.g. `staff`; default: the tenant's.
    #[arg(long, value_name = "AUDIENCE")]
    pub audience: Option<String>,
}

/// The client commands, flattened into the top-level command list.
#[derive(Debug, Subcommand)]
pub enum ClientCommand {
    /// Check the server's health (exit 0 when SERVING; for exec probes).
    Health(health::HealthArgs),
    /// Show a user's 2FA state: methods, TOTP, recovery codes, policy verdict.
    Status(admin::StatusArgs),
    /// Set up an authenticator app for a user.
    #[command(subcommand)]
    Totp(totp::TotpCommand),
    /// Sign-in challenges: begin one, verify an answer.
    #[command(subcommand)]
    Challenge(challenge::ChallengeCommand),
    /// Read or change the tenant's 2FA policy.
    #[command(subcommand)]
    Policy(policy::PolicyCommand),
    /// Administer users.
    #[command(subcommand)]
    User(admin::UserCommand),
    /// List audit events.
    Audit(admin::AuditArgs),
    /// Move users in from another system: import their existing
    /// authenticator-app secrets, recovery codes and contacts from a CSV or
    /// JSON Lines file (try --dry-run first; see docs/migrating.md).
    Import(import::ImportArgs),
}

impl ClientCommand {
    fn conn(&self) -> &Conn {
        match self {
            Self::Health(a) => &a.conn,
            Self::Status(a) => &a.conn,
            Self::Totp(c) => c.conn(),
            Self::Challenge(c) => c.conn(),
            Self::Policy(c) => c.conn(),
            Self::User(c) => c.conn(),
            Self::Audit(a) => &a.conn,
            Self::Import(a) => &a.conn,
        }
    }

    /// How long the whole command may take: --timeout, except for `import`,
    /// whose every call has --timeout instead.
    fn deadline(&self) -> Option<Duration> {
        match self {
            Self::Import(_) => None,
            other => Some(timeout(other.conn())),
        }
    }

    async fn run(&self, channel: Transport) -> Result<Report, ClientError> {
        match self {
            Self::Health(args) => health::run(args, channel).await,
            Self::Status(args) => admin::status(args, channel).await,
            Self::Totp(command) => totp::run(command, channel).await,
            Self::Challenge(command) => challenge::run(command, channel).await,
            Self::Policy(command) => policy::run(command, channel).await,
            Self::User(command) => admin::user(command, channel).await,
            Self::Audit(args) => admin::audit(args, channel).await,
            Self::Import(args) => import::run(args, channel).await,
        }
    }
}

/// Why a client command failed; each kind has its exit code.
#[derive(Debug)]
pub enum ClientError {
    /// Something on this side: a file, its JSON, a bad value.
    Local(String),
    /// The server could not be reached.
    Unreachable(String),
    /// The server did not answer within `--timeout`.
    TimedOut(String),
    /// The server answered with an error status: it refused the request
    /// or, for `UNAVAILABLE` and `DEADLINE_EXCEEDED`, could not serve it.
    Status(Status),
    /// Health: the service is not serving, or unknown; `status` is the
    /// health status name, e.g. `NOT_SERVING` or `SERVICE_UNKNOWN`.
    NotServing { status: String, message: String },
}

impl From<Status> for ClientError {
    fn from(status: Status) -> Self {
        Self::Status(status)
    }
}

/// What a command prints on success: a JSON document and the text form.
pub struct Report {
    json: Value,
    text: String,
    /// The exit code: 0 unless the command says (e.g. an import with
    /// rejected rows).
    exit: u8,
}

impl Report {
    fn new(json: Value, text: impl Into<String>) -> Self {
        Self {
            json,
            text: text.into(),
            exit: 0,
        }
    }

    fn exit(self, exit: u8) -> Self {
        Self { exit, ..self }
    }
}

/// Runs one client command to completion and returns its exit code.
pub fn main(command: ClientCommand) -> ExitCode {
    let conn = command.conn().clone();
    // Asked before connecting, so the answer is not bound by --timeout.
    if let ClientCommand::User(admin::UserCommand::Erase(args)) = &command
        && let Err(refused) = erasure::confirm_erasure(args)
    {
        return report_error(&refused, conn.json);
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build();
    let outcome = match runtime {
        Ok(runtime) => runtime.block_on(async {
            let work = async {
                let key = ApiKeyHeader::from_conn(&conn)?;
                let channel = connect(&conn).await?;
                command.run(InterceptedService::new(channel, key)).await
            };
            let Some(deadline) = command.deadline() else {
                return work.await;
            };
            match tokio::time::timeout(deadline, work).await {
                Ok(outcome) => outcome,
                Err(_) => Err(ClientError::TimedOut(format!(
                    "no answer within {} s",
                    conn.timeout
                ))),
            }
        }),
        Err(e) => Err(ClientError::Local(e.to_string())),
    };
    match outcome {
        Ok(report) => {
            if conn.json {
                println!("{}", report.json);
            } else if !report.text.is_empty() {
                println!("{}", report.text.trim_end());
            }
            ExitCode::from(report.exit)
        }
        Err(error) => report_error(&error, conn.json),
    }
}

/// The channel every client command calls through: it adds the API key,
/// when one is given.
pub type Transport = InterceptedService<Channel, ApiKeyHeader>;

/// Adds `authorization: Bearer KEY` to each call when a key is given.
#[derive(Clone)]
pub struct ApiKeyHeader(Option<tonic::metadata::AsciiMetadataValue>);

impl ApiKeyHeader {
    /// From --api-key-file, else TOLLGATE_API_KEY, else none.
    fn from_conn(conn: &Conn) -> Result<Self, ClientError> {
        let key = match &conn.api_key_file {
            Some(path) => std::fs::read_to_string(path)
                .map_err(|e| ClientError::Local(format!("{}: {e}", path.display())))?,
            None => match std::env::var("TOLLGATE_API_KEY") {
                Ok(key) => key,
                Err(_) => return Ok(Self(None)),
            },
        };
        let mut value: tonic::metadata::AsciiMetadataValue = format!("Bearer {}", key.trim())
            .parse()
            .map_err(|_| ClientError::Local("the API key is not printable ASCII".to_owned()))?;
        value.set_sensitive(true);
        Ok(Self(Some(value)))
    }
}

impl tonic::service::Interceptor for ApiKeyHeader {
    fn call(&mut self, mut request: tonic::Request<()>) -> Result<tonic::Request<()>, Status> {
        if let Some(value) = &self.0 {
            request
                .metadata_mut()
                .insert("authorization", value.clone());
        }
        Ok(request)
    }
}

fn timeout(conn: &Conn) -> Duration {
    Duration::try_from_secs_f64(conn.timeout).unwrap_or(Duration::from_secs(10))
}

async fn connect(conn: &Conn) -> Result<Channel, ClientError> {
    let timeout = timeout(conn);
    let Some(addr) = &conn.addr else {
        return unix_channel(&conn.socket, Some(timeout))
            .await
            .map_err(|e| {
                ClientError::Unreachable(format!("{}: {}", conn.socket.display(), chain(&e)))
            });
    };
    let mut endpoint = Endpoint::from_shared(addr.clone())
        .map_err(|e| ClientError::Local(format!("--addr {addr}: {e}")))?
        .connect_timeout(timeout);
    if addr.starts_with("https://") {
        let Some(ca_file) = &conn.ca_file else {
            return Err(ClientError::Local(
                "an https:// address needs --ca-file (the CA that signed the server's certificate)"
                    .to_owned(),
            ));
        };
        let pem = std::fs::read(ca_file)
            .map_err(|e| ClientError::Local(format!("{}: {e}", ca_file.display())))?;
        endpoint = endpoint
            .tls_config(ClientTlsConfig::new().ca_certificate(Certificate::from_pem(pem)))
            .map_err(|e| ClientError::Local(format!("TLS: {e}")))?;
    }
    endpoint
        .connect()
        .await
        .map_err(|e| ClientError::Unreachable(format!("{addr}: {}", chain(&e))))
}

/// A channel to a server's Unix socket. The `:authority` it sends is
/// `localhost`: tonic's HTTP/2 layer rejects a socket path there.
/// With `timeout`, connecting gives up after it.
pub async fn unix_channel(
    path: &Path,
    timeout: Option<Duration>,
) -> Result<Channel, tonic::transport::Error> {
    let path = path.to_owned();
    let mut endpoint = Endpoint::from_static("http://localhost");
    if let Some(timeout) = timeout {
        endpoint = endpoint.connect_timeout(timeout);
    }
    endpoint
        .connect_with_connector(tower::service_fn(move |_: Uri| {
            let path = path.clone();
            async move {
                let stream = tokio::net::UnixStream::connect(path).await?;
                Ok::<_, std::io::Error>(hyper_util::rt::TokioIo::new(stream))
            }
        }))
        .await
}

/// An error with its sources, e.g. `transport error: No such file or directory`.
fn chain(error: &dyn std::error::Error) -> String {
    let mut parts = vec![error.to_string()];
    let mut source = error.source();
    while let Some(inner) = source {
        let text = inner.to_string();
        // Layers often repeat their inner error's words; say them once.
        if parts.last() != Some(&text) {
            parts.push(text);
        }
        source = inner.source();
    }
    parts.join(": ")
}

fn report_error(error: &ClientError, json: bool) -> ExitCode {
    let (exit, code, reason, message, metadata) = match error {
        ClientError::Local(message) => (EXIT_LOCAL, "LOCAL", String::new(), message.clone(), None),
        ClientError::Unreachable(message) => (
            EXIT_UNREACHABLE,
            "UNAVAILABLE",
            String::new(),
            message.clone(),
            None,
        ),
        ClientError::TimedOut(message) => (
            EXIT_UNREACHABLE,
            "DEADLINE_EXCEEDED",
            String::new(),
            message.clone(),
            None,
        ),
        ClientError::NotServing { status, message } => (
            EXIT_NOT_SERVING,
            status.as_str(),
            String::new(),
            message.clone(),
            None,
        ),
        ClientError::Status(status) => {
            let info = status.get_error_details().error_info().cloned();
            let (reason, metadata) = info
                .map(|i| (i.reason, i.metadata.into_iter().collect::<BTreeMap<_, _>>()))
                .unwrap_or_default();
            let exit = match status.code() {
                Code::Unavailable | Code::DeadlineExceeded => EXIT_UNREACHABLE,
                _ => EXIT_REFUSED,
            };
            (
                exit,
                code_name(status.code()),
                reason,
                status.message().to_owned(),
                Some(metadata),
            )
        }
    };
    if json {
        let mut body = json!({ "code": code, "reason": reason, "message": message });
        if let Some(metadata) = metadata.filter(|m| !m.is_empty()) {
            body["metadata"] = json!(metadata);
        }
        println!("{}", json!({ "error": body }));
    } else {
        let mut line = format!("tollgate: {code}");
        if !reason.is_empty() {
            line.push_str(&format!(" ({reason})"));
        }
        line.push_str(&format!(": {message}"));
        for (key, value) in metadata.unwrap_or_default() {
            line.push_str(&format!("\n  {}: {value}", key.replace('_', " ")));
        }
        eprintln!("{line}");
    }
    ExitCode::from(exit)
}

/// The canonical name of a gRPC status code, e.g. `INVALID_ARGUMENT`.
fn code_name(code: Code) -> &'static str {
    match code {
        Code::Ok => "OK",
        Code::Cancelled => "CANCELLED",
        Code::Unknown => "UNKNOWN",
        Code::InvalidArgument => "INVALID_ARGUMENT",
        Code::DeadlineExceeded => "DEADLINE_EXCEEDED",
        Code::NotFound => "NOT_FOUND",
        Code::AlreadyExists => "ALREADY_EXISTS",
        Code::PermissionDenied => "PERMISSION_DENIED",
        Code::ResourceExhausted => "RESOURCE_EXHAUSTED",
        Code::FailedPrecondition => "FAILED_PRECONDITION",
        Code::Aborted => "ABORTED",
        Code::OutOfRange => "OUT_OF_RANGE",
        Code::Unimplemented => "UNIMPLEMENTED",
        Code::Internal => "INTERNAL",
        Code::Unavailable => "UNAVAILABLE",
        Code::DataLoss => "DATA_LOSS",
        Code::Unauthenticated => "UNAUTHENTICATED",
    }
}

/// A proto enum value's short lowercase name: `METHOD_RECOVERY_CODE` with
/// prefix `METHOD_` is `recovery_code`. Every enum in the output uses it.
fn short(proto_name: &str, prefix: &str) -> String {
    proto_name
        .strip_prefix(prefix)
        .unwrap_or(proto_name)
        .to_ascii_lowercase()
}

/// The inverse of [`short`]: `recovery_code` to `METHOD_RECOVERY_CODE`.
fn proto_name(short: &str, prefix: &str) -> String {
    format!("{prefix}{}", short.to_ascii_uppercase())
}

fn method_name(value: i32) -> String {
    pb::Method::try_from(value)
        .map_or_else(|_| value.to_string(), |m| short(m.as_str_name(), "METHOD_"))
}

fn method_names(values: &[i32]) -> Vec<String> {
    values.iter().map(|v| method_name(*v)).collect()
}

/// An instant in RFC 3339 (UTC, whole seconds); `None` when unset.
fn rfc3339(at: Option<&prost_types::Timestamp>) -> Option<String> {
    let at = at?;
    DateTime::from_timestamp(at.seconds, u32::try_from(at.nanos).unwrap_or(0))
        .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
}

/// Rows of `label  value`, labels padded to one column.
fn table(rows: &[(&str, String)]) -> String {
    let width = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    rows.iter()
        .map(|(k, v)| format!("{k:<width$}  {v}\n"))
        .collect()
}

/// A list for the text form: `a, b` or `-` when empty.
fn list(items: &[String]) -> String {
    if items.is_empty() {
        "-".to_owned()
    } else {
        items.join(", ")
    }
}

/// Who the audit log names as the actor: `--actor`, else `cli:$USER`.
fn actor(explicit: &Option<String>) -> String {
    explicit.clone().unwrap_or_else(|| {
        let user = std::env::var("USER").unwrap_or_else(|_| "unknown".to_owned());
        format!("cli:{user}")
    })
}
