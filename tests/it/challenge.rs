//! The sign-in challenge end to end: TOTP and recovery codes, single use,
//! lockout, trusted devices, cancel; and concurrent verifications of one code.

use chrono::TimeDelta;
use sea_orm::{EntityTrait, QueryOrder};
use tollgate::pb;
use tollgate::pb::challenge_service_client::ChallengeServiceClient;
use tollgate_domain::Clock;
use tollgate_storage::entity::audit_event;
use tonic::Code;
use tonic::transport::Channel;
use tonic_types::StatusExt;

use crate::enrollment::{enrol, enrol_over};
use crate::support::{
    TestDb, TestServer, TwoServers, authenticator_code, clock, metadata, on_both_databases, reason,
    until, violated_fields,
};

fn begin_request(user: &str) -> pb::BeginChallengeRequest {
    pb::BeginChallengeRequest {
        user_id: user.to_owned(),
        client_ip: "203.0.113.7".into(),
        user_agent: "Firefox/140".into(),
        ..Default::default()
    }
}

pub(crate) fn verify_request(
    user: &str,
    challenge_id: &str,
    method: pb::Method,
    code: &str,
) -> pb::VerifyChallengeRequest {
    pb::VerifyChallengeRequest {
        user_id: user.to_owned(),
        challenge_id: challenge_id.to_owned(),
        method: method as i32,
        code: code.to_owned(),
        client_ip: "203.0.113.7".into(),
        user_agent: "Firefox/140".into(),
        ..Default::default()
    }
}

async fn begin(
    client: &mut ChallengeServiceClient<Channel>,
    user: &str,
) -> pb::BeginChallengeResponse {
    client
        .begin_challenge(begin_request(user))
        .await
        .unwrap()
        .into_inner()
}

/// Begins a challenge that must be a CHALLENGE, and returns its id.
pub(crate) async fn challenge_id(
    client: &mut ChallengeServiceClient<Channel>,
    user: &str,
) -> String {
    let started = begin(client, user).await;
    assert_eq!(started.decision(), pb::Decision::Challenge);
    started.challenge_id
}

fn wrong_code(right: &str) -> &'static str {
    if right == "000000" {
        "111111"
    } else {
        "000000"
    }
}

async fn sign_in_with_an_authenticator_app(db: &TestDb) {
    let server = TestServer::start(db, clock()).await;
    let mut client = ChallengeServiceClient::new(server.channel().await);

    let nobody = begin(&mut client, "bob").await;
    assert_eq!(
        nobody.decision(),
        pb::Decision::Allow,
        "2FA is optional by default"
    );
    assert_eq!(nobody.allow_reason(), pb::AllowReason::NotRequired);

    let (secret, _) = enrol(&server, "alice").await;
    // The enrolment used this step's code; sign in half a minute later.
    server.clock.advance(TimeDelta::seconds(30));
    let now = server.clock.now().timestamp();
    let started = begin(&mut client, "alice").await;
    assert_eq!(started.decision(), pb::Decision::Challenge);
    assert_eq!(
        started.methods,
        [pb::Method::Totp as i32, pb::Method::RecoveryCode as i32]
    );
    assert_eq!(started.default_method(), pb::Method::Totp);
    assert_eq!(started.expires_at.unwrap().seconds, now + 300);
    // The id leads with the time it was begun (milliseconds), then 128
    // random bits.
    assert_eq!(started.challenge_id.len(), 44);
    assert!(started.challenge_id.bytes().all(|b| b.is_ascii_hexdigit()));
    let begun_ms = i64::from_str_radix(&started.challenge_id[..12], 16).unwrap();
    assert_eq!(begun_ms / 1000, now);
    let id = started.challenge_id;

    let right = authenticator_code(&secret, now);
    let err = client
        .verify_challenge(verify_request(
            "alice",
            &id,
            pb::Method::Totp,
            wrong_code(&right),
        ))
        .await
        .unwrap_err();
    assert_eq!(
        (err.code(), reason(&err).as_str()),
        (Code::InvalidArgument, "CODE_MISMATCH")
    );
    assert_eq!(metadata(&err)["attempts_left"], "4");

    let verified = client
        .verify_challenge(verify_request("alice", &id, pb::Method::Totp, &right))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(verified.methods_used, [pb::Method::Totp as i32]);
    assert_eq!(verified.recovery_codes_remaining, 8);
    assert!(
        verified.trusted_device_token.is_empty(),
        "not asked to remember the device"
    );

    // A completed challenge cannot be used again, and the code is spent.
    let err = client
        .verify_challenge(verify_request("alice", &id, pb::Method::Totp, &right))
        .await
        .unwrap_err();
    assert_eq!(
        (err.code(), reason(&err).as_str()),
        (Code::NotFound, "CHALLENGE_NOT_FOUND")
    );
    let again = challenge_id(&mut client, "alice").await;
    let err = client
        .verify_challenge(verify_request("alice", &again, pb::Method::Totp, &right))
        .await
        .unwrap_err();
    assert_eq!(
        (err.code(), reason(&err).as_str()),
        (Code::FailedPrecondition, "CODE_ALREADY_USED")
    );
    // The next step's code is fresh.
    let next = authenticator_code(&secret, now + 30);
    client
        .verify_challenge(verify_request("alice", &again, pb::Method::Totp, &next))
        .await
        .unwrap();

    // Every verification is audited: who, method, outcome, reason, client;
    // never the code. (A completed challenge verified again answers
    // CHALLENGE_NOT_FOUND like a made-up id: counted, not written.)
    let events = audit_event::Entity::find()
        .order_by_asc(audit_event::Column::Id)
        .all(server.app_store.connection())
        .await
        .unwrap();
    let verifications: Vec<_> = events
        .iter()
        .filter(|e| e.kind == "challenge.verified")
        .collect();
    let summary: Vec<(&str, &str)> = verifications
        .iter()
        .map(|e| (e.outcome.as_str(), e.reason.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            ("failure", "CODE_MISMATCH"),
            ("success", ""),
            ("failure", "CODE_ALREADY_USED"),
            ("success", ""),
        ]
    );
    for event in &verifications {
        assert_eq!(
            (event.user_id.as_str(), event.method.as_str()),
            ("alice", "totp")
        );
        assert_eq!(
            (event.client_ip.as_str(), event.user_agent.as_str()),
            ("203.0.113.7", "Firefox/140")
        );
    }
    for event in &events {
        let row = format!("{event:?}");
        assert!(
            !row.contains(&right) && !row.contains(&next) && !row.contains(&id),
            "{row}"
        );
    }
    server.stop().await;
}

async fn sign_in_with_a_recovery_code(db: &TestDb) {
    let server = TestServer::start(db, clock()).await;
    let mut client = ChallengeServiceClient::new(server.channel().await);
    let (_, codes) = enrol(&server, "carol").await;

    let id = challenge_id(&mut client, "carol").await;
    let err = client
        .verify_challenge(verify_request(
            "carol",
            &id,
            pb::Method::RecoveryCode,
            "ABCD-EFGH",
        ))
        .await
        .unwrap_err();
    assert_eq!(reason(&err), "CODE_MISMATCH");
    let err = client
        .verify_challenge(verify_request(
            "carol",
            &id,
            pb::Method::RecoveryCode,
            "not-a-code?",
        ))
        .await
        .unwrap_err();
    assert_eq!(violated_fields(&err), ["code"]);

    // As a person types it: lower case, no dash, stray spaces.
    let typed = format!("  {}  ", codes[3].replace('-', "").to_lowercase());
    let verified = client
        .verify_challenge(verify_request(
            "carol",
            &id,
            pb::Method::RecoveryCode,
            &typed,
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(verified.recovery_codes_remaining, 7);
    assert_eq!(verified.methods_used, [pb::Method::RecoveryCode as i32]);

    let id = challenge_id(&mut client, "carol").await;
    let err = client
        .verify_challenge(verify_request(
            "carol",
            &id,
            pb::Method::RecoveryCode,
            &codes[3],
        ))
        .await
        .unwrap_err();
    assert_eq!(reason(&err), "CODE_ALREADY_USED", "a spent code is dead");
    client
        .verify_challenge(verify_request(
            "carol",
            &id,
            pb::Method::RecoveryCode,
            &codes[4],
        ))
        .await
        .unwrap();

    let status = server
        .recovery()
        .await
        .get_recovery_status(pb::GetRecoveryStatusRequest {
            user_id: "carol".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!((status.remaining, status.total), (6, 8));
    server.stop().await;
}

async fn failures_lock_the_user_out_and_the_lock_ends(db: &TestDb) {
    let server = TestServer::start(db, clock()).await;
    let mut client = ChallengeServiceClient::new(server.channel().await);
    let (secret, _) = enrol(&server, "dave").await;
    server.clock.advance(TimeDelta::seconds(30));

    let mut lock_start = 0;
    for attempt in 1..=5 {
        // A fresh challenge each time: counting is per user.
        let id = challenge_id(&mut client, "dave").await;
        let right = authenticator_code(&secret, server.clock.now().timestamp());
        let err = client
            .verify_challenge(verify_request(
                "dave",
                &id,
                pb::Method::Totp,
                wrong_code(&right),
            ))
            .await
            .unwrap_err();
        if attempt < 5 {
            assert_eq!(reason(&err), "CODE_MISMATCH");
            assert_eq!(metadata(&err)["attempts_left"], (5 - attempt).to_string());
        } else {
            assert_eq!(
                (err.code(), reason(&err).as_str()),
                (Code::ResourceExhausted, "LOCKED_OUT")
            );
            lock_start = server.clock.now().timestamp();
            let until = chrono::DateTime::from_timestamp(lock_start + 900, 0).unwrap();
            assert_eq!(metadata(&err)["locked_until"], until.to_rfc3339());
            let retry = err.get_error_details().retry_info().cloned().unwrap();
            assert_eq!(retry.retry_delay.unwrap().as_secs(), 900);
        }
    }
    // The right code is refused while locked, on any challenge.
    server.clock.advance(TimeDelta::seconds(14 * 60));
    let id = challenge_id(&mut client, "dave").await;
    let right = authenticator_code(&secret, server.clock.now().timestamp());
    let err = client
        .verify_challenge(verify_request("dave", &id, pb::Method::Totp, &right))
        .await
        .unwrap_err();
    assert_eq!(reason(&err), "LOCKED_OUT");

    // Each failure is audited once; the one that locked, with the lock;
    // the attempt made while locked writes nothing (one event per lock).
    let events: Vec<(String, String)> = audit_event::Entity::find()
        .order_by_asc(audit_event::Column::Id)
        .all(server.app_store.connection())
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.user_id == "dave" && e.kind != "totp.enabled" && e.kind != "totp.pending")
        .map(|e| (e.kind, e.reason))
        .collect();
    let event = |kind: &str, reason: &str| (kind.to_owned(), reason.to_owned());
    let mismatch = event("challenge.verified", "CODE_MISMATCH");
    assert_eq!(
        events,
        [
            mismatch.clone(),
            mismatch.clone(),
            mismatch.clone(),
            mismatch,
            event("challenge.verified", "LOCKED_OUT"),
            event("user.locked_out", "LOCKED_OUT"),
        ]
    );

    // The lock ends; five more failures lock for twice as long.
    server
        .clock
        .set(chrono::DateTime::from_timestamp(lock_start + 901, 0).unwrap());
    for attempt in 1..=5 {
        let id = challenge_id(&mut client, "dave").await;
        let right = authenticator_code(&secret, server.clock.now().timestamp());
        let err = client
            .verify_challenge(verify_request(
                "dave",
                &id,
                pb::Method::Totp,
                wrong_code(&right),
            ))
            .await
            .unwrap_err();
        let expected = if attempt < 5 {
            "CODE_MISMATCH"
        } else {
            "LOCKED_OUT"
        };
        assert_eq!(reason(&err), expected);
        if attempt == 5 {
            let retry = err.get_error_details().retry_info().cloned().unwrap();
            assert_eq!(
                retry.retry_delay.unwrap().as_secs(),
                1800,
                "the second lock doubles"
            );
        }
    }
    server.clock.advance(TimeDelta::seconds(1801));
    let id = challenge_id(&mut client, "dave").await;
    let right = authenticator_code(&secret, server.clock.now().timestamp());
    client
        .verify_challenge(verify_request("dave", &id, pb::Method::Totp, &right))
        .await
        .unwrap();
    // A success resets the count.
    let id = challenge_id(&mut client, "dave").await;
    let err = client
        .verify_challenge(verify_request(
            "dave",
            &id,
            pb::Method::Totp,
            wrong_code(&right),
        ))
        .await
        .unwrap_err();
    assert_eq!(metadata(&err)["attempts_left"], "4");
    server.stop().await;
}

async fn a_trusted_device_skips_the_challenge_until_revoked(db: &TestDb) {
    let server = TestServer::start(db, clock()).await;
    let mut client = ChallengeServiceClient::new(server.channel().await);
    let (_, codes) = enrol(&server, "erin").await;
    enrol(&server, "frank").await;

    let id = challenge_id(&mut client, "erin").await;
    let mut request = verify_request("erin", &id, pb::Method::RecoveryCode, &codes[0]);
    request.remember_device = true;
    let verified = client.verify_challenge(request).await.unwrap().into_inner();
    let token = verified.trusted_device_token;
    assert_eq!(token.len(), 64);
    assert_eq!(
        verified.trusted_device_expires_at.unwrap().seconds,
        server.clock.now().timestamp() + 30 * 24 * 3600
    );
    let device_id = verified.trusted_device_id;
    assert!(!device_id.is_empty());

    let mut with_token = begin_request("erin");
    with_token.trusted_device_token = token.clone();
    let skipped = client
        .begin_challenge(with_token.clone())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        (skipped.decision(), skipped.allow_reason()),
        (pb::Decision::Allow, pb::AllowReason::TrustedDevice)
    );
    // The token is bound to its user.
    let mut stolen = begin_request("frank");
    stolen.trusted_device_token = token.clone();
    assert_eq!(
        client
            .begin_challenge(stolen)
            .await
            .unwrap()
            .into_inner()
            .decision(),
        pb::Decision::Challenge
    );
    // Revoking that one device.
    let revoked = client
        .revoke_trusted_devices(pb::RevokeTrustedDevicesRequest {
            user_id: "erin".into(),
            device_id: device_id.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(revoked.revoked_count, 1);
    assert_eq!(
        client
            .begin_challenge(with_token.clone())
            .await
            .unwrap()
            .into_inner()
            .decision(),
        pb::Decision::Challenge
    );

    // Two more devices; revoking all.
    let mut tokens = Vec::new();
    for code in &codes[1..3] {
        let id = challenge_id(&mut client, "erin").await;
        let mut request = verify_request("erin", &id, pb::Method::RecoveryCode, code);
        request.remember_device = true;
        tokens.push(
            client
                .verify_challenge(request)
                .await
                .unwrap()
                .into_inner()
                .trusted_device_token,
        );
    }
    let revoked = client
        .revoke_trusted_devices(pb::RevokeTrustedDevicesRequest {
            user_id: "erin".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(revoked.revoked_count, 2);
    for token in &tokens {
        let mut request = begin_request("erin");
        request.trusted_device_token = token.clone();
        assert_eq!(
            client
                .begin_challenge(request)
                .await
                .unwrap()
                .into_inner()
                .decision(),
            pb::Decision::Challenge
        );
    }

    // A token expires after 30 days.
    let id = challenge_id(&mut client, "erin").await;
    let mut request = verify_request("erin", &id, pb::Method::RecoveryCode, &codes[5]);
    request.remember_device = true;
    let token = client
        .verify_challenge(request)
        .await
        .unwrap()
        .into_inner()
        .trusted_device_token;
    let mut request = begin_request("erin");
    request.trusted_device_token = token;
    server
        .clock
        .advance(TimeDelta::days(30) - TimeDelta::seconds(1));
    assert_eq!(
        client
            .begin_challenge(request.clone())
            .await
            .unwrap()
            .into_inner()
            .allow_reason(),
        pb::AllowReason::TrustedDevice
    );
    server.clock.advance(TimeDelta::seconds(1));
    assert_eq!(
        client
            .begin_challenge(request)
            .await
            .unwrap()
            .into_inner()
            .decision(),
        pb::Decision::Challenge
    );

    server.stop().await;
}

async fn disabling_two_factor_revokes_trusted_devices(db: &TestDb) {
    let server = TestServer::start(db, clock()).await;
    let mut client = ChallengeServiceClient::new(server.channel().await);
    let (_, codes) = enrol(&server, "grace").await;
    let id = challenge_id(&mut client, "grace").await;
    let mut request = verify_request("grace", &id, pb::Method::RecoveryCode, &codes[0]);
    request.remember_device = true;
    let token = client
        .verify_challenge(request)
        .await
        .unwrap()
        .into_inner()
        .trusted_device_token;

    server
        .enrollment()
        .await
        .disable_method(pb::DisableMethodRequest {
            user_id: "grace".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    enrol(&server, "grace").await;
    let mut request = begin_request("grace");
    request.trusted_device_token = token;
    assert_eq!(
        client
            .begin_challenge(request)
            .await
            .unwrap()
            .into_inner()
            .decision(),
        pb::Decision::Challenge,
        "a device trusted before 2FA was disabled is trusted no more"
    );
    server.stop().await;
}

async fn cancelled_and_expired_challenges(db: &TestDb) {
    let server = TestServer::start(db, clock()).await;
    let mut client = ChallengeServiceClient::new(server.channel().await);
    let (secret, _) = enrol(&server, "heidi").await;
    server.clock.advance(TimeDelta::seconds(30));
    let right = authenticator_code(&secret, server.clock.now().timestamp());

    let id = challenge_id(&mut client, "heidi").await;
    let cancel = |id: &str| pb::CancelChallengeRequest {
        user_id: "heidi".into(),
        challenge_id: id.to_owned(),
        ..Default::default()
    };
    client.cancel_challenge(cancel(&id)).await.unwrap();
    let err = client
        .verify_challenge(verify_request("heidi", &id, pb::Method::Totp, &right))
        .await
        .unwrap_err();
    assert_eq!(reason(&err), "CHALLENGE_NOT_FOUND");
    let err = client.cancel_challenge(cancel(&id)).await.unwrap_err();
    assert_eq!(
        (err.code(), reason(&err).as_str()),
        (Code::NotFound, "CHALLENGE_NOT_FOUND")
    );

    let id = challenge_id(&mut client, "heidi").await;
    // The open-challenges gauge counts the open one, not the cancelled one,
    // and stops counting it once it expires.
    let open = |at| {
        use tollgate_domain::ports::ChallengeStore;
        server.app_store.count_open_challenges(at)
    };
    assert_eq!(open(server.clock.now()).await.unwrap(), 1);
    server.clock.advance(TimeDelta::seconds(300));
    assert_eq!(open(server.clock.now()).await.unwrap(), 0);
    let right = authenticator_code(&secret, server.clock.now().timestamp());
    let err = client
        .verify_challenge(verify_request("heidi", &id, pb::Method::Totp, &right))
        .await
        .unwrap_err();
    assert_eq!(
        (err.code(), reason(&err).as_str()),
        (Code::FailedPrecondition, "CHALLENGE_EXPIRED")
    );

    // Another user's challenge id is not found; malformed input is invalid.
    enrol(&server, "ivan").await;
    let id = challenge_id(&mut client, "heidi").await;
    let err = client
        .verify_challenge(verify_request("ivan", &id, pb::Method::Totp, &right))
        .await
        .unwrap_err();
    assert_eq!(reason(&err), "CHALLENGE_NOT_FOUND");
    let err = client
        .verify_challenge(verify_request(
            "heidi",
            "not-an-id",
            pb::Method::Totp,
            &right,
        ))
        .await
        .unwrap_err();
    assert_eq!(violated_fields(&err), ["challenge_id"]);
    let err = client
        .verify_challenge(verify_request(
            "heidi",
            &id,
            pb::Method::Unspecified,
            &right,
        ))
        .await
        .unwrap_err();
    assert_eq!(violated_fields(&err), ["method"]);
    let err = client
        .verify_challenge(verify_request("heidi", &id, pb::Method::Totp, "12"))
        .await
        .unwrap_err();
    assert_eq!(violated_fields(&err), ["code"]);
    let err = client
        .verify_challenge(verify_request("heidi", &id, pb::Method::Email, "123456"))
        .await
        .unwrap_err();
    assert_eq!(reason(&err), "METHOD_NOT_ALLOWED");
    server.stop().await;
}

/// How many of `attempts` concurrent verifications of one code succeed,
/// each on its own challenge, spread over `channels`. Every failure must be
/// CODE_ALREADY_USED.
async fn race(
    channels: &[Channel],
    user: &str,
    method: pb::Method,
    code: &str,
    attempts: usize,
) -> usize {
    let mut ids = Vec::new();
    for i in 0..attempts {
        let mut client = ChallengeServiceClient::new(channels[i % channels.len()].clone());
        ids.push(challenge_id(&mut client, user).await);
    }
    let mut tasks = tokio::task::JoinSet::new();
    for (i, id) in ids.into_iter().enumerate() {
        let mut client = ChallengeServiceClient::new(channels[i % channels.len()].clone());
        let request = verify_request(user, &id, method, code);
        tasks.spawn(async move { client.verify_challenge(request).await });
    }
    let mut successes = 0;
    while let Some(result) = tasks.join_next().await {
        match result.unwrap() {
            Ok(_) => successes += 1,
            Err(err) => assert_eq!(reason(&err), "CODE_ALREADY_USED", "{err:?}"),
        }
    }
    successes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_code_wins_once_against_one_sqlite_server() {
    let db = TestDb::sqlite().await;
    let server = TestServer::start(&db, clock()).await;
    let channels = [server.channel().await, server.channel().await];
    let (secret, codes) = enrol(&server, "race").await;
    for (round, recovery_code) in codes.iter().take(3).enumerate() {
        server.clock.advance(TimeDelta::seconds(30));
        let code = authenticator_code(&secret, server.clock.now().timestamp());
        assert_eq!(
            race(&channels, "race", pb::Method::Totp, &code, 16).await,
            1,
            "TOTP round {round}"
        );
        assert_eq!(
            race(
                &channels,
                "race",
                pb::Method::RecoveryCode,
                recovery_code,
                8
            )
            .await,
            1,
            "recovery round {round}"
        );
    }
    server.stop().await;
}

#[allow(clippy::disallowed_methods)] // two real processes run on the real clock
fn wall_clock_now() -> i64 {
    chrono::Utc::now().timestamp()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_code_wins_once_across_two_servers_on_one_postgres() {
    let Some(db) =
        TestDb::postgres("challenge::one_code_wins_once_across_two_servers_on_one_postgres").await
    else {
        return;
    };
    let servers = TwoServers::start(&db).await;
    let channels = servers.channels.clone();

    for round in 0..3 {
        // Each round a fresh user, enrolled through server B; the race uses
        // the next step's code (within the one-step skew, and not yet used).
        let user = format!("race{round}");
        let (secret, codes) = enrol_over(channels[1].clone(), &user, wall_clock_now()).await;
        let code = authenticator_code(&secret, wall_clock_now() + 30);
        assert_eq!(
            race(&channels, &user, pb::Method::Totp, &code, 16).await,
            1,
            "TOTP round {round}"
        );
        assert_eq!(
            race(&channels, &user, pb::Method::RecoveryCode, &codes[round], 8).await,
            1,
            "recovery round {round}"
        );
    }
    drop(servers);
    db.cleanup().await;
}

/// The audit event of a successful verification by `user`, as the domain
/// hands it to the store.
fn verified_event(
    user: &tollgate_domain::UserRef,
    now: chrono::DateTime<chrono::Utc>,
) -> tollgate_domain::ports::AuditEvent {
    tollgate_domain::ports::AuditEvent {
        tenant: user.tenant.clone(),
        user: Some(user.user.clone()),
        kind: "challenge.verified",
        actor_id: user.user.as_str().to_owned(),
        method: None,
        outcome: tollgate_domain::ports::Outcome::Success,
        reason: "",
        client: tollgate_domain::ports::ClientInfo::default(),
        occurred_at: now,
        details: Vec::new(),
    }
}

/// A completion that finds the challenge closed (a cancel or expiry racing
/// the verification, after the challenge was read) takes back the code it
/// consumed: the same code still completes another challenge. Likewise a
/// lockout swap that lost its race writes nothing.
async fn a_write_that_lost_its_race_writes_nothing(db: &TestDb) {
    use tollgate_domain::ports::{
        AuditEvent, ChallengeStore, Completion, Consume, LockoutGuard, LockoutStore, Outcome,
    };
    let server = TestServer::start(db, clock()).await;
    let mut client = ChallengeServiceClient::new(server.channel().await);
    let (secret, _) = enrol(&server, "judy").await;
    server.clock.advance(TimeDelta::seconds(30));
    let now = server.clock.now();
    let right = authenticator_code(&secret, now.timestamp());
    let user = tollgate_domain::UserRef::parse("", "judy").unwrap();
    let audit = verified_event(&user, now);
    let audited = || async {
        audit_event::Entity::find()
            .all(server.app_store.connection())
            .await
            .unwrap()
            .iter()
            .filter(|e| e.kind == "challenge.verified")
            .count()
    };

    // No open challenge has this id hash: the step is consumed, then the
    // challenge is found closed.
    let step = u64::try_from(now.timestamp() / 30).unwrap();
    let (_, version) = server.app_store.lockout(&user).await.unwrap();
    let lockout = LockoutGuard {
        version,
        reset: false,
    };
    let completion = server
        .app_store
        .complete_challenge(
            &user,
            &"0".repeat(64),
            Consume::TotpStep(step),
            now,
            None,
            None,
            audit,
            Vec::new(),
            lockout,
        )
        .await
        .unwrap();
    assert_eq!(completion, Completion::ChallengeClosed);
    assert_eq!(audited().await, 0, "nothing of the completion was written");

    let id = challenge_id(&mut client, "judy").await;
    client
        .verify_challenge(verify_request("judy", &id, pb::Method::Totp, &right))
        .await
        .expect("the step was not burned");
    assert_eq!(audited().await, 1);

    // A failure counted from a stale lockout row (another replica counted
    // one since) changes nothing, and its audit event is not written: the
    // caller counts again from the new row.
    let store = &server.app_store;
    let (state, version) = store.lockout(&user).await.unwrap();
    let failed = |reason| AuditEvent {
        outcome: Outcome::Failure,
        reason,
        ..verified_event(&user, now)
    };
    let counted = tollgate_domain::lockout::LockoutState {
        failures: state.failures + 1,
        ..state
    };
    assert!(
        store
            .swap_lockout(
                &user,
                version,
                counted,
                vec![failed("CODE_MISMATCH")],
                Vec::new()
            )
            .await
            .unwrap()
    );
    assert!(
        !store
            .swap_lockout(&user, version, counted, vec![failed("STALE")], Vec::new())
            .await
            .unwrap()
    );
    let reasons: Vec<String> = audit_event::Entity::find()
        .all(store.connection())
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.outcome == "failure")
        .map(|e| e.reason)
        .collect();
    assert_eq!(reasons, ["CODE_MISMATCH"]);

    // A right code read the lockout row before a parallel guess counted a
    // failure: its completion depends on the row as read, so it writes
    // nothing (before, it completed and its reset cleared the failure the
    // other guess counted).
    server.clock.advance(chrono::TimeDelta::seconds(30));
    let now = server.clock.now();
    let (state, version) = store.lockout(&user).await.unwrap();
    let id = challenge_id(&mut client, "judy").await;
    let written = audited().await;
    let parallel = tollgate_domain::lockout::LockoutState {
        failures: state.failures + 1,
        ..state
    };
    assert!(
        store
            .swap_lockout(&user, version, parallel, Vec::new(), Vec::new())
            .await
            .unwrap()
    );
    let step = u64::try_from(now.timestamp() / 30).unwrap();
    let completion = store
        .complete_challenge(
            &user,
            &"0".repeat(64),
            Consume::TotpStep(step),
            now,
            None,
            None,
            verified_event(&user, now),
            Vec::new(),
            LockoutGuard {
                version,
                reset: true,
            },
        )
        .await
        .unwrap();
    assert_eq!(completion, Completion::LockoutChanged);
    assert_eq!(
        store.lockout(&user).await.unwrap().0,
        parallel,
        "the count stays"
    );
    assert_eq!(
        audited().await,
        written,
        "nothing of the completion was written"
    );
    // Through the service, the right code still wins while attempts remain.
    let right = authenticator_code(&secret, now.timestamp());
    client
        .verify_challenge(verify_request("judy", &id, pb::Method::Totp, &right))
        .await
        .expect("the step was not burned");
    assert_eq!(store.lockout(&user).await.unwrap().0, Default::default());
    server.stop().await;
}

on_both_databases!(
    sign_in_with_an_authenticator_app,
    sign_in_with_a_recovery_code,
    failures_lock_the_user_out_and_the_lock_ends,
    a_trusted_device_skips_the_challenge_until_revoked,
    disabling_two_factor_revokes_trusted_devices,
    cancelled_and_expired_challenges,
    a_write_that_lost_its_race_writes_nothing,
);

/// Waits until a session of this Postgres database waits for a lock.
async fn until_a_session_waits_for_a_lock(conn: &sea_orm::DatabaseConnection) {
    use sea_orm::{ConnectionTrait, Statement};
    let waiting = Statement::from_string(
        sea_orm::DbBackend::Postgres,
        "SELECT count(*) AS n FROM pg_stat_activity \
         WHERE datname = current_database() AND wait_event_type = 'Lock'",
    );
    until("a session to wait for a lock", async || {
        let row = conn.query_one_raw(waiting.clone()).await.unwrap().unwrap();
        row.try_get::<i64>("", "n").unwrap() != 0
    })
    .await;
}

/// On Postgres a cancel that holds the challenge row when a verification
/// arrives wins: the verification waits for it, then consumes nothing, and
/// the same code signs in on the next challenge.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancel_in_flight_wins_over_a_verification_on_postgres() {
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, QueryFilter, TransactionTrait};
    use tollgate_domain::ports::{ChallengeStore, Completion, Consume, LockoutGuard, LockoutStore};
    use tollgate_storage::entity::challenge;
    let Some(db) =
        TestDb::postgres("challenge::a_cancel_in_flight_wins_over_a_verification_on_postgres")
            .await
    else {
        return;
    };
    let server = TestServer::start(&db, clock()).await;
    let mut client = ChallengeServiceClient::new(server.channel().await);
    let (secret, _) = enrol(&server, "kim").await;
    server.clock.advance(TimeDelta::seconds(30));
    let now = server.clock.now();
    let right = authenticator_code(&secret, now.timestamp());
    let user = tollgate_domain::UserRef::parse("", "kim").unwrap();
    challenge_id(&mut client, "kim").await;
    let conn = server.app_store.connection();
    let id_hash = challenge::Entity::find()
        .filter(challenge::Column::UserId.eq("kim"))
        .one(conn)
        .await
        .unwrap()
        .unwrap()
        .id_hash;

    // Another session cancels the challenge and has not committed yet.
    let canceller = conn.begin().await.unwrap();
    challenge::Entity::update_many()
        .col_expr(challenge::Column::Status, Expr::value(challenge::CANCELLED))
        .filter(challenge::Column::IdHash.eq(id_hash.as_str()))
        .exec(&canceller)
        .await
        .unwrap();
    let store = server.app_store.clone();
    let step = u64::try_from(now.timestamp() / 30).unwrap();
    let audit = verified_event(&user, now);
    let (_, version) = store.lockout(&user).await.unwrap();
    let lockout = LockoutGuard {
        version,
        reset: false,
    };
    let completion = tokio::spawn(async move {
        store
            .complete_challenge(
                &user,
                &id_hash,
                Consume::TotpStep(step),
                now,
                None,
                None,
                audit,
                Vec::new(),
                lockout,
            )
            .await
    });
    // The verification is now waiting for the cancel's row lock.
    until_a_session_waits_for_a_lock(conn).await;
    canceller.commit().await.unwrap();

    assert_eq!(
        completion.await.unwrap().unwrap(),
        Completion::ChallengeClosed
    );
    let id = challenge_id(&mut client, "kim").await;
    client
        .verify_challenge(verify_request("kim", &id, pb::Method::Totp, &right))
        .await
        .expect("the step was not burned");
    server.stop().await;
    db.cleanup().await;
}
