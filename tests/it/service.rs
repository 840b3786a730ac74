//! The server as a gRPC endpoint: reflection, health, unbuilt RPCs.
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::{HealthCheckRequest, health_client::HealthClient};

use crate::support::{TestDb, TestServer, clock};

const SERVICES: [&str; 5] = [
    "tollgate.v1.ChallengeService",
    "tollgate.v1.DeliveryService",
    "tollgate.v1.EnrollmentService",
    "tollgate.v1.PolicyService",
    "tollgate.v1.RecoveryService",
];

#[tokio::test]
async fn reflection_lists_every_service_and_health_reports_serving() {
    let db = TestDb::sqlite().await;
    let server = TestServer::start(&db, clock()).await;
    let channel = server.channel().await;

    // v1 reflection (grpcurl >= 1.9, most tools)
    {
        use tonic_reflection::pb::v1::ServerReflectionRequest;
        use tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient;
        use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
        use tonic_reflection::pb::v1::server_reflection_response::MessageResponse;
        let mut client = ServerReflectionClient::new(channel.clone());
        let request = ServerReflectionRequest {
            host: String::new(),
            message_request: Some(MessageRequest::ListServices(String::new())),
        };
        let mut responses = client
            .server_reflection_info(tokio_stream::once(request))
            .await
            .unwrap()
            .into_inner();
        let response = responses.message().await.unwrap().unwrap();
        let Some(MessageResponse::ListServicesResponse(list)) = response.message_response else {
            panic!("expected a service list");
        };
        let names: Vec<String> = list.service.into_iter().map(|s| s.name).collect();
        for service in SERVICES.iter().chain(&["grpc.health.v1.Health"]) {
            assert!(
                names.iter().any(|n| n == service),
                "{service} listed in {names:?}"
            );
        }
    }
    // v1alpha reflection (grpcurl 1.8, Python's grpcio-reflection)
    {
        use tonic_reflection::pb::v1alpha::ServerReflectionRequest;
        use tonic_reflection::pb::v1alpha::server_reflection_client::ServerReflectionClient;
        use tonic_reflection::pb::v1alpha::server_reflection_request::MessageRequest;
        use tonic_reflection::pb::v1alpha::server_reflection_response::MessageResponse;
        let mut client = ServerReflectionClient::new(channel.clone());
        let request = ServerReflectionRequest {
            host: String::new(),
            message_request: Some(MessageRequest::FileContainingSymbol(
                "google.rpc.ErrorInfo".into(),
            )),
        };
        let mut responses = client
            .server_reflection_info(tokio_stream::once(request))
            .await
            .unwrap()
            .into_inner();
        let response = responses.message().await.unwrap().unwrap();
        assert!(
            matches!(
                response.message_response,
                Some(MessageResponse::FileDescriptorResponse(_))
            ),
            "error details are described, so grpcurl can print them"
        );
    }

    let mut health = HealthClient::new(channel.clone());
    for service in std::iter::once("").chain(SERVICES) {
        let status = health
            .check(HealthCheckRequest {
                service: service.to_owned(),
            })
            .await
            .unwrap()
            .into_inner()
            .status();
        assert_eq!(status, ServingStatus::Serving, "{service:?}");
    }
    server.stop().await;
}
