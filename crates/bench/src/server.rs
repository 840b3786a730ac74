//! The server under test: spawning `tollgate serve` on a fresh database and a
//! Unix socket in a temporary directory, timing its start to SERVING, and
//! sampling its resident memory (VmRSS) every 100 ms.
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tempfile::TempDir;
use tonic::transport::Channel;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::{HealthCheckRequest, health_client::HealthClient};

use crate::BoxError;

/// A spawned `tollgate serve`, stopped with SIGTERM on drop.
pub struct Spawned {
    child: Child,
    pub socket: PathBuf,
    /// Spawn to the first SERVING answer.
    pub startup: Duration,
    _dir: TempDir,
}

impl Spawned {
    /// Starts `bin` on `database_url` (a fresh SQLite file when `None`).
    pub async fn start(bin: &Path, database_url: Option<&str>) -> Result<Self, BoxError> {
        if !bin.exists() {
            return Err(format!(
                "server binary {} not found: build it (cargo build --release --bin tollgate) or pass --server-bin",
                bin.display()
            )
            .into());
        }
        // Socket paths are limited to ~100 bytes: a short temp dir.
        let dir = tempfile::Builder::new().prefix("tgb").tempdir()?;
        let socket = dir.path().join("t.sock");
        let mut command = Command::new(bin);
        command.arg("serve");
        match database_url {
            Some(url) => {
                let key = dir.path().join("secret.key");
                let status = Command::new(bin)
                    .arg("generate-key")
                    .arg("--out")
                    .arg(&key)
                    .stdout(Stdio::null())
                    .status()?;
                if !status.success() {
                    return Err("tollgate generate-key failed".into());
                }
                command
                    .args(["--database-url", url])
                    .arg("--secret-key-file")
                    .arg(&key);
            }
            None => {
                let url = format!("sqlite://{}", dir.path().join("tollgate.db").display());
                command.args(["--database-url", &url]);
            }
        }
        command
            .args(["--listen", "off"])
            .arg("--socket")
            .arg(&socket)
            .env("TOLLGATE_LOG", "error")
            .stdout(Stdio::null());
        let started = Instant::now();
        let mut child = command.spawn()?;
        loop {
            if let Ok(channel) = tollgate::client::unix_channel(&socket, None).await
                && serving(channel).await
            {
                break;
            }
            if let Some(status) = child.try_wait()? {
                return Err(format!("tollgate exited during start-up: {status}").into());
            }
            if started.elapsed() > Duration::from_secs(30) {
                let _ = child.kill();
                return Err("tollgate did not answer SERVING within 30 s".into());
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        let startup = started.elapsed();
        Ok(Self {
            child,
            socket,
            startup,
            _dir: dir,
        })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

/// The process listening on the Unix socket at `path`, from the socket's
/// peer credentials (`SO_PEERCRED`), so that a server this run did not
/// start is measured too. `None` where the kernel gives no process (one in
/// another PID namespace, such as a container) or its `/proc` entry cannot
/// be read (another user's process).
pub async fn listening_pid(path: &Path) -> Option<u32> {
    let stream = tokio::net::UnixStream::connect(path).await.ok()?;
    let pid = u32::try_from(stream.peer_cred().ok()?.pid()?).ok()?;
    cpu_ns(pid).is_some().then_some(pid)
}

/// Whether the health service answers SERVING for the whole server.
pub async fn serving(channel: Channel) -> bool {
    let mut client = HealthClient::new(channel);
    let answer = client
        .check(HealthCheckRequest {
            service: String::new(),
        })
        .await;
    matches!(answer, Ok(r) if r.get_ref().status() == ServingStatus::Serving)
}

/// The resident set size of a process in KiB (`VmRSS` in /proc/PID/status).
pub fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
}

/// CPU time a process's threads have run, in nanoseconds (the sum of each
/// live thread's `schedstat`): read before and after a scenario, it gives
/// the CPU each request cost, a steadier figure than requests per second
/// when the client shares the machine's cores.
pub fn cpu_ns(pid: u32) -> Option<u64> {
    let mut total = 0;
    for task in std::fs::read_dir(format!("/proc/{pid}/task")).ok()? {
        let schedstat = std::fs::read_to_string(task.ok()?.path().join("schedstat")).ok()?;
        total += schedstat.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(total)
}

/// Waits until a process is quiet (under 5 % of a core over 100 ms), for at
/// most `limit`: work one scenario leaves behind (SQLite copying its WAL
/// into the database file, say) is then not billed to the next one's CPU
/// per request.
pub async fn settle(pid: u32, limit: Duration) {
    const WINDOW: Duration = Duration::from_millis(100);
    let quiet_ns = u64::try_from(WINDOW.as_nanos() / 20).unwrap_or(u64::MAX);
    let started = std::time::Instant::now();
    let mut before = cpu_ns(pid);
    while started.elapsed() < limit {
        tokio::time::sleep(WINDOW).await;
        let now = cpu_ns(pid);
        match before.zip(now) {
            Some((before, now)) if now.saturating_sub(before) >= quiet_ns => {}
            _ => break,
        }
        before = now;
    }
}

/// Samples a process's RSS every 100 ms on a background task; keeps the
/// latest value and a peak that can be reset between scenarios.
#[derive(Clone)]
pub struct RssSampler {
    pid: u32,
    latest: Arc<AtomicU64>,
    peak: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
}

impl RssSampler {
    pub fn start(pid: u32) -> Self {
        let sampler = Self {
            pid,
            latest: Arc::new(AtomicU64::new(0)),
            peak: Arc::new(AtomicU64::new(0)),
            stop: Arc::new(AtomicBool::new(false)),
        };
        let task = sampler.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_millis(100));
            while !task.stop.load(Ordering::Relaxed) {
                tick.tick().await;
                task.sample();
            }
        });
        sampler
    }

    /// Takes a sample now (also done by the background task).
    pub fn sample(&self) -> u64 {
        let kib = rss_kib(self.pid).unwrap_or(0);
        self.latest.store(kib, Ordering::Relaxed);
        self.peak.fetch_max(kib, Ordering::Relaxed);
        kib
    }

    /// The peak since the last reset, and starts a new peak.
    pub fn take_peak(&self) -> u64 {
        let now = self.sample();
        self.peak.swap(now, Ordering::Relaxed).max(now)
    }

    pub fn latest(&self) -> u64 {
        self.latest.load(Ordering::Relaxed)
    }

    pub fn stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}
