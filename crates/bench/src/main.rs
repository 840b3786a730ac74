//! `tollgate-bench`: a load generator for tollgate. It starts a server
//! itself (or targets a running one), drives it with concurrent gRPC callers
//! over one or more HTTP/2 connections, and reports per scenario the
//! requests, errors, throughput (also as a ratio to the empty call measured
//! in the same run) and latency percentiles, plus the server's start-up time
//! and resident memory idle and under load. `--soak` runs a mixed load and
//! prints RSS samples, to show memory stays flat.
mod report;
mod scenario;
mod server;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use tokio::sync::Mutex;
use tonic::transport::{Channel, Endpoint};

use report::{CpuUse, PacedEmpty, Report, Row, mib};
use scenario::{PreparedCodes, RECOVERY_PER_USER, User, Work};
use server::{RssSampler, Spawned, cpu_ns};

/// The longest a scenario waits for the server to go quiet after the one
/// before it and its own preparation (see `server::settle`).
const SETTLE_LIMIT: Duration = Duration::from_secs(5);

/// The error type of everything the bench does.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Load generator for tollgate.
#[derive(Debug, Parser)]
#[command(name = "tollgate-bench", version)]
struct Args {
    /// The `tollgate` binary to start; default: `tollgate` beside this binary.
    #[arg(long, value_name = "PATH")]
    server_bin: Option<PathBuf>,
    /// Start the server on this Postgres (or other) database instead of a
    /// fresh SQLite file; a key file is generated with `generate-key`.
    #[arg(long, value_name = "URL")]
    database_url: Option<String>,
    /// Target a running server on this Unix socket instead of starting one;
    /// its RSS and CPU are read too when it runs as the same user (the
    /// process is found from the socket's peer credentials).
    #[arg(long, value_name = "PATH", conflicts_with_all = ["addr", "database_url", "server_bin"])]
    socket: Option<PathBuf>,
    /// Target a running server at this address (e.g. http://127.0.0.1:50051);
    /// its RSS and CPU are not read.
    #[arg(long, value_name = "URL", conflicts_with_all = ["database_url", "server_bin"])]
    addr: Option<String>,
    /// The tenant (empty: the server's default).
    #[arg(long, default_value = "")]
    tenant: String,
    /// Concurrent callers.
    #[arg(long, default_value_t = 16)]
    clients: usize,
    /// HTTP/2 connections the callers share.
    #[arg(long, default_value_t = 1)]
    connections: usize,
    /// Seconds each scenario runs (budgeted scenarios may stop earlier).
    #[arg(long, default_value_t = 10.0)]
    duration: f64,
    /// Stop each scenario after this many requests.
    #[arg(long)]
    requests: Option<usize>,
    /// Seconds of unrecorded load before each scenario.
    #[arg(long, default_value_t = 1.0)]
    warmup: f64,
    /// Scenarios to run, comma-separated: empty, begin-challenge,
    /// verify-totp, verify-wrong, recovery-redeem, enrol.
    #[arg(long, value_delimiter = ',', default_values_t = scenario::ALL.map(String::from))]
    scenario: Vec<String>,
    /// Users enrolled before the clock for the verification scenarios: the
    /// budget of verify-totp (one per user), verify-wrong (four per user)
    /// and recovery-redeem (eight per user). Each enrolment costs eight
    /// argon2id hashes on the server.
    #[arg(long, default_value_t = 256)]
    users: usize,
    /// How the users are made: `enrol` (BeginTotp + ConfirmTotp, eight
    /// argon2id hashes each) or `import` (ImportUser with a secret minted
    /// here and no recovery codes, unless recovery-redeem is among the
    /// scenarios: then eight each, hashed like enrolment's). `import` seeds
    /// 100,000 users in about a minute, enough for the verification
    /// scenarios to run 30 seconds and more.
    #[arg(long, default_value = "enrol", value_parser = ["enrol", "import"])]
    seed: String,
    /// After each scenario, run the empty call again at that scenario's
    /// rate (paced, same callers and duration) and report its server CPU
    /// per call beside the scenario's: the transport's cost per call
    /// depends on the call rate (at a lower rate fewer calls share each
    /// read, write and wake-up), so this compares like with like.
    #[arg(long)]
    paced_empty: bool,
    /// Print one JSON document instead of the table.
    #[arg(long)]
    json: bool,
    /// Instead of the scenarios: a mixed load for this many seconds,
    /// printing RSS and error counts every --soak-interval seconds.
    #[arg(long, value_name = "SECONDS")]
    soak: Option<f64>,
    /// Seconds between soak samples.
    #[arg(long, default_value_t = 10.0)]
    soak_interval: f64,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tollgate-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

fn default_server_bin() -> Result<PathBuf, BoxError> {
    let exe = std::env::current_exe()?;
    let dir = exe.parent().ok_or("the bench binary has no directory")?;
    Ok(dir.join("tollgate"))
}

async fn connect(args: &Args, socket: Option<&PathBuf>) -> Result<Channel, BoxError> {
    match (&args.addr, socket) {
        (Some(addr), _) => Ok(Endpoint::from_shared(addr.clone())?.connect().await?),
        (None, Some(socket)) => Ok(tollgate::client::unix_channel(socket, None).await?),
        (None, None) => Err("no socket or address".into()),
    }
}

async fn run(args: Args) -> Result<(), BoxError> {
    check_scenarios(&args.scenario)?;
    let target = Target::reach(&args).await?;
    let mut channels = Vec::new();
    for _ in 0..args.connections.max(1) {
        channels.push(connect(&args, target.socket.as_ref()).await?);
    }
    let sampler = target.pid.map(RssSampler::start);
    // Only a server this run started is known to be idle.
    let idle = match (&sampler, &target.spawned) {
        (Some(sampler), Some(_)) => {
            tokio::time::sleep(Duration::from_secs(1)).await;
            Some(sampler.sample())
        }
        _ => None,
    };
    let run_id = scenario::unix_now().to_string();
    // Users are enrolled on first need, after the empty baseline: enrolment
    // hashes recovery codes with argon2id, which leaves its mark on RSS.
    let mut users: Option<Arc<Vec<User>>> = None;
    if let Some(soak) = args.soak {
        let users = enrol_users(&args, &channels, &run_id, sampler.as_ref()).await?;
        return run_soak(&args, soak, &channels, users, sampler.as_ref(), idle).await;
    }

    let session = Session {
        args: &args,
        channels: &channels,
        run_id: &run_id,
        server_pid: target.pid,
        sampler: sampler.as_ref(),
    };
    let mut rows = Vec::new();
    let mut overall_peak = 0;
    for name in &args.scenario {
        let pool = session.users_for(name, &mut users).await?;
        let (row, peak) = session.measure(name, &pool).await?;
        overall_peak = overall_peak.max(peak);
        if !args.json {
            eprintln!(
                "{}: {} requests, {:.0} req/s",
                row.name, row.requests, row.throughput
            );
        }
        rows.push(row);
    }
    if let Some(s) = &sampler {
        s.stop();
    }
    let report = Report {
        target: target.description,
        clients: args.clients,
        connections: args.connections.max(1),
        startup_ms: target
            .spawned
            .as_ref()
            .map(|s| s.startup.as_secs_f64() * 1000.0),
        idle_rss_kib: idle,
        peak_rss_kib: sampler.as_ref().map(|_| overall_peak),
        rows,
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report.json())?);
    } else {
        print!("{}", report.text());
    }
    Ok(())
}

/// The CPU the server (`pid`) and the bench used since `before` (as read
/// then, in that order).
fn cpu_since(pid: Option<u32>, before: (Option<u64>, Option<u64>)) -> CpuUse {
    CpuUse {
        server_ns: pid
            .and_then(cpu_ns)
            .zip(before.0)
            .map(|(after, before)| after.saturating_sub(before)),
        bench_ns: cpu_ns(std::process::id())
            .zip(before.1)
            .map(|(after, before)| after.saturating_sub(before)),
    }
}

/// Refuses a scenario name the bench does not know, before anything starts.
fn check_scenarios(names: &[String]) -> Result<(), BoxError> {
    for name in names {
        if !scenario::ALL.contains(&name.as_str()) {
            return Err(format!(
                "unknown scenario {name}; known: {}",
                scenario::ALL.join(", ")
            )
            .into());
        }
    }
    Ok(())
}

/// The server the bench drives: one this run started, or one running.
struct Target {
    /// The server this run started (stopped when this is dropped).
    spawned: Option<Spawned>,
    socket: Option<PathBuf>,
    /// The server's process, when it can be known (its RSS and CPU).
    pid: Option<u32>,
    /// How the report names the target.
    description: String,
}

impl Target {
    /// Starts a server unless --socket or --addr names a running one.
    async fn reach(args: &Args) -> Result<Self, BoxError> {
        let spawned = if args.socket.is_none() && args.addr.is_none() {
            let bin = match &args.server_bin {
                Some(b) => b.clone(),
                None => default_server_bin()?,
            };
            Some(Spawned::start(&bin, args.database_url.as_deref()).await?)
        } else {
            None
        };
        let socket = spawned
            .as_ref()
            .map(|s| s.socket.clone())
            .or(args.socket.clone());
        let description = match (&spawned, &args.addr, &args.socket) {
            (Some(_), _, _) => format!(
                "spawned server on {}",
                if args.database_url.is_some() {
                    "Postgres"
                } else {
                    "SQLite"
                }
            ),
            (None, Some(addr), _) => addr.clone(),
            (None, None, Some(s)) => s.display().to_string(),
            _ => String::new(),
        };
        let pid = match (&spawned, &args.socket) {
            (Some(spawned), _) => Some(spawned.pid()),
            (None, Some(socket)) => server::listening_pid(socket).await,
            (None, None) => None,
        };
        let description = match (&spawned, pid) {
            (None, Some(pid)) => format!("{description} (server pid {pid})"),
            _ => description,
        };
        Ok(Self {
            spawned,
            socket,
            pid,
            description,
        })
    }
}

/// What every scenario of a run shares.
struct Session<'a> {
    args: &'a Args,
    channels: &'a [Channel],
    run_id: &'a str,
    server_pid: Option<u32>,
    sampler: Option<&'a RssSampler>,
}

impl Session<'_> {
    /// The users scenario `name` works with: enrolled the first time a
    /// scenario needs them, then the same ones; none for the others until then.
    async fn users_for(
        &self,
        name: &str,
        users: &mut Option<Arc<Vec<User>>>,
    ) -> Result<Arc<Vec<User>>, BoxError> {
        Ok(match (&*users, name) {
            (None, "begin-challenge" | "verify-totp" | "verify-wrong" | "recovery-redeem") => {
                let pool = enrol_users(self.args, self.channels, self.run_id, self.sampler).await?;
                *users = Some(pool.clone());
                pool
            }
            (Some(pool), _) => pool.clone(),
            (None, _) => Arc::new(Vec::new()),
        })
    }

    /// Runs scenario `name`: prepares its work, warms up, lets the server
    /// settle, then measures. Gives its row and the server's peak RSS.
    async fn measure(&self, name: &str, users: &Arc<Vec<User>>) -> Result<(Row, u64), BoxError> {
        let args = self.args;
        let (work, note) = self.prepare_work(name, users).await?;
        let work = Arc::new(work);
        if args.warmup > 0.0 {
            self.warm_up(&work).await?;
        }
        if let Some(pid) = self.server_pid {
            server::settle(pid, SETTLE_LIMIT).await;
        }
        if let Some(s) = self.sampler {
            s.take_peak();
        }
        let cpu_before = (self.server_pid.and_then(cpu_ns), cpu_ns(std::process::id()));
        let deadline = Instant::now() + Duration::from_secs_f64(args.duration);
        let measured = scenario::drive(
            work.clone(),
            self.channels,
            &args.tenant,
            args.clients,
            deadline,
            args.requests,
        )
        .await?;
        let cpu = cpu_since(self.server_pid, cpu_before);
        let peak = self.sampler.map_or(0, RssSampler::take_peak);
        let mut note = note;
        if measured.budget_spent {
            let spent = format!(
                "stopped after {:.2} s: the prepared budget was spent",
                measured.elapsed.as_secs_f64()
            );
            note = if note.is_empty() {
                spent
            } else {
                format!("{note}; {spent}")
            };
        }
        let mut row = Row::new(name, measured, peak, cpu, note);
        if args.paced_empty && name != "empty" && row.throughput > 0.0 {
            row.paced_empty = Some(self.paced_empty(row.elapsed_s, row.throughput).await?);
        }
        Ok((row, peak))
    }

    /// The empty call at `rate` calls a second for `seconds`: the rate it
    /// kept and the server's CPU.
    async fn paced_empty(&self, seconds: f64, rate: f64) -> Result<PacedEmpty, BoxError> {
        if let Some(pid) = self.server_pid {
            server::settle(pid, SETTLE_LIMIT).await;
        }
        let cpu_before = (self.server_pid.and_then(cpu_ns), cpu_ns(std::process::id()));
        let measured = scenario::drive_paced(
            Arc::new(Work::Empty),
            self.channels,
            &self.args.tenant,
            self.args.clients,
            Instant::now() + Duration::from_secs_f64(seconds),
            rate,
        )
        .await?;
        let cpu = cpu_since(self.server_pid, cpu_before);
        let row = Row::new("empty", measured, 0, cpu, String::new());
        Ok(PacedEmpty {
            throughput: row.throughput,
            server_us: row.server_us(),
        })
    }

    /// Unrecorded load for --warmup seconds: the empty call for budgeted
    /// scenarios (their prepared state is for the measured run), enrolments
    /// of other users for enrol, the work itself otherwise.
    async fn warm_up(&self, work: &Arc<Work>) -> Result<(), BoxError> {
        let args = self.args;
        let warm = if work.budget().is_some() {
            Arc::new(Work::Empty)
        } else if let Work::Enrol { .. } = **work {
            Arc::new(Work::Enrol {
                run: format!("{}-warm", self.run_id),
            })
        } else {
            work.clone()
        };
        let until = Instant::now() + Duration::from_secs_f64(args.warmup);
        scenario::drive(warm, self.channels, &args.tenant, args.clients, until, None).await?;
        Ok(())
    }
}

/// Enrols `--users` users (BeginTotp + ConfirmTotp each) before the clock.
async fn enrol_users(
    args: &Args,
    channels: &[Channel],
    run_id: &str,
    sampler: Option<&RssSampler>,
) -> Result<Arc<Vec<User>>, BoxError> {
    let started = Instant::now();
    let tenant = args.tenant.clone();
    let run = run_id.to_owned();
    let import = args.seed == "import";
    let codes = if args.scenario.iter().any(|s| s == "recovery-redeem") {
        scenario::RECOVERY_PER_USER
    } else {
        0
    };
    let users = scenario::prepare(channels, args.clients, args.users.max(1), move |ch, i| {
        let (tenant, user) = (tenant.clone(), format!("u-{run}-{i}"));
        async move {
            if import {
                scenario::import(ch, &tenant, &user, codes).await
            } else {
                scenario::enrol(ch, &tenant, &user).await
            }
        }
    })
    .await?;
    let rss = sampler.map(|s| format!(", server RSS now {}", mib(s.sample())));
    let elapsed = started.elapsed().as_secs_f64();
    eprintln!(
        "{} {} users in {:.1} s ({:.0} users/s){}",
        if import { "imported" } else { "enrolled" },
        users.len(),
        elapsed,
        users.len() as f64 / elapsed.max(1e-9),
        rss.unwrap_or_default()
    );
    Ok(Arc::new(users))
}

impl Session<'_> {
    /// Prepares a scenario's state before the clock; returns it with a note
    /// for the report.
    async fn prepare_work(
        &self,
        name: &str,
        users: &Arc<Vec<User>>,
    ) -> Result<(Work, String), BoxError> {
        let limit = self.args.requests.unwrap_or(usize::MAX);
        Ok(match name {
            "empty" => (Work::Empty, "grpc.health.v1 Check: the baseline".to_owned()),
            "begin-challenge" => (
                Work::BeginChallenge {
                    users: users.clone(),
                },
                String::new(),
            ),
            "verify-totp" => self.prepare_verify_totp(users, limit).await?,
            "verify-wrong" => self.prepare_verify_wrong(users).await?,
            "recovery-redeem" => self.prepare_recovery_redeem(users, limit).await?,
            "enrol" => (
                Work::Enrol {
                    run: self.run_id.to_owned(),
                },
                "BeginTotp + ConfirmTotp per request (confirm hashes 8 recovery codes)".to_owned(),
            ),
            other => return Err(format!("unknown scenario {other}").into()),
        })
    }

    /// Challenges for the users at `indices`, begun before the clock.
    async fn challenges(
        &self,
        users: &Arc<Vec<User>>,
        indices: Vec<usize>,
    ) -> Result<Vec<String>, BoxError> {
        let users = users.clone();
        let tenant = self.args.tenant.clone();
        let indices = Arc::new(indices);
        let count = indices.len();
        scenario::prepare(self.channels, self.args.clients, count, move |ch, i| {
            let (users, tenant, indices) = (users.clone(), tenant.clone(), indices.clone());
            async move { scenario::begin(ch, &tenant, &users[indices[i]].id).await }
        })
        .await
    }

    async fn prepare_verify_totp(
        &self,
        users: &Arc<Vec<User>>,
        limit: usize,
    ) -> Result<(Work, String), BoxError> {
        let n = (users.len() * scenario::TOTP_STEPS_PER_USER).min(limit);
        let ids = self
            .challenges(users, (0..n).map(|i| i % users.len()).collect())
            .await?;
        Ok((
            Work::VerifyTotp {
                users: users.clone(),
                challenges: ids,
                codes: PreparedCodes::new(users),
            },
            format!(
                "VerifyChallenge only (challenges begun before the clock); budget {n}: two steps per user"
            ),
        ))
    }

    async fn prepare_verify_wrong(
        &self,
        users: &Arc<Vec<User>>,
    ) -> Result<(Work, String), BoxError> {
        let ids = self.challenges(users, (0..users.len()).collect()).await?;
        Ok((
            Work::VerifyWrong {
                users: users.clone(),
                challenges: ids,
                codes: PreparedCodes::new(users),
            },
            format!(
                "CODE_MISMATCH counts as success; budget {}: four failures per user, the fifth would lock",
                users.len() * scenario::WRONG_PER_USER
            ),
        ))
    }

    async fn prepare_recovery_redeem(
        &self,
        users: &Arc<Vec<User>>,
        limit: usize,
    ) -> Result<(Work, String), BoxError> {
        let args = self.args;
        let mut items = Vec::new();
        'fill: for c in 0..RECOVERY_PER_USER {
            for u in 0..users.len() {
                if items.len() >= limit {
                    break 'fill;
                }
                items.push((u, c));
            }
        }
        // Begin only as many challenges as the run can plausibly use: an
        // argon2id verification takes tens of milliseconds.
        let plausible = (args.duration * 200.0) as usize + args.clients;
        items.truncate(plausible.max(args.clients));
        let ids = self
            .challenges(users, items.iter().map(|(u, _)| *u).collect())
            .await?;
        let n = items.len();
        Ok((
            Work::RecoveryRedeem {
                items: items
                    .into_iter()
                    .zip(ids)
                    .map(|((u, c), id)| (u, c, id))
                    .collect(),
                users: users.clone(),
            },
            format!("VerifyChallenge with recovery codes; budget {n}"),
        ))
    }
}

async fn run_soak(
    args: &Args,
    soak: f64,
    channels: &[Channel],
    users: Arc<Vec<User>>,
    sampler: Option<&RssSampler>,
    idle: Option<u64>,
) -> Result<(), BoxError> {
    let queue = (0..users.len()).map(|u| (u, 0)).collect();
    let work = Arc::new(Work::Mixed {
        users,
        queue: Mutex::new(queue),
    });
    if let Some(kib) = idle {
        println!("server RSS idle: {}", mib(kib));
    }
    println!(
        "{:>7}  {:>9}  {:>7}  {:>7}  {:>10}  {:>10}",
        "t s", "requests", "req/s", "errors", "RSS now", "RSS peak"
    );
    let started = Instant::now();
    let end = started + Duration::from_secs_f64(soak);
    let mut totals: std::collections::BTreeMap<String, u64> = Default::default();
    let mut requests = 0u64;
    while Instant::now() < end {
        let until = (Instant::now() + Duration::from_secs_f64(args.soak_interval)).min(end);
        let m = scenario::drive(
            work.clone(),
            channels,
            &args.tenant,
            args.clients,
            until,
            None,
        )
        .await?;
        let n = m.latencies_ns.len() as u64;
        requests += n;
        let errors: u64 = m.errors.values().sum();
        for (k, v) in m.errors {
            *totals.entry(k).or_default() += v;
        }
        let (now, peak) = sampler.map_or((0, 0), |s| (s.latest(), s.take_peak()));
        println!(
            "{:>7.0}  {:>9}  {:>7.0}  {:>7}  {:>10}  {:>10}",
            started.elapsed().as_secs_f64(),
            n,
            n as f64 / m.elapsed.as_secs_f64().max(1e-9),
            errors,
            mib(now),
            mib(peak)
        );
    }
    println!(
        "soak: {requests} requests in {soak:.0} s (mixed: health check, BeginChallenge, sign-in = BeginChallenge + wrong code + right code)"
    );
    if totals.is_empty() {
        println!("errors: none");
    }
    for (k, v) in totals {
        println!("errors: {k} x{v}");
    }
    if let Some(s) = sampler {
        s.stop();
    }
    Ok(())
}
