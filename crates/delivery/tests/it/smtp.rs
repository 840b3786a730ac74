//! SmtpTransport against a real SMTP server on 127.0.0.1: mailin's
//! protocol engine (EHLO, AUTH, MAIL, RCPT, DATA, QUIT) behind a tokio
//! listener on port 0.
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mailin::{Action, AuthMechanism, Handler, Response, SessionBuilder, response};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tollgate_delivery::{
    Channel, ConfigError, DeliveryError, SecretString, SmtpConfig, SmtpSecurity, SmtpTransport,
    Transport,
};

use crate::{CODE, message};

/// What the server saw of one mail transaction.
#[derive(Debug, Clone, Default)]
struct Received {
    login: Option<(String, String)>,
    from: String,
    to: Vec<String>,
    data: String,
}

/// One handler per connection; finished mails go to the shared list.
#[derive(Clone)]
struct Capture {
    mails: Arc<Mutex<Vec<Received>>>,
    current: Received,
    /// The reply to RCPT TO, to play a refusing server.
    rcpt_reply: Response,
    /// The reply code after DATA, when it is not 250: the reply then
    /// quotes the line of the message that holds the code, as a server
    /// explaining a refusal might.
    data_reply: Option<u16>,
}

impl Handler for Capture {
    fn auth_plain(&mut self, _authz: &str, user: &str, password: &str) -> Response {
        self.current.login = Some((user.into(), password.into()));
        response::AUTH_OK
    }

    fn mail(&mut self, _ip: IpAddr, _domain: &str, from: &str) -> Response {
        self.current.from = from.into();
        response::OK
    }

    fn rcpt(&mut self, to: &str) -> Response {
        self.current.to.push(to.into());
        self.rcpt_reply.clone()
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.current.data.push_str(&String::from_utf8_lossy(buf));
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        if let Some(code) = self.data_reply {
            let quoted = self
                .current
                .data
                .lines()
                .find(|line| line.contains(CODE))
                .unwrap_or_default()
                .to_owned();
            return Response::custom(code, format!("5.7.1 refused: {quoted}"));
        }
        let mail = std::mem::take(&mut self.current);
        self.current.login.clone_from(&mail.login);
        self.mails.lock().unwrap().push(mail);
        response::OK
    }
}

/// Starts the server; returns its port and the mails it accepts. With
/// `auth`, it offers AUTH PLAIN and requires it.
async fn smtp_server(rcpt_reply: Response, auth: bool) -> (u16, Arc<Mutex<Vec<Received>>>) {
    server_with(rcpt_reply, None, auth).await
}

async fn server_with(
    rcpt_reply: Response,
    data_reply: Option<u16>,
    auth: bool,
) -> (u16, Arc<Mutex<Vec<Received>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let mails = Arc::new(Mutex::new(Vec::new()));
    let handler = Capture {
        mails: mails.clone(),
        current: Received::default(),
        rcpt_reply,
        data_reply,
    };
    tokio::spawn(async move {
        while let Ok((stream, peer)) = listener.accept().await {
            tokio::spawn(serve(stream, peer.ip(), handler.clone(), auth));
        }
    });
    (port, mails)
}

async fn serve(
    stream: TcpStream,
    peer: IpAddr,
    handler: Capture,
    auth: bool,
) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    let mut builder = SessionBuilder::new("mx.test");
    if auth {
        builder
            .enable_auth(AuthMechanism::Plain)
            .insecure_enable_plaintext_auth();
    }
    let mut session = builder.build(peer, handler);
    write.write_all(&session.greeting().buffer()?).await?;
    let mut line = Vec::new();
    loop {
        line.clear();
        if read.read_until(b'\n', &mut line).await? == 0 {
            return Ok(());
        }
        let reply = session.process(&line);
        if reply.action != Action::NoReply {
            write.write_all(&reply.buffer()?).await?;
        }
        // mailin stays in DATA after refusing a message, so it would take
        // the client's QUIT for more data: hang up instead.
        let refused_data = line == b".\r\n" && reply.code >= 400;
        if reply.action == Action::Close || refused_data {
            return Ok(());
        }
    }
}

fn config(port: u16) -> SmtpConfig {
    SmtpConfig {
        host: "127.0.0.1".into(),
        port,
        security: SmtpSecurity::None,
        username: None,
        password: None,
        from: "Acme <no-reply@acme.test>".into(),
        timeout: Duration::from_secs(5),
    }
}

#[tokio::test]
async fn delivers_a_multipart_email_over_smtp() {
    let (port, mails) = smtp_server(response::OK, true).await;
    let transport = SmtpTransport::new(SmtpConfig {
        username: Some("mailer".into()),
        password: Some(SecretString::new("smtp-pass-7c1d".into())),
        ..config(port)
    })
    .unwrap();
    let mut email = message(Channel::Email, "Alice <alice@example.com>");
    email.html_body = Some(SecretString::new(format!("<p><b>{CODE}</b></p>")));

    transport.send(&email).await.unwrap();

    let mails = mails.lock().unwrap().clone();
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert_eq!(
        mail.login,
        Some(("mailer".to_owned(), "smtp-pass-7c1d".to_owned()))
    );
    assert_eq!(mail.from, "no-reply@acme.test");
    assert_eq!(mail.to, ["alice@example.com"]);
    let data = &mail.data;
    assert!(
        data.contains("From: Acme <no-reply@acme.test>\r\n"),
        "{data}"
    );
    assert!(data.contains("To: Alice <alice@example.com>\r\n"), "{data}");
    assert!(
        data.contains("Subject: Your Acme sign-in code\r\n"),
        "{data}"
    );
    assert!(
        data.contains("Message-ID: <0f3a9c@acme.test>\r\n"),
        "{data}"
    );
    assert!(data.contains("multipart/alternative"), "{data}");
    assert!(data.contains("text/plain"), "{data}");
    assert!(data.contains("text/html"), "{data}");
    assert!(
        data.contains(&format!("{CODE} is your Acme sign-in code.")),
        "{data}"
    );
    assert!(data.contains(&format!("<p><b>{CODE}</b></p>")), "{data}");
}

#[tokio::test]
async fn plain_text_email_without_html() {
    let (port, mails) = smtp_server(response::OK, false).await;
    let transport = SmtpTransport::new(config(port)).unwrap();
    transport
        .send(&message(Channel::Email, "bob@example.com"))
        .await
        .unwrap();
    let data = mails.lock().unwrap()[0].data.clone();
    assert!(data.contains("Content-Type: text/plain"), "{data}");
    assert!(!data.contains("multipart"), "{data}");
    assert!(data.contains(CODE), "{data}");
}

#[tokio::test]
async fn smtp_5xx_is_permanent_and_4xx_transient() {
    let cases = [
        (Response::custom(550, "No such user".into()), true),
        (Response::custom(451, "Try again later".into()), false),
    ];
    for (reply, permanent) in cases {
        let code = reply.code;
        let (port, mails) = smtp_server(reply, false).await;
        let transport = SmtpTransport::new(config(port)).unwrap();
        let err = transport
            .send(&message(Channel::Email, "alice@example.com"))
            .await
            .unwrap_err();
        assert_eq!(err.is_permanent(), permanent, "{err}");
        let text = err.to_string();
        assert!(text.contains(&code.to_string()), "{text}");
        assert!(!text.contains(CODE), "{text}");
        assert!(mails.lock().unwrap().is_empty());
    }
}

/// A server that refuses the message and quotes it in its reply, in a
/// well-formed reply (554) or one the client cannot parse (650): the error
/// never repeats the code.
#[tokio::test]
async fn a_reply_quoting_the_message_is_not_repeated() {
    for code in [554, 650] {
        let (port, _) = server_with(response::OK, Some(code), false).await;
        let transport = SmtpTransport::new(config(port)).unwrap();
        let err = transport
            .send(&message(Channel::Email, "alice@example.com"))
            .await
            .unwrap_err();
        let text = err.to_string();
        assert!(!text.contains(CODE), "reply {code}: {text}");
        assert!(text.contains("SMTP"), "reply {code}: {text}");
    }
}

#[tokio::test]
async fn a_closed_port_is_transient() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        listener.local_addr().unwrap().port()
    };
    let transport = SmtpTransport::new(config(port)).unwrap();
    let err = transport
        .send(&message(Channel::Email, "alice@example.com"))
        .await
        .unwrap_err();
    assert!(matches!(err, DeliveryError::Transient(_)), "{err}");
}

#[tokio::test]
async fn bad_recipients_and_sms_are_permanent() {
    let (port, mails) = smtp_server(response::OK, false).await;
    let transport = SmtpTransport::new(config(port)).unwrap();
    for m in [
        message(Channel::Email, "not an address"),
        message(Channel::Sms, "+15551234567"),
    ] {
        let err = transport.send(&m).await.unwrap_err();
        assert!(err.is_permanent(), "{err}");
    }
    assert!(mails.lock().unwrap().is_empty());
}

#[test]
fn plaintext_smtp_only_to_this_machine() {
    for host in ["smtp.example.com", "10.1.2.3"] {
        let err = SmtpTransport::new(SmtpConfig {
            host: host.into(),
            ..config(25)
        })
        .unwrap_err();
        assert!(matches!(err, ConfigError::PlaintextSmtp { .. }), "{err}");
        assert!(err.to_string().contains("starttls"), "{err}");
    }
    for host in ["localhost", "127.0.0.1", "::1"] {
        SmtpTransport::new(SmtpConfig {
            host: host.into(),
            ..config(25)
        })
        .unwrap();
    }
    for security in [SmtpSecurity::StartTls, SmtpSecurity::Tls] {
        SmtpTransport::new(SmtpConfig {
            host: "smtp.example.com".into(),
            port: security.default_port(),
            security,
            ..config(0)
        })
        .unwrap();
    }
}

#[test]
fn configuration_mistakes_are_refused() {
    let half = SmtpConfig {
        username: Some("mailer".into()),
        ..config(25)
    };
    assert!(matches!(
        SmtpTransport::new(half),
        Err(ConfigError::IncompleteCredentials)
    ));
    let bad_from = SmtpConfig {
        from: "no address here".into(),
        ..config(25)
    };
    assert!(matches!(
        SmtpTransport::new(bad_from),
        Err(ConfigError::Invalid { .. })
    ));
}
