//! Codes a user types: TOTP/email/SMS codes (`totp::normalize_code`) and
//! recovery codes (`recovery::normalize`). Neither may panic; what they
//! accept is canonical (exact length and alphabet) and normalising it again
//! changes nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tollgate_domain::{recovery, totp};

fuzz_target!(|input: &str| {
    for digits in [6u8, 8] {
        if let Ok(code) = totp::normalize_code(input, digits) {
            let code = code.expose();
            assert_eq!(code.len(), usize::from(digits));
            assert!(code.bytes().all(|b| b.is_ascii_digit()));
            let again = totp::normalize_code(code, digits).map(|c| c.expose().to_owned());
            assert_eq!(again.as_deref(), Ok(code));
        }
    }
    if let Some(canonical) = recovery::normalize(input) {
        let canonical = canonical.expose();
        assert_eq!(canonical.len(), 8);
        assert!(
            canonical.bytes().all(|b| recovery::ALPHABET.contains(&b)),
            "{canonical:?} has a character outside the alphabet"
        );
        let again = recovery::normalize(canonical).map(|c| c.expose().to_owned());
        assert_eq!(again.as_deref(), Some(canonical));
    }
});
