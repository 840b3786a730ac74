//! Step-up ("confirm it's you"): an application asks for a fresh second
//! factor before a sensitive action (changing an email address, showing
//! recovery codes, turning 2FA off), even inside a valid session.
//!
//! The application names its own session by an opaque id, which tollgate
//! treats as a secret: only its keyed hash (bound to the tenant and user)
//! is stored. A verification that names a session (VerifyChallenge's
//! `session_id`) records, in the same guarded write that completes the
//! challenge, when the session passed and by which method
//! ([`VerifiedSession`]); nothing extra is written when none is named.
//!
//! CheckRecentVerification answers from that record, or begins a step-up
//! challenge: an ordinary challenge (lockout, single use and every rule of
//! VerifyChallenge apply unchanged) that carries the session's hash, so
//! verifying it records that session and no other. A trusted device never
//! skips it, and where phishing resistance is required (by the request or
//! by policy) only a passkey or security key is offered. EndSession and
//! ResetUser forget records; the retention purge deletes those that can no
//! longer satisfy any check ([`MAX_AGE_SECONDS`] after they were written,
//! plus the retention's grace for expired rows).
use chrono::{DateTime, TimeDelta, Utc};
use subtle::ConstantTimeEq;

use crate::bounds;
use crate::challenge::{VerifyRequest, new_challenge_id};
use crate::error::DomainError;
use crate::ids::UserRef;
use crate::policy::{Method, Policy};
use crate::ports::{
    ChallengeRecord, ClientInfo, NewChallenge, Offload, SessionRecord, Store, VerifiedSession,
};
use crate::secret::SecretString;
use crate::service::Service;

/// The keyed-hash purpose of application session ids.
const SESSION_PURPOSE: &str = "tollgate/v1/app-session";

/// The longest `max_age` a check accepts (24 hours): a record older than
/// this can satisfy no check, and is purged.
pub const MAX_AGE_SECONDS: i64 = 86_400;

/// The longest session id an application may pass.
pub const MAX_SESSION_ID_BYTES: usize = 256;

/// The audit kind of a step-up challenge begun.
pub const STEP_UP_BEGUN: &str = "step_up.begun";

/// The audit kind of a step-up challenge passed (a sign-in challenge's is
/// `challenge.verified`).
pub const STEP_UP_VERIFIED: &str = "step_up.verified";

/// The longest `max_age` as a duration.
pub fn max_age_bound() -> TimeDelta {
    TimeDelta::seconds(MAX_AGE_SECONDS)
}

/// CheckRecentVerification's question.
pub struct StepUpRequest<'a> {
    /// The application's session id (a secret: never printed).
    pub session_id: &'a str,
    pub max_age: TimeDelta,
    pub require_phishing_resistant: bool,
    pub roles: &'a [String],
    pub audience: &'a str,
    pub client: ClientInfo,
}

impl std::fmt::Debug for StepUpRequest<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StepUpRequest")
            .field("session_id", &"[redacted]")
            .field("max_age", &self.max_age)
            .field(
                "require_phishing_resistant",
                &self.require_phishing_resistant,
            )
            .field("roles", &self.roles)
            .field("audience", &self.audience)
            .finish_non_exhaustive()
    }
}

/// CheckRecentVerification's answer.
#[derive(Debug)]
pub enum StepUpOutcome {
    /// The session passed `method` at `verified_at`, within the max age.
    Satisfied {
        verified_at: DateTime<Utc>,
        method: Method,
    },
    /// A step-up challenge bound to the session, as BeginChallenge returns
    /// a sign-in challenge.
    Challenge {
        challenge_id: SecretString,
        /// Default first.
        methods: Vec<Method>,
        expires_at: DateTime<Utc>,
        webauthn_options: Option<String>,
    },
}

/// Checks a session id: at most [`MAX_SESSION_ID_BYTES`], and present
/// when `required`.
pub(crate) fn check_session_id(
    field: &str,
    session_id: &str,
    required: bool,
) -> Result<(), DomainError> {
    if required && session_id.is_empty() {
        return Err(DomainError::invalid(
            field,
            "must name the application's session",
        ));
    }
    if session_id.len() > MAX_SESSION_ID_BYTES {
        return Err(DomainError::invalid(
            field,
            &format!("must be at most {MAX_SESSION_ID_BYTES} bytes"),
        ));
    }
    Ok(())
}

/// When and how `record` last passed within `since`, counting only
/// phishing-resistant methods when `phishing_resistant`.
pub fn recent_enough(
    record: &SessionRecord,
    phishing_resistant: bool,
    since: DateTime<Utc>,
) -> Option<(DateTime<Utc>, Method)> {
    if phishing_resistant {
        return record
            .phishing_resistant_at
            .filter(|at| *at >= since)
            .map(|at| (at, Method::WebAuthn));
    }
    (record.verified_at >= since).then_some((record.verified_at, record.method))
}

/// The audit kind of a challenge's successful verification.
pub(crate) fn verified_kind(challenge: &ChallengeRecord) -> &'static str {
    match challenge.session_hash {
        Some(_) => STEP_UP_VERIFIED,
        None => "challenge.verified",
    }
}

impl<S: Store, O: Offload> Service<S, O> {
    /// Whether the session passed a second factor recently enough; if not,
    /// a step-up challenge bound to it.
    pub async fn check_recent_verification(
        &self,
        user: &UserRef,
        request: StepUpRequest<'_>,
    ) -> Result<StepUpOutcome, DomainError> {
        check_session_id("session_id", request.session_id, true)?;
        if request.max_age <= TimeDelta::zero() || request.max_age > max_age_bound() {
            return Err(DomainError::invalid(
                "max_age",
                "must be more than 0 and at most 24 hours",
            ));
        }
        bounds::check_request(request.roles, request.audience, Some(&request.client), None)?;
        let now = self.clock.now();
        let policy = self.policy_for(user, request.audience).await?;
        let phishing_resistant = request.require_phishing_resistant
            || policy.phishing_resistant_required(request.roles, now);
        let hashes: Vec<String> = self
            .secret_hashes(user, SESSION_PURPOSE, request.session_id)
            .collect();
        if let Some(record) = self.store.session(user, &hashes).await?
            && let Some((verified_at, method)) =
                recent_enough(&record, phishing_resistant, now - request.max_age)
        {
            return Ok(StepUpOutcome::Satisfied {
                verified_at,
                method,
            });
        }
        self.begin_step_up(user, &request, &policy, phishing_resistant, now)
            .await
    }

    /// Begins a step-up challenge with the methods policy allows the user
    /// (only WebAuthn when `phishing_resistant`), bound to the session;
    /// never skipped by a trusted device. Audited as `step_up.begun`.
    async fn begin_step_up(
        &self,
        user: &UserRef,
        request: &StepUpRequest<'_>,
        policy: &Policy,
        phishing_resistant: bool,
        now: DateTime<Utc>,
    ) -> Result<StepUpOutcome, DomainError> {
        let (mut methods, _) = self.challenge_methods(user, policy).await?;
        if phishing_resistant {
            methods.retain(|m| *m == Method::WebAuthn);
            if methods.is_empty() {
                return Err(DomainError::NoPhishingResistantMethod);
            }
        }
        if methods.is_empty() {
            return Err(DomainError::NotEnrolled);
        }
        let webauthn = if methods.contains(&Method::WebAuthn) {
            self.webauthn_sign_in(user, request.audience).await?
        } else {
            None
        };
        if phishing_resistant && webauthn.is_none() {
            return Err(DomainError::NoPhishingResistantMethod);
        }
        let (webauthn_options, webauthn_state) = webauthn.unzip();
        let challenge_id = SecretString::new(new_challenge_id(now)?);
        let expires_at = now + policy.challenge_ttl;
        self.store
            .create_challenge(
                user,
                NewChallenge {
                    id_hash: self.challenge_hash(user, challenge_id.expose())?,
                    methods: methods.clone(),
                    audience: request.audience.to_owned(),
                    created_at: now,
                    expires_at,
                    client: request.client.clone(),
                    webauthn_state,
                    session_hash: Some(self.secret_hash(user, SESSION_PURPOSE, request.session_id)),
                },
            )
            .await?;
        let mut event = self.audit_event(user, STEP_UP_BEGUN, None, &request.client);
        event.details.extend([
            (
                "max_age_seconds".to_owned(),
                request.max_age.num_seconds().to_string(),
            ),
            (
                "phishing_resistant".to_owned(),
                phishing_resistant.to_string(),
            ),
        ]);
        self.record_audit(event).await?;
        Ok(StepUpOutcome::Challenge {
            challenge_id,
            methods,
            expires_at,
            webauthn_options,
        })
    }

    /// Forgets the session's record (EndSession, at sign-out). Ending an
    /// unknown session is not an error.
    pub async fn end_session(&self, user: &UserRef, session_id: &str) -> Result<(), DomainError> {
        check_session_id("session_id", session_id, true)?;
        let hashes: Vec<String> = self
            .secret_hashes(user, SESSION_PURPOSE, session_id)
            .collect();
        self.store.end_session(user, &hashes).await?;
        Ok(())
    }

    /// The session a successful verification of `challenge` records, if
    /// any: a step-up challenge's own session (the request may repeat its
    /// id; another id is refused, before the answer is looked at, so it
    /// consumes nothing and counts no failure), or the session the request
    /// names.
    pub(crate) fn verified_session(
        &self,
        user: &UserRef,
        challenge: &ChallengeRecord,
        request: &VerifyRequest<'_>,
        now: DateTime<Utc>,
    ) -> Result<Option<VerifiedSession>, DomainError> {
        let session_id = request.session_id;
        let session_hash = match &challenge.session_hash {
            None if session_id.is_empty() => return Ok(None),
            None => self.secret_hash(user, SESSION_PURPOSE, session_id),
            Some(bound) if session_id.is_empty() => bound.clone(),
            Some(bound) => {
                let same = self
                    .secret_hashes(user, SESSION_PURPOSE, session_id)
                    .fold(subtle::Choice::from(0), |found, hash| {
                        found | hash.as_bytes().ct_eq(bound.as_bytes())
                    });
                if !bool::from(same) {
                    return Err(DomainError::invalid(
                        "session_id",
                        "is not the session this step-up challenge was begun for",
                    ));
                }
                bound.clone()
            }
        };
        Ok(Some(VerifiedSession {
            session_hash,
            method: request.method,
            verified_at: now,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(seconds, 0).unwrap()
    }

    #[test]
    fn a_record_is_recent_within_the_max_age_and_phishing_resistant_only_with_webauthn() {
        let record = SessionRecord {
            verified_at: at(1_000),
            method: Method::Totp,
            phishing_resistant_at: Some(at(900)),
        };
        assert_eq!(
            recent_enough(&record, false, at(1_000)),
            Some((at(1_000), Method::Totp))
        );
        assert_eq!(recent_enough(&record, false, at(1_001)), None);
        // The TOTP verification does not count; the passkey's, earlier, does.
        assert_eq!(
            recent_enough(&record, true, at(900)),
            Some((at(900), Method::WebAuthn))
        );
        assert_eq!(recent_enough(&record, true, at(901)), None);
        let never = SessionRecord {
            phishing_resistant_at: None,
            ..record
        };
        assert_eq!(recent_enough(&never, true, at(0)), None);
    }

    #[test]
    fn session_ids_are_bounded_and_required_where_named() {
        assert!(check_session_id("session_id", "", false).is_ok());
        assert!(check_session_id("session_id", "", true).is_err());
        assert!(check_session_id("session_id", &"s".repeat(256), true).is_ok());
        let long = check_session_id("session_id", &"s".repeat(257), false).unwrap_err();
        assert_eq!(long.reason(), "INVALID_ARGUMENT");
    }

    #[test]
    fn a_request_never_prints_its_session_id() {
        let request = StepUpRequest {
            session_id: "sess-0123456789",
            max_age: TimeDelta::minutes(5),
            require_phishing_resistant: false,
            roles: &[],
            audience: "",
            client: ClientInfo::default(),
        };
        assert!(!format!("{request:?}").contains("sess-0123456789"));
    }
}
