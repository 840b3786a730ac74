//! TLS and mutual TLS on the TCP listener, with certificates from a test CA:
//! a client with a certificate the CA signed is served; one without, or
//! speaking plaintext, is refused; the Unix socket stays plaintext.
use std::path::Path;

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use tollgate::config::TlsConfig;
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Identity};
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

use crate::support::{TestDb, TestServer, clock};

/// A test CA's certificate and a client certificate it signed (PEM); the
/// CA (`ca.pem`) and a `localhost` server certificate and key
/// (`server.pem`, `server.key`) are written as files.
pub struct Pki {
    pub ca: String,
    client_cert: String,
    client_key: String,
    issuer: CertifiedIssuer<'static, KeyPair>,
}

impl Pki {
    /// A client identity the CA signed, naming `dns_name` (a SAN).
    pub fn client(&self, dns_name: &str) -> Identity {
        let key = KeyPair::generate().unwrap();
        let cert = CertificateParams::new(vec![dns_name.to_owned()])
            .unwrap()
            .signed_by(&key, &self.issuer)
            .unwrap();
        Identity::from_pem(cert.pem(), key.serialize_pem())
    }

    /// A TLS channel to `localhost:port` trusting the CA, presenting
    /// `identity` when given.
    pub async fn channel(&self, port: u16, identity: Option<Identity>) -> Channel {
        let mut tls = ClientTlsConfig::new()
            .ca_certificate(Certificate::from_pem(&self.ca))
            .domain_name("localhost");
        if let Some(identity) = identity {
            tls = tls.identity(identity);
        }
        Channel::from_shared(format!("https://localhost:{port}"))
            .unwrap()
            .tls_config(tls)
            .unwrap()
            .connect()
            .await
            .unwrap()
    }
}

pub fn write_pki(dir: &Path) -> Pki {
    let mut ca_params = CertificateParams::new(Vec::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
    let server_key = KeyPair::generate().unwrap();
    let server_cert = CertificateParams::new(vec!["localhost".to_owned()])
        .unwrap()
        .signed_by(&server_key, &ca)
        .unwrap();
    let client_key = KeyPair::generate().unwrap();
    let client_cert = CertificateParams::new(vec!["backend".to_owned()])
        .unwrap()
        .signed_by(&client_key, &ca)
        .unwrap();
    std::fs::write(dir.join("ca.pem"), ca.pem()).unwrap();
    std::fs::write(dir.join("server.pem"), server_cert.pem()).unwrap();
    std::fs::write(dir.join("server.key"), server_key.serialize_pem()).unwrap();
    Pki {
        ca: ca.pem(),
        client_cert: client_cert.pem(),
        client_key: client_key.serialize_pem(),
        issuer: ca,
    }
}

/// A server on loopback TCP with the certificate `write_pki` wrote, asking
/// clients for theirs when `mutual`.
pub async fn start_with_tls(db: &TestDb, mutual: bool) -> TestServer {
    start_with_tls_and(db, mutual, |_| {}).await
}

/// As [`start_with_tls`], with the settings changed by `adjust`.
pub async fn start_with_tls_and(
    db: &TestDb,
    mutual: bool,
    adjust: impl FnOnce(&mut tollgate::config::ServerConfig),
) -> TestServer {
    let dir = db.dir.path().to_owned();
    TestServer::start_with(db, clock(), |config| {
        adjust(config);
        config.listen = Some("127.0.0.1:0".parse().unwrap());
        config.tls = Some(TlsConfig {
            cert_file: dir.join("server.pem"),
            key_file: dir.join("server.key"),
            client_ca_file: mutual.then(|| dir.join("ca.pem")),
        });
    })
    .await
}

async fn health(channel: Channel) -> Result<i32, tonic::Status> {
    HealthClient::new(channel)
        .check(HealthCheckRequest {
            service: String::new(),
        })
        .await
        .map(|r| r.into_inner().status)
}

#[tokio::test]
async fn mutual_tls_serves_clients_with_a_certificate_and_refuses_others() {
    let db = TestDb::sqlite().await;
    let pki = write_pki(db.dir.path());
    let server = start_with_tls(&db, true).await;
    let addr = server.tcp_addr.unwrap();
    let url = format!("https://localhost:{}", addr.port());
    let trusting_ca = || {
        ClientTlsConfig::new()
            .ca_certificate(Certificate::from_pem(&pki.ca))
            .domain_name("localhost")
    };

    let with_cert = Channel::from_shared(url.clone())
        .unwrap()
        .tls_config(trusting_ca().identity(Identity::from_pem(&pki.client_cert, &pki.client_key)))
        .unwrap()
        .connect()
        .await
        .unwrap();
    assert_eq!(
        health(with_cert).await.unwrap(),
        ServingStatus::Serving as i32
    );

    // No client certificate: the handshake (or the first call) fails.
    let without_cert = match Channel::from_shared(url.clone())
        .unwrap()
        .tls_config(trusting_ca())
        .unwrap()
        .connect()
        .await
    {
        Ok(channel) => health(channel).await.is_err(),
        Err(_) => true,
    };
    assert!(without_cert, "mTLS lets a client without a certificate in");

    // Plaintext to the TLS port: refused.
    let plaintext = match Channel::from_shared(format!("http://127.0.0.1:{}", addr.port()))
        .unwrap()
        .connect()
        .await
    {
        Ok(channel) => health(channel).await.is_err(),
        Err(_) => true,
    };
    assert!(plaintext, "a plaintext client is served on the TLS port");

    // The Unix socket is unaffected.
    assert_eq!(
        health(server.channel().await).await.unwrap(),
        ServingStatus::Serving as i32
    );
    server.stop().await;
    db.cleanup().await;
}

#[tokio::test]
async fn tls_without_client_ca_serves_any_client_that_trusts_the_server() {
    let db = TestDb::sqlite().await;
    let pki = write_pki(db.dir.path());
    let server = start_with_tls(&db, false).await;
    let port = server.tcp_addr.unwrap().port();
    let channel = Channel::from_shared(format!("https://localhost:{port}"))
        .unwrap()
        .tls_config(
            ClientTlsConfig::new()
                .ca_certificate(Certificate::from_pem(&pki.ca))
                .domain_name("localhost"),
        )
        .unwrap()
        .connect()
        .await
        .unwrap();
    assert_eq!(
        health(channel).await.unwrap(),
        ServingStatus::Serving as i32
    );
    server.stop().await;
    db.cleanup().await;
}

#[tokio::test]
async fn unreadable_tls_files_stop_the_start_with_a_clear_error() {
    let db = TestDb::sqlite().await;
    let mut config = db.config(db.dir.path().join("t.sock"));
    config.listen = Some("127.0.0.1:0".parse().unwrap());
    config.tls = Some(TlsConfig {
        cert_file: db.dir.path().join("missing.pem"),
        key_file: db.dir.path().join("missing.key"),
        client_ca_file: None,
    });
    let error = tollgate::server::Listeners::bind(&config)
        .await
        .err()
        .expect("binding fails");
    assert!(
        error.to_string().contains("missing.pem"),
        "the error names the file: {error}"
    );
    db.cleanup().await;
}
