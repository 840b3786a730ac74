//! RFC 6238 time-based one-time passwords: secrets, codes, verification and
//! the otpauth URI authenticator apps read from a QR code.
//!
//! totp-rs computes each step's code; the window check is ours because it
//! must compare every step in constant time without returning early, and must
//! report which step matched so a used step can be refused afterwards.
use subtle::ConstantTimeEq;
use totp_rs::{Builder, Secret, Totp};
use zeroize::Zeroizing;

use crate::error::{DomainError, FieldViolation};
use crate::random;
use crate::secret::{SecretBytes, SecretString};

/// Bytes in a freshly minted secret (160 bits, as RFC 4226 recommends).
pub const SECRET_LEN: usize = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Algorithm {
    Sha1,
    Sha256,
    Sha512,
}

impl Algorithm {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sha1 => "SHA1",
            Self::Sha256 => "SHA256",
            Self::Sha512 => "SHA512",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "SHA1" => Some(Self::Sha1),
            "SHA256" => Some(Self::Sha256),
            "SHA512" => Some(Self::Sha512),
            _ => None,
        }
    }

    fn to_lib(self) -> totp_rs::Algorithm {
        match self {
            Self::Sha1 => totp_rs::Algorithm::SHA1,
            Self::Sha256 => totp_rs::Algorithm::SHA256,
            Self::Sha512 => totp_rs::Algorithm::SHA512,
        }
    }
}

/// How codes are computed and how much clock skew is forgiven.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct TotpParams {
    pub algorithm: Algorithm,
    /// 6 or 8.
    pub digits: u8,
    /// Seconds per step.
    pub period: u32,
    /// Steps accepted either side of the current one.
    pub skew: u8,
}

impl Default for TotpParams {
    fn default() -> Self {
        Self {
            algorithm: Algorithm::Sha1,
            digits: 6,
            period: 30,
            skew: 1,
        }
    }
}

impl TotpParams {
    /// The step that contains `unix_seconds`.
    pub fn step_at(&self, unix_seconds: i64) -> u64 {
        u64::try_from(unix_seconds).unwrap_or(0) / u64::from(self.period.max(1))
    }
}

/// A fresh secret from the OS random generator.
pub fn generate_secret() -> Result<SecretBytes, DomainError> {
    let mut bytes = vec![0u8; SECRET_LEN];
    random::fill(&mut bytes)?;
    Ok(SecretBytes::new(bytes))
}

/// The secret as RFC 4648 base32 without padding, for manual entry.
pub fn to_base32(secret: &SecretBytes) -> SecretString {
    SecretString::new(Secret::new(secret.expose().into()).to_base32())
}

fn engine(
    secret: &SecretBytes,
    params: &TotpParams,
    issuer: Option<&str>,
    account: &str,
) -> Result<Totp, DomainError> {
    let builder = Builder::new()
        .with_algorithm(params.algorithm.to_lib())
        .with_digits(params.digits)
        .with_step_duration(u64::from(params.period))
        .with_skew(u16::from(params.skew))
        .with_secret(secret.expose().to_vec())
        .with_issuer(issuer)
        .with_account_name(account);
    if issuer.is_none() && secret.expose().len() < 16 {
        // An imported secret may be shorter than the 128 bits totp-rs
        // insists on (see MIN_IMPORTED_SECRET_LEN); checking codes with it
        // needs only sane digits and period, which `check_imported` held
        // it to (and every minted secret is 160 bits).
        if !(6..=8).contains(&params.digits) || params.period == 0 {
            return Err(DomainError::Internal("TOTP parameters were rejected"));
        }
        return Ok(builder.build_noncompliant());
    }
    builder.build().map_err(|e| match e {
        totp_rs::TotpError::InvalidAccountName { .. } => {
            DomainError::invalid("account_name", "must not contain ':'")
        }
        totp_rs::TotpError::InvalidIssuer { .. } => {
            DomainError::invalid("totp.issuer", "must not contain ':'")
        }
        _ => DomainError::Internal("TOTP parameters were rejected"),
    })
}

/// The code for the step containing `unix_seconds`.
pub fn code_at(
    secret: &SecretBytes,
    params: &TotpParams,
    unix_seconds: u64,
) -> Result<SecretString, DomainError> {
    let totp = engine(secret, params, None, "")?;
    Ok(SecretString::new(totp.generate(unix_seconds).to_string()))
}

/// The otpauth URI: `otpauth://totp/ISSUER:ACCOUNT?secret=...&issuer=ISSUER`.
pub fn otpauth_uri(
    secret: &SecretBytes,
    params: &TotpParams,
    issuer: &str,
    account: &str,
) -> Result<SecretString, DomainError> {
    let totp = engine(secret, params, Some(issuer), account)?;
    totp.to_url().map(SecretString::new).map_err(|_| {
        DomainError::invalid("account_name", "must be 1 to 256 characters without ':'")
    })
}

/// The shortest secret an import accepts: 80 bits, what authenticator
/// apps were long given (RFC 4226 asks 128 for new secrets, which tollgate
/// mints at 160). Refusing them would mean re-enrolling those users.
pub const MIN_IMPORTED_SECRET_LEN: usize = 10;
/// The longest: a SHA-512 block.
pub const MAX_IMPORTED_SECRET_LEN: usize = 128;

/// A base32 secret as people copy it: case, spaces, dashes and `=` padding
/// are ignored.
pub fn parse_base32(text: &str) -> Result<SecretBytes, FieldViolation> {
    let cleaned: Zeroizing<String> = Zeroizing::new(
        text.chars()
            .filter(|c| !c.is_whitespace() && *c != '-' && *c != '=')
            .map(|c| c.to_ascii_uppercase())
            .collect(),
    );
    let secret = Secret::try_from_base32(cleaned.as_str())
        .map_err(|_| FieldViolation::new("totp.secret_base32", "must be base32 (RFC 4648)"))?;
    Ok(SecretBytes::new(secret.as_bytes().to_vec()))
}

/// The secret and parameters an `otpauth://totp/...` URI carries (what
/// authenticator apps and other systems export). `skew` is not part of a
/// URI and comes back as the default.
pub fn parse_otpauth_uri(uri: &str) -> Result<(SecretBytes, TotpParams), FieldViolation> {
    let invalid = || {
        FieldViolation::new(
            "totp.otpauth_uri",
            "must be an otpauth://totp/ URI with a base32 secret",
        )
    };
    let parsed = Totp::from_url_unchecked(uri).map_err(|_| invalid())?;
    let algorithm = match parsed.algorithm() {
        totp_rs::Algorithm::SHA1 => Algorithm::Sha1,
        totp_rs::Algorithm::SHA256 => Algorithm::Sha256,
        totp_rs::Algorithm::SHA512 => Algorithm::Sha512,
        _ => return Err(invalid()),
    };
    let params = TotpParams {
        algorithm,
        digits: parsed.digits(),
        period: u32::try_from(parsed.step()).map_err(|_| invalid())?,
        ..TotpParams::default()
    };
    Ok((
        SecretBytes::new(parsed.secret().as_bytes().to_vec()),
        params,
    ))
}

/// Holds an imported credential to what tollgate can check: 80 to 1024
/// bits of secret, 6 to 8 digits, steps of 10 seconds to 5 minutes.
pub fn check_imported(secret: &SecretBytes, params: &TotpParams) -> Result<(), FieldViolation> {
    let len = secret.expose().len();
    if !(MIN_IMPORTED_SECRET_LEN..=MAX_IMPORTED_SECRET_LEN).contains(&len) {
        return Err(FieldViolation::new(
            "totp.secret",
            "must be 80 to 1024 bits (16 to 205 base32 characters)",
        ));
    }
    if !(6..=8).contains(&params.digits) {
        return Err(FieldViolation::new("totp.digits", "must be 6 to 8"));
    }
    if !(10..=300).contains(&params.period) {
        return Err(FieldViolation::new(
            "totp.period",
            "must be 10 seconds to 5 minutes",
        ));
    }
    Ok(())
}

/// A code as typed: surrounding whitespace and inner spaces are ignored
/// (apps show "123 456"); what remains must be exactly `digits` ASCII digits.
pub fn normalize_code(input: &str, digits: u8) -> Result<SecretString, FieldViolation> {
    let code: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != usize::from(digits) || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(FieldViolation::new(
            "code",
            format!("must be {digits} digits"),
        ));
    }
    Ok(SecretString::new(code))
}

/// The outcome of checking a code against every step of the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verification {
    /// The code matches this step, which is later than the last used one.
    Accepted {
        step: u64,
    },
    /// The code matches only steps at or before the last used one.
    AlreadyUsed,
    Mismatch,
}

/// Checks a normalised code against the steps `now - skew ..= now + skew`.
/// Every step is computed and compared in constant time; no early return.
pub fn verify(
    secret: &SecretBytes,
    params: &TotpParams,
    code: &SecretString,
    unix_seconds: i64,
    last_used_step: Option<u64>,
) -> Result<Verification, DomainError> {
    let totp = engine(secret, params, None, "")?;
    let origin = params.step_at(unix_seconds);
    let period = u64::from(params.period);
    let mut fresh: Option<u64> = None;
    let mut replayed = false;
    for step in origin.saturating_sub(u64::from(params.skew))..=origin + u64::from(params.skew) {
        let expected = Zeroizing::new(totp.generate(step * period).to_string());
        let matched: bool = expected.as_bytes().ct_eq(code.expose().as_bytes()).into();
        let is_fresh = last_used_step.is_none_or(|used| step > used);
        if matched && is_fresh {
            fresh = Some(fresh.map_or(step, |s| s.max(step)));
        }
        replayed |= matched && !is_fresh;
    }
    Ok(match (fresh, replayed) {
        (Some(step), _) => Verification::Accepted { step },
        (None, true) => Verification::AlreadyUsed,
        (None, false) => Verification::Mismatch,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B: the SHA1 seed is "12345678901234567890".
    fn rfc_secret() -> SecretBytes {
        SecretBytes::new(b"12345678901234567890".to_vec())
    }

    const RFC_PARAMS: TotpParams = TotpParams {
        algorithm: Algorithm::Sha1,
        digits: 8,
        period: 30,
        skew: 1,
    };

    #[test]
    fn rfc6238_sha1_vectors() {
        let vectors = [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ];
        for (time, expected) in vectors {
            let code = code_at(&rfc_secret(), &RFC_PARAMS, time).unwrap();
            assert_eq!(code.expose(), expected, "at T={time}");
            let typed = normalize_code(expected, 8).unwrap();
            assert!(matches!(
                verify(&rfc_secret(), &RFC_PARAMS, &typed, time as i64, None).unwrap(),
                Verification::Accepted { .. }
            ));
        }
    }

    #[test]
    fn window_is_one_step_either_side() {
        let secret = generate_secret().unwrap();
        let params = TotpParams::default();
        let now = 1_700_000_015_i64;
        for (offset, ok) in [
            (-60, false),
            (-30, true),
            (0, true),
            (30, true),
            (60, false),
        ] {
            let code = code_at(&secret, &params, (now + offset) as u64).unwrap();
            let result = verify(&secret, &params, &code, now, None).unwrap();
            assert_eq!(
                matches!(result, Verification::Accepted { .. }),
                ok,
                "offset {offset}"
            );
        }
    }

    #[test]
    fn a_used_step_is_refused() {
        let secret = generate_secret().unwrap();
        let params = TotpParams::default();
        let now = 1_700_000_015_i64;
        let code = code_at(&secret, &params, now as u64).unwrap();
        let Verification::Accepted { step } = verify(&secret, &params, &code, now, None).unwrap()
        else {
            panic!("expected acceptance");
        };
        assert_eq!(step, params.step_at(now));
        assert_eq!(
            verify(&secret, &params, &code, now, Some(step)).unwrap(),
            Verification::AlreadyUsed
        );
    }

    #[test]
    fn codes_are_normalised() {
        assert_eq!(normalize_code(" 123 456 ", 6).unwrap().expose(), "123456");
        assert!(normalize_code("12345", 6).is_err());
        assert!(normalize_code("12345a", 6).is_err());
        assert!(normalize_code("+12345", 6).is_err());
        assert!(normalize_code("１２３４５６", 6).is_err());
    }

    proptest::proptest! {
        #[test]
        fn normalised_codes_are_exactly_the_digits(input in "\\PC{0,16}", digits in proptest::sample::select(vec![6u8, 8])) {
            if let Ok(code) = normalize_code(&input, digits) {
                proptest::prop_assert_eq!(code.expose().len(), usize::from(digits));
                proptest::prop_assert!(code.expose().bytes().all(|b| b.is_ascii_digit()));
                let kept: String = input.chars().filter(|c| !c.is_whitespace()).collect();
                proptest::prop_assert_eq!(code.expose(), kept.as_str());
            }
        }

        #[test]
        fn any_spacing_of_a_code_is_accepted(code in "[0-9]{6}", split in 0usize..=6, pad in 0usize..3) {
            let typed = format!("{}{} {}{}", " ".repeat(pad), &code[..split], &code[split..], "\t".repeat(pad));
            let normalised = normalize_code(&typed, 6).unwrap();
            proptest::prop_assert_eq!(normalised.expose(), code.as_str());
        }
    }

    #[test]
    fn otpauth_uri_names_issuer_and_account() {
        let secret = generate_secret().unwrap();
        let uri = otpauth_uri(
            &secret,
            &TotpParams::default(),
            "Acme Corp",
            "alice@example.com",
        )
        .unwrap();
        let b32 = to_base32(&secret);
        assert!(
            uri.expose()
                .starts_with("otpauth://totp/Acme%20Corp:alice%40example.com?")
        );
        assert!(uri.expose().contains(&format!("secret={}", b32.expose())));
        assert!(uri.expose().contains("issuer=Acme%20Corp"));
        assert!(otpauth_uri(&secret, &TotpParams::default(), "Acme", "a:b").is_err());
    }
}
