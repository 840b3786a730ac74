//! Authenticator-app enrolment and recovery codes, end to end over the Unix
//! socket, on SQLite and Postgres.
use std::collections::HashSet;

use chrono::TimeDelta;
use sea_orm::EntityTrait;
use tollgate::pb;
use tollgate::pb::enrollment_service_client::EnrollmentServiceClient;
use tollgate_domain::Clock;
use tollgate_domain::recovery;
use tollgate_storage::entity::recovery_code;
use tonic::Code;
use tonic::transport::Channel;

use crate::support::{
    START_UNIX, TestDb, TestServer, authenticator_code, clock, on_both_databases, reason,
    violated_fields,
};

pub(crate) fn begin(user: &str) -> pb::BeginTotpRequest {
    pb::BeginTotpRequest {
        tenant_id: String::new(),
        user_id: user.to_owned(),
        account_name: format!("{user}@example.com"),
        ..Default::default()
    }
}

pub(crate) fn confirm(user: &str, code: &str) -> pb::ConfirmTotpRequest {
    pb::ConfirmTotpRequest {
        tenant_id: String::new(),
        user_id: user.to_owned(),
        code: code.to_owned(),
        ..Default::default()
    }
}

fn who(user: &str) -> (String, String) {
    (String::new(), user.to_owned())
}

async fn state_of(server: &TestServer, user: &str) -> pb::GetEnrollmentResponse {
    let (tenant_id, user_id) = who(user);
    server
        .enrollment()
        .await
        .get_enrollment(pb::GetEnrollmentRequest {
            tenant_id,
            user_id,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
}

fn totp_state(view: &pb::GetEnrollmentResponse) -> pb::TotpState {
    view.totp.as_ref().unwrap().state()
}

/// Decodes a QR code from PNG bytes, as a phone camera would.
fn decode_qr(png_bytes: &[u8]) -> String {
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Grayscale);
    let (w, h) = (info.width as usize, info.height as usize);
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| buf[y * w + x]);
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the image");
    grids[0].decode().unwrap().1
}

/// Checks the format of a recovery set: 8 codes, XXXX-XXXX, the alphabet,
/// all distinct.
fn assert_recovery_set(codes: &[String]) {
    assert_eq!(codes.len(), 8);
    let unique: HashSet<_> = codes.iter().collect();
    assert_eq!(unique.len(), 8, "codes are distinct");
    for code in codes {
        assert_eq!(code.len(), 9, "{code}");
        assert_eq!(&code[4..5], "-");
        assert!(
            code.bytes()
                .filter(|b| *b != b'-')
                .all(|b| recovery::ALPHABET.contains(&b)),
            "{code} uses only the unambiguous upper-case alphabet"
        );
    }
}

/// Enrols `user` and returns (secret, recovery codes).
pub async fn enrol(server: &TestServer, user: &str) -> (String, Vec<String>) {
    enrol_over(server.channel().await, user, server.clock.now().timestamp()).await
}

/// Enrols `user` through `channel` at `now` (Unix seconds).
pub async fn enrol_over(channel: Channel, user: &str, now: i64) -> (String, Vec<String>) {
    let mut client = EnrollmentServiceClient::new(channel);
    let setup = client.begin_totp(begin(user)).await.unwrap().into_inner();
    let code = authenticator_code(&setup.secret_base32, now);
    let confirmed = client
        .confirm_totp(confirm(user, &code))
        .await
        .unwrap()
        .into_inner();
    (setup.secret_base32, confirmed.recovery_codes)
}

async fn enrol_with_an_authenticator_app(db: &TestDb) {
    let server = TestServer::start(db, clock()).await;
    let mut client = server.enrollment().await;

    assert_eq!(
        totp_state(&state_of(&server, "alice").await),
        pb::TotpState::NotConfigured
    );

    let setup = client
        .begin_totp(begin("alice"))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(setup.secret_base32.len(), 32, "160-bit secret in base32");
    assert_eq!(
        setup.otpauth_uri,
        format!(
            "otpauth://totp/tollgate:alice%40example.com?secret={}&issuer=tollgate",
            setup.secret_base32
        )
    );
    assert_eq!(
        decode_qr(&setup.qr_png),
        setup.otpauth_uri,
        "the QR code carries the otpauth URI"
    );
    assert!(setup.qr_svg.starts_with("<?xml") && setup.qr_svg.contains("<svg"));
    assert_eq!((setup.digits, setup.period.unwrap().seconds), (6, 30));
    assert_eq!(setup.expires_at.unwrap().seconds, START_UNIX + 600);

    let pending = state_of(&server, "alice").await;
    assert_eq!(totp_state(&pending), pb::TotpState::Pending);
    assert!(
        pending.enabled_methods.is_empty(),
        "a pending secret protects nothing"
    );
    assert!(!pending.two_factor_enabled);

    // A wrong code, then malformed ones.
    let right = authenticator_code(&setup.secret_base32, START_UNIX);
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    let err = client
        .confirm_totp(confirm("alice", wrong))
        .await
        .unwrap_err();
    assert_eq!(
        (err.code(), reason(&err).as_str()),
        (Code::InvalidArgument, "CODE_MISMATCH")
    );
    assert_eq!(err.message(), "That code did not match");
    for malformed in ["12345", "1234567", "12345a", ""] {
        let err = client
            .confirm_totp(confirm("alice", malformed))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::InvalidArgument, "{malformed:?}");
        assert_eq!(reason(&err), "INVALID_ARGUMENT");
        assert_eq!(violated_fields(&err), ["code"]);
    }

    // The code of the previous step is accepted (clock skew).
    let previous = authenticator_code(&setup.secret_base32, START_UNIX - 30);
    let confirmed = client
        .confirm_totp(confirm("alice", &previous))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(confirmed.state(), pb::TotpState::Enabled);
    assert_eq!(confirmed.confirmed_at.unwrap().seconds, START_UNIX);
    assert_recovery_set(&confirmed.recovery_codes);

    let enabled = state_of(&server, "alice").await;
    assert_eq!(totp_state(&enabled), pb::TotpState::Enabled);
    assert_eq!(
        enabled.totp.unwrap().confirmed_at.unwrap().seconds,
        START_UNIX
    );
    assert_eq!(enabled.enabled_methods, [pb::Method::Totp as i32]);
    assert_eq!(enabled.default_method(), pb::Method::Totp);
    assert_eq!(enabled.recovery_codes_remaining, 8);
    assert_eq!(
        enabled.policy.unwrap().state(),
        pb::ComplianceState::NotRequired
    );

    let err = client.begin_totp(begin("alice")).await.unwrap_err();
    assert_eq!(
        (err.code(), reason(&err).as_str()),
        (Code::FailedPrecondition, "ALREADY_ENABLED")
    );
    let err = client
        .confirm_totp(confirm("alice", &right))
        .await
        .unwrap_err();
    assert_eq!(reason(&err), "ALREADY_ENABLED");

    server.stop().await;
}

async fn the_next_step_is_accepted_and_two_steps_away_is_not(db: &TestDb) {
    let server = TestServer::start(db, clock()).await;
    let mut client = server.enrollment().await;
    let setup = client.begin_totp(begin("bob")).await.unwrap().into_inner();
    for far in [START_UNIX - 60, START_UNIX + 60] {
        let code = authenticator_code(&setup.secret_base32, far);
        let err = client
            .confirm_totp(confirm("bob", &code))
            .await
            .unwrap_err();
        assert_eq!(reason(&err), "CODE_MISMATCH");
    }
    let next = authenticator_code(&setup.secret_base32, START_UNIX + 30);
    client.confirm_totp(confirm("bob", &next)).await.unwrap();
    server.stop().await;
}

async fn a_pending_secret_expires_and_a_new_one_replaces_it(db: &TestDb) {
    let server = TestServer::start(db, clock()).await;
    let mut client = server.enrollment().await;

    let err = client
        .confirm_totp(confirm("carol", "123456"))
        .await
        .unwrap_err();
    assert_eq!(
        (err.code(), reason(&err).as_str()),
        (Code::FailedPrecondition, "NO_PENDING_ENROLLMENT")
    );
    assert_eq!(
        err.message(),
        "No pending enrollment. Start again to get a fresh QR code"
    );

    let first = client
        .begin_totp(begin("carol"))
        .await
        .unwrap()
        .into_inner();
    server.clock.advance(TimeDelta::seconds(601));
    assert_eq!(
        totp_state(&state_of(&server, "carol").await),
        pb::TotpState::NotConfigured
    );
    let now = server.clock.now().timestamp();
    let err = client
        .confirm_totp(confirm(
            "carol",
            &authenticator_code(&first.secret_base32, now),
        ))
        .await
        .unwrap_err();
    assert_eq!(reason(&err), "NO_PENDING_ENROLLMENT");

    // Starting again mints a fresh secret; the old one is worthless.
    let second = client
        .begin_totp(begin("carol"))
        .await
        .unwrap()
        .into_inner();
    assert_ne!(second.secret_base32, first.secret_base32);
    let third = client
        .begin_totp(begin("carol"))
        .await
        .unwrap()
        .into_inner();
    let err = client
        .confirm_totp(confirm(
            "carol",
            &authenticator_code(&second.secret_base32, now),
        ))
        .await
        .unwrap_err();
    assert_eq!(
        reason(&err),
        "CODE_MISMATCH",
        "BeginTotp again replaces the pending secret"
    );
    client
        .confirm_totp(confirm(
            "carol",
            &authenticator_code(&third.secret_base32, now),
        ))
        .await
        .unwrap();
    server.stop().await;
}

async fn regenerating_codes_kills_the_old_set(db: &TestDb) {
    let server = TestServer::start(db, clock()).await;
    let mut recovery_client = server.recovery().await;
    let status_request = || pb::GetRecoveryStatusRequest {
        tenant_id: String::new(),
        user_id: "dave".into(),
    };
    let regenerate = || pb::RegenerateCodesRequest {
        tenant_id: String::new(),
        user_id: "dave".into(),
        ..Default::default()
    };

    let err = recovery_client
        .regenerate_codes(regenerate())
        .await
        .unwrap_err();
    assert_eq!(
        (err.code(), reason(&err).as_str()),
        (Code::FailedPrecondition, "NOT_ENROLLED")
    );
    let none = recovery_client
        .get_recovery_status(status_request())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        (none.remaining, none.total, none.generated_at),
        (0, 0, None)
    );

    let (_, old_codes) = enrol(&server, "dave").await;
    let status = recovery_client
        .get_recovery_status(status_request())
        .await
        .unwrap()
        .into_inner();
    assert_eq!((status.remaining, status.total), (8, 8));
    assert_eq!(status.generated_at.unwrap().seconds, START_UNIX);

    server.clock.advance(TimeDelta::seconds(45));
    let fresh = recovery_client
        .regenerate_codes(regenerate())
        .await
        .unwrap()
        .into_inner();
    assert_recovery_set(&fresh.codes);
    assert!(fresh.codes.iter().all(|c| !old_codes.contains(c)));
    assert_eq!(fresh.generated_at.unwrap().seconds, START_UNIX + 45);
    let status = recovery_client
        .get_recovery_status(status_request())
        .await
        .unwrap()
        .into_inner();
    assert_eq!((status.remaining, status.total), (8, 8));
    assert_eq!(status.generated_at.unwrap().seconds, START_UNIX + 45);

    // What is stored: eight argon2id hashes that match the new codes and
    // none of the old ones, and no code in plain text.
    let rows = recovery_code::Entity::find()
        .all(server.app_store.connection())
        .await
        .unwrap();
    assert_eq!(rows.len(), 8);
    for row in &rows {
        assert!(row.code_hash.starts_with("$argon2id$"));
    }
    let matches = |code: &String| {
        let canonical = recovery::normalize(code).unwrap();
        rows.iter()
            .any(|row| recovery::verify(&canonical, &row.code_hash))
    };
    assert!(fresh.codes.iter().all(matches), "every new code is stored");
    assert!(!old_codes.iter().any(matches), "no old code survives");
    for row in &rows {
        for code in fresh.codes.iter().chain(&old_codes) {
            assert!(
                !row.code_hash.contains(code.as_str())
                    && !row.code_hash.contains(&code.replace('-', ""))
            );
        }
    }
    server.stop().await;
}

async fn disabling_totp_forgets_it_and_the_codes(db: &TestDb) {
    let server = TestServer::start(db, clock()).await;
    enrol(&server, "erin").await;
    let mut client = server.enrollment().await;
    let after = client
        .disable_method(pb::DisableMethodRequest {
            tenant_id: String::new(),
            user_id: "erin".into(),
            method: pb::Method::Totp as i32,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(after.enabled_methods.is_empty());
    assert!(!after.two_factor_enabled);
    let view = state_of(&server, "erin").await;
    assert_eq!(totp_state(&view), pb::TotpState::NotConfigured);
    assert_eq!(view.recovery_codes_remaining, 0);
    // ... and the user can enrol again from scratch.
    let (_, codes) = enrol(&server, "erin").await;
    assert_recovery_set(&codes);
    server.stop().await;
}

async fn state_survives_a_restart(db: &TestDb) {
    let server = TestServer::start(db, clock()).await;
    let (secret, _) = enrol(&server, "frank").await;
    let mut client = server.enrollment().await;
    client.begin_totp(begin("grace")).await.unwrap();
    server.stop().await;

    let restarted = TestServer::start(db, clock()).await;
    let frank = state_of(&restarted, "frank").await;
    assert_eq!(totp_state(&frank), pb::TotpState::Enabled);
    assert_eq!(frank.recovery_codes_remaining, 8);
    assert_eq!(
        totp_state(&state_of(&restarted, "grace").await),
        pb::TotpState::Pending
    );
    let err = restarted
        .enrollment()
        .await
        .begin_totp(begin("frank"))
        .await
        .unwrap_err();
    assert_eq!(reason(&err), "ALREADY_ENABLED");
    assert!(!secret.is_empty());
    restarted.stop().await;
}

async fn tenants_are_separate(db: &TestDb) {
    let server = TestServer::start(db, clock()).await;
    enrol(&server, "heidi").await;
    let other = server
        .enrollment()
        .await
        .get_enrollment(pb::GetEnrollmentRequest {
            tenant_id: "acme".into(),
            user_id: "heidi".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(totp_state(&other), pb::TotpState::NotConfigured);
    let default_named = server
        .enrollment()
        .await
        .get_enrollment(pb::GetEnrollmentRequest {
            tenant_id: "default".into(),
            user_id: "heidi".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        totp_state(&default_named),
        pb::TotpState::Enabled,
        "empty tenant means \"default\""
    );
    server.stop().await;
}

async fn bad_identifiers_are_invalid_arguments(db: &TestDb) {
    let server = TestServer::start(db, clock()).await;
    let mut client = server.enrollment().await;
    let cases = [
        ("", "", vec!["user_id"]),
        ("", &*"u".repeat(257), vec!["user_id"]),
        ("bad tenant", "ok", vec!["tenant_id"]),
        (&*"t".repeat(65), "", vec!["tenant_id", "user_id"]),
        ("", "line\nbreak", vec!["user_id"]),
    ];
    for (tenant, user, fields) in cases {
        let err = client
            .begin_totp(pb::BeginTotpRequest {
                tenant_id: tenant.to_owned(),
                user_id: user.to_owned(),
                account_name: String::new(),
                ..Default::default()
            })
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::InvalidArgument);
        assert_eq!(reason(&err), "INVALID_ARGUMENT");
        assert_eq!(violated_fields(&err), fields);
    }
    let err = client
        .begin_totp(pb::BeginTotpRequest {
            tenant_id: String::new(),
            user_id: "ivan".into(),
            account_name: "a:b".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(violated_fields(&err), ["account_name"]);
    let err = client
        .disable_method(pb::DisableMethodRequest {
            tenant_id: String::new(),
            user_id: "ivan".into(),
            method: 42,
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(violated_fields(&err), ["method"]);
    server.stop().await;
}

on_both_databases!(
    enrol_with_an_authenticator_app,
    the_next_step_is_accepted_and_two_steps_away_is_not,
    a_pending_secret_expires_and_a_new_one_replaces_it,
    regenerating_codes_kills_the_old_set,
    disabling_totp_forgets_it_and_the_codes,
    state_survives_a_restart,
    tenants_are_separate,
    bad_identifiers_are_invalid_arguments,
);
