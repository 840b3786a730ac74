//! Administrator views and actions: `tollgate status` (a user's 2FA state),
//! `tollgate user reset` and `tollgate audit` (`user erase` and `user export`
//! are in `erasure`).
use super::Transport as Channel;
use clap::{Args, Subcommand};
use serde_json::{Value, json};

use super::{
    ClientError, Conn, Report, Subject, actor, list, method_name, method_names, rfc3339, short,
    table,
};
use crate::pb;
use crate::pb::enrollment_service_client::EnrollmentServiceClient;
use crate::pb::policy_service_client::PolicyServiceClient;
use crate::pb::recovery_service_client::RecoveryServiceClient;

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub subject: Subject,
    #[command(flatten)]
    pub conn: Conn,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Reset a user's 2FA: every method, recovery codes, trusted devices and
    /// lockout (audited with the actor and reason).
    Reset(ResetArgs),
    /// Erase everything tollgate holds about a user, leaving one audit event
    /// (asks first on a terminal, unless --yes).
    Erase(super::erasure::EraseArgs),
    /// Export a user's 2FA state without secrets, as JSON (for data-access
    /// requests).
    Export(super::erasure::ExportArgs),
}

impl UserCommand {
    pub fn conn(&self) -> &Conn {
        match self {
            Self::Reset(a) => &a.conn,
            Self::Erase(a) => &a.conn,
            Self::Export(a) => &a.conn,
        }
    }
}

#[derive(Debug, Args)]
pub struct ResetArgs {
    /// The user id.
    #[arg(long, value_name = "USER")]
    pub user: String,
    /// Why, for the audit log.
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
    /// Who is resetting, for the audit log (default `cli:$USER`).
    #[arg(long, env = "TOLLGATE_ACTOR", value_name = "ID")]
    pub actor: Option<String>,
    #[command(flatten)]
    pub conn: Conn,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Only this user's events.
    #[arg(long, value_name = "USER")]
    pub user: Option<String>,
    /// Only these kinds, comma-separated, e.g. `totp.enrolled,user.reset`.
    #[arg(long, value_delimiter = ',', value_name = "KIND,...")]
    pub kind: Vec<String>,
    /// Events per page.
    #[arg(long, default_value_t = 50, value_name = "N")]
    pub limit: u32,
    /// The next_page_token of an earlier page.
    #[arg(long, value_name = "TOKEN")]
    pub page_token: Option<String>,
    #[command(flatten)]
    pub conn: Conn,
}

/// The user's enrolment and recovery-code status, asked in that order.
/// What `status` shows, fetched: enrolment, recovery codes, passkeys.
type Status = (
    pb::GetEnrollmentResponse,
    pb::GetRecoveryStatusResponse,
    Vec<pb::WebAuthnCredential>,
);

async fn fetch_status(args: &StatusArgs, channel: Channel) -> Result<Status, ClientError> {
    let (tenant_id, user_id) = (args.conn.tenant.clone(), args.subject.user.clone());
    let e = EnrollmentServiceClient::new(channel.clone())
        .get_enrollment(pb::GetEnrollmentRequest {
            tenant_id: tenant_id.clone(),
            user_id: user_id.clone(),
            roles: args.subject.roles.clone(),
            audience: args.subject.audience.clone().unwrap_or_default(),
        })
        .await?
        .into_inner();
    let keys = EnrollmentServiceClient::new(channel.clone())
        .list_web_authn_credentials(pb::ListWebAuthnCredentialsRequest {
            tenant_id: tenant_id.clone(),
            user_id: user_id.clone(),
        })
        .await?
        .into_inner()
        .credentials;
    let recovery = RecoveryServiceClient::new(channel)
        .get_recovery_status(pb::GetRecoveryStatusRequest { tenant_id, user_id })
        .await?
        .into_inner();
    Ok((e, recovery, keys))
}

/// A passkey or security key, as `status --json` shows it.
fn webauthn_json(key: &pb::WebAuthnCredential) -> Value {
    json!({
        "credential_id": key.credential_id,
        "label": key.label,
        "kind": short(key.kind().as_str_name(), "WEB_AUTHN_KIND_"),
        "created_at": rfc3339(key.created_at.as_ref()),
        "last_used_at": rfc3339(key.last_used_at.as_ref()),
        "backed_up": key.backed_up,
    })
}

/// The passkeys row of the status table.
fn webauthn_text(keys: &[Value]) -> String {
    if keys.is_empty() {
        return "none".to_owned();
    }
    let each: Vec<String> = keys
        .iter()
        .map(|k| {
            let used = k["last_used_at"].as_str().unwrap_or("never");
            format!(
                "{} ({}, last used {used})",
                k["label"].as_str().unwrap_or_default(),
                k["kind"].as_str().unwrap_or_default().replace('_', " "),
            )
        })
        .collect();
    each.join("; ")
}

pub async fn status(args: &StatusArgs, channel: Channel) -> Result<Report, ClientError> {
    let (e, recovery, keys) = fetch_status(args, channel).await?;
    let keys: Vec<Value> = keys.iter().map(webauthn_json).collect();
    let totp = e.totp.unwrap_or_default();
    let totp_state = short(totp.state().as_str_name(), "TOTP_STATE_");
    let enabled = method_names(&e.enabled_methods);
    let verdict = e.policy.unwrap_or_default();
    let compliance = short(verdict.state().as_str_name(), "COMPLIANCE_STATE_");
    let requirement = short(verdict.reason().as_str_name(), "REQUIREMENT_REASON_");
    let (email, sms) = (contact_json(e.email), contact_json(e.sms));
    let default_method = (e.default_method != 0).then(|| method_name(e.default_method));
    let json = json!({
        "user_id": args.subject.user,
        "two_factor_enabled": e.two_factor_enabled,
        "enabled_methods": enabled,
        "default_method": default_method,
        "totp": {
            "state": totp_state,
            "confirmed_at": rfc3339(totp.confirmed_at.as_ref()),
            "pending_expires_at": rfc3339(totp.pending_expires_at.as_ref()),
        },
        "email": email,
        "sms": sms,
        "webauthn": keys,
        "recovery_codes": {
            "remaining": recovery.remaining,
            "total": recovery.total,
            "generated_at": rfc3339(recovery.generated_at.as_ref()),
        },
        "policy": {
            "required": verdict.required,
            "reason": requirement,
            "state": compliance,
            "grace_logins_left": verdict.grace_logins_left,
            "effective_at": rfc3339(verdict.effective_at.as_ref()),
            "message": verdict.message,
        },
    });
    let mut rows = vec![
        ("user", args.subject.user.clone()),
        (
            "2FA",
            if e.two_factor_enabled {
                "enabled"
            } else {
                "not enabled"
            }
            .to_owned(),
        ),
        ("methods", list(&enabled)),
        (
            "default method",
            default_method.clone().unwrap_or_else(|| "-".to_owned()),
        ),
        ("totp", totp_text(totp_state, &totp)),
        ("email", contact_text(&json["email"])),
        ("sms", contact_text(&json["sms"])),
        ("passkeys", webauthn_text(&keys)),
        (
            "recovery codes",
            format!("{} of {} left", recovery.remaining, recovery.total),
        ),
        ("policy", verdict_text(&verdict, &compliance, &requirement)),
    ];
    if !verdict.message.is_empty() {
        rows.push(("message", verdict.message.clone()));
    }
    Ok(Report::new(json, table(&rows)))
}

/// A contact method as `status --json` shows it.
fn contact_json(c: Option<pb::ContactMethodStatus>) -> Value {
    let c = c.unwrap_or_default();
    json!({
        "enabled": c.enabled,
        "contact_confirmed": c.contact_confirmed,
        "masked_address": c.masked_address,
    })
}

/// A contact method (as [`contact_json`] gives it) in the status table.
fn contact_text(c: &Value) -> String {
    let address = c["masked_address"].as_str().unwrap_or_default();
    if address.is_empty() {
        return "no contact".to_owned();
    }
    format!(
        "{address}, {}, {}",
        if c["contact_confirmed"] == true {
            "confirmed"
        } else {
            "unconfirmed"
        },
        if c["enabled"] == true {
            "enabled"
        } else {
            "not enabled"
        },
    )
}

/// The TOTP state in the status table, with since when or until when.
fn totp_text(state: String, totp: &pb::TotpStatus) -> String {
    match (
        rfc3339(totp.confirmed_at.as_ref()),
        rfc3339(totp.pending_expires_at.as_ref()),
    ) {
        (Some(at), _) => format!("{state} since {at}"),
        (None, Some(until)) => format!("{state} until {until}"),
        _ => state,
    }
}

/// The policy's verdict in the status table.
fn verdict_text(verdict: &pb::PolicyVerdict, compliance: &str, requirement: &str) -> String {
    let mut text = if verdict.required {
        format!("{compliance} (required: {requirement})")
    } else {
        format!("{compliance} ({requirement})")
    };
    if verdict.state() == pb::ComplianceState::InGrace {
        text.push_str(&format!(
            ", {} grace logins left",
            verdict.grace_logins_left
        ));
    }
    text
}

pub async fn user(command: &UserCommand, channel: Channel) -> Result<Report, ClientError> {
    let args = match command {
        UserCommand::Reset(args) => args,
        UserCommand::Erase(args) => return super::erasure::erase(args, channel).await,
        UserCommand::Export(args) => return super::erasure::export(args, channel).await,
    };
    let actor_id = actor(&args.actor);
    EnrollmentServiceClient::new(channel)
        .reset_user(pb::ResetUserRequest {
            tenant_id: args.conn.tenant.clone(),
            user_id: args.user.clone(),
            actor_id: actor_id.clone(),
            reason: args.reason.clone().unwrap_or_default(),
        })
        .await?;
    Ok(Report::new(
        json!({ "user_id": args.user, "reset": true, "actor_id": actor_id }),
        format!(
            "Reset 2FA of {}: methods, recovery codes and trusted devices are gone.\n",
            args.user
        ),
    ))
}

pub async fn audit(args: &AuditArgs, channel: Channel) -> Result<Report, ClientError> {
    let r = PolicyServiceClient::new(channel)
        .list_audit_events(pb::ListAuditEventsRequest {
            tenant_id: args.conn.tenant.clone(),
            user_id: args.user.clone().unwrap_or_default(),
            kinds: args.kind.clone(),
            page_size: args.limit,
            page_token: args.page_token.clone().unwrap_or_default(),
            ..Default::default()
        })
        .await?
        .into_inner();
    let events: Vec<Value> = r
        .events
        .iter()
        .map(|e| {
            json!({
                "id": e.id,
                "occurred_at": rfc3339(e.occurred_at.as_ref()),
                "kind": e.kind,
                "user_id": e.user_id,
                "actor_id": e.actor_id,
                "caller": e.caller,
                "method": (e.method != 0).then(|| method_name(e.method)),
                "outcome": e.outcome,
                "reason": e.reason,
                "client_ip": e.client_ip,
                "user_agent": e.user_agent,
                "details": e.details.iter().collect::<std::collections::BTreeMap<_, _>>(),
            })
        })
        .collect();
    let header = [
        "TIME", "KIND", "USER", "ACTOR", "CALLER", "METHOD", "OUTCOME", "REASON",
    ];
    let mut rows: Vec<[String; 8]> = vec![header.map(str::to_owned)];
    for e in &events {
        let field = |name: &str| match &e[name] {
            Value::String(s) if !s.is_empty() => s.clone(),
            _ => "-".to_owned(),
        };
        rows.push([
            field("occurred_at"),
            field("kind"),
            field("user_id"),
            field("actor_id"),
            field("caller"),
            field("method"),
            field("outcome"),
            field("reason"),
        ]);
    }
    let mut text = columns(&rows);
    if events.is_empty() {
        text = "No audit events.\n".to_owned();
    }
    if !r.next_page_token.is_empty() {
        text.push_str(&format!("\nMore: --page-token {}\n", r.next_page_token));
    }
    Ok(Report::new(
        json!({ "events": events, "next_page_token": r.next_page_token }),
        text,
    ))
}

/// Rows of cells, each column padded to its widest cell.
fn columns<const N: usize>(rows: &[[String; N]]) -> String {
    let mut widths = [0usize; N];
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    rows.iter()
        .map(|row| {
            let line: Vec<String> = row
                .iter()
                .zip(widths)
                .map(|(cell, width)| format!("{cell:<width$}"))
                .collect();
            format!("{}\n", line.join("  ").trim_end())
        })
        .collect()
}
