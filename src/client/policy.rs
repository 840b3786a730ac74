//! `tollgate policy get` and `tollgate policy set`. The JSON document `get
//! --json` prints is the one `set --file` reads, so get → edit → set
//! round-trips: proto field names, enums by their short lowercase names,
//! durations as `"30s"`, instants in RFC 3339. In a file, every field present
//! is changed and every field left out is kept.
use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;

use super::Transport as Channel;
use chrono::DateTime;
use clap::{ArgGroup, Args, Subcommand, ValueEnum};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Value, json};

use super::challenge::MethodArg;
use super::{ClientError, Conn, Report, actor, method_names, proto_name, rfc3339, short, table};
use crate::pb;
use crate::pb::policy_service_client::PolicyServiceClient;

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Print the tenant's policy (with --audience, the policy in effect for
    /// that audience).
    Get(GetArgs),
    /// Change the policy from a JSON file (as `policy get --json` prints it)
    /// and/or flags; prints what changed.
    Set(SetArgs),
}

impl PolicyCommand {
    pub fn conn(&self) -> &Conn {
        match self {
            Self::Get(a) => &a.conn,
            Self::Set(a) => &a.conn,
        }
    }
}

#[derive(Debug, Args)]
pub struct GetArgs {
    /// Show the values in effect for this audience (the tenant's with the
    /// audience's overrides on top); read-only, not a file for `set`.
    #[arg(long, value_name = "AUDIENCE")]
    pub audience: Option<String>,
    #[command(flatten)]
    pub conn: Conn,
}

/// Which users must use a second factor.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum EnforcementArg {
    Optional,
    #[value(alias = "required_for_admins", alias = "required-for-admins")]
    Admins,
    #[value(alias = "required_for_all", alias = "required-for-all")]
    All,
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("change").required(true).multiple(true)))]
pub struct SetArgs {
    /// A policy document (all of it or some fields), `-` for stdin.
    #[arg(long, value_name = "FILE", group = "change")]
    pub file: Option<PathBuf>,
    /// Who must use 2FA.
    #[arg(long, value_enum, group = "change")]
    pub enforcement: Option<EnforcementArg>,
    /// Password sign-ins allowed without 2FA once enforcement applies.
    #[arg(long, value_name = "N", group = "change")]
    pub grace_logins: Option<u32>,
    /// The master switch.
    #[arg(long, value_name = "BOOL", group = "change")]
    pub two_factor_enabled: Option<bool>,
    /// The methods users may use, comma-separated.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        value_name = "METHOD,...",
        group = "change"
    )]
    pub allowed_methods: Option<Vec<MethodArg>>,
    /// Apply the flags above to this audience's overrides instead of the
    /// tenant's policy (a --file still applies to the tenant's).
    #[arg(long, value_name = "AUDIENCE")]
    pub audience: Option<String>,
    /// Update only if the policy is still at this etag; default: the etag
    /// read just before the update.
    #[arg(long, value_name = "ETAG")]
    pub etag: Option<String>,
    /// Who is changing it, for the audit log (default `cli:$USER`).
    #[arg(long, env = "TOLLGATE_ACTOR", value_name = "ID")]
    pub actor: Option<String>,
    #[command(flatten)]
    pub conn: Conn,
}

/// Missing stays `None`; an explicit `null` becomes `Some(None)`.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(deserializer).map(Some)
}

/// The TOTP settings of a policy document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TotpDoc {
    issuer: Option<String>,
    digits: Option<u32>,
    period: Option<String>,
    algorithm: Option<String>,
    skew_steps: Option<u32>,
}

/// One audience's overrides; a field left out (or `null`) falls back to
/// the tenant's value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OverrideDoc {
    #[serde(skip_serializing_if = "Option::is_none")]
    two_factor_enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    allowed_methods: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    enforcement: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    admin_roles: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    effective_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    grace_logins: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    trusted_devices_allowed: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    trusted_device_ttl: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_failed_attempts: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lockout_duration: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    allow_self_disable_when_required: Option<bool>,
}

/// A policy as `policy get --json` prints it and `policy set --file` reads
/// it. `tenant_id`, `etag` and `update_time` are read-only.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PolicyDoc {
    tenant_id: Option<String>,
    etag: Option<String>,
    #[serde(deserialize_with = "present")]
    update_time: Option<Option<String>>,
    two_factor_enabled: Option<bool>,
    allowed_methods: Option<Vec<String>>,
    enforcement: Option<String>,
    phishing_resistant: Option<String>,
    admin_roles: Option<Vec<String>>,
    #[serde(deserialize_with = "present")]
    effective_at: Option<Option<String>>,
    grace_logins: Option<u32>,
    trusted_devices_allowed: Option<bool>,
    trusted_device_ttl: Option<String>,
    totp: Option<TotpDoc>,
    code_length: Option<u32>,
    code_ttl: Option<String>,
    resend_cooldown: Option<String>,
    recovery_code_count: Option<u32>,
    max_failed_attempts: Option<u32>,
    lockout_duration: Option<String>,
    allow_self_disable_when_required: Option<bool>,
    pending_enrollment_ttl: Option<String>,
    max_code_sends: Option<u32>,
    challenge_ttl: Option<String>,
    max_sends_per_user_hour: Option<u32>,
    max_sends_per_tenant_hour: Option<u32>,
    allowed_phone_regions: Option<Vec<String>>,
    security_notifications: Option<bool>,
    audiences: Option<BTreeMap<String, OverrideDoc>>,
}

fn duration_text(d: Option<&prost_types::Duration>) -> Option<String> {
    d.map(|d| format!("{}s", d.seconds))
}

fn enforcement_text(value: i32) -> String {
    pb::Enforcement::try_from(value).map_or_else(
        |_| value.to_string(),
        |e| short(e.as_str_name(), "ENFORCEMENT_"),
    )
}

impl OverrideDoc {
    fn from_pb(o: &pb::PolicyOverride) -> Self {
        Self {
            two_factor_enabled: o.two_factor_enabled,
            allowed_methods: o.allowed_methods.as_ref().map(|m| method_names(&m.methods)),
            enforcement: o.enforcement.map(enforcement_text),
            admin_roles: o.admin_roles.as_ref().map(|r| r.values.clone()),
            effective_at: rfc3339(o.effective_at.as_ref()),
            grace_logins: o.grace_logins,
            trusted_devices_allowed: o.trusted_devices_allowed,
            trusted_device_ttl: duration_text(o.trusted_device_ttl.as_ref()),
            max_failed_attempts: o.max_failed_attempts,
            lockout_duration: duration_text(o.lockout_duration.as_ref()),
            allow_self_disable_when_required: o.allow_self_disable_when_required,
        }
    }

    fn to_pb(&self, r: &mut Reader, name: &str) -> pb::PolicyOverride {
        let field = |f: &str| format!("audiences.{name}.{f}");
        pb::PolicyOverride {
            two_factor_enabled: self.two_factor_enabled,
            allowed_methods: self.allowed_methods.as_ref().map(|m| pb::MethodList {
                methods: r.methods(&field("allowed_methods"), m),
            }),
            enforcement: self
                .enforcement
                .as_ref()
                .map(|e| r.enforcement(&field("enforcement"), e)),
            admin_roles: self
                .admin_roles
                .as_ref()
                .map(|v| pb::StringList { values: v.clone() }),
            effective_at: self
                .effective_at
                .as_ref()
                .map(|t| r.instant(&field("effective_at"), t)),
            grace_logins: self.grace_logins,
            trusted_devices_allowed: self.trusted_devices_allowed,
            trusted_device_ttl: self
                .trusted_device_ttl
                .as_ref()
                .map(|d| r.duration(&field("trusted_device_ttl"), d)),
            max_failed_attempts: self.max_failed_attempts,
            lockout_duration: self
                .lockout_duration
                .as_ref()
                .map(|d| r.duration(&field("lockout_duration"), d)),
            allow_self_disable_when_required: self.allow_self_disable_when_required,
        }
    }
}

impl PolicyDoc {
    pub fn from_pb(p: &pb::Policy) -> Self {
        let totp = p.totp.clone().unwrap_or_default();
        Self {
            tenant_id: Some(p.tenant_id.clone()),
            etag: Some(p.etag.clone()),
            update_time: Some(rfc3339(p.update_time.as_ref())),
            two_factor_enabled: Some(p.two_factor_enabled),
            allowed_methods: Some(method_names(&p.allowed_methods)),
            enforcement: Some(enforcement_text(p.enforcement)),
            phishing_resistant: Some(enforcement_text(p.phishing_resistant)),
            admin_roles: Some(p.admin_roles.clone()),
            effective_at: Some(rfc3339(p.effective_at.as_ref())),
            grace_logins: Some(p.grace_logins),
            trusted_devices_allowed: Some(p.trusted_devices_allowed),
            trusted_device_ttl: duration_text(p.trusted_device_ttl.as_ref()),
            totp: Some(TotpDoc {
                issuer: Some(totp.issuer.clone()),
                digits: Some(totp.digits),
                period: duration_text(totp.period.as_ref()),
                algorithm: Some(pb::TotpAlgorithm::try_from(totp.algorithm).map_or_else(
                    |_| totp.algorithm.to_string(),
                    |a| short(a.as_str_name(), "TOTP_ALGORITHM_"),
                )),
                skew_steps: Some(totp.skew_steps),
            }),
            code_length: Some(p.code_length),
            code_ttl: duration_text(p.code_ttl.as_ref()),
            resend_cooldown: duration_text(p.resend_cooldown.as_ref()),
            recovery_code_count: Some(p.recovery_code_count),
            max_failed_attempts: Some(p.max_failed_attempts),
            lockout_duration: duration_text(p.lockout_duration.as_ref()),
            allow_self_disable_when_required: Some(p.allow_self_disable_when_required),
            pending_enrollment_ttl: duration_text(p.pending_enrollment_ttl.as_ref()),
            max_code_sends: Some(p.max_code_sends),
            challenge_ttl: duration_text(p.challenge_ttl.as_ref()),
            max_sends_per_user_hour: Some(p.max_sends_per_user_hour),
            max_sends_per_tenant_hour: Some(p.max_sends_per_tenant_hour),
            allowed_phone_regions: Some(p.allowed_phone_regions.clone()),
            security_notifications: Some(p.security_notifications),
            audiences: Some(
                p.audiences
                    .iter()
                    .map(|(name, o)| (name.clone(), OverrideDoc::from_pb(o)))
                    .collect(),
            ),
        }
    }

    /// The proto policy and the field mask naming every field present.
    fn to_pb(&self) -> Result<(pb::Policy, Vec<String>), ClientError> {
        let mut r = Reader::default();
        let mut p = pb::Policy::default();
        self.values_to_pb(&mut r, &mut p);
        self.choices_to_pb(&mut r, &mut p);
        if let Some(totp) = &self.totp {
            p.totp = Some(totp.to_pb(&mut r));
        }
        if let Some(audiences) = &self.audiences {
            p.audiences = audiences
                .iter()
                .map(|(name, o)| (name.clone(), o.to_pb(&mut r, name)))
                .collect();
            r.mask.push("audiences".to_owned());
        }
        if r.errors.is_empty() {
            Ok((p, r.mask))
        } else {
            Err(ClientError::Local(format!(
                "bad policy document: {}",
                r.errors.join("; ")
            )))
        }
    }

    /// The fields the proto holds as they are, then the durations.
    fn values_to_pb(&self, r: &mut Reader, p: &mut pb::Policy) {
        macro_rules! plain {
            ($($field:ident),*) => {$(
                if let Some(value) = &self.$field {
                    p.$field = value.clone();
                    r.mask.push(stringify!($field).to_owned());
                }
            )*};
        }
        macro_rules! durations {
            ($($field:ident),*) => {$(
                if let Some(value) = &self.$field {
                    p.$field = Some(r.duration(stringify!($field), value));
                    r.mask.push(stringify!($field).to_owned());
                }
            )*};
        }
        plain!(
            two_factor_enabled,
            admin_roles,
            grace_logins,
            trusted_devices_allowed,
            code_length,
            recovery_code_count,
            max_failed_attempts,
            allow_self_disable_when_required,
            max_code_sends,
            max_sends_per_user_hour,
            max_sends_per_tenant_hour,
            allowed_phone_regions,
            security_notifications
        );
        durations!(
            trusted_device_ttl,
            code_ttl,
            resend_cooldown,
            lockout_duration,
            pending_enrollment_ttl,
            challenge_ttl
        );
    }

    /// The methods, the enforcement and when it starts: names and an
    /// instant read into proto values.
    fn choices_to_pb(&self, r: &mut Reader, p: &mut pb::Policy) {
        if let Some(methods) = &self.allowed_methods {
            p.allowed_methods = r.methods("allowed_methods", methods);
            r.mask.push("allowed_methods".to_owned());
        }
        if let Some(enforcement) = &self.enforcement {
            p.enforcement = r.enforcement("enforcement", enforcement);
            r.mask.push("enforcement".to_owned());
        }
        if let Some(phishing) = &self.phishing_resistant {
            p.phishing_resistant = r.enforcement("phishing_resistant", phishing);
            r.mask.push("phishing_resistant".to_owned());
        }
        if let Some(at) = &self.effective_at {
            p.effective_at = at.as_ref().map(|t| r.instant("effective_at", t));
            r.mask.push("effective_at".to_owned());
        }
    }
}

impl TotpDoc {
    /// The proto settings; the mask gets `totp.<field>` for each field present.
    fn to_pb(&self, r: &mut Reader) -> pb::TotpSettings {
        let mut settings = pb::TotpSettings::default();
        let mut sub = |name: &str| r.mask.push(format!("totp.{name}"));
        if let Some(issuer) = &self.issuer {
            settings.issuer = issuer.clone();
            sub("issuer");
        }
        if let Some(digits) = self.digits {
            settings.digits = digits;
            sub("digits");
        }
        if let Some(skew) = self.skew_steps {
            settings.skew_steps = skew;
            sub("skew_steps");
        }
        if let Some(period) = &self.period {
            settings.period = Some(r.duration("totp.period", period));
            r.mask.push("totp.period".to_owned());
        }
        if let Some(algorithm) = &self.algorithm {
            settings.algorithm =
                r.enum_value("totp.algorithm", algorithm, "TOTP_ALGORITHM_", |n| {
                    pb::TotpAlgorithm::from_str_name(n).map(|a| a as i32)
                });
            r.mask.push("totp.algorithm".to_owned());
        }
        settings
    }
}

/// Reads document values into proto ones, collecting every bad field.
#[derive(Default)]
struct Reader {
    mask: Vec<String>,
    errors: Vec<String>,
}

impl Reader {
    fn enum_value(
        &mut self,
        field: &str,
        text: &str,
        prefix: &str,
        parse: impl Fn(&str) -> Option<i32>,
    ) -> i32 {
        parse(&proto_name(text, prefix)).unwrap_or_else(|| {
            self.errors.push(format!("{field}: unknown value {text:?}"));
            0
        })
    }

    fn methods(&mut self, field: &str, names: &[String]) -> Vec<i32> {
        names
            .iter()
            .map(|m| {
                self.enum_value(field, m, "METHOD_", |n| {
                    pb::Method::from_str_name(n).map(|m| m as i32)
                })
            })
            .collect()
    }

    fn enforcement(&mut self, field: &str, name: &str) -> i32 {
        self.enum_value(field, name, "ENFORCEMENT_", |n| {
            pb::Enforcement::from_str_name(n).map(|e| e as i32)
        })
    }

    fn duration(&mut self, field: &str, text: &str) -> prost_types::Duration {
        match text.strip_suffix('s').and_then(|s| s.parse::<i64>().ok()) {
            Some(seconds) => prost_types::Duration { seconds, nanos: 0 },
            None => {
                self.errors
                    .push(format!("{field}: {text:?} is not a duration like \"30s\""));
                prost_types::Duration::default()
            }
        }
    }

    fn instant(&mut self, field: &str, text: &str) -> prost_types::Timestamp {
        match DateTime::parse_from_rfc3339(text) {
            Ok(at) => prost_types::Timestamp {
                seconds: at.timestamp(),
                nanos: 0,
            },
            Err(_) => {
                self.errors
                    .push(format!("{field}: {text:?} is not an RFC 3339 instant"));
                prost_types::Timestamp::default()
            }
        }
    }
}

pub async fn run(command: &PolicyCommand, channel: Channel) -> Result<Report, ClientError> {
    let mut client = PolicyServiceClient::new(channel);
    match command {
        PolicyCommand::Get(args) => {
            let mut policy = get(&mut client, &args.conn).await?;
            if let Some(audience) = &args.audience {
                policy = crate::grpc::effective_policy(&policy, audience).map_err(|e| {
                    ClientError::Local(format!(
                        "the server sent a policy this client cannot read: {e}"
                    ))
                })?;
            }
            let mut json = to_json(&PolicyDoc::from_pb(&policy))?;
            if let (Some(audience), Some(fields)) = (&args.audience, json.as_object_mut()) {
                fields.remove("audiences");
                fields.insert("audience".to_owned(), json!(audience));
            }
            Ok(Report::new(json.clone(), describe(&json)))
        }
        PolicyCommand::Set(args) => set(args, &mut client).await,
    }
}

async fn get(
    client: &mut PolicyServiceClient<Channel>,
    conn: &Conn,
) -> Result<pb::Policy, ClientError> {
    Ok(client
        .get_policy(pb::GetPolicyRequest {
            tenant_id: conn.tenant.clone(),
        })
        .await?
        .into_inner()
        .policy
        .unwrap_or_default())
}

fn read_file(path: &PathBuf) -> Result<PolicyDoc, ClientError> {
    let local = |e: &dyn std::fmt::Display| ClientError::Local(format!("{}: {e}", path.display()));
    let mut text = String::new();
    if path.as_os_str() == "-" {
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| local(&e))?;
    } else {
        text = std::fs::read_to_string(path).map_err(|e| local(&e))?;
    }
    serde_json::from_str(&text).map_err(|e| local(&e))
}

fn enforcement_name(e: EnforcementArg) -> &'static str {
    match e {
        EnforcementArg::Optional => "optional",
        EnforcementArg::Admins => "required_for_admins",
        EnforcementArg::All => "required_for_all",
    }
}

async fn set(
    args: &SetArgs,
    client: &mut PolicyServiceClient<Channel>,
) -> Result<Report, ClientError> {
    let mut doc = match &args.file {
        Some(path) => read_file(path)?,
        None => PolicyDoc::default(),
    };
    let current = get(client, &args.conn).await?;
    let before = PolicyDoc::from_pb(&current);
    let audience_override = apply_flags(args, &mut doc, &before);
    let (mut policy, mut mask) = doc.to_pb()?;
    if let Some((name, over)) = audience_override {
        let mut reader = Reader::default();
        let value = over.to_pb(&mut reader, &name);
        if !reader.errors.is_empty() {
            return Err(ClientError::Local(reader.errors.join("; ")));
        }
        policy.audiences.insert(name.clone(), value);
        mask.push(format!("audiences.{name}"));
    }
    if mask.is_empty() {
        return Err(ClientError::Local(
            "nothing to change: the file names no policy field".to_owned(),
        ));
    }
    let updated = client
        .update_policy(pb::UpdatePolicyRequest {
            tenant_id: args.conn.tenant.clone(),
            policy: Some(policy),
            update_mask: Some(prost_types::FieldMask { paths: mask }),
            etag: args.etag.clone().unwrap_or(current.etag),
            actor_id: actor(&args.actor),
        })
        .await?
        .into_inner()
        .policy
        .unwrap_or_default();
    changes_report(&before, &updated)
}

/// Lays the flags over `doc` (the tenant's policy) or, with --audience,
/// over that audience's overrides as `before` has them, which it returns
/// with the audience's name.
fn apply_flags(
    args: &SetArgs,
    doc: &mut PolicyDoc,
    before: &PolicyDoc,
) -> Option<(String, OverrideDoc)> {
    let methods = args.allowed_methods.as_ref().map(|m| {
        let values: Vec<i32> = m.iter().map(|m| m.to_pb() as i32).collect();
        method_names(&values)
    });
    let enforcement = args.enforcement.map(|e| enforcement_name(e).to_owned());
    match &args.audience {
        None => {
            overlay_flags(&mut doc.two_factor_enabled, args.two_factor_enabled);
            overlay_flags(&mut doc.grace_logins, args.grace_logins);
            overlay_flags(&mut doc.allowed_methods, methods);
            overlay_flags(&mut doc.enforcement, enforcement);
            None
        }
        Some(name) => {
            let mut over = before
                .audiences
                .as_ref()
                .and_then(|a| a.get(name))
                .cloned()
                .unwrap_or_default();
            overlay_flags(&mut over.two_factor_enabled, args.two_factor_enabled);
            overlay_flags(&mut over.grace_logins, args.grace_logins);
            overlay_flags(&mut over.allowed_methods, methods);
            overlay_flags(&mut over.enforcement, enforcement);
            Some((name.clone(), over))
        }
    }
}

/// What `policy set` prints: each field that changed from `before` to
/// `updated` (or "No change."), and the new etag.
fn changes_report(before: &PolicyDoc, updated: &pb::Policy) -> Result<Report, ClientError> {
    let after = to_json(&PolicyDoc::from_pb(updated))?;
    let changes = diff(&to_json(before)?, &after);
    let mut text = if changes.is_empty() {
        "No change.\n".to_owned()
    } else {
        let rows: Vec<(&str, String)> = changes
            .iter()
            .map(|(field, old, new)| {
                let (old, new) = (value_text(old), value_text(new));
                (field.as_str(), format!("{old} -> {new}"))
            })
            .collect();
        format!("Changed:\n{}", indent(&table(&rows)))
    };
    text.push_str(&format!("etag: {}\n", updated.etag));
    let changes: Vec<Value> = changes
        .into_iter()
        .map(|(field, old, new)| json!({ "field": field, "old": old, "new": new }))
        .collect();
    Ok(Report::new(
        json!({ "policy": after, "changes": changes }),
        text,
    ))
}

fn overlay_flags<T>(target: &mut Option<T>, flag: Option<T>) {
    if flag.is_some() {
        *target = flag;
    }
}

fn to_json(doc: &PolicyDoc) -> Result<Value, ClientError> {
    serde_json::to_value(doc).map_err(|e| ClientError::Local(e.to_string()))
}

/// Leaf values of a JSON document by dotted path, e.g. `totp.digits`.
fn flatten(prefix: &str, value: &Value, out: &mut BTreeMap<String, Value>) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, inner) in map {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                flatten(&path, inner, out);
            }
        }
        other => {
            out.insert(prefix.to_owned(), other.clone());
        }
    }
}

/// The fields whose values differ, as (path, old, new).
fn diff(before: &Value, after: &Value) -> Vec<(String, Value, Value)> {
    let (mut old, mut new) = (BTreeMap::new(), BTreeMap::new());
    flatten("", before, &mut old);
    flatten("", after, &mut new);
    // An empty map (no audiences) is no value to compare.
    let empty = Value::Object(serde_json::Map::new());
    old.retain(|_, v| *v != empty);
    new.retain(|_, v| *v != empty);
    let paths: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    paths
        .into_iter()
        .filter(|p| !matches!(p.as_str(), "etag" | "update_time"))
        .filter_map(|p| {
            let (o, n) = (
                old.get(p).cloned().unwrap_or(Value::Null),
                new.get(p).cloned().unwrap_or(Value::Null),
            );
            (o != n).then(|| (p.clone(), o, n))
        })
        .collect()
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("  {l}\n")).collect()
}

/// The text form of a policy: one aligned `field  value` row per leaf.
fn describe(doc: &Value) -> String {
    let mut leaves = BTreeMap::new();
    flatten("", doc, &mut leaves);
    let rows: Vec<(&str, String)> = leaves
        .iter()
        .map(|(path, value)| (path.as_str(), value_text(value)))
        .collect();
    table(&rows)
}

/// A JSON value for the text form: strings bare, lists joined, null as `-`.
fn value_text(value: &Value) -> String {
    match value {
        Value::Null => "-".to_owned(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_owned))
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}
