//! A tower layer around every gRPC service: one server span per call, named
//! and attributed after OpenTelemetry's RPC conventions (`rpc.system`,
//! `rpc.service`, `rpc.method`, `rpc.grpc.status_code`), continuing the
//! caller's W3C trace context (`traceparent` metadata), and the latency
//! histogram. The handlers add `tollgate.tenant`, `tollgate.outcome` and
//! `tollgate.reason` to the same span; nothing else from a request (never a
//! code, secret or token) becomes an attribute.
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use opentelemetry::propagation::Extractor;
use tonic::codegen::http;
use tower::{Layer, Service};
use tracing::Instrument;
use tracing_opentelemetry::OpenTelemetrySpanExt;

use super::Metrics;

/// Adds [`RpcTelemetry`] to each service.
#[derive(Clone)]
pub struct RpcTelemetryLayer {
    metrics: Metrics,
}

impl RpcTelemetryLayer {
    pub fn new(metrics: Metrics) -> Self {
        Self { metrics }
    }
}

impl<S> Layer<S> for RpcTelemetryLayer {
    type Service = RpcTelemetry<S>;

    fn layer(&self, inner: S) -> Self::Service {
        RpcTelemetry {
            inner,
            metrics: self.metrics.clone(),
        }
    }
}

/// The span and the latency of one service's calls.
#[derive(Clone)]
pub struct RpcTelemetry<S> {
    inner: S,
    metrics: Metrics,
}

/// Reads W3C trace context from request headers (gRPC metadata).
struct HeaderExtractor<'a>(&'a http::HeaderMap);

impl Extractor for HeaderExtractor<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|v| v.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(http::HeaderName::as_str).collect()
    }
}

/// `/pkg.Service/Method` as (`pkg.Service`, `Method`); names are bounded
/// so a hostile path cannot blow up metric cardinality.
fn service_and_method(path: &str) -> (String, String) {
    let bounded = |s: &str| s.get(..128).unwrap_or(s).to_owned();
    match path.trim_start_matches('/').split_once('/') {
        Some((service, method)) => (bounded(service), bounded(method)),
        None => ("unknown".to_owned(), "unknown".to_owned()),
    }
}

/// The gRPC status of a response: `grpc-status` in the headers (how an
/// error usually comes, "trailers-only"), else OK: a failure after the
/// headers travels in trailers this layer does not wait for.
fn grpc_status<B>(response: &http::Response<B>) -> i32 {
    response
        .headers()
        .get("grpc-status")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

const UNIMPLEMENTED: i32 = 12;

/// Whether a server span with this code is an error, per OpenTelemetry's
/// gRPC conventions (a client's mistake, such as a wrong code, is not).
fn is_server_error(code: i32) -> bool {
    // UNKNOWN, DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS
    matches!(code, 2 | 4 | 12 | 13 | 14 | 15)
}

impl<S, ReqBody, ResBody> Service<http::Request<ReqBody>> for RpcTelemetry<S>
where
    S: Service<http::Request<ReqBody>, Response = http::Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    ReqBody: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<ReqBody>) -> Self::Future {
        // The clone is the one ready to take the next call (tower's rule).
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let metrics = self.metrics.clone();
        let (service, method) = service_and_method(request.uri().path());
        // Probes call Health every few seconds: measured, not traced.
        let span = if service == "grpc.health.v1.Health" {
            tracing::Span::none()
        } else {
            tracing::info_span!(
                "rpc",
                otel.name = format!("{service}/{method}"),
                otel.kind = "server",
                otel.status_code = tracing::field::Empty,
                rpc.system = "grpc",
                rpc.service = service.as_str(),
                rpc.method = method.as_str(),
                rpc.grpc.status_code = tracing::field::Empty,
                tollgate.tenant = tracing::field::Empty,
                tollgate.outcome = tracing::field::Empty,
                tollgate.reason = tracing::field::Empty,
            )
        };
        let parent = opentelemetry::global::get_text_map_propagator(|propagator| {
            propagator.extract(&HeaderExtractor(request.headers()))
        });
        let _ = span.set_parent(parent);
        let started = Instant::now();
        let call = inner.call(request);
        Box::pin(
            async move {
                let result = call.await;
                // A transport error never reached a handler: UNKNOWN.
                let code = result.as_ref().map_or(2, grpc_status);
                let span = tracing::Span::current();
                span.record("rpc.grpc.status_code", code);
                if is_server_error(code) {
                    span.record("otel.status_code", "ERROR");
                }
                let elapsed = started.elapsed().as_secs_f64();
                if code == UNIMPLEMENTED {
                    // Any path can be sent: unknown ones share one label.
                    metrics.rpc_finished("unknown", "unknown", code, elapsed);
                } else {
                    metrics.rpc_finished(&service, &method, code, elapsed);
                }
                result
            }
            .instrument(span),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_split_into_service_and_method() {
        assert_eq!(
            service_and_method("/tollgate.v1.ChallengeService/VerifyChallenge"),
            (
                "tollgate.v1.ChallengeService".to_owned(),
                "VerifyChallenge".to_owned()
            )
        );
        assert_eq!(
            service_and_method("garbage"),
            ("unknown".to_owned(), "unknown".to_owned())
        );
        let long = format!("/{}/m", "s".repeat(1000));
        assert_eq!(service_and_method(&long).0.len(), 128);
    }

    #[test]
    fn only_server_faults_mark_the_span_as_an_error() {
        assert!(!is_server_error(0));
        assert!(!is_server_error(3)); // INVALID_ARGUMENT: a wrong code
        assert!(!is_server_error(9)); // FAILED_PRECONDITION
        assert!(is_server_error(13));
        assert!(is_server_error(14));
    }
}
