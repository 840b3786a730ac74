//! The enrolment and recovery-code use cases: what BeginTotp, ConfirmTotp,
//! GetEnrollment, DisableMethod, RegenerateCodes and GetRecoveryStatus do,
//! independent of the wire and the database.
use chrono::{DateTime, Utc};

use crate::error::DomainError;
use crate::ids::UserRef;
use crate::notification::{NoticeDetails, disabled_kind, enabled_kind};
use crate::policy::{Method, Policy, Verdict};
use crate::ports::{
    AuditEvent, ClientInfo, MessageKind, NewRecoverySet, Offload, PendingTotp, RecoveryOnEnable,
    RecoveryStatus, Store, StoredTotpState, TotpRecord, UserMethods,
};
use crate::recovery::{self, StoredCode};
use crate::secret::SecretString;
use crate::service::{Service, TOTP_SEED_PURPOSE};
use crate::totp::{self, TotpParams, Verification};

/// The authenticator-app state a user sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TotpState {
    NotConfigured,
    Pending { expires_at: DateTime<Utc> },
    Enabled { confirmed_at: DateTime<Utc> },
}

/// What GetEnrollment reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrollmentView {
    pub totp: TotpState,
    /// Enabled methods, default first.
    pub enabled_methods: Vec<Method>,
    pub recovery_codes_remaining: u32,
}

impl EnrollmentView {
    pub fn default_method(&self) -> Option<Method> {
        self.enabled_methods.first().copied()
    }
}

/// The user's enabled methods, their default first.
pub(crate) fn ordered(methods: UserMethods) -> Vec<Method> {
    let UserMethods {
        mut enabled,
        default,
        ..
    } = methods;
    enabled.sort();
    if let Some(default) = default
        && let Some(at) = enabled.iter().position(|m| *m == default)
    {
        let chosen = enabled.remove(at);
        enabled.insert(0, chosen);
    }
    enabled
}

/// What BeginTotp hands to the user, once.
#[derive(Debug)]
pub struct TotpSetup {
    pub secret_base32: SecretString,
    pub otpauth_uri: SecretString,
    pub expires_at: DateTime<Utc>,
    pub params: TotpParams,
    pub issuer: String,
    pub account_name: String,
}

/// What ConfirmTotp returns.
#[derive(Debug)]
pub struct TotpConfirmed {
    pub confirmed_at: DateTime<Utc>,
    /// The first recovery codes, when this enabled 2FA for the user.
    pub recovery_codes: Vec<SecretString>,
}

/// A fresh recovery set, for the user once.
#[derive(Debug)]
pub struct RecoveryCodes {
    pub codes: Vec<SecretString>,
    pub generated_at: DateTime<Utc>,
}

impl<S: Store, O: Offload> Service<S, O> {
    fn totp_state(record: Option<&TotpRecord>, now: DateTime<Utc>) -> TotpState {
        match record {
            Some(r) if r.state == StoredTotpState::Enabled => TotpState::Enabled {
                confirmed_at: r.confirmed_at.unwrap_or(r.created_at),
            },
            Some(r) => match r.pending_expires_at {
                Some(expires_at) if expires_at > now => TotpState::Pending { expires_at },
                _ => TotpState::NotConfigured,
            },
            None => TotpState::NotConfigured,
        }
    }

    pub async fn get_enrollment(&self, user: &UserRef) -> Result<EnrollmentView, DomainError> {
        let now = self.clock.now();
        let record = self.store.totp(user).await?;
        let totp = Self::totp_state(record.as_ref(), now);
        let methods = self.store.methods(user).await?;
        Ok(EnrollmentView {
            totp,
            recovery_codes_remaining: methods.recovery_remaining,
            enabled_methods: ordered(methods),
        })
    }

    pub(crate) fn require_method_allowed(
        policy: &Policy,
        method: Method,
    ) -> Result<(), DomainError> {
        if !policy.two_factor_enabled {
            return Err(DomainError::PolicyForbids);
        }
        if !policy.allowed_methods.contains(&method) {
            return Err(DomainError::MethodNotAllowed);
        }
        Ok(())
    }

    pub async fn begin_totp(
        &self,
        user: &UserRef,
        account_name: &str,
        audience: &str,
    ) -> Result<TotpSetup, DomainError> {
        let policy = self.policy_for(user, audience).await?;
        Self::require_method_allowed(&policy, Method::Totp)?;
        let account_name = if account_name.is_empty() {
            user.user.as_str()
        } else {
            account_name
        };
        if account_name.chars().count() > 256 || account_name.chars().any(char::is_control) {
            return Err(DomainError::invalid(
                "account_name",
                "must be at most 256 characters without control characters",
            ));
        }
        if let Some(TotpRecord {
            state: StoredTotpState::Enabled,
            ..
        }) = self.store.totp(user).await?
        {
            return Err(DomainError::AlreadyEnabled);
        }
        let secret = totp::generate_secret()?;
        let params = policy.totp;
        let otpauth_uri = totp::otpauth_uri(&secret, &params, &policy.issuer, account_name)?;
        let now = self.clock.now();
        let expires_at = now + policy.pending_enrollment_ttl;
        let sealed_secret = self
            .keys
            .current()
            .seal(secret.expose(), &user.binding(TOTP_SEED_PURPOSE))?;
        self.store
            .save_pending_totp(
                user,
                PendingTotp {
                    sealed_secret,
                    params,
                    created_at: now,
                    expires_at,
                },
            )
            .await?;
        Ok(TotpSetup {
            secret_base32: totp::to_base32(&secret),
            otpauth_uri,
            expires_at,
            params,
            issuer: policy.issuer.clone(),
            account_name: account_name.to_owned(),
        })
    }

    pub async fn confirm_totp(
        &self,
        user: &UserRef,
        code: &str,
        client: &ClientInfo,
    ) -> Result<TotpConfirmed, DomainError> {
        crate::bounds::check_request(&[], "", Some(client), None)?;
        let now = self.clock.now();
        let policy = self.policy_for(user, "").await?;
        if !policy.two_factor_enabled {
            return Err(DomainError::PolicyForbids);
        }
        let record = self.store.totp(user).await?;
        let record = match record {
            Some(r) if r.state == StoredTotpState::Enabled => {
                return Err(DomainError::AlreadyEnabled);
            }
            Some(r) if r.pending_expires_at.is_some_and(|at| at > now) => r,
            _ => return Err(DomainError::NoPendingEnrollment),
        };
        let code = totp::normalize_code(code, record.params.digits)
            .map_err(|v| DomainError::InvalidArgument(vec![v]))?;
        let secret = self.open_secret(user, &record)?;
        let step = match totp::verify(&secret, &record.params, &code, now.timestamp(), None)? {
            Verification::Accepted { step } => step,
            Verification::AlreadyUsed | Verification::Mismatch => {
                return Err(DomainError::CodeMismatch {
                    attempts_left: None,
                });
            }
        };
        let shown = self
            .enable_with_recovery(user, &policy, now, |recovery| {
                self.store
                    .enable_totp(user, record.version, now, step, recovery)
            })
            .await?;
        let event = self.audit_event(user, "totp.enabled", Some(Method::Totp), client);
        let notice = policy
            .security_notifications
            .then(|| (enabled_kind(!shown.is_empty()), NoticeDetails::of(&event)));
        self.record_noticed(user, event, notice).await?;
        Ok(TotpConfirmed {
            confirmed_at: now,
            recovery_codes: shown,
        })
    }

    /// Enables a method through `enable` and returns the recovery codes it
    /// brings: a new set (shown once, and stored) when it is the user's
    /// first method, since that turns 2FA on; none otherwise, so the set
    /// the user already keeps stays good. The set is made (argon2, off the
    /// executor) only when the user has no method now; the store decides
    /// again inside its transaction, so when a method was enabled in
    /// between the set is dropped, and when the last one was disabled in
    /// between the store asks for one and `enable` runs again with it.
    pub(crate) async fn enable_with_recovery<F, Fut>(
        &self,
        user: &UserRef,
        policy: &Policy,
        now: DateTime<Utc>,
        enable: F,
    ) -> Result<Vec<SecretString>, DomainError>
    where
        F: Fn(Option<NewRecoverySet>) -> Fut,
        Fut: Future<Output = Result<RecoveryOnEnable, DomainError>>,
    {
        let (mut shown, mut recovery) = (Vec::new(), None);
        if self.store.methods(user).await?.enabled.is_empty() {
            let (codes, set) = self.new_recovery_set(user, policy, now).await?;
            (shown, recovery) = (codes, Some(set));
        }
        let offered = recovery.is_some();
        let mut outcome = enable(recovery).await?;
        if outcome == RecoveryOnEnable::Needed && !offered {
            let (codes, set) = self.new_recovery_set(user, policy, now).await?;
            shown = codes;
            outcome = enable(Some(set)).await?;
        }
        match outcome {
            RecoveryOnEnable::Stored => Ok(shown),
            RecoveryOnEnable::Kept => Ok(Vec::new()),
            RecoveryOnEnable::Needed => Err(DomainError::Internal(
                "the store asked for a recovery set it was given",
            )),
        }
    }

    /// A new set generated at `now` (cheap) and hashed off the executor
    /// (argon2): the codes to show once, and what the store keeps.
    pub(crate) async fn new_recovery_set(
        &self,
        user: &UserRef,
        policy: &Policy,
        now: DateTime<Utc>,
    ) -> Result<(Vec<SecretString>, NewRecoverySet), DomainError> {
        let count = policy.recovery_code_count as usize;
        let key = self.keys.current();
        let generated = recovery::generate_set(count, key, user)?;
        let key_id = key.id().to_owned();
        self.offload
            .run(move || {
                let mut shown = Vec::with_capacity(generated.len());
                let mut stored = Vec::with_capacity(generated.len());
                for code in generated {
                    stored.push(StoredCode {
                        lookup_tag: code.lookup_tag,
                        key_id: key_id.clone(),
                        hash: recovery::hash(&code.canonical)?,
                    });
                    shown.push(code.display);
                }
                Ok((
                    shown,
                    NewRecoverySet {
                        codes: stored,
                        generated_at: now,
                    },
                ))
            })
            .await?
    }

    /// Disables one method, or all with `None`, unless that would leave a
    /// user whom policy requires to use 2FA without a method and policy
    /// forbids it (`POLICY_FORBIDS`). Returns the view afterwards.
    pub async fn disable_method(
        &self,
        user: &UserRef,
        method: Option<Method>,
        roles: &[String],
        audience: &str,
        client: &ClientInfo,
    ) -> Result<EnrollmentView, DomainError> {
        crate::bounds::check_request(roles, audience, Some(client), None)?;
        if method == Some(Method::RecoveryCode) {
            return Err(DomainError::invalid(
                "method",
                "recovery codes go with the other methods; disable those instead",
            ));
        }
        let now = self.clock.now();
        let enabled = self.store.methods(user).await?.enabled;
        let targets: Vec<Method> = match method {
            None => enabled.clone(),
            Some(m) => enabled.iter().copied().filter(|e| *e == m).collect(),
        };
        if !targets.is_empty() && targets.len() == enabled.len() {
            // This turns 2FA off for the user.
            let policy = self.policy_for(user, audience).await?;
            let (required, _) = policy.requirement(roles, now);
            if required && !policy.allow_self_disable_when_required {
                return Err(DomainError::PolicyForbids);
            }
        }
        let count = targets.len();
        for (i, target) in targets.into_iter().enumerate() {
            let removed = match target {
                Method::Totp => self.store.disable_totp(user, now).await?,
                other => self.store.disable_contact_method(user, other, now).await?,
            };
            if removed {
                let event = self.audit_event(user, "method.disabled", Some(target), client);
                // Turning all off sends one notice, with the last.
                let notice = if method.is_none() && i + 1 < count {
                    None
                } else {
                    self.removal_notice(user, &event).await?
                };
                self.record_noticed(user, event, notice).await?;
            }
        }
        self.get_enrollment(user).await
    }

    pub async fn regenerate_codes(
        &self,
        user: &UserRef,
        client: &ClientInfo,
    ) -> Result<RecoveryCodes, DomainError> {
        crate::bounds::check_request(&[], "", Some(client), None)?;
        let view = self.get_enrollment(user).await?;
        if view.enabled_methods.is_empty() {
            return Err(DomainError::NotEnrolled);
        }
        let now = self.clock.now();
        let policy = self.policy_for(user, "").await?;
        let (shown, set) = self.new_recovery_set(user, &policy, now).await?;
        self.store.replace_recovery_codes(user, set).await?;
        let event = self.audit_event(user, "recovery_codes.regenerated", None, client);
        let notice = policy.security_notifications.then(|| {
            (
                MessageKind::RecoveryCodesRegenerated,
                NoticeDetails::of(&event),
            )
        });
        self.record_noticed(user, event, notice).await?;
        Ok(RecoveryCodes {
            codes: shown,
            generated_at: now,
        })
    }

    /// Administrator reset of a user's 2FA: every method, recovery codes,
    /// trusted devices, lockout and sessions' step-up records; audited with
    /// the actor and reason.
    pub async fn reset_user(
        &self,
        user: &UserRef,
        actor_id: &str,
        reason: &str,
    ) -> Result<(), DomainError> {
        crate::erasure::check_actor(actor_id, reason)?;
        let now = self.clock.now();
        let mut event = self.audit_event(user, "user.reset", None, &ClientInfo::default());
        event.actor_id = actor_id.to_owned();
        event.details.push(("reason".to_owned(), reason.to_owned()));
        // The user is told that 2FA was turned off, by an administrator,
        // if they had it on (the reason stays in the audit log).
        let mut notices = Vec::new();
        if self.notifies(user).await? && !self.store.methods(user).await?.enabled.is_empty() {
            let details = NoticeDetails {
                by_administrator: true,
                ..NoticeDetails::default()
            };
            notices.push(self.seal_notice(MessageKind::TwoFactorDisabled, &details, now)?);
        }
        self.store.reset_user(user, now, event, notices).await
    }

    /// The notice for a method just turned off (`event`), when the tenant
    /// opted in: "2FA turned off" if the user has no method left, else "a
    /// method removed".
    pub(crate) async fn removal_notice(
        &self,
        user: &UserRef,
        event: &AuditEvent,
    ) -> Result<Option<(MessageKind, NoticeDetails)>, DomainError> {
        if !self.notifies(user).await? {
            return Ok(None);
        }
        let none_left = self.store.methods(user).await?.enabled.is_empty();
        Ok(Some((disabled_kind(none_left), NoticeDetails::of(event))))
    }

    /// The policy's verdict on a user, and whether they have a method
    /// enabled. Reads only: grace logins are counted by BeginChallenge.
    pub async fn evaluate(
        &self,
        user: &UserRef,
        roles: &[String],
        audience: &str,
    ) -> Result<(Verdict, bool), DomainError> {
        crate::bounds::check_request(roles, audience, None, None)?;
        let policy = self.policy_for(user, audience).await?;
        let methods = self.get_enrollment(user).await?.enabled_methods;
        let grace_used = self.store.grace_logins_used(user).await?;
        let now = self.clock.now();
        // Compliant only with what policy asks of this user: where a
        // phishing-resistant method is required, a passkey or security key.
        let satisfied = policy.satisfied_by(&methods, roles, now);
        Ok((
            policy.verdict(roles, satisfied, grace_used, now),
            !methods.is_empty(),
        ))
    }

    pub async fn recovery_status(&self, user: &UserRef) -> Result<RecoveryStatus, DomainError> {
        self.store.recovery_status(user).await
    }
}
