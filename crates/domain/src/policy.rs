//! A tenant's 2FA policy and its defaults.
//!
//! Until policies are stored per tenant, every tenant runs on
//! [`Policy::default`] with the operator's issuer.
use chrono::{DateTime, TimeDelta, Utc};

use crate::totp::TotpParams;

/// Which users must use a second factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enforcement {
    Optional,
    RequiredForAdmins,
    RequiredForAll,
}

/// A second factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    Totp,
    Email,
    Sms,
    RecoveryCode,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Totp => "totp",
            Self::Email => "email",
            Self::Sms => "sms",
            Self::RecoveryCode => "recovery_code",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub two_factor_enabled: bool,
    pub allowed_methods: Vec<Method>,
    pub enforcement: Enforcement,
    pub admin_roles: Vec<String>,
    pub effective_at: Option<DateTime<Utc>>,
    pub grace_logins: u32,
    pub trusted_devices_allowed: bool,
    pub trusted_device_ttl: TimeDelta,
    pub issuer: String,
    pub totp: TotpParams,
    pub code_length: u8,
    pub code_ttl: TimeDelta,
    pub resend_cooldown: TimeDelta,
    pub max_code_sends: u32,
    pub recovery_code_count: u32,
    pub max_failed_attempts: u32,
    pub lockout_duration: TimeDelta,
    pub allow_self_disable_when_required: bool,
    pub pending_enrollment_ttl: TimeDelta,
}

/// The issuer authenticator apps show when none is configured.
pub const DEFAULT_ISSUER: &str = "tollgate";

impl Default for Policy {
    fn default() -> Self {
        Self {
            two_factor_enabled: true,
            allowed_methods: vec![Method::Totp, Method::Email, Method::Sms, Method::RecoveryCode],
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
        }
    }
}
