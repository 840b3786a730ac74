//! Contacts: email addresses and phone numbers, validated and normalised
//! when registered, and masked whenever they are shown.
//!
//! Phone numbers are parsed by the `phonenumber` crate (Google's
//! libphonenumber metadata) and stored in E.164; a number without a `+`
//! country code is refused rather than guessed.
use crate::error::FieldViolation;

/// What kind of address a contact is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ContactKind {
    Email,
    Phone,
}

impl ContactKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Phone => "phone",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "email" => Some(Self::Email),
            "phone" => Some(Self::Phone),
            _ => None,
        }
    }

    /// The address in its stored form, or why it is not one.
    pub fn normalize(self, raw: &str) -> Result<String, FieldViolation> {
        match self {
            Self::Email => normalize_email(raw),
            Self::Phone => normalize_phone(raw),
        }
    }

    /// The address as it may be shown: `j***@example.com`, `+44 ****** 123`.
    pub fn mask(self, address: &str) -> String {
        match self {
            Self::Email => mask_email(address),
            Self::Phone => mask_phone(address),
        }
    }
}

const MAX_EMAIL_LEN: usize = 254;

fn email_violation() -> FieldViolation {
    FieldViolation::new(
        "address",
        "must be an email address such as name@example.com",
    )
}

/// Trims, lower-cases the domain, and checks the shape: one `@`, a local
/// part of printable characters without spaces or quotes, a domain of at
/// least two dot-separated labels of letters, digits and hyphens.
pub fn normalize_email(raw: &str) -> Result<String, FieldViolation> {
    let raw = raw.trim();
    let (local, domain) = raw.rsplit_once('@').ok_or_else(email_violation)?;
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
    let domain = domain.to_ascii_lowercase();
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.chars().all(|c| c.is_ascii_alphabetic()) && tld.len() >= 2);
    let address = format!("{local}@{domain}");
    if !local_ok || !domain_ok || address.len() > MAX_EMAIL_LEN {
        return Err(email_violation());
    }
    Ok(address)
}

/// Parses an international number (`+` and country code, spaces, dashes and
/// brackets allowed) and returns it in E.164 if it is a valid number.
pub fn normalize_phone(raw: &str) -> Result<String, FieldViolation> {
    let violation = || {
        FieldViolation::new(
            "address",
            "must be a valid phone number with its country code, such as +44 20 7946 0123",
        )
    };
    let raw = raw.trim();
    // Digits and the usual separators only: no extensions, no letters.
    let plain = raw
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().".contains(c));
    if !raw.starts_with('+') || raw.len() > 32 || !plain {
        return Err(violation());
    }
    let number = phonenumber::parse(None, raw).map_err(|_| violation())?;
    if !phonenumber::is_valid(&number) {
        return Err(violation());
    }
    Ok(number.format().mode(phonenumber::Mode::E164).to_string())
}

fn mask_email(address: &str) -> String {
    match address.rsplit_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".to_owned(),
    }
}

fn mask_phone(address: &str) -> String {
    let Ok(number) = phonenumber::parse(None, address) else {
        return "***".to_owned();
    };
    let national = number.national().to_string();
    let visible = national.len().min(3);
    let hidden = national.len() - visible;
    format!(
        "+{} {} {}",
        number.code().value(),
        "*".repeat(hidden),
        &national[hidden..]
    )
}

/// The region (ISO 3166 alpha-2, e.g. "GB") a stored E.164 number belongs
/// to; `None` when the metadata names none (non-geographic numbers).
pub fn phone_region(address: &str) -> Option<String> {
    let number = phonenumber::parse(None, address).ok()?;
    number.country().id().map(|id| id.as_ref().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            normalize_email("  Jo.Doe+2fa@Example.COM ").unwrap(),
            "Jo.Doe+2fa@example.com"
        );
        for bad in [
            "",
            "no-at",
            "a@b",
            "a@-b.com",
            "a b@c.com",
            "a@b..com",
            ".a@b.com",
            "a@b.c0m",
            "\"q\"@b.com",
        ] {
            assert!(normalize_email(bad).is_err(), "{bad:?}");
        }
        assert!(normalize_email(&format!("{}@example.com", "a".repeat(65))).is_err());
    }

    #[test]
    fn phones_become_e164() {
        assert_eq!(
            normalize_phone("+44 20 7946 0123").unwrap(),
            "+442079460123"
        );
        assert_eq!(
            normalize_phone("+1 (415) 555-2671").unwrap(),
            "+14155552671"
        );
        for bad in [
            "",
            "020 7946 0123",
            "+44 12",
            "+999 1234567",
            "+44 20 7946 0123 ext",
        ] {
            assert!(normalize_phone(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn masks_show_little() {
        assert_eq!(
            ContactKind::Email.mask("john@example.com"),
            "j***@example.com"
        );
        assert_eq!(ContactKind::Phone.mask("+442079460123"), "+44 ******* 123");
    }

    proptest! {
        #[test]
        fn parsers_never_panic_and_are_idempotent(input in "\\PC{0,40}") {
            if let Ok(email) = normalize_email(&input) {
                prop_assert_eq!(normalize_email(&email).unwrap(), email);
            }
            if let Ok(phone) = normalize_phone(&input) {
                prop_assert_eq!(normalize_phone(&phone).unwrap(), phone.clone());
                prop_assert!(phone.starts_with('+'));
            }
        }
    }
}
