//! EnrollmentService's ImportUser: another system's second factors, moving
//! in (the rules are `tollgate_domain::import`'s).
use tollgate_domain::DomainError;
use tollgate_domain::import::{
    ImportOutcome, ImportRequest, ImportedContact, ImportedTotp, RecoveryImport, TotpSource,
};
use tollgate_domain::secret::SecretString;
use tonic::{Request, Response, Status};

use super::delivery::required_kind;
use super::policy::instant_from_pb;
use super::{Api, method_from_pb, methods_to_pb, user};
use crate::pb;

fn totp_from_pb(totp: pb::ImportedTotp) -> Result<ImportedTotp, DomainError> {
    let source = match (totp.secret_base32.is_empty(), totp.otpauth_uri.is_empty()) {
        (false, true) => {
            let period = totp.period.map_or(0, |p| p.seconds);
            TotpSource::Base32 {
                secret: SecretString::new(totp.secret_base32),
                digits: totp.digits,
                period_seconds: u32::try_from(period).map_err(|_| {
                    DomainError::invalid("totp.period", "must be 10 seconds to 5 minutes")
                })?,
                algorithm: totp.algorithm,
            }
        }
        (true, false) => TotpSource::Uri(SecretString::new(totp.otpauth_uri)),
        _ => {
            return Err(DomainError::invalid(
                "totp",
                "give exactly one of secret_base32 and otpauth_uri",
            ));
        }
    };
    let enabled_at = match totp.enabled_at {
        Some(at) => Some(
            instant_from_pb(&at)
                .ok_or_else(|| DomainError::invalid("totp.enabled_at", "is not a valid time"))?,
        ),
        None => None,
    };
    Ok(ImportedTotp { source, enabled_at })
}

fn outcome_to_pb(outcome: ImportOutcome) -> pb::ImportOutcome {
    match outcome {
        ImportOutcome::Imported => pb::ImportOutcome::Imported,
        ImportOutcome::Unchanged => pb::ImportOutcome::Unchanged,
        ImportOutcome::Replaced => pb::ImportOutcome::Replaced,
        ImportOutcome::Valid => pb::ImportOutcome::Valid,
    }
}

impl Api {
    pub(super) async fn import_existing_factors(
        &self,
        request: Request<pb::ImportUserRequest>,
    ) -> Result<Response<pb::ImportUserResponse>, Status> {
        let req = request.into_inner();
        self.handle("ImportUser", &req.tenant_id, async {
            let user = user(&req.tenant_id, &req.user_id)?;
            let recovery = match (req.recovery_codes.is_empty(), req.mint_recovery_codes) {
                (true, false) => RecoveryImport::None,
                (true, true) => RecoveryImport::Mint,
                (false, false) => RecoveryImport::Codes(
                    req.recovery_codes
                        .into_iter()
                        .map(SecretString::new)
                        .collect(),
                ),
                (false, true) => {
                    return Err(DomainError::invalid(
                        "mint_recovery_codes",
                        "give recovery_codes or mint_recovery_codes, not both",
                    ));
                }
            };
            let contacts = req
                .contacts
                .into_iter()
                .map(|c| {
                    Ok(ImportedContact {
                        kind: required_kind(c.kind)?,
                        address: c.address,
                        confirmed: c.confirmed,
                        enable: c.enable,
                    })
                })
                .collect::<Result<Vec<_>, DomainError>>()?;
            let request = ImportRequest {
                actor_id: &req.actor_id,
                audience: &req.audience,
                totp: req.totp.map(totp_from_pb).transpose()?,
                recovery,
                contacts,
                default_method: method_from_pb(req.default_method)?,
                replace: req.replace,
                validate_only: req.validate_only,
            };
            let result = self.core.import_user(&user, request).await?;
            Ok(pb::ImportUserResponse {
                outcome: outcome_to_pb(result.outcome) as i32,
                enabled_methods: methods_to_pb(&result.enabled_methods),
                recovery_codes: result
                    .recovery_codes
                    .iter()
                    .map(|c| c.expose().to_owned())
                    .collect(),
                recovery_codes_remaining: result.recovery_remaining,
            })
        })
        .await
    }
}
