//! `tollgate challenge begin` (what sign-in needs now, and a challenge id),
//! `tollgate challenge verify` (answer it with a code), and for step-up
//! `tollgate challenge check` (has this session passed a second factor
//! lately? if not, a step-up challenge) and `tollgate challenge end-session`.
use super::Transport as Channel;
use clap::{Args, Subcommand, ValueEnum};
use serde_json::json;

use super::{
    ClientError, Conn, Report, Subject, list, method_name, method_names, rfc3339, short, table,
};
use crate::pb;
use crate::pb::challenge_service_client::ChallengeServiceClient;

#[derive(Debug, Subcommand)]
pub enum ChallengeCommand {
    /// Begin sign-in for a user whose password was accepted: prints the
    /// decision (allow, challenge, enrollment_required) and the challenge id.
    Begin(BeginArgs),
    /// Answer a challenge with a code.
    Verify(VerifyArgs),
    /// Step-up: has an application session passed a second factor within
    /// --max-age? If not, prints a step-up challenge to answer with verify.
    Check(CheckArgs),
    /// Forget an application session's step-up record (at sign-out).
    EndSession(EndSessionArgs),
}

impl ChallengeCommand {
    pub fn conn(&self) -> &Conn {
        match self {
            Self::Begin(a) => &a.conn,
            Self::Verify(a) => &a.conn,
            Self::Check(a) => &a.conn,
            Self::EndSession(a) => &a.conn,
        }
    }
}

#[derive(Debug, Args)]
pub struct BeginArgs {
    #[command(flatten)]
    pub subject: Subject,
    #[command(flatten)]
    pub conn: Conn,
}

/// A second factor, as the command line names it.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum MethodArg {
    Totp,
    Email,
    Sms,
    #[value(alias = "recovery_code", alias = "recovery-code")]
    Recovery,
}

impl MethodArg {
    pub fn to_pb(self) -> pb::Method {
        match self {
            Self::Totp => pb::Method::Totp,
            Self::Email => pb::Method::Email,
            Self::Sms => pb::Method::Sms,
            Self::Recovery => pb::Method::RecoveryCode,
        }
    }
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The user id.
    #[arg(long, value_name = "USER")]
    pub user: String,
    /// The challenge id `challenge begin` printed.
    #[arg(long, value_name = "ID")]
    pub challenge: String,
    /// The user's answer.
    #[arg(long, value_name = "CODE")]
    pub code: String,
    /// Which factor the code is from.
    #[arg(long, value_enum, default_value_t = MethodArg::Totp)]
    pub method: MethodArg,
    /// Ask for a trusted-device token ("trust this browser"); it is printed.
    #[arg(long)]
    pub trust_device: bool,
    /// The application's session id, recorded as verified for step-up.
    #[arg(long, value_name = "SESSION")]
    pub session: Option<String>,
    #[command(flatten)]
    pub conn: Conn,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub subject: Subject,
    /// The application's session id.
    #[arg(long, value_name = "SESSION")]
    pub session: String,
    /// How recent the second factor must be, in seconds (at most 86400).
    #[arg(long, value_name = "SECONDS")]
    pub max_age: i64,
    /// Only a passkey or security key counts (and only one is offered).
    #[arg(long)]
    pub phishing_resistant: bool,
    #[command(flatten)]
    pub conn: Conn,
}

#[derive(Debug, Args)]
pub struct EndSessionArgs {
    /// The user id.
    #[arg(long, value_name = "USER")]
    pub user: String,
    /// The application's session id.
    #[arg(long, value_name = "SESSION")]
    pub session: String,
    #[command(flatten)]
    pub conn: Conn,
}

pub async fn run(command: &ChallengeCommand, channel: Channel) -> Result<Report, ClientError> {
    let mut client = ChallengeServiceClient::new(channel);
    match command {
        ChallengeCommand::Begin(args) => begin(args, &mut client).await,
        ChallengeCommand::Verify(args) => verify(args, &mut client).await,
        ChallengeCommand::Check(args) => check(args, &mut client).await,
        ChallengeCommand::EndSession(args) => {
            client
                .end_session(pb::EndSessionRequest {
                    tenant_id: args.conn.tenant.clone(),
                    user_id: args.user.clone(),
                    session_id: args.session.clone(),
                })
                .await?;
            Ok(Report::new(
                json!({ "ended": true }),
                table(&[("ended", "yes".to_owned())]),
            ))
        }
    }
}

async fn begin(
    args: &BeginArgs,
    client: &mut ChallengeServiceClient<Channel>,
) -> Result<Report, ClientError> {
    let r = client
        .begin_challenge(pb::BeginChallengeRequest {
            tenant_id: args.conn.tenant.clone(),
            user_id: args.subject.user.clone(),
            roles: args.subject.roles.clone(),
            audience: args.subject.audience.clone().unwrap_or_default(),
            ..Default::default()
        })
        .await?
        .into_inner();
    let decision = r.decision().as_str_name();
    let decision = short(decision, "DECISION_");
    let methods = method_names(&r.methods);
    let mut json = json!({ "decision": decision, "message": r.message });
    let mut rows = vec![("decision", decision.clone())];
    match r.decision() {
        pb::Decision::Allow => {
            let reason = short(r.allow_reason().as_str_name(), "ALLOW_REASON_");
            json["allow_reason"] = json!(reason);
            rows.push(("reason", reason));
            if r.allow_reason() == pb::AllowReason::GraceLogin {
                json["grace_logins_left"] = json!(r.grace_logins_left);
                rows.push(("grace logins left", r.grace_logins_left.to_string()));
            }
        }
        pb::Decision::Challenge => {
            let expires_at = rfc3339(r.expires_at.as_ref());
            json["challenge_id"] = json!(r.challenge_id);
            json["methods"] = json!(methods);
            json["default_method"] = json!(method_name(r.default_method));
            json["expires_at"] = json!(expires_at);
            rows.push(("challenge", r.challenge_id.clone()));
            rows.push(("methods", list(&methods)));
            rows.push(("default method", method_name(r.default_method)));
            rows.push(("expires at", expires_at.unwrap_or_default()));
        }
        _ => {}
    }
    if !r.message.is_empty() {
        rows.push(("message", r.message.clone()));
    }
    Ok(Report::new(json, table(&rows)))
}

async fn verify(
    args: &VerifyArgs,
    client: &mut ChallengeServiceClient<Channel>,
) -> Result<Report, ClientError> {
    let r = client
        .verify_challenge(pb::VerifyChallengeRequest {
            tenant_id: args.conn.tenant.clone(),
            user_id: args.user.clone(),
            challenge_id: args.challenge.clone(),
            method: args.method.to_pb() as i32,
            code: args.code.clone(),
            remember_device: args.trust_device,
            session_id: args.session.clone().unwrap_or_default(),
            ..Default::default()
        })
        .await?
        .into_inner();
    let methods = method_names(&r.methods_used);
    let mut json = json!({
        "verified": true,
        "methods_used": methods,
        "recovery_codes_remaining": r.recovery_codes_remaining,
    });
    let mut rows = vec![
        ("verified", "yes".to_owned()),
        ("methods used", list(&methods)),
        (
            "recovery codes left",
            r.recovery_codes_remaining.to_string(),
        ),
    ];
    if !r.trusted_device_token.is_empty() {
        let expires_at = rfc3339(r.trusted_device_expires_at.as_ref());
        json["trusted_device_token"] = json!(r.trusted_device_token);
        json["trusted_device_id"] = json!(r.trusted_device_id);
        json["trusted_device_expires_at"] = json!(expires_at);
        rows.push(("trusted device token", r.trusted_device_token.clone()));
        rows.push(("trusted device id", r.trusted_device_id.clone()));
        rows.push(("trusted until", expires_at.unwrap_or_default()));
    }
    Ok(Report::new(json, table(&rows)))
}

async fn check(
    args: &CheckArgs,
    client: &mut ChallengeServiceClient<Channel>,
) -> Result<Report, ClientError> {
    let r = client
        .check_recent_verification(pb::CheckRecentVerificationRequest {
            tenant_id: args.conn.tenant.clone(),
            user_id: args.subject.user.clone(),
            session_id: args.session.clone(),
            max_age: Some(prost_types::Duration {
                seconds: args.max_age,
                nanos: 0,
            }),
            require_phishing_resistant: args.phishing_resistant,
            roles: args.subject.roles.clone(),
            audience: args.subject.audience.clone().unwrap_or_default(),
            ..Default::default()
        })
        .await?
        .into_inner();
    let mut json = json!({ "satisfied": r.satisfied });
    let mut rows = vec![(
        "satisfied",
        if r.satisfied { "yes" } else { "no" }.to_owned(),
    )];
    if r.satisfied {
        let verified_at = rfc3339(r.verified_at.as_ref());
        json["verified_at"] = json!(verified_at);
        json["verified_method"] = json!(method_name(r.verified_method));
        rows.push(("verified at", verified_at.unwrap_or_default()));
        rows.push(("method", method_name(r.verified_method)));
    } else {
        let methods = method_names(&r.methods);
        let expires_at = rfc3339(r.expires_at.as_ref());
        json["challenge_id"] = json!(r.challenge_id);
        json["methods"] = json!(methods);
        json["default_method"] = json!(method_name(r.default_method));
        json["expires_at"] = json!(expires_at);
        rows.push(("challenge", r.challenge_id.clone()));
        rows.push(("methods", list(&methods)));
        rows.push(("default method", method_name(r.default_method)));
        rows.push(("expires at", expires_at.unwrap_or_default()));
    }
    Ok(Report::new(json, table(&rows)))
}
