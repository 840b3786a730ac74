//! `tollgate api-key create|list|revoke`: API keys, run against the
//! server's database and keys (not through a running server), so making
//! the first admin key needs no key already.
use std::process::ExitCode;
use std::sync::Arc;

use clap::{ArgMatches, Args, Subcommand};
use tollgate_domain::access::{self, ApiKeyStore, Grant};
use tollgate_domain::{Clock, SystemClock};

use crate::config::ServeArgs;
use crate::server::App;

#[derive(Debug, Subcommand)]
pub enum ApiKeyCommand {
    /// Make a key and print it once (only a keyed hash is stored).
    Create(CreateArgs),
    /// List keys: name, permissions, tenants, created, revoked.
    List(ServeArgs),
    /// Revoke a key by name: calls with it are refused from then on.
    Revoke(RevokeArgs),
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// The key's name, shown in the audit log as `key:NAME`.
    #[arg(long, value_name = "NAME")]
    name: String,
    /// A permission it holds: sign_in, outbox or admin (repeat for more).
    #[arg(long = "permission", value_name = "PERMISSION", required = true)]
    permissions: Vec<String>,
    /// A tenant it may act for, or `*` for all (repeat for more).
    #[arg(long = "tenant", value_name = "TENANT", required = true)]
    tenants: Vec<String>,
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(Debug, Args)]
pub struct RevokeArgs {
    /// The key's name.
    #[arg(long, value_name = "NAME")]
    name: String,
    #[command(flatten)]
    serve: ServeArgs,
}

use crate::cli::fail;

/// Runs one `api-key` command; `matches` are the innermost subcommand's.
pub fn main(command: ApiKeyCommand, matches: &ArgMatches) -> ExitCode {
    let serve = match &command {
        ApiKeyCommand::Create(args) => &args.serve,
        ApiKeyCommand::List(serve) => serve,
        ApiKeyCommand::Revoke(args) => &args.serve,
    };
    let config = match serve.clone().resolve(matches) {
        Ok(config) => config,
        Err(e) => return fail(e),
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail(e),
    };
    runtime.block_on(async {
        let app = match App::open(&config, Arc::new(SystemClock)).await {
            Ok(app) => app,
            Err(e) => return fail(e),
        };
        let code = run(&command, &app).await;
        app.store().close().await;
        code
    })
}

async fn run(command: &ApiKeyCommand, app: &App) -> ExitCode {
    let store = app.store();
    let now = SystemClock.now();
    match command {
        ApiKeyCommand::Create(args) => {
            let grant = match Grant::parse(&args.permissions, &args.tenants) {
                Ok(grant) => grant,
                Err(e) => return fail(e),
            };
            let made = match access::new_api_key(app.keyring(), &args.name, grant, now) {
                Ok(made) => made,
                Err(e) => return fail(e),
            };
            match store.insert_api_key(&made.record).await {
                Ok(()) => {
                    eprintln!(
                        "made API key {:?}; it is shown once, here: store it as a secret",
                        args.name
                    );
                    println!("{}", made.key.expose());
                    ExitCode::SUCCESS
                }
                Err(e) => fail(format!("{} ({})", e, e.reason())),
            }
        }
        ApiKeyCommand::List(_) => match store.list_api_keys().await {
            Ok(keys) => {
                for key in keys {
                    println!(
                        "{}\t{}\t{}\tcreated {}\t{}",
                        key.name,
                        key.grant.permission_names().join(","),
                        key.grant.tenants.to_strings().join(","),
                        key.created_at.to_rfc3339(),
                        key.revoked_at.map_or("live".to_owned(), |at| format!(
                            "revoked {}",
                            at.to_rfc3339()
                        ))
                    );
                }
                ExitCode::SUCCESS
            }
            Err(e) => fail(format!("{} ({})", e, e.reason())),
        },
        ApiKeyCommand::Revoke(args) => match store.revoke_api_key(&args.name, now).await {
            Ok(true) => {
                println!("revoked API key {:?}", args.name);
                ExitCode::SUCCESS
            }
            Ok(false) => fail(format!("no live API key is named {:?}", args.name)),
            Err(e) => fail(format!("{} ({})", e, e.reason())),
        },
    }
}
