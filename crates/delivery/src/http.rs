//! What the HTTP transports share: a client on rustls (ring, Mozilla's
//! roots), URL checks, and the mapping of statuses and errors to
//! permanent or transient failures.
use std::error::Error as _;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use reqwest::{StatusCode, Url};

use crate::{ConfigError, DeliveryError};

const USER_AGENT: &str = concat!("tollgate/", env!("CARGO_PKG_VERSION"));

/// A client whose every request gives up after `timeout`. Redirects are
/// not followed: a provider that moved is a configuration to fix, and a
/// redirect must not carry the credentials elsewhere.
pub(crate) fn client(timeout: Duration) -> Result<reqwest::Client, ConfigError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ConfigError::HttpClient(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(USER_AGENT)
        .build()
        .map_err(|e| ConfigError::HttpClient(describe(&e.without_url())))
}

/// `localhost` or a loopback address, with or without IPv6 brackets.
pub(crate) fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost")
        || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Parses an endpoint: https, or http to this machine only.
pub(crate) fn endpoint(field: &'static str, text: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(text).map_err(|_| ConfigError::Invalid {
        field,
        reason: "it is not an absolute URL",
    })?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if url.host_str().is_some_and(is_loopback) => Ok(url),
        "http" => Err(ConfigError::PlaintextHttp { field }),
        _ => Err(ConfigError::Invalid {
            field,
            reason: "it must be an https URL",
        }),
    }
}

/// How a provider's status is to be taken: success, or which failure.
pub(crate) enum Verdict {
    Sent,
    Permanent,
    Transient,
}

pub(crate) fn verdict(status: StatusCode) -> Verdict {
    if status.is_success() {
        Verdict::Sent
    } else if status.is_server_error()
        || status == StatusCode::TOO_MANY_REQUESTS
        || status == StatusCode::REQUEST_TIMEOUT
    {
        Verdict::Transient
    } else {
        Verdict::Permanent
    }
}

/// A request that got no answer. Building a request can fail only on our
/// side; everything else (DNS, connection, TLS, timeout) may pass.
pub(crate) fn request_error(service: &str, err: reqwest::Error) -> DeliveryError {
    let err = err.without_url();
    if err.is_timeout() {
        DeliveryError::Transient(format!("{service} did not answer in time"))
    } else if err.is_builder() {
        DeliveryError::Permanent(format!(
            "the request to {service} could not be built: {}",
            describe(&err)
        ))
    } else {
        DeliveryError::Transient(format!("could not reach {service}: {}", describe(&err)))
    }
}

/// An error with its causes, "a: b: c" (reqwest's own text omits them).
fn describe(err: &reqwest::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts() {
        for host in [
            "localhost",
            "LOCALHOST",
            "127.0.0.1",
            "127.3.4.5",
            "::1",
            "[::1]",
        ] {
            assert!(is_loopback(host), "{host}");
        }
        for host in ["smtp.example.com", "10.0.0.1", "localhost.example.com", ""] {
            assert!(!is_loopback(host), "{host}");
        }
    }

    #[test]
    fn plain_http_only_to_this_machine() {
        assert!(endpoint("url", "https://hooks.example.com/x").is_ok());
        assert!(endpoint("url", "http://127.0.0.1:8080/x").is_ok());
        assert!(endpoint("url", "http://[::1]:8080/x").is_ok());
        assert!(matches!(
            endpoint("url", "http://hooks.example.com/x"),
            Err(ConfigError::PlaintextHttp { .. })
        ));
        assert!(matches!(
            endpoint("url", "ftp://x"),
            Err(ConfigError::Invalid { .. })
        ));
        assert!(matches!(
            endpoint("url", "not a url"),
            Err(ConfigError::Invalid { .. })
        ));
    }

    #[test]
    fn statuses() {
        assert!(matches!(verdict(StatusCode::CREATED), Verdict::Sent));
        assert!(matches!(
            verdict(StatusCode::BAD_REQUEST),
            Verdict::Permanent
        ));
        assert!(matches!(
            verdict(StatusCode::UNAUTHORIZED),
            Verdict::Permanent
        ));
        assert!(matches!(verdict(StatusCode::FOUND), Verdict::Permanent));
        assert!(matches!(
            verdict(StatusCode::TOO_MANY_REQUESTS),
            Verdict::Transient
        ));
        assert!(matches!(
            verdict(StatusCode::SERVICE_UNAVAILABLE),
            Verdict::Transient
        ));
    }
}
