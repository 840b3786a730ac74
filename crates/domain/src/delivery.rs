//! The email and SMS use cases: contacts and their confirmation, turning the
//! contact methods on, and sending a code for a challenge. Messages are put
//! in the outbox in the same transaction as the code they carry; the server
//! delivers them (or streams them to the application) from there.
use chrono::{DateTime, TimeDelta, Utc};

use crate::contact::ContactKind;
use crate::error::DomainError;
use crate::ids::{TenantId, UserRef};
use crate::policy::Method;
use crate::ports::{
    Channel, ClientInfo, CodeSend, ConfirmationSend, ContactRecord, MessageKind, NewMessage,
    Offload, OutboxFilter, OutboxRecord, Store,
};
use crate::random;
use crate::secret::{Keyring, Sealed, SecretString, hex_lower};
use crate::service::Service;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

const CONFIRMATION_PURPOSE: &str = "tollgate/v1/contact-confirmation";
const CODE_PURPOSE: &str = "tollgate/v1/challenge-code";
const OUTBOX_PURPOSE: &[u8] = b"tollgate/v1/outbox";
/// How long an email confirmation link stays valid.
/// Codes a confirmation takes (right or wrong) before it is void and a new
/// one must be sent.
pub const CONFIRMATION_ATTEMPTS: u32 = 5;

pub const EMAIL_CONFIRMATION_TTL: TimeDelta = TimeDelta::hours(24);
/// How long an SMS confirmation code stays valid.
pub const PHONE_CONFIRMATION_TTL: TimeDelta = TimeDelta::minutes(15);

/// A contact as shown: masked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactView {
    pub kind: ContactKind,
    pub masked_address: String,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub confirmation_sent_at: Option<DateTime<Utc>>,
    pub last_delivery_error: String,
}

impl ContactView {
    fn of(record: &ContactRecord) -> Self {
        Self {
            kind: record.kind,
            masked_address: record.kind.mask(&record.address),
            confirmed_at: record.confirmed_at,
            confirmation_sent_at: record.confirmation_sent_at,
            last_delivery_error: record.last_delivery_error.clone(),
        }
    }
}

/// What a message says, before it is sealed.
struct Draft<'a> {
    kind: MessageKind,
    channel: Channel,
    recipient: &'a str,
    code: &'a SecretString,
    link: &'a str,
}

/// A message put in the outbox.
#[derive(Debug, Clone)]
pub struct Queued {
    pub message_id: String,
    pub masked_destination: String,
    pub sent_at: DateTime<Utc>,
}

/// What a bulk resend of confirmations did.
#[derive(Debug, Clone)]
pub struct Resent {
    pub queued: Vec<Queued>,
    /// Contacts among those users that were confirmed already.
    pub already_confirmed: u32,
    /// Contacts sent a confirmation within the cool-down, skipped.
    pub too_soon: u32,
    /// Contacts not sent one because a sending limit was reached.
    pub limited: u32,
}

/// A code sent for a challenge.
#[derive(Debug, Clone)]
pub struct CodeSent {
    pub queued: Queued,
    pub code_expires_at: DateTime<Utc>,
    pub resend_available_at: DateTime<Utc>,
}

/// The code and link a message carries, opened for delivery; for a
/// security notification, no code or link but what happened.
#[derive(Debug)]
pub struct Payload {
    pub code: SecretString,
    pub link: SecretString,
    pub notice: Option<crate::notification::NoticeDetails>,
}

/// A new outbox message id: 128 random bits in hex.
pub(crate) fn new_message_id() -> Result<String, DomainError> {
    let mut bytes = [0u8; 16];
    random::fill(&mut bytes)?;
    Ok(hex_lower(&bytes))
}

/// What an outbox message's payload is sealed to: the message id.
pub(crate) fn outbox_binding(id: &str) -> Vec<u8> {
    let mut binding = OUTBOX_PURPOSE.to_vec();
    binding.push(0);
    binding.extend_from_slice(id.as_bytes());
    binding
}

/// Opens the sealed code and link of an outbox message (or, for a
/// security notification, its details).
pub fn open_payload(keys: &Keyring, record: &OutboxRecord) -> Result<Payload, DomainError> {
    let bytes = keys.open(&record.sealed_payload, &outbox_binding(&record.id))?;
    if record.kind.is_notice() {
        return Ok(Payload {
            code: SecretString::new(String::new()),
            link: SecretString::new(String::new()),
            notice: Some(crate::notification::NoticeDetails::from_json(
                bytes.expose(),
            )?),
        });
    }
    let text = std::str::from_utf8(bytes.expose())
        .map_err(|_| DomainError::Internal("an outbox payload is malformed"))?;
    let (code, link) = text.split_once('\n').unwrap_or((text, ""));
    Ok(Payload {
        code: SecretString::new(code.to_owned()),
        link: SecretString::new(link.to_owned()),
        notice: None,
    })
}

/// A numeric code of `digits` digits from the OS random generator.
pub fn numeric_code(digits: u8) -> Result<SecretString, DomainError> {
    let mut code = String::with_capacity(usize::from(digits));
    for _ in 0..digits {
        code.push(char::from(b'0' + random::below(10)?));
    }
    Ok(SecretString::new(code))
}

fn channel_of(kind: ContactKind) -> Channel {
    match kind {
        ContactKind::Email => Channel::Email,
        ContactKind::Phone => Channel::Sms,
    }
}

/// The contact a method sends to.
fn contact_of(method: Method) -> Option<ContactKind> {
    match method {
        Method::Email => Some(ContactKind::Email),
        Method::Sms => Some(ContactKind::Phone),
        Method::Totp | Method::RecoveryCode | Method::WebAuthn => None,
    }
}

impl<S: Store, O: Offload> Service<S, O> {
    /// Seals the draft's code and link into a message for the outbox.
    fn message(
        &self,
        draft: Draft<'_>,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<NewMessage, DomainError> {
        let Draft {
            kind,
            channel,
            recipient,
            code,
            link,
        } = draft;
        let id = new_message_id()?;
        let payload = Zeroizing::new(format!("{}\n{}", code.expose(), link));
        let sealed_payload: Sealed = self
            .keys
            .current()
            .seal(payload.as_bytes(), &outbox_binding(&id))?;
        Ok(NewMessage {
            id,
            kind,
            channel,
            recipient: recipient.to_owned(),
            sealed_payload,
            created_at: now,
            expires_at,
        })
    }

    async fn contact(
        &self,
        user: &UserRef,
        kind: ContactKind,
    ) -> Result<Option<ContactRecord>, DomainError> {
        Ok(self
            .store
            .contacts(user)
            .await?
            .into_iter()
            .find(|c| c.kind == kind))
    }

    pub async fn register_contact(
        &self,
        user: &UserRef,
        kind: ContactKind,
        address: &str,
    ) -> Result<ContactView, DomainError> {
        let address = kind
            .normalize(address)
            .map_err(|v| DomainError::InvalidArgument(vec![v]))?;
        let policy = self.policy_for(user, "").await?;
        self.check_phone_region(kind, &address, &policy)?;
        let now = self.clock.now();
        self.store.put_contact(user, kind, &address, now).await?;
        let record = self
            .contact(user, kind)
            .await?
            .ok_or(DomainError::ContactNotFound)?;
        Ok(ContactView::of(&record))
    }

    pub async fn list_contacts(&self, user: &UserRef) -> Result<Vec<ContactView>, DomainError> {
        Ok(self
            .store
            .contacts(user)
            .await?
            .iter()
            .map(ContactView::of)
            .collect())
    }

    /// Queues a confirmation message (a link for email, a code for SMS),
    /// replacing any earlier one, at most once per the policy's resend
    /// cool-down for each contact (a changed address included: flipping
    /// between numbers must not make a way around it).
    pub async fn send_confirmation(
        &self,
        user: &UserRef,
        kind: ContactKind,
    ) -> Result<Queued, DomainError> {
        let contact = self
            .contact(user, kind)
            .await?
            .ok_or(DomainError::ContactNotFound)?;
        if contact.confirmed_at.is_some() {
            return Err(DomainError::ContactAlreadyConfirmed);
        }
        let now = self.clock.now();
        let policy = self.policy_for(user, "").await?;
        self.check_phone_region(kind, &contact.address, &policy)?;
        self.check_send_limits(user, &policy, now).await?;
        let (secret, link, ttl) = match kind {
            ContactKind::Email => {
                let token = SecretString::new(hex_lower(&{
                    let mut bytes = [0u8; 20];
                    random::fill(&mut bytes)?;
                    bytes
                }));
                let link = Zeroizing::new(self.confirmation_link(user, token.expose()));
                (token, link, EMAIL_CONFIRMATION_TTL)
            }
            ContactKind::Phone => (
                numeric_code(6)?,
                Zeroizing::default(),
                PHONE_CONFIRMATION_TTL,
            ),
        };
        let expires_at = now + ttl;
        let draft = Draft {
            kind: MessageKind::ContactConfirmation,
            channel: channel_of(kind),
            recipient: &contact.address,
            code: &secret,
            link: &link,
        };
        let message = self.message(draft, now, expires_at)?;
        let message_id = message.id.clone();
        let hash = self.secret_hash(user, CONFIRMATION_PURPOSE, secret.expose());
        let cooldown = policy.resend_cooldown;
        match self
            .store
            .start_confirmation(user, kind, &hash, expires_at, cooldown, message)
            .await?
        {
            ConfirmationSend::Sent => {}
            ConfirmationSend::TooSoon { available_at } => {
                return Err(DomainError::ResendTooSoon { available_at });
            }
            ConfirmationSend::NoUnconfirmedContact => {
                return Err(DomainError::ContactAlreadyConfirmed);
            }
        }
        Ok(Queued {
            message_id,
            masked_destination: kind.mask(&contact.address),
            sent_at: now,
        })
    }

    /// SMS pumping and email floods: at most the policy's messages per user
    /// and per tenant in any hour, counted in the outbox (concurrent sends
    /// may pass the limit by the number of sends in flight; each replica
    /// counts the same rows).
    async fn check_send_limits(
        &self,
        user: &UserRef,
        policy: &crate::policy::Policy,
        now: DateTime<Utc>,
    ) -> Result<(), DomainError> {
        let hour_ago = now - TimeDelta::hours(1);
        let limits = [
            ("user", Some(&user.user), policy.max_sends_per_user_hour),
            ("tenant", None, policy.max_sends_per_tenant_hour),
        ];
        for (scope, who, limit) in limits {
            let sent = self.store.sends_since(&user.tenant, who, hour_ago).await?;
            if sent >= u64::from(limit) {
                self.observe_send_refused(scope);
                return Err(DomainError::SendLimitReached {
                    scope,
                    available_at: now + TimeDelta::hours(1),
                });
            }
        }
        Ok(())
    }

    /// A phone number outside the tenant's allowed regions (when it names
    /// any) is refused.
    pub(crate) fn check_phone_region(
        &self,
        kind: ContactKind,
        address: &str,
        policy: &crate::policy::Policy,
    ) -> Result<(), DomainError> {
        if kind != ContactKind::Phone || policy.allowed_phone_regions.is_empty() {
            return Ok(());
        }
        let region = crate::contact::phone_region(address);
        if region.is_some_and(|r| policy.allowed_phone_regions.contains(&r)) {
            return Ok(());
        }
        self.observe_send_refused("region");
        Err(DomainError::PhoneRegionNotAllowed)
    }

    fn confirmation_link(&self, user: &UserRef, token: &str) -> String {
        match &self.confirm_link_base {
            Some(base) => {
                let separator = if base.contains('?') { '&' } else { '?' };
                format!(
                    "{base}{separator}tenant={}&user={}&token={token}",
                    percent_encode(user.tenant.as_str()),
                    percent_encode(user.user.as_str())
                )
            }
            None => String::new(),
        }
    }

    /// Confirmation messages for every unconfirmed contact among `user_ids`
    /// (or the whole tenant), except those sent one within the cool-down.
    pub async fn resend_confirmations(
        &self,
        tenant: &TenantId,
        user_ids: &[String],
        kind: Option<ContactKind>,
    ) -> Result<Resent, DomainError> {
        let (pending, already_confirmed) = self
            .store
            .unconfirmed_contacts(tenant, user_ids, kind)
            .await?;
        let mut resent = Resent {
            queued: Vec::with_capacity(pending.len()),
            already_confirmed,
            too_soon: 0,
            limited: 0,
        };
        let total = pending.len();
        for (done, (user_id, kind)) in pending.into_iter().enumerate() {
            let user = UserRef::parse(tenant.as_str(), &user_id)?;
            match self.send_confirmation(&user, kind).await {
                Ok(queued) => resent.queued.push(queued),
                Err(DomainError::ResendTooSoon { .. }) => resent.too_soon += 1,
                // The tenant's hour is used up: none of the rest goes.
                Err(DomainError::SendLimitReached {
                    scope: "tenant", ..
                }) => {
                    resent.limited += u32::try_from(total - done).unwrap_or(u32::MAX);
                    break;
                }
                Err(DomainError::SendLimitReached { .. }) => resent.limited += 1,
                // Confirmed since it was listed.
                Err(DomainError::ContactAlreadyConfirmed) => resent.already_confirmed += 1,
                Err(other) => return Err(other),
            }
        }
        Ok(resent)
    }

    pub async fn confirm_contact(
        &self,
        user: &UserRef,
        kind: ContactKind,
        token_or_code: &str,
    ) -> Result<ContactView, DomainError> {
        let given = token_or_code.trim();
        if given.is_empty() || given.len() > 128 {
            return Err(DomainError::invalid(
                "token_or_code",
                "must be the token or code from the confirmation message",
            ));
        }
        let contact = self
            .contact(user, kind)
            .await?
            .ok_or(DomainError::ContactNotFound)?;
        if contact.confirmed_at.is_some() {
            return Err(DomainError::ContactAlreadyConfirmed);
        }
        let now = self.clock.now();
        // Wrong codes count against this confirmation only, never against
        // the user's sign-in lockout: a confirmation link is often opened
        // signed out, and a stranger who knows a user id must not be able
        // to lock that user out. Each attempt is taken before the code is
        // looked at; after the last one a new confirmation must be sent.
        if !self
            .store
            .take_confirmation_attempt(user, kind, CONFIRMATION_ATTEMPTS, now)
            .await?
        {
            // Read again: parallel guesses may have taken the last attempts
            // since the read above.
            let taken = self
                .contact(user, kind)
                .await?
                .map_or(0, |c| c.confirmation_failures);
            return Err(if taken >= CONFIRMATION_ATTEMPTS {
                DomainError::ConfirmationVoided
            } else {
                // Nothing outstanding: it expired (or was never sent).
                DomainError::CodeExpired
            });
        }
        let mut confirmed = false;
        for hash in self.secret_hashes(user, CONFIRMATION_PURPOSE, given) {
            if self.store.confirm_contact(user, kind, &hash, now).await? {
                confirmed = true;
                break;
            }
        }
        if !confirmed {
            // Under parallel guesses this may say more are left than are:
            // the count itself is exact in the database.
            return Err(DomainError::CodeMismatch {
                attempts_left: Some(
                    CONFIRMATION_ATTEMPTS.saturating_sub(contact.confirmation_failures + 1),
                ),
            });
        }
        let mut event = self.audit_event(user, "contact.confirmed", None, &ClientInfo::default());
        event
            .details
            .push(("kind".to_owned(), kind.as_str().to_owned()));
        self.record_audit(event).await?;
        let record = self
            .contact(user, kind)
            .await?
            .ok_or(DomainError::ContactNotFound)?;
        Ok(ContactView::of(&record))
    }

    /// Turns on EMAIL or SMS; its contact must be confirmed. Returns the
    /// first recovery codes when this enables 2FA for the user.
    pub async fn enable_method(
        &self,
        user: &UserRef,
        method: Method,
        audience: &str,
        client: &ClientInfo,
    ) -> Result<Vec<SecretString>, DomainError> {
        crate::bounds::check_request(&[], audience, Some(client), None)?;
        let kind = contact_of(method).ok_or_else(|| {
            DomainError::invalid(
                "method",
                "must be METHOD_EMAIL or METHOD_SMS (TOTP is enabled by ConfirmTotp)",
            )
        })?;
        let policy = self.policy_for(user, audience).await?;
        if !policy.two_factor_enabled {
            return Err(DomainError::PolicyForbids);
        }
        if !policy.allowed_methods.contains(&method) {
            return Err(DomainError::MethodNotAllowed);
        }
        let contact = self.contact(user, kind).await?;
        if contact.is_none_or(|c| c.confirmed_at.is_none()) {
            return Err(DomainError::ContactUnconfirmed);
        }
        let now = self.clock.now();
        // Turning on a method that is on changes nothing: nothing to tell.
        let was_on = policy.security_notifications
            && self.store.methods(user).await?.enabled.contains(&method);
        let shown = self
            .enable_with_recovery(user, &policy, now, |recovery| {
                self.store
                    .enable_contact_method(user, method, now, recovery)
            })
            .await?;
        let event = self.audit_event(user, "method.enabled", Some(method), client);
        let notice = (policy.security_notifications && !was_on).then(|| {
            (
                crate::notification::enabled_kind(!shown.is_empty()),
                crate::notification::NoticeDetails::of(&event),
            )
        });
        self.record_noticed(user, event, notice).await?;
        Ok(shown)
    }

    /// The method offered first at sign-in; it must be enabled.
    pub async fn set_default_method(
        &self,
        user: &UserRef,
        method: Method,
    ) -> Result<(), DomainError> {
        if method == Method::RecoveryCode {
            return Err(DomainError::invalid(
                "method",
                "recovery codes cannot be the default method",
            ));
        }
        if !self.store.methods(user).await?.enabled.contains(&method) {
            return Err(DomainError::NotEnrolled);
        }
        self.store
            .set_default_method(user, method, self.clock.now())
            .await
    }

    /// Sends a fresh code for a challenge by EMAIL or SMS.
    pub async fn send_code(
        &self,
        user: &UserRef,
        challenge_id: &str,
        method: Method,
    ) -> Result<CodeSent, DomainError> {
        let kind = contact_of(method)
            .ok_or_else(|| DomainError::invalid("method", "must be METHOD_EMAIL or METHOD_SMS"))?;
        let now = self.clock.now();
        let (id_hash, challenge) = self
            .find_challenge(user, challenge_id, |id_hash| async move {
                self.store.challenge(user, &id_hash).await
            })
            .await?;
        if challenge.status != crate::ports::ChallengeStatus::Open {
            return Err(DomainError::ChallengeNotFound);
        }
        if challenge.expires_at <= now {
            return Err(DomainError::ChallengeExpired);
        }
        if !challenge.methods.contains(&method) {
            return Err(DomainError::MethodNotAllowed);
        }
        let contact = self
            .contact(user, kind)
            .await?
            .filter(|c| c.confirmed_at.is_some())
            .ok_or(DomainError::ContactUnconfirmed)?;
        let policy = self.policy_for(user, &challenge.audience).await?;
        self.check_phone_region(kind, &contact.address, &policy)?;
        self.check_send_limits(user, &policy, now).await?;
        let code = numeric_code(policy.code_length)?;
        // A code outliving its challenge would be useless.
        let code_expires_at = (now + policy.code_ttl).min(challenge.expires_at);
        let draft = Draft {
            kind: MessageKind::SignInCode,
            channel: channel_of(kind),
            recipient: &contact.address,
            code: &code,
            link: "",
        };
        let message = self.message(draft, now, code_expires_at)?;
        let message_id = message.id.clone();
        let code_hash = self.secret_hash(user, CODE_PURPOSE, code.expose());
        match self
            .store
            .send_challenge_code(
                user,
                &id_hash,
                method,
                &code_hash,
                policy.resend_cooldown,
                policy.max_code_sends,
                message,
            )
            .await?
        {
            CodeSend::Sent => {}
            CodeSend::TooSoon { available_at } => {
                return Err(DomainError::ResendTooSoon { available_at });
            }
            CodeSend::LimitReached => {
                return Err(DomainError::ResendTooSoon {
                    available_at: challenge.expires_at,
                });
            }
            CodeSend::ChallengeClosed => return Err(DomainError::ChallengeNotFound),
        }
        Ok(CodeSent {
            queued: Queued {
                message_id,
                masked_destination: kind.mask(&contact.address),
                sent_at: now,
            },
            code_expires_at,
            resend_available_at: now + policy.resend_cooldown,
        })
    }

    /// Messages for the application to send itself (the outbox transport),
    /// each leased for `lease` so that an unacknowledged one is offered
    /// again after it, even across restarts.
    pub async fn lease_outbox(
        &self,
        filter: &OutboxFilter,
        lease: TimeDelta,
        limit: u32,
    ) -> Result<Vec<(OutboxRecord, Payload)>, DomainError> {
        let now = self.clock.now();
        let records = self
            .store
            .lease_messages(filter, now, now + lease, limit)
            .await?;
        records
            .into_iter()
            .map(|record| {
                let payload = open_payload(&self.keys, &record)?;
                Ok((record, payload))
            })
            .collect()
    }

    /// Marks a message sent. Unknown or already acknowledged ids are
    /// reported, so an application notices a mix-up.
    /// Marks a message delivered: `tenant`'s only, when given (a caller's
    /// acknowledgement), any (the server's own delivery) otherwise.
    pub async fn ack_message(
        &self,
        tenant: Option<&TenantId>,
        id: &str,
    ) -> Result<(), DomainError> {
        if id.is_empty() || id.len() > 64 {
            return Err(DomainError::invalid(
                "message_id",
                "must be a message id from StreamOutbox",
            ));
        }
        if self.store.ack_message(tenant, id, self.clock.now()).await? {
            Ok(())
        } else {
            Err(DomainError::MessageNotFound)
        }
    }

    /// Records a failed delivery attempt, to retry at `retry_at` (never
    /// with `None`).
    pub async fn message_failed(
        &self,
        id: &str,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
    ) -> Result<(), DomainError> {
        self.store.message_failed(id, error, retry_at).await
    }

    /// The hash of an email/SMS code, under whichever configured key
    /// matches `sent` (the hash stored when the code was sent), compared in
    /// constant time; `None` when the code is not the one sent.
    pub(crate) fn sent_code_hash(
        &self,
        user: &UserRef,
        code: &SecretString,
        sent: &str,
    ) -> Option<String> {
        self.secret_hashes(user, CODE_PURPOSE, code.expose())
            .find(|hash| bool::from(hash.as_bytes().ct_eq(sent.as_bytes())))
    }
}

/// The keyed hash of `secret` for `purpose`, bound to `user`.
/// Percent-encodes a query value (RFC 3986 unreserved characters pass).
fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_codes_have_the_length_asked() {
        for digits in [4u8, 6, 8] {
            let code = numeric_code(digits).unwrap();
            assert_eq!(code.expose().len(), usize::from(digits));
            assert!(code.expose().bytes().all(|b| b.is_ascii_digit()));
        }
    }

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(percent_encode("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
    }
}
