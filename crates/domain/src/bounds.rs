//! Bounds on the free-text fields requests carry (roles, audience, client
//! details, tokens), checked where each use case begins: a field too long
//! is refused by name, never silently truncated, and no request can make a
//! stored row or a log line large.
use crate::error::{DomainError, FieldViolation};
use crate::ports::ClientInfo;

pub const MAX_ROLES: usize = 64;
pub const MAX_ROLE_BYTES: usize = 128;
pub const MAX_AUDIENCE_BYTES: usize = 64;
/// An IPv6 address with a zone fits comfortably.
pub const MAX_CLIENT_IP_BYTES: usize = 64;
pub const MAX_USER_AGENT_BYTES: usize = 512;
/// Tokens tollgate hands out are 64 hex digits.
pub const MAX_TOKEN_BYTES: usize = 128;

/// An audience: empty (the tenant's policy) or 1 to 64 of `a-z`, `0-9`,
/// `_` and `-` — the same rule as the names a policy gives its audiences.
pub fn audience_violation(field: &str, audience: &str) -> Option<FieldViolation> {
    let valid = audience.len() <= MAX_AUDIENCE_BYTES
        && audience
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
    (!valid).then(|| {
        FieldViolation::new(
            field,
            format!("must be at most {MAX_AUDIENCE_BYTES} of a-z, 0-9, '_' and '-'"),
        )
    })
}

/// Checks what sign-in and evaluation requests carry; every bad field is
/// named.
pub fn check_request(
    roles: &[String],
    audience: &str,
    client: Option<&ClientInfo>,
    token: Option<(&str, &str)>,
) -> Result<(), DomainError> {
    let mut violations = Vec::new();
    if roles.len() > MAX_ROLES
        || roles
            .iter()
            .any(|r| r.len() > MAX_ROLE_BYTES || r.chars().any(char::is_control))
    {
        violations.push(FieldViolation::new(
            "roles",
            format!(
                "at most {MAX_ROLES} roles of at most {MAX_ROLE_BYTES} bytes, without control characters"
            ),
        ));
    }
    violations.extend(audience_violation("audience", audience));
    if let Some(client) = client {
        if client.ip.len() > MAX_CLIENT_IP_BYTES || client.ip.chars().any(char::is_control) {
            violations.push(FieldViolation::new(
                "client_ip",
                format!("must be at most {MAX_CLIENT_IP_BYTES} bytes, without control characters"),
            ));
        }
        if client.user_agent.len() > MAX_USER_AGENT_BYTES
            || client.user_agent.chars().any(char::is_control)
        {
            violations.push(FieldViolation::new(
                "user_agent",
                format!("must be at most {MAX_USER_AGENT_BYTES} bytes, without control characters"),
            ));
        }
    }
    if let Some((field, token)) = token
        && token.len() > MAX_TOKEN_BYTES
    {
        violations.push(FieldViolation::new(
            field,
            format!("must be at most {MAX_TOKEN_BYTES} bytes"),
        ));
    }
    if violations.is_empty() {
        Ok(())
    } else {
        Err(DomainError::InvalidArgument(violations))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(result: Result<(), DomainError>) -> Vec<String> {
        match result {
            Err(DomainError::InvalidArgument(v)) => v.into_iter().map(|v| v.field).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn each_field_is_bounded_and_named() {
        assert!(check_request(&["admin".into()], "staff", None, None).is_ok());
        assert!(check_request(&[], "", Some(&ClientInfo::default()), Some(("t", ""))).is_ok());
        let client = ClientInfo {
            ip: "1".repeat(65),
            user_agent: "a\nb".into(),
        };
        let roles = vec!["r".repeat(129)];
        assert_eq!(
            fields(check_request(
                &roles,
                "Staff",
                Some(&client),
                Some(("trusted_device_token", &"f".repeat(129)))
            )),
            [
                "roles",
                "audience",
                "client_ip",
                "user_agent",
                "trusted_device_token"
            ]
        );
        assert_eq!(
            fields(check_request(
                &vec![String::new(); 65],
                &"a".repeat(65),
                None,
                None
            )),
            ["roles", "audience"]
        );
    }
}
