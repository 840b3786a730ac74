//! Start-up and serving: open storage and keys ([`App::open`]), bind the
//! listeners ([`Listeners::bind`]), and serve until shutdown ([`run`]).
//! `main` and the integration tests call these same functions.
use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::net::{TcpListener, UnixListener};
use tokio_stream::wrappers::{TcpListenerStream, UnixListenerStream};
use tollgate_domain::Clock;
use tollgate_domain::service::Service;
use tollgate_domain::tenant_policy::TenantPolicy;
use tollgate_domain::webauthn::RelyingParties;
use tollgate_storage::SeaStore;
use tonic::transport::server::Router;
use tonic::transport::{Certificate, Identity as TlsIdentity, Server, ServerTlsConfig};
use tonic_health::ServingStatus;
use tonic_health::server::HealthReporter;
use tower::layer::util::{Identity, Stack};

use crate::access::{AccessLayer, Gate};
use crate::config::{ConnectionConfig, Keepalive, PurgeConfig, ServerConfig, TlsConfig};
use crate::connections::{CallCountLayer, Incoming};
use crate::dispatch::{Dispatcher, DispatcherSettings};
use crate::grpc::Api;
use crate::keys::{self, KeyError};
use crate::pb;
use crate::telemetry::{Metrics, RpcTelemetryLayer};
use crate::transports::{self, TransportError};
use crate::workers::WorkerPool;

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Keys(#[from] KeyError),
    #[error(transparent)]
    Storage(#[from] tollgate_storage::StorageError),
    #[error(transparent)]
    Transport(#[from] TransportError),
    #[error("could not listen on {what}: {reason}")]
    Bind { what: String, reason: String },
    #[error("TLS could not be set up: {0}")]
    Tls(String),
    #[error("reflection could not be set up: {0}")]
    Reflection(String),
    #[error("the gRPC server failed: {0}")]
    Serve(String),
    #[error("could not listen for the shutdown signal {0}")]
    Signal(String),
}

/// Everything opened at start: storage (migrated), keys, the services.
pub struct App {
    api: Api,
    clock: Arc<dyn Clock>,
    keyring: Arc<tollgate_domain::secret::Keyring>,
    callers: Vec<crate::access::ConfiguredCaller>,
    dispatcher: Dispatcher,
    store: SeaStore,
    metrics: Metrics,
    shutdown_grace: std::time::Duration,
    purge: PurgeConfig,
    /// What `--metrics-addr` serves; empty unless telemetry was set up.
    registry: prometheus::Registry,
}

impl App {
    /// Loads the keys, connects to the database and applies migrations.
    pub async fn open(config: &ServerConfig, clock: Arc<dyn Clock>) -> Result<Self, StartError> {
        let keyring = Arc::new(keys::load(config)?);
        let store = tollgate_storage::open(&config.database_url).await?;
        let policy = TenantPolicy::with_issuer(&config.issuer);
        let dispatcher = Dispatcher::new(DispatcherSettings {
            product: config.issuer.clone(),
            templates: transports::templates(&config.delivery)?,
            email: transports::email(&config.delivery, &clock)?,
            sms: transports::sms(&config.delivery, &clock)?,
            ack_timeout: chrono::TimeDelta::seconds(i64::from(config.outbox_ack_timeout)),
            send_timeout: std::time::Duration::from_secs(u64::from(
                config.delivery.delivery_timeout,
            )),
        });
        let metrics = Metrics::from_global();
        let core = Service::new(
            Arc::new(store.clone()),
            WorkerPool::start().map_err(|e| StartError::Serve(e.to_string()))?,
            clock.clone(),
            keyring.clone(),
            policy,
        )
        .with_confirm_link_base(config.confirm_link_base.clone())
        .with_relying_parties(RelyingParties::new(
            config
                .relying_parties
                .iter()
                .map(|e| (e.tenant.clone(), e.audience.clone(), e.relying_party()))
                .collect(),
        ))
        .with_audit_observer(Arc::new(metrics.clone()));
        Ok(Self {
            api: Api::new(Arc::new(core), dispatcher.clone(), metrics.clone()),
            clock,
            keyring,
            callers: config.callers.clone(),
            dispatcher,
            store,
            metrics,
            shutdown_grace: config.shutdown_grace,
            purge: config.purge,
            registry: prometheus::Registry::new(),
        })
    }

    /// The registry `--metrics-addr` serves (from [`crate::telemetry::init`]).
    pub fn with_metrics_registry(mut self, registry: prometheus::Registry) -> Self {
        self.registry = registry;
        self
    }

    /// The use cases, for commands that run one without serving.
    pub fn core(&self) -> Arc<crate::workers::Core> {
        self.api.core()
    }

    /// The secret keys, current and previous.
    pub fn keyring(&self) -> &tollgate_domain::secret::Keyring {
        &self.keyring
    }

    /// The storage, for tests that inspect what was written.
    pub fn store(&self) -> &SeaStore {
        &self.store
    }
}

/// The sockets the server accepts connections on.
pub struct Listeners {
    unix: Option<(UnixListener, PathBuf)>,
    /// The socket's owner and group, admitted when no callers are configured.
    socket_owner: Option<(u32, u32)>,
    tcp: Option<TcpListener>,
    tls: Option<ServerTlsConfig>,
    metrics: Option<TcpListener>,
    connections: ConnectionConfig,
}

impl Listeners {
    /// Binds the configured Unix socket (mode 0660 from the first moment)
    /// and TCP address.
    pub async fn bind(config: &ServerConfig) -> Result<Self, StartError> {
        let unix = match &config.socket {
            Some(path) => Some((bind_unix(path)?, path.clone())),
            None => None,
        };
        let tcp = match config.listen {
            Some(addr) => Some(
                TcpListener::bind(addr)
                    .await
                    .map_err(|e| StartError::Bind {
                        what: addr.to_string(),
                        reason: e.to_string(),
                    })?,
            ),
            None => None,
        };
        let tls = config.tls.as_ref().map(tls_config).transpose()?;
        let metrics = match config.telemetry.metrics_addr {
            Some(addr) => Some(
                TcpListener::bind(addr)
                    .await
                    .map_err(|e| StartError::Bind {
                        what: format!("{addr} (metrics)"),
                        reason: e.to_string(),
                    })?,
            ),
            None => None,
        };
        let socket_owner = unix.as_ref().and_then(|(_, path)| socket_owner(path));
        Ok(Self {
            unix,
            socket_owner,
            tcp,
            tls,
            metrics,
            connections: config.connections,
        })
    }

    /// The bound TCP address (useful with port 0).
    pub fn tcp_addr(&self) -> Option<SocketAddr> {
        self.tcp.as_ref().and_then(|l| l.local_addr().ok())
    }

    /// The bound address of the Prometheus endpoint (useful with port 0).
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics.as_ref().and_then(|l| l.local_addr().ok())
    }
}

/// Reads the certificate, key and optional client CA for the TCP listener.
fn tls_config(tls: &TlsConfig) -> Result<ServerTlsConfig, StartError> {
    let read = |path: &Path| {
        std::fs::read(path).map_err(|e| StartError::Tls(format!("{}: {e}", path.display())))
    };
    let identity = TlsIdentity::from_pem(read(&tls.cert_file)?, read(&tls.key_file)?);
    let mut config = ServerTlsConfig::new().identity(identity);
    if let Some(ca) = &tls.client_ca_file {
        config = config.client_ca_root(Certificate::from_pem(read(ca)?));
    }
    Ok(config)
}

/// Binds the socket with its final mode from the first moment: it is
/// bound inside a fresh directory only this user can enter, given mode
/// 0660 there, then renamed into place, so nobody can connect to it while
/// it has the process umask's mode.
fn bind_unix(path: &Path) -> Result<UnixListener, StartError> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    let err = |reason: String| StartError::Bind {
        what: path.display().to_string(),
        reason,
    };
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        use std::os::unix::fs::FileTypeExt;
        if !meta.file_type().is_socket() {
            return Err(err(
                "the path exists and is not a socket; refusing to replace it".to_owned(),
            ));
        }
        if std::os::unix::net::UnixStream::connect(path).is_ok() {
            return Err(err("another server is listening on it".to_owned()));
        }
        // A socket nobody answers on is left over from a server that died.
        std::fs::remove_file(path)
            .map_err(|e| err(format!("could not remove the stale socket: {e}")))?;
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut suffix = [0u8; 6];
    tollgate_domain::random::fill(&mut suffix).map_err(|e| err(e.to_string()))?;
    let private = parent.join(format!(
        ".tollgate-bind-{}",
        tollgate_domain::secret::hex_lower(&suffix)
    ));
    std::fs::DirBuilder::new()
        .mode(0o700)
        .create(&private)
        .map_err(|e| err(format!("could not create {}: {e}", private.display())))?;
    let staged = private.join("s");
    let bound = UnixListener::bind(&staged)
        .map_err(|e| err(e.to_string()))
        .and_then(|listener| {
            std::fs::set_permissions(&staged, std::fs::Permissions::from_mode(0o660))
                .map_err(|e| err(e.to_string()))?;
            std::fs::rename(&staged, path).map_err(|e| err(e.to_string()))?;
            Ok(listener)
        });
    let _ = std::fs::remove_file(&staged);
    let _ = std::fs::remove_dir(&private);
    bound
}

/// The socket's owner and group: who its mode lets in.
fn socket_owner(path: &Path) -> Option<(u32, u32)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.uid(), m.gid()))
}

async fn set_all(reporter: &HealthReporter, status: ServingStatus) {
    for service in [
        "",
        "tollgate.v1.EnrollmentService",
        "tollgate.v1.ChallengeService",
        "tollgate.v1.RecoveryService",
        "tollgate.v1.PolicyService",
        "tollgate.v1.DeliveryService",
    ] {
        reporter.set_service_status(service, status).await;
    }
}

/// What every call passes through before its service: the count of its
/// connection's calls in progress (for the idle timeout), telemetry, so
/// refused calls are measured and traced too, then the trust boundary.
type Layers = Stack<AccessLayer, Stack<RpcTelemetryLayer, Stack<CallCountLayer, Identity>>>;

fn router(
    api: &Api,
    health: &tonic_health::pb::health_server::HealthServer<
        impl tonic_health::pb::health_server::Health,
    >,
    tls: Option<ServerTlsConfig>,
    keepalive: Option<Keepalive>,
    metrics: &Metrics,
    gate: &Arc<Gate>,
) -> Result<Router<Layers>, StartError> {
    let reflection = || {
        tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(pb::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
    };
    let v1 = reflection()
        .build_v1()
        .map_err(|e| StartError::Reflection(e.to_string()))?;
    let v1alpha = reflection()
        .build_v1alpha()
        .map_err(|e| StartError::Reflection(e.to_string()))?;
    let mut builder = Server::builder().max_concurrent_streams(MAX_CONCURRENT_STREAMS);
    if let Some(keepalive) = keepalive {
        builder = builder
            .http2_keepalive_interval(Some(keepalive.interval))
            .http2_keepalive_timeout(Some(keepalive.timeout));
    }
    if let Some(tls) = tls {
        builder = builder
            .tls_config(tls)
            .map_err(|e| StartError::Tls(e.to_string()))?;
    }
    Ok(builder
        .layer(CallCountLayer)
        .layer(RpcTelemetryLayer::new(metrics.clone()))
        .layer(AccessLayer::new(gate.clone()))
        .add_service(health.clone())
        .add_service(v1)
        .add_service(v1alpha)
        .add_service(pb::enrollment_service_server::EnrollmentServiceServer::new(
            api.clone(),
        ))
        .add_service(pb::challenge_service_server::ChallengeServiceServer::new(
            api.clone(),
        ))
        .add_service(pb::recovery_service_server::RecoveryServiceServer::new(
            api.clone(),
        ))
        .add_service(pb::policy_service_server::PolicyServiceServer::new(
            api.clone(),
        ))
        .add_service(pb::delivery_service_server::DeliveryServiceServer::new(
            api.clone(),
        )))
}

/// Serves until `shutdown` completes, then stops accepting, lets in-flight
/// calls finish, and removes the Unix socket.
pub async fn run(
    app: App,
    listeners: Listeners,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), StartError> {
    let Listeners {
        unix,
        socket_owner,
        tcp,
        tls,
        metrics,
        connections,
    } = listeners;
    let (reporter, health) = tonic_health::server::health_reporter();
    set_all(&reporter, ServingStatus::Serving).await;
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut background = Background::spawn(&app, &reporter, metrics, &stop_rx);
    let gate = Arc::new(Gate::new(
        app.callers.clone(),
        socket_owner,
        app.store.clone(),
        app.keyring.clone(),
        app.clock.clone(),
    ));
    let mut servers = tokio::task::JoinSet::new();
    let mut socket_path = None;
    if let Some((listener, path)) = unix {
        tracing::info!(socket = %path.display(), "serving gRPC on a Unix socket");
        // No keepalive on the socket: the kernel closes a dead process's end
        // at once, and a live peer that is merely stopped (a debugger, a
        // frozen container) keeps its connection.
        let incoming = Incoming::new(
            UnixListenerStream::new(listener),
            "unix socket",
            connections.max_connections,
            connections.idle_timeout,
        );
        let serve = router(&app.api, &health, None, None, &app.metrics, &gate)?
            .serve_with_incoming_shutdown(incoming, stopped(&stop_rx));
        servers.spawn(serve);
        socket_path = Some(path);
    }
    if let Some(listener) = tcp {
        if let Ok(addr) = listener.local_addr() {
            tracing::info!(%addr, tls = tls.is_some(), "serving gRPC on TCP");
        }
        let incoming = Incoming::new(
            TcpListenerStream::new(listener),
            "tcp",
            connections.max_connections,
            connections.idle_timeout,
        );
        let serve = router(
            &app.api,
            &health,
            tls,
            connections.keepalive,
            &app.metrics,
            &gate,
        )?
        .serve_with_incoming_shutdown(incoming, stopped(&stop_rx));
        servers.spawn(serve);
    }

    shutdown.await;
    tracing::info!("shutting down: no new connections, finishing calls in flight");
    let _ = stop_tx.send(true);
    background.storage_watch_stopped().await;
    set_all(&reporter, ServingStatus::NotServing).await;
    app.dispatcher.shut_down();
    let failure = drain(servers, app.shutdown_grace).await;
    background.finish().await;
    if let Some(path) = socket_path {
        let _ = std::fs::remove_file(&path);
    }
    app.store.close().await;
    tracing::info!("stopped");
    failure.map_or(Ok(()), Err)
}

/// Completes once `stop` says the server is stopping.
fn stopped(stop: &tokio::sync::watch::Receiver<bool>) -> impl Future<Output = ()> + Send + 'static {
    let mut stop = stop.clone();
    async move {
        let _ = stop.wait_for(|stop| *stop).await;
    }
}

/// The tasks that run beside the gRPC servers until `stop` says so.
struct Background {
    worker: tokio::task::JoinHandle<()>,
    gauges: tokio::task::JoinHandle<()>,
    purges: Option<tokio::task::JoinHandle<()>>,
    storage_watch: tokio::task::JoinHandle<()>,
}

impl Background {
    /// Starts the delivery worker, the gauges, the periodic purge (when
    /// configured), the storage watch and the Prometheus endpoint (when
    /// `metrics` is bound).
    fn spawn(
        app: &App,
        reporter: &HealthReporter,
        metrics: Option<TcpListener>,
        stop: &tokio::sync::watch::Receiver<bool>,
    ) -> Self {
        let worker = tokio::spawn(app.dispatcher.clone().run_worker(app.api.core()));
        let gauges = tokio::spawn(refresh_gauges(
            app.api.core(),
            app.metrics.clone(),
            stopped(stop),
        ));
        let purges = app.purge.interval.map(|interval| {
            tokio::spawn(purge_periodically(
                app.api.core(),
                app.metrics.clone(),
                app.purge.retention,
                interval,
                stopped(stop),
            ))
        });
        let storage_watch = tokio::spawn(watch_storage(
            app.store.clone(),
            reporter.clone(),
            stop.clone(),
        ));
        if let Some(listener) = metrics {
            tokio::spawn(crate::telemetry::serve_prometheus(
                listener,
                app.registry.clone(),
                stopped(stop),
            ));
        }
        Self {
            worker,
            gauges,
            purges,
            storage_watch,
        }
    }

    /// Waits for the storage watch to stop, so that it cannot say SERVING
    /// again once health says NOT_SERVING.
    async fn storage_watch_stopped(&mut self) {
        let _ = (&mut self.storage_watch).await;
    }

    /// Waits for the worker, the gauges and the purge to stop.
    async fn finish(self) {
        let _ = self.worker.await;
        let _ = self.gauges.await;
        if let Some(purges) = self.purges {
            let _ = purges.await;
        }
    }
}

/// Lets the servers finish their calls in flight for up to `grace`, then
/// closes what is still open. Gives the last failure a server reported.
async fn drain(
    mut servers: tokio::task::JoinSet<Result<(), tonic::transport::Error>>,
    grace: std::time::Duration,
) -> Option<StartError> {
    let mut failure = None;
    let drained = tokio::time::timeout(grace, async {
        while let Some(result) = servers.join_next().await {
            match result {
                Ok(Ok(())) => {}
                Ok(Err(e)) => failure = Some(StartError::Serve(e.to_string())),
                Err(e) => failure = Some(StartError::Serve(e.to_string())),
            }
        }
    })
    .await;
    if drained.is_err() {
        // A client that keeps a connection open (or never speaks) must not
        // hold the exit: past the grace period the rest are closed.
        tracing::warn!(
            grace_seconds = grace.as_secs(),
            "connections still open after the shutdown grace period: closing them"
        );
        servers.abort_all();
        while servers.join_next().await.is_some() {}
    }
    failure
}

/// Calls one connection may have in flight (HTTP/2 `MAX_CONCURRENT_STREAMS`).
/// gRPC clients queue calls beyond it on their side, so a client with
/// thousands of calls at once waits instead of costing the server memory
/// for each (about 17 KiB per call in flight: 1,000 at once took the
/// server to 34 MiB, 4,000 to 80 MiB and failed calls). Two cores are busy
/// long before this many calls run at once.
const MAX_CONCURRENT_STREAMS: u32 = 128;

/// How often the database is checked for the health service.
const STORAGE_CHECK: std::time::Duration = std::time::Duration::from_secs(1);
/// A check that takes longer than this counts as a failure.
const STORAGE_CHECK_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(3);

/// Reports NOT_SERVING on every health service while the database does not
/// answer, and SERVING again once it does, until the server stops. The pool
/// reconnects by itself; this only tells load balancers and probes.
async fn watch_storage(
    store: SeaStore,
    reporter: HealthReporter,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let mut serving = true;
    loop {
        let answered = matches!(
            tokio::time::timeout(STORAGE_CHECK_TIMEOUT, store.probe()).await,
            Ok(true)
        );
        if *stop.borrow() {
            return;
        }
        if answered != serving {
            serving = answered;
            if answered {
                tracing::info!("the database answers again: serving");
                set_all(&reporter, ServingStatus::Serving).await;
            } else {
                tracing::warn!("the database does not take work: not serving until it does");
                set_all(&reporter, ServingStatus::NotServing).await;
            }
        }
        tokio::select! {
            _ = stop.wait_for(|stop| *stop) => return,
            () = tokio::time::sleep(STORAGE_CHECK) => {}
        }
    }
}

/// How often the open-challenge gauge is brought up to date.
const GAUGE_REFRESH: std::time::Duration = std::time::Duration::from_secs(15);

/// Keeps the gauges that need a query current, until `stop` completes.
async fn refresh_gauges(
    core: Arc<crate::workers::Core>,
    metrics: Metrics,
    stop: impl Future<Output = ()>,
) {
    tokio::pin!(stop);
    loop {
        match core.open_challenges().await {
            Ok(count) => metrics.set_open_challenges(count),
            Err(e) => tracing::debug!(reason = e.reason(), "could not count open challenges"),
        }
        tokio::select! {
            () = &mut stop => return,
            () = tokio::time::sleep(GAUGE_REFRESH) => {}
        }
    }
}

/// Deletes what `retention` lets go, once at start and then every
/// `interval`, until `stop` completes. A purge that fails (the database is
/// away) is tried again at the next interval; one cut short by the stop
/// leaves whole batches behind, each deleted or not.
async fn purge_periodically(
    core: Arc<crate::workers::Core>,
    metrics: Metrics,
    retention: tollgate_domain::retention::Retention,
    interval: std::time::Duration,
    stop: impl Future<Output = ()>,
) {
    tokio::pin!(stop);
    loop {
        tokio::select! {
            () = &mut stop => return,
            result = core.purge(&retention) => match result {
                Ok(purged) if purged.total() > 0 => {
                    metrics.purged(&purged);
                    tracing::info!(
                    challenges = purged.challenges,
                    messages = purged.messages,
                    trusted_devices = purged.trusted_devices,
                    audit_events = purged.audit_events,
                    webauthn_ceremonies = purged.webauthn_ceremonies,
                    sessions = purged.sessions,
                    "purged expired rows"
                    );
                }
                Ok(purged) => metrics.purged(&purged),
                Err(e) => tracing::warn!(
                    reason = e.reason(),
                    "could not purge expired rows; trying again at the next interval"
                ),
            },
        }
        tokio::select! {
            () = &mut stop => return,
            () = tokio::time::sleep(interval) => {}
        }
    }
}

/// Listens for SIGTERM and Ctrl-C (SIGINT) from the moment it is called and
/// returns what completes on the first of them. Call it before the listeners
/// are bound: until a handler is registered, SIGTERM takes its default action
/// and kills the process, so one sent as soon as the socket appears would end
/// the server without a graceful stop (no exit 0, the socket left behind).
pub fn shutdown_signal() -> Result<impl Future<Output = ()> + Send + 'static, StartError> {
    use tokio::signal::unix::{SignalKind, signal};
    let listen = |kind: SignalKind, name: &str| {
        signal(kind).map_err(|e| StartError::Signal(format!("{name}: {e}")))
    };
    let mut term = listen(SignalKind::terminate(), "SIGTERM")?;
    let mut interrupt = listen(SignalKind::interrupt(), "SIGINT")?;
    Ok(async move {
        tokio::select! {
            _ = term.recv() => {}
            _ = interrupt.recv() => {}
        }
    })
}
