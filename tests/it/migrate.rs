//! The migration guide's converters (examples/migrate/, Python standard
//! library) run on their sample exports from Keycloak, Ory Kratos and
//! privacyIDEA, and what they write is imported with the real `tollgate
//! import` into a real server: a converted user signs in with the code
//! their original secret gives, and with an unused old recovery code.
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use tollgate::pb;

use crate::import::{code, sign_in};
use crate::support::{START_UNIX, TestDb, TestServer, clock, on_both_databases};

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/migrate")
}

/// Whether python3 runs here; says SKIPPED when it does not.
fn python_here(test: &str) -> bool {
    let found = Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED {test}: python3 is not installed"
        );
    }
    found
}

/// Runs `script` on the sample `input` (with `args`) and writes its rows
/// to a file in `dir`; returns the file and the script's warnings.
fn convert(dir: &Path, script: &str, input: &str, args: &[&str]) -> (PathBuf, String) {
    let output = Command::new("python3")
        .arg(examples().join(script))
        .arg(examples().join(input))
        .args(args)
        .output()
        .unwrap();
    let warnings = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{script}: {warnings}");
    let rows = dir.join(format!("{input}.jsonl"));
    std::fs::write(&rows, &output.stdout).unwrap();
    (rows, warnings)
}

/// `tollgate import FILE --json` against the server: its summary.
async fn import(server: &TestServer, rows: &Path) -> Value {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tollgate"));
    for (name, _) in std::env::vars() {
        if name.starts_with("TOLLGATE_") {
            command.env_remove(name);
        }
    }
    command
        .arg("import")
        .arg(rows)
        .args(["--json", "--socket"])
        .arg(&server.socket);
    let output = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// The code an authenticator app shows now for a raw key.
fn code_of_raw(key: &[u8], algorithm: totp_rs::Algorithm, digits: u8, period: u64) -> String {
    let base32 = totp_rs::Secret::new(key.to_vec().into_boxed_slice()).to_base32();
    code(&base32, algorithm, digits, period, START_UNIX)
}

async fn signs_in(server: &TestServer, user: &str, code: &str) {
    sign_in(server, user, pb::Method::Totp, code)
        .await
        .unwrap_or_else(|e| panic!("{user}: {e:?}"));
}

async fn keycloak_users_sign_in_with_their_old_authenticator(db: &TestDb) {
    if !python_here("keycloak converter") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (rows, warnings) = convert(
        dir.path(),
        "keycloak_to_tollgate.py",
        "keycloak-realm.json",
        &[],
    );
    assert!(
        warnings.contains("chen: skipped a hotp credential"),
        "{warnings}"
    );
    assert!(
        !warnings.contains("hotp-secret-not-used"),
        "no secret in a warning"
    );
    let server = TestServer::start(db, clock()).await;
    let summary = import(&server, &rows).await;
    assert_eq!(summary["imported"], 2, "{summary}");
    // alice's secret is Keycloak's raw string: its UTF-8 bytes are the key.
    let alice = code_of_raw(b"Kc8mVq2RtYw4ZpL6nB3x", totp_rs::Algorithm::SHA1, 6, 30);
    signs_in(&server, "5b0f7e2c-1d51-4c5e-9a0e-8d2b1f4c7a10", &alice).await;
    // bruno's was stored base32 (secretEncoding), SHA-256 with 8 digits.
    let bruno = code(
        "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
        totp_rs::Algorithm::SHA256,
        8,
        30,
        START_UNIX,
    );
    signs_in(&server, "9a7c3e51-6b2d-4f80-a1c4-3e5d7f9b1a22", &bruno).await;
    server.stop().await;
}

async fn kratos_identities_bring_their_totp_and_unused_lookup_codes(db: &TestDb) {
    if !python_here("kratos converter") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (rows, _) = convert(
        dir.path(),
        "kratos_to_tollgate.py",
        "kratos-identities.json",
        &[],
    );
    let server = TestServer::start(db, clock()).await;
    let summary = import(&server, &rows).await;
    assert_eq!(summary["imported"], 1, "{summary}");
    let frida = "3f2b8c1e-6a4d-4e9f-b0a1-2c3d4e5f6a71";
    let now = code(
        "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U",
        totp_rs::Algorithm::SHA1,
        6,
        30,
        START_UNIX,
    );
    signs_in(&server, frida, &now).await;
    let used = sign_in(&server, frida, pb::Method::RecoveryCode, "p3vn8wzt")
        .await
        .unwrap();
    assert_eq!(
        used.recovery_codes_remaining, 1,
        "two unused codes came over"
    );
    let spent_in_kratos = sign_in(&server, frida, pb::Method::RecoveryCode, "k7xq2mfa").await;
    assert!(spent_in_kratos.is_err(), "a code used in Kratos stays used");
    server.stop().await;
}

async fn privacyidea_tokens_from_csv_and_json_sign_in(db: &TestDb) {
    if !python_here("privacyIDEA converter") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (csv_rows, warnings) = convert(
        dir.path(),
        "privacyidea_to_tollgate.py",
        "privacyidea-tokens.csv",
        &[],
    );
    assert!(warnings.contains("a hotp token"), "{warnings}");
    let (json_rows, _) = convert(
        dir.path(),
        "privacyidea_to_tollgate.py",
        "privacyidea-tokens.json",
        &[],
    );
    let server = TestServer::start(db, clock()).await;
    assert_eq!(import(&server, &csv_rows).await["imported"], 2);
    assert_eq!(import(&server, &json_rows).await["imported"], 1);
    // The otpkey was hex; its bytes are the key.
    let hugo = code_of_raw(b"privacyidea-key-hugo1", totp_rs::Algorithm::SHA1, 6, 30);
    signs_in(&server, "hugo", &hugo).await;
    let ines = code_of_raw(b"privacyidea-key-ines1", totp_rs::Algorithm::SHA1, 8, 60);
    signs_in(&server, "ines", &ines).await;
    let jon = code_of_raw(b"privacyidea-sha256-jon", totp_rs::Algorithm::SHA256, 6, 30);
    signs_in(&server, "jon", &jon).await;
    server.stop().await;
}

on_both_databases!(
    keycloak_users_sign_in_with_their_old_authenticator,
    kratos_identities_bring_their_totp_and_unused_lookup_codes,
    privacyidea_tokens_from_csv_and_json_sign_in,
);
