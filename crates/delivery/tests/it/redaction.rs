//! No Debug output shows a password, token, signing secret, code or body.
use std::sync::Arc;
use std::time::Duration;

use tollgate_delivery::{
    Channel, LogTransport, MessageKind, SecretString, SmtpConfig, SmtpSecurity, SmtpTransport,
    Templates, TwilioConfig, TwilioSms, Vars, WebhookConfig, WebhookTransport,
};
use tollgate_domain::ManualClock;

use crate::{CODE, message};

const SECRETS: [&str; 5] = [
    CODE,
    "smtp-pass-7c1d",
    "tw-auth-token-9f8e",
    "whsec-5b2e77",
    "hook-path-token-31",
];

fn assert_clean(what: &str, debug: String) {
    for secret in SECRETS {
        assert!(!debug.contains(secret), "{what} shows {secret}: {debug}");
    }
}

#[tokio::test]
async fn configs_transports_and_messages_are_redacted() {
    let smtp = SmtpConfig {
        host: "smtp.example.com".into(),
        port: 587,
        security: SmtpSecurity::StartTls,
        username: Some("mailer".into()),
        password: Some(SecretString::new("smtp-pass-7c1d".into())),
        from: "Acme <no-reply@acme.test>".into(),
        timeout: Duration::from_secs(5),
    };
    let twilio = TwilioConfig::new(
        "AC123".into(),
        SecretString::new("tw-auth-token-9f8e".into()),
        "+15550001111".into(),
    );
    let webhook = WebhookConfig {
        url: "https://hooks.example.com/in/hook-path-token-31".into(),
        secret: SecretString::new("whsec-5b2e77".into()),
        timeout: Duration::from_secs(5),
    };
    assert_clean("SmtpConfig", format!("{smtp:?}"));
    assert_clean("TwilioConfig", format!("{twilio:?}"));
    assert_clean("WebhookConfig", format!("{webhook:?}"));
    assert!(format!("{webhook:?}").contains("https://hooks.example.com"));

    let clock = Arc::new(ManualClock::at_unix(0));
    assert_clean(
        "SmtpTransport",
        format!("{:?}", SmtpTransport::new(smtp).unwrap()),
    );
    assert_clean(
        "TwilioSms",
        format!("{:?}", TwilioSms::new(twilio).unwrap()),
    );
    assert_clean(
        "WebhookTransport",
        format!(
            "{:?}",
            WebhookTransport::new(webhook, clock.clone()).unwrap()
        ),
    );
    assert_clean(
        "LogTransport",
        format!("{:?}", LogTransport::new("/dev/null", clock)),
    );

    let mut email = message(Channel::Email, "alice@example.com");
    email.html_body = Some(SecretString::new(format!("<p>{CODE}</p>")));
    let debug = format!("{email:?}");
    assert_clean("Message", debug.clone());
    assert!(debug.contains("alice@example.com"), "{debug}");

    let vars = Vars {
        product: "Acme".into(),
        code: SecretString::new(CODE.into()),
        expires_in: "90 seconds".into(),
        link: Some(SecretString::new(
            "https://acme.test/c?token=hook-path-token-31".into(),
        )),
        notice: None,
    };
    assert_clean("Vars", format!("{vars:?}"));
    let rendered = Templates::default().render(MessageKind::SignInCode, Channel::Email, &vars);
    assert!(rendered.text.expose().contains(CODE));
    assert_clean("Rendered", format!("{rendered:?}"));
}
