//! A tenant's stored policy: the tenant-wide [`Policy`] plus per-audience
//! overrides (e.g. `staff`, `patients`) that fall back to the tenant's values
//! field by field; validation with field violations; and the diff that goes
//! into the audit log when it changes.
use std::collections::BTreeMap;
use std::fmt::Debug;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::error::FieldViolation;
use crate::policy::{Enforcement, Method, Policy};

/// The most audiences one tenant may define.
pub const MAX_AUDIENCES: usize = 32;

/// Per-audience values; `None` falls back to the tenant's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PolicyOverride {
    pub two_factor_enabled: Option<bool>,
    pub allowed_methods: Option<Vec<Method>>,
    pub enforcement: Option<Enforcement>,
    pub admin_roles: Option<Vec<String>>,
    #[serde(with = "crate::serde_time::opt_instant")]
    pub effective_at: Option<DateTime<Utc>>,
    pub grace_logins: Option<u32>,
    pub trusted_devices_allowed: Option<bool>,
    #[serde(with = "crate::serde_time::opt_duration")]
    pub trusted_device_ttl: Option<TimeDelta>,
    pub max_failed_attempts: Option<u32>,
    #[serde(with = "crate::serde_time::opt_duration")]
    pub lockout_duration: Option<TimeDelta>,
    pub allow_self_disable_when_required: Option<bool>,
}

/// What a tenant stores.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TenantPolicy {
    pub base: Policy,
    pub audiences: BTreeMap<String, PolicyOverride>,
}

macro_rules! overlay {
    ($policy:ident, $over:ident, $($field:ident),*) => {$(
        if let Some(value) = &$over.$field {
            $policy.$field = value.clone().into();
        }
    )*};
}

impl TenantPolicy {
    /// The tenant's default policy with the operator's issuer.
    pub fn with_issuer(issuer: &str) -> Self {
        Self {
            base: Policy {
                issuer: issuer.to_owned(),
                ..Policy::default()
            },
            audiences: BTreeMap::new(),
        }
    }

    /// The policy for `audience`: the tenant's, with the audience's
    /// overrides on top. An empty or unknown audience gets the tenant's.
    pub fn effective(&self, audience: &str) -> Policy {
        let mut policy = self.base.clone();
        if let Some(over) = self.audiences.get(audience) {
            overlay!(
                policy,
                over,
                two_factor_enabled,
                allowed_methods,
                enforcement,
                admin_roles,
                grace_logins,
                trusted_devices_allowed,
                trusted_device_ttl,
                max_failed_attempts,
                lockout_duration,
                allow_self_disable_when_required
            );
            if over.effective_at.is_some() {
                policy.effective_at = over.effective_at;
            }
        }
        policy
    }

    /// Every violation of the rules below, named by the proto field path
    /// (`audiences[staff].enforcement` for an audience's).
    pub fn validate(&self) -> Result<(), Vec<FieldViolation>> {
        let mut violations = Vec::new();
        validate_policy(&self.base, "", &mut violations);
        if self.audiences.len() > MAX_AUDIENCES {
            violations.push(FieldViolation::new(
                "audiences",
                format!("at most {MAX_AUDIENCES} audiences"),
            ));
        }
        for name in self.audiences.keys() {
            let valid_name =
                !name.is_empty() && crate::bounds::audience_violation("audiences", name).is_none();
            let prefix = format!("audiences[{name}].");
            if !valid_name {
                violations.push(FieldViolation::new(
                    "audiences",
                    "audience names are 1 to 64 of a-z, 0-9, '_' and '-'",
                ));
                continue;
            }
            validate_policy(&self.effective(name), &prefix, &mut violations);
        }
        if violations.is_empty() {
            Ok(())
        } else {
            Err(violations)
        }
    }

    /// What changed, field by field: `(path, "old -> new")`.
    pub fn diff(&self, after: &TenantPolicy) -> Vec<(String, String)> {
        let mut changes = Vec::new();
        diff_policy(&self.base, &after.base, "", &mut changes);
        let names: std::collections::BTreeSet<&String> = self
            .audiences
            .keys()
            .chain(after.audiences.keys())
            .collect();
        for name in names {
            match (self.audiences.get(name), after.audiences.get(name)) {
                (Some(old), Some(new)) => {
                    diff_override(old, new, &format!("audiences[{name}]."), &mut changes)
                }
                (None, Some(_)) => changes.push((format!("audiences[{name}]"), "added".to_owned())),
                (Some(_), None) => {
                    changes.push((format!("audiences[{name}]"), "removed".to_owned()))
                }
                (None, None) => {}
            }
        }
        changes
    }
}

fn push_change<T: PartialEq + Debug>(
    changes: &mut Vec<(String, String)>,
    path: String,
    old: &T,
    new: &T,
) {
    if old != new {
        changes.push((path, format!("{old:?} -> {new:?}")));
    }
}

macro_rules! diff_fields {
    ($changes:ident, $prefix:ident, $old:ident, $new:ident, $($path:literal => $($field:ident).+),* $(,)?) => {$(
        push_change($changes, format!("{}{}", $prefix, $path), &$old.$($field).+, &$new.$($field).+);
    )*};
}

fn diff_policy(old: &Policy, new: &Policy, prefix: &str, changes: &mut Vec<(String, String)>) {
    diff_fields!(changes, prefix, old, new,
        "two_factor_enabled" => two_factor_enabled,
        "allowed_methods" => allowed_methods,
        "enforcement" => enforcement,
        "phishing_resistant" => phishing_resistant,
        "admin_roles" => admin_roles,
        "effective_at" => effective_at,
        "grace_logins" => grace_logins,
        "trusted_devices_allowed" => trusted_devices_allowed,
        "trusted_device_ttl" => trusted_device_ttl,
        "totp.issuer" => issuer,
        "totp.digits" => totp.digits,
        "totp.period" => totp.period,
        "totp.algorithm" => totp.algorithm,
        "totp.skew_steps" => totp.skew,
        "code_length" => code_length,
        "code_ttl" => code_ttl,
        "resend_cooldown" => resend_cooldown,
        "max_code_sends" => max_code_sends,
        "recovery_code_count" => recovery_code_count,
        "max_failed_attempts" => max_failed_attempts,
        "lockout_duration" => lockout_duration,
        "allow_self_disable_when_required" => allow_self_disable_when_required,
        "pending_enrollment_ttl" => pending_enrollment_ttl,
        "challenge_ttl" => challenge_ttl,
        "max_sends_per_user_hour" => max_sends_per_user_hour,
        "max_sends_per_tenant_hour" => max_sends_per_tenant_hour,
        "allowed_phone_regions" => allowed_phone_regions,
        "security_notifications" => security_notifications,
    );
}

fn diff_override(
    old: &PolicyOverride,
    new: &PolicyOverride,
    prefix: &str,
    changes: &mut Vec<(String, String)>,
) {
    diff_fields!(changes, prefix, old, new,
        "two_factor_enabled" => two_factor_enabled,
        "allowed_methods" => allowed_methods,
        "enforcement" => enforcement,
        "admin_roles" => admin_roles,
        "effective_at" => effective_at,
        "grace_logins" => grace_logins,
        "trusted_devices_allowed" => trusted_devices_allowed,
        "trusted_device_ttl" => trusted_device_ttl,
        "max_failed_attempts" => max_failed_attempts,
        "lockout_duration" => lockout_duration,
        "allow_self_disable_when_required" => allow_self_disable_when_required,
    );
}

/// Collects the violations of one policy, each field named under `prefix`
/// (empty for the tenant's, `audiences[name].` for an audience's).
struct Checks<'a> {
    prefix: &'a str,
    violations: &'a mut Vec<FieldViolation>,
}

impl Checks<'_> {
    fn bad(&mut self, name: &str, description: &str) {
        self.violations.push(FieldViolation::new(
            format!("{}{name}", self.prefix),
            description,
        ));
    }

    fn range<T: PartialOrd + Debug>(&mut self, name: &str, value: T, min: T, max: T, unit: &str) {
        if value < min || value > max {
            self.bad(name, &format!("must be {min:?} to {max:?}{unit}"));
        }
    }
}

/// Every check of one policy, in the order the violations are reported.
fn validate_policy(policy: &Policy, prefix: &str, violations: &mut Vec<FieldViolation>) {
    let mut checks = Checks { prefix, violations };
    validate_totp(policy, &mut checks);
    validate_codes(policy, &mut checks);
    validate_lockout_and_lifetimes(policy, &mut checks);
    validate_requirement(policy, &mut checks);
}

/// The authenticator app settings.
fn validate_totp(policy: &Policy, checks: &mut Checks<'_>) {
    if ![6, 8].contains(&policy.totp.digits) {
        checks.bad("totp.digits", "must be 6 or 8");
    }
    // Floors from the standards the security guide cites (RFC 6238's
    // 30-second step, at most one step of drift each way, NIST SP 800-63B's
    // 100 consecutive failures, short-lived out-of-band codes): a policy
    // cannot be set weaker than these.
    if ![30, 60].contains(&policy.totp.period) {
        checks.bad("totp.period", "must be 30 or 60 seconds");
    }
    checks.range("totp.skew_steps", policy.totp.skew, 0, 1, " steps");
    if policy.issuer.is_empty() || policy.issuer.chars().count() > 64 || policy.issuer.contains(':')
    {
        checks.bad("totp.issuer", "must be 1 to 64 characters without ':'");
    }
}

/// Email and SMS codes: their shape and life, and how many may be sent
/// where.
fn validate_codes(policy: &Policy, checks: &mut Checks<'_>) {
    let secs = |d: TimeDelta| d.num_seconds();
    checks.range("code_length", policy.code_length, 6, 10, " digits");
    checks.range("code_ttl", secs(policy.code_ttl), 1, 600, " seconds");
    checks.range(
        "resend_cooldown",
        secs(policy.resend_cooldown),
        0,
        3600,
        " seconds",
    );
    checks.range("max_code_sends", policy.max_code_sends, 1, 20, "");
    checks.range(
        "max_sends_per_user_hour",
        policy.max_sends_per_user_hour,
        1,
        1000,
        "",
    );
    checks.range(
        "max_sends_per_tenant_hour",
        policy.max_sends_per_tenant_hour,
        1,
        10_000_000,
        "",
    );
    if policy.allowed_phone_regions.len() > 300
        || policy
            .allowed_phone_regions
            .iter()
            .any(|r| r.len() != 2 || !r.bytes().all(|b| b.is_ascii_uppercase()))
    {
        checks.bad(
            "allowed_phone_regions",
            "each must be an ISO 3166 alpha-2 region such as GB",
        );
    }
}

/// Recovery codes, the lockout, how long trusted devices, pending
/// enrolments and challenges last, and the grace logins.
fn validate_lockout_and_lifetimes(policy: &Policy, checks: &mut Checks<'_>) {
    let secs = |d: TimeDelta| d.num_seconds();
    checks.range("recovery_code_count", policy.recovery_code_count, 1, 32, "");
    checks.range(
        "max_failed_attempts",
        policy.max_failed_attempts,
        1,
        100,
        "",
    );
    checks.range(
        "lockout_duration",
        secs(policy.lockout_duration),
        1,
        30 * 86_400,
        " seconds",
    );
    checks.range(
        "trusted_device_ttl",
        secs(policy.trusted_device_ttl),
        1,
        400 * 86_400,
        " seconds",
    );
    checks.range(
        "pending_enrollment_ttl",
        secs(policy.pending_enrollment_ttl),
        60,
        86_400,
        " seconds",
    );
    checks.range(
        "challenge_ttl",
        secs(policy.challenge_ttl),
        30,
        3600,
        " seconds",
    );
    checks.range("grace_logins", policy.grace_logins, 0, 1000, "");
}

/// Who must use a second factor and with what: rules across fields.
fn validate_requirement(policy: &Policy, checks: &mut Checks<'_>) {
    if policy.enforcement == Enforcement::RequiredForAdmins
        && policy.admin_roles.iter().all(|r| r.trim().is_empty())
    {
        checks.bad(
            "admin_roles",
            "must name at least one role when enforcement is REQUIRED_FOR_ADMINS",
        );
    }
    if policy.phishing_resistant != Enforcement::Optional
        && !policy.allowed_methods.contains(&Method::WebAuthn)
    {
        checks.bad(
            "phishing_resistant",
            "requires METHOD_WEBAUTHN among the allowed methods",
        );
    }
    if policy.phishing_resistant == Enforcement::RequiredForAdmins
        && policy.admin_roles.iter().all(|r| r.trim().is_empty())
    {
        checks.bad(
            "admin_roles",
            "must name at least one role when phishing_resistant is REQUIRED_FOR_ADMINS",
        );
    }
    let primary = policy
        .allowed_methods
        .iter()
        .any(|m| matches!(m, Method::Totp | Method::Email | Method::Sms));
    if policy.two_factor_enabled && !primary {
        checks.bad(
            "allowed_methods",
            "must allow METHOD_TOTP, METHOD_EMAIL or METHOD_SMS while two_factor_enabled",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(result: Result<(), Vec<FieldViolation>>) -> Vec<String> {
        result
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|v| v.field)
            .collect()
    }

    #[test]
    fn the_default_is_valid() {
        assert_eq!(TenantPolicy::default().validate(), Ok(()));
    }

    #[test]
    fn bad_values_are_named() {
        let mut tenant = TenantPolicy::default();
        tenant.base.totp.digits = 7;
        tenant.base.totp.period = 0;
        tenant.base.code_ttl = TimeDelta::seconds(-5);
        tenant.base.enforcement = Enforcement::RequiredForAdmins;
        tenant.base.admin_roles = vec![];
        assert_eq!(
            fields(tenant.validate()),
            ["totp.digits", "totp.period", "code_ttl", "admin_roles"]
        );
    }

    #[test]
    fn audiences_fall_back_field_by_field() {
        let mut tenant = TenantPolicy::default();
        tenant.base.grace_logins = 5;
        tenant.audiences.insert(
            "staff".into(),
            PolicyOverride {
                enforcement: Some(Enforcement::RequiredForAll),
                trusted_devices_allowed: Some(false),
                ..Default::default()
            },
        );
        let staff = tenant.effective("staff");
        assert_eq!(staff.enforcement, Enforcement::RequiredForAll);
        assert!(!staff.trusted_devices_allowed);
        assert_eq!(staff.grace_logins, 5, "unset fields come from the tenant");
        assert_eq!(tenant.effective("patients"), tenant.base);
        assert_eq!(tenant.effective(""), tenant.base);
    }

    #[test]
    fn an_audience_is_validated_as_merged() {
        let mut tenant = TenantPolicy::default();
        tenant.audiences.insert(
            "staff".into(),
            PolicyOverride {
                max_failed_attempts: Some(0),
                ..Default::default()
            },
        );
        tenant
            .audiences
            .insert("Bad Name".into(), PolicyOverride::default());
        assert_eq!(
            fields(tenant.validate()),
            ["audiences", "audiences[staff].max_failed_attempts"]
        );
    }

    #[test]
    fn diff_names_each_changed_field() {
        let before = TenantPolicy::default();
        let mut after = before.clone();
        after.base.grace_logins = 3;
        after.base.issuer = "Acme".into();
        after.base.security_notifications = true;
        after
            .audiences
            .insert("staff".into(), PolicyOverride::default());
        let paths: Vec<String> = before.diff(&after).into_iter().map(|(p, _)| p).collect();
        assert_eq!(
            paths,
            [
                "grace_logins",
                "totp.issuer",
                "security_notifications",
                "audiences[staff]"
            ]
        );
        assert_eq!(before.diff(&before), vec![]);
        let mut later = after.clone();
        if let Some(staff) = later.audiences.get_mut("staff") {
            staff.enforcement = Some(Enforcement::RequiredForAll);
        }
        assert_eq!(
            after.diff(&later),
            [(
                "audiences[staff].enforcement".to_owned(),
                "None -> Some(RequiredForAll)".to_owned()
            )]
        );
    }

    #[test]
    fn documents_round_trip_and_old_ones_still_read() {
        let mut tenant = TenantPolicy::with_issuer("Acme");
        tenant.base.effective_at = DateTime::from_timestamp(1_800_000_000, 0);
        tenant.audiences.insert(
            "staff".into(),
            PolicyOverride {
                lockout_duration: Some(TimeDelta::minutes(3)),
                ..Default::default()
            },
        );
        let json = serde_json::to_string(&tenant).unwrap();
        assert_eq!(serde_json::from_str::<TenantPolicy>(&json).unwrap(), tenant);
        let old: TenantPolicy = serde_json::from_str(r#"{"base":{"grace_logins":2}}"#).unwrap();
        assert_eq!(old.base.grace_logins, 2);
        assert_eq!(
            old.base.max_failed_attempts, 5,
            "missing fields take defaults"
        );
    }
}
