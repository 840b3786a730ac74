//! The connections a listener holds: at most so many open at once, and
//! each closed once it has had no call in progress for the idle timeout.
//!
//! [`Incoming`] wraps a listener's stream of accepted sockets. It takes a
//! place (a semaphore permit) before it accepts, so at the limit the
//! listener accepts nothing and new clients wait in the kernel's accept
//! queue until an open connection closes; each socket goes out as a
//! [`Connection`] that gives its place back when hyper drops it.
//!
//! A connection's [`Activity`] counts its calls in progress. tonic copies
//! the socket's [`ConnectionInfo`] into every request's extensions, where
//! [`CallCountLayer`], in front of the services, finds it: a call counts
//! from its request until its response body is dropped, so an open
//! StreamOutbox is a call in progress, and HTTP/2 PINGs, which are no
//! requests, are not. The idle timer lives in the socket's read: once it
//! expires with no call in progress, the read reports the end of the
//! stream and hyper closes the connection.
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::{AcquireError, OwnedSemaphorePermit, Semaphore, TryAcquireError};
use tokio::time::{Instant, Sleep};
use tokio_stream::Stream;
use tonic::codegen::{Bytes, http};
use tonic::transport::server::{Connected, TcpConnectInfo, UdsConnectInfo};
use tower::{Layer, Service};

/// How often at most "the limit is reached" is logged, per listener: a
/// listener at its limit would otherwise log at every connection closed.
const LIMIT_WARNING_EVERY: Duration = Duration::from_secs(60);

type Acquiring = Pin<Box<dyn Future<Output = Result<OwnedSemaphorePermit, AcquireError>> + Send>>;

/// A listener's accepted sockets, at most `max_connections` open at once,
/// each closed after `idle_timeout` without a call.
pub struct Incoming<S> {
    accept: S,
    /// What the log calls the listener.
    listener: &'static str,
    places: Option<Arc<Semaphore>>,
    limit: usize,
    /// Waiting for a connection to close, at the limit.
    acquiring: Option<Acquiring>,
    /// The place the next accepted socket takes.
    place: Option<OwnedSemaphorePermit>,
    idle_timeout: Option<Duration>,
    warned_at: Option<Instant>,
}

impl<S> Incoming<S> {
    /// `max_connections`: `None` for no limit; `idle_timeout`: `None` to
    /// leave idle connections open.
    pub fn new(
        accept: S,
        listener: &'static str,
        max_connections: Option<usize>,
        idle_timeout: Option<Duration>,
    ) -> Self {
        let limit = max_connections.unwrap_or(0);
        Self {
            accept,
            listener,
            places: max_connections.map(|n| Arc::new(Semaphore::new(n))),
            limit,
            acquiring: None,
            place: None,
            idle_timeout,
            warned_at: None,
        }
    }

    /// Logs that the limit holds new connections back, at most once a
    /// [`LIMIT_WARNING_EVERY`].
    fn warn_at_limit(&mut self) {
        let now = Instant::now();
        if self
            .warned_at
            .is_some_and(|at| now.duration_since(at) < LIMIT_WARNING_EVERY)
        {
            return;
        }
        self.warned_at = Some(now);
        tracing::warn!(
            listener = self.listener,
            max_connections = self.limit,
            "the connection limit is reached: new connections wait until open ones close"
        );
    }

    /// Ready once a place is free for the next connection (at once without
    /// a limit): `true`, or `false` if the listener's places are gone.
    fn poll_place(&mut self, cx: &mut Context<'_>) -> Poll<bool> {
        let Some(places) = self.places.clone() else {
            return Poll::Ready(true);
        };
        if self.place.is_some() {
            return Poll::Ready(true);
        }
        if self.acquiring.is_none() {
            match places.clone().try_acquire_owned() {
                Ok(place) => {
                    self.place = Some(place);
                    return Poll::Ready(true);
                }
                Err(TryAcquireError::Closed) => return Poll::Ready(false),
                Err(TryAcquireError::NoPermits) => self.warn_at_limit(),
            }
        }
        let acquiring = self
            .acquiring
            .get_or_insert_with(|| Box::pin(places.acquire_owned()));
        let acquired = std::task::ready!(acquiring.as_mut().poll(cx));
        self.acquiring = None;
        self.place = acquired.ok();
        Poll::Ready(self.place.is_some())
    }
}

impl<S, IO> Stream for Incoming<S>
where
    S: Stream<Item = io::Result<IO>> + Unpin,
{
    type Item = io::Result<Connection<IO>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        // The listener's semaphore is never closed: this does not happen.
        if !std::task::ready!(this.poll_place(cx)) {
            return Poll::Ready(None);
        }
        let accepted = std::task::ready!(Pin::new(&mut this.accept).poll_next(cx));
        Poll::Ready(accepted.map(|result| {
            result.map(|io| Connection::new(io, this.place.take(), this.idle_timeout))
        }))
    }
}

/// An accepted socket: holds its place under the listener's limit until
/// dropped, and reads as ended once idle for the idle timeout.
pub struct Connection<IO> {
    io: IO,
    activity: Arc<Activity>,
    idle: Option<IdleTimer>,
    _place: Option<OwnedSemaphorePermit>,
}

impl<IO> Connection<IO> {
    fn new(io: IO, place: Option<OwnedSemaphorePermit>, idle_timeout: Option<Duration>) -> Self {
        Self {
            io,
            activity: Arc::new(Activity::new()),
            idle: idle_timeout.map(IdleTimer::new),
            _place: place,
        }
    }
}

/// The connection's details for request extensions: the listener's own
/// (a Unix socket peer's credentials, a TCP peer's address; with TLS,
/// tonic wraps this in its `TlsConnectInfo`) and the connection's
/// [`Activity`].
#[derive(Debug, Clone)]
pub struct ConnectionInfo<T> {
    peer: T,
    activity: Arc<Activity>,
}

impl<T> ConnectionInfo<T> {
    /// What the listener's socket tells about the peer.
    pub fn peer(&self) -> &T {
        &self.peer
    }
}

impl<IO: Connected> Connected for Connection<IO> {
    type ConnectInfo = ConnectionInfo<IO::ConnectInfo>;

    fn connect_info(&self) -> Self::ConnectInfo {
        ConnectionInfo {
            peer: self.io.connect_info(),
            activity: self.activity.clone(),
        }
    }
}

impl<IO: AsyncRead + Unpin> AsyncRead for Connection<IO> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if let Poll::Ready(read) = Pin::new(&mut this.io).poll_read(cx, buf) {
            return Poll::Ready(read);
        }
        // Nothing has arrived: if the connection has been idle long
        // enough, reading nothing tells hyper the peer is done.
        let expired = this
            .idle
            .as_mut()
            .is_some_and(|idle| idle.expired(&this.activity, cx));
        if expired {
            tracing::debug!("closing a connection idle for the idle timeout");
            return Poll::Ready(Ok(()));
        }
        Poll::Pending
    }
}

impl<IO: AsyncWrite + Unpin> AsyncWrite for Connection<IO> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}

/// When an idle connection's time is up.
struct IdleTimer {
    limit: Duration,
    sleep: Pin<Box<Sleep>>,
}

impl IdleTimer {
    fn new(limit: Duration) -> Self {
        Self {
            limit,
            sleep: Box::pin(tokio::time::sleep(limit)),
        }
    }

    /// Whether the connection has had no call for the limit. If not, the
    /// task is woken when that may have changed: at the deadline, or when
    /// the last call in progress ends.
    fn expired(&mut self, activity: &Activity, cx: &mut Context<'_>) -> bool {
        let Some(idle_since) = activity.idle_since(cx.waker()) else {
            return false;
        };
        let deadline = idle_since + self.limit;
        if self.sleep.deadline() != deadline {
            self.sleep.as_mut().reset(deadline);
        }
        self.sleep.as_mut().poll(cx).is_ready()
    }
}

/// A connection's calls in progress, and since when it has had none.
#[derive(Debug)]
pub struct Activity {
    state: Mutex<ActivityState>,
}

#[derive(Debug)]
struct ActivityState {
    calls: usize,
    idle_since: Instant,
    /// The connection's task, to wake when the last call ends.
    idle_timer: Option<Waker>,
}

impl Activity {
    fn new() -> Self {
        Self {
            state: Mutex::new(ActivityState {
                calls: 0,
                idle_since: Instant::now(),
                idle_timer: None,
            }),
        }
    }

    fn state(&self) -> MutexGuard<'_, ActivityState> {
        // The state is consistent after every statement: a panic elsewhere
        // cannot leave it half-written.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Since when no call has been in progress; `None` while one is, and
    /// then `waker` is woken when the last one ends.
    fn idle_since(&self, waker: &Waker) -> Option<Instant> {
        let mut state = self.state();
        if state.calls == 0 {
            return Some(state.idle_since);
        }
        if !state
            .idle_timer
            .as_ref()
            .is_some_and(|w| w.will_wake(waker))
        {
            state.idle_timer = Some(waker.clone());
        }
        None
    }

    fn call_started(self: &Arc<Self>) -> CallInProgress {
        self.state().calls += 1;
        CallInProgress(self.clone())
    }
}

/// One call counted on its connection until dropped.
struct CallInProgress(Arc<Activity>);

impl Drop for CallInProgress {
    fn drop(&mut self) {
        let waker = {
            let mut state = self.0.state();
            state.calls = state.calls.saturating_sub(1);
            if state.calls > 0 {
                return;
            }
            state.idle_since = Instant::now();
            state.idle_timer.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

/// The activity of the connection a request came on, if it came through an
/// [`Incoming`].
fn activity_of<B>(request: &http::Request<B>) -> Option<&Arc<Activity>> {
    let extensions = request.extensions();
    extensions
        .get::<ConnectionInfo<UdsConnectInfo>>()
        .map(|info| &info.activity)
        .or_else(|| {
            extensions
                .get::<ConnectionInfo<TcpConnectInfo>>()
                .map(|info| &info.activity)
        })
}

/// Counts each call on its connection's [`Activity`] (see the module
/// comment).
#[derive(Debug, Clone, Copy, Default)]
pub struct CallCountLayer;

impl<S> Layer<S> for CallCountLayer {
    type Service = CallCount<S>;

    fn layer(&self, inner: S) -> Self::Service {
        CallCount { inner }
    }
}

/// See [`CallCountLayer`].
#[derive(Debug, Clone)]
pub struct CallCount<S> {
    inner: S,
}

impl<S, ReqBody> Service<http::Request<ReqBody>> for CallCount<S>
where
    S: Service<http::Request<ReqBody>, Response = http::Response<tonic::body::Body>>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<ReqBody>) -> Self::Future {
        let call = activity_of(&request).map(Activity::call_started);
        let response = self.inner.call(request);
        Box::pin(async move {
            let response = response.await?;
            Ok(match call {
                Some(call) => {
                    response.map(|body| tonic::body::Body::new(Counted { body, _call: call }))
                }
                None => response,
            })
        })
    }
}

/// A response body that keeps its call in progress until dropped (the
/// whole response sent, or the call cancelled).
struct Counted {
    body: tonic::body::Body,
    /// Held for its `Drop`.
    _call: CallInProgress,
}

impl http_body::Body for Counted {
    type Data = Bytes;
    type Error = tonic::Status;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.get_mut().body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
    }
}
