//! Passkeys and security keys (WebAuthn) as a second factor: registering
//! them (BeginWebAuthnRegistration, FinishWebAuthnRegistration), listing,
//! renaming and removing them, and the sign-in ceremony a challenge carries
//! when it offers WebAuthn. The browser talks to the application; the
//! options and responses pass through it as JSON. The relying party (id,
//! name, origins) comes from configuration, per tenant and audience, never
//! from the request.
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use webauthn_rs::prelude::{
    Credential, Passkey, PasskeyAuthentication, PasskeyRegistration, PublicKeyCredential,
    RegisterPublicKeyCredential, SecurityKey, SecurityKeyAuthentication, SecurityKeyRegistration,
    Url, Uuid, Webauthn, WebauthnBuilder,
};

use crate::challenge::random_hex;
use crate::error::DomainError;
use crate::ids::UserRef;
use crate::lockout::{LockoutRead, Refusal};
use crate::policy::{Method, Policy};
use crate::ports::{
    ChallengeRecord, ClientInfo, Consume, CredentialAdded, NewWebAuthnCredential, Offload, Store,
    WebAuthnCeremony, WebAuthnCredentialRecord, WebAuthnKind,
};
use crate::secret::SecretString;
use crate::service::Service;

/// How long a registration may take between begin and finish (the
/// browser's default timeout for the ceremony).
const REGISTRATION_TTL: TimeDelta = TimeDelta::minutes(5);
const REGISTRATION_PURPOSE: &str = "tollgate/v1/webauthn-registration";
const USER_HANDLE_PURPOSE: &str = "tollgate/v1/webauthn-user";
const MAX_LABEL: usize = 64;

/// A relying party: the site whose passkeys these are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelyingParty {
    /// The domain credentials are bound to, e.g. "example.com".
    pub id: String,
    /// What authenticators show, e.g. "Example".
    pub name: String,
    /// Origins the browser may report, e.g. "https://login.example.com"
    /// (and native apps' origins, named explicitly).
    pub origins: Vec<String>,
}

/// The relying parties by tenant and audience: the most specific entry
/// wins (tenant and audience, tenant, every tenant's audience, every
/// tenant). `*` stands for every tenant; an empty audience for the
/// tenant's own.
#[derive(Debug, Clone, Default)]
pub struct RelyingParties {
    entries: Vec<(String, String, RelyingParty)>,
}

impl RelyingParties {
    pub fn new(entries: Vec<(String, String, RelyingParty)>) -> Self {
        Self { entries }
    }

    fn find(&self, tenant: &str, audience: &str) -> Option<&RelyingParty> {
        let pick = |t: &str, a: &str| {
            self.entries
                .iter()
                .find(|(et, ea, _)| et == t && ea == a)
                .map(|(_, _, rp)| rp)
        };
        pick(tenant, audience)
            .or_else(|| pick(tenant, ""))
            .or_else(|| pick("*", audience))
            .or_else(|| pick("*", ""))
    }
}

impl RelyingParty {
    /// The library's relying party, or `WebAuthnNotConfigured` when the
    /// entry does not make one (configuration is checked at start, so this
    /// is not expected).
    fn webauthn(&self) -> Result<Webauthn, DomainError> {
        let not_configured = |_| DomainError::WebAuthnNotConfigured;
        let mut origins = self.origins.iter().map(|o| Url::parse(o));
        let first = origins
            .next()
            .ok_or(DomainError::WebAuthnNotConfigured)?
            .map_err(not_configured)?;
        let mut builder = WebauthnBuilder::new(&self.id, &first)
            .map_err(|_| DomainError::WebAuthnNotConfigured)?
            .rp_name(&self.name);
        for origin in origins {
            builder = builder.append_allowed_origin(&origin.map_err(not_configured)?);
        }
        builder
            .build()
            .map_err(|_| DomainError::WebAuthnNotConfigured)
    }

    /// Whether the entry makes a relying party: for checking configuration.
    pub fn check(&self) -> Result<(), String> {
        self.webauthn()
            .map(|_| ())
            .map_err(|_| format!("relying party {:?}: bad id or origins", self.id))
    }
}

/// A registration begun: what the browser needs, and where to finish.
#[derive(Debug)]
pub struct RegistrationStarted {
    pub registration_id: String,
    pub creation_options_json: String,
    pub expires_at: DateTime<Utc>,
}

/// What BeginWebAuthnRegistration asks for.
#[derive(Debug, Clone, Copy)]
pub struct RegistrationRequest<'a> {
    pub user_name: &'a str,
    pub display_name: &'a str,
    pub kind: WebAuthnKind,
    pub audience: &'a str,
}

/// A registered credential as the user sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialView {
    pub credential_id: String,
    pub label: String,
    pub kind: WebAuthnKind,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub backup_eligible: bool,
    pub backed_up: bool,
}

/// The sign-in ceremony's state as stored on the challenge: passkeys
/// alone require user verification; with a security key among the
/// user's credentials, presence is enough.
#[derive(Serialize, Deserialize)]
enum SignInState {
    Passkeys(PasskeyAuthentication),
    SecurityKeys(SecurityKeyAuthentication),
}

fn parse_credential(record: &WebAuthnCredentialRecord) -> Result<Credential, DomainError> {
    serde_json::from_str(&record.credential)
        .map_err(|_| DomainError::Internal("a stored WebAuthn credential is malformed"))
}

fn to_json<T: Serialize>(value: &T) -> Result<String, DomainError> {
    serde_json::to_string(value)
        .map_err(|_| DomainError::Internal("a WebAuthn value did not serialise"))
}

fn view(record: &WebAuthnCredentialRecord) -> Result<CredentialView, DomainError> {
    let credential = parse_credential(record)?;
    Ok(CredentialView {
        credential_id: record.credential_id.clone(),
        label: record.label.clone(),
        kind: record.kind,
        created_at: record.created_at,
        last_used_at: record.last_used_at,
        backup_eligible: credential.backup_eligible,
        backed_up: credential.backup_state,
    })
}

/// The label a user gave, checked; a default for none.
fn label_of(label: &str, kind: WebAuthnKind) -> Result<String, DomainError> {
    let label = label.trim();
    if label.chars().count() > MAX_LABEL || label.chars().any(char::is_control) {
        return Err(DomainError::invalid(
            "label",
            "must be at most 64 characters, without control characters",
        ));
    }
    Ok(match (label.is_empty(), kind) {
        (false, _) => label.to_owned(),
        (true, WebAuthnKind::Passkey) => "Passkey".to_owned(),
        (true, WebAuthnKind::SecurityKey) => "Security key".to_owned(),
    })
}

/// The credential a registration response makes, checked against its
/// ceremony (origin, challenge, signature): `WebAuthnRejected` otherwise.
fn finish_ceremony(
    webauthn: &Webauthn,
    ceremony: &WebAuthnCeremony,
    response: &RegisterPublicKeyCredential,
) -> Result<Credential, DomainError> {
    let corrupt = |_| DomainError::Internal("a stored WebAuthn ceremony is malformed");
    match ceremony.kind {
        WebAuthnKind::Passkey => {
            let state: PasskeyRegistration =
                serde_json::from_str(&ceremony.state).map_err(corrupt)?;
            Ok(webauthn
                .finish_passkey_registration(response, &state)
                .map_err(|_| DomainError::WebAuthnRejected)?
                .into())
        }
        WebAuthnKind::SecurityKey => {
            let state: SecurityKeyRegistration =
                serde_json::from_str(&ceremony.state).map_err(corrupt)?;
            Ok(webauthn
                .finish_securitykey_registration(response, &state)
                .map_err(|_| DomainError::WebAuthnRejected)?
                .into())
        }
    }
}

impl<S: Store, O: Offload> Service<S, O> {
    /// The relying party for `user` in `audience`.
    fn relying_party(&self, user: &UserRef, audience: &str) -> Result<Webauthn, DomainError> {
        self.relying_parties
            .find(user.tenant.as_str(), audience)
            .ok_or(DomainError::WebAuthnNotConfigured)?
            .webauthn()
    }

    /// The user handle authenticators keep: a keyed hash of the user, so
    /// it names nobody outside tollgate.
    fn user_handle(&self, user: &UserRef) -> Uuid {
        let hash = self
            .keys
            .current()
            .keyed_hash(&user.binding(USER_HANDLE_PURPOSE), b"");
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(&hash[..16]);
        Uuid::from_bytes(bytes)
    }

    async fn webauthn_policy(&self, user: &UserRef, audience: &str) -> Result<Policy, DomainError> {
        let policy = self.policy_for(user, audience).await?;
        if !policy.two_factor_enabled {
            return Err(DomainError::PolicyForbids);
        }
        if !policy.allowed_methods.contains(&Method::WebAuthn) {
            return Err(DomainError::MethodNotAllowed);
        }
        Ok(policy)
    }

    /// Starts registering a credential of `request.kind`: the options for
    /// `navigator.credentials.create` (the user's credentials excluded),
    /// and the ceremony stored, single use, for any replica to finish.
    pub async fn begin_webauthn_registration(
        &self,
        user: &UserRef,
        request: RegistrationRequest<'_>,
    ) -> Result<RegistrationStarted, DomainError> {
        crate::bounds::check_request(&[], request.audience, None, None)?;
        for (field, value) in [
            ("user_name", request.user_name),
            ("display_name", request.display_name),
        ] {
            if value.chars().count() > 256 || value.chars().any(char::is_control) {
                return Err(DomainError::invalid(
                    field,
                    "must be at most 256 characters, without control characters",
                ));
            }
        }
        self.webauthn_policy(user, request.audience).await?;
        let webauthn = self.relying_party(user, request.audience)?;
        let existing = self.store.webauthn_credentials(user).await?;
        let exclude = existing
            .iter()
            .map(|r| parse_credential(r).map(|c| c.cred_id))
            .collect::<Result<Vec<_>, _>>()?;
        let name = match request.user_name {
            "" => user.user.as_str(),
            name => name,
        };
        let display = match request.display_name {
            "" => name,
            display => display,
        };
        let handle = self.user_handle(user);
        let rejected = |_| DomainError::WebAuthnNotConfigured;
        let (options, state) = match request.kind {
            WebAuthnKind::Passkey => {
                let (options, state) = webauthn
                    .start_passkey_registration(handle, name, display, Some(exclude))
                    .map_err(rejected)?;
                (to_json(&options)?, to_json(&state)?)
            }
            WebAuthnKind::SecurityKey => {
                let (options, state) = webauthn
                    .start_securitykey_registration(
                        handle,
                        name,
                        display,
                        Some(exclude),
                        None,
                        None,
                    )
                    .map_err(rejected)?;
                (to_json(&options)?, to_json(&state)?)
            }
        };
        let now = self.clock.now();
        let registration_id = random_hex(16)?;
        let expires_at = now + REGISTRATION_TTL;
        let id_hash = self.secret_hash(user, REGISTRATION_PURPOSE, &registration_id);
        self.store
            .save_webauthn_ceremony(
                user,
                &id_hash,
                WebAuthnCeremony {
                    kind: request.kind,
                    audience: request.audience.to_owned(),
                    state,
                    expires_at,
                },
            )
            .await?;
        Ok(RegistrationStarted {
            registration_id,
            creation_options_json: options,
            expires_at,
        })
    }

    /// Takes the user's registration with this id (under any key) if it
    /// has not expired: once, whoever asks first.
    async fn take_registration(
        &self,
        user: &UserRef,
        registration_id: &str,
        now: DateTime<Utc>,
    ) -> Result<WebAuthnCeremony, DomainError> {
        for id_hash in self.secret_hashes(user, REGISTRATION_PURPOSE, registration_id) {
            if let Some(ceremony) = self
                .store
                .take_webauthn_ceremony(user, &id_hash, now)
                .await?
            {
                return Ok(ceremony);
            }
        }
        Err(DomainError::NoPendingEnrollment)
    }

    /// Finishes a registration with the browser's response: the ceremony
    /// is taken (once), the response checked against it, and the
    /// credential stored unless the tenant has its id already. Returns the
    /// credential and, when it enabled 2FA, the recovery codes to show.
    pub async fn finish_webauthn_registration(
        &self,
        user: &UserRef,
        registration_id: &str,
        credential_json: &str,
        label: &str,
        client: &ClientInfo,
    ) -> Result<(CredentialView, Vec<SecretString>), DomainError> {
        crate::bounds::check_request(&[], "", Some(client), None)?;
        let now = self.clock.now();
        let ceremony = self.take_registration(user, registration_id, now).await?;
        let label = label_of(label, ceremony.kind)?;
        let response: RegisterPublicKeyCredential =
            serde_json::from_str(credential_json).map_err(|_| {
                DomainError::invalid("credential_json", "is not a WebAuthn credential response")
            })?;
        let policy = self.webauthn_policy(user, &ceremony.audience).await?;
        let webauthn = self.relying_party(user, &ceremony.audience)?;
        let credential = finish_ceremony(&webauthn, &ceremony, &response)?;
        let record = NewWebAuthnCredential {
            credential_id: URL_SAFE_NO_PAD.encode(&credential.cred_id),
            kind: ceremony.kind,
            label,
            credential: to_json(&credential)?,
            created_at: now,
        };
        let mut audit =
            self.audit_event(user, "webauthn.registered", Some(Method::WebAuthn), client);
        audit
            .details
            .push(("credential_id".to_owned(), record.credential_id.clone()));
        let shown = self
            .enable_with_recovery(user, &policy, now, |recovery| {
                let (record, audit) = (record.clone(), audit.clone());
                async move {
                    match self
                        .store
                        .add_webauthn_credential(user, record, recovery, audit)
                        .await?
                    {
                        CredentialAdded::Added(outcome) => Ok(outcome),
                        CredentialAdded::Taken => Err(DomainError::CredentialExists),
                    }
                }
            })
            .await?;
        self.observe_audit("webauthn.registered", crate::ports::Outcome::Success);
        if policy.security_notifications {
            // The registration wrote its audit event; the notice follows
            // it (the registration decides whether it turned 2FA on).
            let kind = crate::notification::enabled_kind(!shown.is_empty());
            let details = crate::notification::NoticeDetails::of(&audit);
            let notice = self.seal_notice(kind, &details, now)?;
            self.store.record_noticed(user, None, vec![notice]).await?;
        }
        let stored = self
            .store
            .webauthn_credentials(user)
            .await?
            .into_iter()
            .find(|r| r.credential_id == record.credential_id)
            .ok_or(DomainError::Internal("a stored credential vanished"))?;
        Ok((view(&stored)?, shown))
    }

    /// The user's passkeys and security keys, oldest first.
    pub async fn webauthn_credentials(
        &self,
        user: &UserRef,
    ) -> Result<Vec<CredentialView>, DomainError> {
        self.store
            .webauthn_credentials(user)
            .await?
            .iter()
            .map(view)
            .collect()
    }

    pub async fn rename_webauthn_credential(
        &self,
        user: &UserRef,
        credential_id: &str,
        label: &str,
    ) -> Result<CredentialView, DomainError> {
        let found = self
            .store
            .webauthn_credentials(user)
            .await?
            .into_iter()
            .find(|r| r.credential_id == credential_id)
            .ok_or(DomainError::CredentialNotFound)?;
        let label = label_of(label, found.kind)?;
        if !self
            .store
            .rename_webauthn_credential(user, credential_id, &label)
            .await?
        {
            return Err(DomainError::CredentialNotFound);
        }
        Ok(CredentialView {
            label,
            ..view(&found)?
        })
    }

    /// Removes one credential (the application re-checks the user's
    /// password first); audited.
    pub async fn remove_webauthn_credential(
        &self,
        user: &UserRef,
        credential_id: &str,
        client: &ClientInfo,
    ) -> Result<(), DomainError> {
        crate::bounds::check_request(&[], "", Some(client), None)?;
        let now = self.clock.now();
        if !self
            .store
            .remove_webauthn_credential(user, credential_id, now)
            .await?
        {
            return Err(DomainError::CredentialNotFound);
        }
        let mut event = self.audit_event(user, "webauthn.removed", Some(Method::WebAuthn), client);
        event
            .details
            .push(("credential_id".to_owned(), credential_id.to_owned()));
        let notice = self.removal_notice(user, &event).await?;
        self.record_noticed(user, event, notice).await
    }

    /// The sign-in ceremony for a challenge offering WebAuthn: the options
    /// for `navigator.credentials.get` and the state to store with the
    /// challenge. `None` when the user has no credential.
    pub(crate) async fn webauthn_sign_in(
        &self,
        user: &UserRef,
        audience: &str,
    ) -> Result<Option<(String, String)>, DomainError> {
        let records = self.store.webauthn_credentials(user).await?;
        if records.is_empty() {
            return Ok(None);
        }
        let webauthn = self.relying_party(user, audience)?;
        let credentials = records
            .iter()
            .map(parse_credential)
            .collect::<Result<Vec<_>, _>>()?;
        let failed = |_| DomainError::Internal("a WebAuthn sign-in could not be started");
        let passkeys_only = records.iter().all(|r| r.kind == WebAuthnKind::Passkey);
        let (options, state) = if passkeys_only {
            let keys: Vec<Passkey> = credentials.into_iter().map(Passkey::from).collect();
            let (options, state) = webauthn
                .start_passkey_authentication(&keys)
                .map_err(failed)?;
            (to_json(&options)?, SignInState::Passkeys(state))
        } else {
            let keys: Vec<SecurityKey> = credentials.into_iter().map(SecurityKey::from).collect();
            let (options, state) = webauthn
                .start_securitykey_authentication(&keys)
                .map_err(failed)?;
            (to_json(&options)?, SignInState::SecurityKeys(state))
        };
        Ok(Some((options, to_json(&state)?)))
    }

    /// Checks a WebAuthn assertion against the challenge's ceremony: what a
    /// right one consumes (the credential stored with its counter moved
    /// on), or the refusal (a wrong one counted on the lockout row). A
    /// counter that does not move forward (when either the stored or the
    /// reported one is not 0) is refused as a possible cloned key; synced
    /// passkeys report 0 and pass.
    pub(crate) async fn check_webauthn(
        &self,
        user: &UserRef,
        challenge: &ChallengeRecord,
        assertion_json: &str,
        now: DateTime<Utc>,
        lockout: &LockoutRead<'_>,
    ) -> Result<Consume, Refusal> {
        let state = challenge
            .webauthn_state
            .as_deref()
            .ok_or(DomainError::MethodNotAllowed)?;
        let assertion: PublicKeyCredential =
            serde_json::from_str(assertion_json).map_err(|_| {
                DomainError::invalid("webauthn_assertion_json", "is not a WebAuthn assertion")
            })?;
        let state: SignInState = serde_json::from_str(state)
            .map_err(|_| DomainError::Internal("a stored WebAuthn ceremony is malformed"))?;
        let webauthn = self.relying_party(user, &challenge.audience)?;
        let result = match &state {
            SignInState::Passkeys(state) => {
                webauthn.finish_passkey_authentication(&assertion, state)
            }
            SignInState::SecurityKeys(state) => {
                webauthn.finish_securitykey_authentication(&assertion, state)
            }
        };
        let Ok(result) = result else {
            return Err(self.count_failure(user, now, lockout).await?);
        };
        let records = self.store.webauthn_credentials(user).await?;
        let Some(record) = records
            .into_iter()
            .find(|r| parse_credential(r).is_ok_and(|c| &c.cred_id == result.cred_id()))
        else {
            // Removed since the challenge began.
            return Err(self.count_failure(user, now, lockout).await?);
        };
        let mut passkey = Passkey::from(parse_credential(&record)?);
        passkey.update_credential(&result);
        Ok(Consume::WebAuthn {
            id: record.id,
            version: record.version,
            credential: to_json(&Credential::from(passkey))?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn party(origins: &[&str]) -> RelyingParty {
        RelyingParty {
            id: "example.com".to_owned(),
            name: "Example".to_owned(),
            origins: origins.iter().map(|o| (*o).to_owned()).collect(),
        }
    }

    /// Web origins on the relying party's domain, and a native app's origin
    /// named explicitly, make a relying party; an origin on another domain,
    /// or none at all, does not.
    #[test]
    fn relying_parties_take_web_and_named_native_origins() {
        assert!(
            party(&[
                "https://login.example.com",
                "android:apk-key-hash:Xb1q3Y7rJk9lB2vN4mZ8cT0wQ6eR5tYuI3oP7aSdF1g",
            ])
            .check()
            .is_ok()
        );
        assert!(party(&["https://example.org"]).check().is_err());
        assert!(party(&[]).check().is_err());
    }

    /// The most specific entry wins: tenant and audience, tenant, every
    /// tenant's audience, every tenant.
    #[test]
    fn the_most_specific_relying_party_wins() {
        let named = |id: &str| RelyingParty {
            id: id.to_owned(),
            ..party(&[])
        };
        let parties = RelyingParties::new(vec![
            ("*".to_owned(), String::new(), named("every")),
            ("*".to_owned(), "staff".to_owned(), named("every-staff")),
            ("acme".to_owned(), String::new(), named("acme")),
            ("acme".to_owned(), "staff".to_owned(), named("acme-staff")),
        ]);
        let id = |tenant: &str, audience: &str| {
            parties
                .find(tenant, audience)
                .map(|p| p.id.clone())
                .unwrap_or_default()
        };
        assert_eq!(id("acme", "staff"), "acme-staff");
        assert_eq!(id("acme", "patients"), "acme");
        assert_eq!(id("other", "staff"), "every-staff");
        assert_eq!(id("other", ""), "every");
        assert!(RelyingParties::default().find("acme", "").is_none());
    }
}
