//! Faults: the database going away under load (the health service follows
//! it, calls fail UNAVAILABLE with a reason, the server recovers by itself
//! and nothing acknowledged is lost), SIGTERM under load (calls in flight
//! finish, exit 0, a restart finds every acknowledged enrolment), and hostile
//! clients (oversized messages, garbage bytes, calls abandoned mid-way) that
//! must not disturb anyone else.
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use chrono::TimeDelta;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tollgate::pb;
use tollgate::pb::challenge_service_client::ChallengeServiceClient;
use tollgate::pb::delivery_service_client::DeliveryServiceClient;
use tollgate::pb::enrollment_service_client::EnrollmentServiceClient;
use tollgate_domain::Clock;
use tonic::Code;
use tonic::transport::Channel;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

use crate::enrollment::enrol_over;
use crate::support::{
    ServerProcess, TestDb, TestServer, authenticator_code, clock, reason, uds_channel, until,
};

async fn health(channel: Channel) -> i32 {
    HealthClient::new(channel)
        .check(HealthCheckRequest {
            service: "tollgate.v1.EnrollmentService".to_owned(),
        })
        .await
        .map_or(-1, |r| r.into_inner().status)
}

/// Waits until the health service, which checks the database every
/// second, reports `status`.
async fn wait_for_health(channel: &Channel, status: ServingStatus) {
    let what = format!("the health service to report {status:?}");
    until(&what, async || {
        health(channel.clone()).await == status as i32
    })
    .await;
}

fn get(user: &str) -> pb::GetEnrollmentRequest {
    pb::GetEnrollmentRequest {
        tenant_id: String::new(),
        user_id: user.to_owned(),
        ..Default::default()
    }
}

async fn totp_state(channel: Channel, user: &str) -> Result<i32, tonic::Status> {
    EnrollmentServiceClient::new(channel)
        .get_enrollment(get(user))
        .await
        .map(|r| r.into_inner().totp.map_or(0, |t| t.state))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_outage_is_unavailable_and_the_server_recovers_by_itself() {
    let Some(db) = TestDb::postgres("faults::postgres_outage").await else {
        return;
    };
    let server = TestServer::start(&db, clock()).await;
    let channel = server.channel().await;
    enrol_over(channel.clone(), "before", server.clock.now().timestamp()).await;

    // The database goes away: no new connections, the open ones killed.
    db.postgres_admin(r#"ALTER DATABASE "{db}" ALLOW_CONNECTIONS false"#)
        .await;
    db.postgres_admin(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = '{db}' AND pid <> pg_backend_pid()",
    )
    .await;
    wait_for_health(&channel, ServingStatus::NotServing).await;
    let status = totp_state(channel.clone(), "before").await.unwrap_err();
    assert_eq!(status.code(), Code::Unavailable, "{status:?}");
    assert_eq!(reason(&status), "STORAGE_UNAVAILABLE");
    enrolment_is_unavailable(&channel).await;

    // It comes back: the server follows without a restart.
    db.postgres_admin(r#"ALTER DATABASE "{db}" ALLOW_CONNECTIONS true"#)
        .await;
    wait_for_health(&channel, ServingStatus::Serving).await;
    assert_recovered(server, db).await;
}

/// During a storage fault, starting an enrolment (a write) for "during"
/// fails UNAVAILABLE with the reason STORAGE_UNAVAILABLE.
async fn enrolment_is_unavailable(channel: &Channel) {
    let status = EnrollmentServiceClient::new(channel.clone())
        .begin_totp(pb::BeginTotpRequest {
            user_id: "during".to_owned(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Unavailable, "{status:?}");
    assert_eq!(reason(&status), "STORAGE_UNAVAILABLE");
}

/// After a storage fault: the user enrolled before it is still enrolled,
/// the one whose enrolment failed during it has nothing half-written, and a
/// new enrolment works.
async fn assert_recovered(server: TestServer, db: TestDb) {
    let channel = server.channel().await;
    assert_eq!(
        totp_state(channel.clone(), "before").await.unwrap(),
        pb::TotpState::Enabled as i32,
        "an enrolment acknowledged before the fault is there"
    );
    assert_eq!(
        totp_state(channel.clone(), "during").await.unwrap(),
        pb::TotpState::NotConfigured as i32,
        "nothing half-written from the failed call"
    );
    enrol_over(channel, "after", server.clock.now().timestamp()).await;
    server.stop().await;
    db.cleanup().await;
}

/// Makes files immutable (`chattr +i`: refused writes even to root, unlike
/// a chmod) for as long as it lives.
struct Immutable(Vec<std::path::PathBuf>);

impl Immutable {
    /// `None` where chattr is not permitted (not root, or a file system
    /// without the attribute).
    fn set(paths: Vec<std::path::PathBuf>) -> Option<Self> {
        let done = Command::new("chattr")
            .arg("+i")
            .args(&paths)
            .status()
            .is_ok_and(|s| s.success());
        let guard = Self(paths);
        done.then_some(guard)
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        let _ = Command::new("chattr").arg("-i").args(&self.0).status();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_file_refusing_writes_is_unavailable_and_the_server_recovers() {
    let db = TestDb::sqlite().await;
    let server = TestServer::start(&db, clock()).await;
    let channel = server.channel().await;
    let (secret, _) = enrol_over(channel.clone(), "before", server.clock.now().timestamp()).await;
    // A sign-in begun before the fault, answered during it.
    server.clock.advance(TimeDelta::seconds(30));
    let code = authenticator_code(&secret, server.clock.now().timestamp());
    let mut challenges = ChallengeServiceClient::new(channel.clone());
    let begun = challenges
        .begin_challenge(pb::BeginChallengeRequest {
            user_id: "before".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let verify = pb::VerifyChallengeRequest {
        user_id: "before".into(),
        challenge_id: begun.challenge_id,
        method: pb::Method::Totp as i32,
        code,
        ..Default::default()
    };

    let file = db.dir.path().join("tollgate.db");
    let wal = db.dir.path().join("tollgate.db-wal");
    let Some(read_only) = Immutable::set(vec![file, wal]) else {
        eprintln!(
            "SKIPPED faults::sqlite_file_refusing_writes: `chattr +i` is not permitted here (needs root)"
        );
        server.stop().await;
        return;
    };
    wait_for_health(&channel, ServingStatus::NotServing).await;
    enrolment_is_unavailable(&channel).await;
    let status = challenges
        .verify_challenge(verify.clone())
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Unavailable, "{status:?}");
    assert_eq!(reason(&status), "STORAGE_UNAVAILABLE");

    drop(read_only);
    wait_for_health(&channel, ServingStatus::Serving).await;
    // The failed verification consumed nothing: the same code completes
    // the same challenge now.
    challenges.verify_challenge(verify).await.unwrap();
    assert_recovered(server, db).await;
}

/// Enrols fresh users one after another until a call fails, counting each
/// acknowledged enrolment in `enrolled`; returns the users whose ConfirmTotp
/// was acknowledged and the codes of the failures.
async fn enrol_until_refused(
    channel: Channel,
    worker: usize,
    enrolled: Arc<AtomicUsize>,
) -> (Vec<String>, Vec<Code>) {
    let mut client = EnrollmentServiceClient::new(channel);
    let mut acknowledged = Vec::new();
    for n in 0.. {
        let user = format!("w{worker}-u{n}");
        let begun = match client
            .begin_totp(pb::BeginTotpRequest {
                user_id: user.clone(),
                ..Default::default()
            })
            .await
        {
            Ok(r) => r.into_inner(),
            Err(status) => return (acknowledged, vec![status.code()]),
        };
        #[allow(clippy::disallowed_methods)] // the server process runs on the wall clock
        let now = chrono::Utc::now().timestamp();
        match client
            .confirm_totp(pb::ConfirmTotpRequest {
                tenant_id: String::new(),
                user_id: user.clone(),
                code: authenticator_code(&begun.secret_base32, now),
                ..Default::default()
            })
            .await
        {
            Ok(_) => {
                acknowledged.push(user);
                enrolled.fetch_add(1, Ordering::SeqCst);
            }
            Err(status) => return (acknowledged, vec![status.code()]),
        }
    }
    unreachable!()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_under_load_finishes_calls_exits_0_and_loses_no_enrolment() {
    let dir = tempfile::Builder::new().prefix("tg").tempdir().unwrap();
    let socket = dir.path().join("t.sock");
    let database = format!("sqlite://{}", dir.path().join("t.db").display());
    let mut command = Command::new(env!("CARGO_BIN_EXE_tollgate"));
    command.arg("serve");
    let server = ServerProcess::start_with(&database, &socket, command).await;
    let channel = uds_channel(&socket).await;

    let enrolled = Arc::new(AtomicUsize::new(0));
    let workers: Vec<_> = (0..8)
        .map(|worker| {
            tokio::spawn(enrol_until_refused(
                channel.clone(),
                worker,
                enrolled.clone(),
            ))
        })
        .collect();
    // Let the load build up (a first enrolment through, the other workers'
    // calls under way), then stop the server in the middle of it.
    until("a first enrolment under load", async || {
        enrolled.load(Ordering::SeqCst) > 0
    })
    .await;
    let status = tokio::task::spawn_blocking(move || server.terminate())
        .await
        .unwrap();
    assert!(status.success(), "exit status {status:?}");
    assert!(!socket.exists(), "the socket is removed");

    let mut acknowledged = Vec::new();
    for worker in workers {
        let (users, failures) = tokio::time::timeout(Duration::from_secs(10), worker)
            .await
            .expect("no call hangs after shutdown")
            .unwrap();
        acknowledged.extend(users);
        for code in failures {
            assert!(
                matches!(code, Code::Unavailable | Code::Cancelled | Code::Unknown),
                "a call during shutdown failed with {code:?}, not as unavailable"
            );
        }
    }
    assert!(!acknowledged.is_empty(), "the load ran before SIGTERM");

    let mut command = Command::new(env!("CARGO_BIN_EXE_tollgate"));
    command.arg("serve");
    let restarted = ServerProcess::start_with(&database, &socket, command).await;
    let channel = uds_channel(&socket).await;
    for user in &acknowledged {
        assert_eq!(
            totp_state(channel.clone(), user).await.unwrap(),
            pb::TotpState::Enabled as i32,
            "{user} was acknowledged before SIGTERM"
        );
    }
    drop(restarted);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_clients_do_not_disturb_others() {
    let db = TestDb::sqlite().await;
    let server = Arc::new(
        TestServer::start_with(&db, clock(), |config| {
            config.shutdown_grace = Duration::from_secs(1);
        })
        .await,
    );
    let good = server.channel().await;

    // An oversized message: refused, not INTERNAL, not a crash.
    let huge = "x".repeat(5 * 1024 * 1024);
    let status = EnrollmentServiceClient::new(server.channel().await)
        .get_enrollment(get(&huge))
        .await
        .unwrap_err();
    assert!(
        matches!(
            status.code(),
            Code::ResourceExhausted | Code::OutOfRange | Code::InvalidArgument
        ),
        "{status:?}"
    );

    // Garbage bytes instead of HTTP/2: the server drops that connection.
    let mut garbage = tokio::net::UnixStream::connect(&server.socket)
        .await
        .unwrap();
    let bytes: Vec<u8> = (0..65_536u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let _ = garbage.write_all(&bytes).await;
    let mut sink = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(5), garbage.read_to_end(&mut sink)).await;
    assert!(
        closed.is_ok(),
        "the garbage connection is closed by the server"
    );

    // A connection that says nothing and stays open (past the shutdown
    // grace period, which then closes it).
    let _silent = tokio::net::UnixStream::connect(&server.socket)
        .await
        .unwrap();

    // Calls abandoned mid-way, many times over.
    for n in 0..50 {
        let channel = server.channel().await;
        let call = async move {
            EnrollmentServiceClient::new(channel)
                .begin_totp(pb::BeginTotpRequest {
                    user_id: format!("abandoned-{n}"),
                    ..Default::default()
                })
                .await
        };
        let _ = tokio::time::timeout(Duration::from_micros(200), call).await;
    }

    // Everyone else is served as before.
    assert_eq!(health(good.clone()).await, ServingStatus::Serving as i32);
    enrol_over(good, "unaffected", server.clock.now().timestamp()).await;
    let server = Arc::into_inner(server).unwrap();
    server.stop().await;
    db.cleanup().await;
}

/// A client with more calls at once than one connection may carry (128,
/// the server's HTTP/2 `MAX_CONCURRENT_STREAMS`) waits on its own side: the
/// call beyond the limit does not start, other connections are served, and
/// it starts as soon as one of the first calls ends.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_beyond_a_connections_limit_wait_their_turn() {
    let db = TestDb::sqlite().await;
    let server = TestServer::start(&db, clock()).await;
    let crowded = server.channel().await;
    // Outbox streams stay open until dropped: each holds its call's place.
    let mut open = Vec::new();
    for _ in 0..128 {
        let stream = DeliveryServiceClient::new(crowded.clone())
            .stream_outbox(pb::StreamOutboxRequest::default())
            .await
            .unwrap()
            .into_inner();
        open.push(stream);
    }
    let waiting = tokio::spawn(health(crowded.clone()));
    // Without the limit the check is answered in about a millisecond. Real
    // time: a call that does not start gives no event to wait for.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !waiting.is_finished(),
        "the 129th call on one connection started"
    );
    assert_eq!(
        health(server.channel().await).await,
        ServingStatus::Serving as i32
    );

    drop(open.pop());
    let answered = tokio::time::timeout(Duration::from_secs(10), waiting)
        .await
        .expect("the waiting call started once a place was free")
        .unwrap();
    assert_eq!(answered, ServingStatus::Serving as i32);
    drop(open);
    server.stop().await;
    db.cleanup().await;
}
