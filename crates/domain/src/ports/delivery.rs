//! What the use cases and the store exchange about messages: the outbox
//! (channels, message kinds and records), contacts, and how a send ended.
use std::future::Future;

use chrono::{DateTime, Utc};

use crate::error::DomainError;
use crate::ids::{TenantId, UserRef};
use crate::policy::Method;
use crate::secret::Sealed;

/// Which channel a message goes out on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Email,
    Sms,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Sms => "sms",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "email" => Some(Self::Email),
            "sms" => Some(Self::Sms),
            _ => None,
        }
    }
}

/// What a message is for: a code or confirmation, or a security
/// notification (see [`crate::notification`]), which carries no code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    SignInCode,
    ContactConfirmation,
    /// The user's first method was turned on.
    TwoFactorEnabled,
    /// The user's last method was turned off (or an administrator reset it).
    TwoFactorDisabled,
    MethodAdded,
    MethodRemoved,
    RecoveryCodesRegenerated,
    RecoveryCodeUsed,
    /// A recovery code was used and two or fewer are left.
    RecoveryCodesLow,
    TrustedDeviceAdded,
    LockedOut,
}

impl MessageKind {
    /// Every kind, codes first.
    pub const ALL: [Self; 11] = [
        Self::SignInCode,
        Self::ContactConfirmation,
        Self::TwoFactorEnabled,
        Self::TwoFactorDisabled,
        Self::MethodAdded,
        Self::MethodRemoved,
        Self::RecoveryCodesRegenerated,
        Self::RecoveryCodeUsed,
        Self::RecoveryCodesLow,
        Self::TrustedDeviceAdded,
        Self::LockedOut,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::SignInCode => "sign_in_code",
            Self::ContactConfirmation => "contact_confirmation",
            Self::TwoFactorEnabled => "two_factor_enabled",
            Self::TwoFactorDisabled => "two_factor_disabled",
            Self::MethodAdded => "method_added",
            Self::MethodRemoved => "method_removed",
            Self::RecoveryCodesRegenerated => "recovery_codes_regenerated",
            Self::RecoveryCodeUsed => "recovery_code_used",
            Self::RecoveryCodesLow => "recovery_codes_low",
            Self::TrustedDeviceAdded => "trusted_device_added",
            Self::LockedOut => "locked_out",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// Whether this is a security notification (no code, no link).
    pub fn is_notice(self) -> bool {
        !matches!(self, Self::SignInCode | Self::ContactConfirmation)
    }

    /// The kinds that carry a code or link: what the sending limits count.
    pub const CODES: [Self; 2] = [Self::SignInCode, Self::ContactConfirmation];
}

/// A message to put in the outbox. Its code and link are sealed.
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub id: String,
    pub kind: MessageKind,
    pub channel: Channel,
    pub recipient: String,
    pub sealed_payload: Sealed,
    pub created_at: DateTime<Utc>,
    /// After this the code is useless: the message is not delivered.
    pub expires_at: DateTime<Utc>,
}

/// A message waiting in the outbox.
#[derive(Debug, Clone)]
pub struct OutboxRecord {
    pub id: String,
    pub tenant: String,
    pub user_id: String,
    pub kind: MessageKind,
    pub channel: Channel,
    pub recipient: String,
    pub sealed_payload: Sealed,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub attempts: u32,
}

/// Which outbox messages a lease may take.
#[derive(Debug, Clone, Default)]
pub struct OutboxFilter {
    /// Only this tenant's.
    pub tenant: Option<TenantId>,
    /// Only these channels (empty: any).
    pub channels: Vec<Channel>,
    /// Only this message.
    pub id: Option<String>,
}

/// A user's contact as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactRecord {
    pub kind: crate::contact::ContactKind,
    pub address: String,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub confirmation_sent_at: Option<DateTime<Utc>>,
    pub last_delivery_error: String,
    /// Attempts taken at the outstanding confirmation.
    pub confirmation_failures: u32,
}

/// How starting a contact's confirmation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfirmationSend {
    Sent,
    /// A confirmation was sent within the cool-down.
    TooSoon {
        available_at: DateTime<Utc>,
    },
    /// There is no unconfirmed contact of that kind.
    NoUnconfirmedContact,
}

/// How storing a challenge's code ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeSend {
    Sent,
    /// The cool-down has not passed.
    TooSoon {
        available_at: DateTime<Utc>,
    },
    /// The challenge has had its share of codes.
    LimitReached,
    /// The challenge is not open any more.
    ChallengeClosed,
}

/// Storage of contacts, their confirmation, codes sent by message, and the outbox.
pub trait DeliveryStore: Send + Sync + 'static {
    fn contacts(
        &self,
        user: &UserRef,
    ) -> impl Future<Output = Result<Vec<ContactRecord>, DomainError>> + Send;

    /// Sets the user's contact of this kind (and the user's row if the
    /// tenant has none, in the same transaction). A new or changed address
    /// is unconfirmed, and the method it carried is turned off.
    fn put_contact(
        &self,
        user: &UserRef,
        kind: crate::contact::ContactKind,
        address: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<(), DomainError>> + Send;

    /// Stores the keyed hash of a new confirmation token or code (replacing
    /// any earlier one) and queues its message, in one transaction, if no
    /// confirmation was sent to the contact within `cooldown` before the
    /// message's creation (checked in the same conditional write, so two
    /// replicas cannot both send).
    fn start_confirmation(
        &self,
        user: &UserRef,
        kind: crate::contact::ContactKind,
        secret_hash: &str,
        expires_at: DateTime<Utc>,
        cooldown: chrono::TimeDelta,
        message: NewMessage,
    ) -> impl Future<Output = Result<ConfirmationSend, DomainError>> + Send;

    /// Confirms the contact if `secret_hash` is its outstanding, unexpired
    /// confirmation, once. False otherwise.
    fn confirm_contact(
        &self,
        user: &UserRef,
        kind: crate::contact::ContactKind,
        secret_hash: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, DomainError>> + Send;

    /// Takes one attempt at the contact's outstanding, unexpired
    /// confirmation if fewer than `limit` were taken since it was sent, in
    /// one conditional statement; false when none is left (or none is
    /// outstanding).
    fn take_confirmation_attempt(
        &self,
        user: &UserRef,
        kind: crate::contact::ContactKind,
        limit: u32,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, DomainError>> + Send;

    /// Users of the tenant (all, or those listed) with an unconfirmed
    /// contact of `kind` (or of any kind), and how many listed contacts were
    /// confirmed already.
    fn unconfirmed_contacts(
        &self,
        tenant: &TenantId,
        user_ids: &[String],
        kind: Option<crate::contact::ContactKind>,
    ) -> impl Future<Output = Result<(Vec<(String, crate::contact::ContactKind)>, u32), DomainError>>
    + Send;

    /// Stores a fresh code for the open challenge (invalidating the last)
    /// if the cool-down has passed and fewer than `max_sends` were sent,
    /// and queues its message, in one transaction.
    #[allow(clippy::too_many_arguments)]
    fn send_challenge_code(
        &self,
        user: &UserRef,
        id_hash: &str,
        method: Method,
        code_hash: &str,
        cooldown: chrono::TimeDelta,
        max_sends: u32,
        message: NewMessage,
    ) -> impl Future<Output = Result<CodeSend, DomainError>> + Send;

    /// Undelivered, unexpired messages not leased by someone else, leased to
    /// the caller until `lease_until` (one conditional update each).
    fn lease_messages(
        &self,
        filter: &OutboxFilter,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<OutboxRecord>, DomainError>> + Send;

    /// Marks a message delivered; false if it was already (or is unknown).
    /// Marks the message delivered; with `tenant`, only if it is that
    /// tenant's.
    fn ack_message(
        &self,
        tenant: Option<&TenantId>,
        id: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, DomainError>> + Send;

    /// Records a failed attempt; the message is tried again after
    /// `retry_at`, or never if `None` (permanent failure).
    fn message_failed(
        &self,
        id: &str,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
    ) -> impl Future<Output = Result<(), DomainError>> + Send;

    /// Messages with codes (sign-in codes and confirmations, not security
    /// notifications) created for the tenant, or for one of its users,
    /// after `since`: what the sending limits count.
    fn sends_since(
        &self,
        tenant: &TenantId,
        user: Option<&crate::ids::UserId>,
        since: DateTime<Utc>,
    ) -> impl Future<Output = Result<u64, DomainError>> + Send;
}
