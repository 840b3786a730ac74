//! `tollgate health`: the standard gRPC health check, quiet on success so
//! it suits Kubernetes exec probes.
use super::Transport as Channel;
use clap::Args;
use serde_json::json;
use tonic::Code;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::{HealthCheckRequest, health_client::HealthClient};

use super::{ClientError, Conn, Report, short};

#[derive(Debug, Args)]
pub struct HealthArgs {
    /// The service to ask about, e.g. `tollgate.v1.ChallengeService`; empty
    /// means the server as a whole.
    #[arg(long, default_value = "", value_name = "NAME")]
    pub service: String,

    #[command(flatten)]
    pub conn: Conn,
}

pub async fn run(args: &HealthArgs, channel: Channel) -> Result<Report, ClientError> {
    let response = HealthClient::new(channel)
        .check(HealthCheckRequest {
            service: args.service.clone(),
        })
        .await;
    let status = match response {
        Ok(response) => {
            ServingStatus::try_from(response.into_inner().status).unwrap_or(ServingStatus::Unknown)
        }
        // The health service answers NOT_FOUND for a service it does not know.
        Err(status) if status.code() == Code::NotFound => ServingStatus::ServiceUnknown,
        Err(status) => return Err(status.into()),
    };
    let name = status.as_str_name();
    if status == ServingStatus::Serving {
        Ok(Report::new(json!({ "status": short(name, "") }), ""))
    } else {
        Err(ClientError::NotServing {
            status: name.to_owned(),
            message: format!("{:?} is {name}", args.service),
        })
    }
}
