//! The trust boundary, attacked: a process of another uid on the socket, a
//! caller bound to one tenant naming another in every RPC, two client
//! certificates with different rights, API keys (revoked, never stored or
//! logged in the clear), the default start (no TCP, the socket's mode from
//! the first moment), and the audit log naming who reset a user.
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use prost::Message;
use prost::bytes::{Buf, BufMut};
use sea_orm::{ConnectionTrait, Database};
use tollgate::access::{CallerIdentity, ConfiguredCaller};
use tollgate::pb;
use tollgate_domain::access::Grant;
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::transport::Channel;
use tonic::{Code, Status};

use crate::support::{
    TestDb, TestServer, clock, metadata, on_both_databases, reason, uds_channel, wait_for_socket,
};
use crate::tls::{start_with_tls_and, write_pki};

/// An unprivileged uid for the client processes of another user.
pub(crate) const NOBODY: u32 = 65534;

fn tollgate() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tollgate"))
}

/// `tollgate api-key create` against the test database: the key it prints.
pub(crate) fn create_key(
    db: &TestDb,
    name: &str,
    permissions: &[&str],
    tenants: &[&str],
) -> String {
    let mut command = tollgate();
    command.args([
        "api-key",
        "create",
        "--name",
        name,
        "--database-url",
        &db.url,
    ]);
    if let Some(key) = db.config("unused".into()).secret_key_file {
        command.arg("--secret-key-file").arg(key);
    }
    for permission in permissions {
        command.args(["--permission", permission]);
    }
    for tenant in tenants {
        command.args(["--tenant", tenant]);
    }
    let output = command.output().unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

/// `message` as a request carrying `key` (when given) as a bearer token.
pub(crate) fn authorized<T>(message: T, key: Option<&str>) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    if let Some(key) = key {
        request
            .metadata_mut()
            .insert("authorization", format!("Bearer {key}").parse().unwrap());
    }
    request
}

pub(crate) fn configured(
    name: &str,
    identity: CallerIdentity,
    permissions: &[&str],
) -> ConfiguredCaller {
    ConfiguredCaller {
        name: name.to_owned(),
        identity,
        grant: Grant::parse(permissions, &["*"]).unwrap(),
    }
}

/// Passes request and response bytes through: any RPC can be called with
/// a hand-made request.
#[derive(Clone, Copy, Default)]
struct RawCodec;

impl Codec for RawCodec {
    type Encode = Vec<u8>;
    type Decode = Vec<u8>;
    type Encoder = Self;
    type Decoder = Self;
    fn encoder(&mut self) -> Self {
        Self
    }
    fn decoder(&mut self) -> Self {
        Self
    }
}

impl Encoder for RawCodec {
    type Item = Vec<u8>;
    type Error = Status;
    fn encode(&mut self, item: Vec<u8>, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        dst.put_slice(&item);
        Ok(())
    }
}

impl Decoder for RawCodec {
    type Item = Vec<u8>;
    type Error = Status;
    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<Vec<u8>>, Status> {
        let bytes = src.chunk().to_vec();
        src.advance(bytes.len());
        Ok(Some(bytes))
    }
}

/// Every tollgate RPC: its path, whether it streams, and the field number
/// of `tenant_id` in its request.
fn every_rpc() -> Vec<(String, bool, u32)> {
    let set = prost_types::FileDescriptorSet::decode(pb::FILE_DESCRIPTOR_SET).unwrap();
    let messages: Vec<(String, &prost_types::DescriptorProto)> = set
        .file
        .iter()
        .flat_map(|f| {
            f.message_type
                .iter()
                .map(move |m| (format!(".{}.{}", f.package(), m.name()), m))
        })
        .collect();
    let mut rpcs = Vec::new();
    for file in &set.file {
        for service in &file.service {
            for method in &service.method {
                let (_, input) = messages
                    .iter()
                    .find(|(name, _)| name == method.input_type())
                    .unwrap();
                let tenant_field = input
                    .field
                    .iter()
                    .find(|f| f.name() == "tenant_id")
                    .unwrap_or_else(|| panic!("{} has no tenant_id", method.input_type()))
                    .number();
                rpcs.push((
                    format!("/{}.{}/{}", file.package(), service.name(), method.name()),
                    method.server_streaming(),
                    u32::try_from(tenant_field).unwrap(),
                ));
            }
        }
    }
    rpcs
}

/// Calls `path` with a request holding only `tenant_id`; the status (OK
/// when the call was served).
async fn call_naming_tenant(
    channel: Channel,
    key: Option<&str>,
    (path, streaming, field): &(String, bool, u32),
    tenant: &str,
) -> Status {
    let mut body = Vec::new();
    prost::encoding::string::encode(*field, &tenant.to_owned(), &mut body);
    let request = authorized(body, key);
    let mut grpc = tonic::client::Grpc::new(channel);
    grpc.ready().await.unwrap();
    let path = path.parse().unwrap();
    let result = if *streaming {
        grpc.server_streaming(request, path, RawCodec)
            .await
            .map(|_| ())
    } else {
        grpc.unary(request, path, RawCodec).await.map(|_| ())
    };
    result.err().unwrap_or_else(|| Status::ok(""))
}

fn refused_for_tenant(status: &Status, tenant: &str) -> bool {
    status.code() == Code::PermissionDenied
        && reason(status) == "CALLER_NOT_ALLOWED"
        && metadata(status).get("tenant").map(String::as_str) == Some(tenant)
}

async fn a_caller_bound_to_one_tenant_cannot_touch_another(db: &TestDb) {
    let server = TestServer::start(db, clock()).await;
    let key = create_key(db, "tenant-a", &["sign_in", "outbox", "admin"], &["a"]);
    // A message for a user of each tenant; the socket's owner may act for both.
    let mut delivery =
        pb::delivery_service_client::DeliveryServiceClient::new(server.channel().await);
    for tenant in ["b", "a"] {
        delivery
            .register_contact(pb::RegisterContactRequest {
                tenant_id: tenant.into(),
                user_id: format!("user-of-{tenant}"),
                kind: pb::ContactKind::Email as i32,
                address: format!("{tenant}@example.com"),
            })
            .await
            .unwrap();
        delivery
            .send_confirmation(pb::SendConfirmationRequest {
                tenant_id: tenant.into(),
                user_id: format!("user-of-{tenant}"),
                kind: pb::ContactKind::Email as i32,
            })
            .await
            .unwrap();
    }
    let stream_as = |tenant: &str| {
        authorized(
            pb::StreamOutboxRequest {
                tenant_id: tenant.into(),
            },
            Some(&key),
        )
    };
    let mut outbox =
        pb::delivery_service_client::DeliveryServiceClient::new(server.channel().await);
    for other in ["*", "b", ""] {
        let refused = outbox.stream_outbox(stream_as(other)).await.unwrap_err();
        assert_eq!(refused.code(), Code::PermissionDenied, "{other:?}");
    }
    let mut stream = outbox
        .stream_outbox(stream_as("a"))
        .await
        .unwrap()
        .into_inner();
    let first = tokio::time::timeout(Duration::from_secs(10), stream.message())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(first.tenant_id, "a");
    let more = tokio::time::timeout(Duration::from_millis(1500), stream.message()).await;
    assert!(more.is_err(), "tenant a's stream yielded {more:?}");
    drop(stream);
    // The owner streams every tenant with `*` and gets b's message.
    let mut all = pb::delivery_service_client::DeliveryServiceClient::new(server.channel().await)
        .stream_outbox(pb::StreamOutboxRequest {
            tenant_id: "*".into(),
        })
        .await
        .unwrap()
        .into_inner();
    // (a's message is leased to the stream above until acknowledged.)
    let message = tokio::time::timeout(Duration::from_secs(10), all.message())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(message.tenant_id, "b");
    drop(all);

    // Every RPC, by hand-made request (after the streams above: a stream
    // opened here for tenant a would lease a's message).
    let rpcs = every_rpc();
    assert_eq!(rpcs.len(), tollgate::access::RPCS.len());
    for rpc in &rpcs {
        let refused = call_naming_tenant(server.channel().await, Some(&key), rpc, "b").await;
        assert!(refused_for_tenant(&refused, "b"), "{}: {refused:?}", rpc.0);
        assert!(!refused.message().contains("tenant-a"), "{refused:?}");
        // The same call for its own tenant gets past the boundary (and
        // fails, if at all, on the request itself).
        let own = call_naming_tenant(server.channel().await, Some(&key), rpc, "a").await;
        assert_ne!(own.code(), Code::PermissionDenied, "{}: {own:?}", rpc.0);
        // The default tenant is another tenant.
        let default = call_naming_tenant(server.channel().await, Some(&key), rpc, "").await;
        assert!(
            refused_for_tenant(&default, "default"),
            "{}: {default:?}",
            rpc.0
        );
    }

    server.stop().await;
}

async fn api_keys_work_until_revoked_and_are_never_stored_in_the_clear(db: &TestDb) {
    let signer = create_key(db, "signer", &["sign_in"], &["*"]);
    let ops = create_key(db, "ops", &["admin", "sign_in"], &["*"]);
    let secret_part = |key: &str| key.rsplit('_').next().unwrap().to_owned();
    // Only a process of uid NOBODY is configured: this test (root or not)
    // gets in with a key or not at all.
    let server = TestServer::start_with(db, clock(), |config| {
        config.callers = vec![configured(
            "nobody",
            CallerIdentity::Uid(NOBODY),
            &["sign_in"],
        )];
    })
    .await;
    let with_key = |key: Option<&str>| {
        authorized(
            pb::GetEnrollmentRequest {
                user_id: "ivan".into(),
                ..Default::default()
            },
            key,
        )
    };
    let mut enrollment = server.enrollment().await;
    let refused = enrollment.get_enrollment(with_key(None)).await.unwrap_err();
    assert_eq!(refused.code(), Code::PermissionDenied);
    enrollment
        .get_enrollment(with_key(Some(&signer)))
        .await
        .unwrap();
    // The CLI sends a key from --api-key-file (and is refused without it).
    let key_file = db.dir.path().join("signer.key");
    std::fs::write(&key_file, format!("{signer}\n")).unwrap();
    let cli = |with_key: bool| {
        let mut command = tollgate();
        command
            .args(["status", "--user", "ivan"])
            .arg("--socket")
            .arg(&server.socket)
            .env_remove("TOLLGATE_API_KEY")
            .env_remove("TOLLGATE_API_KEY_FILE");
        if with_key {
            command.arg("--api-key-file").arg(&key_file);
        }
        command.output().unwrap()
    };
    let with = cli(true);
    assert!(with.status.success(), "{with:?}");
    let without = cli(false);
    assert_eq!(without.status.code(), Some(4), "{without:?}");

    // A key with sign_in only cannot reset anyone; the admin key can, and
    // the audit log names it.
    let reset = |key: &str| {
        authorized(
            pb::ResetUserRequest {
                tenant_id: String::new(),
                user_id: "ivan".into(),
                actor_id: "helpdesk".into(),
                reason: "lost phone".into(),
            },
            Some(key),
        )
    };
    let refused = enrollment.reset_user(reset(&signer)).await.unwrap_err();
    assert_eq!(refused.code(), Code::PermissionDenied);
    assert_eq!(reason(&refused), "CALLER_NOT_ALLOWED");
    assert_eq!(metadata(&refused)["permission"], "admin");
    enrollment.reset_user(reset(&ops)).await.unwrap();
    let audit_request = authorized(
        pb::ListAuditEventsRequest {
            kinds: vec!["user.reset".into()],
            ..Default::default()
        },
        Some(&ops),
    );
    let events = pb::policy_service_client::PolicyServiceClient::new(server.channel().await)
        .list_audit_events(audit_request)
        .await
        .unwrap()
        .into_inner()
        .events;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].caller, "key:ops");
    assert_eq!(events[0].actor_id, "helpdesk");

    // Revoked (by the CLI, beside the running server): refused at once.
    let mut revoke = tollgate();
    revoke.args([
        "api-key",
        "revoke",
        "--name",
        "signer",
        "--database-url",
        &db.url,
    ]);
    if let Some(key) = db.config("unused".into()).secret_key_file {
        revoke.arg("--secret-key-file").arg(key);
    }
    assert!(revoke.output().unwrap().status.success());
    for key in [
        signer.clone(),
        format!("{signer}0"),
        "tgk_nonsense".to_owned(),
    ] {
        let refused = enrollment
            .get_enrollment(with_key(Some(&key)))
            .await
            .unwrap_err();
        assert_eq!(refused.code(), Code::Unauthenticated, "{refused:?}");
        assert_eq!(reason(&refused), "API_KEY_INVALID");
        assert!(!refused.message().contains(&secret_part(&signer)));
    }
    server.stop().await;

    // Nowhere in the database in the clear.
    let stored = match db.url.strip_prefix("sqlite://") {
        Some(file) => {
            let mut bytes = std::fs::read(file).unwrap();
            bytes.extend(std::fs::read(format!("{file}-wal")).unwrap_or_default());
            String::from_utf8_lossy(&bytes).into_owned()
        }
        None => {
            let conn = Database::connect(db.url.as_str()).await.unwrap();
            let row = conn
                .query_one_raw(sea_orm::Statement::from_string(
                    conn.get_database_backend(),
                    "SELECT string_agg(k::text, '|') AS t FROM api_keys k",
                ))
                .await
                .unwrap()
                .unwrap();
            conn.close().await.ok();
            row.try_get::<String>("", "t").unwrap()
        }
    };
    assert!(stored.contains("signer"), "the test read the wrong place");
    for key in [&signer, &ops] {
        assert!(
            !stored.contains(&secret_part(key)),
            "a key is stored in the clear"
        );
    }
}

on_both_databases!(
    a_caller_bound_to_one_tenant_cannot_touch_another,
    api_keys_work_until_revoked_and_are_never_stored_in_the_clear,
);

/// Runs the `tollgate` client as uid NOBODY against `socket`.
fn as_nobody(socket: &Path, args: &[&str]) -> Output {
    use std::os::unix::process::CommandExt;
    tollgate()
        .args(args)
        .arg("--socket")
        .arg(socket)
        .uid(NOBODY)
        .gid(NOBODY)
        .env("TOLLGATE_ACTOR", "nobody")
        .output()
        .unwrap()
}

fn refused_as_not_allowed(output: &Output) -> bool {
    output.status.code() == Some(4)
        && String::from_utf8_lossy(&output.stderr).contains("CALLER_NOT_ALLOWED")
}

/// Lets every local user reach the socket (its mode and its directory), so
/// only the server's own check stands between them and the RPCs.
fn open_socket_to_everyone(socket: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let dir = socket.parent().unwrap();
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(socket, std::fs::Permissions::from_mode(0o666)).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_uid_is_refused_until_configured_and_then_only_signs_in() {
    // SAFETY-free check of the effective uid: /proc tells it.
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    if !status
        .lines()
        .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(2) == Some("0"))
    {
        eprintln!(
            "SKIPPED another_uid_is_refused_until_configured_and_then_only_signs_in: needs root to start a process as another uid"
        );
        return;
    }
    let db = TestDb::sqlite().await;
    let server = TestServer::start(&db, clock()).await;
    open_socket_to_everyone(&server.socket);
    let signed_out = as_nobody(&server.socket, &["status", "--user", "ivan"]);
    assert!(refused_as_not_allowed(&signed_out), "{signed_out:?}");
    server.stop().await;

    let server = TestServer::start_with(&db, clock(), |config| {
        config.callers = vec![configured("app", CallerIdentity::Uid(NOBODY), &["sign_in"])];
    })
    .await;
    open_socket_to_everyone(&server.socket);
    let status = as_nobody(&server.socket, &["status", "--user", "ivan"]);
    assert!(status.status.success(), "{status:?}");
    let reset = as_nobody(
        &server.socket,
        &["user", "reset", "--user", "ivan", "--reason", "test"],
    );
    assert!(refused_as_not_allowed(&reset), "{reset:?}");
    let policy = as_nobody(
        &server.socket,
        &["policy", "set", "--two-factor-enabled", "false"],
    );
    assert!(refused_as_not_allowed(&policy), "{policy:?}");
    // Once callers are configured, only they are admitted: root too is not.
    let root = server
        .enrollment()
        .await
        .get_enrollment(pb::GetEnrollmentRequest {
            user_id: "ivan".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(root.code(), Code::PermissionDenied);
    server.stop().await;
    db.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_client_certificates_are_two_callers() {
    let db = TestDb::sqlite().await;
    let pki = write_pki(db.dir.path());
    let server = start_with_tls_and(&db, true, |config| {
        config.callers = vec![
            configured(
                "billing",
                CallerIdentity::Certificate("billing.internal".into()),
                &["sign_in"],
            ),
            configured(
                "helpdesk",
                CallerIdentity::Certificate("helpdesk.internal".into()),
                &["admin"],
            ),
        ];
    })
    .await;
    let port = server.tcp_addr.unwrap().port();
    let billing = pki
        .channel(port, Some(pki.client("billing.internal")))
        .await;
    let helpdesk = pki
        .channel(port, Some(pki.client("helpdesk.internal")))
        .await;
    let stranger = pki
        .channel(port, Some(pki.client("stranger.internal")))
        .await;
    let reset = || pb::ResetUserRequest {
        tenant_id: String::new(),
        user_id: "ivan".into(),
        actor_id: "desk".into(),
        reason: "lost phone".into(),
    };
    let enrollment = pb::enrollment_service_client::EnrollmentServiceClient::new;
    enrollment(billing.clone())
        .get_enrollment(pb::GetEnrollmentRequest {
            user_id: "ivan".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let refused = enrollment(billing).reset_user(reset()).await.unwrap_err();
    assert_eq!(reason(&refused), "CALLER_NOT_ALLOWED");
    enrollment(helpdesk.clone())
        .reset_user(reset())
        .await
        .unwrap();
    let refused = enrollment(stranger).reset_user(reset()).await.unwrap_err();
    assert_eq!(refused.code(), Code::PermissionDenied);
    let events = pb::policy_service_client::PolicyServiceClient::new(helpdesk)
        .list_audit_events(pb::ListAuditEventsRequest {
            kinds: vec!["user.reset".into()],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .events;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].caller, "helpdesk");
    server.stop().await;
    db.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tcp_call_without_a_credential_is_unauthenticated() {
    let db = TestDb::sqlite().await;
    let pki = write_pki(db.dir.path());
    // TLS without a client CA: the server is authenticated, the client not.
    let server = start_with_tls_and(&db, false, |_| {}).await;
    let channel = pki.channel(server.tcp_addr.unwrap().port(), None).await;
    let refused = pb::enrollment_service_client::EnrollmentServiceClient::new(channel)
        .get_enrollment(pb::GetEnrollmentRequest {
            user_id: "ivan".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::Unauthenticated);
    assert_eq!(reason(&refused), "NO_CREDENTIAL");
    // The socket's owner (this test) is served, and the audit log says so.
    let uid = std::fs::metadata(&server.socket)
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m))
        .unwrap();
    let mut enrollment = server.enrollment().await;
    enrollment
        .reset_user(pb::ResetUserRequest {
            tenant_id: String::new(),
            user_id: "ivan".into(),
            actor_id: "desk".into(),
            reason: "test".into(),
        })
        .await
        .unwrap();
    let events = pb::policy_service_client::PolicyServiceClient::new(server.channel().await)
        .list_audit_events(pb::ListAuditEventsRequest::default())
        .await
        .unwrap()
        .into_inner()
        .events;
    assert_eq!(events[0].caller, format!("uid:{uid}"));
    server.stop().await;
    db.cleanup().await;
}

/// The inodes of the TCP sockets listening on this machine.
fn listening_tcp_inodes() -> Vec<String> {
    let mut inodes = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let Ok(text) = std::fs::read_to_string(table) else {
            continue;
        };
        for line in text.lines().skip(1) {
            let fields: Vec<&str> = line.split_whitespace().collect();
            // `st` 0A is LISTEN; the inode is the tenth column.
            if fields.get(3) == Some(&"0A")
                && let Some(inode) = fields.get(9)
            {
                inodes.push((*inode).to_owned());
            }
        }
    }
    inodes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn by_default_no_tcp_port_opens_and_the_socket_has_its_mode_from_the_first_moment() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::Builder::new().prefix("tg").tempdir().unwrap();
    let mut child = tollgate()
        .arg("serve")
        .current_dir(dir.path())
        .env_remove("TOLLGATE_LISTEN")
        .env_remove("TOLLGATE_SOCKET")
        .env_remove("TOLLGATE_CONFIG")
        .env_remove("TOLLGATE_DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let socket = dir.path().join("tollgate.sock");
    let started = std::time::Instant::now();
    // Looked at as often as possible: the first sight of the path must
    // already show the final mode.
    let mode = loop {
        if let Ok(meta) = std::fs::symlink_metadata(&socket) {
            break meta.permissions().mode() & 0o777;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "no socket");
        std::thread::yield_now();
    };
    assert_eq!(mode, 0o660);
    wait_for_socket(&socket, &mut child).await;
    let listening = listening_tcp_inodes();
    let fds = std::fs::read_dir(format!("/proc/{}/fd", child.id())).unwrap();
    for fd in fds.flatten() {
        let target = std::fs::read_link(fd.path()).unwrap_or_default();
        let target = target.to_string_lossy();
        if let Some(inode) = target
            .strip_prefix("socket:[")
            .and_then(|s| s.strip_suffix(']'))
        {
            assert!(!listening.iter().any(|l| l == inode), "a TCP port is open");
        }
    }
    // Nothing is left of the private directory the socket was bound in.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(".tollgate-bind")
        })
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    assert!(child.wait().unwrap().success());
}

/// Helpers the log test shares with the API-key test: a key never appears
/// in what the server writes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_keys_never_reach_the_log() {
    let db = TestDb::sqlite().await;
    let key = create_key(&db, "logged", &["sign_in"], &["*"]);
    let socket = db.dir.path().join("s.sock");
    let log = db.dir.path().join("server.log");
    let mut child = tollgate()
        .args(["serve", "--database-url", &db.url, "--log", "trace"])
        .arg("--socket")
        .arg(&socket)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    wait_for_socket(&socket, &mut child).await;
    let channel = uds_channel(&socket).await;
    for presented in [key.clone(), format!("{key}0")] {
        let request = authorized(
            pb::GetEnrollmentRequest {
                user_id: "ivan".into(),
                ..Default::default()
            },
            Some(&presented),
        );
        let _ = pb::enrollment_service_client::EnrollmentServiceClient::new(channel.clone())
            .get_enrollment(request)
            .await;
    }
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    child.wait().unwrap();
    let written = std::fs::read_to_string(&log).unwrap();
    assert!(written.contains("rpc"), "the log is empty: {written}");
    let secret = key.rsplit('_').next().unwrap();
    assert!(!written.contains(secret), "the key reached the log");
    db.cleanup().await;
}
