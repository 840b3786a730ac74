//! Logs, traces and metrics: the `tracing` subscriber (text or JSON logs),
//! OpenTelemetry export over OTLP/gRPC when `--otlp-endpoint` is set, and the
//! meter behind the Prometheus endpoint (`--metrics-addr`).
//!
//! [`init`] installs all of it once per process; in-process tests skip it and
//! get no-op instruments from the global meter.
mod metrics;
mod rpc;

use std::io::IsTerminal;

use opentelemetry::KeyValue;
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::metrics::SdkMeterProvider;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

pub use metrics::{Metrics, serve_prometheus};
pub use rpc::RpcTelemetryLayer;

use crate::config::{LogFormat, ServerConfig};

#[derive(Debug, thiserror::Error)]
pub enum TelemetryError {
    #[error("the OTLP exporter could not be set up: {0}")]
    Otlp(String),
    #[error("the Prometheus exporter could not be set up: {0}")]
    Prometheus(String),
}

/// The installed providers; [`Telemetry::shut_down`] flushes what is queued.
pub struct Telemetry {
    tracer_provider: Option<SdkTracerProvider>,
    meter_provider: Option<SdkMeterProvider>,
    registry: prometheus::Registry,
}

impl Telemetry {
    /// The registry the Prometheus endpoint serves.
    pub fn registry(&self) -> prometheus::Registry {
        self.registry.clone()
    }

    /// Exports what is still queued and stops the exporters. Blocks: call it
    /// off the async workers.
    pub fn shut_down(self) {
        if let Some(Err(e)) = self.tracer_provider.map(|p| p.shutdown()) {
            eprintln!("tollgate: flushing traces failed: {e}");
        }
        if let Some(Err(e)) = self.meter_provider.map(|p| p.shutdown()) {
            eprintln!("tollgate: flushing metrics failed: {e}");
        }
    }
}

fn resource() -> Resource {
    Resource::builder()
        .with_service_name("tollgate")
        .with_attribute(KeyValue::new("service.version", env!("CARGO_PKG_VERSION")))
        .build()
}

/// Installs the subscriber and the OpenTelemetry providers. Must run inside
/// the tokio runtime: the OTLP exporter's gRPC client lives there.
pub fn init(config: &ServerConfig) -> Result<Telemetry, TelemetryError> {
    opentelemetry::global::set_text_map_propagator(TraceContextPropagator::new());
    let endpoint = config.telemetry.otlp_endpoint.as_deref();

    let tracer_provider = match endpoint {
        Some(endpoint) => {
            let exporter = opentelemetry_otlp::SpanExporter::builder()
                .with_tonic()
                .with_endpoint(endpoint)
                .build()
                .map_err(|e| TelemetryError::Otlp(e.to_string()))?;
            Some(
                SdkTracerProvider::builder()
                    .with_batch_exporter(exporter)
                    .with_resource(resource())
                    .build(),
            )
        }
        None => None,
    };

    let registry = prometheus::Registry::new();
    let meter_provider = if endpoint.is_some() || config.telemetry.metrics_addr.is_some() {
        let mut builder = SdkMeterProvider::builder().with_resource(resource());
        if let Some(endpoint) = endpoint {
            let exporter = opentelemetry_otlp::MetricExporter::builder()
                .with_tonic()
                .with_endpoint(endpoint)
                .build()
                .map_err(|e| TelemetryError::Otlp(e.to_string()))?;
            builder = builder.with_periodic_exporter(exporter);
        }
        if config.telemetry.metrics_addr.is_some() {
            let exporter = opentelemetry_prometheus::exporter()
                .with_registry(registry.clone())
                .scope_info_enabled(false)
                .build()
                .map_err(|e| TelemetryError::Prometheus(e.to_string()))?;
            builder = builder.with_reader(exporter);
        }
        let provider = builder.build();
        opentelemetry::global::set_meter_provider(provider.clone());
        Some(provider)
    } else {
        None
    };

    let filter = EnvFilter::try_new(&config.log).unwrap_or_else(|_| EnvFilter::new("info"));
    // Colours only for a person at a terminal: in a file, journald or a
    // container's log collector the escape codes are noise around every
    // field (NO_COLOR, https://no-color.org, turns them off there too).
    let colour = std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let fmt = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(colour);
    let fmt = match config.log_format {
        LogFormat::Json => fmt.json().boxed(),
        LogFormat::Text => fmt.boxed(),
    };
    // Spans go to the collector whatever the log filter says; only the
    // `tollgate` crate's own spans are exported, not every dependency's.
    let otel = tracer_provider.as_ref().map(|provider| {
        tracing_opentelemetry::layer()
            .with_tracer(provider.tracer("tollgate"))
            .with_filter(EnvFilter::new("tollgate=info"))
    });
    let _ = tracing_subscriber::registry()
        .with(fmt.with_filter(filter))
        .with(otel)
        .try_init();

    Ok(Telemetry {
        tracer_provider,
        meter_provider,
        registry,
    })
}
