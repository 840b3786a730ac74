//! Connections that go away or pile up: HTTP/2 keepalive closes a TCP peer
//! that stops answering PINGs and keeps one that answers; a listener at its
//! connection limit makes a new connection wait until an open one closes;
//! a connection with no call in progress is closed after the idle timeout,
//! and one holding an open StreamOutbox is not.
use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tollgate::config::Keepalive;
use tollgate::pb;
use tonic::transport::{Channel, Endpoint, Uri};
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

use crate::delivery::{Outbox, confirmed_contact};
use crate::support::{TestDb, TestServer, clock, uds_channel, until};

/// What a client sends first on an HTTP/2 connection: the preface, then its
/// SETTINGS (empty: every default).
const PREFACE_AND_SETTINGS: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\0\x04\0\0\0\0\0";
const FRAME_PING: u8 = 0x6;
const FLAG_ACK: u8 = 0x1;

/// Long past what a loaded machine needs for anything these tests wait on
/// (the settings under test are one second each).
const PATIENCE: Duration = Duration::from_secs(10);

/// The frames (type, flags) a raw HTTP/2 client that never answers
/// anything reads until the server closes the connection (an end of stream
/// or a reset); fails if that takes longer than [`PATIENCE`].
async fn frames_until_closed(mut stream: impl AsyncRead + AsyncWrite + Unpin) -> Vec<(u8, u8)> {
    stream.write_all(PREFACE_AND_SETTINGS).await.unwrap();
    let mut bytes = Vec::new();
    let read = tokio::time::timeout(PATIENCE, async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => bytes.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    assert!(
        read.is_ok(),
        "the server did not close the connection within {PATIENCE:?}"
    );
    let mut frames = Vec::new();
    let mut rest = &bytes[..];
    while rest.len() >= 9 {
        let length = usize::from(rest[0]) << 16 | usize::from(rest[1]) << 8 | usize::from(rest[2]);
        frames.push((rest[3], rest[4]));
        rest = &rest[(9 + length).min(rest.len())..];
    }
    frames
}

fn is_ping(frame: &(u8, u8)) -> bool {
    frame.0 == FRAME_PING && frame.1 & FLAG_ACK == 0
}

async fn health(channel: Channel) -> i32 {
    HealthClient::new(channel)
        .check(HealthCheckRequest::default())
        .await
        .map_or(-1, |r| r.into_inner().status)
}

/// A client's connections, counted: how many its channel made, and how
/// many of them the server ended (the client read the end of the stream).
#[derive(Clone, Default)]
struct Tally {
    made: Arc<AtomicUsize>,
    ended: Arc<AtomicUsize>,
}

impl Tally {
    fn made(&self) -> usize {
        self.made.load(Ordering::SeqCst)
    }

    fn ended(&self) -> usize {
        self.ended.load(Ordering::SeqCst)
    }
}

/// A client socket that tells its [`Tally`] when it reads the end.
struct Watched<T> {
    io: T,
    ended: Arc<AtomicUsize>,
}

impl<T: AsyncRead + Unpin> AsyncRead for Watched<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let read = Pin::new(&mut this.io).poll_read(cx, buf);
        if let Poll::Ready(result) = &read
            && (result.is_err() || buf.filled().len() == before)
        {
            this.ended.fetch_add(1, Ordering::SeqCst);
        }
        read
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Watched<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}

/// A tonic channel whose connections `tally` counts; `connect` opens one.
async fn watched_channel<F, T>(
    tally: &Tally,
    connect: impl Fn() -> F + Send + Sync + 'static,
) -> Channel
where
    F: Future<Output = std::io::Result<T>> + Send + 'static,
    T: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let tally = tally.clone();
    let connect = Arc::new(connect);
    Endpoint::from_static("http://localhost")
        .connect_with_connector(tower::service_fn(move |_: Uri| {
            let tally = tally.clone();
            let connect = connect.clone();
            async move {
                let io = connect().await?;
                tally.made.fetch_add(1, Ordering::SeqCst);
                Ok::<_, std::io::Error>(hyper_util::rt::TokioIo::new(Watched {
                    io,
                    ended: tally.ended.clone(),
                }))
            }
        }))
        .await
        .unwrap()
}

async fn watched_unix_channel(tally: &Tally, socket: &Path) -> Channel {
    let socket: PathBuf = socket.to_owned();
    watched_channel(tally, move || {
        tokio::net::UnixStream::connect(socket.clone())
    })
    .await
}

async fn watched_tcp_channel(tally: &Tally, addr: SocketAddr) -> Channel {
    watched_channel(tally, move || tokio::net::TcpStream::connect(addr)).await
}

/// A server on SQLite listening on loopback TCP too, PINGing after a second
/// of quiet and waiting a second for the answer.
async fn server_with_keepalive(db: &TestDb) -> TestServer {
    TestServer::start_with(db, clock(), |config| {
        config.listen = Some("127.0.0.1:0".parse().unwrap());
        config.connections.keepalive = Some(Keepalive {
            interval: Duration::from_secs(1),
            timeout: Duration::from_secs(1),
        });
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tcp_peer_that_never_answers_pings_is_closed() {
    let db = TestDb::sqlite().await;
    let server = server_with_keepalive(&db).await;
    let peer = tokio::net::TcpStream::connect(server.tcp_addr.unwrap())
        .await
        .unwrap();
    let frames = frames_until_closed(peer).await;
    assert!(
        frames.iter().any(is_ping),
        "the server sent no PING before closing: {frames:?}"
    );
    server.stop().await;
    db.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tcp_client_that_answers_pings_keeps_its_connection() {
    let db = TestDb::sqlite().await;
    let server = server_with_keepalive(&db).await;
    let tally = Tally::default();
    let channel = watched_tcp_channel(&tally, server.tcp_addr.unwrap()).await;
    assert_eq!(health(channel.clone()).await, ServingStatus::Serving as i32);
    // Quiet for longer than a PING's interval and timeout together: the
    // client's HTTP/2 stack answers the PINGs.
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert_eq!(health(channel).await, ServingStatus::Serving as i32);
    assert_eq!(
        (tally.made(), tally.ended()),
        (1, 0),
        "one connection, never closed"
    );
    server.stop().await;
    db.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_unix_socket_sends_no_pings() {
    let db = TestDb::sqlite().await;
    let server = TestServer::start_with(&db, clock(), |config| {
        config.connections.keepalive = Some(Keepalive {
            interval: Duration::from_secs(1),
            timeout: Duration::from_secs(1),
        });
        config.connections.idle_timeout = Some(Duration::from_secs(3));
    })
    .await;
    // Closed by the idle timeout, having been sent no PING.
    let peer = tokio::net::UnixStream::connect(&server.socket)
        .await
        .unwrap();
    let frames = frames_until_closed(peer).await;
    assert!(
        !frames.iter().any(is_ping),
        "the socket's peer was PINGed: {frames:?}"
    );
    server.stop().await;
    db.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_the_connection_limit_a_new_connection_waits_until_one_closes() {
    let db = TestDb::sqlite().await;
    let server = TestServer::start_with(&db, clock(), |config| {
        config.connections.max_connections = Some(2);
    })
    .await;
    let first = server.channel().await;
    let second = server.channel().await;
    assert_eq!(health(first.clone()).await, ServingStatus::Serving as i32);
    assert_eq!(health(second.clone()).await, ServingStatus::Serving as i32);

    let socket = server.socket.clone();
    let third = tokio::spawn(async move { health(uds_channel(&socket).await).await });
    // Answered in milliseconds were it accepted. Real time: a connection
    // left in the kernel's queue gives no event to wait for.
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(!third.is_finished(), "a third connection was served");
    // The two open connections are served meanwhile.
    assert_eq!(health(second.clone()).await, ServingStatus::Serving as i32);

    drop(first);
    let answered = tokio::time::timeout(PATIENCE, third)
        .await
        .expect("the third connection was served once the first closed")
        .unwrap();
    assert_eq!(answered, ServingStatus::Serving as i32);
    drop(second);
    server.stop().await;
    db.cleanup().await;
}

/// A server whose connections are closed after a second without a call.
async fn server_with_idle_timeout(db: &TestDb) -> TestServer {
    TestServer::start_with(db, clock(), |config| {
        config.connections.idle_timeout = Some(Duration::from_secs(1));
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_connection_is_closed_and_the_client_reconnects() {
    let db = TestDb::sqlite().await;
    let server = server_with_idle_timeout(&db).await;

    // A peer that never makes a call.
    let silent = tokio::net::UnixStream::connect(&server.socket)
        .await
        .unwrap();
    frames_until_closed(silent).await;

    // A client idle after a call: closed; its next call connects again.
    let tally = Tally::default();
    let channel = watched_unix_channel(&tally, &server.socket).await;
    assert_eq!(health(channel.clone()).await, ServingStatus::Serving as i32);
    until("the server to close the idle connection", async || {
        tally.ended() >= 1
    })
    .await;
    assert_eq!(health(channel).await, ServingStatus::Serving as i32);
    assert_eq!(tally.made(), 2);
    server.stop().await;
    db.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_open_outbox_stream_keeps_its_connection_past_the_idle_timeout() {
    let db = TestDb::sqlite().await;
    let server = server_with_idle_timeout(&db).await;
    let tally = Tally::default();
    let channel = watched_unix_channel(&tally, &server.socket).await;
    let mut outbox = Outbox::open(channel).await;
    // Three idle timeouts with nothing but the open stream.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(tally.ended(), 0, "the stream's connection was closed");
    // The stream still delivers.
    confirmed_contact(
        &server,
        &mut outbox,
        "olive",
        pb::ContactKind::Email,
        "olive@example.com",
    )
    .await;
    assert_eq!((tally.made(), tally.ended()), (1, 0));
    server.stop().await;
    db.cleanup().await;
}
