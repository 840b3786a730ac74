//! `tollgate import FILE`, the real binary against a real server on its
//! Unix socket: JSON Lines and CSV files imported so that users sign in
//! with what they had, a second run that changes nothing, a dry run that
//! writes nothing, bad rows rejected (with their line and reason, never a
//! secret) while the rows around them are imported, an interrupted run
//! resumed without importing anyone twice, a server that goes away, minted
//! codes kept private, and callers who may not import.
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use serde_json::Value;
use tollgate::pb;
use tollgate::pb::policy_service_client::PolicyServiceClient;
use tonic::transport::Channel;

use crate::access::create_key;
use crate::import::{code, sign_in};
use crate::support::{
    START_UNIX, ServerProcess, TestDb, TestServer, clock, on_both_databases, uds_channel, until,
};

/// 80-bit secrets, as older systems minted them.
const SHORT_A: &str = "NRSWOYLDPEWWWZLZ";
const SHORT_B: &str = "ORSW4LLCPF2GK4ZB";
/// 160-bit secrets.
const LONG_A: &str = "OR3WK3TUPEWWE6LUMUWXGZLDOJSXILJR";
const LONG_B: &str = "OR3WK3TUPEWWE6LUMUWXGZLDOJSXILJS";
const LONG_C: &str = "OR3WK3TUPEWWE6LUMUWXGZLDOJSXILJT";

/// `tollgate` with the developer's own TOLLGATE_* settings removed.
fn tollgate(socket: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tollgate"));
    for (name, _) in std::env::vars() {
        if name.starts_with("TOLLGATE_") {
            command.env_remove(name);
        }
    }
    command
        .args(args)
        .arg("--socket")
        .arg(socket)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// Runs `tollgate ARGS` to the end, off the runtime's worker threads.
async fn run(socket: &Path, args: &[&str]) -> Output {
    let mut command = tollgate(socket, args);
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

/// Runs an import with `--json`, expects `exit`, returns the summary and
/// everything it printed.
async fn import(socket: &Path, args: &[&str], exit: i32) -> (Value, String) {
    let mut args = args.to_vec();
    args.extend(["--json", "--actor", "migration"]);
    let output = run(socket, &args).await;
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(output.status.code(), Some(exit), "{args:?}: {printed}");
    let summary = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{args:?} printed no JSON ({e}): {printed}"));
    (summary, printed)
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn path_str(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// The lines of a JSON Lines file.
fn json_lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn assert_no_secret(printed: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(
            !printed.to_uppercase().contains(&secret.to_uppercase()),
            "{secret} was printed: {printed}"
        );
    }
}

fn sha1(secret: &str) -> String {
    code(secret, totp_rs::Algorithm::SHA1, 6, 30, START_UNIX)
}

async fn totp_state(server: &TestServer, user: &str) -> pb::TotpState {
    server
        .enrollment()
        .await
        .get_enrollment(pb::GetEnrollmentRequest {
            user_id: user.to_owned(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .totp
        .unwrap_or_default()
        .state()
}

/// How many `user.imported` events the audit log holds, and for how many
/// different users.
async fn imported_events(channel: Channel) -> (usize, usize) {
    let mut client = PolicyServiceClient::new(channel);
    let (mut events, mut page_token) = (Vec::new(), String::new());
    loop {
        let page = client
            .list_audit_events(pb::ListAuditEventsRequest {
                kinds: vec!["user.imported".into()],
                page_size: 500,
                page_token,
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        events.extend(page.events.into_iter().map(|e| e.user_id));
        if page.next_page_token.is_empty() {
            break;
        }
        page_token = page.next_page_token;
    }
    let count = events.len();
    events.sort();
    events.dedup();
    (count, events.len())
}

const JSONL: &str = r#"{"user_id": "ann", "totp_secret": "NRSWOYLDPEWWWZLZ", "totp_enabled_at": "2024-05-01T08:00:00Z", "recovery_codes": ["Q7W8-E9R0-T1Y2", "ZXCV-BNM1-2345"], "email": "ann@example.com", "email_confirmed": true, "email_enabled": true, "default_method": "totp"}
{"user_id": "ben", "totp_secret": "OR3WK3TUPEWWE6LUMUWXGZLDOJSXILJR", "phone": "+44 20 7946 0123", "phone_confirmed": false}

{"user_id": "cy", "otpauth_uri": "otpauth://totp/Old:cy?secret=OR3WK3TUPEWWE6LUMUWXGZLDOJSXILJS&algorithm=SHA256&digits=8&period=60&issuer=Old"}
"#;

const CSV: &str = "\
user_id,totp_secret,totp_digits,totp_period,totp_algorithm,recovery_codes,email,email_confirmed,email_enabled,default_method
dee,ORSW4LLCPF2GK4ZB,,,,,,,,
eli,OR3WK3TUPEWWE6LUMUWXGZLDOJSXILJT,6,30,SHA1,HJKL-2345;MNBV-6789 POIU-0987,eli@example.com,yes,no,totp
";

async fn users_from_jsonl_and_csv_sign_in_with_what_they_had(db: &TestDb) {
    let server = TestServer::start(db, clock()).await;
    let s = server.socket.as_path();
    let dir = tempfile::tempdir().unwrap();
    let jsonl = write(dir.path(), "users.jsonl", JSONL);
    let csv = write(dir.path(), "users.csv", CSV);
    let secrets = [
        SHORT_A,
        SHORT_B,
        LONG_A,
        LONG_B,
        LONG_C,
        "Q7W8-E9R0-T1Y2",
        "ZXCV-BNM1-2345",
        "HJKL-2345",
        "MNBV-6789",
        "POIU-0987",
    ];

    let (summary, printed) = import(s, &["import", path_str(&jsonl)], 0).await;
    assert_eq!(summary["rows_read"], 3, "a blank line is not a row");
    assert_eq!(summary["imported"], 3, "{summary}");
    assert_eq!(summary["rejected"], 0);
    assert_no_secret(&printed, &secrets);
    let (summary, printed) = import(s, &["import", path_str(&csv), "--concurrency", "1"], 0).await;
    assert_eq!(summary["imported"], 2, "{summary}");
    assert_no_secret(&printed, &secrets);
    assert!(
        !dir.path().join("users.csv.progress").exists(),
        "a completed run keeps no progress"
    );
    assert!(
        !dir.path().join("users.csv.rejects.jsonl").exists(),
        "nothing was rejected"
    );

    // Everyone signs in with the code their app already shows.
    for (user, secret) in [
        ("ann", SHORT_A),
        ("ben", LONG_A),
        ("dee", SHORT_B),
        ("eli", LONG_C),
    ] {
        sign_in(&server, user, pb::Method::Totp, &sha1(secret))
            .await
            .unwrap_or_else(|e| panic!("{user}: {e:?}"));
    }
    let eight = code(LONG_B, totp_rs::Algorithm::SHA256, 8, 60, START_UNIX);
    sign_in(&server, "cy", pb::Method::Totp, &eight)
        .await
        .unwrap();
    // ... and with an old recovery code, once.
    let used = sign_in(&server, "ann", pb::Method::RecoveryCode, "zxcv-bnm1-2345")
        .await
        .unwrap();
    assert_eq!(used.recovery_codes_remaining, 1);
    let used = sign_in(&server, "eli", pb::Method::RecoveryCode, "MNBV-6789")
        .await
        .unwrap();
    assert_eq!(used.recovery_codes_remaining, 2);

    // The same files again: nothing changes.
    let (summary, _) = import(s, &["import", path_str(&jsonl)], 0).await;
    assert_eq!(
        (summary["unchanged"].clone(), summary["imported"].clone()),
        (3.into(), 0.into())
    );
    let (summary, _) = import(s, &["import", path_str(&csv)], 0).await;
    assert_eq!(summary["unchanged"], 2, "{summary}");
    assert_eq!(imported_events(server.channel().await).await, (5, 5));
    server.stop().await;
}

async fn a_dry_run_writes_nothing_and_reports_what_would_be_refused(db: &TestDb) {
    let server = TestServer::start(db, clock()).await;
    let s = server.socket.as_path();
    let dir = tempfile::tempdir().unwrap();
    // fay already has another secret: the dry run sees the conflict.
    let taken = write(
        dir.path(),
        "taken.jsonl",
        &format!("{{\"user_id\": \"fay\", \"totp_secret\": \"{LONG_A}\"}}\n"),
    );
    import(s, &["import", path_str(&taken)], 0).await;
    let file = write(
        dir.path(),
        "users.jsonl",
        &format!(
            "{{\"user_id\": \"gus\", \"totp_secret\": \"{SHORT_A}\", \"recovery_codes\": [\"AAAA-BBBB-CCCC\"]}}\n\
             {{\"user_id\": \"fay\", \"totp_secret\": \"{LONG_B}\"}}\n\
             {{\"user_id\": \"hal\", \"totp_secret\": \"NOT BASE32 1\"}}\n"
        ),
    );
    let (summary, printed) = import(s, &["import", path_str(&file), "--dry-run"], 4).await;
    assert_eq!(summary["valid"], 1, "{summary}");
    assert_eq!(summary["rejected"], 2);
    assert_eq!(summary["imported"], 0);
    assert_no_secret(&printed, &[SHORT_A, LONG_B, "AAAA-BBBB-CCCC"]);
    let rejects = json_lines(&dir.path().join("users.jsonl.rejects.jsonl"));
    let of = |user: &str| rejects.iter().find(|r| r["user_id"] == user).unwrap();
    assert_eq!(of("fay")["reason"], "IMPORT_CONFLICT");
    assert_eq!(of("fay")["metadata"]["part"], "totp");
    assert_eq!(of("fay")["line"], 2);
    assert_eq!(of("hal")["reason"], "INVALID_ARGUMENT");
    assert_eq!(of("hal")["line"], 3);

    // Nothing was written, and no progress kept.
    assert_eq!(
        totp_state(&server, "gus").await,
        pb::TotpState::NotConfigured
    );
    sign_in(&server, "fay", pb::Method::Totp, &sha1(LONG_A))
        .await
        .unwrap();
    assert!(!dir.path().join("users.jsonl.progress").exists());
    assert_eq!(imported_events(server.channel().await).await, (1, 1));
    server.stop().await;
}

async fn bad_rows_are_rejected_and_the_rows_around_them_imported(db: &TestDb) {
    let server = TestServer::start(db, clock()).await;
    let s = server.socket.as_path();
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "mixed.ndjson",
        &format!(
            "{{\"user_id\": \"ida\", \"totp_secret\": \"{SHORT_A}\"}}\n\
             {{\"user_id\": \"jon\", \"totp_secret\": \"{LONG_A}!!\", \"recovery_codes\": [\"SEEN-NEVER-1234\"]}}\n\
             {{\"user_id\": \"kim\", \"totp_secret\": \"{LONG_B}\"}}\n\
             {{\"user_id\": \"lea\", \"totp_secret\": \"{LONG_C}\", \"email\": \"not an address\", \"email_confirmed\": true}}\n\
             {{\"user_id\": \"max\", \"totp_secret\": \"{SHORT_B}\"\n\
             {{\"totp_secret\": \"{SHORT_B}\", \"recovery_codes\": [\"HIDE-THIS-5678\"]}}\n\
             {{\"user_id\": \"ned\", \"totp_seed\": \"{SHORT_B}\"}}\n\
             {{\"user_id\": \"ola\", \"totp_secret\": \"{LONG_C}\"}}\n"
        ),
    );
    let rejects_path = dir.path().join("rejected.jsonl");
    let (summary, printed) = import(
        s,
        &[
            "import",
            path_str(&file),
            "--rejects",
            path_str(&rejects_path),
        ],
        4,
    )
    .await;
    assert_eq!(summary["imported"], 3, "{summary}");
    assert_eq!(summary["rejected"], 5);
    let rejects = json_lines(&rejects_path);
    let seen: Vec<(u64, Option<&str>, &str)> = rejects
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap(),
                r["user_id"].as_str(),
                r["reason"].as_str().unwrap(),
            )
        })
        .collect();
    // Local rejections come as the rows are read, the server's as they
    // are answered: compare them in line order.
    let mut seen = seen;
    seen.sort();
    assert_eq!(
        seen,
        [
            (2, Some("jon"), "INVALID_ARGUMENT"),
            (4, Some("lea"), "INVALID_ARGUMENT"),
            (5, None, "MALFORMED_ROW"),
            (6, None, "MALFORMED_ROW"),
            (7, Some("ned"), "MALFORMED_ROW"),
        ]
    );
    let by_line = |line: u64| rejects.iter().find(|r| r["line"] == line).unwrap();
    assert_eq!(by_line(2)["fields"][0]["field"], "totp.secret_base32");
    assert_eq!(by_line(4)["fields"][0]["field"], "address");
    assert!(by_line(6)["message"].as_str().unwrap().contains("user_id"));
    assert!(
        by_line(7)["message"]
            .as_str()
            .unwrap()
            .contains("totp_seed")
    );
    let written = std::fs::read_to_string(&rejects_path).unwrap();
    let secrets = [
        SHORT_A,
        SHORT_B,
        LONG_A,
        LONG_B,
        LONG_C,
        "SEEN-NEVER-1234",
        "HIDE-THIS-5678",
    ];
    assert_no_secret(&written, &secrets);
    assert_no_secret(&printed, &secrets);
    for user in ["ida", "kim", "ola"] {
        assert_eq!(
            totp_state(&server, user).await,
            pb::TotpState::Enabled,
            "{user}"
        );
    }
    for user in ["jon", "lea", "max", "ned"] {
        assert_eq!(
            totp_state(&server, user).await,
            pb::TotpState::NotConfigured,
            "{user}"
        );
    }

    // A CSV row with a bad value is rejected the same way; a CSV header
    // with an unknown column stops before any row is sent (exit 1).
    let csv = write(
        dir.path(),
        "users.csv",
        &format!(
            "user_id,totp_secret,email,email_confirmed\npia,{SHORT_A},pia@example.com,perhaps\nray,{LONG_A},,\n"
        ),
    );
    let (summary, _) = import(s, &["import", path_str(&csv)], 4).await;
    assert_eq!(
        (summary["imported"].clone(), summary["rejected"].clone()),
        (1.into(), 1.into())
    );
    let rejects = json_lines(&dir.path().join("users.csv.rejects.jsonl"));
    assert_eq!(rejects[0]["line"], 2);
    assert_eq!(rejects[0]["user_id"], "pia");
    assert!(
        rejects[0]["message"]
            .as_str()
            .unwrap()
            .contains("email_confirmed")
    );
    let unknown = write(
        dir.path(),
        "odd.csv",
        &format!("user_id,secret\nsam,{SHORT_A}\n"),
    );
    let output = run(s, &["import", path_str(&unknown)]).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("unknown column \"secret\""));
    server.stop().await;
}

/// A file of `n` users, each with a secret of their own.
fn many_users(dir: &Path, n: usize) -> PathBuf {
    let mut text = String::new();
    for i in 0..n {
        let mut secret = [0u8; 20];
        secret[..8].copy_from_slice(&(i as u64).to_be_bytes());
        let secret = totp_rs::Secret::new(Box::new(secret)).to_base32();
        text.push_str(&format!(
            "{{\"user_id\": \"user{i:05}\", \"totp_secret\": \"{secret}\"}}\n"
        ));
    }
    write(dir, "many.jsonl", &text)
}

/// Waits until a running import has saved its progress at least once.
async fn until_progress_saved(child: &mut Child, state: &Path) {
    until("the import to save its progress", async || {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the import ended before it was interrupted: {status}");
        }
        state.exists()
    })
    .await;
}

fn signal(child: &Child, name: &str) {
    let sent = Command::new("kill")
        .args([name, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
}

async fn finish(child: Child) -> (i32, Value, String) {
    let output = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    let printed = String::from_utf8_lossy(&output.stderr).into_owned();
    let summary = serde_json::from_slice(&output.stdout).unwrap_or(Value::Null);
    (output.status.code().unwrap_or(-1), summary, printed)
}

fn next_line(state: &Path) -> u64 {
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(state).unwrap()).unwrap();
    doc["next_line"].as_u64().unwrap()
}

async fn an_interrupted_import_resumes_and_imports_everyone_once(db: &TestDb) {
    const USERS: usize = 2_000;
    let server = TestServer::start(db, clock()).await;
    let s = server.socket.as_path();
    let dir = tempfile::tempdir().unwrap();
    let file = many_users(dir.path(), USERS);
    let state = dir.path().join("many.jsonl.progress");
    let args = ["import", path_str(&file), "--concurrency", "2", "--json"];

    let mut child = tollgate(s, &args).spawn().unwrap();
    until_progress_saved(&mut child, &state).await;
    signal(&child, "-INT");
    let (exit, summary, _) = finish(child).await;
    assert_eq!(exit, 130, "{summary}");
    assert_eq!(summary["stopped"]["why"], "interrupted");
    let done = next_line(&state) - 1;
    assert!(done > 0 && done < USERS as u64, "{done}");
    // Calls in flight were waited for: every row below the line is in.
    assert_eq!(summary["imported"], done);
    assert_eq!(summary["next_line"], done + 1);
    assert_eq!(
        imported_events(server.channel().await).await.0,
        done as usize
    );

    let output = run(s, &args).await;
    assert_eq!(output.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("below line {}", done + 1)),
        "{stderr}"
    );
    let summary: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(summary["skipped"], done);
    assert_eq!(summary["imported"], USERS as u64 - done, "{summary}");
    assert_eq!(summary["unchanged"], 0);
    assert!(!state.exists(), "a completed run removes its progress");
    assert_eq!(
        imported_events(server.channel().await).await,
        (USERS, USERS)
    );

    // --restart starts over: everyone is there already.
    let output = run(s, &["import", path_str(&file), "--restart", "--json"]).await;
    let summary: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(summary["unchanged"], USERS as u64, "{summary}");
    server.stop().await;
}

async fn a_server_that_goes_away_stops_the_run_with_progress_saved(db: &TestDb) {
    const USERS: usize = 2_000;
    let [key] = db.new_key_files(["server.key"]);
    let sockets = tempfile::Builder::new().prefix("tg").tempdir().unwrap();
    let socket = sockets.path().join("s.sock");
    let dir = tempfile::tempdir().unwrap();
    let file = many_users(dir.path(), USERS);
    let state = dir.path().join("many.jsonl.progress");
    let args = ["import", path_str(&file), "--concurrency", "2", "--json"];

    let mut server = ServerProcess::start(&db.url, &key, &socket).await;
    let mut child = tollgate(&socket, &args).spawn().unwrap();
    until_progress_saved(&mut child, &state).await;
    server.kill();
    let (exit, summary, _) = finish(child).await;
    assert_eq!(exit, 3, "{summary}");
    assert_eq!(summary["stopped"]["why"], "unreachable", "{summary}");
    let resume_at = next_line(&state);
    assert_eq!(summary["next_line"], resume_at);
    assert!(resume_at > 1, "some rows were done");

    let _server = ServerProcess::start(&db.url, &key, &socket).await;
    let output = run(&socket, &args).await;
    assert_eq!(output.status.code(), Some(0));
    let summary: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(summary["skipped"], resume_at - 1);
    // A row whose answer was lost with the server is sent again: at most
    // the calls that were in flight come back UNCHANGED.
    assert!(summary["unchanged"].as_u64().unwrap() <= 2, "{summary}");
    assert_eq!(
        imported_events(uds_channel(&socket).await).await,
        (USERS, USERS)
    );
}

async fn minted_codes_go_to_a_private_file_and_are_never_printed(db: &TestDb) {
    let server = TestServer::start(db, clock()).await;
    let s = server.socket.as_path();
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "users.jsonl",
        &format!(
            "{{\"user_id\": \"tom\", \"totp_secret\": \"{SHORT_A}\"}}\n\
             {{\"user_id\": \"uma\", \"totp_secret\": \"{LONG_A}\", \"recovery_codes\": [\"KEEP-MINE-0001\"]}}\n"
        ),
    );
    let codes = dir.path().join("minted.jsonl");
    let output = run(s, &["import", path_str(&file), "--mint-recovery-codes"]).await;
    assert_eq!(output.status.code(), Some(2), "--minted-codes is required");
    assert!(!codes.exists());

    let (summary, printed) = import(
        s,
        &[
            "import",
            path_str(&file),
            "--mint-recovery-codes",
            "--minted-codes",
            path_str(&codes),
        ],
        0,
    )
    .await;
    assert_eq!(summary["minted"], 1, "uma brought her own codes");
    let mode = std::fs::metadata(&codes).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let minted = json_lines(&codes);
    assert_eq!(minted.len(), 1);
    assert_eq!(minted[0]["user_id"], "tom");
    let tom: Vec<&str> = minted[0]["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(tom.len(), 8);
    assert_no_secret(&printed, &tom);
    sign_in(&server, "tom", pb::Method::RecoveryCode, tom[0])
        .await
        .unwrap();
    sign_in(&server, "uma", pb::Method::RecoveryCode, "KEEP-MINE-0001")
        .await
        .unwrap();

    // Again: tom keeps his codes (UNCHANGED), none minted, the file kept.
    let (summary, _) = import(
        s,
        &[
            "import",
            path_str(&file),
            "--mint-recovery-codes",
            "--minted-codes",
            path_str(&codes),
        ],
        0,
    )
    .await;
    assert_eq!(
        (summary["minted"].clone(), summary["unchanged"].clone()),
        (0.into(), 2.into())
    );
    assert_eq!(json_lines(&codes).len(), 1);
    // A codes file others may read is refused before anything is sent.
    std::fs::set_permissions(&codes, std::fs::Permissions::from_mode(0o644)).unwrap();
    let output = run(
        s,
        &[
            "import",
            path_str(&file),
            "--mint-recovery-codes",
            "--minted-codes",
            path_str(&codes),
        ],
    )
    .await;
    assert_eq!(output.status.code(), Some(1));
    server.stop().await;
}

async fn callers_who_may_not_import_import_nothing(db: &TestDb) {
    let signer = create_key(db, "signer", &["sign_in"], &["*"]);
    let elsewhere = create_key(db, "acme-admin", &["admin"], &["acme"]);
    let server = TestServer::start(db, clock()).await;
    let s = server.socket.as_path();
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "users.jsonl",
        &format!(
            "{{\"user_id\": \"vic\", \"totp_secret\": \"{SHORT_A}\"}}\n{{\"user_id\": \"wes\", \"totp_secret\": \"{LONG_A}\"}}\n"
        ),
    );
    for (key, why) in [
        (&signer, "sign-in rights only"),
        (&elsewhere, "another tenant's admin"),
    ] {
        let key_file = write(dir.path(), "key", key);
        let (summary, printed) = import(
            s,
            &[
                "import",
                path_str(&file),
                "--api-key-file",
                path_str(&key_file),
            ],
            4,
        )
        .await;
        assert_eq!(summary["stopped"]["why"], "refused", "{why}: {summary}");
        assert_eq!(summary["stopped"]["reason"], "CALLER_NOT_ALLOWED", "{why}");
        assert_eq!(summary["imported"], 0, "{why}");
        assert_eq!(summary["rejected"], 0, "{why}: the caller, not the rows");
        assert!(!printed.contains(key.as_str()), "the key is not printed");
        assert!(
            dir.path().join("users.jsonl.progress").exists(),
            "{why}: resumable"
        );
    }
    // With sign-in rights, a secret the attacker knows was not planted.
    for user in ["vic", "wes"] {
        assert_eq!(
            totp_state(&server, user).await,
            pb::TotpState::NotConfigured
        );
    }
    assert_eq!(imported_events(server.channel().await).await, (0, 0));
    server.stop().await;
}

on_both_databases!(
    users_from_jsonl_and_csv_sign_in_with_what_they_had,
    a_dry_run_writes_nothing_and_reports_what_would_be_refused,
    bad_rows_are_rejected_and_the_rows_around_them_imported,
    an_interrupted_import_resumes_and_imports_everyone_once,
    a_server_that_goes_away_stops_the_run_with_progress_saved,
    minted_codes_go_to_a_private_file_and_are_never_printed,
    callers_who_may_not_import_import_nothing,
);
