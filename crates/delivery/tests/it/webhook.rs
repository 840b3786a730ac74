//! WebhookTransport against an HTTP server: the receiver's view of the
//! JSON and its signature.
use std::sync::Arc;
use std::time::Duration;

use tollgate_delivery::webhook::{SIGNATURE_HEADER, TIMESTAMP_HEADER, verify};
use tollgate_delivery::{
    Channel, ConfigError, DeliveryError, SecretString, Transport, WebhookConfig, WebhookTransport,
};
use tollgate_domain::ManualClock;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{CODE, message};

const SECRET: &str = "whsec-5b2e77";
const NOW: i64 = 1_790_000_000;

fn transport(server: &MockServer) -> WebhookTransport {
    WebhookTransport::new(
        WebhookConfig {
            url: format!("{}/hooks/tollgate", server.uri()),
            secret: SecretString::new(SECRET.into()),
            timeout: Duration::from_secs(5),
        },
        Arc::new(ManualClock::at_unix(NOW)),
    )
    .unwrap()
}

#[tokio::test]
async fn posts_signed_json_the_receiver_can_verify() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/hooks/tollgate"))
        .and(header("content-type", "application/json"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;

    transport(&server)
        .send(&message(Channel::Sms, "+15557654321"))
        .await
        .unwrap();

    let requests = server.received_requests().await.unwrap();
    let request = &requests[0];
    let text = |name: &str| request.headers.get(name).unwrap().to_str().unwrap();
    let timestamp: i64 = text(TIMESTAMP_HEADER).parse().unwrap();
    assert_eq!(timestamp, NOW);
    let signature = text(SIGNATURE_HEADER);
    assert!(signature.starts_with("v1="), "{signature}");
    assert!(verify(
        SECRET.as_bytes(),
        timestamp,
        &request.body,
        signature
    ));
    assert!(!verify(
        b"wrong secret",
        timestamp,
        &request.body,
        signature
    ));
    assert!(!verify(
        SECRET.as_bytes(),
        timestamp + 1,
        &request.body,
        signature
    ));

    let json: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "message_id": "0f3a9c",
            "channel": "sms",
            "to": "+15557654321",
            "subject": "Your Acme sign-in code",
            "body": format!("{CODE} is your Acme sign-in code."),
        })
    );
}

#[tokio::test]
async fn email_carries_its_html_part() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let mut email = message(Channel::Email, "alice@example.com");
    email.html_body = Some(SecretString::new("<p>428913</p>".into()));
    transport(&server).send(&email).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    let json: serde_json::Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(json["channel"], "email");
    assert_eq!(json["html_body"], "<p>428913</p>");
}

#[tokio::test]
async fn receiver_failures_are_classified() {
    for (status, permanent) in [(400, true), (410, true), (429, false), (502, false)] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(status).set_body_string(CODE))
            .mount(&server)
            .await;
        let err = transport(&server)
            .send(&message(Channel::Sms, "+15557654321"))
            .await
            .unwrap_err();
        assert_eq!(err.is_permanent(), permanent, "{status}: {err}");
        assert!(!err.to_string().contains(CODE), "{err}");
    }
}

#[tokio::test]
async fn an_unreachable_receiver_is_transient() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let transport = WebhookTransport::new(
        WebhookConfig {
            url: format!("http://127.0.0.1:{port}/hook"),
            secret: SecretString::new(SECRET.into()),
            timeout: Duration::from_secs(5),
        },
        Arc::new(ManualClock::at_unix(NOW)),
    )
    .unwrap();
    let err = transport
        .send(&message(Channel::Sms, "+15557654321"))
        .await
        .unwrap_err();
    assert!(matches!(err, DeliveryError::Transient(_)), "{err}");
}

#[test]
fn plain_http_elsewhere_and_empty_secrets_are_refused() {
    let config = |url: &str, secret: &str| WebhookConfig {
        url: url.into(),
        secret: SecretString::new(secret.into()),
        timeout: Duration::from_secs(5),
    };
    let clock = || Arc::new(ManualClock::at_unix(NOW));
    assert!(WebhookTransport::new(config("https://hooks.example.com/x", SECRET), clock()).is_ok());
    assert!(matches!(
        WebhookTransport::new(config("http://hooks.example.com/x", SECRET), clock()),
        Err(ConfigError::PlaintextHttp { .. })
    ));
    assert!(matches!(
        WebhookTransport::new(config("https://hooks.example.com/x", ""), clock()),
        Err(ConfigError::Invalid { .. })
    ));
}
