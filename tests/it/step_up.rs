//! Step-up ("confirm it's you") end to end on SQLite and Postgres: a session
//! that passed a second factor is satisfied within max_age and not after;
//! otherwise a step-up challenge is begun, bound to the session. Attacked:
//! a trusted device, a TOTP-verified session where phishing resistance is
//! required, another session, user or tenant, a step-up answered for
//! another session, a caller without the permission, parallel answers,
//! and records outliving EndSession, ResetUser or the purge.
use chrono::TimeDelta;
use sea_orm::{EntityTrait, PaginatorTrait};
use tollgate::pb;
use tollgate::pb::challenge_service_client::ChallengeServiceClient;
use tollgate_domain::Clock;
use tollgate_domain::retention::Retention;
use tollgate_storage::entity::{audit_event, session};
use tonic::Code;
use tonic::transport::Channel;

use crate::access::{authorized, create_key};
use crate::challenge::{challenge_id, verify_request};
use crate::enrollment::enrol;
use crate::soft_authenticator::SoftAuthenticator;
use crate::support::{
    TestDb, TestServer, authenticator_code, clock, on_both_databases, reason, violated_fields,
};
use crate::webauthn::{ORIGIN, register, with_relying_party};

const FIVE_MINUTES: i64 = 300;

fn check_request(tenant: &str, user: &str, session: &str) -> pb::CheckRecentVerificationRequest {
    pb::CheckRecentVerificationRequest {
        tenant_id: tenant.to_owned(),
        user_id: user.to_owned(),
        session_id: session.to_owned(),
        max_age: Some(prost_types::Duration {
            seconds: FIVE_MINUTES,
            nanos: 0,
        }),
        client_ip: "203.0.113.7".into(),
        user_agent: "Firefox/140".into(),
        ..Default::default()
    }
}

async fn client(server: &TestServer) -> ChallengeServiceClient<Channel> {
    ChallengeServiceClient::new(server.channel().await)
}

async fn check(
    server: &TestServer,
    request: pb::CheckRecentVerificationRequest,
) -> Result<pb::CheckRecentVerificationResponse, tonic::Status> {
    client(server)
        .await
        .check_recent_verification(request)
        .await
        .map(tonic::Response::into_inner)
}

/// Checks `session` of the default tenant's `user` with five minutes.
async fn check_session(
    server: &TestServer,
    user: &str,
    session: &str,
) -> pb::CheckRecentVerificationResponse {
    check(server, check_request("", user, session))
        .await
        .unwrap()
}

/// Signs `user` in with the authenticator app at the current step and
/// names `session` (empty: none).
async fn sign_in(server: &TestServer, user: &str, secret: &str, session: &str) {
    let mut client = client(server).await;
    let id = challenge_id(&mut client, user).await;
    let code = authenticator_code(secret, server.clock.now().timestamp());
    let mut request = verify_request(user, &id, pb::Method::Totp, &code);
    request.session_id = session.to_owned();
    client.verify_challenge(request).await.unwrap();
}

/// Answers the challenge `id` with the authenticator app's current code,
/// naming `session` (empty: none).
async fn answer_with_totp(
    server: &TestServer,
    user: &str,
    secret: &str,
    id: &str,
    session: &str,
) -> Result<pb::VerifyChallengeResponse, tonic::Status> {
    let code = authenticator_code(secret, server.clock.now().timestamp());
    let mut request = verify_request(user, id, pb::Method::Totp, &code);
    request.session_id = session.to_owned();
    client(server)
        .await
        .verify_challenge(request)
        .await
        .map(tonic::Response::into_inner)
}

/// The next TOTP step: each code is good once.
fn next_step(server: &TestServer) {
    server.clock.advance(TimeDelta::seconds(30));
}

async fn session_rows(server: &TestServer) -> Vec<session::Model> {
    session::Entity::find()
        .all(server.app_store.connection())
        .await
        .unwrap()
}

async fn audit_kinds(server: &TestServer) -> Vec<String> {
    audit_event::Entity::find()
        .all(server.app_store.connection())
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect()
}

/// A session that signed in with a second factor is satisfied for
/// max_age and not a second longer; then a step-up challenge (every
/// method the user has, default first) is begun, and answering it, without
/// repeating the session id, satisfies the session again. Only the
/// session's keyed hash is stored; a sign-in that names no session stores
/// nothing.
async fn satisfied_within_max_age_and_not_after(db: &TestDb) {
    let server = TestServer::start(db, clock()).await;
    let (secret, _) = enrol(&server, "alice").await;
    next_step(&server);
    sign_in(&server, "alice", &secret, "").await;
    assert!(session_rows(&server).await.is_empty());

    next_step(&server);
    let signed_in_at = server.clock.now();
    sign_in(&server, "alice", &secret, "sess-alice-1").await;
    let rows = session_rows(&server).await;
    assert_eq!(rows.len(), 1);
    assert!(!format!("{rows:?}").contains("sess-alice-1"));

    server.clock.advance(TimeDelta::seconds(FIVE_MINUTES - 30));
    let satisfied = check_session(&server, "alice", "sess-alice-1").await;
    assert!(satisfied.satisfied);
    assert_eq!(satisfied.verified_method(), pb::Method::Totp);
    assert_eq!(
        satisfied.verified_at.unwrap().seconds,
        signed_in_at.timestamp()
    );
    assert!(satisfied.challenge_id.is_empty());
    server.clock.advance(TimeDelta::seconds(30));
    assert!(
        check_session(&server, "alice", "sess-alice-1")
            .await
            .satisfied
    );

    server.clock.advance(TimeDelta::seconds(1));
    let step_up = check_session(&server, "alice", "sess-alice-1").await;
    assert!(!step_up.satisfied);
    assert!(step_up.verified_at.is_none());
    assert_eq!(
        step_up.methods,
        [pb::Method::Totp as i32, pb::Method::RecoveryCode as i32]
    );
    assert_eq!(step_up.default_method(), pb::Method::Totp);
    let now = server.clock.now().timestamp();
    assert_eq!(step_up.expires_at.unwrap().seconds, now + 300);
    assert_eq!(step_up.challenge_id.len(), 44);

    answer_with_totp(&server, "alice", &secret, &step_up.challenge_id, "")
        .await
        .unwrap();
    let again = check_session(&server, "alice", "sess-alice-1").await;
    assert!(again.satisfied);
    assert_eq!(again.verified_at.unwrap().seconds, now);
    assert_eq!(
        session_rows(&server).await.len(),
        1,
        "the record is updated"
    );
    let kinds = audit_kinds(&server).await;
    for kind in ["step_up.begun", "step_up.verified"] {
        assert_eq!(kinds.iter().filter(|k| *k == kind).count(), 1, "{kinds:?}");
    }
    server.stop().await;
}

/// max_age is required and bounded (more than 0, at most 24 hours, whole
/// seconds); the session id is required and bounded, in every RPC that
/// takes one.
async fn bad_requests_are_refused_by_field(db: &TestDb) {
    let server = TestServer::start(db, clock()).await;
    enrol(&server, "alice").await;
    let duration = |seconds, nanos| Some(prost_types::Duration { seconds, nanos });
    for max_age in [
        None,
        duration(0, 0),
        duration(-5, 0),
        duration(86_401, 0),
        duration(10, 5),
    ] {
        let refused = check(
            &server,
            pb::CheckRecentVerificationRequest {
                max_age,
                ..check_request("", "alice", "sess")
            },
        )
        .await
        .unwrap_err();
        assert_eq!(refused.code(), Code::InvalidArgument, "{max_age:?}");
        assert_eq!(violated_fields(&refused), ["max_age"]);
    }
    let day = check(
        &server,
        pb::CheckRecentVerificationRequest {
            max_age: duration(86_400, 0),
            ..check_request("", "alice", "sess")
        },
    )
    .await
    .unwrap();
    assert!(!day.satisfied);
    let too_long = "s".repeat(257);
    for session in ["", too_long.as_str()] {
        let refused = check(&server, check_request("", "alice", session))
            .await
            .unwrap_err();
        assert_eq!(violated_fields(&refused), ["session_id"]);
        let refused = client(&server)
            .await
            .end_session(pb::EndSessionRequest {
                user_id: "alice".into(),
                session_id: session.to_owned(),
                ..Default::default()
            })
            .await
            .unwrap_err();
        assert_eq!(violated_fields(&refused), ["session_id"]);
    }
    let mut long = verify_request("alice", &day.challenge_id, pb::Method::Totp, "123456");
    long.session_id = too_long;
    let refused = client(&server)
        .await
        .verify_challenge(long)
        .await
        .unwrap_err();
    assert_eq!(violated_fields(&refused), ["session_id"]);
    server.stop().await;
}

/// A trusted device lets a sign-in through without a second factor, but
/// never a step-up: that sign-in records no session, and the check begins
/// a challenge.
async fn a_trusted_device_does_not_skip_step_up(db: &TestDb) {
    let server = TestServer::start(db, clock()).await;
    let (secret, _) = enrol(&server, "bob").await;
    next_step(&server);
    let mut client = client(&server).await;
    let id = challenge_id(&mut client, "bob").await;
    let code = authenticator_code(&secret, server.clock.now().timestamp());
    let mut trust = verify_request("bob", &id, pb::Method::Totp, &code);
    trust.remember_device = true;
    let token = client
        .verify_challenge(trust)
        .await
        .unwrap()
        .into_inner()
        .trusted_device_token;
    assert!(!token.is_empty());

    server.clock.advance(TimeDelta::hours(1));
    let trusted = client
        .begin_challenge(pb::BeginChallengeRequest {
            user_id: "bob".into(),
            trusted_device_token: token,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(trusted.allow_reason(), pb::AllowReason::TrustedDevice);
    let step_up = check_session(&server, "bob", "sess-bob").await;
    assert!(!step_up.satisfied);
    assert!(!step_up.challenge_id.is_empty());
    assert!(session_rows(&server).await.is_empty());
    server.stop().await;
}

/// Where phishing resistance is asked for, a session verified with TOTP
/// is not satisfied and only the passkey is offered (TOTP is refused on
/// that challenge); the passkey satisfies it. A later TOTP sign-in of the
/// same session keeps the passkey's time for phishing-resistant checks.
async fn phishing_resistant_step_up_offers_only_webauthn(db: &TestDb) {
    let server = TestServer::start_with(db, clock(), with_relying_party).await;
    let (secret, _) = enrol(&server, "carol").await;
    let mut passkey = SoftAuthenticator::new(ORIGIN);
    register(&server, "carol", &mut passkey, pb::WebAuthnKind::Passkey).await;
    next_step(&server);
    sign_in(&server, "carol", &secret, "sess-carol").await;
    assert!(
        check_session(&server, "carol", "sess-carol")
            .await
            .satisfied
    );

    let resistant = || pb::CheckRecentVerificationRequest {
        require_phishing_resistant: true,
        ..check_request("", "carol", "sess-carol")
    };
    let step_up = check(&server, resistant()).await.unwrap();
    assert!(!step_up.satisfied);
    assert_eq!(step_up.methods, [pb::Method::Webauthn as i32]);
    assert_eq!(step_up.default_method(), pb::Method::Webauthn);
    assert!(!step_up.webauthn_request_options_json.is_empty());

    next_step(&server);
    let totp = answer_with_totp(&server, "carol", &secret, &step_up.challenge_id, "")
        .await
        .unwrap_err();
    assert_eq!(reason(&totp), "METHOD_NOT_ALLOWED");
    let assertion = passkey
        .assert(&step_up.webauthn_request_options_json)
        .unwrap();
    let passed_at = server.clock.now().timestamp();
    client(&server)
        .await
        .verify_challenge(pb::VerifyChallengeRequest {
            user_id: "carol".into(),
            challenge_id: step_up.challenge_id.clone(),
            method: pb::Method::Webauthn as i32,
            webauthn_assertion_json: assertion,
            session_id: "sess-carol".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let satisfied = check(&server, resistant()).await.unwrap();
    assert!(satisfied.satisfied);
    assert_eq!(satisfied.verified_method(), pb::Method::Webauthn);
    assert_eq!(satisfied.verified_at.unwrap().seconds, passed_at);

    next_step(&server);
    sign_in(&server, "carol", &secret, "sess-carol").await;
    let any = check_session(&server, "carol", "sess-carol").await;
    assert_eq!(any.verified_method(), pb::Method::Totp);
    let still = check(&server, resistant()).await.unwrap();
    assert_eq!(
        (still.verified_method(), still.verified_at.unwrap().seconds),
        (pb::Method::Webauthn, passed_at)
    );
    server.stop().await;
}

/// A user without a passkey or security key gets FAILED_PRECONDITION /
/// NO_PHISHING_RESISTANT_METHOD when phishing resistance is asked for; a
/// user without any second factor gets NOT_ENROLLED (or the same reason,
/// when it is asked for). Nothing is begun.
async fn a_user_without_the_method_gets_a_stable_reason(db: &TestDb) {
    let server = TestServer::start_with(db, clock(), with_relying_party).await;
    enrol(&server, "dave").await;
    let refused = check(
        &server,
        pb::CheckRecentVerificationRequest {
            require_phishing_resistant: true,
            ..check_request("", "dave", "sess-dave")
        },
    )
    .await
    .unwrap_err();
    assert_eq!(
        (refused.code(), reason(&refused).as_str()),
        (Code::FailedPrecondition, "NO_PHISHING_RESISTANT_METHOD")
    );
    let nothing = check(&server, check_request("", "erin", "sess-erin"))
        .await
        .unwrap_err();
    assert_eq!(
        (nothing.code(), reason(&nothing).as_str()),
        (Code::FailedPrecondition, "NOT_ENROLLED")
    );
    let nothing = check(
        &server,
        pb::CheckRecentVerificationRequest {
            require_phishing_resistant: true,
            ..check_request("", "erin", "sess-erin")
        },
    )
    .await
    .unwrap_err();
    assert_eq!(reason(&nothing), "NO_PHISHING_RESISTANT_METHOD");
    assert!(
        !audit_kinds(&server)
            .await
            .contains(&"step_up.begun".to_owned())
    );
    server.stop().await;
}

/// EndSession forgets one session (and is idempotent, for unknown ones
/// too); ResetUser forgets every session of the user.
async fn end_session_and_reset_forget_the_record(db: &TestDb) {
    let server = TestServer::start(db, clock()).await;
    let (secret, _) = enrol(&server, "frank").await;
    for session in ["sess-frank-1", "sess-frank-2"] {
        next_step(&server);
        sign_in(&server, "frank", &secret, session).await;
    }
    assert!(
        check_session(&server, "frank", "sess-frank-1")
            .await
            .satisfied
    );
    let end = |session: &str| pb::EndSessionRequest {
        user_id: "frank".into(),
        session_id: session.to_owned(),
        ..Default::default()
    };
    let mut client = client(&server).await;
    for session in ["sess-frank-1", "sess-frank-1", "never-seen"] {
        client.end_session(end(session)).await.unwrap();
    }
    assert!(
        !check_session(&server, "frank", "sess-frank-1")
            .await
            .satisfied
    );
    assert!(
        check_session(&server, "frank", "sess-frank-2")
            .await
            .satisfied
    );

    server
        .enrollment()
        .await
        .reset_user(pb::ResetUserRequest {
            user_id: "frank".into(),
            actor_id: "admin-1".into(),
            reason: "lost phone".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(session_rows(&server).await.is_empty());
    // Enrolled again, the session must step up afresh.
    let (secret, _) = enrol(&server, "frank").await;
    let step_up = check_session(&server, "frank", "sess-frank-2").await;
    assert!(!step_up.satisfied);
    next_step(&server);
    answer_with_totp(&server, "frank", &secret, &step_up.challenge_id, "")
        .await
        .unwrap();
    assert!(
        check_session(&server, "frank", "sess-frank-2")
            .await
            .satisfied
    );
    server.stop().await;
}

/// One session's record satisfies that session of that user of that
/// tenant only; a step-up challenge answered in the name of another
/// session is refused before the code is looked at (the code still works
/// for its own session), and marks no other session.
async fn another_session_user_or_tenant_is_not_satisfied(db: &TestDb) {
    let server = TestServer::start(db, clock()).await;
    let (secret, _) = enrol(&server, "gina").await;
    enrol(&server, "hank").await;
    let mut enrollment = server.enrollment().await;
    let acme = enrollment
        .begin_totp(pb::BeginTotpRequest {
            tenant_id: "acme".into(),
            user_id: "gina".into(),
            account_name: "gina@acme.example".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let code = authenticator_code(&acme.secret_base32, server.clock.now().timestamp());
    enrollment
        .confirm_totp(pb::ConfirmTotpRequest {
            tenant_id: "acme".into(),
            user_id: "gina".into(),
            code,
            ..Default::default()
        })
        .await
        .unwrap();
    next_step(&server);
    sign_in(&server, "gina", &secret, "sess-shared").await;

    assert!(
        check_session(&server, "gina", "sess-shared")
            .await
            .satisfied
    );
    for (tenant, user, session) in [
        ("", "gina", "sess-other"),
        ("", "hank", "sess-shared"),
        ("acme", "gina", "sess-shared"),
    ] {
        let answer = check(&server, check_request(tenant, user, session))
            .await
            .unwrap();
        assert!(!answer.satisfied, "{tenant}/{user}/{session}");
    }

    let step_up = check_session(&server, "gina", "sess-other").await;
    next_step(&server);
    let refused = answer_with_totp(&server, "gina", &secret, &step_up.challenge_id, "sess-evil")
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::InvalidArgument);
    assert_eq!(violated_fields(&refused), ["session_id"]);
    // Nothing was spent or counted: the same code passes, repeating the
    // right session id.
    answer_with_totp(
        &server,
        "gina",
        &secret,
        &step_up.challenge_id,
        "sess-other",
    )
    .await
    .unwrap();
    assert!(check_session(&server, "gina", "sess-other").await.satisfied);
    assert!(!check_session(&server, "gina", "sess-evil").await.satisfied);
    // Another user cannot answer gina's step-up challenge.
    let stranger = check_session(&server, "gina", "sess-third").await;
    let refused = answer_with_totp(&server, "hank", &secret, &stranger.challenge_id, "")
        .await
        .unwrap_err();
    assert_eq!(reason(&refused), "CHALLENGE_NOT_FOUND");
    server.stop().await;
}

/// A caller holding another permission (outbox, admin) is refused both
/// RPCs, as is a sign-in caller naming another tenant; the sign-in key for
/// the tenant is let through.
async fn a_caller_without_the_permission_is_refused(db: &TestDb) {
    let outbox = create_key(db, "outbox-only", &["outbox", "admin"], &["*"]);
    let other_tenant = create_key(db, "tenant-a", &["sign_in"], &["a"]);
    let signer = create_key(db, "signer", &["sign_in"], &["*"]);
    let server = TestServer::start(db, clock()).await;
    enrol(&server, "ivan").await;
    let mut client = client(&server).await;
    let refused = |status: &tonic::Status| {
        status.code() == Code::PermissionDenied && reason(status) == "CALLER_NOT_ALLOWED"
    };
    for key in [&outbox, &other_tenant] {
        let checked = client
            .check_recent_verification(authorized(
                check_request("", "ivan", "sess-ivan"),
                Some(key),
            ))
            .await
            .unwrap_err();
        assert!(refused(&checked), "{checked:?}");
        let ended = client
            .end_session(authorized(
                pb::EndSessionRequest {
                    user_id: "ivan".into(),
                    session_id: "sess-ivan".into(),
                    ..Default::default()
                },
                Some(key),
            ))
            .await
            .unwrap_err();
        assert!(refused(&ended), "{ended:?}");
    }
    assert!(
        !audit_kinds(&server)
            .await
            .contains(&"step_up.begun".to_owned())
    );
    let allowed = client
        .check_recent_verification(authorized(
            check_request("", "ivan", "sess-ivan"),
            Some(&signer),
        ))
        .await
        .unwrap()
        .into_inner();
    assert!(!allowed.satisfied);
    server.stop().await;
}

/// The same right code sent to one step-up challenge many times at once
/// passes once: one success, one record, one `step_up.verified` event.
async fn a_step_up_verified_in_parallel_passes_once(db: &TestDb) {
    let server = TestServer::start(db, clock()).await;
    let (secret, _) = enrol(&server, "judy").await;
    let step_up = check_session(&server, "judy", "sess-judy").await;
    next_step(&server);
    let code = authenticator_code(&secret, server.clock.now().timestamp());
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let channel = server.channel().await;
        let request = verify_request("judy", &step_up.challenge_id, pb::Method::Totp, &code);
        tasks.push(tokio::spawn(async move {
            ChallengeServiceClient::new(channel)
                .verify_challenge(request)
                .await
        }));
    }
    let mut passed = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => passed += 1,
            Err(status) => assert!(
                ["CODE_ALREADY_USED", "CHALLENGE_NOT_FOUND"].contains(&reason(&status).as_str()),
                "{status:?}"
            ),
        }
    }
    assert_eq!(passed, 1);
    assert_eq!(session_rows(&server).await.len(), 1);
    let kinds = audit_kinds(&server).await;
    assert_eq!(kinds.iter().filter(|k| *k == "step_up.verified").count(), 1);
    assert!(check_session(&server, "judy", "sess-judy").await.satisfied);
    server.stop().await;
}

/// The purge deletes records that can satisfy no check any more (older
/// than 24 hours, plus the retention's grace) and keeps younger ones.
async fn old_records_are_purged(db: &TestDb) {
    let server = TestServer::start(db, clock()).await;
    let (secret, _) = enrol(&server, "kate").await;
    next_step(&server);
    sign_in(&server, "kate", &secret, "sess-old").await;
    server.clock.advance(TimeDelta::hours(24));
    sign_in(&server, "kate", &secret, "sess-new").await;
    server
        .clock
        .advance(TimeDelta::hours(1) + TimeDelta::seconds(1));
    let retention = Retention {
        expired: TimeDelta::hours(1),
        audit: None,
    };
    let purged = server.core.purge(&retention).await.unwrap();
    assert_eq!(purged.sessions, 1);
    let count = session::Entity::find()
        .count(server.app_store.connection())
        .await
        .unwrap();
    assert_eq!(count, 1);
    let kept = check(
        &server,
        pb::CheckRecentVerificationRequest {
            max_age: Some(prost_types::Duration {
                seconds: 86_400,
                nanos: 0,
            }),
            ..check_request("", "kate", "sess-new")
        },
    )
    .await
    .unwrap();
    assert!(kept.satisfied);
    server.stop().await;
}

/// `tollgate challenge check` and `tollgate challenge end-session` call
/// the RPCs (JSON for scripts); `challenge verify --session` records one.
async fn the_command_line_client_checks_and_ends_a_session(db: &TestDb) {
    let server = TestServer::start(db, clock()).await;
    let (secret, _) = enrol(&server, "liam").await;
    let cli = |args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_tollgate"))
            .args(args)
            .arg("--socket")
            .arg(&server.socket)
            .arg("--json")
            .output()
            .unwrap();
        assert!(output.status.success(), "{args:?}: {output:?}");
        serde_json::from_slice::<serde_json::Value>(&output.stdout).unwrap()
    };
    let begun = cli(&[
        "challenge",
        "check",
        "--user",
        "liam",
        "--session",
        "sess-cli",
        "--max-age",
        "300",
    ]);
    assert_eq!(begun["satisfied"], false);
    let id = begun["challenge_id"].as_str().unwrap().to_owned();
    assert_eq!(begun["methods"][0], "totp");
    next_step(&server);
    let code = authenticator_code(&secret, server.clock.now().timestamp());
    cli(&[
        "challenge",
        "verify",
        "--user",
        "liam",
        "--challenge",
        &id,
        "--code",
        &code,
        "--session",
        "sess-cli",
    ]);
    let satisfied = cli(&[
        "challenge",
        "check",
        "--user",
        "liam",
        "--session",
        "sess-cli",
        "--max-age",
        "300",
    ]);
    assert_eq!(satisfied["satisfied"], true);
    assert_eq!(satisfied["verified_method"], "totp");
    cli(&[
        "challenge",
        "end-session",
        "--user",
        "liam",
        "--session",
        "sess-cli",
    ]);
    assert!(session_rows(&server).await.is_empty());
    server.stop().await;
}

on_both_databases!(
    satisfied_within_max_age_and_not_after,
    bad_requests_are_refused_by_field,
    a_trusted_device_does_not_skip_step_up,
    phishing_resistant_step_up_offers_only_webauthn,
    a_user_without_the_method_gets_a_stable_reason,
    end_session_and_reset_forget_the_record,
    another_session_user_or_tenant_is_not_satisfied,
    a_caller_without_the_permission_is_refused,
    a_step_up_verified_in_parallel_passes_once,
    old_records_are_purged,
    the_command_line_client_checks_and_ends_a_session,
);
