//! gRPC adapters: each turns a request into a domain call and the result
//! into a response or a status. gRPC types stop here.
mod challenge;
mod delivery;
mod enrollment;
mod erasure;
mod import;
mod policy;
mod recovery;
mod webauthn;

pub(crate) use policy::effective_policy;

use std::future::Future;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use tollgate_domain::policy::Method;
use tollgate_domain::{DomainError, UserRef};
use tonic::{Response, Status};

use crate::pb;
use crate::status::to_status;
use crate::telemetry::Metrics;
use crate::workers::Core;

/// Every tollgate gRPC service, sharing one core and one dispatcher.
#[derive(Clone)]
pub struct Api {
    core: Arc<Core>,
    dispatcher: crate::dispatch::Dispatcher,
    metrics: Metrics,
}

impl Api {
    pub fn new(core: Arc<Core>, dispatcher: crate::dispatch::Dispatcher, metrics: Metrics) -> Self {
        Self {
            core,
            dispatcher,
            metrics,
        }
    }

    /// The use cases behind the services.
    pub fn core(&self) -> Arc<Core> {
        self.core.clone()
    }
}

impl Api {
    /// Runs one RPC, adds its tenant, outcome and reason (never codes or
    /// secrets) to the call's span (opened by the telemetry layer), and maps
    /// a domain error to a status.
    async fn handle<T>(
        &self,
        method: &'static str,
        tenant_id: &str,
        call: impl Future<Output = Result<T, DomainError>>,
    ) -> Result<Response<T>, Status> {
        let tenant = if tenant_id.is_empty() {
            "default"
        } else {
            tenant_id
        };
        let span = tracing::Span::current();
        span.record("tollgate.tenant", tenant.get(..64).unwrap_or(tenant));
        let result = match crate::access::check_tenant(tenant_id) {
            Ok(()) => call.await,
            Err(refused) => Err(refused),
        };
        match result {
            Ok(value) => {
                span.record("tollgate.outcome", "ok");
                tracing::debug!(rpc = method, "rpc succeeded");
                Ok(Response::new(value))
            }
            Err(error) => {
                span.record("tollgate.outcome", "error");
                span.record("tollgate.reason", error.reason());
                tracing::info!(rpc = method, reason = error.reason(), "rpc failed");
                Err(to_status(error, self.core.clock().now()))
            }
        }
    }
}

fn user(tenant_id: &str, user_id: &str) -> Result<UserRef, DomainError> {
    UserRef::parse(tenant_id, user_id)
}

/// The client a request names, as the application reported it.
fn client_info(ip: &str, user_agent: &str) -> tollgate_domain::ports::ClientInfo {
    tollgate_domain::ports::ClientInfo {
        ip: ip.to_owned(),
        user_agent: user_agent.to_owned(),
    }
}

fn timestamp(at: DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: at.timestamp(),
        nanos: i32::try_from(at.timestamp_subsec_nanos()).unwrap_or(0),
    }
}

fn method_to_pb(method: Method) -> pb::Method {
    match method {
        Method::Totp => pb::Method::Totp,
        Method::Email => pb::Method::Email,
        Method::Sms => pb::Method::Sms,
        Method::RecoveryCode => pb::Method::RecoveryCode,
        Method::WebAuthn => pb::Method::Webauthn,
    }
}

/// A request's method: `None` for METHOD_UNSPECIFIED, an error for a value
/// this server does not know.
fn method_from_pb(value: i32) -> Result<Option<Method>, DomainError> {
    match pb::Method::try_from(value) {
        Ok(pb::Method::Unspecified) => Ok(None),
        Ok(pb::Method::Totp) => Ok(Some(Method::Totp)),
        Ok(pb::Method::Email) => Ok(Some(Method::Email)),
        Ok(pb::Method::Sms) => Ok(Some(Method::Sms)),
        Ok(pb::Method::RecoveryCode) => Ok(Some(Method::RecoveryCode)),
        Ok(pb::Method::Webauthn) => Ok(Some(Method::WebAuthn)),
        Err(_) => Err(DomainError::invalid("method", "is not a known method")),
    }
}

fn methods_to_pb(methods: &[Method]) -> Vec<i32> {
    methods.iter().map(|m| method_to_pb(*m) as i32).collect()
}
