//! `tollgate import FILE`: moves users in from another system by calling
//! ImportUser once per row of a CSV or JSON Lines file, several calls in
//! flight on one channel. Rejected rows do not stop the run (they go to a
//! rejects file); progress is saved so an interrupted run resumes where it
//! stopped; a summary says what happened. The rows are read in `rows`, the
//! files written beside the input in `files`.
mod files;
mod rows;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::Args;
use serde_json::{Value, json};
use tokio::signal::unix::{SignalKind, signal};
use tokio::task::JoinSet;
use tonic::Code;
use tonic_types::StatusExt;

use super::Transport as Channel;
use super::{ClientError, Conn, Report, code_name};
use crate::pb;
use crate::pb::enrollment_service_client::EnrollmentServiceClient;
use files::{Lines, Progress, State, beside, per_second};
use rows::{Format, MALFORMED_ROW, Parsed, Rows};

/// Exit code of an import stopped by SIGINT (128 + 2, as shells report it).
const EXIT_INTERRUPTED: u8 = 130;
/// Exit code of an import stopped by SIGTERM.
const EXIT_TERMINATED: u8 = 143;
/// How often the state file is saved and the progress line redrawn.
const TICK: Duration = Duration::from_millis(250);
/// How often the state file is saved at least.
const SAVE_EVERY: Duration = Duration::from_secs(1);
/// How many times a row refused with OVERLOADED is sent again.
const OVERLOADED_RETRIES: u32 = 10;

#[derive(Debug, Clone, Args)]
#[command(after_help = "\
Rows: one user each, in JSON Lines (one object per line) or CSV with a header:
  user_id, totp_secret (base32) | otpauth_uri, totp_digits, totp_period (seconds),
  totp_algorithm, totp_enabled_at (RFC 3339), recovery_codes (JSON: a list; CSV:
  separated by spaces or ';'), email, email_confirmed, email_enabled, phone,
  phone_confirmed, sms_enabled, default_method (totp|email|sms).
  See docs/migrating.md.

Importing is idempotent: a row imported again reports UNCHANGED. So repeating a
few rows after an interruption is harmless; a run resumes from the state file
(every row below its line is done) and `--restart` starts over.

Exit codes: 0 every row imported (or valid); 4 some rows were rejected (listed in
the rejects file; the run completed) or the caller may not import; 3 the server
became unreachable (progress saved); 130 interrupted with Ctrl-C (progress saved).")]
pub struct ImportArgs {
    /// The file of users: .jsonl/.ndjson (JSON Lines) or .csv (with a header).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The file's format, when its extension does not say.
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Check every row with the server's own rules (input, policy, conflicts
    /// with what users have) and write nothing; no progress is kept.
    #[arg(long)]
    pub dry_run: bool,
    /// Overwrite what users already have (secret, contacts, recovery codes)
    /// instead of rejecting the row with IMPORT_CONFLICT.
    #[arg(long)]
    pub replace: bool,
    /// For rows without recovery codes, mint a fresh set; the codes are
    /// written to --minted-codes, never printed.
    #[arg(long, requires = "minted_codes")]
    pub mint_recovery_codes: bool,
    /// Where minted codes go: JSON Lines {user_id, recovery_codes}, created
    /// with mode 0600 and appended to (never overwritten) by later runs.
    #[arg(long, value_name = "FILE")]
    pub minted_codes: Option<PathBuf>,
    /// Calls in flight at once on the one connection.
    #[arg(long, default_value_t = 8, value_name = "N",
          value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,
    /// Whose policy applies to the imported users, e.g. `staff`.
    #[arg(long, value_name = "AUDIENCE")]
    pub audience: Option<String>,
    /// Who imports, for the audit log (default: the login name, else
    /// "tollgate import").
    #[arg(long, env = "TOLLGATE_ACTOR", value_name = "ID")]
    pub actor: Option<String>,
    /// Rejected rows, as JSON Lines (default: FILE.rejects.jsonl).
    #[arg(long, value_name = "FILE")]
    pub rejects: Option<PathBuf>,
    /// The progress file (default: FILE.progress); removed when a run
    /// completes.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Ignore saved progress and import from the first row.
    #[arg(long)]
    pub restart: bool,
    #[command(flatten)]
    pub conn: Conn,
}

/// What one row came to.
enum Outcome {
    Answered(pb::ImportUserResponse),
    /// Refused by the server for this row (or unreadable here).
    Rejected(Rejection),
    /// The run cannot go on.
    Stop(Stop),
}

struct Rejection {
    code: String,
    reason: String,
    message: String,
    fields: Vec<Value>,
    metadata: Value,
}

/// Why a run stopped before the end of the file.
#[derive(Clone)]
enum Stop {
    Interrupted {
        exit: u8,
    },
    Unreachable {
        code: String,
        message: String,
    },
    Refused {
        code: String,
        reason: String,
        message: String,
    },
}

/// A call's answer, with the row it was for.
struct Finished {
    line: u64,
    user_id: String,
    outcome: Outcome,
}

/// Counts for the summary.
#[derive(Default)]
struct Counts {
    read: u64,
    imported: u64,
    unchanged: u64,
    replaced: u64,
    valid: u64,
    rejected: u64,
    skipped: u64,
    minted: u64,
}

impl Counts {
    fn processed(&self) -> u64 {
        self.imported + self.unchanged + self.replaced + self.valid + self.rejected
    }
}

/// The run's settings and what it writes.
struct Run {
    args: ImportArgs,
    client: EnrollmentServiceClient<Channel>,
    actor: String,
    per_call: Duration,
    state: Option<State>,
    rejects: Lines,
    minted: Option<Lines>,
    counts: Counts,
    /// Lines sent and not yet done (a row whose call stopped the run stays).
    pending: BTreeSet<u64>,
    /// The line after the last row read.
    next_unread: u64,
}

/// Who the audit log names: --actor, else the login name.
fn import_actor(explicit: &Option<String>) -> String {
    explicit
        .clone()
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("LOGNAME").ok())
        .filter(|name| !name.trim().is_empty())
        .unwrap_or_else(|| "tollgate import".to_owned())
}

pub async fn run(args: &ImportArgs, channel: Channel) -> Result<Report, ClientError> {
    let format = args
        .format
        .or_else(|| Format::from_path(&args.file))
        .ok_or_else(|| {
            ClientError::Local(format!(
                "{}: say --format jsonl or --format csv (the extension does not)",
                args.file.display()
            ))
        })?;
    let state = (!args.dry_run).then(|| {
        State::new(
            args.state
                .clone()
                .unwrap_or_else(|| beside(&args.file, ".progress")),
            &args.file,
        )
    });
    let resume_at = match &state {
        Some(state) if !args.restart => state.load().map_err(ClientError::Local)?,
        _ => None,
    };
    let total = Rows::count(&args.file, format).map_err(ClientError::Local)?;
    let rows = Rows::open(&args.file, format).map_err(ClientError::Local)?;
    let rejects_path = args
        .rejects
        .clone()
        .unwrap_or_else(|| beside(&args.file, ".rejects.jsonl"));
    let minted = match (
        &args.minted_codes,
        args.mint_recovery_codes && !args.dry_run,
    ) {
        (Some(path), true) => Some(Lines::private(path.clone()).map_err(ClientError::Local)?),
        _ => None,
    };
    if let (Some(line), Some(state)) = (resume_at, &state) {
        eprintln!(
            "Resuming: every row below line {line} was done by an earlier run ({}); skipping them. --restart starts over.",
            state.path().display()
        );
    }
    let mut run = Run {
        args: args.clone(),
        client: EnrollmentServiceClient::new(channel),
        actor: import_actor(&args.actor),
        per_call: super::timeout(&args.conn),
        state,
        rejects: Lines::new(rejects_path, 0o644, resume_at.is_none())
            .map_err(ClientError::Local)?,
        minted,
        counts: Counts::default(),
        pending: BTreeSet::new(),
        next_unread: 1,
    };
    let started = Instant::now();
    let stop = run
        .go(rows, resume_at.unwrap_or(0), total, started)
        .await
        .map_err(ClientError::Local)?;
    run.finish(stop, resume_at, total, started.elapsed())
}

impl Run {
    /// Sends every row not done yet, `--concurrency` at a time, until the
    /// end of the file or a stop; returns the stop, if any.
    async fn go(
        &mut self,
        mut rows: Rows,
        resume_at: u64,
        total: u64,
        started: Instant,
    ) -> Result<Option<Stop>, String> {
        let mut interrupt = signal(SignalKind::interrupt()).map_err(|e| e.to_string())?;
        let mut terminate = signal(SignalKind::terminate()).map_err(|e| e.to_string())?;
        let mut calls: JoinSet<Finished> = JoinSet::new();
        let mut progress = Progress::new(started);
        let mut tick = tokio::time::interval(TICK);
        let mut saved_at = Instant::now();
        let mut stop: Option<Stop> = None;
        let mut at_end = false;
        loop {
            while stop.is_none() && !at_end && calls.len() < usize::from(self.args.concurrency) {
                match rows.next_row()? {
                    None => at_end = true,
                    Some(row) => self.start(row, resume_at, &mut calls)?,
                }
            }
            if calls.is_empty() && (at_end || stop.is_some()) {
                break;
            }
            tokio::select! {
                Some(joined) = calls.join_next() => {
                    let finished = joined.map_err(|e| format!("a call failed: {e}"))?;
                    if let Some(s) = self.record(finished)? {
                        stop.get_or_insert(s);
                    }
                }
                _ = interrupt.recv(), if stop.is_none() => {
                    stop = Some(Stop::Interrupted { exit: EXIT_INTERRUPTED });
                }
                _ = terminate.recv(), if stop.is_none() => {
                    stop = Some(Stop::Interrupted { exit: EXIT_TERMINATED });
                }
                _ = tick.tick() => {
                    let c = &self.counts;
                    progress.draw(c.read, total, c.processed(), c.rejected);
                    if saved_at.elapsed() >= SAVE_EVERY {
                        self.save()?;
                        saved_at = Instant::now();
                    }
                }
            }
        }
        let c = &self.counts;
        progress.draw(c.read, total, c.processed(), c.rejected);
        progress.finish();
        Ok(stop)
    }

    /// Takes a row just read: skipped (done before), rejected here, or sent.
    fn start(
        &mut self,
        row: rows::Row,
        resume_at: u64,
        calls: &mut JoinSet<Finished>,
    ) -> Result<(), String> {
        self.counts.read += 1;
        self.next_unread = row.line + 1;
        if row.line < resume_at {
            self.counts.skipped += 1;
            return Ok(());
        }
        let parsed = match row.parsed {
            Ok(parsed) => parsed,
            Err(bad) => {
                let rejection = Rejection {
                    code: "LOCAL".to_owned(),
                    reason: MALFORMED_ROW.to_owned(),
                    message: bad.message,
                    fields: Vec::new(),
                    metadata: Value::Null,
                };
                return self.reject(row.line, bad.user_id.as_deref(), &rejection);
            }
        };
        let Parsed { user_id, request } = parsed;
        let mint = self.args.mint_recovery_codes && request.recovery_codes.is_empty();
        let request = pb::ImportUserRequest {
            tenant_id: self.args.conn.tenant.clone(),
            user_id: user_id.clone(),
            actor_id: self.actor.clone(),
            mint_recovery_codes: mint,
            replace: self.args.replace,
            audience: self.args.audience.clone().unwrap_or_default(),
            validate_only: self.args.dry_run,
            ..request
        };
        self.pending.insert(row.line);
        let client = self.client.clone();
        let per_call = self.per_call;
        let line = row.line;
        calls.spawn(async move {
            let outcome = call(client, request, per_call).await;
            Finished {
                line,
                user_id,
                outcome,
            }
        });
        Ok(())
    }

    /// Counts a finished call; a stop is returned, not counted.
    fn record(&mut self, finished: Finished) -> Result<Option<Stop>, String> {
        let Finished {
            line,
            user_id,
            outcome,
        } = finished;
        match outcome {
            Outcome::Stop(stop) => return Ok(Some(stop)),
            Outcome::Rejected(rejection) => self.reject(line, Some(&user_id), &rejection)?,
            Outcome::Answered(answer) => {
                let c = &mut self.counts;
                match answer.outcome() {
                    pb::ImportOutcome::Imported => c.imported += 1,
                    pb::ImportOutcome::Unchanged => c.unchanged += 1,
                    pb::ImportOutcome::Replaced => c.replaced += 1,
                    pb::ImportOutcome::Valid | pb::ImportOutcome::Unspecified => c.valid += 1,
                }
                if !answer.recovery_codes.is_empty()
                    && let Some(minted) = &mut self.minted
                {
                    minted.write(&json!({
                        "user_id": user_id,
                        "recovery_codes": answer.recovery_codes,
                    }))?;
                    self.counts.minted += 1;
                }
            }
        }
        self.pending.remove(&line);
        Ok(None)
    }

    fn reject(&mut self, line: u64, user_id: Option<&str>, r: &Rejection) -> Result<(), String> {
        let mut doc = json!({
            "line": line,
            "user_id": user_id,
            "code": r.code,
            "reason": r.reason,
            "message": r.message,
        });
        if !r.fields.is_empty() {
            doc["fields"] = Value::Array(r.fields.clone());
        }
        if !r.metadata.is_null() {
            doc["metadata"] = r.metadata.clone();
        }
        self.rejects.write(&doc)?;
        self.counts.rejected += 1;
        self.pending.remove(&line);
        Ok(())
    }

    /// The line below which every row is done.
    fn done_below(&self) -> u64 {
        self.pending
            .first()
            .copied()
            .unwrap_or(self.next_unread)
            .min(self.next_unread)
    }

    fn save(&self) -> Result<(), String> {
        match &self.state {
            Some(state) => state.save(self.done_below()),
            None => Ok(()),
        }
    }

    /// Saves or clears the progress and makes the summary.
    fn finish(
        mut self,
        stop: Option<Stop>,
        resume_at: Option<u64>,
        total: u64,
        elapsed: Duration,
    ) -> Result<Report, ClientError> {
        self.rejects.sync().map_err(ClientError::Local)?;
        if let Some(minted) = &mut self.minted {
            minted.sync().map_err(ClientError::Local)?;
        }
        match (&stop, &self.state) {
            (None, Some(state)) => state.remove().map_err(ClientError::Local)?,
            (Some(_), Some(_)) => self.save().map_err(ClientError::Local)?,
            _ => {}
        }
        Ok(summary(&self, stop.as_ref(), resume_at, total, elapsed))
    }
}

/// One ImportUser call: OVERLOADED is waited out and sent again; the
/// server's refusal of the row is a rejection; a server that cannot be
/// reached, or a caller it does not let import, stops the run.
async fn call(
    mut client: EnrollmentServiceClient<Channel>,
    request: pb::ImportUserRequest,
    per_call: Duration,
) -> Outcome {
    let mut tries = 0;
    loop {
        let answer = tokio::time::timeout(per_call, client.import_user(request.clone())).await;
        let status = match answer {
            Ok(Ok(answer)) => return Outcome::Answered(answer.into_inner()),
            Ok(Err(status)) => status,
            Err(_) => {
                return Outcome::Stop(Stop::Unreachable {
                    code: "DEADLINE_EXCEEDED".to_owned(),
                    message: format!("no answer within {} s", per_call.as_secs_f64()),
                });
            }
        };
        let details = status.get_error_details();
        let Some(info) = details.error_info() else {
            // tollgate names a reason for everything it refuses: a status
            // without one came from the transport (a dropped connection)
            // or from something that is not tollgate; no row is at fault.
            return Outcome::Stop(not_from_tollgate(&status));
        };
        let reason = info.reason.clone();
        match status.code() {
            Code::ResourceExhausted if reason == "OVERLOADED" && tries < OVERLOADED_RETRIES => {
                tries += 1;
                let wait = details
                    .retry_info()
                    .and_then(|r| r.retry_delay)
                    .unwrap_or(Duration::from_secs(1));
                tokio::time::sleep(wait).await;
            }
            Code::Unavailable | Code::DeadlineExceeded => {
                return Outcome::Stop(Stop::Unreachable {
                    code: code_name(status.code()).to_owned(),
                    message: status.message().to_owned(),
                });
            }
            Code::Unauthenticated | Code::PermissionDenied
                if reason == "CALLER_NOT_ALLOWED" || status.code() == Code::Unauthenticated =>
            {
                return Outcome::Stop(Stop::Refused {
                    code: code_name(status.code()).to_owned(),
                    reason,
                    message: status.message().to_owned(),
                });
            }
            code => {
                let fields = details
                    .bad_request()
                    .map(|b| {
                        b.field_violations
                            .iter()
                            .map(|v| json!({ "field": v.field, "description": v.description }))
                            .collect()
                    })
                    .unwrap_or_default();
                let metadata = details
                    .error_info()
                    .filter(|i| !i.metadata.is_empty())
                    .map(|i| {
                        json!(
                            i.metadata
                                .iter()
                                .collect::<std::collections::BTreeMap<_, _>>()
                        )
                    })
                    .unwrap_or(Value::Null);
                return Outcome::Rejected(Rejection {
                    code: code_name(code).to_owned(),
                    reason,
                    message: status.message().to_owned(),
                    fields,
                    metadata,
                });
            }
        }
    }
}

/// The stop for a status no tollgate handler made.
fn not_from_tollgate(status: &tonic::Status) -> Stop {
    let code = code_name(status.code()).to_owned();
    let message = status.message().to_owned();
    match status.code() {
        Code::Unavailable
        | Code::DeadlineExceeded
        | Code::Unknown
        | Code::Cancelled
        | Code::Internal => Stop::Unreachable { code, message },
        _ => Stop::Refused {
            code,
            reason: String::new(),
            message,
        },
    }
}

/// The summary document and its text form, with the exit code.
fn summary(
    run: &Run,
    stop: Option<&Stop>,
    resume_at: Option<u64>,
    total: u64,
    elapsed: Duration,
) -> Report {
    let c = &run.counts;
    let seconds = elapsed.as_secs_f64();
    let rate = per_second(c.processed(), seconds);
    let rejects_file = (c.rejected > 0).then(|| run.rejects.path().display().to_string());
    let minted_file = run
        .minted
        .as_ref()
        .filter(|m| m.written > 0)
        .map(|m| m.path().display().to_string());
    let next_line = stop.map(|_| run.done_below());
    let state_file = run.state.as_ref().map(|s| s.path().display().to_string());
    let (stopped, exit) = match stop {
        None => (Value::Null, if c.rejected > 0 { 4 } else { 0 }),
        Some(Stop::Interrupted { exit }) => (json!({ "why": "interrupted" }), *exit),
        Some(Stop::Unreachable { code, message }) => (
            json!({ "why": "unreachable", "code": code, "message": message }),
            super::EXIT_UNREACHABLE,
        ),
        Some(Stop::Refused {
            code,
            reason,
            message,
        }) => (
            json!({ "why": "refused", "code": code, "reason": reason, "message": message }),
            super::EXIT_REFUSED,
        ),
    };
    let json = json!({
        "file": run.args.file.display().to_string(),
        "dry_run": run.args.dry_run,
        "rows_total": total,
        "rows_read": c.read,
        "imported": c.imported,
        "unchanged": c.unchanged,
        "replaced": c.replaced,
        "valid": c.valid,
        "rejected": c.rejected,
        "skipped": c.skipped,
        "minted": c.minted,
        "elapsed_seconds": (seconds * 1000.0).round() / 1000.0,
        "users_per_second": rate,
        "rejects_file": rejects_file,
        "minted_codes_file": minted_file,
        "resumed_from_line": resume_at,
        "stopped": stopped,
        "state_file": next_line.and(state_file),
        "next_line": next_line,
    });
    Report::new(json.clone(), summary_text(&json)).exit(exit)
}

/// The summary for people: counts in a table, then how the run ended.
fn summary_text(doc: &Value) -> String {
    let n = |key: &str| doc[key].as_u64().unwrap_or(0).to_string();
    let mut rows = vec![
        ("rows read", n("rows_read")),
        ("imported", n("imported")),
        ("unchanged", n("unchanged")),
        ("replaced", n("replaced")),
    ];
    if doc["dry_run"] == true {
        rows.push(("valid (dry run)", n("valid")));
    }
    let rejected = match doc["rejects_file"].as_str() {
        Some(path) => format!("{} (in {path})", n("rejected")),
        None => n("rejected"),
    };
    rows.push(("rejected", rejected));
    rows.push(("skipped (resumed)", n("skipped")));
    if let Some(path) = doc["minted_codes_file"].as_str() {
        rows.push(("minted codes", format!("{} users (in {path})", n("minted"))));
    }
    rows.push((
        "elapsed",
        format!("{:.1} s", doc["elapsed_seconds"].as_f64().unwrap_or(0.0)),
    ));
    rows.push(("users per second", n("users_per_second")));
    let mut text = super::table(&rows);
    let stopped = &doc["stopped"];
    if let Some(why) = stopped["why"].as_str() {
        let cause = match why {
            "interrupted" => "interrupted".to_owned(),
            _ => format!(
                "{} {}: {}",
                stopped["code"].as_str().unwrap_or_default(),
                stopped["reason"].as_str().unwrap_or_default(),
                stopped["message"].as_str().unwrap_or_default()
            ),
        };
        text.push_str(&format!("Stopped ({cause}).\n"));
        if let Some(state) = doc["state_file"].as_str() {
            text.push_str(&format!(
                "Progress saved in {state}: the next run resumes at line {}.\n",
                n("next_line")
            ));
        }
    }
    text
}
