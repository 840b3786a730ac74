//! Runs the load generator for a handful of requests against a real
//! `tollgate` server (the debug binary `cargo test --workspace` builds) and
//! checks the JSON report is well formed. No timing assertions.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use std::ffi::OsStr;
use std::path::PathBuf;
use std::process::Command;

/// `target/debug/tollgate`, found from this test's own path
/// (`target/debug/deps/report-...`); `None`, said for `test`, if it has
/// not been built.
fn server_bin(test: &str) -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let bin = exe.parent()?.parent()?.join("tollgate");
    if !bin.exists() {
        eprintln!(
            "SKIPPED {test}: no tollgate binary beside the test; run `cargo test --workspace` or `cargo build --bin tollgate` first"
        );
        return None;
    }
    Some(bin)
}

/// The JSON report of a run of 12 requests per scenario (3 users, 2
/// clients, no warm-up) with `target` naming the server.
fn short_run<'a>(target: impl IntoIterator<Item = &'a OsStr>) -> serde_json::Value {
    let output = Command::new(env!("CARGO_BIN_EXE_tollgate-bench"))
        .args(target)
        .args([
            "--requests",
            "12",
            "--users",
            "3",
            "--clients",
            "2",
            "--warmup",
            "0",
            "--json",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn a_short_run_prints_a_well_formed_report() {
    let Some(server) = server_bin("a_short_run_prints_a_well_formed_report") else {
        return;
    };
    let report = short_run(["--server-bin".as_ref(), server.as_os_str()]);
    assert!(report["startup_ms"].as_f64().unwrap() > 0.0);
    assert!(report["idle_rss_kib"].as_u64().unwrap() > 0);
    assert!(report["peak_rss_kib"].as_u64().unwrap() > 0);
    let scenarios = report["scenarios"].as_array().unwrap();
    let names: Vec<&str> = scenarios
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "empty",
            "begin-challenge",
            "verify-totp",
            "verify-wrong",
            "recovery-redeem",
            "enrol"
        ]
    );
    for s in scenarios {
        let name = s["name"].as_str().unwrap();
        assert_eq!(s["error_count"], 0, "{name}: {}", s["errors"]);
        // verify-totp spends one step of one user per request, and each
        // user has two: 3 users, 6 requests.
        let expected = if name == "verify-totp" { 6 } else { 12 };
        assert_eq!(s["requests"], expected, "{name}");
        for field in ["throughput", "p50_ms", "p90_ms", "p99_ms", "max_ms"] {
            assert!(s[field].as_f64().unwrap() >= 0.0, "{name}.{field}");
        }
        assert!(s["p50_ms"].as_f64() <= s["max_ms"].as_f64(), "{name}");
        assert_cpu_read(s);
    }
    assert_eq!(scenarios[0]["ratio_to_empty"], 1.0);
}

/// Both CPU columns were read: each request cost the server and the load
/// generator some CPU time.
fn assert_cpu_read(scenario: &serde_json::Value) {
    let name = scenario["name"].as_str().unwrap_or_default();
    for field in ["server_cpu_us_per_request", "bench_cpu_us_per_request"] {
        let us = scenario[field].as_f64();
        assert!(us.is_some_and(|us| us > 0.0), "{name}.{field}: {us:?}");
    }
}

/// A `tollgate serve` started by the test, stopped on drop.
struct Serving(std::process::Child);

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_server_on_a_socket_is_measured_through_its_peer_credentials() {
    let Some(server) = server_bin("a_server_on_a_socket_is_measured_through_its_peer_credentials")
    else {
        return;
    };
    let dir = tempfile::Builder::new().prefix("tgr").tempdir().unwrap();
    let socket = dir.path().join("t.sock");
    let child = Command::new(&server)
        .arg("serve")
        .arg("--database-url")
        .arg(format!("sqlite://{}", dir.path().join("t.db").display()))
        .args(["--listen", "off", "--socket"])
        .arg(&socket)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let serving = Serving(child);
    let healthy = || {
        Command::new(&server)
            .args(["health", "--socket"])
            .arg(&socket)
            .output()
            .is_ok_and(|o| o.status.success())
    };
    // Waiting for readiness, not timing it: up to a minute on a busy CI.
    let ready = (0..600).any(|_| {
        healthy() || {
            std::thread::sleep(std::time::Duration::from_millis(100));
            false
        }
    });
    assert!(ready, "the server never answered SERVING");

    let report = short_run([
        "--socket".as_ref(),
        socket.as_os_str(),
        "--scenario".as_ref(),
        "empty,begin-challenge".as_ref(),
    ]);
    let pid = serving.0.id();
    let target = report["target"].as_str().unwrap();
    assert!(target.ends_with(&format!("(server pid {pid})")), "{target}");
    // Not started by this run: neither its start-up nor its idle state is
    // known.
    assert!(report["startup_ms"].is_null());
    assert!(report["idle_rss_kib"].is_null());
    assert!(report["peak_rss_kib"].as_u64().unwrap() > 0);
    let scenarios = report["scenarios"].as_array().unwrap();
    assert_eq!(scenarios.len(), 2);
    for s in scenarios {
        assert_eq!(s["error_count"], 0, "{}", s["errors"]);
        assert_eq!(s["requests"], 12);
        assert!(s["peak_rss_kib"].as_u64().unwrap() > 0);
        assert_cpu_read(s);
    }
}
