//! The one place domain errors become gRPC statuses: the code, a message the
//! application may show, and a `google.rpc.ErrorInfo` with a stable reason
//! (plus `BadRequest` field violations where the input was at fault).
use std::collections::HashMap;

use chrono::{DateTime, Utc};

use tollgate_domain::DomainError;
use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

/// The `ErrorInfo.domain` of every tollgate error.
pub const ERROR_DOMAIN: &str = "tollgate";

fn code_of(error: &DomainError) -> Code {
    match error {
        DomainError::InvalidArgument(_)
        | DomainError::CodeMismatch { .. }
        | DomainError::WebAuthnRejected => Code::InvalidArgument,
        DomainError::AlreadyEnabled
        | DomainError::ImportConflict { .. }
        | DomainError::NoPendingEnrollment
        | DomainError::CodeExpired
        | DomainError::CodeAlreadyUsed
        | DomainError::ChallengeExpired
        | DomainError::NotEnrolled
        | DomainError::ContactUnconfirmed
        | DomainError::ContactAlreadyConfirmed
        | DomainError::MethodNotAllowed
        | DomainError::ConfirmationVoided
        | DomainError::PhoneRegionNotAllowed
        | DomainError::WebAuthnNotConfigured
        | DomainError::NoPhishingResistantMethod => Code::FailedPrecondition,
        DomainError::ChallengeNotFound
        | DomainError::ContactNotFound
        | DomainError::MessageNotFound
        | DomainError::CredentialNotFound => Code::NotFound,
        DomainError::LockedOut { .. }
        | DomainError::ResendTooSoon { .. }
        | DomainError::Overloaded { .. }
        | DomainError::SendLimitReached { .. } => Code::ResourceExhausted,
        DomainError::PolicyForbids | DomainError::CallerNotAllowed { .. } => Code::PermissionDenied,
        DomainError::ApiKeyInvalid | DomainError::NoCredential => Code::Unauthenticated,
        DomainError::ApiKeyExists | DomainError::CredentialExists => Code::AlreadyExists,
        DomainError::EtagMismatch => Code::Aborted,
        DomainError::DeliveryFailed | DomainError::StorageUnavailable => Code::Unavailable,
        DomainError::Internal(_) => Code::Internal,
    }
}

/// Converts a domain error into the status a client receives; `now` turns
/// a lockout's end into a `google.rpc.RetryInfo` delay.
pub fn to_status(error: DomainError, now: DateTime<Utc>) -> Status {
    if let DomainError::Internal(what) = &error {
        tracing::error!(error = what, "internal error");
        return Status::with_error_details(
            Code::Internal,
            "Internal error",
            ErrorDetails::with_error_info("INTERNAL", ERROR_DOMAIN, HashMap::new()),
        );
    }
    let mut metadata = HashMap::new();
    match &error {
        DomainError::CodeMismatch {
            attempts_left: Some(left),
        } => {
            metadata.insert("attempts_left".to_owned(), left.to_string());
        }
        DomainError::LockedOut { until } => {
            metadata.insert("locked_until".to_owned(), until.to_rfc3339());
        }
        DomainError::ResendTooSoon { available_at } => {
            metadata.insert("available_at".to_owned(), available_at.to_rfc3339());
        }
        DomainError::SendLimitReached {
            scope,
            available_at,
        } => {
            metadata.insert("scope".to_owned(), (*scope).to_owned());
            metadata.insert("available_at".to_owned(), available_at.to_rfc3339());
        }
        DomainError::ImportConflict { part } => {
            metadata.insert("part".to_owned(), (*part).to_owned());
        }
        DomainError::CallerNotAllowed { permission, tenant } => {
            if !permission.is_empty() {
                metadata.insert("permission".to_owned(), (*permission).to_owned());
            }
            if !tenant.is_empty() {
                metadata.insert("tenant".to_owned(), tenant.clone());
            }
        }
        _ => {}
    }
    let mut details = ErrorDetails::with_error_info(error.reason(), ERROR_DOMAIN, metadata);
    if let DomainError::LockedOut { until: retry_at }
    | DomainError::ResendTooSoon {
        available_at: retry_at,
    }
    | DomainError::SendLimitReached {
        available_at: retry_at,
        ..
    } = &error
    {
        let delay = (*retry_at - now).to_std().unwrap_or_default();
        details.set_retry_info(Some(delay));
    }
    if let DomainError::Overloaded { retry_after } = &error {
        details.set_retry_info(Some(*retry_after));
    }
    if let DomainError::InvalidArgument(violations) = &error {
        for v in violations {
            details.add_bad_request_violation(v.field.clone(), v.description.clone());
        }
    }
    let message = match &error {
        DomainError::InvalidArgument(violations) => {
            let fields: Vec<String> = violations
                .iter()
                .map(|v| format!("{} {}", v.field, v.description))
                .collect();
            format!("Invalid request: {}", fields.join("; "))
        }
        other => other.to_string(),
    };
    Status::with_error_details(code_of(&error), message, details)
}
