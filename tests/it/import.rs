//! ImportUser: moving users in from another system with their existing
//! authenticator-app secret, recovery codes and contacts, so they sign in
//! without enrolling again; repeats change nothing, overwrites only when
//! asked, and only administrators may import.
use tollgate::pb;
use tollgate::pb::challenge_service_client::ChallengeServiceClient;
use tollgate::pb::enrollment_service_client::EnrollmentServiceClient;
use tonic::Code;
use tonic::transport::Channel;

use crate::access::{NOBODY, authorized, configured, create_key};
use crate::challenge::{challenge_id, verify_request};
use crate::support::{
    START_UNIX, TestDb, TestServer, clock, metadata, on_both_databases, reason, violated_fields,
};
use tollgate::access::CallerIdentity;

/// An 80-bit secret, as older systems minted them.
const SHORT_SECRET: &str = "JBSWY3DPEHPK3PXP";
/// 160 bits.
const SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

/// What an authenticator app shows for `secret` with these parameters,
/// computed by totp-rs apart from the server (which also takes secrets
/// shorter than totp-rs's own 128-bit minimum, so no RFC check here).
pub(crate) fn code(
    secret: &str,
    algorithm: totp_rs::Algorithm,
    digits: u8,
    period: u64,
    at: i64,
) -> String {
    let bytes = totp_rs::Secret::try_from_base32(secret).unwrap();
    totp_rs::Builder::new()
        .with_secret(bytes.as_bytes().to_vec())
        .with_algorithm(algorithm)
        .with_digits(digits)
        .with_step_duration(period)
        .build_noncompliant()
        .generate(u64::try_from(at).unwrap())
        .to_string()
}

fn sha1_code(secret: &str, at: i64) -> String {
    code(secret, totp_rs::Algorithm::SHA1, 6, 30, at)
}

fn import(user: &str) -> pb::ImportUserRequest {
    pb::ImportUserRequest {
        user_id: user.to_owned(),
        actor_id: "migration".into(),
        ..Default::default()
    }
}

fn base32(secret: &str) -> Option<pb::ImportedTotp> {
    Some(pb::ImportedTotp {
        secret_base32: secret.to_owned(),
        ..Default::default()
    })
}

pub(crate) async fn sign_in(
    server: &TestServer,
    user: &str,
    method: pb::Method,
    code: &str,
) -> Result<pb::VerifyChallengeResponse, tonic::Status> {
    let mut client = ChallengeServiceClient::new(server.channel().await);
    let id = challenge_id(&mut client, user).await;
    client
        .verify_challenge(verify_request(user, &id, method, code))
        .await
        .map(tonic::Response::into_inner)
}

async fn imported(
    client: &mut EnrollmentServiceClient<Channel>,
    request: pb::ImportUserRequest,
) -> pb::ImportUserResponse {
    client.import_user(request).await.unwrap().into_inner()
}

async fn an_imported_user_signs_in_with_what_they_had(db: &TestDb) {
    let server = TestServer::start(db, clock()).await;
    let mut enrollment = server.enrollment().await;
    let enabled_at = prost_types::Timestamp {
        seconds: START_UNIX - 86_400 * 400,
        nanos: 0,
    };
    let request = pb::ImportUserRequest {
        totp: Some(pb::ImportedTotp {
            // As people paste it: lower case, spaces, padding.
            secret_base32: "jbsw y3dp ehpk 3pxp====".into(),
            enabled_at: Some(enabled_at),
            ..Default::default()
        }),
        recovery_codes: vec!["a1b2-c3d4-e5f6".into(), "Q7W8-E9R0-T1Y2".into()],
        contacts: vec![
            pb::ImportedContact {
                kind: pb::ContactKind::Email as i32,
                address: "Dana@Example.com".into(),
                confirmed: true,
                enable: true,
            },
            pb::ImportedContact {
                kind: pb::ContactKind::Phone as i32,
                address: "+44 20 7946 0123".into(),
                confirmed: false,
                enable: false,
            },
        ],
        default_method: pb::Method::Totp as i32,
        ..import("dana")
    };
    let answer = imported(&mut enrollment, request.clone()).await;
    assert_eq!(answer.outcome(), pb::ImportOutcome::Imported);
    assert_eq!(
        answer.enabled_methods,
        [pb::Method::Totp as i32, pb::Method::Email as i32]
    );
    assert_eq!(answer.recovery_codes_remaining, 2);
    assert!(answer.recovery_codes.is_empty());

    let view = enrollment
        .get_enrollment(pb::GetEnrollmentRequest {
            user_id: "dana".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let totp = view.totp.unwrap();
    assert_eq!(totp.state(), pb::TotpState::Enabled);
    assert_eq!(totp.confirmed_at.unwrap().seconds, enabled_at.seconds);
    let contacts = pb::delivery_service_client::DeliveryServiceClient::new(server.channel().await)
        .list_contacts(pb::ListContactsRequest {
            user_id: "dana".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .contacts;
    let confirmed: Vec<(i32, bool)> = contacts
        .iter()
        .map(|c| (c.kind, c.confirmed_at.is_some()))
        .collect();
    assert_eq!(
        confirmed,
        [
            (pb::ContactKind::Email as i32, true),
            (pb::ContactKind::Phone as i32, false)
        ]
    );

    // The code her app already shows, with the 80-bit secret.
    let now = START_UNIX;
    let verified = sign_in(
        &server,
        "dana",
        pb::Method::Totp,
        &sha1_code(SHORT_SECRET, now),
    )
    .await
    .unwrap();
    assert_eq!(verified.methods_used, [pb::Method::Totp as i32]);
    // Her old recovery code, typed without dashes, once.
    let verified = sign_in(&server, "dana", pb::Method::RecoveryCode, "q7w8e9r0t1y2")
        .await
        .unwrap();
    assert_eq!(verified.recovery_codes_remaining, 1);
    let again = sign_in(&server, "dana", pb::Method::RecoveryCode, "Q7W8-E9R0-T1Y2")
        .await
        .unwrap_err();
    assert_eq!(reason(&again), "CODE_ALREADY_USED");

    // The same import again changes nothing (her spent code stays spent).
    let answer = imported(&mut enrollment, request).await;
    assert_eq!(answer.outcome(), pb::ImportOutcome::Unchanged);
    assert_eq!(answer.recovery_codes_remaining, 1);

    // The audit log has one import, by the actor, and no secret.
    let events = pb::policy_service_client::PolicyServiceClient::new(server.channel().await)
        .list_audit_events(pb::ListAuditEventsRequest {
            kinds: vec!["user.imported".into()],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .events;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].actor_id, "migration");
    assert_eq!(events[0].user_id, "dana");
    let printed = format!("{events:?}");
    assert!(
        !printed.contains("JBSW") && !printed.contains("A1B2"),
        "{printed}"
    );
    server.stop().await;
}

async fn an_otpauth_uri_brings_its_parameters(db: &TestDb) {
    let server = TestServer::start(db, clock()).await;
    let mut enrollment = server.enrollment().await;
    let uri = format!(
        "otpauth://totp/Legacy:erin%40example.com?secret={SECRET}&issuer=Legacy&algorithm=SHA256&digits=8&period=60"
    );
    let answer = imported(
        &mut enrollment,
        pb::ImportUserRequest {
            totp: Some(pb::ImportedTotp {
                otpauth_uri: uri,
                ..Default::default()
            }),
            ..import("erin")
        },
    )
    .await;
    assert_eq!(answer.outcome(), pb::ImportOutcome::Imported);
    let right = code(SECRET, totp_rs::Algorithm::SHA256, 8, 60, START_UNIX);
    assert_eq!(right.len(), 8);
    let six = sign_in(
        &server,
        "erin",
        pb::Method::Totp,
        &sha1_code(SECRET, START_UNIX),
    )
    .await
    .unwrap_err();
    assert_eq!(violated_fields(&six), ["code"], "8 digits are expected");
    sign_in(&server, "erin", pb::Method::Totp, &right)
        .await
        .unwrap();
    server.stop().await;
}

async fn a_different_secret_is_refused_unless_replacing(db: &TestDb) {
    let server = TestServer::start(db, clock()).await;
    let mut enrollment = server.enrollment().await;
    let first = imported(
        &mut enrollment,
        pb::ImportUserRequest {
            totp: base32(SECRET),
            mint_recovery_codes: true,
            ..import("finn")
        },
    )
    .await;
    assert_eq!(first.outcome(), pb::ImportOutcome::Imported);
    assert_eq!(first.recovery_codes.len(), 8, "the policy's count, minted");

    let other = pb::ImportUserRequest {
        totp: base32(SHORT_SECRET),
        mint_recovery_codes: true,
        ..import("finn")
    };
    let dry_run = enrollment
        .import_user(pb::ImportUserRequest {
            validate_only: true,
            ..other.clone()
        })
        .await
        .unwrap_err();
    assert_eq!(
        reason(&dry_run),
        "IMPORT_CONFLICT",
        "a dry run sees conflicts"
    );
    let refused = enrollment.import_user(other.clone()).await.unwrap_err();
    assert_eq!(refused.code(), Code::FailedPrecondition);
    assert_eq!(reason(&refused), "IMPORT_CONFLICT");
    assert_eq!(metadata(&refused)["part"], "totp");
    // Refused means untouched: the first secret still signs in.
    sign_in(
        &server,
        "finn",
        pb::Method::Totp,
        &sha1_code(SECRET, START_UNIX),
    )
    .await
    .unwrap();

    let replaced = imported(
        &mut enrollment,
        pb::ImportUserRequest {
            replace: true,
            ..other
        },
    )
    .await;
    assert_eq!(replaced.outcome(), pb::ImportOutcome::Replaced);
    assert_eq!(replaced.recovery_codes.len(), 8);
    assert!(
        replaced
            .recovery_codes
            .iter()
            .all(|c| !first.recovery_codes.contains(c))
    );
    server.clock.advance(chrono::TimeDelta::seconds(30));
    let now = START_UNIX + 30;
    let old = sign_in(&server, "finn", pb::Method::Totp, &sha1_code(SECRET, now))
        .await
        .unwrap_err();
    assert_eq!(reason(&old), "CODE_MISMATCH");
    let old_code = sign_in(
        &server,
        "finn",
        pb::Method::RecoveryCode,
        &first.recovery_codes[0],
    )
    .await
    .unwrap_err();
    assert_eq!(reason(&old_code), "CODE_MISMATCH");
    sign_in(
        &server,
        "finn",
        pb::Method::RecoveryCode,
        &replaced.recovery_codes[0],
    )
    .await
    .unwrap();
    sign_in(
        &server,
        "finn",
        pb::Method::Totp,
        &sha1_code(SHORT_SECRET, now),
    )
    .await
    .unwrap();

    // A contact with another address is refused the same way.
    let email = |address: &str| pb::ImportedContact {
        kind: pb::ContactKind::Email as i32,
        address: address.into(),
        confirmed: true,
        enable: true,
    };
    imported(
        &mut enrollment,
        pb::ImportUserRequest {
            contacts: vec![email("finn@example.com")],
            ..import("finn")
        },
    )
    .await;
    let refused = enrollment
        .import_user(pb::ImportUserRequest {
            contacts: vec![email("finn@elsewhere.example")],
            ..import("finn")
        })
        .await
        .unwrap_err();
    assert_eq!(reason(&refused), "IMPORT_CONFLICT");
    assert_eq!(metadata(&refused)["part"], "email");
    server.stop().await;
}

async fn parallel_imports_of_one_user_write_once(db: &TestDb) {
    let server = TestServer::start(db, clock()).await;
    let request = pb::ImportUserRequest {
        totp: base32(SECRET),
        contacts: vec![pb::ImportedContact {
            kind: pb::ContactKind::Email as i32,
            address: "gail@example.com".into(),
            confirmed: true,
            enable: true,
        }],
        ..import("gail")
    };
    let mut calls = Vec::new();
    for _ in 0..8 {
        let mut client = server.enrollment().await;
        let request = request.clone();
        calls.push(tokio::spawn(async move {
            client
                .import_user(request)
                .await
                .unwrap()
                .into_inner()
                .outcome()
        }));
    }
    let mut outcomes = Vec::new();
    for call in calls {
        outcomes.push(call.await.unwrap());
    }
    let written = outcomes
        .iter()
        .filter(|o| **o == pb::ImportOutcome::Imported)
        .count();
    assert_eq!(written, 1, "{outcomes:?}");
    assert!(outcomes.iter().all(|o| matches!(
        o,
        pb::ImportOutcome::Imported | pb::ImportOutcome::Unchanged
    )));
    let events = pb::policy_service_client::PolicyServiceClient::new(server.channel().await)
        .list_audit_events(pb::ListAuditEventsRequest {
            kinds: vec!["user.imported".into()],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .events;
    assert_eq!(events.len(), 1);
    server.stop().await;
}

async fn bad_imports_are_clear_invalid_arguments(db: &TestDb) {
    let server = TestServer::start(db, clock()).await;
    let mut enrollment = server.enrollment().await;
    let with_totp = |totp: pb::ImportedTotp| pb::ImportUserRequest {
        totp: Some(totp),
        ..import("hal")
    };
    let cases: Vec<(pb::ImportUserRequest, &str)> = vec![
        (
            pb::ImportUserRequest {
                actor_id: String::new(),
                totp: base32(SECRET),
                ..import("hal")
            },
            "actor_id",
        ),
        (
            with_totp(pb::ImportedTotp {
                secret_base32: SECRET.into(),
                otpauth_uri: format!("otpauth://totp/x?secret={SECRET}"),
                ..Default::default()
            }),
            "totp",
        ),
        (with_totp(pb::ImportedTotp::default()), "totp"),
        // 64 bits: too short to keep.
        (
            with_totp(pb::ImportedTotp {
                secret_base32: "JBSWY3DPEHPK3PX".into(),
                ..Default::default()
            }),
            "totp.secret",
        ),
        (
            with_totp(pb::ImportedTotp {
                secret_base32: "not base32!".into(),
                ..Default::default()
            }),
            "totp.secret_base32",
        ),
        (
            with_totp(pb::ImportedTotp {
                secret_base32: SECRET.into(),
                digits: 9,
                ..Default::default()
            }),
            "totp.digits",
        ),
        (
            with_totp(pb::ImportedTotp {
                secret_base32: SECRET.into(),
                period: Some(prost_types::Duration {
                    seconds: 3600,
                    nanos: 0,
                }),
                ..Default::default()
            }),
            "totp.period",
        ),
        (
            with_totp(pb::ImportedTotp {
                secret_base32: SECRET.into(),
                algorithm: "MD5".into(),
                ..Default::default()
            }),
            "totp.algorithm",
        ),
        (
            with_totp(pb::ImportedTotp {
                otpauth_uri: "https://example.com/?secret=JBSWY3DPEHPK3PXP".into(),
                ..Default::default()
            }),
            "totp.otpauth_uri",
        ),
        (
            pb::ImportUserRequest {
                recovery_codes: vec!["12345".into()],
                totp: base32(SECRET),
                ..import("hal")
            },
            "recovery_codes",
        ),
        (
            pb::ImportUserRequest {
                recovery_codes: vec!["ABCD-EFGH".into(), "abcdefgh".into()],
                totp: base32(SECRET),
                ..import("hal")
            },
            "recovery_codes",
        ),
        (
            pb::ImportUserRequest {
                recovery_codes: vec!["ABCD-EFGH".into()],
                mint_recovery_codes: true,
                ..import("hal")
            },
            "mint_recovery_codes",
        ),
        // Nothing to keep: no user row for it.
        (
            pb::ImportUserRequest {
                recovery_codes: vec!["ABCD-EFGH".into()],
                ..import("hal")
            },
            "totp",
        ),
        (
            pb::ImportUserRequest {
                contacts: vec![pb::ImportedContact {
                    kind: pb::ContactKind::Email as i32,
                    address: "hal@example.com".into(),
                    confirmed: false,
                    enable: true,
                }],
                ..import("hal")
            },
            "contacts.enable",
        ),
        (
            pb::ImportUserRequest {
                contacts: vec![pb::ImportedContact {
                    kind: pb::ContactKind::Email as i32,
                    address: "not an address".into(),
                    confirmed: true,
                    enable: false,
                }],
                ..import("hal")
            },
            "address",
        ),
        (
            pb::ImportUserRequest {
                totp: base32(SECRET),
                default_method: pb::Method::Sms as i32,
                ..import("hal")
            },
            "default_method",
        ),
    ];
    for (request, field) in cases {
        let refused = enrollment.import_user(request.clone()).await.unwrap_err();
        assert_eq!(
            refused.code(),
            Code::InvalidArgument,
            "{field}: {refused:?}"
        );
        let fields = violated_fields(&refused);
        assert!(
            fields.iter().any(|f| f.starts_with(field)),
            "{field}: {fields:?}"
        );
        assert!(!refused.message().contains("JBSW"), "{refused:?}");
    }
    // A dry run of a good import passes and writes nothing either.
    let dry = imported(
        &mut enrollment,
        pb::ImportUserRequest {
            totp: base32(SECRET),
            recovery_codes: vec!["ABCD-EFGH".into()],
            validate_only: true,
            ..import("hal")
        },
    )
    .await;
    assert_eq!(dry.outcome(), pb::ImportOutcome::Valid);
    // None of them left anything behind.
    let view = enrollment
        .get_enrollment(pb::GetEnrollmentRequest {
            user_id: "hal".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(view.totp.unwrap().state(), pb::TotpState::NotConfigured);
    server.stop().await;
}

async fn only_administrators_import(db: &TestDb) {
    let signer = create_key(db, "signer", &["sign_in"], &["*"]);
    let admin = create_key(db, "migration", &["admin"], &["*"]);
    let server = TestServer::start_with(db, clock(), |config| {
        config.callers = vec![configured(
            "nobody",
            CallerIdentity::Uid(NOBODY),
            &["sign_in"],
        )];
    })
    .await;
    let mut enrollment = server.enrollment().await;
    let request = || pb::ImportUserRequest {
        totp: base32(SECRET),
        ..import("ivy")
    };
    let refused = enrollment
        .import_user(authorized(request(), Some(&signer)))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::PermissionDenied);
    assert_eq!(reason(&refused), "CALLER_NOT_ALLOWED");
    // Nothing was imported: an attacker with sign-in rights cannot plant
    // a secret they know.
    let ivy = sign_in_with_key(&server, &signer, "ivy").await;
    assert_eq!(ivy.decision(), pb::Decision::Allow, "{ivy:?}");
    let answer = enrollment
        .import_user(authorized(request(), Some(&admin)))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(answer.outcome(), pb::ImportOutcome::Imported);
    server.stop().await;
}

async fn a_repeat_never_makes_a_spent_code_good_again(db: &TestDb) {
    let server = TestServer::start(db, clock()).await;
    let mut enrollment = server.enrollment().await;
    let request = || pb::ImportUserRequest {
        totp: base32(SECRET),
        recovery_codes: vec!["ONLY-CODE-0001".into()],
        ..import("quin")
    };
    let first = imported(&mut enrollment, request()).await;
    assert_eq!(first.outcome(), pb::ImportOutcome::Imported);
    let spent = sign_in(&server, "quin", pb::Method::RecoveryCode, "ONLY-CODE-0001")
        .await
        .unwrap();
    assert_eq!(spent.recovery_codes_remaining, 0);

    // The same row again (a resumed or repeated import run): her set is
    // kept as it is, the spent code stays spent.
    let again = imported(&mut enrollment, request()).await;
    assert_eq!(again.outcome(), pb::ImportOutcome::Unchanged);
    assert_eq!(again.recovery_codes_remaining, 0);
    let replayed = sign_in(&server, "quin", pb::Method::RecoveryCode, "ONLY-CODE-0001").await;
    assert!(replayed.is_err(), "a spent code was accepted again");
    // Minting does not hand her a fresh set behind her back either.
    let minted = imported(
        &mut enrollment,
        pb::ImportUserRequest {
            totp: base32(SECRET),
            mint_recovery_codes: true,
            ..import("quin")
        },
    )
    .await;
    assert!(minted.recovery_codes.is_empty());
    // Asked to replace, the set is new.
    let replaced = imported(
        &mut enrollment,
        pb::ImportUserRequest {
            replace: true,
            ..request()
        },
    )
    .await;
    assert_eq!(replaced.outcome(), pb::ImportOutcome::Replaced);
    assert_eq!(replaced.recovery_codes_remaining, 1);
    server.stop().await;
}

async fn sign_in_with_key(
    server: &TestServer,
    key: &str,
    user: &str,
) -> pb::BeginChallengeResponse {
    ChallengeServiceClient::new(server.channel().await)
        .begin_challenge(authorized(
            pb::BeginChallengeRequest {
                user_id: user.to_owned(),
                ..Default::default()
            },
            Some(key),
        ))
        .await
        .unwrap()
        .into_inner()
}

on_both_databases!(
    an_imported_user_signs_in_with_what_they_had,
    an_otpauth_uri_brings_its_parameters,
    a_different_secret_is_refused_unless_replacing,
    parallel_imports_of_one_user_write_once,
    bad_imports_are_clear_invalid_arguments,
    only_administrators_import,
    a_repeat_never_makes_a_spent_code_good_again,
);
