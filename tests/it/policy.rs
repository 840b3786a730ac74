//! Organisation policy end to end: GetPolicy/UpdatePolicy with masks and
//! etags, enforcement modes, effective dates, grace logins, the master
//! switch, allowed methods, trusted devices, audiences, self-disable,
//! ResetUser, ListUsers and ListAuditEvents, on SQLite and Postgres.
use chrono::TimeDelta;
use tollgate::pb;
use tollgate::pb::challenge_service_client::ChallengeServiceClient;
use tollgate::pb::delivery_service_client::DeliveryServiceClient;
use tollgate::pb::enrollment_service_client::EnrollmentServiceClient;
use tollgate::pb::policy_service_client::PolicyServiceClient;
use tollgate_domain::Clock;
use tonic::Code;
use tonic::transport::Channel;

use crate::enrollment::enrol;
use crate::support::{
    TestDb, TestServer, TwoServers, authenticator_code, clock, on_both_databases, reason,
    violated_fields,
};

const MUST_ENROLL: &str =
    "Two-factor authentication is required by your organisation. Set it up to continue.";

fn mask(paths: &[&str]) -> Option<prost_types::FieldMask> {
    Some(prost_types::FieldMask {
        paths: paths.iter().map(|p| (*p).to_owned()).collect(),
    })
}

fn duration(seconds: i64) -> Option<prost_types::Duration> {
    Some(prost_types::Duration { seconds, nanos: 0 })
}

/// Updates `paths` of the tenant's policy from `policy`, with the current
/// etag.
async fn set_policy(
    client: &mut PolicyServiceClient<Channel>,
    tenant: &str,
    paths: &[&str],
    policy: pb::Policy,
) -> pb::Policy {
    let current = client
        .get_policy(pb::GetPolicyRequest {
            tenant_id: tenant.to_owned(),
        })
        .await
        .unwrap()
        .into_inner()
        .policy
        .unwrap();
    client
        .update_policy(pb::UpdatePolicyRequest {
            tenant_id: tenant.to_owned(),
            policy: Some(policy),
            update_mask: mask(paths),
            etag: current.etag,
            actor_id: "admin-1".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .policy
        .unwrap()
}

fn begin(tenant: &str, user: &str, roles: &[&str], audience: &str) -> pb::BeginChallengeRequest {
    pb::BeginChallengeRequest {
        tenant_id: tenant.to_owned(),
        user_id: user.to_owned(),
        roles: roles.iter().map(|r| (*r).to_owned()).collect(),
        audience: audience.to_owned(),
        ..Default::default()
    }
}

async fn decide(
    client: &mut ChallengeServiceClient<Channel>,
    request: pb::BeginChallengeRequest,
) -> (pb::Decision, pb::AllowReason, u32, String) {
    let r = client.begin_challenge(request).await.unwrap().into_inner();
    (
        r.decision(),
        r.allow_reason(),
        r.grace_logins_left,
        r.message,
    )
}

async fn evaluate(
    client: &mut PolicyServiceClient<Channel>,
    tenant: &str,
    user: &str,
    roles: &[&str],
    audience: &str,
) -> pb::PolicyVerdict {
    client
        .evaluate_user(pb::EvaluateUserRequest {
            tenant_id: tenant.to_owned(),
            user_id: user.to_owned(),
            roles: roles.iter().map(|r| (*r).to_owned()).collect(),
            audience: audience.to_owned(),
        })
        .await
        .unwrap()
        .into_inner()
        .verdict
        .unwrap()
}

async fn policy_defaults_updates_and_validation(db: &TestDb) {
    let server = TestServer::start(db, clock()).await;
    let mut client = PolicyServiceClient::new(server.channel().await);
    let policy = client
        .get_policy(pb::GetPolicyRequest::default())
        .await
        .unwrap()
        .into_inner()
        .policy
        .unwrap();
    assert_eq!(policy.tenant_id, "default");
    assert!(policy.two_factor_enabled);
    assert_eq!(policy.enforcement(), pb::Enforcement::Optional);
    assert_eq!(
        policy.admin_roles,
        ["administrator", "it_administrator", "super_administrator"]
    );
    let totp = policy.totp.clone().unwrap();
    assert_eq!(
        (totp.issuer.as_str(), totp.digits, totp.skew_steps),
        ("tollgate", 6, 1)
    );
    assert_eq!(totp.period.unwrap().seconds, 30);
    assert_eq!(policy.trusted_device_ttl.unwrap().seconds, 30 * 86_400);
    assert_eq!(
        (
            policy.code_length,
            policy.recovery_code_count,
            policy.max_failed_attempts
        ),
        (6, 8, 5)
    );
    assert_eq!(policy.code_ttl.unwrap().seconds, 90);
    assert_eq!(policy.lockout_duration.unwrap().seconds, 900);
    assert_eq!(policy.etag, "0");

    // A masked update changes only the named fields.
    let updated = client
        .update_policy(pb::UpdatePolicyRequest {
            policy: Some(pb::Policy {
                enforcement: pb::Enforcement::RequiredForAll as i32,
                grace_logins: 3,
                code_length: 99, // not in the mask: ignored
                totp: Some(pb::TotpSettings {
                    issuer: "Acme Health".into(),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            update_mask: mask(&["enforcement", "grace_logins", "totp.issuer"]),
            etag: "0".into(),
            actor_id: "admin-1".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .policy
        .unwrap();
    assert_eq!(updated.enforcement(), pb::Enforcement::RequiredForAll);
    assert_eq!((updated.grace_logins, updated.code_length), (3, 6));
    assert_eq!(updated.totp.unwrap().issuer, "Acme Health");
    assert_eq!(updated.etag, "1");
    assert!(updated.update_time.is_some());

    // The issuer reaches authenticator apps.
    let setup = EnrollmentServiceClient::new(server.channel().await)
        .begin_totp(pb::BeginTotpRequest {
            user_id: "alice".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(
        setup
            .otpauth_uri
            .starts_with("otpauth://totp/Acme%20Health:alice?"),
        "{}",
        setup.otpauth_uri
    );

    // A stale etag is refused.
    let stale = pb::UpdatePolicyRequest {
        policy: Some(pb::Policy::default()),
        update_mask: mask(&["grace_logins"]),
        etag: "0".into(),
        ..Default::default()
    };
    let err = client.update_policy(stale).await.unwrap_err();
    assert_eq!(
        (err.code(), reason(&err).as_str()),
        (Code::Aborted, "ETAG_MISMATCH")
    );

    // Invalid values: every bad field is named.
    let err = client
        .update_policy(pb::UpdatePolicyRequest {
            policy: Some(pb::Policy {
                enforcement: pb::Enforcement::RequiredForAdmins as i32,
                admin_roles: vec![],
                totp: Some(pb::TotpSettings {
                    digits: 7,
                    period: duration(0),
                    ..Default::default()
                }),
                code_ttl: duration(-5),
                ..Default::default()
            }),
            update_mask: mask(&[
                "enforcement",
                "admin_roles",
                "totp.digits",
                "totp.period",
                "code_ttl",
            ]),
            etag: "1".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
    assert_eq!(
        violated_fields(&err),
        ["totp.digits", "totp.period", "code_ttl", "admin_roles"]
    );

    // Floors: nothing weaker than the cited standards, each field named
    // (before them: a 15 s period, two steps of drift, 4-digit codes valid
    // for 15 minutes and 101 failures were all accepted).
    let err = client
        .update_policy(pb::UpdatePolicyRequest {
            policy: Some(pb::Policy {
                totp: Some(pb::TotpSettings {
                    period: duration(15),
                    skew_steps: 2,
                    ..Default::default()
                }),
                code_length: 4,
                code_ttl: duration(900),
                max_failed_attempts: 101,
                ..Default::default()
            }),
            update_mask: mask(&[
                "totp.period",
                "totp.skew_steps",
                "code_length",
                "code_ttl",
                "max_failed_attempts",
            ]),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
    assert_eq!(
        violated_fields(&err),
        [
            "totp.period",
            "totp.skew_steps",
            "code_length",
            "code_ttl",
            "max_failed_attempts"
        ]
    );
    for (paths, field) in [
        (vec!["no_such_field"], "update_mask"),
        (vec![], "update_mask"),
    ] {
        let err = client
            .update_policy(pb::UpdatePolicyRequest {
                policy: Some(pb::Policy::default()),
                update_mask: mask(&paths),
                ..Default::default()
            })
            .await
            .unwrap_err();
        assert_eq!(violated_fields(&err), [field]);
    }

    // The change is audited with its diff and actor.
    let events = client
        .list_audit_events(pb::ListAuditEventsRequest {
            kinds: vec!["policy.updated".into()],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .events;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].actor_id, "admin-1");
    assert_eq!(
        events[0].details["enforcement"],
        "Optional -> RequiredForAll"
    );
    assert_eq!(events[0].details["grace_logins"], "0 -> 3");
    assert_eq!(
        events[0].details["totp.issuer"],
        "\"tollgate\" -> \"Acme Health\""
    );
    server.stop().await;
}

async fn enforcement_modes_effective_dates_and_grace_logins(db: &TestDb) {
    let server = TestServer::start(db, clock()).await;
    let mut policy = PolicyServiceClient::new(server.channel().await);
    let mut challenge = ChallengeServiceClient::new(server.channel().await);
    let now = server.clock.now().timestamp();
    let admin = ["Administrator"];

    // OPTIONAL: nobody is required.
    let v = evaluate(&mut policy, "", "adm", &admin, "").await;
    assert_eq!(
        (v.required, v.reason(), v.state()),
        (
            false,
            pb::RequirementReason::Optional,
            pb::ComplianceState::NotRequired
        )
    );

    // REQUIRED_FOR_ADMINS from tomorrow, with two grace logins.
    set_policy(
        &mut policy,
        "",
        &["enforcement", "effective_at", "grace_logins"],
        pb::Policy {
            enforcement: pb::Enforcement::RequiredForAdmins as i32,
            effective_at: Some(prost_types::Timestamp {
                seconds: now + 86_400,
                nanos: 0,
            }),
            grace_logins: 2,
            ..Default::default()
        },
    )
    .await;
    let v = evaluate(&mut policy, "", "adm", &admin, "").await;
    assert_eq!(
        (v.required, v.reason()),
        (false, pb::RequirementReason::NotYetEffective)
    );
    assert_eq!(v.effective_at.unwrap().seconds, now + 86_400);
    let d = decide(&mut challenge, begin("", "adm", &admin, "")).await;
    assert_eq!(
        (d.0, d.1, d.3.as_str()),
        (pb::Decision::Allow, pb::AllowReason::NotRequired, ""),
        "no grace counted before, nothing to show"
    );

    server.clock.advance(TimeDelta::days(1));
    let v = evaluate(&mut policy, "", "pat", &["nurse"], "").await;
    assert_eq!(
        (v.required, v.reason(), v.state()),
        (
            false,
            pb::RequirementReason::NotAdmin,
            pb::ComplianceState::NotRequired
        )
    );
    assert_eq!(
        decide(&mut challenge, begin("", "pat", &["nurse"], ""))
            .await
            .1,
        pb::AllowReason::NotRequired
    );

    let v = evaluate(&mut policy, "", "adm", &admin, "").await;
    assert_eq!(
        (v.required, v.reason(), v.state()),
        (
            true,
            pb::RequirementReason::AdminRole,
            pb::ComplianceState::InGrace
        )
    );
    assert_eq!(v.grace_logins_left, 2);
    assert!(v.message.contains("2 more sign-ins"), "{}", v.message);
    // Each grace login says how many remain after it, with a message to
    // show as is.
    for (left, says) in [
        (1, "1 more sign-in without it remains."),
        (0, "this is your last sign-in without it."),
    ] {
        let d = decide(&mut challenge, begin("", "adm", &admin, "")).await;
        assert_eq!(
            (d.0, d.1, d.2),
            (pb::Decision::Allow, pb::AllowReason::GraceLogin, left)
        );
        assert!(
            d.3.starts_with("Two-factor authentication is required"),
            "{}",
            d.3
        );
        assert!(d.3.ends_with(says), "{}", d.3);
    }
    let d = decide(&mut challenge, begin("", "adm", &admin, "")).await;
    assert_eq!(
        (d.0, d.3.as_str()),
        (pb::Decision::EnrollmentRequired, MUST_ENROLL)
    );
    let v = evaluate(&mut policy, "", "adm", &admin, "").await;
    assert_eq!(
        (v.state(), v.message.as_str()),
        (pb::ComplianceState::MustEnroll, MUST_ENROLL)
    );

    // Enrolling makes the admin compliant and challenged.
    enrol(&server, "adm").await;
    let v = evaluate(&mut policy, "", "adm", &admin, "").await;
    assert_eq!(v.state(), pb::ComplianceState::Compliant);
    assert_eq!(
        decide(&mut challenge, begin("", "adm", &admin, "")).await.0,
        pb::Decision::Challenge
    );

    // REQUIRED_FOR_ALL without grace, in another tenant: straight to set-up.
    set_policy(
        &mut policy,
        "clinic",
        &["enforcement"],
        pb::Policy {
            enforcement: pb::Enforcement::RequiredForAll as i32,
            ..Default::default()
        },
    )
    .await;
    let v = evaluate(&mut policy, "clinic", "pat", &[], "").await;
    assert_eq!(
        (v.reason(), v.state()),
        (
            pb::RequirementReason::RequiredForAll,
            pb::ComplianceState::MustEnroll
        )
    );
    assert_eq!(
        decide(&mut challenge, begin("clinic", "pat", &[], ""))
            .await
            .0,
        pb::Decision::EnrollmentRequired
    );
    // ... and the default tenant's users are untouched by it.
    assert_eq!(
        decide(&mut challenge, begin("", "pat", &[], "")).await.0,
        pb::Decision::Allow
    );
    server.stop().await;
}

async fn master_switch_allowed_methods_and_trusted_devices(db: &TestDb) {
    let server = TestServer::start(db, clock()).await;
    let mut policy = PolicyServiceClient::new(server.channel().await);
    let mut challenge = ChallengeServiceClient::new(server.channel().await);
    let mut enrollment = EnrollmentServiceClient::new(server.channel().await);
    let (_, codes) = enrol(&server, "alice").await;

    // A trusted device, issued while policy allows them.
    let started = challenge
        .begin_challenge(begin("", "alice", &[], ""))
        .await
        .unwrap()
        .into_inner();
    let token = challenge
        .verify_challenge(pb::VerifyChallengeRequest {
            user_id: "alice".into(),
            challenge_id: started.challenge_id,
            method: pb::Method::RecoveryCode as i32,
            code: codes[0].clone(),
            remember_device: true,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .trusted_device_token;
    let mut with_token = begin("", "alice", &[], "");
    with_token.trusted_device_token = token;
    assert_eq!(
        decide(&mut challenge, with_token.clone()).await.1,
        pb::AllowReason::TrustedDevice
    );

    // Forbidding trusted devices: the earlier token no longer skips, and no
    // new token is issued.
    set_policy(
        &mut policy,
        "",
        &["trusted_devices_allowed"],
        pb::Policy::default(),
    )
    .await;
    let started = challenge
        .begin_challenge(with_token.clone())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(started.decision(), pb::Decision::Challenge);
    let verified = challenge
        .verify_challenge(pb::VerifyChallengeRequest {
            user_id: "alice".into(),
            challenge_id: started.challenge_id,
            method: pb::Method::RecoveryCode as i32,
            code: codes[1].clone(),
            remember_device: true,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(verified.trusted_device_token.is_empty());

    // Allowed methods: without TOTP, nobody can enrol it, and an enrolled
    // user is sent to set up another method rather than let through.
    set_policy(
        &mut policy,
        "",
        &["allowed_methods"],
        pb::Policy {
            allowed_methods: vec![pb::Method::Email as i32, pb::Method::RecoveryCode as i32],
            ..Default::default()
        },
    )
    .await;
    let err = enrollment
        .begin_totp(pb::BeginTotpRequest {
            user_id: "bob".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(
        (err.code(), reason(&err).as_str()),
        (Code::FailedPrecondition, "METHOD_NOT_ALLOWED")
    );
    assert_eq!(
        decide(&mut challenge, begin("", "alice", &[], "")).await.0,
        pb::Decision::EnrollmentRequired
    );

    // The master switch off: no challenge, no enrolment.
    set_policy(
        &mut policy,
        "",
        &["two_factor_enabled", "allowed_methods"],
        pb::Policy {
            two_factor_enabled: false,
            allowed_methods: vec![pb::Method::Totp as i32],
            ..Default::default()
        },
    )
    .await;
    let d = decide(&mut challenge, begin("", "alice", &[], "")).await;
    assert_eq!(
        (d.0, d.1),
        (pb::Decision::Allow, pb::AllowReason::NotRequired)
    );
    let err = enrollment
        .begin_totp(pb::BeginTotpRequest {
            user_id: "bob".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(
        (err.code(), reason(&err).as_str()),
        (Code::PermissionDenied, "POLICY_FORBIDS")
    );
    server.stop().await;
}

async fn audiences_override_the_tenant_field_by_field(db: &TestDb) {
    let server = TestServer::start(db, clock()).await;
    let mut policy = PolicyServiceClient::new(server.channel().await);
    let mut challenge = ChallengeServiceClient::new(server.channel().await);
    let stored = set_policy(
        &mut policy,
        "",
        &["audiences.staff", "grace_logins"],
        pb::Policy {
            grace_logins: 1,
            audiences: [(
                "staff".to_owned(),
                pb::PolicyOverride {
                    enforcement: Some(pb::Enforcement::RequiredForAll as i32),
                    max_failed_attempts: Some(2),
                    ..Default::default()
                },
            )]
            .into(),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(stored.audiences["staff"].max_failed_attempts, Some(2));

    // Staff must use 2FA (with the tenant's one grace login); patients and
    // the tenant at large need not.
    let v = evaluate(&mut policy, "", "sam", &[], "staff").await;
    assert_eq!(
        (v.required, v.state(), v.grace_logins_left),
        (true, pb::ComplianceState::InGrace, 1)
    );
    assert!(
        !evaluate(&mut policy, "", "sam", &[], "patients")
            .await
            .required
    );
    assert!(!evaluate(&mut policy, "", "sam", &[], "").await.required);

    // A staff challenge locks after the staff limit of two failures.
    let (secret, _) = enrol(&server, "sam").await;
    server.clock.advance(TimeDelta::seconds(30));
    let right = authenticator_code(&secret, server.clock.now().timestamp());
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    for expected in ["CODE_MISMATCH", "LOCKED_OUT"] {
        let started = challenge
            .begin_challenge(begin("", "sam", &[], "staff"))
            .await
            .unwrap()
            .into_inner();
        let err = challenge
            .verify_challenge(pb::VerifyChallengeRequest {
                user_id: "sam".into(),
                challenge_id: started.challenge_id,
                method: pb::Method::Totp as i32,
                code: wrong.into(),
                ..Default::default()
            })
            .await
            .unwrap_err();
        assert_eq!(reason(&err), expected);
    }

    // Removing the audience restores the tenant's rules.
    let stored = set_policy(&mut policy, "", &["audiences.staff"], pb::Policy::default()).await;
    assert!(stored.audiences.is_empty());
    assert!(
        !evaluate(&mut policy, "", "sam", &[], "staff")
            .await
            .required
    );
    server.stop().await;
}

async fn self_disable_and_admin_reset(db: &TestDb) {
    let server = TestServer::start(db, clock()).await;
    let mut policy = PolicyServiceClient::new(server.channel().await);
    let mut enrollment = EnrollmentServiceClient::new(server.channel().await);
    let mut challenge = ChallengeServiceClient::new(server.channel().await);
    set_policy(
        &mut policy,
        "",
        &["enforcement"],
        pb::Policy {
            enforcement: pb::Enforcement::RequiredForAll as i32,
            ..Default::default()
        },
    )
    .await;
    let (secret, codes) = enrol(&server, "carol").await;
    let disable = pb::DisableMethodRequest {
        user_id: "carol".into(),
        ..Default::default()
    };
    let err = enrollment
        .disable_method(disable.clone())
        .await
        .unwrap_err();
    assert_eq!(
        (err.code(), reason(&err).as_str()),
        (Code::PermissionDenied, "POLICY_FORBIDS")
    );

    // A trusted device and a lockout, then the administrator's reset.
    let started = challenge
        .begin_challenge(begin("", "carol", &[], ""))
        .await
        .unwrap()
        .into_inner();
    let token = challenge
        .verify_challenge(pb::VerifyChallengeRequest {
            user_id: "carol".into(),
            challenge_id: started.challenge_id,
            method: pb::Method::RecoveryCode as i32,
            code: codes[0].clone(),
            remember_device: true,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .trusted_device_token;
    server.clock.advance(TimeDelta::seconds(30));
    let right = authenticator_code(&secret, server.clock.now().timestamp());
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    for _ in 0..5 {
        let started = challenge
            .begin_challenge(begin("", "carol", &[], ""))
            .await
            .unwrap()
            .into_inner();
        let _ = challenge
            .verify_challenge(pb::VerifyChallengeRequest {
                user_id: "carol".into(),
                challenge_id: started.challenge_id,
                method: pb::Method::Totp as i32,
                code: wrong.into(),
                ..Default::default()
            })
            .await;
    }
    let err = enrollment
        .reset_user(pb::ResetUserRequest {
            user_id: "carol".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(violated_fields(&err), ["actor_id"]);
    enrollment
        .reset_user(pb::ResetUserRequest {
            user_id: "carol".into(),
            actor_id: "admin-7".into(),
            reason: "lost phone".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let view = enrollment
        .get_enrollment(pb::GetEnrollmentRequest {
            user_id: "carol".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(view.totp.unwrap().state(), pb::TotpState::NotConfigured);
    assert_eq!(view.recovery_codes_remaining, 0);
    assert_eq!(
        view.policy.unwrap().state(),
        pb::ComplianceState::MustEnroll
    );

    // Re-enrolled: the old device is not trusted, and the lockout is gone.
    let (secret, _) = enrol(&server, "carol").await;
    let mut with_token = begin("", "carol", &[], "");
    with_token.trusted_device_token = token;
    let started = challenge
        .begin_challenge(with_token)
        .await
        .unwrap()
        .into_inner();
    assert_eq!(started.decision(), pb::Decision::Challenge);
    server.clock.advance(TimeDelta::seconds(30));
    challenge
        .verify_challenge(pb::VerifyChallengeRequest {
            user_id: "carol".into(),
            challenge_id: started.challenge_id,
            method: pb::Method::Totp as i32,
            code: authenticator_code(&secret, server.clock.now().timestamp()),
            ..Default::default()
        })
        .await
        .unwrap();

    // With self-disable allowed, the user may turn 2FA off.
    set_policy(
        &mut policy,
        "",
        &["allow_self_disable_when_required"],
        pb::Policy {
            allow_self_disable_when_required: true,
            ..Default::default()
        },
    )
    .await;
    enrollment.disable_method(disable).await.unwrap();

    let resets = policy
        .list_audit_events(pb::ListAuditEventsRequest {
            user_id: "carol".into(),
            kinds: vec!["user.reset".into()],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .events;
    assert_eq!(resets.len(), 1);
    assert_eq!(
        (
            resets[0].actor_id.as_str(),
            resets[0].details["reason"].as_str()
        ),
        ("admin-7", "lost phone")
    );
    server.stop().await;
}

async fn users_and_audit_events_page_and_filter(db: &TestDb) {
    let server = TestServer::start(db, clock()).await;
    let mut policy = PolicyServiceClient::new(server.channel().await);
    let mut challenge = ChallengeServiceClient::new(server.channel().await);
    for user in ["u1", "u3", "u5"] {
        enrol(&server, user).await;
    }
    // A user with a contact has something to keep, enrolled or not (one
    // who only began a challenge has not: see erasure.rs).
    let mut delivery = DeliveryServiceClient::new(server.channel().await);
    for user in ["u2", "u4"] {
        decide(&mut challenge, begin("", user, &[], "")).await;
        delivery
            .register_contact(pb::RegisterContactRequest {
                user_id: user.to_owned(),
                kind: pb::ContactKind::Email as i32,
                address: format!("{user}@example.com"),
                ..Default::default()
            })
            .await
            .unwrap();
    }
    let page = |filter: pb::UserFilter, token: String| pb::ListUsersRequest {
        filter: filter as i32,
        page_size: 2,
        page_token: token,
        ..Default::default()
    };
    let mut seen = Vec::new();
    let mut token = String::new();
    loop {
        let response = policy
            .list_users(page(pb::UserFilter::Unspecified, token))
            .await
            .unwrap()
            .into_inner();
        assert!(response.users.len() <= 2);
        seen.extend(response.users);
        if response.next_page_token.is_empty() {
            break;
        }
        token = response.next_page_token;
    }
    let ids: Vec<&str> = seen.iter().map(|u| u.user_id.as_str()).collect();
    assert_eq!(ids, ["u1", "u2", "u3", "u4", "u5"]);
    assert_eq!(seen[0].totp_state(), pb::TotpState::Enabled);
    assert_eq!(seen[0].recovery_codes_remaining, 8);
    assert_eq!(seen[1].totp_state(), pb::TotpState::NotConfigured);

    let enrolled = policy
        .list_users(pb::ListUsersRequest {
            filter: pb::UserFilter::Enrolled as i32,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let ids: Vec<String> = enrolled.users.into_iter().map(|u| u.user_id).collect();
    assert_eq!(ids, ["u1", "u3", "u5"]);
    let not_enrolled = policy
        .list_users(pb::ListUsersRequest {
            filter: pb::UserFilter::NotEnrolled as i32,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let ids: Vec<String> = not_enrolled.users.into_iter().map(|u| u.user_id).collect();
    assert_eq!(ids, ["u2", "u4"]);
    let err = policy
        .list_users(page(pb::UserFilter::Unspecified, "zz".into()))
        .await
        .unwrap_err();
    assert_eq!(violated_fields(&err), ["page_token"]);

    // Audit: newest first, by user and kind, within a time range, in pages.
    let start = server.clock.now().timestamp();
    server.clock.advance(TimeDelta::seconds(60));
    enrol(&server, "u6").await;
    let recent = policy
        .list_audit_events(pb::ListAuditEventsRequest {
            start_time: Some(prost_types::Timestamp {
                seconds: start + 1,
                nanos: 0,
            }),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .events;
    assert_eq!(recent.len(), 1);
    assert_eq!(
        (recent[0].user_id.as_str(), recent[0].kind.as_str()),
        ("u6", "totp.enabled")
    );
    let enabled = policy
        .list_audit_events(pb::ListAuditEventsRequest {
            kinds: vec!["totp.enabled".into()],
            page_size: 3,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let users: Vec<&str> = enabled.events.iter().map(|e| e.user_id.as_str()).collect();
    assert_eq!(users, ["u6", "u5", "u3"]);
    let rest = policy
        .list_audit_events(pb::ListAuditEventsRequest {
            kinds: vec!["totp.enabled".into()],
            page_size: 3,
            page_token: enabled.next_page_token,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let users: Vec<&str> = rest.events.iter().map(|e| e.user_id.as_str()).collect();
    assert_eq!(users, ["u1"]);
    assert!(rest.next_page_token.is_empty());
    server.stop().await;
}

async fn concurrent_updates_with_one_etag_one_wins(db: &TestDb) {
    let server = TestServer::start(db, clock()).await;
    let channel = server.channel().await;
    for round in 0..2 {
        let mut client = PolicyServiceClient::new(channel.clone());
        let etag = client
            .get_policy(pb::GetPolicyRequest::default())
            .await
            .unwrap()
            .into_inner()
            .policy
            .unwrap()
            .etag;
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..8u32 {
            let mut client = PolicyServiceClient::new(channel.clone());
            let request = pb::UpdatePolicyRequest {
                policy: Some(pb::Policy {
                    grace_logins: i,
                    ..Default::default()
                }),
                update_mask: mask(&["grace_logins"]),
                etag: etag.clone(),
                ..Default::default()
            };
            tasks.spawn(async move { client.update_policy(request).await });
        }
        let mut wins = 0;
        while let Some(result) = tasks.join_next().await {
            match result.unwrap() {
                Ok(_) => wins += 1,
                Err(err) => assert_eq!(reason(&err), "ETAG_MISMATCH", "{err:?}"),
            }
        }
        assert_eq!(wins, 1, "round {round}");
    }
    server.stop().await;
}

/// Races `attempts` BeginChallenge calls for one user over `channels`;
/// returns how many were grace logins. Every other must be
/// ENROLLMENT_REQUIRED.
async fn race_grace(channels: &[Channel], user: &str, attempts: usize) -> usize {
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..attempts {
        let mut client = ChallengeServiceClient::new(channels[i % channels.len()].clone());
        let request = begin("", user, &[], "");
        tasks.spawn(async move { client.begin_challenge(request).await.unwrap().into_inner() });
    }
    let mut grace = 0;
    while let Some(result) = tasks.join_next().await {
        let response = result.unwrap();
        match response.decision() {
            pb::Decision::Allow => {
                assert_eq!(response.allow_reason(), pb::AllowReason::GraceLogin);
                grace += 1;
            }
            other => assert_eq!(other, pb::Decision::EnrollmentRequired),
        }
    }
    grace
}

fn required_with_grace(n: u32) -> pb::Policy {
    pb::Policy {
        enforcement: pb::Enforcement::RequiredForAll as i32,
        grace_logins: n,
        ..Default::default()
    }
}

async fn grace_logins_are_never_over_granted(db: &TestDb) {
    let server = TestServer::start(db, clock()).await;
    let mut policy = PolicyServiceClient::new(server.channel().await);
    set_policy(
        &mut policy,
        "",
        &["enforcement", "grace_logins"],
        required_with_grace(3),
    )
    .await;
    let channels = [server.channel().await, server.channel().await];
    for user in ["g1", "g2"] {
        assert_eq!(race_grace(&channels, user, 16).await, 3, "{user}");
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grace_logins_across_two_servers_on_one_postgres() {
    let Some(db) =
        TestDb::postgres("policy::grace_logins_across_two_servers_on_one_postgres").await
    else {
        return;
    };
    let servers = TwoServers::start(&db).await;
    let channels = servers.channels.clone();
    let mut policy = PolicyServiceClient::new(channels[0].clone());
    set_policy(
        &mut policy,
        "",
        &["enforcement", "grace_logins"],
        required_with_grace(3),
    )
    .await;
    for user in ["g1", "g2", "g3"] {
        assert_eq!(race_grace(&channels, user, 20).await, 3, "{user}");
    }
    drop(servers);
    db.cleanup().await;
}

on_both_databases!(
    policy_defaults_updates_and_validation,
    enforcement_modes_effective_dates_and_grace_logins,
    master_switch_allowed_methods_and_trusted_devices,
    audiences_override_the_tenant_field_by_field,
    self_disable_and_admin_reset,
    users_and_audit_events_page_and_filter,
    concurrent_updates_with_one_etag_one_wins,
    grace_logins_are_never_over_granted,
);
