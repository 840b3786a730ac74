//! What the use cases and the store exchange about messages: the outbox
//! (channels, message kinds and records), contacts, and how a send ended.
use chrono::{DateTime, Utc};

use crate::ids::TenantId;
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

/// What a message is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    SignInCode,
    ContactConfirmation,
}

impl MessageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SignInCode => "sign_in_code",
            Self::ContactConfirmation => "contact_confirmation",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "sign_in_code" => Some(Self::SignInCode),
            "contact_confirmation" => Some(Self::ContactConfirmation),
            _ => None,
        }
    }
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
