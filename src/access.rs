//! The trust boundary: who is calling, and whether they may. A tower layer
//! in front of every tollgate service identifies the caller (an API key in
//! `authorization`, else the Unix-socket peer's uid and gid from the kernel,
//! else the TCP client's certificate), refuses a caller without the RPC's
//! permission, and runs the call on the caller's behalf: the handler checks
//! the request's tenant against the caller's grant ([`check_tenant`]) and
//! every audit event written names the caller.
//!
//! With no callers configured, the socket's owner and group (exactly who
//! the socket's mode lets in) and root hold every permission, and a TCP
//! client certificate signed by the configured client CA does too. Once
//! callers are configured, only they (and API keys) are admitted.
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use tollgate_domain::access::{self, Grant, Permission};
use tollgate_domain::secret::Keyring;
use tollgate_domain::{Clock, DomainError, TenantId};
use tollgate_storage::SeaStore;
use tonic::codegen::http;
use tonic::transport::server::{TcpConnectInfo, TlsConnectInfo, UdsConnectInfo};
use tower::{Layer, Service};

use crate::connections::ConnectionInfo;
use crate::status::to_status;

/// How a configured caller is recognised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallerIdentity {
    /// The Unix-socket peer's user id.
    Uid(u32),
    /// The Unix-socket peer's (primary) group id.
    Gid(u32),
    /// A TCP client certificate naming this identity: a SAN URI, a SAN DNS
    /// name or the subject's common name.
    Certificate(String),
}

/// One `[[callers]]` entry of the configuration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfiguredCaller {
    /// Shown in the audit log.
    pub name: String,
    pub identity: CallerIdentity,
    pub grant: Grant,
}

/// A `[[callers]]` table as written in the configuration file.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallerEntry {
    name: String,
    uid: Option<u32>,
    gid: Option<u32>,
    certificate: Option<String>,
    permissions: Vec<String>,
    tenants: Vec<String>,
}

impl CallerEntry {
    /// Validates every entry; the error names the entry and what is wrong.
    pub fn resolve_all(entries: Vec<Self>) -> Result<Vec<ConfiguredCaller>, String> {
        let mut callers: Vec<ConfiguredCaller> = Vec::with_capacity(entries.len());
        for entry in entries {
            let caller = entry.resolve()?;
            if let Some(twin) = callers.iter().find(|c| c.identity == caller.identity) {
                return Err(format!(
                    "{:?} and {:?} are recognised by the same identity",
                    twin.name, caller.name
                ));
            }
            callers.push(caller);
        }
        Ok(callers)
    }

    fn resolve(self) -> Result<ConfiguredCaller, String> {
        let name = self.name;
        if name.trim().is_empty() || name.len() > 64 || name.chars().any(char::is_control) {
            return Err(format!(
                "{name:?}: a caller's name is 1 to 64 printable characters"
            ));
        }
        let identity = match (self.uid, self.gid, self.certificate) {
            (Some(uid), None, None) => CallerIdentity::Uid(uid),
            (None, Some(gid), None) => CallerIdentity::Gid(gid),
            (None, None, Some(id)) if !id.is_empty() => CallerIdentity::Certificate(id),
            _ => {
                return Err(format!(
                    "{name:?}: give exactly one of uid, gid or certificate"
                ));
            }
        };
        let grant =
            Grant::parse(&self.permissions, &self.tenants).map_err(|e| format!("{name:?}: {e}"))?;
        Ok(ConfiguredCaller {
            name,
            identity,
            grant,
        })
    }
}

/// The callers as `tollgate config` prints them.
pub fn describe_callers(callers: &[ConfiguredCaller]) -> String {
    if callers.is_empty() {
        return "callers = (none: the socket's owner and group, root, and client certificates the client CA signed hold every permission)\n".to_owned();
    }
    let mut text = String::new();
    for caller in callers {
        let identity = match &caller.identity {
            CallerIdentity::Uid(uid) => format!("uid {uid}"),
            CallerIdentity::Gid(gid) => format!("gid {gid}"),
            CallerIdentity::Certificate(id) => format!("certificate {id}"),
        };
        text.push_str(&format!(
            "caller = {} ({identity}): {} for {}\n",
            caller.name,
            caller.grant.permission_names().join(", "),
            caller.grant.tenants.to_strings().join(", ")
        ));
    }
    text
}

/// Who is calling and what they hold.
#[derive(Debug, Clone)]
pub struct Caller {
    /// As the audit log shows it.
    pub name: Arc<str>,
    pub grant: Arc<Grant>,
}

/// A call let through: who made it and the permission its RPC needs.
#[derive(Debug, Clone)]
struct Admitted {
    caller: Caller,
    permission: Permission,
}

tokio::task_local! {
    static ADMITTED: Admitted;
}

/// The permission each tollgate RPC needs; `None` for paths that need none
/// (health, reflection) and for paths no service has (tonic answers those
/// UNIMPLEMENTED).
pub fn required_permission(path: &str) -> Option<Permission> {
    let (service, method) = path.trim_start_matches('/').split_once('/')?;
    RPCS.iter()
        .find(|(s, m, _)| *s == service && *m == method)
        .map(|(_, _, permission)| *permission)
}

/// Every tollgate RPC and the permission it needs (the table the security
/// guide shows).
pub const RPCS: &[(&str, &str, Permission)] = {
    use Permission::{Admin, Outbox, SignIn};
    const CHALLENGE: &str = "tollgate.v1.ChallengeService";
    const ENROLLMENT: &str = "tollgate.v1.EnrollmentService";
    const RECOVERY: &str = "tollgate.v1.RecoveryService";
    const DELIVERY: &str = "tollgate.v1.DeliveryService";
    const POLICY: &str = "tollgate.v1.PolicyService";
    &[
        (CHALLENGE, "BeginChallenge", SignIn),
        (CHALLENGE, "SendCode", SignIn),
        (CHALLENGE, "VerifyChallenge", SignIn),
        (CHALLENGE, "CancelChallenge", SignIn),
        (CHALLENGE, "RevokeTrustedDevices", SignIn),
        (CHALLENGE, "CheckRecentVerification", SignIn),
        (CHALLENGE, "EndSession", SignIn),
        (ENROLLMENT, "GetEnrollment", SignIn),
        (ENROLLMENT, "BeginTotp", SignIn),
        (ENROLLMENT, "ConfirmTotp", SignIn),
        (ENROLLMENT, "EnableMethod", SignIn),
        (ENROLLMENT, "SetDefaultMethod", SignIn),
        (ENROLLMENT, "DisableMethod", SignIn),
        (ENROLLMENT, "ResetUser", Admin),
        (ENROLLMENT, "BeginWebAuthnRegistration", SignIn),
        (ENROLLMENT, "FinishWebAuthnRegistration", SignIn),
        (ENROLLMENT, "ListWebAuthnCredentials", SignIn),
        (ENROLLMENT, "RenameWebAuthnCredential", SignIn),
        (ENROLLMENT, "RemoveWebAuthnCredential", SignIn),
        (ENROLLMENT, "ImportUser", Admin),
        (RECOVERY, "RegenerateCodes", SignIn),
        (RECOVERY, "GetRecoveryStatus", SignIn),
        (DELIVERY, "RegisterContact", SignIn),
        (DELIVERY, "SendConfirmation", SignIn),
        (DELIVERY, "ConfirmContact", SignIn),
        (DELIVERY, "ListContacts", SignIn),
        (DELIVERY, "ResendConfirmations", Admin),
        (DELIVERY, "StreamOutbox", Outbox),
        (DELIVERY, "AckMessage", Outbox),
        (POLICY, "GetPolicy", SignIn),
        (POLICY, "EvaluateUser", SignIn),
        (POLICY, "UpdatePolicy", Admin),
        (POLICY, "ListUsers", Admin),
        (POLICY, "ListAuditEvents", Admin),
        (POLICY, "EraseUser", Admin),
        (POLICY, "ExportUser", Admin),
    ]
};

/// `Ok` when the call being served may act for `tenant_id` (empty: the
/// default tenant). Outside an admitted call nothing is allowed.
pub fn check_tenant(tenant_id: &str) -> Result<(), DomainError> {
    let Ok(tenant) = TenantId::parse(tenant_id) else {
        // No tenant has this id: the call's own validation refuses it,
        // naming every bad field, before anything is read or written.
        return Ok(());
    };
    with_admitted(|admitted| admitted.caller.grant.check(admitted.permission, &tenant))
}

/// `Ok` when the call being served may act for every tenant at once.
pub fn check_all_tenants() -> Result<(), DomainError> {
    with_admitted(|admitted| admitted.caller.grant.check_all_tenants(admitted.permission))
}

fn with_admitted(
    check: impl FnOnce(&Admitted) -> Result<(), DomainError>,
) -> Result<(), DomainError> {
    ADMITTED
        .try_with(|admitted| check(admitted))
        .unwrap_or(Err(DomainError::NoCredential))
}

/// What the layer needs to recognise callers.
pub struct Gate {
    callers: Vec<ConfiguredCaller>,
    /// The Unix socket's owner and group, admitted when no callers are
    /// configured.
    socket_owner: Option<(u32, u32)>,
    store: SeaStore,
    keyring: Arc<Keyring>,
    clock: Arc<dyn Clock>,
}

impl Gate {
    pub fn new(
        callers: Vec<ConfiguredCaller>,
        socket_owner: Option<(u32, u32)>,
        store: SeaStore,
        keyring: Arc<Keyring>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            callers,
            socket_owner,
            store,
            keyring,
            clock,
        }
    }

    /// The caller presenting `credential`, if it is admitted at all.
    async fn identify(&self, credential: Credential) -> Result<Caller, DomainError> {
        match credential {
            Credential::ApiKey(None) => Err(DomainError::ApiKeyInvalid),
            Credential::ApiKey(Some(key)) => {
                let record = access::authenticate(&self.store, &self.keyring, &key).await?;
                Ok(caller(format!("key:{}", record.name), record.grant))
            }
            Credential::Peer { uid, gid } => self.unix_caller(uid, gid).ok_or_else(refused),
            Credential::Certificate(identities) => {
                self.certificate_caller(&identities).ok_or_else(refused)
            }
            Credential::None => Err(DomainError::NoCredential),
        }
    }

    fn unix_caller(&self, uid: u32, gid: u32) -> Option<Caller> {
        if self.callers.is_empty() {
            let owner = self
                .socket_owner
                .is_some_and(|(owner, group)| uid == owner || gid == group);
            return (uid == 0 || owner).then(|| caller(format!("uid:{uid}"), Grant::everything()));
        }
        let by = |identity: CallerIdentity| {
            self.callers
                .iter()
                .find(|c| c.identity == identity)
                .map(|c| caller(c.name.clone(), c.grant.clone()))
        };
        by(CallerIdentity::Uid(uid)).or_else(|| by(CallerIdentity::Gid(gid)))
    }

    /// A certificate got here only if the client CA signed it.
    fn certificate_caller(&self, identities: &[String]) -> Option<Caller> {
        if self.callers.is_empty() {
            let shown = identities.first().map_or("", String::as_str);
            return Some(caller(format!("cert:{shown}"), Grant::everything()));
        }
        self.callers.iter().find_map(|c| match &c.identity {
            CallerIdentity::Certificate(id) if identities.contains(id) => {
                Some(caller(c.name.clone(), c.grant.clone()))
            }
            _ => None,
        })
    }
}

/// What a call presents to say who it comes from.
enum Credential {
    /// An `authorization` header: the bearer key, `None` if it is not one.
    ApiKey(Option<String>),
    /// A Unix-socket peer, as the kernel tells.
    Peer {
        uid: u32,
        gid: u32,
    },
    /// A TCP client certificate's identities.
    Certificate(Vec<String>),
    None,
}

impl Credential {
    /// An API key wins over the connection's identity, so one process can
    /// hold several grants.
    fn of<B>(request: &http::Request<B>) -> Self {
        if let Some(value) = request.headers().get(http::header::AUTHORIZATION) {
            let key = value
                .to_str()
                .ok()
                .and_then(|v| {
                    v.strip_prefix("Bearer ")
                        .or_else(|| v.strip_prefix("bearer "))
                })
                .map(|key| key.trim().to_owned());
            return Self::ApiKey(key);
        }
        let extensions = request.extensions();
        if let Some(unix) = extensions.get::<ConnectionInfo<UdsConnectInfo>>() {
            return match unix.peer().peer_cred {
                Some(cred) => Self::Peer {
                    uid: cred.uid(),
                    gid: cred.gid(),
                },
                None => Self::None,
            };
        }
        extensions
            .get::<TlsConnectInfo<ConnectionInfo<TcpConnectInfo>>>()
            .and_then(TlsConnectInfo::peer_certs)
            .and_then(|certs| certs.first().map(|c| certificate_identities(c.as_ref())))
            .map_or(Self::None, Self::Certificate)
    }
}

fn caller(name: String, grant: Grant) -> Caller {
    Caller {
        name: name.into(),
        grant: Arc::new(grant),
    }
}

/// A caller recognised but not admitted at all: no tenant to name.
fn refused() -> DomainError {
    DomainError::CallerNotAllowed {
        permission: "",
        tenant: String::new(),
    }
}

/// The identities a certificate (DER) names: SAN URIs, SAN DNS names, then
/// the subject's common names; none when it does not parse.
fn certificate_identities(der: &[u8]) -> Vec<String> {
    use x509_parser::prelude::{FromDer, GeneralName, X509Certificate};
    let Ok((_, certificate)) = X509Certificate::from_der(der) else {
        return Vec::new();
    };
    let mut identities = Vec::new();
    if let Ok(Some(san)) = certificate.subject_alternative_name() {
        for name in &san.value.general_names {
            match name {
                GeneralName::URI(uri) => identities.push((*uri).to_owned()),
                GeneralName::DNSName(dns) => identities.push((*dns).to_owned()),
                _ => {}
            }
        }
    }
    for cn in certificate.subject().iter_common_name() {
        if let Ok(cn) = cn.as_str() {
            identities.push(cn.to_owned());
        }
    }
    identities
}

/// Puts [`AccessCheck`] in front of each service.
#[derive(Clone)]
pub struct AccessLayer {
    gate: Arc<Gate>,
}

impl AccessLayer {
    pub fn new(gate: Arc<Gate>) -> Self {
        Self { gate }
    }
}

impl<S> Layer<S> for AccessLayer {
    type Service = AccessCheck<S>;

    fn layer(&self, inner: S) -> Self::Service {
        AccessCheck {
            inner,
            gate: self.gate.clone(),
        }
    }
}

/// Admits or refuses each call; see the module comment.
#[derive(Clone)]
pub struct AccessCheck<S> {
    inner: S,
    gate: Arc<Gate>,
}

impl<S, ReqBody, ResBody> Service<http::Request<ReqBody>> for AccessCheck<S>
where
    S: Service<http::Request<ReqBody>, Response = http::Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    ReqBody: Send + 'static,
    ResBody: Default,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<ReqBody>) -> Self::Future {
        // The clone is the one ready to take the next call (tower's rule).
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let Some(permission) = required_permission(request.uri().path()) else {
            return Box::pin(inner.call(request));
        };
        let gate = self.gate.clone();
        let credential = Credential::of(&request);
        Box::pin(async move {
            let caller = match gate.identify(credential).await {
                Ok(caller) if caller.grant.allows(permission) => caller,
                Ok(caller) => {
                    tracing::info!(caller = %caller.name, permission = permission.as_str(), "call refused: the caller lacks the permission");
                    return Ok(refusal(
                        &*gate.clock,
                        DomainError::CallerNotAllowed {
                            permission: permission.as_str(),
                            tenant: String::new(),
                        },
                    ));
                }
                Err(error) => {
                    tracing::info!(reason = error.reason(), "call refused");
                    return Ok(refusal(&*gate.clock, error));
                }
            };
            let name = caller.name.clone();
            let admitted = Admitted { caller, permission };
            ADMITTED
                .scope(
                    admitted,
                    tollgate_storage::acting_as(name, inner.call(request)),
                )
                .await
        })
    }
}

fn refusal<B: Default>(clock: &dyn Clock, error: DomainError) -> http::Response<B> {
    let span = tracing::Span::current();
    span.record("tollgate.outcome", "error");
    span.record("tollgate.reason", error.reason());
    to_status(error, clock.now()).into_http()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rpc_of_every_service_needs_a_permission() {
        let services = crate::pb::FILE_DESCRIPTOR_SET;
        let set = <prost_types::FileDescriptorSet as prost::Message>::decode(services).unwrap();
        let mut rpcs = 0;
        for file in &set.file {
            for service in &file.service {
                let name = format!("{}.{}", file.package(), service.name());
                for method in &service.method {
                    let path = format!("/{name}/{}", method.name());
                    assert!(
                        required_permission(&path).is_some(),
                        "{path} has no permission"
                    );
                    rpcs += 1;
                }
            }
        }
        assert_eq!(rpcs, RPCS.len());
        assert_eq!(required_permission("/grpc.health.v1.Health/Check"), None);
    }
}
