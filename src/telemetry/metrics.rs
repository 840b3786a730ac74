//! The instruments tollgate records (RPC latency, verifications, deliveries,
//! lockouts, open challenges, purged rows) and the Prometheus text endpoint.
//!
//! Names follow OpenTelemetry's conventions; Prometheus sees them with dots
//! as underscores and a unit suffix (`rpc_server_call_duration_seconds`,
//! `tollgate_verifications_total`, ...).
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::{Method as HttpMethod, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use opentelemetry::KeyValue;
use opentelemetry::metrics::{Counter, Histogram, Meter};
use tokio::net::TcpListener;
use tollgate_domain::DomainError;
use tollgate_domain::policy::Method;
use tollgate_domain::ports::Outcome;
use tollgate_domain::retention::Purged;
use tollgate_domain::service::AuditObserver;

/// Upper bounds (seconds) of the latency buckets: from a cached check over
/// the socket (~0.2 ms) to a slow database (seconds).
const LATENCY_BOUNDS: [f64; 14] = [
    0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0,
];

/// Handles to every instrument; cheap to clone.
#[derive(Clone)]
pub struct Metrics {
    rpc_duration: Histogram<f64>,
    verifications: Counter<u64>,
    deliveries: Counter<u64>,
    lockouts: Counter<u64>,
    audit_skipped: Counter<u64>,
    sends_refused: Counter<u64>,
    purged: Counter<u64>,
    open_challenges: Arc<AtomicU64>,
}

impl Metrics {
    /// Instruments from the global meter (no-ops until [`super::init`]
    /// installs a provider).
    pub fn from_global() -> Self {
        Self::new(&opentelemetry::global::meter("tollgate"))
    }

    pub fn new(meter: &Meter) -> Self {
        let open_challenges = Arc::new(AtomicU64::new(0));
        let observed = open_challenges.clone();
        // The gauge reads a number a background task refreshes: collection
        // must not wait on the database.
        let _gauge = meter
            .u64_observable_gauge("tollgate.challenges.active")
            .with_description("Sign-in challenges open and unexpired")
            .with_unit("{challenge}")
            .with_callback(move |gauge| gauge.observe(observed.load(Ordering::Relaxed), &[]))
            .build();
        Self {
            rpc_duration: meter
                .f64_histogram("rpc.server.call.duration")
                .with_description("Duration of gRPC calls, measured by the server")
                .with_unit("s")
                .with_boundaries(LATENCY_BOUNDS.to_vec())
                .build(),
            verifications: meter
                .u64_counter("tollgate.verifications")
                .with_description("Sign-in verifications (VerifyChallenge) by method and outcome")
                .with_unit("{verification}")
                .build(),
            deliveries: meter
                .u64_counter("tollgate.deliveries")
                .with_description("Delivery attempts of emails and SMS by channel and outcome")
                .with_unit("{message}")
                .build(),
            audit_skipped: meter
                .u64_counter("tollgate.audit_skipped")
                .with_description(
                    "Failed attempts answered without an audit row (made-up challenge ids, attempts while locked out), by reason",
                )
                .with_unit("{attempt}")
                .build(),
            sends_refused: meter
                .u64_counter("tollgate.sends_refused")
                .with_description(
                    "Messages not sent: an hourly sending limit reached (user, tenant) or a phone region not allowed (region)",
                )
                .with_unit("{message}")
                .build(),
            lockouts: meter
                .u64_counter("tollgate.lockouts")
                .with_description("Users locked out after too many wrong codes")
                .with_unit("{lockout}")
                .build(),
            purged: meter
                .u64_counter("tollgate.purged")
                .with_description("Rows deleted by the purge, by table")
                .with_unit("{row}")
                .build(),
            open_challenges,
        }
    }

    /// One finished RPC: its service, method and gRPC status code.
    pub fn rpc_finished(&self, service: &str, method: &str, code: i32, seconds: f64) {
        self.rpc_duration.record(
            seconds,
            &[
                KeyValue::new("rpc.system", "grpc"),
                KeyValue::new("rpc.service", service.to_owned()),
                KeyValue::new("rpc.method", method.to_owned()),
                KeyValue::new("rpc.grpc.status_code", i64::from(code)),
            ],
        );
    }

    /// One VerifyChallenge: the method the code was for, and `ok` or the
    /// error's reason in lower case (`code_mismatch`, `locked_out`, ...).
    pub fn verification(&self, method: Method, error: Option<&DomainError>) {
        let outcome = error.map_or_else(|| "ok".to_owned(), |e| e.reason().to_ascii_lowercase());
        self.verifications.add(
            1,
            &[
                KeyValue::new("tollgate.method", method.as_str()),
                KeyValue::new("tollgate.outcome", outcome),
            ],
        );
    }

    /// One delivery attempt on `channel` (`email`, `sms`) through
    /// `transport` (`smtp`, `twilio`, ...).
    pub fn delivery(&self, channel: &'static str, transport: &'static str, delivered: bool) {
        self.deliveries.add(
            1,
            &[
                KeyValue::new("tollgate.channel", channel),
                KeyValue::new("tollgate.transport", transport),
                KeyValue::new(
                    "tollgate.outcome",
                    if delivered { "delivered" } else { "failed" },
                ),
            ],
        );
    }

    /// What one purge deleted (every table, zeros too, so each series
    /// exists from the first purge).
    pub fn purged(&self, purged: &Purged) {
        for (table, rows) in [
            ("challenges", purged.challenges),
            ("outbox", purged.messages),
            ("trusted_devices", purged.trusted_devices),
            ("audit_events", purged.audit_events),
            ("webauthn_ceremonies", purged.webauthn_ceremonies),
            ("sessions", purged.sessions),
        ] {
            self.purged
                .add(rows, &[KeyValue::new("tollgate.table", table)]);
        }
    }

    /// The open-challenge count the gauge reports.
    pub fn set_open_challenges(&self, count: u64) {
        self.open_challenges.store(count, Ordering::Relaxed);
    }
}

impl AuditObserver for Metrics {
    fn recorded(&self, kind: &'static str, _outcome: Outcome) {
        if kind == "user.locked_out" {
            self.lockouts.add(1, &[]);
        }
    }

    fn send_refused(&self, scope: &'static str) {
        self.sends_refused
            .add(1, &[KeyValue::new("tollgate.scope", scope)]);
    }

    fn skipped(&self, _kind: &'static str, reason: &'static str) {
        self.audit_skipped
            .add(1, &[KeyValue::new("tollgate.reason", reason)]);
    }
}

/// Serves `GET /metrics` in Prometheus' text format until `stop` completes.
pub async fn serve_prometheus(
    listener: TcpListener,
    registry: prometheus::Registry,
    stop: impl std::future::Future<Output = ()>,
) {
    if let Ok(addr) = listener.local_addr() {
        tracing::info!(%addr, "serving Prometheus metrics at /metrics");
    }
    tokio::pin!(stop);
    loop {
        let (stream, _): (_, SocketAddr) = tokio::select! {
            () = &mut stop => return,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    tracing::warn!(error = %e, "metrics endpoint: accept failed");
                    continue;
                }
            },
        };
        let registry = registry.clone();
        tokio::spawn(async move {
            let service =
                hyper::service::service_fn(move |request: Request<hyper::body::Incoming>| {
                    let response = scrape(&registry, &request);
                    async move { Ok::<_, Infallible>(response) }
                });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

fn scrape<B>(registry: &prometheus::Registry, request: &Request<B>) -> Response<Full<Bytes>> {
    let reply = |status: StatusCode, content_type: &'static str, body: Vec<u8>| {
        let mut response = Response::new(Full::new(Bytes::from(body)));
        *response.status_mut() = status;
        if let Ok(value) = content_type.parse() {
            response
                .headers_mut()
                .insert(hyper::header::CONTENT_TYPE, value);
        }
        response
    };
    if request.uri().path() != "/metrics" {
        return reply(
            StatusCode::NOT_FOUND,
            "text/plain",
            b"try /metrics\n".to_vec(),
        );
    }
    if request.method() != HttpMethod::GET && request.method() != HttpMethod::HEAD {
        return reply(StatusCode::METHOD_NOT_ALLOWED, "text/plain", Vec::new());
    }
    let encoder = prometheus::TextEncoder::new();
    match encoder.encode_to_string(&registry.gather()) {
        Ok(text) => reply(
            StatusCode::OK,
            "text/plain; version=0.0.4; charset=utf-8",
            text.into_bytes(),
        ),
        Err(e) => reply(
            StatusCode::INTERNAL_SERVER_ERROR,
            "text/plain",
            e.to_string().into_bytes(),
        ),
    }
}
