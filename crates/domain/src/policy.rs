//! The effective 2FA policy for a user (a tenant's, or an audience's
//! override of it), its defaults, and the verdict it gives on a user.
//!
//! A tenant without a stored policy runs on [`Policy::default`] with the
//! operator's issuer. Stored policies are serialised with serde; every field
//! has a default, so a document written before a field existed still reads.
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::totp::TotpParams;

/// Which users must use a second factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Enforcement {
    Optional,
    RequiredForAdmins,
    RequiredForAll,
}

/// A second factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    Totp,
    Email,
    Sms,
    RecoveryCode,
    /// A passkey or security key (WebAuthn).
    WebAuthn,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Totp => "totp",
            Self::Email => "email",
            Self::Sms => "sms",
            Self::RecoveryCode => "recovery_code",
            Self::WebAuthn => "webauthn",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            Self::Totp,
            Self::Email,
            Self::Sms,
            Self::RecoveryCode,
            Self::WebAuthn,
        ]
        .into_iter()
        .find(|m| m.as_str() == text)
    }
}

/// Every rule that decides how 2FA works for a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Policy {
    /// Master switch: off means no challenge and no enrolment.
    pub two_factor_enabled: bool,
    pub allowed_methods: Vec<Method>,
    pub enforcement: Enforcement,
    /// Roles that make a user an administrator (case-insensitive).
    pub admin_roles: Vec<String>,
    /// Enforcement starts here; `None` means at once.
    #[serde(with = "crate::serde_time::opt_instant")]
    pub effective_at: Option<DateTime<Utc>>,
    /// Password sign-ins allowed without 2FA once enforcement applies.
    pub grace_logins: u32,
    pub trusted_devices_allowed: bool,
    #[serde(with = "crate::serde_time::duration")]
    pub trusted_device_ttl: TimeDelta,
    /// The issuer authenticator apps show.
    pub issuer: String,
    pub totp: TotpParams,
    /// Digits of email and SMS codes.
    pub code_length: u8,
    #[serde(with = "crate::serde_time::duration")]
    pub code_ttl: TimeDelta,
    #[serde(with = "crate::serde_time::duration")]
    pub resend_cooldown: TimeDelta,
    pub max_code_sends: u32,
    pub recovery_code_count: u32,
    pub max_failed_attempts: u32,
    #[serde(with = "crate::serde_time::duration")]
    pub lockout_duration: TimeDelta,
    pub allow_self_disable_when_required: bool,
    #[serde(with = "crate::serde_time::duration")]
    pub pending_enrollment_ttl: TimeDelta,
    /// How long a sign-in challenge stays open.
    #[serde(with = "crate::serde_time::duration")]
    pub challenge_ttl: TimeDelta,
    /// Codes and confirmations sent to one user in an hour.
    pub max_sends_per_user_hour: u32,
    /// Codes and confirmations sent for the tenant in an hour.
    pub max_sends_per_tenant_hour: u32,
    /// ISO 3166 regions phone numbers may be in; empty: any.
    pub allowed_phone_regions: Vec<String>,
    /// Who must hold a phishing-resistant method (a passkey or security
    /// key): nobody (`Optional`), admins, or everyone. Until they do, they
    /// must enrol one; the other methods do not satisfy it.
    pub phishing_resistant: Enforcement,
    /// Whether users are told by email of changes to their second factor,
    /// recovery codes used, new trusted devices and lockouts (see
    /// [`crate::notification`]). Tenant-wide.
    pub security_notifications: bool,
}

/// The issuer authenticator apps show when none is configured.
pub const DEFAULT_ISSUER: &str = "tollgate";

impl Default for Policy {
    fn default() -> Self {
        Self {
            two_factor_enabled: true,
            allowed_methods: vec![
                Method::Totp,
                Method::Email,
                Method::Sms,
                Method::RecoveryCode,
                Method::WebAuthn,
            ],
            enforcement: Enforcement::Optional,
            admin_roles: vec![
                "administrator".to_owned(),
                "it_administrator".to_owned(),
                "super_administrator".to_owned(),
            ],
            effective_at: None,
            grace_logins: 0,
            trusted_devices_allowed: true,
            trusted_device_ttl: TimeDelta::days(30),
            issuer: DEFAULT_ISSUER.to_owned(),
            totp: TotpParams::default(),
            code_length: 6,
            code_ttl: TimeDelta::seconds(90),
            resend_cooldown: TimeDelta::seconds(30),
            max_code_sends: 5,
            recovery_code_count: 8,
            max_failed_attempts: 5,
            lockout_duration: TimeDelta::minutes(15),
            allow_self_disable_when_required: false,
            pending_enrollment_ttl: TimeDelta::minutes(10),
            challenge_ttl: TimeDelta::minutes(5),
            max_sends_per_user_hour: 10,
            max_sends_per_tenant_hour: 1000,
            allowed_phone_regions: Vec::new(),
            phishing_resistant: Enforcement::Optional,
            security_notifications: false,
        }
    }
}

/// Why policy does or does not require 2FA of a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequirementReason {
    TwoFactorDisabled,
    Optional,
    NotYetEffective,
    NotAdmin,
    AdminRole,
    RequiredForAll,
}

/// Where a user stands against the policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compliance {
    NotRequired,
    Compliant,
    InGrace { logins_left: u32 },
    MustEnroll,
}

/// The policy's verdict for one user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub required: bool,
    pub reason: RequirementReason,
    pub state: Compliance,
    pub effective_at: Option<DateTime<Utc>>,
}

/// What to show a user who must set up 2FA.
pub const MUST_ENROLL_MESSAGE: &str =
    "Two-factor authentication is required by your organisation. Set it up to continue.";

/// What to show a user who must set up 2FA but may still sign in without
/// it `logins_left` more times (after a grace login, the ones after it).
pub fn grace_message(logins_left: u32) -> String {
    const REQUIRED: &str =
        "Two-factor authentication is required by your organisation. Set it up now:";
    match logins_left {
        0 => format!("{REQUIRED} this is your last sign-in without it."),
        1 => format!("{REQUIRED} 1 more sign-in without it remains."),
        n => format!("{REQUIRED} {n} more sign-ins without it remain."),
    }
}

impl Verdict {
    /// The message an application may show as is; empty when none is due.
    pub fn message(&self) -> String {
        match self.state {
            Compliance::MustEnroll => MUST_ENROLL_MESSAGE.to_owned(),
            Compliance::InGrace { logins_left } => grace_message(logins_left),
            Compliance::NotRequired | Compliance::Compliant => String::new(),
        }
    }
}

impl Policy {
    /// The lockout settings.
    pub fn lockout(&self) -> crate::lockout::LockoutPolicy {
        crate::lockout::LockoutPolicy {
            max_failed_attempts: self.max_failed_attempts,
            lockout_duration: self.lockout_duration,
        }
    }

    /// Whether 2FA is required of a user holding `roles` at `now`, and why:
    /// by the enforcement, or by the phishing-resistant requirement.
    pub fn requirement(&self, roles: &[String], now: DateTime<Utc>) -> (bool, RequirementReason) {
        let (required, reason) = self.enforced(self.enforcement, roles, now);
        if required {
            return (true, reason);
        }
        match self.enforced(self.phishing_resistant, roles, now) {
            (true, by) => (true, by),
            _ => (false, reason),
        }
    }

    /// Whether a phishing-resistant method is required of a user holding
    /// `roles` at `now`.
    pub fn phishing_resistant_required(&self, roles: &[String], now: DateTime<Utc>) -> bool {
        self.enforced(self.phishing_resistant, roles, now).0
    }

    /// Whether the user's enabled `methods` meet what policy asks of a user
    /// holding `roles`: any method, or a phishing-resistant one where that
    /// is required.
    pub fn satisfied_by(&self, methods: &[Method], roles: &[String], now: DateTime<Utc>) -> bool {
        if self.phishing_resistant_required(roles, now) {
            methods.contains(&Method::WebAuthn)
        } else {
            !methods.is_empty()
        }
    }

    /// Whether `enforcement` applies to a user holding `roles` at `now`.
    fn enforced(
        &self,
        enforcement: Enforcement,
        roles: &[String],
        now: DateTime<Utc>,
    ) -> (bool, RequirementReason) {
        if !self.two_factor_enabled {
            return (false, RequirementReason::TwoFactorDisabled);
        }
        if enforcement == Enforcement::Optional {
            return (false, RequirementReason::Optional);
        }
        if self.effective_at.is_some_and(|at| now < at) {
            return (false, RequirementReason::NotYetEffective);
        }
        match enforcement {
            Enforcement::RequiredForAll => (true, RequirementReason::RequiredForAll),
            _ if roles
                .iter()
                .any(|r| self.admin_roles.iter().any(|a| a.eq_ignore_ascii_case(r))) =>
            {
                (true, RequirementReason::AdminRole)
            }
            _ => (false, RequirementReason::NotAdmin),
        }
    }

    /// The verdict for a user, given whether they have a method enabled and
    /// how many grace logins they have used since enforcement began.
    pub fn verdict(
        &self,
        roles: &[String],
        enrolled: bool,
        grace_used: u32,
        now: DateTime<Utc>,
    ) -> Verdict {
        let (required, reason) = self.requirement(roles, now);
        let state = match (required, enrolled) {
            (false, _) => Compliance::NotRequired,
            (true, true) => Compliance::Compliant,
            (true, false) if grace_used < self.grace_logins => Compliance::InGrace {
                logins_left: self.grace_logins - grace_used,
            },
            (true, false) => Compliance::MustEnroll,
        };
        Verdict {
            required,
            reason,
            state,
            effective_at: self.effective_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(seconds, 0).unwrap()
    }

    #[test]
    fn optional_by_default() {
        let v = Policy::default().verdict(&[], false, 0, at(0));
        assert_eq!(
            (v.required, v.reason, v.state),
            (false, RequirementReason::Optional, Compliance::NotRequired)
        );
        assert_eq!(v.message(), "");
    }

    #[test]
    fn a_phishing_resistant_method_is_required_where_policy_says() {
        let policy = Policy {
            phishing_resistant: Enforcement::RequiredForAdmins,
            ..Policy::default()
        };
        let admin = vec!["administrator".to_owned()];
        let totp = [Method::Totp];
        let passkey = [Method::Totp, Method::WebAuthn];
        // Required of admins even though enforcement is optional; TOTP alone
        // does not satisfy it, a passkey does.
        assert_eq!(
            policy.requirement(&admin, at(0)),
            (true, RequirementReason::AdminRole)
        );
        assert!(!policy.satisfied_by(&totp, &admin, at(0)));
        assert!(policy.satisfied_by(&passkey, &admin, at(0)));
        assert_eq!(
            policy.verdict(&admin, false, 0, at(0)).state,
            Compliance::MustEnroll
        );
        // Others: any method will do, and none is required.
        assert!(!policy.phishing_resistant_required(&[], at(0)));
        assert!(policy.satisfied_by(&totp, &[], at(0)));
        assert!(!policy.requirement(&[], at(0)).0);
    }

    #[test]
    fn admins_only_after_the_effective_date_with_grace() {
        let policy = Policy {
            enforcement: Enforcement::RequiredForAdmins,
            effective_at: Some(at(100)),
            grace_logins: 2,
            ..Policy::default()
        };
        let admin = vec!["Administrator".to_owned()];
        assert_eq!(
            policy.requirement(&admin, at(99)),
            (false, RequirementReason::NotYetEffective)
        );
        assert_eq!(
            policy.requirement(&[], at(100)),
            (false, RequirementReason::NotAdmin)
        );
        assert_eq!(
            policy.verdict(&admin, false, 1, at(100)).state,
            Compliance::InGrace { logins_left: 1 }
        );
        let must = policy.verdict(&admin, false, 2, at(100));
        assert_eq!(must.state, Compliance::MustEnroll);
        assert_eq!(must.message(), MUST_ENROLL_MESSAGE);
        assert_eq!(
            policy.verdict(&admin, true, 2, at(100)).state,
            Compliance::Compliant
        );
    }
}
