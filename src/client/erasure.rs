//! Moving out: `tollgate user erase` (asks first on a terminal, unless
//! `--yes`) and `tollgate user export` (a user's 2FA state as JSON, for a
//! data-access request).
use std::io::{BufRead, IsTerminal, Write};

use clap::Args;
use serde_json::{Value, json};

use super::Transport as Channel;
use super::{ClientError, Conn, Report, actor, method_name, method_names, rfc3339, short};
use crate::pb;
use crate::pb::policy_service_client::PolicyServiceClient;

#[derive(Debug, Args)]
pub struct EraseArgs {
    /// The user id.
    #[arg(long, value_name = "USER")]
    pub user: String,
    /// Why, e.g. a ticket number, for the audit log.
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
    /// Who is erasing, for the audit log (default `cli:$USER`).
    #[arg(long, env = "TOLLGATE_ACTOR", value_name = "ID")]
    pub actor: Option<String>,
    /// Do not ask (needed when stdin is not a terminal).
    #[arg(long)]
    pub yes: bool,
    #[command(flatten)]
    pub conn: Conn,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The user id.
    #[arg(long, value_name = "USER")]
    pub user: String,
    /// Why, e.g. a ticket number, for the audit log.
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
    /// Who is exporting, for the audit log (default `cli:$USER`).
    #[arg(long, env = "TOLLGATE_ACTOR", value_name = "ID")]
    pub actor: Option<String>,
    /// The most recent audit events to include (at most 500).
    #[arg(long, default_value_t = 100, value_name = "N")]
    pub events: u32,
    #[command(flatten)]
    pub conn: Conn,
}

/// Before anything is sent: unless `--yes`, the person at the terminal
/// types the user id to confirm; without a terminal, `--yes` is required.
pub fn confirm_erasure(args: &EraseArgs) -> Result<(), ClientError> {
    if args.yes {
        return Ok(());
    }
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err(ClientError::Local(
            "erasing cannot be undone: pass --yes when stdin is not a terminal".to_owned(),
        ));
    }
    eprint!(
        "Erase everything tollgate holds about user {:?} of tenant {:?}? This cannot be undone.\nType the user id to confirm: ",
        args.user, args.conn.tenant
    );
    std::io::stderr().flush().ok();
    let mut answer = String::new();
    stdin
        .lock()
        .read_line(&mut answer)
        .map_err(|e| ClientError::Local(e.to_string()))?;
    if answer.trim_end_matches(['\r', '\n']) != args.user {
        return Err(ClientError::Local(
            "not confirmed: nothing was erased".to_owned(),
        ));
    }
    Ok(())
}

pub async fn erase(args: &EraseArgs, channel: Channel) -> Result<Report, ClientError> {
    let r = PolicyServiceClient::new(channel)
        .erase_user(pb::EraseUserRequest {
            tenant_id: args.conn.tenant.clone(),
            user_id: args.user.clone(),
            actor_id: actor(&args.actor),
            reason: args.reason.clone().unwrap_or_default(),
        })
        .await?
        .into_inner();
    let rows: std::collections::BTreeMap<_, _> = r.erased_rows.into_iter().collect();
    let text = if r.found {
        let each: Vec<String> = rows
            .iter()
            .map(|(table, n)| format!("  {table}: {n}\n"))
            .collect();
        format!("Erased {}. Rows deleted:\n{}", args.user, each.concat())
    } else {
        format!(
            "tollgate held nothing about {}: nothing erased.\n",
            args.user
        )
    };
    let event = r.event.unwrap_or_default();
    Ok(Report::new(
        json!({
            "user_id": args.user,
            "found": r.found,
            "erased_rows": rows,
            "audit_event_id": event.id,
            "actor_id": event.actor_id,
            "caller": event.caller,
        }),
        text,
    ))
}

fn contact_json(c: &pb::ExportedContact) -> Value {
    json!({
        "kind": short(c.kind().as_str_name(), "CONTACT_KIND_"),
        "masked_address": c.masked_address,
        "confirmed_at": rfc3339(c.confirmed_at.as_ref()),
    })
}

fn device_json(d: &pb::ExportedTrustedDevice) -> Value {
    json!({
        "device_id": d.device_id,
        "created_at": rfc3339(d.created_at.as_ref()),
        "expires_at": rfc3339(d.expires_at.as_ref()),
        "revoked_at": rfc3339(d.revoked_at.as_ref()),
        "client_ip": d.client_ip,
        "user_agent": d.user_agent,
    })
}

fn event_json(e: &pb::AuditEvent) -> Value {
    json!({
        "id": e.id,
        "occurred_at": rfc3339(e.occurred_at.as_ref()),
        "kind": e.kind,
        "actor_id": e.actor_id,
        "caller": e.caller,
        "method": (e.method != 0).then(|| method_name(e.method)),
        "outcome": e.outcome,
        "reason": e.reason,
        "client_ip": e.client_ip,
        "user_agent": e.user_agent,
        "details": e.details.iter().collect::<std::collections::BTreeMap<_, _>>(),
    })
}

/// The export as one JSON document (printed as is, with or without
/// `--json`).
fn export_json(r: &pb::ExportUserResponse) -> Value {
    json!({
        "tenant_id": r.tenant_id,
        "user_id": r.user_id,
        "found": r.found,
        "first_seen_at": rfc3339(r.first_seen_at.as_ref()),
        "enabled_methods": method_names(&r.enabled_methods),
        "default_method": (r.default_method != 0).then(|| method_name(r.default_method)),
        "totp": {
            "state": short(r.totp_state().as_str_name(), "TOTP_STATE_"),
            "confirmed_at": rfc3339(r.totp_confirmed_at.as_ref()),
        },
        "webauthn": r.webauthn_credentials.iter().map(|k| json!({
            "label": k.label,
            "kind": short(k.kind().as_str_name(), "WEB_AUTHN_KIND_"),
            "created_at": rfc3339(k.created_at.as_ref()),
            "last_used_at": rfc3339(k.last_used_at.as_ref()),
        })).collect::<Vec<_>>(),
        "contacts": r.contacts.iter().map(contact_json).collect::<Vec<_>>(),
        "trusted_devices": r.trusted_devices.iter().map(device_json).collect::<Vec<_>>(),
        "recovery_codes": {
            "remaining": r.recovery_codes_remaining,
            "total": r.recovery_codes_total,
            "generated_at": rfc3339(r.recovery_codes_generated_at.as_ref()),
        },
        "grace_logins_used": r.grace_logins_used,
        "lockout": {
            "failed_attempts": r.failed_attempts,
            "locked_until": rfc3339(r.locked_until.as_ref()),
        },
        "audit_events": r.audit_events.iter().map(event_json).collect::<Vec<_>>(),
    })
}

pub async fn export(args: &ExportArgs, channel: Channel) -> Result<Report, ClientError> {
    let r = PolicyServiceClient::new(channel)
        .export_user(pb::ExportUserRequest {
            tenant_id: args.conn.tenant.clone(),
            user_id: args.user.clone(),
            actor_id: actor(&args.actor),
            reason: args.reason.clone().unwrap_or_default(),
            audit_event_limit: args.events,
        })
        .await?
        .into_inner();
    let json = export_json(&r);
    let text =
        serde_json::to_string_pretty(&json).map_err(|e| ClientError::Local(e.to_string()))?;
    Ok(Report::new(json, text))
}
