//! The report: per-scenario counts, throughput, latency percentiles and the
//! ratio to the empty call, as an aligned table or one JSON document.
use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::scenario::Measured;

/// One scenario's figures.
pub struct Row {
    pub name: String,
    pub requests: u64,
    pub errors: BTreeMap<String, u64>,
    pub throughput: f64,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub peak_rss_kib: u64,
    pub cpu: CpuUse,
    pub elapsed_s: f64,
    pub note: String,
    /// The empty call run afterwards at this scenario's rate
    /// (`--paced-empty`).
    pub paced_empty: Option<PacedEmpty>,
}

/// The empty call paced at a scenario's rate.
#[derive(Clone, Copy)]
pub struct PacedEmpty {
    /// The rate it kept.
    pub throughput: f64,
    /// The server's CPU per call, in microseconds.
    pub server_us: Option<f64>,
}

/// CPU time spent while a scenario ran, by the server and by the load
/// generator itself (`None` where it could not be read, e.g. a server
/// reached over TCP).
#[derive(Clone, Copy, Default)]
pub struct CpuUse {
    pub server_ns: Option<u64>,
    pub bench_ns: Option<u64>,
}

impl Row {
    pub fn new(
        name: &str,
        mut measured: Measured,
        peak_rss_kib: u64,
        cpu: CpuUse,
        note: String,
    ) -> Self {
        measured.latencies_ns.sort_unstable();
        let lat = &measured.latencies_ns;
        let pct = |p: f64| -> f64 {
            if lat.is_empty() {
                return 0.0;
            }
            let rank = ((p / 100.0) * lat.len() as f64).ceil() as usize;
            lat[rank.clamp(1, lat.len()) - 1] as f64 / 1e6
        };
        let elapsed_s = measured.elapsed.as_secs_f64();
        let requests = lat.len() as u64;
        Self {
            name: name.to_owned(),
            requests,
            throughput: if elapsed_s > 0.0 {
                requests as f64 / elapsed_s
            } else {
                0.0
            },
            p50_ms: pct(50.0),
            p90_ms: pct(90.0),
            p99_ms: pct(99.0),
            max_ms: pct(100.0),
            errors: measured.errors,
            peak_rss_kib,
            cpu,
            elapsed_s,
            note,
            paced_empty: None,
        }
    }

    /// The server's CPU per request, in microseconds.
    pub fn server_us(&self) -> Option<f64> {
        self.cpu_us_per_request(self.cpu.server_ns)
    }

    /// The server's CPU per request against the empty call's: in the same
    /// run (`empty_us`), and paced at this scenario's rate.
    fn cpu_ratios(&self, empty_us: Option<f64>) -> (Option<f64>, Option<f64>) {
        let ratio = |base: Option<f64>| {
            self.server_us()
                .zip(base.filter(|b| *b > 0.0))
                .map(|(us, base)| us / base)
        };
        (
            ratio(empty_us),
            ratio(self.paced_empty.and_then(|p| p.server_us)),
        )
    }

    /// Microseconds of CPU per request (failed ones included).
    fn cpu_us_per_request(&self, ns: Option<u64>) -> Option<f64> {
        ns.filter(|_| self.requests > 0)
            .map(|ns| ns as f64 / 1e3 / self.requests as f64)
    }

    fn error_count(&self) -> u64 {
        self.errors.values().sum()
    }
}

/// The whole run.
pub struct Report {
    pub target: String,
    pub clients: usize,
    pub connections: usize,
    pub startup_ms: Option<f64>,
    pub idle_rss_kib: Option<u64>,
    pub peak_rss_kib: Option<u64>,
    pub rows: Vec<Row>,
}

impl Report {
    fn empty_throughput(&self) -> Option<f64> {
        self.rows
            .iter()
            .find(|r| r.name == "empty")
            .map(|r| r.throughput)
            .filter(|t| *t > 0.0)
    }

    fn empty_server_us(&self) -> Option<f64> {
        self.rows
            .iter()
            .find(|r| r.name == "empty")
            .and_then(Row::server_us)
    }

    fn paced(&self) -> bool {
        self.rows.iter().any(|r| r.paced_empty.is_some())
    }

    pub fn text(&self) -> String {
        let mut out = format!(
            "target: {}, {} clients over {} connection(s)\n",
            self.target, self.clients, self.connections
        );
        if let Some(ms) = self.startup_ms {
            out += &format!("start-up (spawn to SERVING): {ms:.1} ms\n");
        }
        if let Some(kib) = self.idle_rss_kib {
            out += &format!("server RSS idle: {}\n", mib(kib));
        }
        if let Some(kib) = self.peak_rss_kib {
            out += &format!("server RSS peak under load: {}\n", mib(kib));
        }
        let empty = self.empty_throughput();
        let empty_us = self.empty_server_us();
        let mut header = vec![
            "scenario",
            "requests",
            "errors",
            "req/s",
            "x empty",
            "p50 ms",
            "p90 ms",
            "p99 ms",
            "max ms",
            "peak RSS",
            "server us",
            "bench us",
            "cpu x empty",
        ];
        if self.paced() {
            header.extend(["paced empty us", "cpu x paced"]);
        }
        let ratio = |x: Option<f64>| x.map_or("-".to_owned(), |x| format!("{x:.1}"));
        let mut cells: Vec<Vec<String>> = vec![header.iter().map(|s| (*s).to_owned()).collect()];
        for r in &self.rows {
            let (cpu_x_empty, cpu_x_paced) = r.cpu_ratios(empty_us);
            let mut row = vec![
                r.name.clone(),
                r.requests.to_string(),
                r.error_count().to_string(),
                format!("{:.0}", r.throughput),
                empty.map_or("-".to_owned(), |e| format!("{:.3}", r.throughput / e)),
                format!("{:.2}", r.p50_ms),
                format!("{:.2}", r.p90_ms),
                format!("{:.2}", r.p99_ms),
                format!("{:.2}", r.max_ms),
                if r.peak_rss_kib > 0 {
                    mib(r.peak_rss_kib)
                } else {
                    "-".to_owned()
                },
                r.cpu_us_per_request(r.cpu.server_ns)
                    .map_or("-".to_owned(), |us| format!("{us:.0}")),
                r.cpu_us_per_request(r.cpu.bench_ns)
                    .map_or("-".to_owned(), |us| format!("{us:.0}")),
                ratio(cpu_x_empty),
            ];
            if self.paced() {
                row.push(
                    r.paced_empty
                        .and_then(|p| p.server_us)
                        .map_or("-".to_owned(), |us| format!("{us:.0}")),
                );
                row.push(ratio(cpu_x_paced));
            }
            cells.push(row);
        }
        let widths: Vec<usize> = (0..header.len())
            .map(|c| cells.iter().map(|row| row[c].len()).max().unwrap_or(0))
            .collect();
        for row in &cells {
            let line: Vec<String> = row
                .iter()
                .enumerate()
                .map(|(c, cell)| {
                    if c == 0 {
                        format!("{cell:<w$}", w = widths[c])
                    } else {
                        format!("{cell:>w$}", w = widths[c])
                    }
                })
                .collect();
            out += line.join("  ").trim_end();
            out.push('\n');
        }
        for r in &self.rows {
            for (key, n) in &r.errors {
                out += &format!("errors in {}: {key} x{n}\n", r.name);
            }
            if !r.note.is_empty() {
                out += &format!("note on {}: {}\n", r.name, r.note);
            }
            if let Some(paced) = r.paced_empty {
                out += &format!(
                    "paced empty for {}: {:.0} req/s kept of {:.0} asked\n",
                    r.name, paced.throughput, r.throughput
                );
            }
        }
        out
    }

    pub fn json(&self) -> Value {
        let empty = self.empty_throughput();
        let empty_us = self.empty_server_us();
        json!({
            "target": self.target,
            "clients": self.clients,
            "connections": self.connections,
            "startup_ms": self.startup_ms,
            "idle_rss_kib": self.idle_rss_kib,
            "peak_rss_kib": self.peak_rss_kib,
            "scenarios": self.rows.iter().map(|r| (r, r.cpu_ratios(empty_us))).map(|(r, (cpu_x_empty, cpu_x_paced))| json!({
                "name": r.name,
                "requests": r.requests,
                "errors": r.errors,
                "error_count": r.error_count(),
                "elapsed_s": r.elapsed_s,
                "throughput": r.throughput,
                "ratio_to_empty": empty.map(|e| r.throughput / e),
                "p50_ms": r.p50_ms,
                "p90_ms": r.p90_ms,
                "p99_ms": r.p99_ms,
                "max_ms": r.max_ms,
                "peak_rss_kib": (r.peak_rss_kib > 0).then_some(r.peak_rss_kib),
                "server_cpu_us_per_request": r.cpu_us_per_request(r.cpu.server_ns),
                "bench_cpu_us_per_request": r.cpu_us_per_request(r.cpu.bench_ns),
                "server_cpu_ratio_to_empty": cpu_x_empty,
                "paced_empty": r.paced_empty.map(|p| json!({
                    "throughput": p.throughput,
                    "server_cpu_us_per_request": p.server_us,
                })),
                "server_cpu_ratio_to_paced_empty": cpu_x_paced,
                "note": r.note,
            })).collect::<Vec<_>>(),
        })
    }
}

/// KiB as MiB with one decimal.
pub fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}
