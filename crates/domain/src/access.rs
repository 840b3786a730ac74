//! Who may call: the permissions the RPCs need, what a caller holds (its
//! [`Grant`]), and API keys, the credential of callers that have neither a
//! Unix-socket peer nor a client certificate. A key is shown once when made
//! and stored only as a keyed hash; the store comes through [`ApiKeyStore`].
use std::future::Future;

use chrono::{DateTime, Utc};
use subtle::ConstantTimeEq;

use crate::DomainError;
use crate::ids::TenantId;
use crate::random;
use crate::secret::{Keyring, SecretString, from_hex, hex_lower};

/// What a caller may do; each RPC needs one (health and reflection none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Permission {
    /// Sign-in and self-service on behalf of one user: challenges,
    /// enrolment, recovery codes, contacts, reading the policy.
    SignIn,
    /// Reading and acknowledging the outbox, which carries codes.
    Outbox,
    /// Acting on users other than the one signing in, and on the policy.
    Admin,
}

impl Permission {
    pub const ALL: [Self; 3] = [Self::SignIn, Self::Outbox, Self::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::SignIn => "sign_in",
            Self::Outbox => "outbox",
            Self::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == text)
    }
}

/// The tenants a caller may act for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tenants {
    /// `*`: every tenant, and requests that span tenants.
    All,
    Only(Vec<TenantId>),
}

impl Tenants {
    /// Parses a list such as `["*"]` or `["acme", "default"]`.
    pub fn parse<S: AsRef<str>>(list: &[S]) -> Result<Self, String> {
        if list.is_empty() {
            return Err("must name at least one tenant (or \"*\" for all)".to_owned());
        }
        if list.iter().any(|t| t.as_ref() == "*") {
            return Ok(Self::All);
        }
        let mut tenants = Vec::with_capacity(list.len());
        for tenant in list {
            let tenant = tenant.as_ref();
            if tenant.is_empty() {
                return Err(
                    "a tenant id must not be empty (the default tenant is \"default\")".to_owned(),
                );
            }
            tenants.push(
                TenantId::parse(tenant).map_err(|v| format!("{tenant:?} {}", v.description))?,
            );
        }
        Ok(Self::Only(tenants))
    }

    pub fn covers(&self, tenant: &TenantId) -> bool {
        match self {
            Self::All => true,
            Self::Only(tenants) => tenants.contains(tenant),
        }
    }

    /// As written in configuration: `*` or the ids.
    pub fn to_strings(&self) -> Vec<String> {
        match self {
            Self::All => vec!["*".to_owned()],
            Self::Only(tenants) => tenants.iter().map(|t| t.as_str().to_owned()).collect(),
        }
    }
}

/// What one caller holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub permissions: Vec<Permission>,
    pub tenants: Tenants,
}

impl Grant {
    /// Every permission for every tenant: the socket's owner by default.
    pub fn everything() -> Self {
        Self {
            permissions: Permission::ALL.to_vec(),
            tenants: Tenants::All,
        }
    }

    /// Parses permission names; refuses unknown ones and an empty list.
    pub fn parse<P: AsRef<str>, T: AsRef<str>>(
        permissions: &[P],
        tenants: &[T],
    ) -> Result<Self, String> {
        if permissions.is_empty() {
            return Err("must name at least one permission (sign_in, outbox, admin)".to_owned());
        }
        let mut parsed = Vec::with_capacity(permissions.len());
        for name in permissions {
            let name = name.as_ref();
            let permission = Permission::parse(name).ok_or_else(|| {
                format!("unknown permission {name:?} (known: sign_in, outbox, admin)")
            })?;
            if !parsed.contains(&permission) {
                parsed.push(permission);
            }
        }
        parsed.sort();
        Ok(Self {
            permissions: parsed,
            tenants: Tenants::parse(tenants)?,
        })
    }

    pub fn allows(&self, permission: Permission) -> bool {
        self.permissions.contains(&permission)
    }

    /// `Ok` when the grant holds `permission` for `tenant`; the error names
    /// both (and nothing about other tenants).
    pub fn check(&self, permission: Permission, tenant: &TenantId) -> Result<(), DomainError> {
        if self.allows(permission) && self.tenants.covers(tenant) {
            Ok(())
        } else {
            Err(DomainError::CallerNotAllowed {
                permission: permission.as_str(),
                tenant: tenant.as_str().to_owned(),
            })
        }
    }

    /// `Ok` when the grant holds `permission` for every tenant at once.
    pub fn check_all_tenants(&self, permission: Permission) -> Result<(), DomainError> {
        if self.allows(permission) && self.tenants == Tenants::All {
            Ok(())
        } else {
            Err(DomainError::CallerNotAllowed {
                permission: permission.as_str(),
                tenant: "*".to_owned(),
            })
        }
    }

    /// Permission names, comma-separated (as stored).
    pub fn permission_names(&self) -> Vec<&'static str> {
        self.permissions.iter().map(|p| p.as_str()).collect()
    }
}

/// The longest API key name accepted, in bytes.
pub const MAX_KEY_NAME_BYTES: usize = 64;

/// Checks an API key name: `[A-Za-z0-9._-]{1,64}`, so it prints safely in
/// the audit log and on a terminal.
pub fn check_key_name(name: &str) -> Result<(), DomainError> {
    if name.is_empty()
        || name.len() > MAX_KEY_NAME_BYTES
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    {
        return Err(DomainError::invalid(
            "name",
            "must be 1 to 64 letters, digits, '.', '_' or '-'",
        ));
    }
    Ok(())
}

/// An API key as stored: never the key itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKeyRecord {
    /// The public part of the key, its lookup id.
    pub id: String,
    pub name: String,
    /// The secret key that made `hash` (so keys outlive a rotation while the
    /// old key is still configured).
    pub key_id: String,
    /// Hex of the keyed hash of the key's secret part.
    pub hash: String,
    pub grant: Grant,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Where API keys live.
pub trait ApiKeyStore: Send + Sync {
    /// Stores a new key; `ApiKeyExists` when the name is taken.
    fn insert_api_key(
        &self,
        record: &ApiKeyRecord,
    ) -> impl Future<Output = Result<(), DomainError>> + Send;

    /// The key with this lookup id, revoked or not.
    fn api_key(
        &self,
        id: &str,
    ) -> impl Future<Output = Result<Option<ApiKeyRecord>, DomainError>> + Send;

    /// Revokes the named key if it is live; whether one was.
    fn revoke_api_key(
        &self,
        name: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, DomainError>> + Send;

    /// Every key, by name.
    fn list_api_keys(&self) -> impl Future<Output = Result<Vec<ApiKeyRecord>, DomainError>> + Send;
}

/// What every API key starts with, so a leaked one is recognisable (secret
/// scanners) and never mistaken for another token.
pub const KEY_PREFIX: &str = "tgk_";
const ID_BYTES: usize = 8;
const SECRET_BYTES: usize = 32;
/// Binds the keyed hash to its use: the same secret key also hashes codes.
const HASH_BINDING: &[u8] = b"tollgate api key";

/// A key just made: the record to store and the key, shown once.
pub struct NewApiKey {
    pub record: ApiKeyRecord,
    pub key: SecretString,
}

/// Makes a key for `name` holding `grant`: `tgk_<id>_<secret>`, both hex.
pub fn new_api_key(
    keyring: &Keyring,
    name: &str,
    grant: Grant,
    now: DateTime<Utc>,
) -> Result<NewApiKey, DomainError> {
    check_key_name(name)?;
    let mut id = [0u8; ID_BYTES];
    random::fill(&mut id)?;
    let mut secret = [0u8; SECRET_BYTES];
    random::fill(&mut secret)?;
    let id = hex_lower(&id);
    let key = keyring.current();
    let record = ApiKeyRecord {
        hash: hex_lower(&key.keyed_hash(HASH_BINDING, &secret)),
        key_id: key.id().to_owned(),
        id: id.clone(),
        name: name.to_owned(),
        grant,
        created_at: now,
        revoked_at: None,
    };
    let text = SecretString::new(format!("{KEY_PREFIX}{id}_{}", hex_lower(&secret)));
    zeroize::Zeroize::zeroize(&mut secret);
    Ok(NewApiKey { record, key: text })
}

/// The lookup id and secret of a key's text; `None` when it is not shaped
/// like a key.
fn split_key(text: &str) -> Option<(&str, Vec<u8>)> {
    let rest = text.strip_prefix(KEY_PREFIX)?;
    let (id, secret) = rest.split_once('_')?;
    if id.len() != ID_BYTES * 2 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let secret = from_hex(secret).filter(|s| s.len() == SECRET_BYTES)?;
    Some((id, secret))
}

/// The live key whose text this is; `ApiKeyInvalid` for a malformed,
/// unknown or revoked key (one answer for all three), and for a key made
/// under a secret key no longer configured.
pub async fn authenticate(
    store: &impl ApiKeyStore,
    keyring: &Keyring,
    text: &str,
) -> Result<ApiKeyRecord, DomainError> {
    let (id, mut secret) = split_key(text).ok_or(DomainError::ApiKeyInvalid)?;
    let record = store.api_key(id).await?.ok_or(DomainError::ApiKeyInvalid)?;
    let matches = keyring.get(&record.key_id).is_some_and(|key| {
        let hash = hex_lower(&key.keyed_hash(HASH_BINDING, &secret));
        bool::from(hash.as_bytes().ct_eq(record.hash.as_bytes()))
    });
    zeroize::Zeroize::zeroize(&mut secret);
    if !matches || record.revoked_at.is_some() {
        return Err(DomainError::ApiKeyInvalid);
    }
    Ok(record)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::MasterKey;

    fn keyring() -> Keyring {
        Keyring::new(MasterKey::from_bytes(&[7; MasterKey::LEN]), Vec::new())
    }

    #[test]
    fn grants_parse_and_refuse_what_they_do_not_know() {
        let grant = Grant::parse(&["admin", "sign_in", "admin"], &["acme"]).unwrap();
        assert_eq!(grant.permissions, [Permission::SignIn, Permission::Admin]);
        let acme = TenantId::parse("acme").unwrap();
        let other = TenantId::parse("other").unwrap();
        assert!(grant.check(Permission::SignIn, &acme).is_ok());
        assert_eq!(
            grant
                .check(Permission::SignIn, &other)
                .unwrap_err()
                .reason(),
            "CALLER_NOT_ALLOWED"
        );
        assert!(grant.check(Permission::Outbox, &acme).is_err());
        assert!(grant.check_all_tenants(Permission::SignIn).is_err());
        assert!(
            Grant::everything()
                .check_all_tenants(Permission::Outbox)
                .is_ok()
        );
        assert!(Grant::parse(&["root"], &["*"]).is_err());
        assert!(Grant::parse::<&str, &str>(&[], &["*"]).is_err());
        assert!(Grant::parse(&["admin"], &[""]).is_err());
        assert!(Grant::parse::<&str, &str>(&["admin"], &[]).is_err());
        assert!(Grant::parse(&["admin"], &["a b"]).is_err());
    }

    #[test]
    fn a_key_is_shown_once_and_stored_as_a_keyed_hash() {
        let ring = keyring();
        let made = new_api_key(&ring, "ci", Grant::everything(), DateTime::UNIX_EPOCH).unwrap();
        let text = made.key.expose();
        assert!(text.starts_with(KEY_PREFIX));
        let (id, secret) = split_key(text).unwrap();
        assert_eq!(id, made.record.id);
        assert!(!made.record.hash.contains(&hex_lower(&secret)));
        assert!(!format!("{:?}", made.key).contains(&text[KEY_PREFIX.len()..]));
        assert!(split_key("tgk_short_00").is_none());
        assert!(split_key(&text.replace(KEY_PREFIX, "xx_")).is_none());
        assert!(new_api_key(&ring, "a b", Grant::everything(), DateTime::UNIX_EPOCH).is_err());
    }
}
