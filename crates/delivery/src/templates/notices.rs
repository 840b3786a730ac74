//! The default texts of security notifications (one template set per kind,
//! email only) and the values of their placeholders: `{event}` (what
//! happened, in a sentence), `{time}`, `{ip}`, `{user_agent}`, `{method}`,
//! `{remaining}` (recovery codes left) and `{locked_until}`. A notice never
//! has a code or link to show.
use std::borrow::Cow;

use chrono::{DateTime, Utc};
use tollgate_domain::notification::NoticeDetails;
use tollgate_domain::policy::Method;

use super::MessageKind;

/// A security notification's facts, for its template.
#[derive(Debug, Clone)]
pub struct Notice {
    /// When the event happened.
    pub occurred_at: DateTime<Utc>,
    pub details: NoticeDetails,
}

/// The notification kinds, in the order of their template sets.
pub(super) const KINDS: [MessageKind; 9] = [
    MessageKind::TwoFactorEnabled,
    MessageKind::TwoFactorDisabled,
    MessageKind::MethodAdded,
    MessageKind::MethodRemoved,
    MessageKind::RecoveryCodesRegenerated,
    MessageKind::RecoveryCodeUsed,
    MessageKind::RecoveryCodesLow,
    MessageKind::TrustedDeviceAdded,
    MessageKind::LockedOut,
];

/// What stands for a client detail the application did not report.
const UNKNOWN: &str = "unknown";

const FOOTER: &str = "If this was you, there is nothing to do. If it was not, change your \
     password now and tell your administrator.";

/// The default subject of `kind`'s notice.
pub(super) fn subject(kind: MessageKind) -> &'static str {
    match kind {
        MessageKind::TwoFactorEnabled => {
            "Two-factor authentication is on for your {product} account"
        }
        MessageKind::TwoFactorDisabled => {
            "Two-factor authentication was turned off for your {product} account"
        }
        MessageKind::MethodAdded => "A second factor was added to your {product} account",
        MessageKind::MethodRemoved => "A second factor was removed from your {product} account",
        MessageKind::RecoveryCodesRegenerated => "New recovery codes for your {product} account",
        MessageKind::RecoveryCodeUsed => "A recovery code was used for your {product} account",
        MessageKind::RecoveryCodesLow => "Only {remaining} recovery codes left for {product}",
        MessageKind::TrustedDeviceAdded => "A new trusted device for your {product} account",
        _ => "Your {product} account is locked for now",
    }
}

/// The default plain text of every notice.
pub(super) fn text() -> String {
    format!(
        "{{event}}\n\n    When: {{time}}\n    IP address: {{ip}}\n    Browser or app: \
         {{user_agent}}\n\n{FOOTER}\n"
    )
}

/// The default HTML body of every notice.
pub(super) fn html() -> String {
    super::html_page(&format!(
        "<p>{{event}}</p>\n<ul>\n<li>When: {{time}}</li>\n<li>IP address: {{ip}}</li>\n\
         <li>Browser or app: {{user_agent}}</li>\n</ul>\n<p>{FOOTER}</p>"
    ))
}

/// A method in words, as in "a second factor was added: {method}".
fn method_words(method: Option<Method>) -> &'static str {
    match method {
        Some(Method::Totp) => "authenticator app",
        Some(Method::Email) => "codes by email",
        Some(Method::Sms) => "codes by text message (SMS)",
        Some(Method::RecoveryCode) => "recovery code",
        Some(Method::WebAuthn) => "passkey or security key",
        None => "second factor",
    }
}

fn instant(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// What happened, in a sentence (the `{event}` placeholder).
fn event(kind: MessageKind, product: &str, notice: &Notice) -> String {
    let d = &notice.details;
    let method = method_words(d.method);
    let remaining = d.recovery_codes_remaining.unwrap_or(0);
    match kind {
        MessageKind::TwoFactorEnabled => format!(
            "Two-factor authentication was turned on for your {product} account ({method})."
        ),
        MessageKind::TwoFactorDisabled if d.by_administrator => format!(
            "An administrator turned off two-factor authentication for your {product} account: \
             your second factors and recovery codes were removed."
        ),
        MessageKind::TwoFactorDisabled => {
            format!("Two-factor authentication was turned off for your {product} account.")
        }
        MessageKind::MethodAdded => {
            format!("A second factor was added to your {product} account: {method}.")
        }
        MessageKind::MethodRemoved => {
            format!("A second factor was removed from your {product} account: {method}.")
        }
        MessageKind::RecoveryCodesRegenerated => format!(
            "New recovery codes were generated for your {product} account; the old ones no \
             longer work."
        ),
        MessageKind::RecoveryCodeUsed => format!(
            "A recovery code was used to sign in to your {product} account. {remaining} \
             recovery codes are left."
        ),
        MessageKind::RecoveryCodesLow => format!(
            "A recovery code was used to sign in to your {product} account, and only \
             {remaining} are left. Generate new ones soon, or you may be locked out."
        ),
        MessageKind::TrustedDeviceAdded => format!(
            "A browser or device was trusted to sign in to your {product} account without a \
             second factor."
        ),
        _ => format!(
            "Too many wrong codes were entered for your {product} account, so it is locked \
             until {}.",
            d.locked_until.map_or_else(|| UNKNOWN.to_owned(), instant)
        ),
    }
}

/// The value of placeholder `name` in `kind`'s notice; `None` for a name
/// that is not a notice's.
pub(super) fn value<'a>(
    name: &str,
    kind: MessageKind,
    product: &str,
    notice: &'a Notice,
) -> Option<Cow<'a, str>> {
    let d = &notice.details;
    let or_unknown = |text: &'a str| Cow::Borrowed(if text.is_empty() { UNKNOWN } else { text });
    Some(match name {
        "event" => Cow::Owned(event(kind, product, notice)),
        "time" => Cow::Owned(instant(notice.occurred_at)),
        "ip" => or_unknown(&d.client_ip),
        "user_agent" => or_unknown(&d.user_agent),
        "method" => Cow::Borrowed(method_words(d.method)),
        "remaining" => Cow::Owned(d.recovery_codes_remaining.unwrap_or(0).to_string()),
        "locked_until" => Cow::Owned(d.locked_until.map_or_else(|| UNKNOWN.to_owned(), instant)),
        _ => return None,
    })
}
