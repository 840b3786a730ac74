//! Telemetry from the real binary: spans and metrics received by an in-test
//! OTLP/gRPC collector, W3C trace context continued from the caller, and the
//! Prometheus scrape endpoint. Nothing secret may reach an attribute.
use std::collections::HashMap;
use std::process::Command;
use std::sync::{Arc, Mutex};

use opentelemetry_proto::tonic::collector::metrics::v1::metrics_service_server::{
    MetricsService, MetricsServiceServer,
};
use opentelemetry_proto::tonic::collector::metrics::v1::{
    ExportMetricsServiceRequest, ExportMetricsServiceResponse,
};
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{
    TraceService, TraceServiceServer,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use opentelemetry_proto::tonic::common::v1::any_value::Value;
use opentelemetry_proto::tonic::trace::v1::Span;
use opentelemetry_proto::tonic::trace::v1::span::SpanKind;
use tokio_stream::wrappers::TcpListenerStream;
use tollgate::pb;
use tollgate::pb::challenge_service_client::ChallengeServiceClient;
use tollgate::pb::enrollment_service_client::EnrollmentServiceClient;
use tonic::{Request, Response, Status};

use crate::enrollment::enrol_over;
use crate::support::{ServerProcess, authenticator_code, reason, uds_channel, until};

/// What the collector received.
#[derive(Default)]
struct Received {
    spans: Vec<Span>,
    metric_names: Vec<String>,
}

#[derive(Clone, Default)]
struct Collector(Arc<Mutex<Received>>);

#[tonic::async_trait]
impl TraceService for Collector {
    async fn export(
        &self,
        request: Request<ExportTraceServiceRequest>,
    ) -> Result<Response<ExportTraceServiceResponse>, Status> {
        let spans = request
            .into_inner()
            .resource_spans
            .into_iter()
            .flat_map(|r| r.scope_spans)
            .flat_map(|s| s.spans);
        self.0.lock().unwrap().spans.extend(spans);
        Ok(Response::new(ExportTraceServiceResponse::default()))
    }
}

#[tonic::async_trait]
impl MetricsService for Collector {
    async fn export(
        &self,
        request: Request<ExportMetricsServiceRequest>,
    ) -> Result<Response<ExportMetricsServiceResponse>, Status> {
        let names = request
            .into_inner()
            .resource_metrics
            .into_iter()
            .flat_map(|r| r.scope_metrics)
            .flat_map(|s| s.metrics)
            .map(|m| m.name);
        self.0.lock().unwrap().metric_names.extend(names);
        Ok(Response::new(ExportMetricsServiceResponse::default()))
    }
}

impl Collector {
    /// Listens on a loopback port; returns the endpoint URL.
    async fn start(&self) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let router = tonic::transport::Server::builder()
            .add_service(TraceServiceServer::new(self.clone()))
            .add_service(MetricsServiceServer::new(self.clone()));
        tokio::spawn(router.serve_with_incoming(TcpListenerStream::new(listener)));
        format!("http://{addr}")
    }

    /// Waits until `done` holds for what was received (exports are batched).
    async fn wait_for(&self, what: &str, done: impl Fn(&Received) -> bool) {
        let what = format!("the collector to receive {what}");
        until(&what, async || done(&self.0.lock().unwrap())).await;
    }
}

fn attributes(span: &Span) -> HashMap<String, String> {
    span.attributes
        .iter()
        .map(|kv| {
            let value = match kv.value.as_ref().and_then(|v| v.value.as_ref()) {
                Some(Value::StringValue(s)) => s.clone(),
                Some(Value::IntValue(i)) => i.to_string(),
                Some(Value::BoolValue(b)) => b.to_string(),
                other => format!("{other:?}"),
            };
            (kv.key.clone(), value)
        })
        .collect()
}

/// A free loopback port for the scrape endpoint.
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

async fn scrape(port: u16) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    stream
        .write_all(b"GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    response
}

const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT_SPAN_ID: &str = "00f067aa0ba902b7";

// Several threads: the collector must keep answering while the test thread
// waits for the server to exit (its last flush goes to the collector).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spans_and_metrics_reach_an_otlp_collector_and_prometheus() {
    let collector = Collector::default();
    let endpoint = collector.start().await;
    let metrics_port = free_port();
    let dir = tempfile::Builder::new().prefix("tg").tempdir().unwrap();
    let socket = dir.path().join("t.sock");
    let database = format!("sqlite://{}", dir.path().join("t.db").display());
    let mut command = Command::new(env!("CARGO_BIN_EXE_tollgate"));
    command
        .args(["serve", "--otlp-endpoint", &endpoint, "--metrics-addr"])
        .arg(format!("127.0.0.1:{metrics_port}"))
        // Export within the test's patience, not after the 5 s / 60 s defaults.
        .env("OTEL_BSP_SCHEDULE_DELAY", "100")
        .env("OTEL_METRIC_EXPORT_INTERVAL", "200");
    let server = ServerProcess::start_with(&database, &socket, command).await;
    let channel = uds_channel(&socket).await;
    let mut enrollment = EnrollmentServiceClient::new(channel.clone());

    let begun = enrollment
        .begin_totp(pb::BeginTotpRequest {
            tenant_id: "acme".into(),
            user_id: "alice".into(),
            account_name: "alice@acme.example".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let mut confirm = Request::new(pb::ConfirmTotpRequest {
        tenant_id: "acme".into(),
        user_id: "alice".into(),
        code: "000000".into(),
        ..Default::default()
    });
    confirm.metadata_mut().insert(
        "traceparent",
        format!("00-{TRACE_ID}-{PARENT_SPAN_ID}-01")
            .parse()
            .unwrap(),
    );
    let status = enrollment.confirm_totp(confirm).await.unwrap_err();
    assert_eq!(reason(&status), "CODE_MISMATCH");
    let mut challenges = ChallengeServiceClient::new(channel.clone());
    let status = challenges
        .clone()
        .verify_challenge(pb::VerifyChallengeRequest {
            tenant_id: "acme".into(),
            user_id: "alice".into(),
            challenge_id: "0123456789abcdef0123456789abcdef".into(),
            method: pb::Method::Totp as i32,
            code: "123456".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(reason(&status), "CHALLENGE_NOT_FOUND");

    // Bob enrols, then types wrong codes until he is locked out.
    #[allow(clippy::disallowed_methods)] // the server process runs on the wall clock
    let now = chrono::Utc::now().timestamp();
    let (bob_secret, _) = enrol_over(channel.clone(), "bob", now).await;
    let challenge = challenges
        .begin_challenge(pb::BeginChallengeRequest {
            user_id: "bob".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let wrong = authenticator_code(&bob_secret, now - 3600);
    let mut last = String::new();
    for _ in 0..5 {
        let status = challenges
            .verify_challenge(pb::VerifyChallengeRequest {
                user_id: "bob".into(),
                challenge_id: challenge.challenge_id.clone(),
                method: pb::Method::Totp as i32,
                code: wrong.clone(),
                ..Default::default()
            })
            .await
            .unwrap_err();
        last = reason(&status);
    }
    assert_eq!(last, "LOCKED_OUT");
    // One more while locked: answered, counted, not written to the audit log.
    let locked = challenges
        .verify_challenge(pb::VerifyChallengeRequest {
            user_id: "bob".into(),
            challenge_id: challenge.challenge_id.clone(),
            method: pb::Method::Totp as i32,
            code: wrong.clone(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(reason(&locked), "LOCKED_OUT");

    collector
        .wait_for("the ConfirmTotp span", |r| {
            r.spans
                .iter()
                .any(|s| s.name == "tollgate.v1.EnrollmentService/ConfirmTotp")
        })
        .await;
    let spans = collector.0.lock().unwrap().spans.clone();
    let span = spans
        .iter()
        .find(|s| s.name == "tollgate.v1.EnrollmentService/ConfirmTotp")
        .unwrap();
    assert_eq!(span.kind, SpanKind::Server as i32);
    assert_eq!(
        hex::encode(&span.trace_id),
        TRACE_ID,
        "continues the caller's trace"
    );
    assert_eq!(hex::encode(&span.parent_span_id), PARENT_SPAN_ID);
    let confirm_attributes = attributes(span);
    for (key, value) in [
        ("rpc.system", "grpc"),
        ("rpc.service", "tollgate.v1.EnrollmentService"),
        ("rpc.method", "ConfirmTotp"),
        ("rpc.grpc.status_code", "3"),
        ("tollgate.tenant", "acme"),
        ("tollgate.outcome", "error"),
        ("tollgate.reason", "CODE_MISMATCH"),
    ] {
        assert_eq!(
            confirm_attributes.get(key).map(String::as_str),
            Some(value),
            "{key}"
        );
    }
    let begin = spans
        .iter()
        .find(|s| s.name == "tollgate.v1.EnrollmentService/BeginTotp")
        .expect("a span for BeginTotp");
    assert_eq!(
        attributes(begin)
            .get("tollgate.outcome")
            .map(String::as_str),
        Some("ok")
    );
    assert_ne!(
        hex::encode(&begin.trace_id),
        TRACE_ID,
        "a call without context starts a trace"
    );
    // No secret, code or user id in any attribute or event of any span.
    for span in &spans {
        let text = format!("{span:?}");
        for secret in [
            begun.secret_base32.as_str(),
            bob_secret.as_str(),
            wrong.as_str(),
            challenge.challenge_id.as_str(),
            "000000",
            "123456",
            "0123456789abcdef0123456789abcdef",
            "alice",
        ] {
            assert!(
                !text.contains(secret),
                "{secret:?} leaked into span {}",
                span.name
            );
        }
    }

    collector
        .wait_for("the metrics", |r| {
            ["rpc.server.call.duration", "tollgate.verifications"]
                .iter()
                .all(|name| r.metric_names.iter().any(|n| n == name))
        })
        .await;

    let scraped = scrape(metrics_port).await;
    for expected in [
        "# TYPE rpc_server_call_duration_seconds histogram",
        r#"rpc_grpc_status_code="3""#,
        r#"rpc_method="ConfirmTotp""#,
        r#"tollgate_verifications_total{tollgate_method="totp",tollgate_outcome="challenge_not_found"} 1"#,
        "# TYPE tollgate_challenges_active gauge",
        "tollgate_lockouts_total 1",
        r#"tollgate_audit_skipped_total{tollgate_reason="LOCKED_OUT"} 1"#,
        // The purge at start found nothing expired.
        r#"tollgate_purged_total{tollgate_table="challenges"} 0"#,
        r#"tollgate_purged_total{tollgate_table="audit_events"} 0"#,
        r#"tollgate_verifications_total{tollgate_method="totp",tollgate_outcome="locked_out"} 2"#,
    ] {
        assert!(
            scraped.contains(expected),
            "{expected:?} missing from:\n{scraped}"
        );
    }
    assert!(!scraped.contains(&begun.secret_base32));
    drop(server);
}
