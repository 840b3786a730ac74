//! Test harness: databases, an in-process server on a Unix socket, clients.
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use sea_orm::{ConnectionTrait, Database};
use tempfile::TempDir;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tollgate::config::ServerConfig;
use tollgate::pb::enrollment_service_client::EnrollmentServiceClient;
use tollgate::pb::recovery_service_client::RecoveryServiceClient;
use tollgate::server::{App, Listeners, StartError};
use tollgate_domain::ManualClock;
use tonic::Status;
use tonic::transport::Channel;
use tonic_types::StatusExt;

/// The variable naming a Postgres server for the Postgres half of the suite.
pub const POSTGRES_ENV: &str = "TOLLGATE_TEST_POSTGRES_URL";

/// An instant well inside a 30-second TOTP step (1_800_000_000 is a step
/// boundary), so "the previous step" and "the next step" are unambiguous.
pub const START_UNIX: i64 = 1_800_000_010;

/// A database for one test: a SQLite file in a temporary directory, or a
/// fresh Postgres database.
pub struct TestDb {
    pub url: String,
    pub dir: TempDir,
    /// Postgres: the server URL and the database to drop afterwards.
    postgres: Option<(String, String)>,
}

impl TestDb {
    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("tollgate.db").display());
        Self {
            url,
            dir,
            postgres: None,
        }
    }

    /// A fresh database on the Postgres server named by
    /// TOLLGATE_TEST_POSTGRES_URL; `None` (and a notice on stderr) when it
    /// is not set.
    pub async fn postgres(test: &str) -> Option<Self> {
        let Ok(base) = std::env::var(POSTGRES_ENV) else {
            // Written past the test harness's capture so the skip is visible.
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED {test} on Postgres: set {POSTGRES_ENV} (e.g. postgres://postgres@127.0.0.1:5432/test) to run it"
            );
            return None;
        };
        let mut id = [0u8; 6];
        tollgate_domain::random::fill(&mut id).unwrap();
        let name = format!("tollgate_test_{}", tollgate_domain::secret::hex_lower(&id));
        let admin = Database::connect(base.as_str())
            .await
            .expect("connect to the Postgres test server");
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap();
        admin.close().await.ok();
        let (head, query) = match base.split_once('?') {
            Some((h, q)) => (h, format!("?{q}")),
            None => (base.as_str(), String::new()),
        };
        let server = head.rsplit_once('/').map_or(head, |(s, _)| s);
        let url = format!("{server}/{name}{query}");
        Some(Self {
            url,
            dir: tempfile::tempdir().unwrap(),
            postgres: Some((base, name)),
        })
    }

    /// Runs `sql` as the Postgres superuser on the server (not in this
    /// database); `{db}` in it is replaced by this database's name.
    pub async fn postgres_admin(&self, sql: &str) {
        let (base, name) = self.postgres.as_ref().expect("a Postgres test database");
        let admin = Database::connect(base.as_str()).await.unwrap();
        admin
            .execute_unprepared(&sql.replace("{db}", name))
            .await
            .unwrap();
        admin.close().await.ok();
    }

    /// Drops the Postgres database; SQLite files go with the directory.
    pub async fn cleanup(self) {
        if let Some((base, name)) = &self.postgres
            && let Ok(admin) = Database::connect(base.as_str()).await
        {
            let _ = admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await;
            admin.close().await.ok();
        }
    }

    /// Server settings for this database: Postgres gets a key file (it has no
    /// default), SQLite creates its own beside the database.
    pub fn config(&self, socket: PathBuf) -> ServerConfig {
        let mut config = ServerConfig::new(self.url.clone(), Some(socket));
        if self.postgres.is_some() {
            let key = self.dir.path().join("secret.key");
            if !key.exists() {
                tollgate::keys::create_key_file(&key).unwrap();
            }
            config.secret_key_file = Some(key);
        }
        config
    }
}

impl TestDb {
    /// New key files in the test's directory, one per name (`old.key`, ...).
    pub fn new_key_files<const N: usize>(&self, names: [&str; N]) -> [PathBuf; N] {
        names.map(|name| {
            let path = self.dir.path().join(name);
            tollgate::keys::create_key_file(&path).unwrap();
            path
        })
    }
}

/// Runs a scenario on SQLite, and on Postgres when configured.
macro_rules! on_both_databases {
    ($($scenario:ident),* $(,)?) => {$(
        mod $scenario {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let db = $crate::support::TestDb::sqlite().await;
                super::$scenario(&db).await;
                db.cleanup().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(db) = $crate::support::TestDb::postgres(concat!(module_path!())).await else {
                    return;
                };
                super::$scenario(&db).await;
                db.cleanup().await;
            }
        }
    )*};
}
pub(crate) use on_both_databases;

/// A server running in-process on a Unix socket.
pub struct TestServer {
    pub socket: PathBuf,
    /// The TCP address when the config set `listen` (port 0 is resolved).
    pub tcp_addr: Option<std::net::SocketAddr>,
    pub clock: Arc<ManualClock>,
    pub app_store: tollgate_storage::SeaStore,
    /// The use cases, for tests that look at the work done.
    pub core: Arc<tollgate::workers::Core>,
    shutdown: Option<oneshot::Sender<()>>,
    handle: Option<JoinHandle<Result<(), StartError>>>,
    _socket_dir: TempDir,
}

impl TestServer {
    pub async fn start(db: &TestDb, clock: Arc<ManualClock>) -> Self {
        Self::start_with(db, clock, |_| {}).await
    }

    /// Starts with the test database's settings as changed by `adjust`.
    pub async fn start_with(
        db: &TestDb,
        clock: Arc<ManualClock>,
        adjust: impl FnOnce(&mut ServerConfig),
    ) -> Self {
        // Socket paths are limited to ~100 bytes: keep them in a short temp dir.
        let socket_dir = tempfile::Builder::new().prefix("tg").tempdir().unwrap();
        let socket = socket_dir.path().join("t.sock");
        let mut config = db.config(socket.clone());
        adjust(&mut config);
        let app = App::open(&config, clock.clone())
            .await
            .expect("server opens");
        let app_store = app.store().clone();
        let core = app.core();
        let listeners = Listeners::bind(&config).await.expect("listeners bind");
        let tcp_addr = listeners.tcp_addr();
        let (tx, rx) = oneshot::channel();
        let handle = tokio::spawn(tollgate::server::run(app, listeners, async {
            let _ = rx.await;
        }));
        Self {
            socket,
            tcp_addr,
            clock,
            app_store,
            core,
            shutdown: Some(tx),
            handle: Some(handle),
            _socket_dir: socket_dir,
        }
    }

    pub async fn channel(&self) -> Channel {
        uds_channel(&self.socket).await
    }

    pub async fn enrollment(&self) -> EnrollmentServiceClient<Channel> {
        EnrollmentServiceClient::new(self.channel().await)
    }

    pub async fn recovery(&self) -> RecoveryServiceClient<Channel> {
        RecoveryServiceClient::new(self.channel().await)
    }

    /// Graceful shutdown; returns once the server has stopped.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(handle) = self.handle.take() {
            handle.await.unwrap().unwrap();
        }
        assert!(!self.socket.exists(), "the socket is removed at shutdown");
    }
}

/// A gRPC channel over a Unix socket (`:authority` is `localhost`), made
/// the way `tollgate`'s own client makes it.
pub async fn uds_channel(path: &Path) -> Channel {
    tollgate::client::unix_channel(path, None).await.unwrap()
}

pub fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::at_unix(START_UNIX))
}

/// The `ErrorInfo.reason` of a status (empty if it has none).
pub fn reason(status: &Status) -> String {
    let info = status.get_error_details().error_info().cloned();
    if let Some(info) = &info {
        assert_eq!(info.domain, "tollgate");
    }
    info.map(|i| i.reason).unwrap_or_default()
}

/// The `ErrorInfo.metadata` of a status (empty if it has none).
pub fn metadata(status: &Status) -> std::collections::HashMap<String, String> {
    status
        .get_error_details()
        .error_info()
        .map(|i| i.metadata.clone())
        .unwrap_or_default()
}

/// The fields named by a status's `BadRequest` detail.
pub fn violated_fields(status: &Status) -> Vec<String> {
    status
        .get_error_details()
        .bad_request()
        .map(|b| b.field_violations.iter().map(|v| v.field.clone()).collect())
        .unwrap_or_default()
}

/// What an authenticator app shows for `secret_base32` at `unix_seconds`,
/// computed by totp-rs independently of the server.
pub fn authenticator_code(secret_base32: &str, unix_seconds: i64) -> String {
    let secret = totp_rs::Secret::try_from_base32(secret_base32).unwrap();
    totp_rs::Builder::new()
        .with_secret(secret.as_bytes().to_vec())
        .build()
        .unwrap()
        .generate(unix_seconds as u64)
        .to_string()
}

/// A `tollgate serve` process on `database_url`, listening on `socket`.
pub struct ServerProcess(Option<Child>);

impl ServerProcess {
    pub async fn start(database_url: &str, key: &Path, socket: &Path) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_tollgate"));
        command.arg("serve").arg("--secret-key-file").arg(key);
        Self::start_with(database_url, socket, command).await
    }

    /// Starts `command` (the binary with `serve`, any extra flags and
    /// environment already added) on the database and socket.
    pub async fn start_with(database_url: &str, socket: &Path, mut command: Command) -> Self {
        let mut child = command
            .args(["--listen", "off", "--database-url", database_url])
            .arg("--socket")
            .arg(socket)
            .env("TOLLGATE_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        wait_for_socket(socket, &mut child).await;
        Self(Some(child))
    }
}

/// How often [`eventually`] asks.
const POLL: std::time::Duration = std::time::Duration::from_millis(20);
/// How long [`eventually`] waits at most: long past what a loaded machine
/// needs, since a passing test never waits this long.
const PATIENCE: std::time::Duration = std::time::Duration::from_secs(30);

/// Waits for something that happens by itself, in its own time (a
/// background task's work, a server process opening its socket): asks
/// `check` every 20 ms until it answers, and fails naming `what` after 30 s.
/// Not for time the server measures: move the test clock for that.
pub async fn eventually<T>(what: &str, mut check: impl AsyncFnMut() -> Option<T>) -> T {
    let started = std::time::Instant::now();
    loop {
        if let Some(answer) = check().await {
            return answer;
        }
        assert!(
            started.elapsed() < PATIENCE,
            "waited {PATIENCE:?} for {what}"
        );
        tokio::time::sleep(POLL).await;
    }
}

/// [`eventually`] for a condition.
pub async fn until(what: &str, mut holds: impl AsyncFnMut() -> bool) {
    eventually(what, async || holds().await.then_some(())).await;
}

/// Waits until a `tollgate serve` process accepts connections on `socket`
/// (on the socket itself, not on a timer); fails if it exits first.
pub async fn wait_for_socket(socket: &Path, child: &mut Child) {
    until("tollgate to open its socket", async || {
        if tokio::net::UnixStream::connect(socket).await.is_ok() {
            return true;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("tollgate exited early: {status}");
        }
        false
    })
    .await;
}

impl ServerProcess {
    /// Sends SIGTERM and waits for the exit.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        let mut child = self.0.take().expect("running");
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        child.wait().unwrap()
    }
}

impl ServerProcess {
    /// Sends SIGKILL (a crash, no graceful shutdown) and waits for the exit.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = Command::new("kill")
                .args(["-KILL", &child.id().to_string()])
                .status();
            let _ = child.wait();
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            let _ = child.wait();
        }
    }
}

/// Two `tollgate serve` processes sharing one (Postgres) database and key,
/// as two replicas would.
pub struct TwoServers {
    pub channels: [Channel; 2],
    _processes: [ServerProcess; 2],
    _sockets: TempDir,
}

impl TwoServers {
    pub async fn start(db: &TestDb) -> Self {
        let config = db.config(db.dir.path().join("unused.sock"));
        let key = config.secret_key_file.clone().unwrap();
        let sockets = tempfile::Builder::new().prefix("tg").tempdir().unwrap();
        let (a, b) = (sockets.path().join("a.sock"), sockets.path().join("b.sock"));
        // Started together on a database nobody has migrated: they take
        // turns migrating it.
        let (a_process, b_process) = tokio::join!(
            ServerProcess::start(&db.url, &key, &a),
            ServerProcess::start(&db.url, &key, &b)
        );
        let processes = [a_process, b_process];
        Self {
            channels: [uds_channel(&a).await, uds_channel(&b).await],
            _processes: processes,
            _sockets: sockets,
        }
    }
}
