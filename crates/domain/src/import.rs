//! Moving in from another system: what ImportUser does. A user's existing
//! authenticator-app secret becomes an enabled credential (sealed like any
//! other), recovery codes in plain text are hashed on the way in (or a
//! fresh set is minted), and contacts the caller vouches for are stored
//! confirmed, so nobody has to scan a new QR code. Importing the same again
//! changes nothing; what a user already has is overwritten only when asked.
use chrono::{DateTime, Utc};
use subtle::ConstantTimeEq;

use crate::contact::ContactKind;
use crate::error::{DomainError, FieldViolation};
use crate::ids::UserRef;
use crate::policy::{Method, Policy};
use crate::ports::{
    ClientInfo, ImportPlan, ImportWrite, ImportedContactRow, ImportedTotpRow, NewRecoverySet,
    Offload, Store, StoredTotpState, TotpRecord,
};
use crate::recovery::{self, StoredCode};
use crate::secret::{SecretBytes, SecretString};
use crate::service::{Service, TOTP_SEED_PURPOSE};
use crate::totp::{self, Algorithm, TotpParams};

/// Most recovery codes one import may carry (the error message says 64).
pub const MAX_IMPORTED_CODES: usize = 64;

/// How many times an import reads again when the user's credential changed
/// between its read and its write.
const RACE_RETRIES: usize = 3;

/// Where an imported authenticator-app secret comes from.
#[derive(Debug)]
pub enum TotpSource {
    /// A base32 secret with its parameters (0 or empty: the default).
    Base32 {
        secret: SecretString,
        digits: u32,
        period_seconds: u32,
        algorithm: String,
    },
    /// An `otpauth://totp/...` URI, which carries its parameters.
    Uri(SecretString),
}

#[derive(Debug)]
pub struct ImportedTotp {
    pub source: TotpSource,
    /// When the user set it up in the old system; `None`: now.
    pub enabled_at: Option<DateTime<Utc>>,
}

/// What to do about recovery codes.
#[derive(Debug, Default)]
pub enum RecoveryImport {
    /// None imported (the user's stay, if any).
    #[default]
    None,
    /// The old system's codes, in plain text.
    Codes(Vec<SecretString>),
    /// A fresh set, returned once.
    Mint,
}

/// A contact as the caller sent it.
#[derive(Debug, Clone)]
pub struct ImportedContact {
    pub kind: ContactKind,
    pub address: String,
    pub confirmed: bool,
    pub enable: bool,
}

/// One user's import.
#[derive(Debug, Default)]
pub struct ImportRequest<'a> {
    pub actor_id: &'a str,
    pub audience: &'a str,
    pub totp: Option<ImportedTotp>,
    pub recovery: RecoveryImport,
    pub contacts: Vec<ImportedContact>,
    pub default_method: Option<Method>,
    pub replace: bool,
    /// Check everything (input, policy, conflicts) and write nothing.
    pub validate_only: bool,
}

/// What changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportOutcome {
    Imported,
    Unchanged,
    Replaced,
    /// `validate_only`: the import would be accepted.
    Valid,
}

#[derive(Debug)]
pub struct ImportResult {
    pub outcome: ImportOutcome,
    /// The user's methods after the import, default first.
    pub enabled_methods: Vec<Method>,
    /// A minted set, shown once.
    pub recovery_codes: Vec<SecretString>,
    pub recovery_remaining: u32,
}

/// An import checked and parsed, before anything is read.
struct Parsed {
    totp: Option<(SecretBytes, TotpParams, Option<DateTime<Utc>>)>,
    codes: Option<Vec<SecretString>>,
    contacts: Vec<ImportedContactRow>,
}

fn parse_totp(
    imported: &ImportedTotp,
    policy: &Policy,
) -> Result<(SecretBytes, TotpParams), FieldViolation> {
    let (secret, mut params) = match &imported.source {
        TotpSource::Uri(uri) => totp::parse_otpauth_uri(uri.expose())?,
        TotpSource::Base32 {
            secret,
            digits,
            period_seconds,
            algorithm,
        } => {
            let defaults = TotpParams::default();
            let algorithm = match algorithm.as_str() {
                "" => defaults.algorithm,
                text => Algorithm::parse(&text.to_ascii_uppercase()).ok_or_else(|| {
                    FieldViolation::new("totp.algorithm", "must be SHA1, SHA256 or SHA512")
                })?,
            };
            let params = TotpParams {
                algorithm,
                digits: match digits {
                    0 => defaults.digits,
                    d => u8::try_from(*d).unwrap_or(u8::MAX),
                },
                period: match period_seconds {
                    0 => defaults.period,
                    p => *p,
                },
                ..defaults
            };
            (totp::parse_base32(secret.expose())?, params)
        }
    };
    params.skew = policy.totp.skew;
    totp::check_imported(&secret, &params)?;
    Ok((secret, params))
}

fn parse_contacts(contacts: &[ImportedContact]) -> Result<Vec<ImportedContactRow>, DomainError> {
    let mut rows: Vec<ImportedContactRow> = Vec::with_capacity(contacts.len());
    for contact in contacts {
        if rows.iter().any(|r| r.kind == contact.kind) {
            return Err(DomainError::invalid(
                "contacts",
                "at most one email address and one phone number",
            ));
        }
        if contact.enable && !contact.confirmed {
            return Err(DomainError::invalid(
                "contacts.enable",
                "only a confirmed contact can be turned on as a method",
            ));
        }
        let address = contact
            .kind
            .normalize(&contact.address)
            .map_err(|v| DomainError::InvalidArgument(vec![v]))?;
        rows.push(ImportedContactRow {
            kind: contact.kind,
            address,
            confirmed: contact.confirmed,
            enable: contact.enable,
        });
    }
    Ok(rows)
}

fn parse_codes(codes: &[SecretString]) -> Result<Vec<SecretString>, DomainError> {
    if codes.is_empty() || codes.len() > MAX_IMPORTED_CODES {
        return Err(DomainError::invalid(
            "recovery_codes",
            "must be 1 to 64 codes",
        ));
    }
    let mut canonical: Vec<SecretString> = Vec::with_capacity(codes.len());
    for code in codes {
        let c = recovery::normalize_any(code.expose()).ok_or_else(|| {
            DomainError::invalid("recovery_codes", "each must be 6 to 32 letters and digits")
        })?;
        if canonical.iter().any(|seen| seen.expose() == c.expose()) {
            return Err(DomainError::invalid(
                "recovery_codes",
                "must not repeat a code",
            ));
        }
        canonical.push(c);
    }
    Ok(canonical)
}

fn contact_method(kind: ContactKind) -> Method {
    match kind {
        ContactKind::Email => Method::Email,
        ContactKind::Phone => Method::Sms,
    }
}

impl<S: Store, O: Offload> Service<S, O> {
    /// Imports a user's second factors from another system (see the module
    /// documentation); audited as "user.imported" with the actor.
    pub async fn import_user(
        &self,
        user: &UserRef,
        request: ImportRequest<'_>,
    ) -> Result<ImportResult, DomainError> {
        crate::erasure::check_actor(request.actor_id, "")?;
        let policy = self.policy_for(user, request.audience).await?;
        let parsed = self.parse_import(&request, &policy)?;
        if request.validate_only {
            return self.validate_import(user, &parsed, request.replace).await;
        }
        let mut minted = Vec::new();
        let mut outcome = ImportOutcome::Unchanged;
        for _ in 0..RACE_RETRIES {
            let (plan, codes_shown, replaced) =
                self.plan_import(user, &request, &parsed, &policy).await?;
            let audit = self.import_audit(user, &request, &plan);
            match self.store.import_user(user, plan, audit).await? {
                ImportWrite::Raced => continue,
                ImportWrite::Unchanged => {}
                ImportWrite::Written { replaced: contact } => {
                    outcome = if replaced || contact {
                        ImportOutcome::Replaced
                    } else {
                        ImportOutcome::Imported
                    };
                    minted = codes_shown;
                }
            }
            let methods = self.store.methods(user).await?;
            return Ok(ImportResult {
                outcome,
                recovery_remaining: methods.recovery_remaining,
                enabled_methods: crate::enrollment::ordered(methods),
                recovery_codes: minted,
            });
        }
        Err(DomainError::StorageUnavailable)
    }

    /// Everything about the request that needs no reading: the secret, the
    /// codes and contacts, and whether policy allows the methods.
    fn parse_import(
        &self,
        request: &ImportRequest<'_>,
        policy: &Policy,
    ) -> Result<Parsed, DomainError> {
        let totp = match &request.totp {
            Some(imported) => {
                Self::require_method_allowed(policy, Method::Totp)?;
                let (secret, params) = parse_totp(imported, policy)
                    .map_err(|v| DomainError::InvalidArgument(vec![v]))?;
                Some((secret, params, imported.enabled_at))
            }
            None => None,
        };
        let codes = match &request.recovery {
            RecoveryImport::Codes(codes) => Some(parse_codes(codes)?),
            RecoveryImport::None | RecoveryImport::Mint => None,
        };
        let contacts = parse_contacts(&request.contacts)?;
        if totp.is_none() && contacts.is_empty() {
            // A user row with nothing in it is not kept (see EraseUser).
            return Err(DomainError::invalid(
                "totp",
                "import a secret or a contact (recovery codes come with one)",
            ));
        }
        for contact in &contacts {
            self.check_phone_region(contact.kind, &contact.address, policy)?;
            if contact.enable {
                Self::require_method_allowed(policy, contact_method(contact.kind))?;
            }
        }
        if let Some(method) = request.default_method {
            let imported = match method {
                Method::Totp => totp.is_some(),
                Method::Email | Method::Sms => contacts
                    .iter()
                    .any(|c| c.enable && contact_method(c.kind) == method),
                Method::RecoveryCode | Method::WebAuthn => false,
            };
            if !imported {
                return Err(DomainError::invalid(
                    "default_method",
                    "must be a method this import turns on",
                ));
            }
        }
        Ok(Parsed {
            totp,
            codes,
            contacts,
        })
    }

    /// Reads what the user has and decides what to write: the plan, the
    /// minted codes to show, and whether it overwrites the user's
    /// credential or recovery codes.
    async fn plan_import(
        &self,
        user: &UserRef,
        request: &ImportRequest<'_>,
        parsed: &Parsed,
        policy: &Policy,
    ) -> Result<(ImportPlan, Vec<SecretString>, bool), DomainError> {
        let now = self.clock.now();
        let mut replaced = false;
        let totp = match &parsed.totp {
            Some((secret, params, enabled_at)) => {
                let existing = self.store.totp(user).await?;
                let seen_version = existing.as_ref().map(|r| r.version);
                match existing.filter(|r| r.state == StoredTotpState::Enabled) {
                    Some(record) => {
                        let same = self.holds_same_totp(user, &record, secret, params)?;
                        if !same && !request.replace {
                            return Err(DomainError::ImportConflict { part: "totp" });
                        }
                        replaced |= !same;
                        (!same).then_some(seen_version)
                    }
                    None => Some(seen_version),
                }
                .map(|seen_version| -> Result<ImportedTotpRow, DomainError> {
                    Ok(ImportedTotpRow {
                        sealed_secret: self
                            .keys
                            .current()
                            .seal(secret.expose(), &user.binding(TOTP_SEED_PURPOSE))?,
                        params: *params,
                        enabled_at: enabled_at.unwrap_or(now).min(now),
                        seen_version,
                    })
                })
                .transpose()?
            }
            None => None,
        };
        let wants_codes =
            parsed.codes.is_some() || matches!(request.recovery, RecoveryImport::Mint);
        // A set held, even one fully spent: importing the same codes again
        // must not make a spent code good again.
        let holds_codes = wants_codes && self.store.recovery_status(user).await?.total > 0;
        let (shown, recovery) = match (&parsed.codes, holds_codes && !request.replace) {
            (_, true) => (Vec::new(), None),
            (Some(codes), false) => (
                Vec::new(),
                Some(self.hash_imported(user, codes, now).await?),
            ),
            (None, false) if wants_codes => {
                let (shown, set) = self.new_recovery_set(user, policy, now).await?;
                (shown, Some(set))
            }
            (None, false) => (Vec::new(), None),
        };
        replaced |= holds_codes && recovery.is_some();
        let plan = ImportPlan {
            totp,
            contacts: parsed.contacts.clone(),
            recovery,
            default_method: request.default_method,
            replace: request.replace,
            now,
        };
        Ok((plan, shown, replaced))
    }

    /// Whether the user's enabled credential is this secret with these
    /// parameters (compared in constant time).
    fn holds_same_totp(
        &self,
        user: &UserRef,
        record: &TotpRecord,
        secret: &SecretBytes,
        params: &TotpParams,
    ) -> Result<bool, DomainError> {
        let held = self.open_secret(user, record)?;
        let same: bool = held.expose().ct_eq(secret.expose()).into();
        Ok(same
            && record.params.algorithm == params.algorithm
            && record.params.digits == params.digits
            && record.params.period == params.period)
    }

    /// A dry run: what an import would be refused for, read without
    /// writing (and without hashing any code).
    async fn validate_import(
        &self,
        user: &UserRef,
        parsed: &Parsed,
        replace: bool,
    ) -> Result<ImportResult, DomainError> {
        if !replace {
            if let Some((secret, params, _)) = &parsed.totp
                && let Some(record) = self.store.totp(user).await?
                && record.state == StoredTotpState::Enabled
                && !self.holds_same_totp(user, &record, secret, params)?
            {
                return Err(DomainError::ImportConflict { part: "totp" });
            }
            let held = self.store.contacts(user).await?;
            for contact in &parsed.contacts {
                if held
                    .iter()
                    .any(|h| h.kind == contact.kind && h.address != contact.address)
                {
                    return Err(DomainError::ImportConflict {
                        part: contact.kind.as_str(),
                    });
                }
            }
        }
        let methods = self.store.methods(user).await?;
        Ok(ImportResult {
            outcome: ImportOutcome::Valid,
            recovery_remaining: methods.recovery_remaining,
            enabled_methods: crate::enrollment::ordered(methods),
            recovery_codes: Vec::new(),
        })
    }

    /// The imported codes hashed (argon2, off the executor) with tags under
    /// the current key, as a set generated `now`.
    async fn hash_imported(
        &self,
        user: &UserRef,
        codes: &[SecretString],
        now: DateTime<Utc>,
    ) -> Result<NewRecoverySet, DomainError> {
        let key = self.keys.current();
        let key_id = key.id().to_owned();
        let tagged: Vec<(u16, SecretString)> = codes
            .iter()
            .map(|c| {
                let canonical = SecretString::new(c.expose().to_owned());
                (recovery::lookup_tag(key, user, &canonical), canonical)
            })
            .collect();
        self.offload
            .run(move || {
                let codes = tagged
                    .iter()
                    .map(|(lookup_tag, canonical)| {
                        Ok(StoredCode {
                            lookup_tag: *lookup_tag,
                            key_id: key_id.clone(),
                            hash: recovery::hash(canonical)?,
                        })
                    })
                    .collect::<Result<Vec<_>, DomainError>>()?;
                Ok(NewRecoverySet {
                    codes,
                    generated_at: now,
                })
            })
            .await?
    }

    fn import_audit(
        &self,
        user: &UserRef,
        request: &ImportRequest<'_>,
        plan: &ImportPlan,
    ) -> crate::ports::AuditEvent {
        let mut event = self.audit_event(user, "user.imported", None, &ClientInfo::default());
        event.actor_id = request.actor_id.to_owned();
        let mut parts: Vec<&str> = Vec::new();
        if plan.totp.is_some() {
            parts.push("totp");
        }
        if plan.recovery.is_some() {
            parts.push(match request.recovery {
                RecoveryImport::Mint => "minted_recovery_codes",
                _ => "recovery_codes",
            });
        }
        parts.extend(plan.contacts.iter().map(|c| c.kind.as_str()));
        event.details.push(("imported".to_owned(), parts.join(",")));
        event
            .details
            .push(("replace".to_owned(), request.replace.to_string()));
        event
    }
}
