//! The scenarios: what one request is, what must exist before the clock
//! starts (enrolled users, open challenges), and how many requests the
//! prepared state allows.
//!
//! TOTP codes are single-use per user and step, so the verification
//! scenarios are *budgeted*: the users are enrolled before the clock, and
//! each request spends prepared state. Enrolment is confirmed with the
//! previous step's code (the server forgives one step of skew each way), so
//! each user has two steps to spend: the current one and the next.
//! `verify-totp` spends one step of one user per request (every user once,
//! then every user again), its challenge begun before the clock, so no code
//! is offered twice. `verify-wrong` spends one of the four failures a user may
//! have before the fifth locks them out (default lockout policy: 5), round
//! robin over the users so one user's attempts rarely race. Their codes,
//! right and wrong, are computed before the clock too ([`PreparedCodes`]).
//! `recovery-redeem` spends one of a user's eight recovery codes, each with
//! its own challenge begun before the clock. A budgeted scenario stops when
//! the budget is spent, and its throughput is measured over the time it
//! actually ran.
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Instant;

use tokio::sync::Mutex;
use tollgate_proto::v1 as pb;
use tollgate_proto::v1::challenge_service_client::ChallengeServiceClient;
use tollgate_proto::v1::enrollment_service_client::EnrollmentServiceClient;
use tonic::transport::Channel;
use tonic::{Code, Status};
use tonic_health::pb::{HealthCheckRequest, health_client::HealthClient};
use tonic_types::StatusExt;

use crate::BoxError;

/// The TOTP step length the server uses by default.
const STEP_SECONDS: u64 = 30;
/// Steps a freshly enrolled user can verify in (the current and the next).
pub const TOTP_STEPS_PER_USER: usize = 2;
/// Failures a user may have without being locked (default policy locks at 5).
pub const WRONG_PER_USER: usize = 4;
/// Recovery codes a user gets at enrolment.
pub const RECOVERY_PER_USER: usize = 8;

/// Every scenario, in the order they run.
pub const ALL: [&str; 6] = [
    "empty",
    "begin-challenge",
    "verify-totp",
    "verify-wrong",
    "recovery-redeem",
    "enrol",
];

/// Seconds since the Unix epoch: the bench computes codes as an
/// authenticator app does, from the same wall clock the server reads.
#[allow(clippy::disallowed_methods)]
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// An enrolled user.
pub struct User {
    pub id: String,
    totp: totp_rs::Totp,
    /// The last step whose code the server has seen (the confirmation's
    /// first), so no code is ever offered twice.
    spent_step: AtomicU64,
    pub recovery_codes: Vec<String>,
}

impl User {
    /// The code for `step`.
    pub fn code(&self, step: u64) -> String {
        self.totp.generate(step * STEP_SECONDS).to_string()
    }

    /// The last step spent.
    pub fn spent_step(&self) -> u64 {
        self.spent_step.load(Ordering::SeqCst)
    }

    /// Claims the earliest unspent step the server accepts now (it forgives
    /// one step of skew each way); `None` when the current and the next
    /// step are both spent.
    pub fn claim_step(&self) -> Option<u64> {
        self.claim_step_at(unix_now() / STEP_SECONDS)
    }

    /// [`Self::claim_step`] when the current step is `now`.
    fn claim_step_at(&self, now: u64) -> Option<u64> {
        let mut spent = self.spent_step();
        loop {
            let step = now.max(spent + 1);
            if step > now + 1 {
                return None;
            }
            match self
                .spent_step
                .compare_exchange(spent, step, Ordering::SeqCst, Ordering::SeqCst)
            {
                Ok(_) => return Some(step),
                Err(current) => spent = current,
            }
        }
    }

    /// The code of a step claimed with [`Self::claim_step`].
    pub fn fresh_code(&self) -> Option<String> {
        self.claim_step().map(|step| self.code(step))
    }

    /// A six-digit code matching no step of the server's window now, nor
    /// of the next minute's.
    pub fn wrong_code(&self) -> String {
        let now = unix_now() / STEP_SECONDS;
        let window: Vec<String> = (now.saturating_sub(2)..=now + 4)
            .map(|s| self.code(s))
            .collect();
        ["000000", "111111", "222222", "333333", "444444", "555555"]
            .into_iter()
            .find(|c| !window.iter().any(|w| w == c))
            .unwrap_or("999999")
            .to_owned()
    }
}

/// Codes computed before the clock, so a measured request only looks its
/// code up: each user's codes for the steps from the one before the
/// preparation's to two after it (a budgeted scenario lasts well under a
/// minute), and a wrong code for each.
pub struct PreparedCodes {
    first_step: u64,
    right: Vec<Vec<String>>,
    wrong: Vec<String>,
}

/// Steps prepared per user: the previous, the current and the next two.
const PREPARED_STEPS: u64 = 4;

impl PreparedCodes {
    pub fn new(users: &[User]) -> Self {
        let first_step = unix_now() / STEP_SECONDS - 1;
        Self {
            first_step,
            right: users
                .iter()
                .map(|u| {
                    (first_step..first_step + PREPARED_STEPS)
                        .map(|s| u.code(s))
                        .collect()
                })
                .collect(),
            wrong: users.iter().map(User::wrong_code).collect(),
        }
    }

    /// User `u`'s code for `step` (computed now if it was not prepared).
    fn right(&self, users: &[User], u: usize, step: u64) -> String {
        step.checked_sub(self.first_step)
            .and_then(|k| self.right[u].get(usize::try_from(k).ok()?))
            .cloned()
            .unwrap_or_else(|| users[u].code(step))
    }
}

/// The outcome of one request: `Ok` or the error's key
/// (`gRPC code/ErrorInfo reason`).
pub type Outcome = Result<(), String>;

/// The key an error is counted under, e.g. `InvalidArgument/CODE_MISMATCH`.
pub fn error_key(status: &Status) -> String {
    let reason = status
        .get_error_details()
        .error_info()
        .map(|i| i.reason.clone())
        .unwrap_or_default();
    if reason.is_empty() {
        format!("{:?}", status.code())
    } else {
        format!("{:?}/{reason}", status.code())
    }
}

fn outcome<T>(result: Result<T, Status>) -> Outcome {
    result.map(|_| ()).map_err(|s| error_key(&s))
}

/// Enrols `user` (BeginTotp + ConfirmTotp with the current code).
pub async fn enrol(channel: Channel, tenant: &str, user: &str) -> Result<User, Status> {
    let mut client = EnrollmentServiceClient::new(channel);
    let begun = client
        .begin_totp(pb::BeginTotpRequest {
            tenant_id: tenant.to_owned(),
            user_id: user.to_owned(),
            account_name: format!("{user}@bench.invalid"),
            ..Default::default()
        })
        .await?
        .into_inner();
    let secret = totp_rs::Secret::try_from_base32(&begun.secret_base32)
        .map_err(|e| Status::internal(format!("server sent a bad secret: {e}")))?;
    let totp = totp_rs::Builder::new()
        .with_secret(secret.as_bytes().to_vec())
        .build()
        .map_err(|e| Status::internal(format!("totp: {e}")))?;
    // Confirm with the previous step's code (the server forgives one step
    // of skew), so the current and the next step are left for sign-ins. A
    // confirmation that waited in the server's queue past a step boundary
    // finds that code too old: it is tried once more with a fresh one.
    let mut attempt = 0;
    let (step, confirmed) = loop {
        let step = unix_now() / STEP_SECONDS - 1;
        let code = totp.generate(step * STEP_SECONDS).to_string();
        let result = client
            .confirm_totp(pb::ConfirmTotpRequest {
                tenant_id: tenant.to_owned(),
                user_id: user.to_owned(),
                code,
                ..Default::default()
            })
            .await;
        attempt += 1;
        match result {
            Ok(confirmed) => break (step, confirmed.into_inner()),
            Err(status) if attempt < 2 && status.code() == tonic::Code::InvalidArgument => {}
            Err(status) => return Err(status),
        }
    };
    Ok(User {
        id: user.to_owned(),
        totp,
        spent_step: AtomicU64::new(step),
        recovery_codes: confirmed.recovery_codes,
    })
}

/// `n` random bytes from the kernel (the bench's only need for randomness).
fn random_bytes(n: usize) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = vec![0u8; n];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    Ok(bytes)
}

/// Symbols of tollgate's recovery codes.
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/// Imports `user` through ImportUser with a secret minted here (and
/// `codes` recovery codes, which cost the server an argon2id hash each):
/// no hash without codes, so a large pool is seeded in seconds where
/// enrolment would take hours.
pub async fn import(
    channel: Channel,
    tenant: &str,
    user: &str,
    codes: usize,
) -> Result<User, Status> {
    let local = |e: std::io::Error| Status::internal(format!("random bytes: {e}"));
    let secret = random_bytes(20).map_err(local)?;
    let totp = totp_rs::Builder::new()
        .with_secret(secret.clone())
        .build()
        .map_err(|e| Status::internal(format!("totp: {e}")))?;
    let recovery_codes: Vec<String> = (0..codes)
        .map(|_| {
            let raw = random_bytes(8)?;
            let symbols: String = raw
                .iter()
                .map(|b| char::from(CODE_ALPHABET[usize::from(*b) % CODE_ALPHABET.len()]))
                .collect();
            Ok(format!("{}-{}", &symbols[..4], &symbols[4..]))
        })
        .collect::<std::io::Result<_>>()
        .map_err(local)?;
    EnrollmentServiceClient::new(channel)
        .import_user(pb::ImportUserRequest {
            tenant_id: tenant.to_owned(),
            user_id: user.to_owned(),
            actor_id: "tollgate-bench".into(),
            totp: Some(pb::ImportedTotp {
                secret_base32: totp_rs::Secret::from(secret).to_base32(),
                ..Default::default()
            }),
            recovery_codes: recovery_codes.clone(),
            ..Default::default()
        })
        .await?;
    Ok(User {
        id: user.to_owned(),
        totp,
        // No step spent yet: the previous, current and next are all open.
        spent_step: AtomicU64::new(unix_now() / STEP_SECONDS - 2),
        recovery_codes,
    })
}

/// Begins a challenge for `user`, which must be a CHALLENGE.
pub async fn begin(channel: Channel, tenant: &str, user: &str) -> Result<String, Status> {
    let answer = ChallengeServiceClient::new(channel)
        .begin_challenge(begin_request(tenant, user))
        .await?
        .into_inner();
    if answer.decision() != pb::Decision::Challenge {
        return Err(Status::failed_precondition(format!(
            "expected a challenge for {user}, got {:?}",
            answer.decision()
        )));
    }
    Ok(answer.challenge_id)
}

fn begin_request(tenant: &str, user: &str) -> pb::BeginChallengeRequest {
    pb::BeginChallengeRequest {
        tenant_id: tenant.to_owned(),
        user_id: user.to_owned(),
        client_ip: "127.0.0.1".into(),
        user_agent: "tollgate-bench".into(),
        ..Default::default()
    }
}

async fn verify(
    channel: Channel,
    tenant: &str,
    user: &str,
    challenge_id: &str,
    method: pb::Method,
    code: String,
) -> Result<pb::VerifyChallengeResponse, Status> {
    ChallengeServiceClient::new(channel)
        .verify_challenge(pb::VerifyChallengeRequest {
            tenant_id: tenant.to_owned(),
            user_id: user.to_owned(),
            challenge_id: challenge_id.to_owned(),
            method: method as i32,
            code,
            client_ip: "127.0.0.1".into(),
            user_agent: "tollgate-bench".into(),
            ..Default::default()
        })
        .await
        .map(tonic::Response::into_inner)
}

/// Runs `make(i)` for i in 0..count on `concurrency` tasks over `channels`.
pub async fn prepare<T, F, Fut>(
    channels: &[Channel],
    concurrency: usize,
    count: usize,
    make: F,
) -> Result<Vec<T>, BoxError>
where
    T: Send + 'static,
    F: Fn(Channel, usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<T, Status>> + Send,
{
    let next = Arc::new(AtomicUsize::new(0));
    let make = Arc::new(make);
    let mut tasks = Vec::new();
    for worker in 0..concurrency.max(1) {
        let (next, make) = (next.clone(), make.clone());
        let channel = channels[worker % channels.len()].clone();
        tasks.push(tokio::spawn(async move {
            let mut made = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= count {
                    return Ok::<_, Status>(made);
                }
                made.push((i, make(channel.clone(), i).await?));
            }
        }));
    }
    let mut all = Vec::with_capacity(count);
    for task in tasks {
        all.extend(task.await??);
    }
    all.sort_by_key(|(i, _)| *i);
    Ok(all.into_iter().map(|(_, t)| t).collect())
}

/// What a scenario's requests need, prepared before the clock.
pub enum Work {
    Empty,
    BeginChallenge {
        users: Arc<Vec<User>>,
    },
    VerifyTotp {
        users: Arc<Vec<User>>,
        challenges: Vec<String>,
        codes: PreparedCodes,
    },
    VerifyWrong {
        users: Arc<Vec<User>>,
        challenges: Vec<String>,
        codes: PreparedCodes,
    },
    RecoveryRedeem {
        /// (user index, code index, challenge id)
        items: Vec<(usize, usize, String)>,
        users: Arc<Vec<User>>,
    },
    Enrol {
        run: String,
    },
    /// A mixed load for the soak: health, begin, and sign-ins (begin, one
    /// wrong code, the right code) by users whose step is still unspent.
    Mixed {
        users: Arc<Vec<User>>,
        /// Users' indices with the last step they verified in.
        queue: Mutex<std::collections::VecDeque<(usize, u64)>>,
    },
}

impl Work {
    /// Requests the prepared state allows; `None` when unlimited.
    pub fn budget(&self) -> Option<usize> {
        match self {
            Self::VerifyTotp { challenges, .. } => Some(challenges.len()),
            Self::VerifyWrong { users, .. } => Some(users.len() * WRONG_PER_USER),
            Self::RecoveryRedeem { items, .. } => Some(items.len()),
            _ => None,
        }
    }

    /// Performs request number `i`.
    pub async fn call(&self, channel: Channel, tenant: &str, i: usize) -> Outcome {
        match self {
            Self::Empty => health_check(channel).await,
            Self::BeginChallenge { users } => {
                let user = &users[i % users.len()];
                outcome(begin(channel, tenant, &user.id).await)
            }
            Self::VerifyTotp {
                users,
                challenges,
                codes,
            } => verify_right_code(channel, tenant, users, challenges, codes, i).await,
            Self::VerifyWrong {
                users,
                challenges,
                codes,
            } => verify_wrong_code(channel, tenant, users, challenges, codes, i).await,
            Self::RecoveryRedeem { items, users } => {
                redeem_recovery_code(channel, tenant, users, &items[i]).await
            }
            Self::Enrol { run } => {
                outcome(enrol(channel, tenant, &format!("enrol-{run}-{i}")).await)
            }
            Self::Mixed { users, queue } => match i % 3 {
                0 => Box::pin(Self::Empty.call(channel, tenant, i)).await,
                1 => {
                    let user = &users[i % users.len()];
                    outcome(begin(channel, tenant, &user.id).await)
                }
                _ => mixed_sign_in(channel, tenant, users, queue).await,
            },
        }
    }
}

/// The empty call: a health check, the baseline.
async fn health_check(channel: Channel) -> Outcome {
    outcome(
        HealthClient::new(channel)
            .check(HealthCheckRequest {
                service: String::new(),
            })
            .await,
    )
}

/// Request `i` of verify-totp: user `i` (round the pool) verifies challenge
/// `i` with the code of a step nobody has spent yet.
async fn verify_right_code(
    channel: Channel,
    tenant: &str,
    users: &[User],
    challenges: &[String],
    codes: &PreparedCodes,
    i: usize,
) -> Outcome {
    let u = i % users.len();
    let user = &users[u];
    let Some(step) = user.claim_step() else {
        return Err("no unspent step left for this user".to_owned());
    };
    let code = codes.right(users, u, step);
    outcome(
        verify(
            channel,
            tenant,
            &user.id,
            &challenges[i],
            pb::Method::Totp,
            code,
        )
        .await,
    )
}

/// Request `i` of verify-wrong: a wrong code on the user's challenge, which
/// succeeds when the server answers CODE_MISMATCH.
async fn verify_wrong_code(
    channel: Channel,
    tenant: &str,
    users: &[User],
    challenges: &[String],
    codes: &PreparedCodes,
    i: usize,
) -> Outcome {
    let u = i % users.len();
    let user = &users[u];
    match verify(
        channel,
        tenant,
        &user.id,
        &challenges[u],
        pb::Method::Totp,
        codes.wrong[u].clone(),
    )
    .await
    {
        Err(s) if s.code() == Code::InvalidArgument => {
            let key = error_key(&s);
            if key.ends_with("/CODE_MISMATCH") {
                Ok(())
            } else {
                Err(key)
            }
        }
        Err(s) => Err(error_key(&s)),
        Ok(_) => Err("OK (a wrong code was accepted)".to_owned()),
    }
}

/// One recovery-redeem item: the user's recovery code number `c` on the
/// challenge begun for it.
async fn redeem_recovery_code(
    channel: Channel,
    tenant: &str,
    users: &[User],
    (u, c, id): &(usize, usize, String),
) -> Outcome {
    let user = &users[*u];
    let code = user.recovery_codes.get(*c).cloned().unwrap_or_default();
    outcome(
        verify(
            channel,
            tenant,
            &user.id,
            id,
            pb::Method::RecoveryCode,
            code,
        )
        .await,
    )
}

/// A sign-in by the next user whose current step is unspent: begin, a
/// wrong code (one failure), then the right code (which clears it). When
/// every user has verified in this step, a BeginChallenge instead.
async fn mixed_sign_in(
    channel: Channel,
    tenant: &str,
    users: &[User],
    queue: &Mutex<std::collections::VecDeque<(usize, u64)>>,
) -> Outcome {
    let step = unix_now() / STEP_SECONDS;
    let picked = {
        let mut queue = queue.lock().await;
        match queue.front() {
            Some(&(u, last)) if last < step && users[u].spent_step() < step => {
                queue.pop_front();
                Some(u)
            }
            _ => None,
        }
    };
    let Some(u) = picked else {
        let user = &users[step as usize % users.len()];
        return outcome(begin(channel, tenant, &user.id).await);
    };
    let user = &users[u];
    let result = async {
        let id = begin(channel.clone(), tenant, &user.id)
            .await
            .map_err(|s| error_key(&s))?;
        match verify(
            channel.clone(),
            tenant,
            &user.id,
            &id,
            pb::Method::Totp,
            user.wrong_code(),
        )
        .await
        {
            Err(s) if error_key(&s).ends_with("/CODE_MISMATCH") => {}
            Err(s) => return Err(error_key(&s)),
            Ok(_) => return Err("OK (a wrong code was accepted)".to_owned()),
        }
        outcome(
            verify(
                channel,
                tenant,
                &user.id,
                &id,
                pb::Method::Totp,
                user.fresh_code().unwrap_or_else(|| user.code(step)),
            )
            .await,
        )
    }
    .await;
    queue.lock().await.push_back((u, step));
    result
}

/// Latencies and outcomes of one scenario's measured phase.
pub struct Measured {
    pub latencies_ns: Vec<u64>,
    pub errors: BTreeMap<String, u64>,
    pub elapsed: std::time::Duration,
    pub budget_spent: bool,
}

/// Drives `work` with `clients` tasks until `deadline`, `limit` requests,
/// or the budget; `record` false for a warm-up.
pub async fn drive(
    work: Arc<Work>,
    channels: &[Channel],
    tenant: &str,
    clients: usize,
    deadline: Instant,
    limit: Option<usize>,
) -> Result<Measured, BoxError> {
    drive_at(work, channels, tenant, clients, deadline, limit, None).await
}

/// [`drive`] paced at `rate` calls a second in all (see `--paced-empty`).
pub async fn drive_paced(
    work: Arc<Work>,
    channels: &[Channel],
    tenant: &str,
    clients: usize,
    deadline: Instant,
    rate: f64,
) -> Result<Measured, BoxError> {
    drive_at(work, channels, tenant, clients, deadline, None, Some(rate)).await
}

async fn drive_at(
    work: Arc<Work>,
    channels: &[Channel],
    tenant: &str,
    clients: usize,
    deadline: Instant,
    limit: Option<usize>,
    pace: Option<f64>,
) -> Result<Measured, BoxError> {
    let budget = work.budget();
    let cap = match (budget, limit) {
        (Some(b), Some(l)) => Some(b.min(l)),
        (b, l) => b.or(l),
    };
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..clients.max(1) {
        let (work, next) = (work.clone(), next.clone());
        let channel = channels[worker % channels.len()].clone();
        let tenant = tenant.to_owned();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors: BTreeMap<String, u64> = BTreeMap::new();
            while Instant::now() < deadline {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if cap.is_some_and(|c| i >= c) {
                    break;
                }
                // Paced: call number i goes out i / rate seconds after the
                // start, whichever caller takes it.
                if let Some(rate) = pace.filter(|r| *r > 0.0) {
                    let due = started + std::time::Duration::from_secs_f64(i as f64 / rate);
                    if due >= deadline {
                        break;
                    }
                    tokio::time::sleep_until(due.into()).await;
                }
                let t = Instant::now();
                let result = work.call(channel.clone(), &tenant, i).await;
                latencies.push(u64::try_from(t.elapsed().as_nanos()).unwrap_or(u64::MAX));
                if let Err(key) = result {
                    *errors.entry(key).or_default() += 1;
                }
            }
            (latencies, errors)
        }));
    }
    let mut measured = Measured {
        latencies_ns: Vec::new(),
        errors: BTreeMap::new(),
        elapsed: std::time::Duration::ZERO,
        budget_spent: false,
    };
    for task in tasks {
        let (latencies, errors) = task.await?;
        measured.latencies_ns.extend(latencies);
        for (k, v) in errors {
            *measured.errors.entry(k).or_default() += v;
        }
    }
    measured.elapsed = started.elapsed();
    measured.budget_spent =
        budget.is_some_and(|b| next.load(Ordering::Relaxed) >= b && Instant::now() < deadline);
    Ok(measured)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn user(secret: &[u8]) -> User {
        User {
            id: "u".to_owned(),
            totp: totp_rs::Builder::new()
                .with_secret(secret.to_vec())
                .build()
                .unwrap(),
            spent_step: AtomicU64::new(unix_now() / STEP_SECONDS - 1),
            recovery_codes: Vec::new(),
        }
    }

    #[test]
    fn prepared_codes_are_the_codes_of_their_steps() {
        let users = [user(b"0123456789abcdefghij"), user(b"jihgfedcba9876543210")];
        let codes = PreparedCodes::new(&users);
        let now = unix_now() / STEP_SECONDS;
        for (u, user) in users.iter().enumerate() {
            // Prepared steps, and steps outside them computed on demand.
            for step in now - 3..now + 5 {
                assert_eq!(codes.right(&users, u, step), user.code(step));
            }
            // The wrong code matches no step the server could accept
            // during the next minute.
            for step in now - 1..now + 3 {
                assert_ne!(codes.wrong[u], user.code(step));
            }
            // Each step is claimed once: the current, then the next.
            assert_eq!(user.claim_step_at(now), Some(now));
            assert_eq!(user.claim_step_at(now), Some(now + 1));
            assert_eq!(user.claim_step_at(now), None);
            // A step boundary later, the step after is free again.
            assert_eq!(user.claim_step_at(now + 1), Some(now + 2));
        }
    }
}
