//! PolicyService: GetPolicy, UpdatePolicy (field mask + etag), EvaluateUser,
//! ListUsers and ListAuditEvents (EraseUser and ExportUser are in
//! `erasure`). The proto Policy and the domain TenantPolicy meet here, and
//! nowhere else.
use chrono::{DateTime, TimeDelta, Utc};
use tollgate_domain::policy::{Enforcement, Method, Policy};
use tollgate_domain::ports::{AuditQuery, StoredPolicy, StoredTotpState, UserFilter};
use tollgate_domain::tenant_policy::{PolicyOverride, TenantPolicy};
use tollgate_domain::totp::Algorithm;
use tollgate_domain::{DomainError, FieldViolation, TenantId, UserId};
use tonic::{Request, Response, Status};

use super::enrollment::verdict_to_pb;
use super::erasure::audit_to_pb;
use super::{Api, method_from_pb, methods_to_pb, timestamp, user};
use crate::pb;
use crate::pb::policy_service_server::PolicyService;

fn tenant(raw: &str) -> Result<TenantId, DomainError> {
    TenantId::parse(raw).map_err(|v| DomainError::InvalidArgument(vec![v]))
}

fn duration_to_pb(d: TimeDelta) -> prost_types::Duration {
    prost_types::Duration {
        seconds: d.num_seconds(),
        nanos: 0,
    }
}

pub(super) fn instant_from_pb(t: &prost_types::Timestamp) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(t.seconds, u32::try_from(t.nanos).unwrap_or(0))
}

fn enforcement_to_pb(e: Enforcement) -> pb::Enforcement {
    match e {
        Enforcement::Optional => pb::Enforcement::Optional,
        Enforcement::RequiredForAdmins => pb::Enforcement::RequiredForAdmins,
        Enforcement::RequiredForAll => pb::Enforcement::RequiredForAll,
    }
}

pub(super) fn algorithm_to_pb(a: Algorithm) -> pb::TotpAlgorithm {
    match a {
        Algorithm::Sha1 => pb::TotpAlgorithm::Sha1,
        Algorithm::Sha256 => pb::TotpAlgorithm::Sha256,
        Algorithm::Sha512 => pb::TotpAlgorithm::Sha512,
    }
}

fn base_to_pb(p: &Policy) -> pb::Policy {
    pb::Policy {
        two_factor_enabled: p.two_factor_enabled,
        allowed_methods: methods_to_pb(&p.allowed_methods),
        enforcement: enforcement_to_pb(p.enforcement) as i32,
        admin_roles: p.admin_roles.clone(),
        effective_at: p.effective_at.map(timestamp),
        grace_logins: p.grace_logins,
        trusted_devices_allowed: p.trusted_devices_allowed,
        trusted_device_ttl: Some(duration_to_pb(p.trusted_device_ttl)),
        totp: Some(pb::TotpSettings {
            issuer: p.issuer.clone(),
            digits: u32::from(p.totp.digits),
            period: Some(duration_to_pb(TimeDelta::seconds(i64::from(p.totp.period)))),
            algorithm: algorithm_to_pb(p.totp.algorithm) as i32,
            skew_steps: u32::from(p.totp.skew),
        }),
        code_length: u32::from(p.code_length),
        code_ttl: Some(duration_to_pb(p.code_ttl)),
        resend_cooldown: Some(duration_to_pb(p.resend_cooldown)),
        recovery_code_count: p.recovery_code_count,
        max_failed_attempts: p.max_failed_attempts,
        lockout_duration: Some(duration_to_pb(p.lockout_duration)),
        allow_self_disable_when_required: p.allow_self_disable_when_required,
        pending_enrollment_ttl: Some(duration_to_pb(p.pending_enrollment_ttl)),
        max_code_sends: p.max_code_sends,
        challenge_ttl: Some(duration_to_pb(p.challenge_ttl)),
        max_sends_per_user_hour: p.max_sends_per_user_hour,
        max_sends_per_tenant_hour: p.max_sends_per_tenant_hour,
        allowed_phone_regions: p.allowed_phone_regions.clone(),
        phishing_resistant: enforcement_to_pb(p.phishing_resistant) as i32,
        security_notifications: p.security_notifications,
        ..Default::default()
    }
}

fn override_to_pb(o: &PolicyOverride) -> pb::PolicyOverride {
    pb::PolicyOverride {
        two_factor_enabled: o.two_factor_enabled,
        allowed_methods: o.allowed_methods.as_ref().map(|m| pb::MethodList {
            methods: methods_to_pb(m),
        }),
        enforcement: o.enforcement.map(|e| enforcement_to_pb(e) as i32),
        admin_roles: o
            .admin_roles
            .as_ref()
            .map(|r| pb::StringList { values: r.clone() }),
        effective_at: o.effective_at.map(timestamp),
        grace_logins: o.grace_logins,
        trusted_devices_allowed: o.trusted_devices_allowed,
        trusted_device_ttl: o.trusted_device_ttl.map(duration_to_pb),
        max_failed_attempts: o.max_failed_attempts,
        lockout_duration: o.lockout_duration.map(duration_to_pb),
        allow_self_disable_when_required: o.allow_self_disable_when_required,
    }
}

fn policy_to_pb(tenant: &TenantId, stored: &StoredPolicy) -> pb::Policy {
    let mut out = base_to_pb(&stored.policy.base);
    out.tenant_id = tenant.as_str().to_owned();
    out.audiences = stored
        .policy
        .audiences
        .iter()
        .map(|(name, o)| (name.clone(), override_to_pb(o)))
        .collect();
    out.etag = stored.version.to_string();
    out.update_time = (stored.version > 0).then(|| timestamp(stored.updated_at));
    out
}

/// Reads proto values into domain ones, collecting every bad field.
#[derive(Default)]
struct Reader {
    violations: Vec<FieldViolation>,
}

impl Reader {
    fn bad(&mut self, field: &str, description: &str) {
        self.violations
            .push(FieldViolation::new(field, description));
    }

    fn duration(&mut self, field: &str, value: Option<&prost_types::Duration>) -> TimeDelta {
        match value.and_then(|d| TimeDelta::try_seconds(d.seconds)) {
            Some(d) => d,
            None => {
                self.bad(field, "must be set to a duration");
                TimeDelta::zero()
            }
        }
    }

    fn methods(&mut self, field: &str, values: &[i32]) -> Vec<Method> {
        let mut methods = Vec::new();
        for value in values {
            match method_from_pb(*value) {
                Ok(Some(m)) if !methods.contains(&m) => methods.push(m),
                Ok(Some(_)) => {}
                _ => self.bad(field, "lists an unknown or unspecified method"),
            }
        }
        methods
    }

    fn enforcement(&mut self, field: &str, value: i32) -> Enforcement {
        match pb::Enforcement::try_from(value) {
            Ok(pb::Enforcement::Optional) => Enforcement::Optional,
            Ok(pb::Enforcement::RequiredForAdmins) => Enforcement::RequiredForAdmins,
            Ok(pb::Enforcement::RequiredForAll) => Enforcement::RequiredForAll,
            _ => {
                self.bad(
                    field,
                    "must be OPTIONAL, REQUIRED_FOR_ADMINS or REQUIRED_FOR_ALL",
                );
                Enforcement::Optional
            }
        }
    }

    fn small<T: TryFrom<u32> + Default>(&mut self, field: &str, value: u32) -> T {
        T::try_from(value).unwrap_or_else(|_| {
            self.bad(field, "is out of range");
            T::default()
        })
    }

    fn over(&mut self, name: &str, o: &pb::PolicyOverride) -> PolicyOverride {
        let field = |f: &str| format!("audiences[{name}].{f}");
        PolicyOverride {
            two_factor_enabled: o.two_factor_enabled,
            allowed_methods: o
                .allowed_methods
                .as_ref()
                .map(|m| self.methods(&field("allowed_methods"), &m.methods)),
            enforcement: o
                .enforcement
                .map(|e| self.enforcement(&field("enforcement"), e)),
            admin_roles: o.admin_roles.as_ref().map(|r| r.values.clone()),
            effective_at: o.effective_at.as_ref().and_then(instant_from_pb),
            grace_logins: o.grace_logins,
            trusted_devices_allowed: o.trusted_devices_allowed,
            trusted_device_ttl: o
                .trusted_device_ttl
                .as_ref()
                .and_then(|d| TimeDelta::try_seconds(d.seconds)),
            max_failed_attempts: o.max_failed_attempts,
            lockout_duration: o
                .lockout_duration
                .as_ref()
                .and_then(|d| TimeDelta::try_seconds(d.seconds)),
            allow_self_disable_when_required: o.allow_self_disable_when_required,
        }
    }

    /// Copies the field at `path` from `source` into `target`.
    fn apply(&mut self, path: &str, source: &pb::Policy, target: &mut TenantPolicy) {
        let known = self.apply_requirement(path, source, &mut target.base)
            || self.apply_totp(path, source, &mut target.base)
            || self.apply_codes(path, source, &mut target.base)
            || self.apply_limits(path, source, &mut target.base)
            || self.apply_audiences(path, source, target);
        if !known {
            self.bad("update_mask", &format!("names an unknown field: {path}"));
        }
    }

    /// Who must use a second factor, with what, and from when. False when
    /// `path` names none of these fields.
    fn apply_requirement(&mut self, path: &str, source: &pb::Policy, base: &mut Policy) -> bool {
        match path {
            "two_factor_enabled" => base.two_factor_enabled = source.two_factor_enabled,
            "allowed_methods" => base.allowed_methods = self.methods(path, &source.allowed_methods),
            "enforcement" => base.enforcement = self.enforcement(path, source.enforcement),
            "phishing_resistant" => {
                base.phishing_resistant = self.enforcement(path, source.phishing_resistant)
            }
            "admin_roles" => base.admin_roles = source.admin_roles.clone(),
            "effective_at" => {
                base.effective_at = source.effective_at.as_ref().and_then(instant_from_pb)
            }
            "grace_logins" => base.grace_logins = source.grace_logins,
            "trusted_devices_allowed" => {
                base.trusted_devices_allowed = source.trusted_devices_allowed
            }
            "trusted_device_ttl" => {
                base.trusted_device_ttl = self.duration(path, source.trusted_device_ttl.as_ref())
            }
            "security_notifications" => base.security_notifications = source.security_notifications,
            _ => return false,
        }
        true
    }

    /// The authenticator app settings: `totp` (all of them) or `totp.<field>`.
    /// False when `path` names none of these.
    fn apply_totp(&mut self, path: &str, source: &pb::Policy, base: &mut Policy) -> bool {
        let totp = source.totp.clone().unwrap_or_default();
        match path {
            "totp" => {
                for sub in ["issuer", "digits", "period", "algorithm", "skew_steps"] {
                    self.apply_totp(&format!("totp.{sub}"), source, base);
                }
            }
            "totp.issuer" => base.issuer = totp.issuer,
            "totp.digits" => base.totp.digits = self.small(path, totp.digits),
            "totp.period" => {
                let period = self.duration(path, totp.period.as_ref()).num_seconds();
                base.totp.period = u32::try_from(period).unwrap_or(0);
            }
            "totp.algorithm" => {
                base.totp.algorithm = match pb::TotpAlgorithm::try_from(totp.algorithm) {
                    Ok(pb::TotpAlgorithm::Sha1) => Algorithm::Sha1,
                    Ok(pb::TotpAlgorithm::Sha256) => Algorithm::Sha256,
                    Ok(pb::TotpAlgorithm::Sha512) => Algorithm::Sha512,
                    _ => {
                        self.bad(path, "must be SHA1, SHA256 or SHA512");
                        Algorithm::Sha1
                    }
                }
            }
            "totp.skew_steps" => base.totp.skew = self.small(path, totp.skew_steps),
            _ => return false,
        }
        true
    }

    /// Email and SMS codes and how many may be sent. False when `path`
    /// names none of these fields.
    fn apply_codes(&mut self, path: &str, source: &pb::Policy, base: &mut Policy) -> bool {
        match path {
            "code_length" => base.code_length = self.small(path, source.code_length),
            "code_ttl" => base.code_ttl = self.duration(path, source.code_ttl.as_ref()),
            "resend_cooldown" => {
                base.resend_cooldown = self.duration(path, source.resend_cooldown.as_ref())
            }
            "max_code_sends" => base.max_code_sends = source.max_code_sends,
            "max_sends_per_user_hour" => {
                base.max_sends_per_user_hour = source.max_sends_per_user_hour;
            }
            "max_sends_per_tenant_hour" => {
                base.max_sends_per_tenant_hour = source.max_sends_per_tenant_hour;
            }
            "allowed_phone_regions" => {
                base.allowed_phone_regions = source.allowed_phone_regions.clone();
            }
            _ => return false,
        }
        true
    }

    /// Recovery codes, the lockout and how long enrolments and challenges
    /// stay open. False when `path` names none of these fields.
    fn apply_limits(&mut self, path: &str, source: &pb::Policy, base: &mut Policy) -> bool {
        match path {
            "recovery_code_count" => base.recovery_code_count = source.recovery_code_count,
            "max_failed_attempts" => base.max_failed_attempts = source.max_failed_attempts,
            "lockout_duration" => {
                base.lockout_duration = self.duration(path, source.lockout_duration.as_ref())
            }
            "allow_self_disable_when_required" => {
                base.allow_self_disable_when_required = source.allow_self_disable_when_required;
            }
            "pending_enrollment_ttl" => {
                base.pending_enrollment_ttl =
                    self.duration(path, source.pending_enrollment_ttl.as_ref());
            }
            "challenge_ttl" => {
                base.challenge_ttl = self.duration(path, source.challenge_ttl.as_ref())
            }
            _ => return false,
        }
        true
    }

    /// `audiences` (replaces every override) or `audiences.<name>` (sets or,
    /// when absent from `source`, removes that one). False for other paths.
    fn apply_audiences(
        &mut self,
        path: &str,
        source: &pb::Policy,
        target: &mut TenantPolicy,
    ) -> bool {
        if path == "audiences" {
            target.audiences = source
                .audiences
                .iter()
                .map(|(name, o)| (name.clone(), self.over(name, o)))
                .collect();
            return true;
        }
        let Some(name) = path.strip_prefix("audiences.") else {
            return false;
        };
        match source.audiences.get(name) {
            Some(o) => {
                let value = self.over(name, o);
                target.audiences.insert(name.to_owned(), value);
            }
            None => {
                target.audiences.remove(name);
            }
        }
        true
    }
}

/// Every top-level path "*" stands for.
const ALL_PATHS: &[&str] = &[
    "two_factor_enabled",
    "allowed_methods",
    "enforcement",
    "phishing_resistant",
    "admin_roles",
    "effective_at",
    "grace_logins",
    "trusted_devices_allowed",
    "trusted_device_ttl",
    "totp",
    "code_length",
    "code_ttl",
    "resend_cooldown",
    "recovery_code_count",
    "max_failed_attempts",
    "lockout_duration",
    "allow_self_disable_when_required",
    "pending_enrollment_ttl",
    "max_code_sends",
    "challenge_ttl",
    "max_sends_per_user_hour",
    "max_sends_per_tenant_hour",
    "allowed_phone_regions",
    "security_notifications",
    "audiences",
];

/// The policy in effect for `audience`: the tenant's values with that
/// audience's overrides on top (by the domain's own rule), without the
/// audiences map. The command-line client shows it; no RPC needs it.
pub fn effective_policy(policy: &pb::Policy, audience: &str) -> Result<pb::Policy, DomainError> {
    let mut tenant = TenantPolicy::default();
    let mut reader = Reader::default();
    ALL_PATHS
        .iter()
        .for_each(|path| reader.apply(path, policy, &mut tenant));
    if !reader.violations.is_empty() {
        return Err(DomainError::InvalidArgument(reader.violations));
    }
    Ok(pb::Policy {
        tenant_id: policy.tenant_id.clone(),
        etag: policy.etag.clone(),
        update_time: policy.update_time,
        ..base_to_pb(&tenant.effective(audience))
    })
}

fn user_filter(value: i32) -> Result<UserFilter, DomainError> {
    match pb::UserFilter::try_from(value) {
        Ok(pb::UserFilter::Unspecified) => Ok(UserFilter::All),
        Ok(pb::UserFilter::NotEnrolled) => Ok(UserFilter::NotEnrolled),
        Ok(pb::UserFilter::Enrolled) => Ok(UserFilter::Enrolled),
        Ok(pb::UserFilter::UnconfirmedContact) => Ok(UserFilter::UnconfirmedContact),
        Err(_) => Err(DomainError::invalid("filter", "is not a known filter")),
    }
}

#[tonic::async_trait]
impl PolicyService for Api {
    async fn get_policy(
        &self,
        request: Request<pb::GetPolicyRequest>,
    ) -> Result<Response<pb::GetPolicyResponse>, Status> {
        let req = request.into_inner();
        self.handle("GetPolicy", &req.tenant_id, async {
            let tenant = tenant(&req.tenant_id)?;
            let stored = self.core.get_policy(&tenant).await?;
            Ok(pb::GetPolicyResponse {
                policy: Some(policy_to_pb(&tenant, &stored)),
            })
        })
        .await
    }

    async fn update_policy(
        &self,
        request: Request<pb::UpdatePolicyRequest>,
    ) -> Result<Response<pb::UpdatePolicyResponse>, Status> {
        let req = request.into_inner();
        self.handle("UpdatePolicy", &req.tenant_id, async {
            let tenant = tenant(&req.tenant_id)?;
            let paths = req.update_mask.map(|m| m.paths).unwrap_or_default();
            if paths.is_empty() {
                return Err(DomainError::invalid(
                    "update_mask",
                    "must name the fields to change (or \"*\" for all)",
                ));
            }
            let etag = match req.etag.as_str() {
                "" => None,
                text => Some(text.parse::<i64>().map_err(|_| {
                    DomainError::invalid("etag", "must be the etag GetPolicy returned")
                })?),
            };
            let source = req.policy.unwrap_or_default();
            let stored = self
                .core
                .update_policy(&tenant, etag, &req.actor_id, |target| {
                    let mut reader = Reader::default();
                    for path in &paths {
                        if path == "*" {
                            ALL_PATHS
                                .iter()
                                .for_each(|p| reader.apply(p, &source, target));
                        } else {
                            reader.apply(path, &source, target);
                        }
                    }
                    if reader.violations.is_empty() {
                        Ok(())
                    } else {
                        Err(DomainError::InvalidArgument(reader.violations))
                    }
                })
                .await?;
            Ok(pb::UpdatePolicyResponse {
                policy: Some(policy_to_pb(&tenant, &stored)),
            })
        })
        .await
    }

    async fn evaluate_user(
        &self,
        request: Request<pb::EvaluateUserRequest>,
    ) -> Result<Response<pb::EvaluateUserResponse>, Status> {
        let req = request.into_inner();
        self.handle("EvaluateUser", &req.tenant_id, async {
            let user = user(&req.tenant_id, &req.user_id)?;
            let (verdict, enrolled) = self.core.evaluate(&user, &req.roles, &req.audience).await?;
            Ok(pb::EvaluateUserResponse {
                verdict: Some(verdict_to_pb(&verdict)),
                enrolled,
            })
        })
        .await
    }

    async fn list_users(
        &self,
        request: Request<pb::ListUsersRequest>,
    ) -> Result<Response<pb::ListUsersResponse>, Status> {
        let req = request.into_inner();
        self.handle("ListUsers", &req.tenant_id, async {
            let tenant = tenant(&req.tenant_id)?;
            let filter = user_filter(req.filter)?;
            let (users, next_page_token) = self
                .core
                .list_users(&tenant, filter, &req.page_token, req.page_size)
                .await?;
            Ok(pb::ListUsersResponse {
                users: users
                    .into_iter()
                    .map(|u| {
                        let (state, mut enabled) = match u.totp_state {
                            Some(StoredTotpState::Enabled) => {
                                (pb::TotpState::Enabled, vec![Method::Totp])
                            }
                            Some(StoredTotpState::Pending) => (pb::TotpState::Pending, vec![]),
                            None => (pb::TotpState::NotConfigured, vec![]),
                        };
                        enabled.extend(u.contact_methods);
                        pb::UserSummary {
                            user_id: u.user_id,
                            totp_state: state as i32,
                            enabled_methods: methods_to_pb(&enabled),
                            recovery_codes_remaining: u.recovery_codes_remaining,
                            has_unconfirmed_contact: u.has_unconfirmed_contact,
                            grace_logins_used: u.grace_logins_used,
                            locked_until: u.locked_until.map(timestamp),
                        }
                    })
                    .collect(),
                next_page_token,
            })
        })
        .await
    }

    async fn list_audit_events(
        &self,
        request: Request<pb::ListAuditEventsRequest>,
    ) -> Result<Response<pb::ListAuditEventsResponse>, Status> {
        let req = request.into_inner();
        self.handle("ListAuditEvents", &req.tenant_id, async {
            let tenant = tenant(&req.tenant_id)?;
            let user_id = match req.user_id.as_str() {
                "" => None,
                raw => Some(
                    UserId::parse(raw)
                        .map_err(|v| DomainError::InvalidArgument(vec![v]))?
                        .as_str()
                        .to_owned(),
                ),
            };
            let query = AuditQuery {
                user_id,
                kinds: req.kinds.clone(),
                start: req.start_time.as_ref().and_then(instant_from_pb),
                end: req.end_time.as_ref().and_then(instant_from_pb),
                ..Default::default()
            };
            let (events, next_page_token) = self
                .core
                .list_audit_events(&tenant, query, &req.page_token, req.page_size)
                .await?;
            Ok(pb::ListAuditEventsResponse {
                events: events
                    .into_iter()
                    .map(|e| audit_to_pb(tenant.as_str(), e))
                    .collect(),
                next_page_token,
            })
        })
        .await
    }

    async fn erase_user(
        &self,
        request: Request<pb::EraseUserRequest>,
    ) -> Result<Response<pb::EraseUserResponse>, Status> {
        self.erase(request).await
    }

    async fn export_user(
        &self,
        request: Request<pb::ExportUserRequest>,
    ) -> Result<Response<pb::ExportUserResponse>, Status> {
        self.export(request).await
    }
}
