//! RecoveryService: RegenerateCodes and GetRecoveryStatus.
use tonic::{Request, Response, Status};

use super::{Api, client_info, timestamp, user};
use crate::pb;
use crate::pb::recovery_service_server::RecoveryService;

#[tonic::async_trait]
impl RecoveryService for Api {
    async fn regenerate_codes(
        &self,
        request: Request<pb::RegenerateCodesRequest>,
    ) -> Result<Response<pb::RegenerateCodesResponse>, Status> {
        let req = request.into_inner();
        self.handle("RegenerateCodes", &req.tenant_id, async {
            let user = user(&req.tenant_id, &req.user_id)?;
            let client = client_info(&req.client_ip, &req.user_agent);
            let fresh = self.core.regenerate_codes(&user, &client).await?;
            Ok(pb::RegenerateCodesResponse {
                codes: fresh.codes.iter().map(|c| c.expose().to_owned()).collect(),
                generated_at: Some(timestamp(fresh.generated_at)),
            })
        })
        .await
    }

    async fn get_recovery_status(
        &self,
        request: Request<pb::GetRecoveryStatusRequest>,
    ) -> Result<Response<pb::GetRecoveryStatusResponse>, Status> {
        let req = request.into_inner();
        self.handle("GetRecoveryStatus", &req.tenant_id, async {
            let user = user(&req.tenant_id, &req.user_id)?;
            let status = self.core.recovery_status(&user).await?;
            Ok(pb::GetRecoveryStatusResponse {
                remaining: status.remaining,
                total: status.total,
                generated_at: status.generated_at.map(timestamp),
            })
        })
        .await
    }
}
