//! The sign-in challenge use cases: BeginChallenge, VerifyChallenge (TOTP and
//! recovery codes), CancelChallenge and RevokeTrustedDevices. Step-up
//! challenges (`step_up`) are these challenges, bound to a session.
//!
//! The order of a verification matters: the challenge and the lockout are
//! checked first; the code is checked in memory (constant time, at most one
//! argon2 verification); then one storage transaction consumes the code,
//! completes the challenge and records the audit event, each conditionally,
//! so two replicas can never both accept the same code.

use chrono::{DateTime, Utc};

use crate::bounds;
use crate::enrollment::ordered;
use crate::error::DomainError;
use crate::ids::UserRef;
use crate::lockout::{FailureAudit, LOCKOUT_SWAP_ATTEMPTS, LockoutRead, LockoutState, Refusal};
use crate::policy::{Compliance, Method, Policy};
use crate::ports::{
    AuditEvent, ChallengeRecord, ChallengeStatus, ClientInfo, Completion, Consume, LockoutGuard,
    NewChallenge, NewNotice, NewTrustedDevice, Offload, Store, StoredTotpState, TotpRecord,
    VerificationContext, VerifiedSession,
};
use crate::recovery;
use crate::secret::{MasterKey, SecretString, hex_lower};
use crate::service::Service;
use crate::totp::{self, Verification};

const CHALLENGE_PURPOSE: &str = "tollgate/v1/challenge-id";
const DEVICE_PURPOSE: &str = "tollgate/v1/trusted-device";
/// Random bytes in a challenge id (32 of its hex digits).
const CHALLENGE_ID_BYTES: usize = 16;
/// Hex digits of the creation time (milliseconds since the Unix epoch) that
/// lead a challenge id and its stored hash.
const CHALLENGE_TIME_DIGITS: usize = 12;
/// Hex digits of a stored challenge hash (the column holds 64).
const CHALLENGE_HASH_DIGITS: usize = 64;
/// Random bytes in a trusted-device token (64 hex digits).
const DEVICE_TOKEN_BYTES: usize = 32;

/// What to show a user whose only methods policy no longer allows.
pub const METHOD_WITHDRAWN_MESSAGE: &str =
    "Your organisation no longer allows your two-factor method. Set up another one to continue.";

/// What to show a user whom policy requires to hold a passkey or security
/// key, and who has only other methods.
pub const PHISHING_RESISTANT_MESSAGE: &str =
    "Your organisation requires a passkey or security key. Set one up to continue.";

/// Why a sign-in needs no second factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AllowReason {
    NotRequired,
    TrustedDevice,
    GraceLogin { logins_left: u32 },
}

/// What BeginChallenge decides.
#[derive(Debug)]
pub enum BeginOutcome {
    Allow(AllowReason),
    Challenge {
        challenge_id: SecretString,
        /// Default first.
        methods: Vec<Method>,
        expires_at: DateTime<Utc>,
        /// With WebAuthn offered: the options for
        /// `navigator.credentials.get`, as JSON.
        webauthn_options: Option<String>,
    },
    EnrollmentRequired {
        message: String,
    },
}

/// What the application tells us at sign-in.
#[derive(Debug, Default)]
pub struct BeginRequest<'a> {
    pub roles: &'a [String],
    /// Whose policy applies (e.g. "staff"); empty: the tenant's.
    pub audience: &'a str,
    pub trusted_device_token: &'a str,
    pub client: ClientInfo,
}

/// The user's answer to a challenge.
pub struct VerifyRequest<'a> {
    pub challenge_id: &'a str,
    pub method: Method,
    pub code: &'a str,
    pub remember_device: bool,
    pub client: ClientInfo,
    /// The application's session id (empty: none); see `step_up`.
    pub session_id: &'a str,
}

/// Never prints the code or the session id.
impl std::fmt::Debug for VerifyRequest<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifyRequest")
            .field("method", &self.method)
            .field("remember_device", &self.remember_device)
            .field("client", &self.client)
            .finish_non_exhaustive()
    }
}

/// A trusted-device token, for the user's browser once.
#[derive(Debug)]
pub struct TrustedDeviceGrant {
    pub token: SecretString,
    pub device_id: String,
    pub expires_at: DateTime<Utc>,
}

/// A successful verification.
#[derive(Debug)]
pub struct Verified {
    pub trusted_device: Option<TrustedDeviceGrant>,
    pub recovery_codes_remaining: u32,
    pub methods_used: Vec<Method>,
}

pub(crate) fn random_hex(bytes: usize) -> Result<String, DomainError> {
    let mut buf = vec![0u8; bytes];
    crate::random::fill(&mut buf)?;
    Ok(hex_lower(&buf))
}

/// What a challenge is stored under: its id's leading creation time, then
/// the keyed hash of the whole id (bound to the tenant and user), cut to the
/// column's 64 digits (still 208 bits). Leading with the time puts new
/// challenges at the end of the index, so a batch of BeginChallenge writes
/// one index page instead of one per challenge at random places.
fn challenge_hash(
    key: &MasterKey,
    user: &UserRef,
    challenge_id: &str,
) -> Result<String, DomainError> {
    let time_digits = time_digits(challenge_id)?;
    let mac = hex_lower(&key.keyed_hash(&user.binding(CHALLENGE_PURPOSE), challenge_id.as_bytes()));
    let (time, _) = challenge_id.split_at(time_digits);
    let (mac, _) = mac.split_at(CHALLENGE_HASH_DIGITS - time_digits);
    Ok(format!("{time}{mac}"))
}

/// How many leading hex digits of a well-formed challenge id are its time;
/// `InvalidArgument` for anything BeginChallenge did not return.
fn time_digits(challenge_id: &str) -> Result<usize, DomainError> {
    let time_digits = match challenge_id.len() {
        n if n == CHALLENGE_TIME_DIGITS + CHALLENGE_ID_BYTES * 2 => Some(CHALLENGE_TIME_DIGITS),
        // An id from before ids led with their time: a sign-in begun before
        // an upgrade can still finish after it.
        n if n == CHALLENGE_ID_BYTES * 2 => Some(0),
        _ => None,
    };
    let Some(time_digits) = time_digits.filter(|_| {
        challenge_id
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    }) else {
        return Err(DomainError::invalid(
            "challenge_id",
            "must be the challenge id BeginChallenge returned",
        ));
    };
    Ok(time_digits)
}

/// A new challenge id: its creation time in milliseconds (12 hex digits,
/// not secret: the caller has just begun it) and 128 random bits.
pub(crate) fn new_challenge_id(now: DateTime<Utc>) -> Result<String, DomainError> {
    let millis = u64::try_from(now.timestamp_millis()).unwrap_or(0) & 0xffff_ffff_ffff;
    Ok(format!(
        "{millis:0width$x}{}",
        random_hex(CHALLENGE_ID_BYTES)?,
        width = CHALLENGE_TIME_DIGITS
    ))
}

impl<S: Store, O: Offload> Service<S, O> {
    pub(crate) fn challenge_hash(
        &self,
        user: &UserRef,
        challenge_id: &str,
    ) -> Result<String, DomainError> {
        challenge_hash(self.keys.current(), user, challenge_id)
    }

    /// Runs `read` with the hash of the challenge id under the current key
    /// and, while it finds nothing, under each previous key, so a sign-in
    /// begun before a key rotation can finish after it (the extra reads
    /// happen only for ids the current key does not find, and only while
    /// previous keys are configured). Returns the hash that found it.
    pub(crate) async fn find_challenge<T, F, Fut>(
        &self,
        user: &UserRef,
        challenge_id: &str,
        read: F,
    ) -> Result<(String, T), DomainError>
    where
        F: Fn(String) -> Fut,
        Fut: Future<Output = Result<Option<T>, DomainError>>,
    {
        for key in self.keys.all() {
            let id_hash = challenge_hash(key, user, challenge_id)?;
            if let Some(found) = read(id_hash.clone()).await? {
                return Ok((id_hash, found));
            }
        }
        Err(DomainError::ChallengeNotFound)
    }

    /// Methods the user can answer a challenge with, default first.
    /// Also says whether the user has any method enabled, allowed or not.
    pub(crate) async fn challenge_methods(
        &self,
        user: &UserRef,
        policy: &Policy,
    ) -> Result<(Vec<Method>, bool), DomainError> {
        let stored = self.store.methods(user).await?;
        let recovery_remaining = stored.recovery_remaining;
        let enabled = ordered(stored);
        let enrolled = !enabled.is_empty();
        let mut methods: Vec<Method> = enabled
            .into_iter()
            .filter(|m| policy.allowed_methods.contains(m))
            .collect();
        if !methods.is_empty()
            && policy.allowed_methods.contains(&Method::RecoveryCode)
            && recovery_remaining > 0
        {
            methods.push(Method::RecoveryCode);
        }
        Ok((methods, enrolled))
    }

    pub async fn begin_challenge(
        &self,
        user: &UserRef,
        request: BeginRequest<'_>,
    ) -> Result<BeginOutcome, DomainError> {
        bounds::check_request(
            request.roles,
            request.audience,
            Some(&request.client),
            Some(("trusted_device_token", request.trusted_device_token)),
        )?;
        let now = self.clock.now();
        let policy = self.policy_for(user, request.audience).await?;
        if !policy.two_factor_enabled {
            return Ok(BeginOutcome::Allow(AllowReason::NotRequired));
        }
        let (methods, enrolled) = self.challenge_methods(user, &policy).await?;
        if methods.is_empty() && enrolled {
            // The user turned 2FA on, but policy no longer allows their
            // method: never fall back to no second factor.
            return Ok(BeginOutcome::EnrollmentRequired {
                message: METHOD_WITHDRAWN_MESSAGE.to_owned(),
            });
        }
        if methods.is_empty() {
            return self
                .begin_without_methods(user, &policy, request.roles, now)
                .await;
        }
        if policy.phishing_resistant_required(request.roles, now)
            && !methods.contains(&Method::WebAuthn)
        {
            // Other methods do not satisfy it: never a challenge the
            // policy would not accept.
            return Ok(BeginOutcome::EnrollmentRequired {
                message: PHISHING_RESISTANT_MESSAGE.to_owned(),
            });
        }
        if policy.trusted_devices_allowed
            && self.trusted_device_lets_in(user, &request, now).await?
        {
            return Ok(BeginOutcome::Allow(AllowReason::TrustedDevice));
        }
        let challenge_id = SecretString::new(new_challenge_id(now)?);
        let expires_at = now + policy.challenge_ttl;
        let webauthn = if methods.contains(&Method::WebAuthn) {
            self.webauthn_sign_in(user, request.audience).await?
        } else {
            None
        };
        let (webauthn_options, webauthn_state) = webauthn.unzip();
        self.store
            .create_challenge(
                user,
                NewChallenge {
                    id_hash: self.challenge_hash(user, challenge_id.expose())?,
                    methods: methods.clone(),
                    audience: request.audience.to_owned(),
                    created_at: now,
                    expires_at,
                    client: request.client,
                    webauthn_state,
                    session_hash: None,
                },
            )
            .await?;
        Ok(BeginOutcome::Challenge {
            challenge_id,
            methods,
            expires_at,
            webauthn_options,
        })
    }

    /// Whether the request's trusted-device token names one of the user's
    /// unrevoked, unexpired devices (tried under every key); the sign-in it
    /// lets through is audited.
    async fn trusted_device_lets_in(
        &self,
        user: &UserRef,
        request: &BeginRequest<'_>,
        now: DateTime<Utc>,
    ) -> Result<bool, DomainError> {
        if request.trusted_device_token.is_empty() {
            return Ok(false);
        }
        let hashes: Vec<String> = self
            .secret_hashes(user, DEVICE_PURPOSE, request.trusted_device_token)
            .collect();
        let Some(device_id) = self.store.trusted_device(user, &hashes, now).await? else {
            return Ok(false);
        };
        let mut event = self.audit_event(user, "challenge.trusted_device", None, &request.client);
        event.details.push(("device_id".to_owned(), device_id));
        self.record_audit(event).await?;
        Ok(true)
    }

    /// A user with no method: allowed when policy does not require 2FA;
    /// while grace logins remain, allowed with one counted (atomically);
    /// otherwise sent to enrolment. Nothing is stored for a user with
    /// nothing to keep: only a counted grace login makes the user's row, so
    /// made-up user ids leave no trace.
    async fn begin_without_methods(
        &self,
        user: &UserRef,
        policy: &Policy,
        roles: &[String],
        now: DateTime<Utc>,
    ) -> Result<BeginOutcome, DomainError> {
        let (required, _) = policy.requirement(roles, now);
        if !required {
            return Ok(BeginOutcome::Allow(AllowReason::NotRequired));
        }
        if policy.grace_logins > 0
            && let Some(used) = self
                .store
                .take_grace_login(user, policy.grace_logins, now)
                .await?
        {
            let logins_left = policy.grace_logins.saturating_sub(used);
            let mut event =
                self.audit_event(user, "challenge.grace_login", None, &ClientInfo::default());
            event
                .details
                .push(("grace_logins_left".to_owned(), logins_left.to_string()));
            self.record_audit(event).await?;
            return Ok(BeginOutcome::Allow(AllowReason::GraceLogin { logins_left }));
        }
        let verdict = policy.verdict(roles, false, policy.grace_logins, now);
        debug_assert_eq!(verdict.state, Compliance::MustEnroll);
        Ok(BeginOutcome::EnrollmentRequired {
            message: verdict.message(),
        })
    }

    pub async fn cancel_challenge(
        &self,
        user: &UserRef,
        challenge_id: &str,
    ) -> Result<(), DomainError> {
        self.find_challenge(user, challenge_id, |id_hash| async move {
            let cancelled = self.store.cancel_challenge(user, &id_hash).await?;
            Ok(cancelled.then_some(()))
        })
        .await
        .map(|_| ())
    }

    pub async fn revoke_trusted_devices(
        &self,
        user: &UserRef,
        device_id: Option<&str>,
    ) -> Result<u32, DomainError> {
        let now = self.clock.now();
        let revoked = self
            .store
            .revoke_trusted_devices(user, device_id, now)
            .await?;
        let mut event = self.audit_event(
            user,
            "trusted_devices.revoked",
            None,
            &ClientInfo::default(),
        );
        event
            .details
            .push(("count".to_owned(), revoked.to_string()));
        if let Some(id) = device_id {
            event.details.push(("device_id".to_owned(), id.to_owned()));
        }
        self.record_audit(event).await?;
        Ok(revoked)
    }

    /// How many sign-in challenges are open right now, across tenants.
    pub async fn open_challenges(&self) -> Result<u64, DomainError> {
        self.store.count_open_challenges(self.clock.now()).await
    }

    pub async fn verify_challenge(
        &self,
        user: &UserRef,
        request: VerifyRequest<'_>,
    ) -> Result<Verified, DomainError> {
        // A malformed id (or client detail) is refused before anything is
        // read or audited.
        time_digits(request.challenge_id)?;
        bounds::check_request(&[], "", Some(&request.client), None)?;
        crate::step_up::check_session_id("session_id", request.session_id, false)?;
        let failure = FailureAudit {
            method: request.method,
            client: &request.client,
        };
        let Refusal { error, audited } =
            match self.verify_open_challenge(user, &request, failure).await {
                Ok(verified) => return Ok(verified),
                Err(refusal) => refusal,
            };
        if !audited {
            match &error {
                // A made-up (or long gone) challenge id, and attempts while
                // locked (the lock wrote its one `user.locked_out` event):
                // anyone can send these in a loop, so they are counted, not
                // written.
                DomainError::ChallengeNotFound | DomainError::LockedOut { .. } => {
                    self.observe_skipped("challenge.verified", error.reason());
                }
                _ => {
                    self.record_audit(self.failure_event(user, failure, &error))
                        .await?;
                }
            }
        }
        Err(error)
    }

    async fn verify_open_challenge(
        &self,
        user: &UserRef,
        request: &VerifyRequest<'_>,
        failure: FailureAudit<'_>,
    ) -> Result<Verified, Refusal> {
        let now = self.clock.now();
        let (id_hash, context, policy) = self.open_verification(user, request, now).await?;
        let id_hash = id_hash.as_str();
        let VerificationContext {
            challenge,
            lockout: (lockout, lockout_version),
            totp,
            recovery_remaining,
        } = context;
        // Before the answer is looked at (see `step_up`).
        let session = self.verified_session(user, &challenge, request, now)?;
        let lockout_policy = LockoutRead {
            policy: policy.lockout(),
            state: lockout,
            version: lockout_version,
            failure: Some(failure),
            notify: policy.security_notifications,
        };

        let consume = match request.method {
            Method::Totp => {
                self.check_totp(user, totp, request.code, now, &lockout_policy)
                    .await?
            }
            Method::RecoveryCode => {
                self.check_recovery_code(user, request.code, now, &lockout_policy)
                    .await?
            }
            Method::Email | Method::Sms => {
                self.check_sent_code(user, &challenge, request, &policy, now, &lockout_policy)
                    .await?
            }
            Method::WebAuthn => {
                self.check_webauthn(user, &challenge, request.code, now, &lockout_policy)
                    .await?
            }
        };
        let (grant, device) = if request.remember_device && policy.trusted_devices_allowed {
            let (grant, device) = self.new_trusted_device(user, request, &policy, now)?;
            (Some(grant), Some(device))
        } else {
            (None, None)
        };
        let kind = crate::step_up::verified_kind(&challenge);
        let mut event = self.audit_event(user, kind, Some(request.method), &request.client);
        if let Some(grant) = &grant {
            event
                .details
                .push(("trusted_device_id".to_owned(), grant.device_id.clone()));
        }
        let remaining = match request.method {
            Method::RecoveryCode => recovery_remaining.saturating_sub(1),
            _ => recovery_remaining,
        };
        let notices = self.sign_in_notices(&policy, &event, remaining, grant.is_some())?;
        self.complete(
            user,
            id_hash,
            Completing {
                consume,
                now,
                device,
                session,
                event,
                notices,
            },
            (lockout, lockout_version),
        )
        .await?;
        Ok(Verified {
            trusted_device: grant,
            recovery_codes_remaining: remaining,
            methods_used: vec![request.method],
        })
    }

    /// Reads what a verification needs and checks that it may go on: the
    /// challenge open and unexpired, the user not locked out, the method
    /// one the challenge offers. One read brings the challenge, the lockout
    /// row, the TOTP credential and the recovery count; the policy comes
    /// from the cache, so a verification reads the database once before it
    /// writes.
    async fn open_verification(
        &self,
        user: &UserRef,
        request: &VerifyRequest<'_>,
        now: DateTime<Utc>,
    ) -> Result<(String, VerificationContext, Policy), DomainError> {
        let (id_hash, context) = self
            .find_challenge(user, request.challenge_id, |id_hash| async move {
                self.store.verification(user, &id_hash).await
            })
            .await?;
        let challenge = &context.challenge;
        if challenge.status != ChallengeStatus::Open {
            return Err(DomainError::ChallengeNotFound);
        }
        if challenge.expires_at <= now {
            return Err(DomainError::ChallengeExpired);
        }
        let policy = self.policy_for(user, &challenge.audience).await?;
        context.lockout.0.check(now)?;
        if !challenge.methods.contains(&request.method) {
            return Err(DomainError::MethodNotAllowed);
        }
        Ok((id_hash, context, policy))
    }

    /// A new trusted device for `user`: the grant the caller hands on (its
    /// token, in clear, only there) and the row to store (the token's keyed
    /// hash).
    fn new_trusted_device(
        &self,
        user: &UserRef,
        request: &VerifyRequest<'_>,
        policy: &Policy,
        now: DateTime<Utc>,
    ) -> Result<(TrustedDeviceGrant, NewTrustedDevice), DomainError> {
        let token = SecretString::new(random_hex(DEVICE_TOKEN_BYTES)?);
        let device_id = random_hex(8)?;
        let expires_at = now + policy.trusted_device_ttl;
        let token_hash = hex_lower(
            &self
                .keys
                .current()
                .keyed_hash(&user.binding(DEVICE_PURPOSE), token.expose().as_bytes()),
        );
        let device = NewTrustedDevice {
            device_id: device_id.clone(),
            token_hash,
            created_at: now,
            expires_at,
            client: request.client.clone(),
        };
        let grant = TrustedDeviceGrant {
            token,
            device_id,
            expires_at,
        };
        Ok((grant, device))
    }

    /// Completes the challenge with a code found right, guarded by the
    /// lockout row read at `(lockout, version)`.
    async fn complete(
        &self,
        user: &UserRef,
        id_hash: &str,
        completing: Completing,
        (lockout, version): (LockoutState, i64),
    ) -> Result<(), Refusal> {
        let Completing {
            consume,
            now,
            device,
            session,
            event,
            notices,
        } = completing;
        // The completion depends on the lockout row as read, and clears it
        // in the same write: a success never clears failures (or a lock)
        // that parallel guesses counted meanwhile, and with one attempt
        // left, a burst of guesses gets one looked at (the first to count a
        // failure or complete). A row changed without a lock (another guess
        // counted and attempts remain) lets this code try again from the
        // row as it is now; a lock ends it.
        let (mut state, mut version) = (lockout, version);
        for _ in 0..LOCKOUT_SWAP_ATTEMPTS {
            let guard = LockoutGuard {
                version,
                reset: state.after_success() != state,
            };
            match self
                .store
                .complete_challenge(
                    user,
                    id_hash,
                    consume.clone(),
                    now,
                    device.clone(),
                    session.clone(),
                    event.clone(),
                    notices.clone(),
                    guard,
                )
                .await?
            {
                Completion::Completed => return Ok(()),
                Completion::CodeAlreadyUsed => return Err(DomainError::CodeAlreadyUsed.into()),
                Completion::ChallengeClosed => return Err(DomainError::ChallengeNotFound.into()),
                Completion::LockoutChanged => {
                    (state, version) = self.store.lockout(user).await?;
                    state.check(now)?;
                }
            }
        }
        Err(DomainError::StorageUnavailable.into())
    }

    async fn check_totp(
        &self,
        user: &UserRef,
        record: Option<TotpRecord>,
        code: &str,
        now: DateTime<Utc>,
        lockout: &LockoutRead<'_>,
    ) -> Result<Consume, Refusal> {
        let record = match record {
            Some(r) if r.state == StoredTotpState::Enabled => r,
            _ => return Err(DomainError::MethodNotAllowed.into()),
        };
        let code = totp::normalize_code(code, record.params.digits)
            .map_err(|v| DomainError::InvalidArgument(vec![v]))?;
        let secret = self.open_secret(user, &record)?;
        match totp::verify(
            &secret,
            &record.params,
            &code,
            now.timestamp(),
            record.last_used_step,
        )? {
            Verification::Accepted { step } => Ok(Consume::TotpStep(step)),
            Verification::AlreadyUsed => Err(DomainError::CodeAlreadyUsed.into()),
            Verification::Mismatch => Err(self.count_failure(user, now, lockout).await?),
        }
    }

    async fn check_recovery_code(
        &self,
        user: &UserRef,
        code: &str,
        now: DateTime<Utc>,
        lockout: &LockoutRead<'_>,
    ) -> Result<Consume, Refusal> {
        let canonical = recovery::normalize_any(code).ok_or_else(|| {
            DomainError::invalid("code", "must be a recovery code such as ABCD-EFGH")
        })?;
        let codes = self.store.recovery_codes(user).await?;
        // The lookup tag picks the one row worth an argon2 verification:
        // an unspent one. A code whose tag only a spent code carries is
        // answered CODE_ALREADY_USED without a hash, so replaying a spent
        // code in a loop costs no argon2 (and stalls no other recovery,
        // enrolment or regeneration); like every replay, it is not counted
        // as a guess (a fresh guess lands on a spent code's 16-bit tag
        // about once in 65,536 tries per spent code, and learns nothing).
        //
        // Unspent codes tagged under a key that is no longer configured
        // cannot be picked by their tag: each of them is checked as well
        // (a set is a handful of codes), so a retired key neither locks
        // their owner out nor counts a right code as a wrong guess.
        let mut candidates = Vec::new();
        let mut spent_match = false;
        for row in codes {
            let tagged = match self.keys.get(&row.code.key_id) {
                Some(key) => recovery::lookup_tag(key, user, &canonical) == row.code.lookup_tag,
                None => !row.spent,
            };
            match (tagged, row.spent) {
                (true, false) => candidates.push((row.id, row.code.hash)),
                (true, true) => spent_match = true,
                (false, _) => {}
            }
        }
        if candidates.is_empty() {
            if spent_match {
                return Err(DomainError::CodeAlreadyUsed.into());
            }
            return Err(self.count_failure(user, now, lockout).await?);
        }
        let hashes: Vec<String> = candidates.iter().map(|(_, hash)| hash.clone()).collect();
        let matched = self
            .offload
            .run(move || {
                hashes
                    .iter()
                    .position(|hash| recovery::verify(&canonical, hash))
            })
            .await?;
        match matched {
            Some(index) => Ok(Consume::RecoveryCode(candidates[index].0)),
            None => Err(self.count_failure(user, now, lockout).await?),
        }
    }

    /// Checks an email/SMS code against the one last sent for the challenge.
    async fn check_sent_code(
        &self,
        user: &UserRef,
        challenge: &ChallengeRecord,
        request: &VerifyRequest<'_>,
        policy: &Policy,
        now: DateTime<Utc>,
        lockout: &LockoutRead<'_>,
    ) -> Result<Consume, Refusal> {
        let code = totp::normalize_code(request.code, policy.code_length)
            .map_err(|v| DomainError::InvalidArgument(vec![v]))?;
        let Some((sent_hash, sent_method, expires_at)) = &challenge.code else {
            return Err(self.count_failure(user, now, lockout).await?);
        };
        let hash = self.sent_code_hash(user, &code, sent_hash);
        let Some(hash) = hash.filter(|_| *sent_method == request.method) else {
            return Err(self.count_failure(user, now, lockout).await?);
        };
        if *expires_at <= now {
            return Err(DomainError::CodeExpired.into());
        }
        Ok(Consume::ChallengeCode(hash))
    }
}

/// What a completion writes besides closing the challenge.
struct Completing {
    consume: Consume,
    now: DateTime<Utc>,
    device: Option<NewTrustedDevice>,
    /// The application session to record as verified, if any.
    session: Option<VerifiedSession>,
    event: AuditEvent,
    /// Security notifications, written with the completion.
    notices: Vec<NewNotice>,
}

#[cfg(test)]
mod tests;
