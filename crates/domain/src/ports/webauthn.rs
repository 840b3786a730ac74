//! Storage of passkeys and security keys (WebAuthn): the credentials, and
//! the registration ceremonies between their begin and finish.
use std::future::Future;

use chrono::{DateTime, Utc};

use super::{AuditEvent, NewRecoverySet, RecoveryOnEnable};
use crate::error::DomainError;
use crate::ids::UserRef;

/// What a WebAuthn credential is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebAuthnKind {
    /// The authenticator verifies the user (PIN, biometrics).
    Passkey,
    /// Used beside the password: the user's presence is enough.
    SecurityKey,
}

impl WebAuthnKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Passkey => "passkey",
            Self::SecurityKey => "security_key",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Passkey, Self::SecurityKey]
            .into_iter()
            .find(|k| k.as_str() == text)
    }
}

/// A stored credential. Nothing in it is secret: the public key, the
/// counter and the flags.
#[derive(Debug, Clone)]
pub struct WebAuthnCredentialRecord {
    pub id: i64,
    /// The credential id, base64url.
    pub credential_id: String,
    pub kind: WebAuthnKind,
    pub label: String,
    /// The library's credential (public key, counter, flags) as JSON.
    pub credential: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    /// Bumped by every use, so two sign-ins cannot both move the counter
    /// from the same value.
    pub version: i64,
}

/// A credential to store.
#[derive(Debug, Clone)]
pub struct NewWebAuthnCredential {
    pub credential_id: String,
    pub kind: WebAuthnKind,
    pub label: String,
    pub credential: String,
    pub created_at: DateTime<Utc>,
}

/// A registration begun and not finished: the library's state, under the
/// keyed hash of the registration id.
#[derive(Debug, Clone)]
pub struct WebAuthnCeremony {
    pub kind: WebAuthnKind,
    pub audience: String,
    pub state: String,
    pub expires_at: DateTime<Utc>,
}

/// How adding a credential ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialAdded {
    /// Stored; what became of recovery codes (see [`RecoveryOnEnable`]).
    Added(RecoveryOnEnable),
    /// The tenant has this credential id already (this user's or
    /// another's): nothing was written.
    Taken,
}

pub trait WebAuthnStore: Send + Sync + 'static {
    /// The user's credentials, oldest first.
    fn webauthn_credentials(
        &self,
        user: &UserRef,
    ) -> impl Future<Output = Result<Vec<WebAuthnCredentialRecord>, DomainError>> + Send;

    /// Stores a registration ceremony under `id_hash`.
    fn save_webauthn_ceremony(
        &self,
        user: &UserRef,
        id_hash: &str,
        ceremony: WebAuthnCeremony,
    ) -> impl Future<Output = Result<(), DomainError>> + Send;

    /// Takes the user's ceremony with this id hash if it has not expired at
    /// `now`: it is deleted in the same conditional statement, so it can be
    /// taken once, by one replica.
    fn take_webauthn_ceremony(
        &self,
        user: &UserRef,
        id_hash: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Option<WebAuthnCeremony>, DomainError>> + Send;

    /// In one transaction: stores the credential unless the tenant has its
    /// id already, turns WebAuthn on for the user, stores `recovery` when
    /// it is the user's first method (see [`RecoveryOnEnable`]), and
    /// writes `audit`.
    fn add_webauthn_credential(
        &self,
        user: &UserRef,
        credential: NewWebAuthnCredential,
        recovery: Option<NewRecoverySet>,
        audit: AuditEvent,
    ) -> impl Future<Output = Result<CredentialAdded, DomainError>> + Send;

    /// Renames one of the user's credentials; false when it has none with
    /// that id.
    fn rename_webauthn_credential(
        &self,
        user: &UserRef,
        credential_id: &str,
        label: &str,
    ) -> impl Future<Output = Result<bool, DomainError>> + Send;

    /// Removes one of the user's credentials; with none left, WebAuthn is
    /// off, and with no method left the recovery codes and trusted devices
    /// go too. False when the user has no credential with that id.
    fn remove_webauthn_credential(
        &self,
        user: &UserRef,
        credential_id: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, DomainError>> + Send;
}
