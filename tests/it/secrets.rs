//! Secrets at rest: sealed seeds, the generated key file, the socket's mode,
//! Postgres without a key, re-sealing after a key rotation.
use std::os::unix::fs::PermissionsExt;

use tollgate::config::ServerConfig;
use tollgate::pb;
use tollgate::server::{App, StartError};
use tonic::Code;

use tollgate::pb::challenge_service_client::ChallengeServiceClient;
use tollgate_domain::Clock;
use tollgate_domain::reseal::RESEAL_PAGE;

use crate::challenge::{challenge_id, verify_request};
use crate::enrollment::enrol;
use crate::support::{
    START_UNIX, TestDb, TestServer, authenticator_code, clock, on_both_databases, reason,
};

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn the_database_never_holds_a_seed_in_the_clear() {
    let db = TestDb::sqlite().await;
    let server = TestServer::start(&db, clock()).await;
    let socket_mode = std::fs::metadata(&server.socket)
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(socket_mode, 0o660);
    let (secret_base32, codes) = enrol(&server, "alice").await;
    let secret = totp_rs::Secret::try_from_base32(&secret_base32).unwrap();
    server.stop().await;

    let mut found = 0;
    for entry in std::fs::read_dir(db.dir.path()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.starts_with("tollgate.db") || name.ends_with(".key") {
            continue;
        }
        found += 1;
        let bytes = std::fs::read(&path).unwrap();
        assert!(
            !contains(&bytes, secret_base32.as_bytes()),
            "{name} holds the base32 secret"
        );
        assert!(
            !contains(&bytes, secret.as_bytes()),
            "{name} holds the raw secret"
        );
        for code in &codes {
            assert!(
                !contains(&bytes, code.as_bytes()),
                "{name} holds a recovery code"
            );
            assert!(
                !contains(&bytes, code.replace('-', "").as_bytes()),
                "{name} holds a recovery code"
            );
        }
    }
    assert!(found >= 1, "the database file was inspected");

    let key = db.dir.path().join("tollgate.db.key");
    let mode = std::fs::metadata(&key).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "the generated key file is private");
}

#[tokio::test]
async fn seeds_sealed_by_a_previous_key_still_open_after_rotation() {
    let db = TestDb::sqlite().await;
    let old_key = db.dir.path().join("old.key");
    let new_key = db.dir.path().join("new.key");
    tollgate::keys::create_key_file(&old_key).unwrap();
    tollgate::keys::create_key_file(&new_key).unwrap();

    // A pending secret sealed under the old key ...
    let server =
        TestServer::start_with(&db, clock(), |c| c.secret_key_file = Some(old_key.clone())).await;
    let setup = server
        .enrollment()
        .await
        .begin_totp(pb::BeginTotpRequest {
            user_id: "alice".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    server.stop().await;

    let confirm = pb::ConfirmTotpRequest {
        user_id: "alice".into(),
        code: authenticator_code(&setup.secret_base32, START_UNIX),
        ..Default::default()
    };
    // ... cannot be opened with only the new key (an internal error, never
    // an acceptance) ...
    let server =
        TestServer::start_with(&db, clock(), |c| c.secret_key_file = Some(new_key.clone())).await;
    let err = server
        .enrollment()
        .await
        .confirm_totp(confirm.clone())
        .await
        .unwrap_err();
    assert_eq!(
        (err.code(), reason(&err).as_str()),
        (Code::Internal, "INTERNAL")
    );
    server.stop().await;

    // ... and opens once the old key is listed as a previous key.
    let server = TestServer::start_with(&db, clock(), |c| {
        c.secret_key_file = Some(new_key.clone());
        c.previous_secret_key_files = vec![old_key.clone()];
    })
    .await;
    server
        .enrollment()
        .await
        .confirm_totp(confirm)
        .await
        .unwrap();
    server.stop().await;
}

#[tokio::test]
async fn postgres_without_a_key_refuses_to_start() {
    let config = ServerConfig::new("postgres://postgres@127.0.0.1:5432/test", None);
    let Err(err) = App::open(&config, clock()).await else {
        panic!("Postgres without a key must not start");
    };
    assert!(matches!(
        err,
        StartError::Keys(tollgate::keys::KeyError::RequiredForPostgres)
    ));
    let message = err.to_string();
    assert!(
        message.contains("--secret-key-file") && message.contains("tollgate generate-key"),
        "{message}"
    );
}

#[tokio::test]
async fn a_bad_key_file_is_refused_with_a_clear_message() {
    let db = TestDb::sqlite().await;
    let key = db.dir.path().join("bad.key");
    std::fs::write(&key, "not a key").unwrap();
    // Private, so it is refused for its content, not its mode.
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    let mut config = db.config(db.dir.path().join("x.sock"));
    config.secret_key_file = Some(key);
    let Err(err) = App::open(&config, clock()).await else {
        panic!("a bad key must not start");
    };
    let message = err.to_string();
    assert!(message.contains("64 hexadecimal digits"), "{message}");
    assert!(
        !message.contains("not a key"),
        "the key file's content is not echoed"
    );
}

/// `tollgate reseal` with `keys` (the current first, then previous ones):
/// its exit status and what it printed.
fn reseal(database_url: &str, keys: &[&std::path::Path]) -> (bool, String) {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_tollgate"));
    command
        .args(["reseal", "--socket", "off", "--listen", "off"])
        .args(["--database-url", database_url])
        .arg("--secret-key-file")
        .arg(keys[0]);
    if keys.len() > 1 {
        let previous: Vec<String> = keys[1..].iter().map(|k| k.display().to_string()).collect();
        command.args(["--previous-secret-key-files", &previous.join(",")]);
    }
    let output = command.output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    (output.status.success(), text)
}

/// After a rotation, `tollgate reseal` seals every seed (enabled and
/// pending) with the new key, so the old key can go: users sign in and
/// confirm enrolment with only the new key configured.
async fn resealed_seeds_open_without_the_old_key(db: &TestDb) {
    let [old_key, new_key, other_key] = db.new_key_files(["old.key", "new.key", "other.key"]);
    let server =
        TestServer::start_with(db, clock(), |c| c.secret_key_file = Some(old_key.clone())).await;
    let (alice_secret, _) = enrol(&server, "alice").await;
    let pending = server
        .enrollment()
        .await
        .begin_totp(pb::BeginTotpRequest {
            user_id: "bob".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    // More pending seeds than one page of the re-seal reads.
    let mut enrollment = server.enrollment().await;
    for n in 0..RESEAL_PAGE {
        enrollment
            .begin_totp(pb::BeginTotpRequest {
                user_id: format!("user-{n:03}"),
                ..Default::default()
            })
            .await
            .unwrap();
    }
    server.stop().await;
    let seeds = RESEAL_PAGE + 2;

    // Without the key that sealed them, nothing is touched, and it says so.
    let (ok, said) = reseal(&db.url, &[&new_key, &other_key]);
    assert!(!ok, "{said}");
    assert!(
        said.contains("seeds sealed by a key that is not configured: 2"),
        "{said}"
    );
    assert!(said.contains("re-sealed 0 TOTP seeds"), "{said}");

    let (ok, said) = reseal(&db.url, &[&new_key, &old_key]);
    assert!(ok, "{said}");
    assert!(
        said.contains(&format!("re-sealed {seeds} TOTP seeds")),
        "{said}"
    );
    // Alice's recovery codes were tagged by the old key.
    assert!(
        said.contains("users with unspent recovery codes tagged by an older key: 1"),
        "{said}"
    );
    let (ok, said) = reseal(&db.url, &[&new_key, &old_key]);
    assert!(ok && said.contains("re-sealed 0 TOTP seeds"), "{said}");

    let server =
        TestServer::start_with(db, clock(), |c| c.secret_key_file = Some(new_key.clone())).await;
    server.clock.advance(chrono::TimeDelta::seconds(30));
    let now = START_UNIX + 30;
    let mut challenges = ChallengeServiceClient::new(server.channel().await);
    let id = challenge_id(&mut challenges, "alice").await;
    challenges
        .verify_challenge(verify_request(
            "alice",
            &id,
            pb::Method::Totp,
            &authenticator_code(&alice_secret, now),
        ))
        .await
        .unwrap();
    server
        .enrollment()
        .await
        .confirm_totp(pb::ConfirmTotpRequest {
            user_id: "bob".into(),
            code: authenticator_code(&pending.secret_base32, now),
            ..Default::default()
        })
        .await
        .unwrap();
    server.stop().await;
}

on_both_databases!(resealed_seeds_open_without_the_old_key);

/// `tollgate reseal` beside a server that keeps serving (on SQLite, two
/// processes writing one file): sign-ins of users whose seeds are being
/// re-sealed and confirmations of pending enrolments all succeed meanwhile,
/// and afterwards no seed needs the old key.
async fn a_reseal_runs_beside_a_serving_server(db: &TestDb) {
    let [old_key, new_key] = db.new_key_files(["old.key", "new.key"]);
    let server =
        TestServer::start_with(db, clock(), |c| c.secret_key_file = Some(old_key.clone())).await;
    let mut enrolled = Vec::new();
    for n in 0..4 {
        let user = format!("enrolled-{n}");
        let (secret, _) = enrol(&server, &user).await;
        enrolled.push((user, secret));
    }
    // Pending seeds enough for several pages of the re-seal, so it runs a
    // while; some are confirmed while it runs.
    let mut enrollment = server.enrollment().await;
    let mut pending = Vec::new();
    for n in 0..2 * RESEAL_PAGE {
        let user = format!("pending-{n:03}");
        let begun = enrollment
            .begin_totp(pb::BeginTotpRequest {
                user_id: user.clone(),
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        pending.push((user, begun.secret_base32));
    }
    server.stop().await;

    let server = TestServer::start_with(db, clock(), |c| {
        c.secret_key_file = Some(new_key.clone());
        c.previous_secret_key_files = vec![old_key.clone()];
    })
    .await;
    let mut enrollment = server.enrollment().await;
    let resealing = {
        let (url, new_key, old_key) = (db.url.clone(), new_key.clone(), old_key.clone());
        tokio::task::spawn_blocking(move || reseal(&url, &[&new_key, &old_key]))
    };
    // Rounds of sign-ins (each in a fresh TOTP step) and confirmations
    // until the re-seal ends; every one must succeed.
    let mut round = 0;
    while round == 0 || !resealing.is_finished() {
        round += 1;
        server.clock.advance(chrono::TimeDelta::seconds(30));
        let now = server.clock.now().timestamp();
        sign_in_each(&server, &enrolled, now).await;
        // Within the pending enrolments' ten minutes.
        if let Some((user, secret)) = pending.pop().filter(|_| round <= 10) {
            enrollment
                .confirm_totp(pb::ConfirmTotpRequest {
                    user_id: user.clone(),
                    code: authenticator_code(&secret, now),
                    ..Default::default()
                })
                .await
                .unwrap_or_else(|e| panic!("{user} in round {round}: {e:?}"));
        }
    }
    let (ok, said) = resealing.await.unwrap();
    assert!(ok, "{said}");
    server.stop().await;

    // Only the new key now: every seed opens with it.
    let (ok, said) = reseal(&db.url, &[&new_key]);
    assert!(ok && said.contains("re-sealed 0 TOTP seeds"), "{said}");
    let server =
        TestServer::start_with(db, clock(), |c| c.secret_key_file = Some(new_key.clone())).await;
    server
        .clock
        .advance(chrono::TimeDelta::seconds(30 * (round + 1)));
    let now = server.clock.now().timestamp();
    sign_in_each(&server, &enrolled, now).await;
    server.stop().await;
}

/// Signs each of `users` (id, authenticator secret) in with the code of
/// `now` (Unix seconds); every sign-in must succeed.
async fn sign_in_each(server: &TestServer, users: &[(String, String)], now: i64) {
    let mut challenges = ChallengeServiceClient::new(server.channel().await);
    for (user, secret) in users {
        let id = challenge_id(&mut challenges, user).await;
        let code = authenticator_code(secret, now);
        challenges
            .verify_challenge(verify_request(user, &id, pb::Method::Totp, &code))
            .await
            .unwrap_or_else(|e| panic!("{user} at {now}: {e:?}"));
    }
}

on_both_databases!(a_reseal_runs_beside_a_serving_server);

/// A sign-in begun before a key rotation finishes after it: the challenge
/// id is looked up under the previous key when the current one does not
/// find it (verify and cancel alike).
async fn a_sign_in_begun_before_a_key_rotation_finishes_after_it(db: &TestDb) {
    let [old_key, new_key] = db.new_key_files(["old.key", "new.key"]);
    let server =
        TestServer::start_with(db, clock(), |c| c.secret_key_file = Some(old_key.clone())).await;
    let (secret, _) = enrol(&server, "alice").await;
    let mut challenges = ChallengeServiceClient::new(server.channel().await);
    let verified_later = challenge_id(&mut challenges, "alice").await;
    let cancelled_later = challenge_id(&mut challenges, "alice").await;
    server.stop().await;

    let server = TestServer::start_with(db, clock(), |c| {
        c.secret_key_file = Some(new_key.clone());
        c.previous_secret_key_files = vec![old_key.clone()];
    })
    .await;
    server.clock.advance(chrono::TimeDelta::seconds(30));
    let code = authenticator_code(&secret, START_UNIX + 30);
    let mut challenges = ChallengeServiceClient::new(server.channel().await);
    challenges
        .cancel_challenge(pb::CancelChallengeRequest {
            user_id: "alice".into(),
            challenge_id: cancelled_later.clone(),
            ..Default::default()
        })
        .await
        .unwrap();
    let err = challenges
        .verify_challenge(verify_request(
            "alice",
            &cancelled_later,
            pb::Method::Totp,
            &code,
        ))
        .await
        .unwrap_err();
    assert_eq!(reason(&err), "CHALLENGE_NOT_FOUND");
    let verified = challenges
        .verify_challenge(verify_request(
            "alice",
            &verified_later,
            pb::Method::Totp,
            &code,
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(verified.methods_used, [pb::Method::Totp as i32]);
    server.stop().await;
}

on_both_databases!(a_sign_in_begun_before_a_key_rotation_finishes_after_it);

/// Recovery codes tagged under a key that is no longer configured still
/// work (each such code is checked by its hash), and a wrong code is
/// counted only after they were all checked: a retired key locks nobody
/// out and never counts a right code as a wrong guess.
async fn recovery_codes_outlive_a_retired_key(db: &TestDb) {
    let [old_key, new_key] = db.new_key_files(["old.key", "new.key"]);
    let server =
        TestServer::start_with(db, clock(), |c| c.secret_key_file = Some(old_key.clone())).await;
    let (_, codes) = enrol(&server, "alice").await;
    server.stop().await;

    // The old key is gone for good (not even a previous key).
    let server =
        TestServer::start_with(db, clock(), |c| c.secret_key_file = Some(new_key.clone())).await;
    let mut challenges = ChallengeServiceClient::new(server.channel().await);
    let id = challenge_id(&mut challenges, "alice").await;
    let err = challenges
        .verify_challenge(verify_request(
            "alice",
            &id,
            pb::Method::RecoveryCode,
            "AAAA-AAAA",
        ))
        .await
        .unwrap_err();
    assert_eq!(reason(&err), "CODE_MISMATCH");
    // Before: CODE_MISMATCH here too, counted towards the lockout.
    let verified = challenges
        .verify_challenge(verify_request(
            "alice",
            &id,
            pb::Method::RecoveryCode,
            &codes[0],
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(verified.recovery_codes_remaining, 7);
    // Spent, it is refused. (Its tag cannot be computed without the old
    // key, and spent codes are not hashed again, so it counts as a wrong
    // code rather than a replay.)
    let id = challenge_id(&mut challenges, "alice").await;
    let err = challenges
        .verify_challenge(verify_request(
            "alice",
            &id,
            pb::Method::RecoveryCode,
            &codes[0],
        ))
        .await
        .unwrap_err();
    assert_eq!(reason(&err), "CODE_MISMATCH");
    server.stop().await;
}

on_both_databases!(recovery_codes_outlive_a_retired_key);
