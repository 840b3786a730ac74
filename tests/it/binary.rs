//! The real `tollgate` binary: help, configuration precedence, serving on
//! the default SQLite database, SIGTERM.
use std::path::Path;
use std::process::{Command, Stdio};

use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::{HealthCheckRequest, health_client::HealthClient};

use crate::support::{eventually, uds_channel, wait_for_socket};

fn tollgate() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tollgate"));
    // The developer's own settings must not leak into these tests.
    for (name, _) in std::env::vars() {
        if name.starts_with("TOLLGATE_") {
            command.env_remove(name);
        }
    }
    command
}

fn stdout_of(command: &mut Command) -> String {
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn help_documents_every_option_with_its_default() {
    let help = stdout_of(tollgate().args(["serve", "--help"]));
    for expected in [
        "--database-url <URL>",
        "[env: TOLLGATE_DATABASE_URL=]",
        "[default: sqlite://tollgate.db]",
        "[default: ./tollgate.sock]",
        "--listen <ADDR|off>",
        "[env: TOLLGATE_LISTEN=]",
        "[env: TOLLGATE_SECRET_KEY_FILE=]",
        "[env: TOLLGATE_CONFIG=]",
        "[default: tollgate]",
        "[default: text]",
    ] {
        assert!(
            help.contains(expected),
            "serve --help lacks {expected:?}:\n{help}"
        );
    }
    let top = stdout_of(tollgate().arg("--help"));
    for command in ["serve", "migrate", "config", "generate-key"] {
        assert!(top.contains(command), "--help lacks {command}");
    }
}

/// The commit `--version` should name: what the build was told
/// (TOLLGATE_BUILD_COMMIT), else what git says this checkout's HEAD is;
/// `None` outside a git checkout.
fn expected_build_commit() -> Option<String> {
    if let Some(commit) = option_env!("TOLLGATE_BUILD_COMMIT").filter(|c| !c.trim().is_empty()) {
        return Some(commit.trim().to_owned());
    }
    let output = Command::new("git")
        .arg("-C")
        .arg(env!("CARGO_MANIFEST_DIR"))
        .args(["rev-parse", "--short=12", "HEAD"])
        .output()
        .ok()
        .filter(|output| output.status.success())?;
    Some(String::from_utf8(output.stdout).unwrap().trim().to_owned())
}

#[test]
fn version_names_the_package_version_and_the_commit_built_from() {
    let version = stdout_of(tollgate().arg("--version"));
    let Some(commit) = expected_build_commit() else {
        eprintln!(
            "SKIPPED the commit in --version: not a git checkout and TOLLGATE_BUILD_COMMIT not set"
        );
        assert_eq!(
            version,
            format!("tollgate {} (unknown)\n", env!("CARGO_PKG_VERSION"))
        );
        return;
    };
    assert_eq!(
        version,
        format!("tollgate {} ({commit})\n", env!("CARGO_PKG_VERSION"))
    );
    // Every command says the same.
    let serve = stdout_of(tollgate().args(["serve", "--version"]));
    assert_eq!(serve, version.replacen("tollgate", "tollgate-serve", 1));
}

#[test]
fn flags_beat_environment_beat_file_beat_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tollgate.toml");
    std::fs::write(
        &file,
        "database_url = \"sqlite://from-file.db\"\nissuer = \"FromFile\"\nlisten = \"127.0.0.1:7000\"\nlog = \"debug\"\n",
    )
    .unwrap();
    let out = stdout_of(
        tollgate()
            .args(["config", "--config"])
            .arg(&file)
            .args(["--listen", "off"])
            .env("TOLLGATE_ISSUER", "FromEnv")
            .env("TOLLGATE_LISTEN", "127.0.0.1:7001"),
    );
    assert!(
        out.contains("database_url = sqlite://from-file.db\n"),
        "{out}"
    );
    assert!(out.contains("issuer = FromEnv\n"), "{out}");
    assert!(out.contains("listen = off\n"), "{out}");
    assert!(out.contains("log = debug\n"), "{out}");
    assert!(out.contains("socket = ./tollgate.sock\n"), "{out}");

    std::fs::write(&file, "databse_url = \"typo\"\n").unwrap();
    let output = tollgate()
        .args(["config", "--config"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("unknown field `databse_url`"), "{stderr}");

    let output = tollgate()
        .args(["config", "--socket", "off", "--listen", "off"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("both --socket and --listen are off"));
}

#[test]
fn postgres_without_a_key_exits_with_a_clear_message() {
    let output = tollgate()
        .args([
            "serve",
            "--database-url",
            "postgres://postgres@127.0.0.1:5432/test",
            "--listen",
            "off",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("a secret key is required with Postgres"),
        "{stderr}"
    );
}

#[tokio::test]
async fn serve_with_defaults_then_sigterm() {
    let dir = tempfile::Builder::new().prefix("tg").tempdir().unwrap();
    let mut child = tollgate()
        .args(["serve", "--listen", "off"])
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let socket = dir.path().join("tollgate.sock");
    wait_for_socket(&socket, &mut child).await;

    let mut health = HealthClient::new(uds_channel(&socket).await);
    let status = health
        .check(HealthCheckRequest::default())
        .await
        .unwrap()
        .into_inner()
        .status();
    assert_eq!(status, ServingStatus::Serving);
    assert!(
        dir.path().join("tollgate.db").exists(),
        "default database in the working directory"
    );
    assert!(
        dir.path().join("tollgate.db.key").exists(),
        "key file beside the database"
    );

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let output = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "exit status {:?}: {stderr}",
        output.status
    );
    assert!(!socket.exists(), "the socket is removed");
    assert!(
        stderr.contains("created a new secret key"),
        "the new key is announced: {stderr}"
    );
    assert!(stderr.contains("stopped"), "{stderr}");
    assert!(
        !stderr.contains('\x1b'),
        "logs to a pipe carry no terminal colour codes: {stderr:?}"
    );

    // A second start finds the key and the migrated database.
    let output = tollgate()
        .args(["migrate"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(output.status.success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrators_started_together_on_one_postgres_take_turns() {
    let Some(db) = crate::support::TestDb::postgres(
        "binary::migrators_started_together_on_one_postgres_take_turns",
    )
    .await
    else {
        return;
    };
    // As replicas (or a migration job beside a starting server) do: several
    // at the same moment on a database nobody has migrated.
    let migrators: Vec<_> = (0..4)
        .map(|_| {
            tollgate()
                .args(["migrate", "--database-url", &db.url])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for migrator in migrators {
        let output = tokio::task::spawn_blocking(move || migrator.wait_with_output().unwrap())
            .await
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    // Every migration applied: the same ones a fresh SQLite file records.
    let dir = tempfile::Builder::new().prefix("tg").tempdir().unwrap();
    let sqlite = format!("sqlite://{}", dir.path().join("t.db").display());
    let output = tollgate()
        .args(["migrate", "--database-url", &sqlite])
        .output()
        .unwrap();
    assert!(output.status.success());
    assert_eq!(
        applied_migrations(&db.url).await,
        applied_migrations(&sqlite).await
    );
    db.cleanup().await;
}

/// The versions a database's migration table records, in order.
async fn applied_migrations(url: &str) -> Vec<String> {
    use sea_orm::ConnectionTrait;
    let conn = sea_orm::Database::connect(url).await.unwrap();
    let backend = conn.get_database_backend();
    let rows = conn
        .query_all_raw(sea_orm::Statement::from_string(
            backend,
            "SELECT version FROM seaql_migrations ORDER BY version",
        ))
        .await
        .unwrap();
    conn.close().await.unwrap();
    rows.iter()
        .map(|r| r.try_get::<String>("", "version").unwrap())
        .collect()
}

/// How a `tollgate serve` start ended: `Err(stderr)` when it exited at
/// once (with status 1), `Ok(())` when it opened its socket (it is stopped
/// again).
async fn start(mut command: Command, socket: &Path) -> Result<(), String> {
    let mut child = command
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let served = eventually("tollgate to serve or stop", async || {
        if tokio::net::UnixStream::connect(socket).await.is_ok() {
            return Some(true);
        }
        child.try_wait().unwrap().map(|_| false)
    })
    .await;
    if served {
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        child.wait().unwrap();
        return Ok(());
    }
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    Err(stderr)
}

/// A secret key file every user may read (or write) is refused at start,
/// whichever option names it or when it is SQLite's own key beside the
/// database, with a message naming the file and the fix; shared with a
/// group (0640, a Kubernetes fsGroup) it is used.
#[tokio::test]
async fn a_key_file_open_to_every_user_is_refused_at_start() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::Builder::new().prefix("tg").tempdir().unwrap();
    let chmod = |path: &Path, mode: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    };
    let [current, previous] = ["current.key", "previous.key"].map(|name| {
        let path = dir.path().join(name);
        stdout_of(tollgate().args(["generate-key", "--out"]).arg(&path));
        path
    });
    let socket = dir.path().join("s.sock");
    let serve = |database: &str, key: Option<&Path>, previous: Option<&Path>| {
        let mut command = tollgate();
        command
            .args(["serve", "--listen", "off", "--database-url"])
            .arg(format!("sqlite://{}", dir.path().join(database).display()))
            .arg("--socket")
            .arg(&socket);
        if let Some(key) = key {
            command.arg("--secret-key-file").arg(key);
        }
        if let Some(previous) = previous {
            command.arg("--previous-secret-key-files").arg(previous);
        }
        command
    };
    let refused = |stderr: &str, path: &Path| {
        let path = path.display().to_string();
        assert!(
            stderr.contains(&path)
                && stderr.contains(&format!("chmod 600 {path}"))
                && stderr.contains("640"),
            "{stderr}"
        );
    };

    for mode in [0o644, 0o604, 0o602] {
        chmod(&current, mode);
        let stderr = start(serve("a.db", Some(&current), None), &socket)
            .await
            .expect_err("a key file open to every user must not start the server");
        refused(&stderr, &current);
    }
    chmod(&current, 0o600);
    chmod(&previous, 0o644);
    let stderr = start(serve("a.db", Some(&current), Some(&previous)), &socket)
        .await
        .expect_err("a previous key file open to every user must not start the server");
    refused(&stderr, &previous);

    // SQLite's own key file, created (0600) by the first start.
    start(serve("b.db", None, None), &socket).await.unwrap();
    let beside = dir.path().join("b.db.key");
    chmod(&beside, 0o644);
    let stderr = start(serve("b.db", None, None), &socket)
        .await
        .expect_err("SQLite's key file open to every user must not start the server");
    refused(&stderr, &beside);

    // Shared with a group, every key file is used.
    for path in [&current, &previous, &beside] {
        chmod(path, 0o640);
    }
    start(serve("a.db", Some(&current), Some(&previous)), &socket)
        .await
        .unwrap();
    start(serve("b.db", None, None), &socket).await.unwrap();
}
