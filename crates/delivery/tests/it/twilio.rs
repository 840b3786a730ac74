//! TwilioSms against an HTTP server that checks the exact request Twilio
//! would get and answers as Twilio does.
use std::collections::BTreeMap;
use std::time::Duration;

use reqwest::Url;
use tollgate_delivery::{
    Channel, ConfigError, DeliveryError, SecretString, Transport, TwilioConfig, TwilioSms,
};
use wiremock::matchers::{header, method, path};
use wiremock::{Match, Mock, MockServer, Request, ResponseTemplate};

use crate::{CODE, message};

const TOKEN: &str = "tw-auth-token-9f8e";

fn config(server: &MockServer) -> TwilioConfig {
    TwilioConfig {
        base_url: server.uri(),
        timeout: Duration::from_secs(5),
        ..TwilioConfig::new(
            "AC123".into(),
            SecretString::new(TOKEN.into()),
            "+15550001111".into(),
        )
    }
}

/// The form body, decoded.
fn form(request: &Request) -> BTreeMap<String, String> {
    let body = String::from_utf8(request.body.clone()).unwrap();
    Url::parse(&format!("http://x/?{body}"))
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect()
}

/// Matches a form body with exactly these fields.
struct FormIs(&'static [(&'static str, &'static str)]);

impl Match for FormIs {
    fn matches(&self, request: &Request) -> bool {
        let expected: BTreeMap<String, String> = self
            .0
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        form(request) == expected
    }
}

#[tokio::test]
async fn posts_the_form_twilio_expects() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/2010-04-01/Accounts/AC123/Messages.json"))
        // base64("AC123:tw-auth-token-9f8e")
        .and(header(
            "authorization",
            "Basic QUMxMjM6dHctYXV0aC10b2tlbi05Zjhl",
        ))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(FormIs(&[
            ("To", "+15557654321"),
            ("From", "+15550001111"),
            ("Body", "428913 is your Acme sign-in code."),
        ]))
        .respond_with(ResponseTemplate::new(201).set_body_json(serde_json::json!({
            "sid": "SM0123456789abcdef0123456789abcdef",
            "status": "queued",
            "to": "+15557654321",
        })))
        .expect(1)
        .mount(&server)
        .await;

    let twilio = TwilioSms::new(config(&server)).unwrap();
    twilio
        .send(&message(Channel::Sms, "+15557654321"))
        .await
        .unwrap();
    assert_eq!(twilio.name(), "twilio");
}

#[tokio::test]
async fn an_invalid_number_is_permanent_with_twilios_code() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_json(serde_json::json!({
            "code": 21211,
            "message": "The 'To' number is not a valid phone number.",
            "more_info": "https://www.twilio.com/docs/errors/21211",
            "status": 400,
        })))
        .mount(&server)
        .await;
    let twilio = TwilioSms::new(config(&server)).unwrap();
    let err = twilio
        .send(&message(Channel::Sms, "+1555"))
        .await
        .unwrap_err();
    let DeliveryError::Permanent(text) = &err else {
        panic!("expected a permanent error, got {err:?}");
    };
    assert!(text.contains("21211"), "{text}");
    assert!(text.contains("not a valid phone number"), "{text}");
    assert!(!text.contains(CODE) && !text.contains(TOKEN), "{text}");
}

/// Twilio's message quoting part of the SMS (the code, not the whole
/// text), and a very long message: the code is redacted, the rest kept,
/// the length bounded.
#[tokio::test]
async fn an_error_quoting_the_code_is_redacted_and_bounded() {
    for (reply, long) in [
        (
            format!("Blocked by carrier: '{CODE}' looks like a passcode"),
            false,
        ),
        (
            format!("Blocked: {CODE} {}", "and so on ".repeat(200)),
            true,
        ),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(400).set_body_json(serde_json::json!({
                "code": 30007,
                "message": reply,
                "status": 400,
            })))
            .mount(&server)
            .await;
        let twilio = TwilioSms::new(config(&server)).unwrap();
        let err = twilio
            .send(&message(Channel::Sms, "+15557654321"))
            .await
            .unwrap_err();
        let text = err.to_string();
        assert!(!text.contains(CODE), "{text}");
        assert!(text.contains("30007") && text.contains("Blocked"), "{text}");
        assert!(text.chars().count() <= 350, "{} characters", text.len());
        if !long {
            assert!(text.contains("looks like a passcode"), "{text}");
        }
    }
}

#[tokio::test]
async fn overload_and_outages_are_transient() {
    for status in [429, 500, 503] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(
                ResponseTemplate::new(status)
                    .set_body_string(format!("echo: {CODE} is your Acme sign-in code.")),
            )
            .mount(&server)
            .await;
        let twilio = TwilioSms::new(config(&server)).unwrap();
        let err = twilio
            .send(&message(Channel::Sms, "+15557654321"))
            .await
            .unwrap_err();
        assert!(matches!(err, DeliveryError::Transient(_)), "{err}");
        assert!(err.to_string().contains(&status.to_string()), "{err}");
        // A reply that is not Twilio's JSON is not repeated.
        assert!(!err.to_string().contains(CODE), "{err}");
    }
}

#[tokio::test]
async fn a_slow_answer_times_out_as_transient() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_delay(Duration::from_secs(10)))
        .mount(&server)
        .await;
    let twilio = TwilioSms::new(TwilioConfig {
        timeout: Duration::from_millis(200),
        ..config(&server)
    })
    .unwrap();
    let err = twilio
        .send(&message(Channel::Sms, "+15557654321"))
        .await
        .unwrap_err();
    assert!(matches!(err, DeliveryError::Transient(_)), "{err}");
}

#[tokio::test]
async fn email_is_refused_without_a_request() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201))
        .expect(0)
        .mount(&server)
        .await;
    let twilio = TwilioSms::new(config(&server)).unwrap();
    let err = twilio
        .send(&message(Channel::Email, "alice@example.com"))
        .await
        .unwrap_err();
    assert!(err.is_permanent(), "{err}");
}

#[test]
fn plain_http_and_odd_sids_are_refused() {
    let base = |base_url: &str| TwilioConfig {
        base_url: base_url.into(),
        ..TwilioConfig::new("AC123".into(), SecretString::new(TOKEN.into()), "+1".into())
    };
    assert!(TwilioSms::new(base(TwilioConfig::DEFAULT_BASE_URL)).is_ok());
    assert!(matches!(
        TwilioSms::new(base("http://api.twilio.com")),
        Err(ConfigError::PlaintextHttp { .. })
    ));
    let odd_sid = TwilioConfig {
        account_sid: "AC1/../x".into(),
        ..base(TwilioConfig::DEFAULT_BASE_URL)
    };
    assert!(matches!(
        TwilioSms::new(odd_sid),
        Err(ConfigError::Invalid { .. })
    ));
}
