//! The error vocabulary: every failure has a stable machine-readable reason
//! and a message an application may show to its user as is.
use chrono::{DateTime, Utc};

/// One invalid request field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldViolation {
    pub field: String,
    pub description: String,
}

impl FieldViolation {
    pub fn new(field: impl Into<String>, description: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            description: description.into(),
        }
    }
}

/// Errors of tollgate's use cases. Messages never carry a secret, a code or a
/// token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    #[error("The request is invalid")]
    InvalidArgument(Vec<FieldViolation>),
    #[error("The authenticator app is already set up. Disable it first to set it up again")]
    AlreadyEnabled,
    #[error(
        "The user already has a different {}. Import with replace to overwrite it",
        import_part_name(part)
    )]
    ImportConflict {
        /// "totp", "email" or "phone": what differs.
        part: &'static str,
    },
    #[error("No pending enrollment. Start again to get a fresh QR code")]
    NoPendingEnrollment,
    #[error("That code did not match")]
    CodeMismatch { attempts_left: Option<u32> },
    #[error("That code has expired. Ask for a new one")]
    CodeExpired,
    #[error("That code has already been used")]
    CodeAlreadyUsed,
    #[error("This sign-in attempt has expired. Sign in again")]
    ChallengeExpired,
    #[error("This sign-in attempt was not found. Sign in again")]
    ChallengeNotFound,
    #[error("Too many failed attempts. Try again later")]
    LockedOut { until: DateTime<Utc> },
    #[error("Two-factor authentication is not enabled for this user")]
    NotEnrolled,
    #[error("The contact has not been confirmed yet")]
    ContactUnconfirmed,
    #[error("No contact of this kind is registered for the user")]
    ContactNotFound,
    #[error("The contact is confirmed already")]
    ContactAlreadyConfirmed,
    #[error("No undelivered message has that id")]
    MessageNotFound,
    #[error("This method is not allowed by your organisation")]
    MethodNotAllowed,
    #[error("Your organisation's policy does not allow this")]
    PolicyForbids,
    #[error("A new code can be sent a little later")]
    ResendTooSoon { available_at: DateTime<Utc> },
    #[error("The policy was changed by someone else. Reload it and try again")]
    EtagMismatch,
    #[error("The message could not be delivered")]
    DeliveryFailed,
    #[error("Too many wrong codes for this confirmation. Send a new one")]
    ConfirmationVoided,
    #[error("Too many codes were sent. Try again later")]
    SendLimitReached {
        /// "user" or "tenant": whose hourly limit.
        scope: &'static str,
        available_at: DateTime<Utc>,
    },
    #[error("Phone numbers in this region are not allowed by your organisation")]
    PhoneRegionNotAllowed,
    #[error("The service is busy. Try again shortly")]
    Overloaded { retry_after: std::time::Duration },
    #[error("This caller may not do this for this tenant")]
    CallerNotAllowed {
        permission: &'static str,
        tenant: String,
    },
    #[error("The API key is not valid: unknown, malformed or revoked")]
    ApiKeyInvalid,
    #[error(
        "The call carries no credential: use the Unix socket, a client certificate or an API key"
    )]
    NoCredential,
    #[error("An API key with this name exists already")]
    ApiKeyExists,
    #[error("Passkeys are not set up for this organisation")]
    WebAuthnNotConfigured,
    #[error("The passkey or security key response was not accepted")]
    WebAuthnRejected,
    #[error("This passkey or security key is registered already")]
    CredentialExists,
    #[error("No passkey or security key has that id")]
    CredentialNotFound,
    #[error("This needs a passkey or security key, and none is set up")]
    NoPhishingResistantMethod,
    #[error("The service's storage is unavailable. Try again shortly")]
    StorageUnavailable,
    #[error("Internal error: {0}")]
    Internal(&'static str),
}

impl DomainError {
    /// The stable reason carried in `google.rpc.ErrorInfo.reason`.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::InvalidArgument(_) => "INVALID_ARGUMENT",
            Self::AlreadyEnabled => "ALREADY_ENABLED",
            Self::ImportConflict { .. } => "IMPORT_CONFLICT",
            Self::NoPendingEnrollment => "NO_PENDING_ENROLLMENT",
            Self::CodeMismatch { .. } => "CODE_MISMATCH",
            Self::CodeExpired => "CODE_EXPIRED",
            Self::CodeAlreadyUsed => "CODE_ALREADY_USED",
            Self::ChallengeExpired => "CHALLENGE_EXPIRED",
            Self::ChallengeNotFound => "CHALLENGE_NOT_FOUND",
            Self::LockedOut { .. } => "LOCKED_OUT",
            Self::NotEnrolled => "NOT_ENROLLED",
            Self::ContactUnconfirmed => "CONTACT_UNCONFIRMED",
            Self::ContactNotFound => "CONTACT_NOT_FOUND",
            Self::ContactAlreadyConfirmed => "CONTACT_ALREADY_CONFIRMED",
            Self::MessageNotFound => "MESSAGE_NOT_FOUND",
            Self::MethodNotAllowed => "METHOD_NOT_ALLOWED",
            Self::PolicyForbids => "POLICY_FORBIDS",
            Self::ResendTooSoon { .. } => "RESEND_TOO_SOON",
            Self::EtagMismatch => "ETAG_MISMATCH",
            Self::DeliveryFailed => "DELIVERY_FAILED",
            Self::ConfirmationVoided => "CONFIRMATION_VOIDED",
            Self::Overloaded { .. } => "OVERLOADED",
            Self::SendLimitReached { .. } => "SEND_LIMIT_REACHED",
            Self::PhoneRegionNotAllowed => "PHONE_REGION_NOT_ALLOWED",
            Self::CallerNotAllowed { .. } => "CALLER_NOT_ALLOWED",
            Self::ApiKeyInvalid => "API_KEY_INVALID",
            Self::NoCredential => "NO_CREDENTIAL",
            Self::ApiKeyExists => "API_KEY_EXISTS",
            Self::WebAuthnNotConfigured => "WEBAUTHN_NOT_CONFIGURED",
            Self::WebAuthnRejected => "WEBAUTHN_REJECTED",
            Self::CredentialExists => "CREDENTIAL_EXISTS",
            Self::CredentialNotFound => "CREDENTIAL_NOT_FOUND",
            Self::NoPhishingResistantMethod => "NO_PHISHING_RESISTANT_METHOD",
            Self::StorageUnavailable => "STORAGE_UNAVAILABLE",
            Self::Internal(_) => "INTERNAL",
        }
    }

    /// A request with a single invalid field.
    pub fn invalid(field: &str, description: &str) -> Self {
        Self::InvalidArgument(vec![FieldViolation::new(field, description)])
    }
}

/// What an `ImportConflict` part is called in its message.
fn import_part_name(part: &str) -> &'static str {
    match part {
        "totp" => "authenticator-app secret",
        "email" => "email address",
        "phone" => "phone number",
        _ => "second factor",
    }
}
