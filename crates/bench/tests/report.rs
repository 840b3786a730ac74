//! Runs the load generator for a handful of requests against a real
//! `tollgate` server (the debug binary `cargo test --workspace` builds) and
//! checks the JSON report is well formed. No timing assertions.
use std::path::PathBuf;
use std::process::Command;

/// `target/debug/tollgate`, found from this test's own path
/// (`target/debug/deps/report-...`).
fn server_bin() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let bin = exe.parent()?.parent()?.join("tollgate");
    bin.exists().then_some(bin)
}

#[test]
fn a_short_run_prints_a_well_formed_report() {
    let Some(server) = server_bin() else {
        eprintln!(
            "SKIPPED a_short_run_prints_a_well_formed_report: no tollgate binary beside the test; run `cargo test --workspace` or `cargo build --bin tollgate` first"
        );
        return;
    };
    let output = Command::new(env!("CARGO_BIN_EXE_tollgate-bench"))
        .arg("--server-bin")
        .arg(&server)
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
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
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
    }
    assert_eq!(scenarios[0]["ratio_to_empty"], 1.0);
}
