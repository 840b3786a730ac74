//! ChallengeService: BeginChallenge, SendCode, VerifyChallenge,
//! CancelChallenge and RevokeTrustedDevices, and the step-up RPCs
//! CheckRecentVerification and EndSession.
use chrono::TimeDelta;
use tollgate_domain::DomainError;
use tollgate_domain::challenge::{AllowReason, BeginOutcome, BeginRequest, VerifyRequest};
use tollgate_domain::policy::{Method, grace_message};
use tollgate_domain::ports::ClientInfo;
use tollgate_domain::step_up::{StepUpOutcome, StepUpRequest};
use tonic::{Request, Response, Status};

use super::{Api, method_from_pb, method_to_pb, methods_to_pb, timestamp, user};
use crate::pb;
use crate::pb::challenge_service_server::ChallengeService;

#[tonic::async_trait]
impl ChallengeService for Api {
    async fn begin_challenge(
        &self,
        request: Request<pb::BeginChallengeRequest>,
    ) -> Result<Response<pb::BeginChallengeResponse>, Status> {
        let req = request.into_inner();
        self.handle("BeginChallenge", &req.tenant_id, async {
            let user = user(&req.tenant_id, &req.user_id)?;
            let outcome = self
                .core
                .begin_challenge(
                    &user,
                    BeginRequest {
                        roles: &req.roles,
                        audience: &req.audience,
                        trusted_device_token: &req.trusted_device_token,
                        client: ClientInfo {
                            ip: req.client_ip.clone(),
                            user_agent: req.user_agent.clone(),
                        },
                    },
                )
                .await?;
            Ok(match outcome {
                BeginOutcome::Allow(reason) => {
                    let mut response = pb::BeginChallengeResponse {
                        decision: pb::Decision::Allow as i32,
                        ..Default::default()
                    };
                    let allow_reason = match reason {
                        AllowReason::NotRequired => pb::AllowReason::NotRequired,
                        AllowReason::TrustedDevice => pb::AllowReason::TrustedDevice,
                        AllowReason::GraceLogin { logins_left } => {
                            response.grace_logins_left = logins_left;
                            response.message = grace_message(logins_left);
                            pb::AllowReason::GraceLogin
                        }
                    };
                    response.allow_reason = allow_reason as i32;
                    response
                }
                BeginOutcome::Challenge {
                    challenge_id,
                    methods,
                    expires_at,
                    webauthn_options,
                } => pb::BeginChallengeResponse {
                    decision: pb::Decision::Challenge as i32,
                    challenge_id: challenge_id.expose().to_owned(),
                    default_method: methods.first().map_or(0, |m| method_to_pb(*m) as i32),
                    methods: methods_to_pb(&methods),
                    expires_at: Some(timestamp(expires_at)),
                    webauthn_request_options_json: webauthn_options.unwrap_or_default(),
                    ..Default::default()
                },
                BeginOutcome::EnrollmentRequired { message } => pb::BeginChallengeResponse {
                    decision: pb::Decision::EnrollmentRequired as i32,
                    message,
                    ..Default::default()
                },
            })
        })
        .await
    }

    async fn verify_challenge(
        &self,
        request: Request<pb::VerifyChallengeRequest>,
    ) -> Result<Response<pb::VerifyChallengeResponse>, Status> {
        let req = request.into_inner();
        self.handle("VerifyChallenge", &req.tenant_id, async {
            let user = user(&req.tenant_id, &req.user_id)?;
            let method = method_from_pb(req.method)?.ok_or_else(|| {
                DomainError::invalid("method", "must name the method the code is for")
            })?;
            let verified = self
                .core
                .verify_challenge(
                    &user,
                    VerifyRequest {
                        challenge_id: &req.challenge_id,
                        method,
                        // A WebAuthn answer is the assertion, not a code.
                        code: if method == Method::WebAuthn {
                            &req.webauthn_assertion_json
                        } else {
                            &req.code
                        },
                        remember_device: req.remember_device,
                        client: ClientInfo {
                            ip: req.client_ip.clone(),
                            user_agent: req.user_agent.clone(),
                        },
                        session_id: &req.session_id,
                    },
                )
                .await;
            self.metrics.verification(method, verified.as_ref().err());
            let verified = verified?;
            let device = verified.trusted_device.as_ref();
            Ok(pb::VerifyChallengeResponse {
                trusted_device_token: device
                    .map(|d| d.token.expose().to_owned())
                    .unwrap_or_default(),
                trusted_device_expires_at: device.map(|d| timestamp(d.expires_at)),
                trusted_device_id: device.map(|d| d.device_id.clone()).unwrap_or_default(),
                recovery_codes_remaining: verified.recovery_codes_remaining,
                methods_used: methods_to_pb(&verified.methods_used),
            })
        })
        .await
    }

    async fn cancel_challenge(
        &self,
        request: Request<pb::CancelChallengeRequest>,
    ) -> Result<Response<pb::CancelChallengeResponse>, Status> {
        let req = request.into_inner();
        self.handle("CancelChallenge", &req.tenant_id, async {
            let user = user(&req.tenant_id, &req.user_id)?;
            self.core.cancel_challenge(&user, &req.challenge_id).await?;
            Ok(pb::CancelChallengeResponse {})
        })
        .await
    }

    async fn revoke_trusted_devices(
        &self,
        request: Request<pb::RevokeTrustedDevicesRequest>,
    ) -> Result<Response<pb::RevokeTrustedDevicesResponse>, Status> {
        let req = request.into_inner();
        self.handle("RevokeTrustedDevices", &req.tenant_id, async {
            let user = user(&req.tenant_id, &req.user_id)?;
            let device_id = (!req.device_id.is_empty()).then_some(req.device_id.as_str());
            let revoked_count = self.core.revoke_trusted_devices(&user, device_id).await?;
            Ok(pb::RevokeTrustedDevicesResponse { revoked_count })
        })
        .await
    }

    async fn check_recent_verification(
        &self,
        request: Request<pb::CheckRecentVerificationRequest>,
    ) -> Result<Response<pb::CheckRecentVerificationResponse>, Status> {
        let req = request.into_inner();
        self.handle("CheckRecentVerification", &req.tenant_id, async {
            let user = user(&req.tenant_id, &req.user_id)?;
            let max_age = req
                .max_age
                .as_ref()
                .filter(|d| d.nanos == 0)
                .and_then(|d| TimeDelta::try_seconds(d.seconds))
                .ok_or_else(|| {
                    DomainError::invalid("max_age", "must be set to a whole number of seconds")
                })?;
            let outcome = self
                .core
                .check_recent_verification(
                    &user,
                    StepUpRequest {
                        session_id: &req.session_id,
                        max_age,
                        require_phishing_resistant: req.require_phishing_resistant,
                        roles: &req.roles,
                        audience: &req.audience,
                        client: ClientInfo {
                            ip: req.client_ip.clone(),
                            user_agent: req.user_agent.clone(),
                        },
                    },
                )
                .await?;
            Ok(match outcome {
                StepUpOutcome::Satisfied {
                    verified_at,
                    method,
                } => pb::CheckRecentVerificationResponse {
                    satisfied: true,
                    verified_at: Some(timestamp(verified_at)),
                    verified_method: method_to_pb(method) as i32,
                    ..Default::default()
                },
                StepUpOutcome::Challenge {
                    challenge_id,
                    methods,
                    expires_at,
                    webauthn_options,
                } => pb::CheckRecentVerificationResponse {
                    satisfied: false,
                    challenge_id: challenge_id.expose().to_owned(),
                    default_method: methods.first().map_or(0, |m| method_to_pb(*m) as i32),
                    methods: methods_to_pb(&methods),
                    expires_at: Some(timestamp(expires_at)),
                    webauthn_request_options_json: webauthn_options.unwrap_or_default(),
                    ..Default::default()
                },
            })
        })
        .await
    }

    async fn end_session(
        &self,
        request: Request<pb::EndSessionRequest>,
    ) -> Result<Response<pb::EndSessionResponse>, Status> {
        let req = request.into_inner();
        self.handle("EndSession", &req.tenant_id, async {
            let user = user(&req.tenant_id, &req.user_id)?;
            self.core.end_session(&user, &req.session_id).await?;
            Ok(pb::EndSessionResponse {})
        })
        .await
    }

    async fn send_code(
        &self,
        request: Request<pb::SendCodeRequest>,
    ) -> Result<Response<pb::SendCodeResponse>, Status> {
        let req = request.into_inner();
        self.handle("SendCode", &req.tenant_id, async {
            let user = user(&req.tenant_id, &req.user_id)?;
            let method = method_from_pb(req.method)?.ok_or_else(|| {
                DomainError::invalid("method", "must be METHOD_EMAIL or METHOD_SMS")
            })?;
            let sent = self
                .core
                .send_code(&user, &req.challenge_id, method)
                .await?;
            self.dispatcher
                .deliver_now(&self.core, &sent.queued.message_id)
                .await?;
            Ok(pb::SendCodeResponse {
                masked_destination: sent.queued.masked_destination,
                code_expires_at: Some(timestamp(sent.code_expires_at)),
                resend_available_at: Some(timestamp(sent.resend_available_at)),
            })
        })
        .await
    }
}
