//! Real transports end to end: email through a real SMTP server on a
//! loopback port (mailin's protocol engine), and SMS through a
//! Twilio-compatible API (a local HTTP server that checks the exact request
//! Twilio would get and answers like Twilio), including a refusal.
use std::sync::{Arc, Mutex};

use mailin::{Action, Handler, Response, SessionBuilder, response};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tollgate::config::{EmailTransportKind, SmsTransportKind, SmtpSecurityKind};
use tollgate::pb;
use tollgate::pb::challenge_service_client::ChallengeServiceClient;
use tollgate::pb::delivery_service_client::DeliveryServiceClient;
use tollgate::pb::enrollment_service_client::EnrollmentServiceClient;
use tonic::Code;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::support::{ServerProcess, TestDb, TestServer, clock, reason, uds_channel, until};

const SID: &str = "AC0123456789abcdef0123456789abcdef";
const TOKEN: &str = "twilio-test-token";

/// The form fields of a request Twilio received.
fn form(request: &Request) -> Vec<(String, String)> {
    url_decode_pairs(&String::from_utf8_lossy(&request.body))
}

fn url_decode_pairs(body: &str) -> Vec<(String, String)> {
    body.split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

fn decode(text: &str) -> String {
    let bytes = text.replace('+', " ").into_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no {name} field in {fields:?}"))
}

/// The six-digit code in an SMS body.
fn code_in(body: &str) -> String {
    body.split(|c: char| !c.is_ascii_digit())
        .find(|word| word.len() == 6)
        .unwrap_or_else(|| panic!("no code in {body:?}"))
        .to_owned()
}

async fn twilio_server(db: &TestDb, twilio: &MockServer) -> TestServer {
    let token_file = db.dir.path().join("twilio.token");
    std::fs::write(&token_file, format!("{TOKEN}\n")).unwrap();
    let base = twilio.uri();
    TestServer::start_with(db, clock(), move |config| {
        config.delivery.sms_transport = SmsTransportKind::Twilio;
        config.delivery.twilio_account_sid = Some(SID.to_owned());
        config.delivery.twilio_auth_token_file = Some(token_file);
        config.delivery.twilio_from = Some("+15005550006".to_owned());
        config.delivery.twilio_base_url = base;
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_with_a_code_sent_through_twilio() {
    let db = TestDb::sqlite().await;
    let twilio = MockServer::start().await;
    let basic = format!("Basic {}", base64_of(&format!("{SID}:{TOKEN}")));
    Mock::given(method("POST"))
        .and(path(format!("/2010-04-01/Accounts/{SID}/Messages.json")))
        .and(header("authorization", basic.as_str()))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(serde_json_like(r#"{"sid":"SM123","status":"queued"}"#)),
        )
        .mount(&twilio)
        .await;
    let server = twilio_server(&db, &twilio).await;

    register(&server, "sam", pb::ContactKind::Phone, "+44 20 7946 0123").await;
    send_confirmation(&server, "sam", pb::ContactKind::Phone)
        .await
        .unwrap();
    let requests = twilio.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1, "sent while the RPC waited");
    let fields = form(&requests[0]);
    assert_eq!(field(&fields, "To"), "+442079460123");
    assert_eq!(field(&fields, "From"), "+15005550006");
    let code = code_in(field(&fields, "Body"));
    confirm_and_enable(
        &server,
        "sam",
        pb::ContactKind::Phone,
        pb::Method::Sms,
        code,
    )
    .await;

    let challenge_id = begin_and_send_code(&server, "sam", pb::Method::Sms).await;
    let requests = twilio.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    let body = field(&form(&requests[1]), "Body").to_owned();
    verify(
        &server,
        "sam",
        &challenge_id,
        pb::Method::Sms,
        &code_in(&body),
    )
    .await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_number_is_delivery_failed_and_shown_on_the_contact() {
    let db = TestDb::sqlite().await;
    let twilio = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_json(serde_json_like(
            r#"{"code":21211,"message":"The 'To' number is not a valid phone number.","status":400}"#,
        )))
        .mount(&twilio)
        .await;
    let server = twilio_server(&db, &twilio).await;
    let mut delivery = DeliveryServiceClient::new(server.channel().await);
    register(&server, "tom", pb::ContactKind::Phone, "+1 415 555 2671").await;
    let err = delivery
        .send_confirmation(pb::SendConfirmationRequest {
            user_id: "tom".into(),
            kind: pb::ContactKind::Phone as i32,
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(
        (err.code(), reason(&err).as_str()),
        (Code::Unavailable, "DELIVERY_FAILED")
    );
    let contacts = delivery
        .list_contacts(pb::ListContactsRequest {
            user_id: "tom".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .contacts;
    assert!(
        contacts[0].last_delivery_error.contains("21211"),
        "{:?}",
        contacts[0]
    );
    let requests = twilio.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1, "a permanent refusal is not retried");
    server.stop().await;
}

/// A provider that refuses a message and quotes its code in the error
/// (a carrier's spam filter, say): the code reaches neither the contact's
/// `last_delivery_error` nor the server's log, even at `trace`; the rest of
/// the error does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_error_quoting_the_code_is_redacted() {
    let db = TestDb::sqlite().await;
    let twilio = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(|request: &Request| {
            let code = code_in(field(&form(request), "Body"));
            ResponseTemplate::new(400).set_body_json(serde_json::json!({
                "code": 30007,
                "message": format!("Carrier filter: the text '{code}' looks like a one-time passcode"),
                "status": 400,
            }))
        })
        .mount(&twilio)
        .await;
    let token_file = db.dir.path().join("twilio.token");
    std::fs::write(&token_file, format!("{TOKEN}\n")).unwrap();
    let log = db.dir.path().join("server.log");
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_tollgate"));
    command
        .args(["serve", "--log", "trace", "--sms-transport", "twilio"])
        .args(["--twilio-account-sid", SID, "--twilio-from", "+15005550006"])
        .args(["--twilio-base-url", &twilio.uri()])
        .arg("--twilio-auth-token-file")
        .arg(&token_file)
        .stderr(std::fs::File::create(&log).unwrap());
    let socket = db.dir.path().join("s.sock");
    let process = ServerProcess::start_with(&db.url, &socket, command).await;
    let mut delivery = DeliveryServiceClient::new(uds_channel(&socket).await);
    delivery
        .register_contact(pb::RegisterContactRequest {
            user_id: "wes".into(),
            kind: pb::ContactKind::Phone as i32,
            address: "+1 415 555 2671".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let err = delivery
        .send_confirmation(pb::SendConfirmationRequest {
            user_id: "wes".into(),
            kind: pb::ContactKind::Phone as i32,
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(reason(&err), "DELIVERY_FAILED");
    let requests = twilio.received_requests().await.unwrap();
    let code = code_in(field(&form(&requests[0]), "Body"));
    let contacts = delivery
        .list_contacts(pb::ListContactsRequest {
            user_id: "wes".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .contacts;
    let shown = &contacts[0].last_delivery_error;
    assert!(
        shown.contains("30007") && shown.contains("looks like a one-time passcode"),
        "the rest of the error is kept: {shown}"
    );
    assert!(!shown.contains(&code), "the code is shown: {shown}");
    assert!(process.terminate().success());
    let written = std::fs::read_to_string(&log).unwrap();
    assert!(written.contains("delivery failed"), "{written}");
    assert!(
        !written.contains(&code),
        "the code reached the log: {written}"
    );
    db.cleanup().await;
}

async fn register(server: &TestServer, user: &str, kind: pb::ContactKind, address: &str) {
    DeliveryServiceClient::new(server.channel().await)
        .register_contact(pb::RegisterContactRequest {
            user_id: user.to_owned(),
            kind: kind as i32,
            address: address.to_owned(),
            ..Default::default()
        })
        .await
        .unwrap();
}

async fn send_confirmation(
    server: &TestServer,
    user: &str,
    kind: pb::ContactKind,
) -> Result<(), tonic::Status> {
    DeliveryServiceClient::new(server.channel().await)
        .send_confirmation(pb::SendConfirmationRequest {
            user_id: user.to_owned(),
            kind: kind as i32,
            ..Default::default()
        })
        .await
        .map(|_| ())
}

/// Confirms the contact with the code the user received, and turns the
/// method on.
async fn confirm_and_enable(
    server: &TestServer,
    user: &str,
    kind: pb::ContactKind,
    method: pb::Method,
    code: String,
) {
    DeliveryServiceClient::new(server.channel().await)
        .confirm_contact(pb::ConfirmContactRequest {
            user_id: user.to_owned(),
            kind: kind as i32,
            token_or_code: code,
            ..Default::default()
        })
        .await
        .unwrap();
    EnrollmentServiceClient::new(server.channel().await)
        .enable_method(pb::EnableMethodRequest {
            user_id: user.to_owned(),
            method: method as i32,
            ..Default::default()
        })
        .await
        .unwrap();
}

/// Begins a sign-in and has a code sent; returns the challenge id.
async fn begin_and_send_code(server: &TestServer, user: &str, method: pb::Method) -> String {
    let mut challenge = ChallengeServiceClient::new(server.channel().await);
    let started = challenge
        .begin_challenge(pb::BeginChallengeRequest {
            user_id: user.to_owned(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    challenge
        .send_code(pb::SendCodeRequest {
            user_id: user.to_owned(),
            challenge_id: started.challenge_id.clone(),
            method: method as i32,
            ..Default::default()
        })
        .await
        .unwrap();
    started.challenge_id
}

async fn verify(
    server: &TestServer,
    user: &str,
    challenge_id: &str,
    method: pb::Method,
    code: &str,
) {
    ChallengeServiceClient::new(server.channel().await)
        .verify_challenge(pb::VerifyChallengeRequest {
            user_id: user.to_owned(),
            challenge_id: challenge_id.to_owned(),
            method: method as i32,
            code: code.to_owned(),
            ..Default::default()
        })
        .await
        .unwrap();
}

fn serde_json_like(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap()
}

fn base64_of(text: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let bytes = text.as_bytes();
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The DATA of every mail an SMTP server on 127.0.0.1 accepted.
#[derive(Clone, Default)]
struct Mailbox {
    mails: Arc<Mutex<Vec<String>>>,
    current: String,
}

impl Handler for Mailbox {
    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.current.push_str(&String::from_utf8_lossy(buf));
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let mail = std::mem::take(&mut self.current);
        self.mails.lock().unwrap().push(mail);
        response::OK
    }
}

/// A real SMTP server (mailin's engine over tokio) on a loopback port.
pub(crate) async fn smtp_server() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let mailbox = Mailbox::default();
    let mails = mailbox.mails.clone();
    tokio::spawn(async move {
        while let Ok((stream, peer)) = listener.accept().await {
            let handler = mailbox.clone();
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut read = BufReader::new(read);
                let mut session = SessionBuilder::new("mx.test").build(peer.ip(), handler);
                write.write_all(&session.greeting().buffer()?).await?;
                let mut line = Vec::new();
                loop {
                    line.clear();
                    if read.read_until(b'\n', &mut line).await? == 0 {
                        return Ok::<_, std::io::Error>(());
                    }
                    let reply = session.process(&line);
                    if reply.action != Action::NoReply {
                        write.write_all(&reply.buffer()?).await?;
                    }
                    if reply.action == Action::Close {
                        return Ok(());
                    }
                }
            });
        }
    });
    (port, mails)
}

/// A mail's text with quoted-printable soft line breaks and `=3D` undone
/// (enough for links and codes).
pub(crate) fn unfold(mail: &str) -> String {
    mail.replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=")
}

/// The 40-hex-digit confirmation token in a delivered mail.
pub(crate) fn token_in(mail: &str) -> String {
    mail.split(|c: char| !c.is_ascii_hexdigit())
        .find(|word| word.len() == 40)
        .unwrap_or_else(|| panic!("no token in {mail}"))
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_with_a_code_emailed_over_smtp() {
    let db = TestDb::sqlite().await;
    let (port, mails) = smtp_server().await;
    let server = TestServer::start_with(&db, clock(), move |config| {
        config.delivery.email_transport = EmailTransportKind::Smtp;
        config.delivery.smtp_host = Some("127.0.0.1".to_owned());
        config.delivery.smtp_port = Some(port);
        config.delivery.smtp_security = SmtpSecurityKind::None;
        config.delivery.smtp_from = Some("Acme <no-reply@acme.test>".to_owned());
        config.confirm_link_base = Some("https://app.example/confirm-email".to_owned());
    })
    .await;

    register(&server, "uma", pb::ContactKind::Email, "uma@example.com").await;
    send_confirmation(&server, "uma", pb::ContactKind::Email)
        .await
        .unwrap();
    let confirmation = unfold(
        &mails
            .lock()
            .unwrap()
            .last()
            .cloned()
            .expect("the confirmation was delivered"),
    );
    assert!(
        confirmation.contains("To: uma@example.com"),
        "{confirmation}"
    );
    assert!(
        confirmation.contains("no-reply@acme.test"),
        "{confirmation}"
    );
    // The link flow: the application's page receives tenant, user and token.
    let token = token_in(&confirmation);
    let link = format!("https://app.example/confirm-email?tenant=default&user=uma&token={token}");
    assert!(confirmation.contains(&link), "{confirmation}");
    confirm_and_enable(
        &server,
        "uma",
        pb::ContactKind::Email,
        pb::Method::Email,
        token,
    )
    .await;
    let challenge_id = begin_and_send_code(&server, "uma", pb::Method::Email).await;
    let mail = unfold(&mails.lock().unwrap().last().cloned().unwrap());
    assert!(mail.contains("Subject: "), "{mail}");
    verify(
        &server,
        "uma",
        &challenge_id,
        pb::Method::Email,
        &code_in(
            mail.split_once("sign-in code is:")
                .expect("the text part")
                .1,
        ),
    )
    .await;
    assert_eq!(mails.lock().unwrap().len(), 2);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_outage_is_retried_in_the_background() {
    let db = TestDb::sqlite().await;
    let twilio = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&twilio)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(serde_json_like(r#"{"sid":"SM1"}"#)))
        .mount(&twilio)
        .await;
    let server = twilio_server(&db, &twilio).await;
    let delivery = DeliveryServiceClient::new(server.channel().await);
    register(&server, "val", pb::ContactKind::Phone, "+44 20 7946 0123").await;
    // The first attempt fails for now: the call still succeeds (the message
    // is queued), and the failure shows on the contact.
    send_confirmation(&server, "val", pb::ContactKind::Phone)
        .await
        .unwrap();
    let contacts = |mut client: DeliveryServiceClient<tonic::transport::Channel>| async move {
        client
            .list_contacts(pb::ListContactsRequest {
                user_id: "val".into(),
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner()
            .contacts
    };
    assert!(
        !contacts(delivery.clone()).await[0]
            .last_delivery_error
            .is_empty()
    );
    // After the backoff the worker tries again, and it goes through.
    server.clock.advance(chrono::TimeDelta::seconds(6));
    until("the worker to retry the message", async || {
        twilio.received_requests().await.unwrap().len() == 2
    })
    .await;
    until("the contact's delivery error to clear", async || {
        contacts(delivery.clone()).await[0]
            .last_delivery_error
            .is_empty()
    })
    .await;
    assert!(
        contacts(delivery.clone()).await[0]
            .last_delivery_error
            .is_empty()
    );
    server.stop().await;
}
