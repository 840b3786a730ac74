//! The real `tollgate` binary as a command-line client of a server started
//! in-process on a Unix socket (SQLite): outputs, JSON documents and exit
//! codes as scripts see them.
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};

use crate::support::{START_UNIX, TestDb, TestServer, authenticator_code, clock};

/// Runs `tollgate ARGS --socket SOCKET`, feeding `stdin`, off the runtime's
/// worker threads (the server under test runs on them).
pub(crate) async fn run(socket: &Path, args: &[&str], stdin: &str) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tollgate"));
    // The developer's own settings must not leak into these tests.
    for (name, _) in std::env::vars() {
        if name.starts_with("TOLLGATE_") {
            command.env_remove(name);
        }
    }
    command
        .args(args)
        .arg("--socket")
        .arg(socket)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let stdin = stdin.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut child = command.spawn().unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap()
}

fn exit_code(output: &Output) -> i32 {
    output.status.code().unwrap()
}

fn text(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// Runs a `--json` command, expects `exit`, and parses its one document.
async fn json_of(socket: &Path, args: &[&str], exit: i32) -> Value {
    let mut args = args.to_vec();
    args.push("--json");
    let output = run(socket, &args, "").await;
    assert_eq!(
        exit_code(&output),
        exit,
        "{args:?}: {}{}",
        text(&output),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{args:?} printed no JSON ({e}): {}", text(&output)))
}

/// Runs a command that must succeed and returns its text output.
async fn ok_text(socket: &Path, args: &[&str]) -> String {
    let output = run(socket, args, "").await;
    assert_eq!(
        exit_code(&output),
        0,
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    text(&output)
}

async fn server() -> (TestDb, TestServer) {
    let db = TestDb::sqlite().await;
    let server = TestServer::start(&db, clock()).await;
    (db, server)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_exits_0_when_serving_5_for_an_unknown_service_3_when_nobody_listens() {
    let (_db, server) = server().await;
    let output = run(&server.socket, &["health"], "").await;
    assert_eq!(exit_code(&output), 0);
    assert!(output.stdout.is_empty(), "quiet on success");
    let doc = json_of(
        &server.socket,
        &["health", "--service", "tollgate.v1.ChallengeService"],
        0,
    )
    .await;
    assert_eq!(doc, json!({ "status": "serving" }));
    let unknown = json_of(&server.socket, &["health", "--service", "nope"], 5).await;
    assert_eq!(unknown["error"]["code"], "SERVICE_UNKNOWN");

    let nobody = server.socket.with_file_name("nobody.sock");
    let output = run(&nobody, &["health"], "").await;
    assert_eq!(exit_code(&output), 3);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("nobody.sock"), "{stderr}");
    let doc = json_of(&nobody, &["health"], 3).await;
    assert_eq!(doc["error"]["code"], "UNAVAILABLE");

    // A listener that never answers: --timeout gives up, exit 3.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = format!("http://{}", silent.local_addr().unwrap());
    let doc = json_of(&nobody, &["health", "--addr", &addr, "--timeout", "0.5"], 3).await;
    assert_eq!(doc["error"]["code"], "DEADLINE_EXCEEDED");
    server.stop().await;
}

/// The secret in an otpauth URI.
fn secret_of(uri: &str) -> String {
    let query = uri.split_once('?').unwrap().1;
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("secret="))
        .unwrap()
        .to_owned()
}

async fn verify_with_recovery_code(socket: &Path, challenge: &str, code: &str, exit: i32) -> Value {
    let args = [
        "challenge",
        "verify",
        "--user",
        "alice",
        "--challenge",
        challenge,
        "--method",
        "recovery",
        "--code",
        code,
    ];
    json_of(socket, &args, exit).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enrol_sign_in_audit_and_reset() {
    let (_db, server) = server().await;
    let s = server.socket.as_path();

    // Human form: the QR code is drawn with a quiet zone, the secret shown.
    let shown = ok_text(s, &["totp", "begin", "--user", "alice"]).await;
    assert!(shown.contains('█') || shown.contains('▀'), "{shown}");
    assert!(shown.contains("otpauth://totp/"), "{shown}");
    let first_line_of_qr = shown.lines().nth(2).unwrap();
    assert!(
        first_line_of_qr.starts_with("    "),
        "quiet zone: {shown:?}"
    );

    // Begin again (replaces the pending secret) as JSON.
    let begun = json_of(
        s,
        &[
            "totp",
            "begin",
            "--user",
            "alice",
            "--account-name",
            "alice@example.com",
        ],
        0,
    )
    .await;
    let uri = begun["otpauth_uri"].as_str().unwrap();
    let secret = secret_of(uri);
    assert_eq!(begun["secret_base32"], secret.as_str());
    assert_eq!(begun["account_name"], "alice@example.com");
    assert_eq!(begun["algorithm"], "sha1");
    // The server's clock is manual and stands at START_UNIX.
    let code = authenticator_code(&secret, START_UNIX);
    let nearby: Vec<String> = [-30, 0, 30]
        .iter()
        .map(|d| authenticator_code(&secret, START_UNIX + d))
        .collect();
    let wrong = ["000000", "111111", "222222", "333333"]
        .into_iter()
        .find(|c| !nearby.iter().any(|n| n == c))
        .unwrap();

    // A wrong code: exit 4, the reason in JSON on stdout, and on stderr.
    let refused = json_of(
        s,
        &["totp", "confirm", "--user", "alice", "--code", wrong],
        4,
    )
    .await;
    assert_eq!(refused["error"]["code"], "INVALID_ARGUMENT");
    assert_eq!(refused["error"]["reason"], "CODE_MISMATCH");
    let output = run(
        s,
        &["totp", "confirm", "--user", "alice", "--code", wrong],
        "",
    )
    .await;
    assert_eq!(exit_code(&output), 4);
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("INVALID_ARGUMENT (CODE_MISMATCH)"),
        "{stderr}"
    );

    let confirmed = json_of(
        s,
        &["totp", "confirm", "--user", "alice", "--code", &code],
        0,
    )
    .await;
    assert_eq!(confirmed["state"], "enabled");
    let codes: Vec<String> = confirmed["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(codes.len(), 8);

    let status = json_of(s, &["status", "--user", "alice"], 0).await;
    assert_eq!(status["totp"]["state"], "enabled");
    assert_eq!(status["two_factor_enabled"], true);
    assert_eq!(status["enabled_methods"], json!(["totp"]));
    assert_eq!(status["default_method"], "totp");
    assert_eq!(status["recovery_codes"]["remaining"], 8);
    assert_eq!(status["webauthn"], json!([]));
    assert_eq!(status["policy"]["state"], "not_required");
    let shown = ok_text(s, &["status", "--user", "alice"]).await;
    assert!(shown.contains("8 of 8 left"), "{shown}");
    assert!(
        !codes.iter().any(|c| shown.contains(c.as_str())),
        "status never prints codes"
    );

    // Sign in with a recovery code.
    let begun = json_of(s, &["challenge", "begin", "--user", "alice"], 0).await;
    assert_eq!(begun["decision"], "challenge");
    assert_eq!(begun["default_method"], "totp");
    let challenge = begun["challenge_id"].as_str().unwrap();
    let verified = verify_with_recovery_code(s, challenge, &codes[0], 0).await;
    assert_eq!(verified["verified"], true);
    assert_eq!(verified["methods_used"], json!(["recovery_code"]));
    assert_eq!(verified["recovery_codes_remaining"], 7);
    assert!(verified.get("trusted_device_token").is_none());

    // The same challenge is spent: the server refuses, exit 4.
    let spent = verify_with_recovery_code(s, challenge, &codes[1], 4).await;
    assert_eq!(spent["error"]["reason"], "CHALLENGE_NOT_FOUND");

    let reset = ok_text(
        s,
        &[
            "user",
            "reset",
            "--user",
            "alice",
            "--reason",
            "lost phone",
            "--actor",
            "ops-1",
        ],
    )
    .await;
    assert!(reset.contains("alice"), "{reset}");
    let status = json_of(s, &["status", "--user", "alice"], 0).await;
    assert_eq!(status["totp"]["state"], "not_configured");
    assert_eq!(status["two_factor_enabled"], false);
    assert_eq!(status["recovery_codes"]["remaining"], 0);

    let audit = json_of(s, &["audit", "--user", "alice"], 0).await;
    let events = audit["events"].as_array().unwrap();
    let kinds: Vec<&str> = events.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    for kind in ["totp.enabled", "challenge.verified", "user.reset"] {
        assert!(kinds.contains(&kind), "{kind} missing from {kinds:?}");
    }
    let reset_event = events.iter().find(|e| e["kind"] == "user.reset").unwrap();
    assert_eq!(reset_event["actor_id"], "ops-1");
    // The CLI ran as the socket's owner (this test's user): admitted by default.
    assert!(
        reset_event["caller"].as_str().unwrap().starts_with("uid:"),
        "{reset_event}"
    );
    assert!(
        reset_event["occurred_at"]
            .as_str()
            .unwrap()
            .starts_with("2027-01-15T08:00:10"),
        "{reset_event}"
    );
    // Paging: one event a page, then the next page.
    let page = json_of(s, &["audit", "--user", "alice", "--limit", "1"], 0).await;
    assert_eq!(page["events"].as_array().unwrap().len(), 1);
    let token = page["next_page_token"].as_str().unwrap();
    assert!(!token.is_empty());
    let next = json_of(
        s,
        &[
            "audit",
            "--user",
            "alice",
            "--limit",
            "1",
            "--page-token",
            token,
        ],
        0,
    )
    .await;
    assert_ne!(next["events"][0]["id"], page["events"][0]["id"]);
    let table = ok_text(s, &["audit", "--user", "alice"]).await;
    assert!(table.starts_with("TIME"), "{table}");
    assert!(table.contains("user.reset"), "{table}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn policy_round_trips_through_get_and_set_file() {
    let (_db, server) = server().await;
    let s = server.socket.as_path();
    let dir = tempfile::tempdir().unwrap();

    let mut policy = json_of(s, &["policy", "get"], 0).await;
    assert_eq!(policy["enforcement"], "optional");
    assert_eq!(policy["totp"]["period"], "30s");
    assert_eq!(policy["effective_at"], Value::Null);

    // Edit what `get --json` printed and give it back.
    policy["enforcement"] = json!("required_for_all");
    policy["phishing_resistant"] = json!("required_for_admins");
    policy["security_notifications"] = json!(true);
    policy["grace_logins"] = json!(3);
    policy["effective_at"] = json!("2027-02-01T00:00:00Z");
    policy["lockout_duration"] = json!("600s");
    policy["totp"]["issuer"] = json!("Acme");
    policy["audiences"] = json!({ "patients": { "enforcement": "optional" } });
    let file = dir.path().join("policy.json");
    std::fs::write(&file, policy.to_string()).unwrap();
    let set = json_of(s, &["policy", "set", "--file", file.to_str().unwrap()], 0).await;
    let changed: Vec<&str> = set["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    for field in [
        "enforcement",
        "phishing_resistant",
        "security_notifications",
        "grace_logins",
        "effective_at",
        "lockout_duration",
        "totp.issuer",
        "audiences.patients.enforcement",
    ] {
        assert!(changed.contains(&field), "{field} not in {changed:?}");
    }
    for unchanged in ["code_ttl", "audiences", "etag"] {
        assert!(!changed.contains(&unchanged), "{changed:?}");
    }

    let after = json_of(s, &["policy", "get"], 0).await;
    assert_ne!(after["etag"], policy["etag"]);
    let strip = |mut v: Value| {
        for key in ["etag", "update_time"] {
            v.as_object_mut().unwrap().remove(key);
        }
        v
    };
    assert_eq!(strip(after.clone()), strip(policy.clone()));
    assert_eq!(set["policy"], after);

    // Flags, on one audience; the text form lists the change.
    let shown = ok_text(
        s,
        &[
            "policy",
            "set",
            "--audience",
            "patients",
            "--grace-logins",
            "5",
            "--actor",
            "ops-1",
        ],
    )
    .await;
    assert!(
        shown.contains("audiences.patients.grace_logins") && shown.contains("- -> 5"),
        "{shown}"
    );
    let effective = json_of(s, &["policy", "get", "--audience", "patients"], 0).await;
    assert_eq!(effective["enforcement"], "optional");
    assert_eq!(effective["grace_logins"], 5);
    assert_eq!(effective["totp"]["issuer"], "Acme");

    // A partial document from stdin changes only what it names.
    let output = run(
        s,
        &["policy", "set", "--file", "-", "--json"],
        r#"{"enforcement": "required_for_admins"}"#,
    )
    .await;
    assert_eq!(exit_code(&output), 0, "{}", text(&output));
    let doc: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(doc["changes"].as_array().unwrap().len(), 1, "{doc}");

    // A stale etag: the server refuses with ABORTED.
    let stale = json_of(
        s,
        &[
            "policy",
            "set",
            "--enforcement",
            "all",
            "--etag",
            after["etag"].as_str().unwrap(),
        ],
        4,
    )
    .await;
    assert_eq!(stale["error"]["code"], "ABORTED");

    // Local errors exit 1; usage errors exit 2.
    std::fs::write(&file, "{\"enforcement\": \"sometimes\"}").unwrap();
    let bad = json_of(s, &["policy", "set", "--file", file.to_str().unwrap()], 1).await;
    assert!(
        bad["error"]["message"]
            .as_str()
            .unwrap()
            .contains("enforcement"),
        "{bad}"
    );
    std::fs::write(&file, "{\"enforcment\": \"optional\"}").unwrap();
    json_of(s, &["policy", "set", "--file", file.to_str().unwrap()], 1).await;
    let output = run(s, &["policy", "set"], "").await;
    assert_eq!(exit_code(&output), 2);
    let output = run(s, &["policy", "set", "--enforcement", "sometimes"], "").await;
    assert_eq!(exit_code(&output), 2);
    server.stop().await;
}

#[test]
fn help_documents_client_commands_and_exit_codes() {
    let output = Command::new(env!("CARGO_BIN_EXE_tollgate"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8(output.stdout).unwrap();
    for expected in [
        "health",
        "status",
        "totp",
        "challenge",
        "policy",
        "user",
        "audit",
        "Exit codes",
    ] {
        assert!(help.contains(expected), "--help lacks {expected}:\n{help}");
    }
    let output = Command::new(env!("CARGO_BIN_EXE_tollgate"))
        .args(["status", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8(output.stdout).unwrap();
    for expected in [
        "[env: TOLLGATE_SOCKET=]",
        "[default: ./tollgate.sock]",
        "[env: TOLLGATE_TENANT=]",
        "--addr <URL>",
        "--json",
        "--timeout <SECONDS>",
    ] {
        assert!(
            help.contains(expected),
            "status --help lacks {expected}:\n{help}"
        );
    }
}

/// `--addr https://...` with `--ca-file`, against the server listening with
/// TLS on TCP (certificates from a test CA made for this test).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_over_https_with_a_ca_file() {
    let db = TestDb::sqlite().await;
    let dir = db.dir.path().to_owned();
    crate::tls::write_pki(&dir);
    let server = crate::tls::start_with_tls(&db, false).await;
    let addr = format!("https://localhost:{}", server.tcp_addr.unwrap().port());
    let ca = dir.join("ca.pem");
    let unused = Path::new("unused.sock");

    let doc = json_of(
        unused,
        &["health", "--addr", &addr, "--ca-file", ca.to_str().unwrap()],
        0,
    )
    .await;
    assert_eq!(doc["status"], "serving");
    // No CA file: refused here, before connecting.
    json_of(unused, &["health", "--addr", &addr], 1).await;
    // A CA that did not sign the server's certificate: no connection.
    let wrong = dir.join("server.pem");
    let doc = json_of(
        unused,
        &[
            "health",
            "--addr",
            &addr,
            "--ca-file",
            wrong.to_str().unwrap(),
        ],
        3,
    )
    .await;
    assert_eq!(doc["error"]["code"], "UNAVAILABLE");
    server.stop().await;
    db.cleanup().await;
}
