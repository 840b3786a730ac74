//! The command line: `serve`, `migrate`, `config`, `generate-key`,
//! `reseal` and `api-key` run the server side; the client commands (`health`, `status`, `totp`, ...) live
//! in [`crate::client`].
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{ArgMatches, CommandFactory, FromArgMatches, Parser, Subcommand};
use tollgate_domain::SystemClock;

use crate::config::{ServeArgs, ServerConfig};
use crate::server::{self, App, Listeners, StartError};
use crate::telemetry::{self, Telemetry, TelemetryError};

/// Why `serve` or `migrate` stopped with an error.
#[derive(Debug, thiserror::Error)]
enum CommandError {
    #[error(transparent)]
    Start(#[from] StartError),
    #[error(transparent)]
    Telemetry(#[from] TelemetryError),
    #[error(transparent)]
    Storage(#[from] tollgate_storage::StorageError),
}

/// What `--version` prints after the name: the package version and the
/// commit the binary was built from (build.rs; `unknown` when it could not
/// tell).
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("TOLLGATE_COMMIT"),
    ")"
);

/// tollgate: two-factor authentication (TOTP, email and SMS codes, recovery
/// codes, policy) for your application, over gRPC.
#[derive(Debug, Parser)]
#[command(
    name = "tollgate",
    version = VERSION,
    propagate_version = true,
    after_help = crate::client::EXIT_CODES_HELP
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the gRPC server (applies pending migrations first).
    Serve(ServeArgs),
    /// Apply database migrations and exit.
    Migrate(ServeArgs),
    /// Print the effective configuration (flags over environment over file
    /// over defaults) and exit.
    Config(ServeArgs),
    /// Write a new random secret key file (mode 0600) for --secret-key-file.
    GenerateKey {
        /// Where to write it; an existing file is never overwritten.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// After a key rotation: seal every stored authenticator seed again with
    /// the current --secret-key-file (opening it with the key that sealed
    /// it, from --previous-secret-key-files), so the previous key can be
    /// retired. Servers on the same database may keep serving meanwhile.
    Reseal(ServeArgs),
    /// API keys for callers that have neither the Unix socket nor a client
    /// certificate: create (printed once), list, revoke.
    #[command(subcommand)]
    ApiKey(crate::api_key_command::ApiKeyCommand),
    #[command(flatten)]
    Client(crate::client::ClientCommand),
}

/// How long the exit waits for the last spans and metrics to be exported.
const FLUSH_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// Exit code when start-up fails (bad configuration, storage, keys).
const EXIT_START_FAILED: u8 = 1;

fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
}

/// Prints `message` as the command's error and gives the start-up failure
/// exit code (the server-side commands share it).
pub(crate) fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("tollgate: {message}");
    ExitCode::from(EXIT_START_FAILED)
}

pub fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let sub_matches = matches
        .subcommand()
        .map(|(_, m)| m.clone())
        .unwrap_or_default();
    match cli.command {
        Command::Client(command) => crate::client::main(command),
        Command::ApiKey(command) => {
            let inner = sub_matches
                .subcommand()
                .map(|(_, m)| m.clone())
                .unwrap_or_default();
            crate::api_key_command::main(command, &inner)
        }
        Command::GenerateKey { out } => generate_key(&out),
        Command::Config(args) => show_config(args, &sub_matches),
        Command::Reseal(args) => reseal_command(args, &sub_matches),
        Command::Serve(args) | Command::Migrate(args) => {
            let serve = matches.subcommand_name() == Some("serve");
            serve_or_migrate(args, &sub_matches, serve)
        }
    }
}

/// `tollgate generate-key`: writes a new key file and says where.
fn generate_key(out: &Path) -> ExitCode {
    match crate::keys::create_key_file(out) {
        Ok(key) => {
            println!(
                "wrote a new secret key (id {}) to {}",
                key.id(),
                out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

/// `tollgate config`: shows what `serve` would run with, so it checks the same.
fn show_config(args: ServeArgs, matches: &ArgMatches) -> ExitCode {
    match args
        .resolve(matches)
        .and_then(|config| config.require_listener().map(|()| config))
    {
        Ok(config) => {
            print!("{}", config.describe());
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

/// `tollgate reseal`: resolves the configuration and runs [`reseal`].
fn reseal_command(args: ServeArgs, matches: &ArgMatches) -> ExitCode {
    let config = match args.resolve(matches) {
        Ok(config) => config,
        Err(e) => return fail(e),
    };
    let runtime = match runtime() {
        Ok(rt) => rt,
        Err(e) => return fail(e),
    };
    runtime.block_on(reseal(&config))
}

/// `tollgate serve` (when `serve`) or `tollgate migrate`, with telemetry set
/// up for either.
fn serve_or_migrate(args: ServeArgs, matches: &ArgMatches, serve: bool) -> ExitCode {
    let config = match args.resolve(matches) {
        Ok(config) => config,
        Err(e) => return fail(e),
    };
    if serve && let Err(e) = config.require_listener() {
        return fail(e);
    }
    let runtime = match runtime() {
        Ok(rt) => rt,
        Err(e) => return fail(e),
    };
    let outcome = runtime.block_on(async move {
        let telemetry = telemetry::init(&config)?;
        if serve {
            serve_until_signal(&config, telemetry).await
        } else {
            migrate(&config).await
        }
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(e),
    }
}

/// Serves until SIGTERM or Ctrl-C, then gives telemetry a bounded time to
/// send what it holds.
async fn serve_until_signal(
    config: &ServerConfig,
    telemetry: Telemetry,
) -> Result<(), CommandError> {
    let served = async {
        // Listening for SIGTERM starts before the socket exists, so no
        // signal finds the process without it.
        let shutdown = server::shutdown_signal()?;
        let app = App::open(config, Arc::new(SystemClock))
            .await?
            .with_metrics_registry(telemetry.registry());
        let listeners = Listeners::bind(config).await?;
        server::run(app, listeners, shutdown).await
    }
    .await;
    // Flushing blocks on the exporters' own threads; an unreachable
    // collector must not hold up the exit.
    let flush = tokio::task::spawn_blocking(move || telemetry.shut_down());
    if tokio::time::timeout(FLUSH_TIMEOUT, flush).await.is_err() {
        eprintln!("tollgate: the telemetry collector did not take the last spans in time");
    }
    served.map_err(CommandError::from)
}

/// `tollgate migrate`: applies the pending migrations.
async fn migrate(config: &ServerConfig) -> Result<(), CommandError> {
    let db = tollgate_storage::connect(&config.database_url).await?;
    tollgate_storage::migrate(&db).await?;
    tracing::info!("migrations applied");
    Ok(())
}

/// `tollgate reseal`: re-seals the seeds and says what is left on older keys.
async fn reseal(config: &ServerConfig) -> ExitCode {
    let app = match App::open(config, Arc::new(SystemClock)).await {
        Ok(app) => app,
        Err(e) => return fail(e),
    };
    let outcome = app.core().reseal_seeds().await;
    app.store().close().await;
    let done = match outcome {
        Ok(done) => done,
        Err(e) => return fail(format!("re-sealing stopped: {} ({e})", e.reason())),
    };
    println!(
        "re-sealed {} TOTP seeds with the current key; {} changed while this ran (written by a server since)",
        done.seeds, done.changed_meanwhile
    );
    if done.recovery_users_on_older_keys > 0 {
        println!(
            "users with unspent recovery codes tagged by an older key: {} (their codes work without that key, each checked by its hash, which costs more per try; keep the key as a previous key until they regenerate, if you can)",
            done.recovery_users_on_older_keys
        );
    }
    if done.unreadable > 0 {
        return fail(format!(
            "seeds sealed by a key that is not configured: {} (left as they are; add that key with --previous-secret-key-files and run again)",
            done.unreadable
        ));
    }
    ExitCode::SUCCESS
}
