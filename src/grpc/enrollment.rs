//! EnrollmentService: GetEnrollment, BeginTotp, ConfirmTotp, DisableMethod,
//! ResetUser, EnableMethod, SetDefaultMethod, the WebAuthn RPCs (built in
//! `webauthn`) and ImportUser (built in `import`).
use tollgate_domain::DomainError;
use tollgate_domain::contact::ContactKind;
use tollgate_domain::enrollment::TotpState;
use tollgate_domain::policy::Method;
use tollgate_domain::policy::{Compliance, RequirementReason, Verdict};
use tonic::{Request, Response, Status};

use super::{Api, client_info, method_from_pb, methods_to_pb, timestamp, user};
use crate::pb;
use crate::pb::enrollment_service_server::EnrollmentService;

pub(super) fn verdict_to_pb(verdict: &Verdict) -> pb::PolicyVerdict {
    let reason = match verdict.reason {
        RequirementReason::TwoFactorDisabled => pb::RequirementReason::TwoFactorDisabled,
        RequirementReason::Optional => pb::RequirementReason::Optional,
        RequirementReason::NotYetEffective => pb::RequirementReason::NotYetEffective,
        RequirementReason::NotAdmin => pb::RequirementReason::NotAdmin,
        RequirementReason::AdminRole => pb::RequirementReason::AdminRole,
        RequirementReason::RequiredForAll => pb::RequirementReason::RequiredForAll,
    };
    let (state, grace_logins_left) = match verdict.state {
        Compliance::NotRequired => (pb::ComplianceState::NotRequired, 0),
        Compliance::Compliant => (pb::ComplianceState::Compliant, 0),
        Compliance::InGrace { logins_left } => (pb::ComplianceState::InGrace, logins_left),
        Compliance::MustEnroll => (pb::ComplianceState::MustEnroll, 0),
    };
    pb::PolicyVerdict {
        required: verdict.required,
        reason: reason as i32,
        state: state as i32,
        grace_logins_left,
        message: verdict.message(),
        effective_at: verdict.effective_at.map(timestamp),
    }
}

fn totp_status(state: TotpState) -> pb::TotpStatus {
    match state {
        TotpState::NotConfigured => pb::TotpStatus {
            state: pb::TotpState::NotConfigured as i32,
            ..Default::default()
        },
        TotpState::Pending { expires_at } => pb::TotpStatus {
            state: pb::TotpState::Pending as i32,
            pending_expires_at: Some(timestamp(expires_at)),
            ..Default::default()
        },
        TotpState::Enabled { confirmed_at } => pb::TotpStatus {
            state: pb::TotpState::Enabled as i32,
            confirmed_at: Some(timestamp(confirmed_at)),
            ..Default::default()
        },
    }
}

#[tonic::async_trait]
impl EnrollmentService for Api {
    async fn get_enrollment(
        &self,
        request: Request<pb::GetEnrollmentRequest>,
    ) -> Result<Response<pb::GetEnrollmentResponse>, Status> {
        let req = request.into_inner();
        self.handle("GetEnrollment", &req.tenant_id, async {
            let user = user(&req.tenant_id, &req.user_id)?;
            let view = self.core.get_enrollment(&user).await?;
            let enrolled = !view.enabled_methods.is_empty();
            let (verdict, _) = self.core.evaluate(&user, &req.roles, &req.audience).await?;
            let contacts = self.core.list_contacts(&user).await?;
            let status = |kind: ContactKind, method: Method| {
                let contact = contacts.iter().find(|c| c.kind == kind);
                pb::ContactMethodStatus {
                    enabled: view.enabled_methods.contains(&method),
                    contact_confirmed: contact.is_some_and(|c| c.confirmed_at.is_some()),
                    masked_address: contact
                        .map(|c| c.masked_address.clone())
                        .unwrap_or_default(),
                }
            };
            Ok(pb::GetEnrollmentResponse {
                totp: Some(totp_status(view.totp)),
                email: Some(status(ContactKind::Email, Method::Email)),
                sms: Some(status(ContactKind::Phone, Method::Sms)),
                default_method: view
                    .default_method()
                    .map_or(0, |m| super::method_to_pb(m) as i32),
                enabled_methods: methods_to_pb(&view.enabled_methods),
                two_factor_enabled: enrolled,
                recovery_codes_remaining: view.recovery_codes_remaining,
                policy: Some(verdict_to_pb(&verdict)),
            })
        })
        .await
    }

    async fn begin_totp(
        &self,
        request: Request<pb::BeginTotpRequest>,
    ) -> Result<Response<pb::BeginTotpResponse>, Status> {
        let req = request.into_inner();
        self.handle("BeginTotp", &req.tenant_id, async {
            let user = user(&req.tenant_id, &req.user_id)?;
            let setup = self
                .core
                .begin_totp(&user, &req.account_name, &req.audience)
                .await?;
            let (qr_png, qr_svg) = crate::qr::render(setup.otpauth_uri.expose())
                .map_err(|_| DomainError::Internal("rendering the QR code failed"))?;
            Ok(pb::BeginTotpResponse {
                secret_base32: setup.secret_base32.expose().to_owned(),
                otpauth_uri: setup.otpauth_uri.expose().to_owned(),
                qr_png,
                qr_svg,
                expires_at: Some(timestamp(setup.expires_at)),
                digits: u32::from(setup.params.digits),
                period: Some(prost_types::Duration {
                    seconds: i64::from(setup.params.period),
                    nanos: 0,
                }),
                algorithm: super::policy::algorithm_to_pb(setup.params.algorithm) as i32,
                issuer: setup.issuer,
                account_name: setup.account_name,
            })
        })
        .await
    }

    async fn confirm_totp(
        &self,
        request: Request<pb::ConfirmTotpRequest>,
    ) -> Result<Response<pb::ConfirmTotpResponse>, Status> {
        let req = request.into_inner();
        self.handle("ConfirmTotp", &req.tenant_id, async {
            let user = user(&req.tenant_id, &req.user_id)?;
            let client = client_info(&req.client_ip, &req.user_agent);
            let confirmed = self.core.confirm_totp(&user, &req.code, &client).await?;
            Ok(pb::ConfirmTotpResponse {
                state: pb::TotpState::Enabled as i32,
                confirmed_at: Some(timestamp(confirmed.confirmed_at)),
                recovery_codes: confirmed
                    .recovery_codes
                    .iter()
                    .map(|c| c.expose().to_owned())
                    .collect(),
            })
        })
        .await
    }

    async fn disable_method(
        &self,
        request: Request<pb::DisableMethodRequest>,
    ) -> Result<Response<pb::DisableMethodResponse>, Status> {
        let req = request.into_inner();
        self.handle("DisableMethod", &req.tenant_id, async {
            let user = user(&req.tenant_id, &req.user_id)?;
            let method = method_from_pb(req.method)?;
            let view = self
                .core
                .disable_method(
                    &user,
                    method,
                    &req.roles,
                    &req.audience,
                    &client_info(&req.client_ip, &req.user_agent),
                )
                .await?;
            Ok(pb::DisableMethodResponse {
                enabled_methods: methods_to_pb(&view.enabled_methods),
                two_factor_enabled: !view.enabled_methods.is_empty(),
            })
        })
        .await
    }

    async fn reset_user(
        &self,
        request: Request<pb::ResetUserRequest>,
    ) -> Result<Response<pb::ResetUserResponse>, Status> {
        let req = request.into_inner();
        self.handle("ResetUser", &req.tenant_id, async {
            let user = user(&req.tenant_id, &req.user_id)?;
            self.core
                .reset_user(&user, &req.actor_id, &req.reason)
                .await?;
            Ok(pb::ResetUserResponse {})
        })
        .await
    }

    async fn enable_method(
        &self,
        request: Request<pb::EnableMethodRequest>,
    ) -> Result<Response<pb::EnableMethodResponse>, Status> {
        let req = request.into_inner();
        self.handle("EnableMethod", &req.tenant_id, async {
            let user = user(&req.tenant_id, &req.user_id)?;
            let method = method_from_pb(req.method)?.ok_or_else(|| {
                DomainError::invalid("method", "must be METHOD_EMAIL or METHOD_SMS")
            })?;
            let codes = self
                .core
                .enable_method(
                    &user,
                    method,
                    &req.audience,
                    &client_info(&req.client_ip, &req.user_agent),
                )
                .await?;
            let view = self.core.get_enrollment(&user).await?;
            Ok(pb::EnableMethodResponse {
                enabled_methods: methods_to_pb(&view.enabled_methods),
                recovery_codes: codes.iter().map(|c| c.expose().to_owned()).collect(),
            })
        })
        .await
    }

    async fn set_default_method(
        &self,
        request: Request<pb::SetDefaultMethodRequest>,
    ) -> Result<Response<pb::SetDefaultMethodResponse>, Status> {
        let req = request.into_inner();
        self.handle("SetDefaultMethod", &req.tenant_id, async {
            let user = user(&req.tenant_id, &req.user_id)?;
            let method = method_from_pb(req.method)?
                .ok_or_else(|| DomainError::invalid("method", "must name an enabled method"))?;
            self.core.set_default_method(&user, method).await?;
            Ok(pb::SetDefaultMethodResponse {
                default_method: super::method_to_pb(method) as i32,
            })
        })
        .await
    }

    async fn begin_web_authn_registration(
        &self,
        request: Request<pb::BeginWebAuthnRegistrationRequest>,
    ) -> Result<Response<pb::BeginWebAuthnRegistrationResponse>, Status> {
        self.begin_webauthn_registration(request).await
    }

    async fn finish_web_authn_registration(
        &self,
        request: Request<pb::FinishWebAuthnRegistrationRequest>,
    ) -> Result<Response<pb::FinishWebAuthnRegistrationResponse>, Status> {
        self.finish_webauthn_registration(request).await
    }

    async fn list_web_authn_credentials(
        &self,
        request: Request<pb::ListWebAuthnCredentialsRequest>,
    ) -> Result<Response<pb::ListWebAuthnCredentialsResponse>, Status> {
        self.list_webauthn_credentials(request).await
    }

    async fn rename_web_authn_credential(
        &self,
        request: Request<pb::RenameWebAuthnCredentialRequest>,
    ) -> Result<Response<pb::RenameWebAuthnCredentialResponse>, Status> {
        self.rename_webauthn_credential(request).await
    }

    async fn remove_web_authn_credential(
        &self,
        request: Request<pb::RemoveWebAuthnCredentialRequest>,
    ) -> Result<Response<pb::RemoveWebAuthnCredentialResponse>, Status> {
        self.remove_webauthn_credential(request).await
    }

    async fn import_user(
        &self,
        request: Request<pb::ImportUserRequest>,
    ) -> Result<Response<pb::ImportUserResponse>, Status> {
        self.import_existing_factors(request).await
    }
}
