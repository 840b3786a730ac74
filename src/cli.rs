//! The command line: `serve`, `migrate`, `config` and `generate-key` run the
//! server side; the client commands (`health`, `status`, `totp`, ...) live
//! in [`crate::client`].
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use tollgate_domain::SystemClock;

use crate::config::{LogFormat, ServeArgs, ServerConfig};
use crate::server::{self, App, Listeners};

/// tollgate: two-factor authentication (TOTP, email and SMS codes, recovery
/// codes, policy) for your application, over gRPC.
#[derive(Debug, Parser)]
#[command(
    name = "tollgate",
    version,
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
    #[command(flatten)]
    Client(crate::client::ClientCommand),
}

/// Exit code when start-up fails (bad configuration, storage, keys).
const EXIT_START_FAILED: u8 = 1;

fn init_logging(config: &ServerConfig) {
    let filter = tracing_subscriber::EnvFilter::try_new(&config.log)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match config.log_format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
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
        Command::GenerateKey { out } => match crate::keys::create_key_file(&out) {
            Ok(key) => {
                println!(
                    "wrote a new secret key (id {}) to {}",
                    key.id(),
                    out.display()
                );
                ExitCode::SUCCESS
            }
            Err(e) => fail(e),
        },
        Command::Config(args) => match args.resolve(&sub_matches) {
            Ok(config) => {
                print!("{}", config.describe());
                ExitCode::SUCCESS
            }
            Err(e) => fail(e),
        },
        Command::Serve(args) | Command::Migrate(args) => {
            let serve = matches.subcommand_name() == Some("serve");
            let config = match args.resolve(&sub_matches) {
                Ok(config) => config,
                Err(e) => return fail(e),
            };
            init_logging(&config);
            let runtime = match runtime() {
                Ok(rt) => rt,
                Err(e) => return fail(e),
            };
            let outcome = runtime.block_on(async move {
                if serve {
                    let app = App::open(&config, Arc::new(SystemClock)).await?;
                    let listeners = Listeners::bind(&config).await?;
                    server::run(app, listeners, server::shutdown_signal()).await
                } else {
                    let db = tollgate_storage::connect(&config.database_url).await?;
                    tollgate_storage::migrate(&db).await?;
                    tracing::info!("migrations applied");
                    Ok(())
                }
            });
            match outcome {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(e),
            }
        }
    }
}
