//! Tenant and user identifiers, validated once at the edge.
use std::fmt;

use crate::error::{DomainError, FieldViolation};

/// The longest user id accepted, in bytes.
pub const MAX_USER_ID_BYTES: usize = 256;
/// The longest tenant id accepted, in bytes.
pub const MAX_TENANT_ID_BYTES: usize = 64;
/// The tenant used when a request leaves `tenant_id` empty.
pub const DEFAULT_TENANT: &str = "default";

/// A tenant: `[A-Za-z0-9._-]{1,64}`; empty input means "default".
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TenantId(String);

impl TenantId {
    pub fn parse(raw: &str) -> Result<Self, FieldViolation> {
        if raw.is_empty() {
            return Ok(Self(DEFAULT_TENANT.to_owned()));
        }
        if raw.len() > MAX_TENANT_ID_BYTES {
            return Err(FieldViolation::new(
                "tenant_id",
                format!("must be at most {MAX_TENANT_ID_BYTES} bytes"),
            ));
        }
        if !raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        {
            return Err(FieldViolation::new(
                "tenant_id",
                "may contain only letters, digits, '.', '_' and '-'",
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TenantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The application's own opaque user id: 1 to 256 bytes, no control
/// characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UserId(String);

impl UserId {
    pub fn parse(raw: &str) -> Result<Self, FieldViolation> {
        if raw.is_empty() {
            return Err(FieldViolation::new("user_id", "must not be empty"));
        }
        if raw.len() > MAX_USER_ID_BYTES {
            return Err(FieldViolation::new(
                "user_id",
                format!("must be at most {MAX_USER_ID_BYTES} bytes"),
            ));
        }
        if raw.chars().any(char::is_control) {
            return Err(FieldViolation::new(
                "user_id",
                "must not contain control characters",
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One user of one tenant.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UserRef {
    pub tenant: TenantId,
    pub user: UserId,
}

impl UserRef {
    /// Validates both ids, reporting every bad field at once.
    pub fn parse(tenant_id: &str, user_id: &str) -> Result<Self, DomainError> {
        let tenant = TenantId::parse(tenant_id);
        let user = UserId::parse(user_id);
        match (tenant, user) {
            (Ok(tenant), Ok(user)) => Ok(Self { tenant, user }),
            (tenant, user) => Err(DomainError::InvalidArgument(
                [tenant.err(), user.err()].into_iter().flatten().collect(),
            )),
        }
    }

    /// Bytes that bind a sealed secret or a keyed hash to this user: a
    /// secret copied to another user's row then fails to open.
    pub fn binding(&self, purpose: &str) -> Vec<u8> {
        let mut out =
            Vec::with_capacity(purpose.len() + self.tenant.0.len() + self.user.0.len() + 2);
        out.extend_from_slice(purpose.as_bytes());
        out.push(0);
        out.extend_from_slice(self.tenant.0.as_bytes());
        out.push(0);
        out.extend_from_slice(self.user.0.as_bytes());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_tenant_is_default() {
        assert_eq!(TenantId::parse("").unwrap().as_str(), "default");
    }

    #[test]
    fn bad_ids_are_reported_together() {
        let err = UserRef::parse("no spaces", "").unwrap_err();
        let DomainError::InvalidArgument(violations) = err else {
            panic!("expected InvalidArgument");
        };
        let fields: Vec<_> = violations.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(fields, ["tenant_id", "user_id"]);
    }

    #[test]
    fn over_long_user_id_is_refused() {
        assert!(UserId::parse(&"x".repeat(257)).is_err());
        assert!(UserId::parse(&"x".repeat(256)).is_ok());
    }

    #[test]
    fn binding_separates_fields() {
        let a = UserRef::parse("ab", "c").unwrap().binding("p");
        let b = UserRef::parse("a", "bc").unwrap().binding("p");
        assert_ne!(a, b);
    }
}
