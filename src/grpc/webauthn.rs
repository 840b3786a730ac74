//! EnrollmentService's passkey and security-key RPCs: registering them
//! (begin, finish), listing, renaming and removing them. The options and
//! responses pass between the browser and tollgate as JSON.
use tollgate_domain::DomainError;
use tollgate_domain::ports::WebAuthnKind;
use tollgate_domain::webauthn::{CredentialView, RegistrationRequest};
use tonic::{Request, Response, Status};

use super::{Api, client_info, methods_to_pb, timestamp, user};
use crate::pb;

fn kind_from_pb(value: i32) -> Result<WebAuthnKind, DomainError> {
    match pb::WebAuthnKind::try_from(value) {
        Ok(pb::WebAuthnKind::Passkey) => Ok(WebAuthnKind::Passkey),
        Ok(pb::WebAuthnKind::SecurityKey) => Ok(WebAuthnKind::SecurityKey),
        _ => Err(DomainError::invalid(
            "kind",
            "must be WEB_AUTHN_KIND_PASSKEY or WEB_AUTHN_KIND_SECURITY_KEY",
        )),
    }
}

pub(super) fn credential_to_pb(view: CredentialView) -> pb::WebAuthnCredential {
    pb::WebAuthnCredential {
        credential_id: view.credential_id,
        label: view.label,
        kind: match view.kind {
            WebAuthnKind::Passkey => pb::WebAuthnKind::Passkey,
            WebAuthnKind::SecurityKey => pb::WebAuthnKind::SecurityKey,
        } as i32,
        created_at: Some(timestamp(view.created_at)),
        last_used_at: view.last_used_at.map(timestamp),
        backup_eligible: view.backup_eligible,
        backed_up: view.backed_up,
    }
}

impl Api {
    pub(super) async fn begin_webauthn_registration(
        &self,
        request: Request<pb::BeginWebAuthnRegistrationRequest>,
    ) -> Result<Response<pb::BeginWebAuthnRegistrationResponse>, Status> {
        let req = request.into_inner();
        self.handle("BeginWebAuthnRegistration", &req.tenant_id, async {
            let user = user(&req.tenant_id, &req.user_id)?;
            let started = self
                .core
                .begin_webauthn_registration(
                    &user,
                    RegistrationRequest {
                        user_name: &req.user_name,
                        display_name: &req.display_name,
                        kind: kind_from_pb(req.kind)?,
                        audience: &req.audience,
                    },
                )
                .await?;
            Ok(pb::BeginWebAuthnRegistrationResponse {
                registration_id: started.registration_id,
                creation_options_json: started.creation_options_json,
                expires_at: Some(timestamp(started.expires_at)),
            })
        })
        .await
    }

    pub(super) async fn finish_webauthn_registration(
        &self,
        request: Request<pb::FinishWebAuthnRegistrationRequest>,
    ) -> Result<Response<pb::FinishWebAuthnRegistrationResponse>, Status> {
        let req = request.into_inner();
        self.handle("FinishWebAuthnRegistration", &req.tenant_id, async {
            let user = user(&req.tenant_id, &req.user_id)?;
            let (credential, codes) = self
                .core
                .finish_webauthn_registration(
                    &user,
                    &req.registration_id,
                    &req.credential_json,
                    &req.label,
                    &client_info(&req.client_ip, &req.user_agent),
                )
                .await?;
            Ok(pb::FinishWebAuthnRegistrationResponse {
                credential: Some(credential_to_pb(credential)),
                recovery_codes: codes.iter().map(|c| c.expose().to_owned()).collect(),
            })
        })
        .await
    }

    pub(super) async fn list_webauthn_credentials(
        &self,
        request: Request<pb::ListWebAuthnCredentialsRequest>,
    ) -> Result<Response<pb::ListWebAuthnCredentialsResponse>, Status> {
        let req = request.into_inner();
        self.handle("ListWebAuthnCredentials", &req.tenant_id, async {
            let user = user(&req.tenant_id, &req.user_id)?;
            let credentials = self.core.webauthn_credentials(&user).await?;
            Ok(pb::ListWebAuthnCredentialsResponse {
                credentials: credentials.into_iter().map(credential_to_pb).collect(),
            })
        })
        .await
    }

    pub(super) async fn rename_webauthn_credential(
        &self,
        request: Request<pb::RenameWebAuthnCredentialRequest>,
    ) -> Result<Response<pb::RenameWebAuthnCredentialResponse>, Status> {
        let req = request.into_inner();
        self.handle("RenameWebAuthnCredential", &req.tenant_id, async {
            let user = user(&req.tenant_id, &req.user_id)?;
            let renamed = self
                .core
                .rename_webauthn_credential(&user, &req.credential_id, &req.label)
                .await?;
            Ok(pb::RenameWebAuthnCredentialResponse {
                credential: Some(credential_to_pb(renamed)),
            })
        })
        .await
    }

    pub(super) async fn remove_webauthn_credential(
        &self,
        request: Request<pb::RemoveWebAuthnCredentialRequest>,
    ) -> Result<Response<pb::RemoveWebAuthnCredentialResponse>, Status> {
        let req = request.into_inner();
        self.handle("RemoveWebAuthnCredential", &req.tenant_id, async {
            let user = user(&req.tenant_id, &req.user_id)?;
            self.core
                .remove_webauthn_credential(
                    &user,
                    &req.credential_id,
                    &client_info(&req.client_ip, &req.user_agent),
                )
                .await?;
            let view = self.core.get_enrollment(&user).await?;
            Ok(pb::RemoveWebAuthnCredentialResponse {
                enabled_methods: methods_to_pb(&view.enabled_methods),
                two_factor_enabled: !view.enabled_methods.is_empty(),
            })
        })
        .await
    }
}
