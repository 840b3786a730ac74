//! The TOTP check with whatever the user typed, and the otpauth URI with
//! whatever account name and issuer arrive: no panic, a malformed code is
//! refused before any comparison, and a URI is either built or refused with
//! a field error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tollgate_domain::secret::SecretBytes;
use tollgate_domain::totp::{self, TotpParams, Verification};

fuzz_target!(|input: (&str, &str, &str, u32)| {
    let (typed, account, issuer, seconds) = input;
    let secret = SecretBytes::new(vec![42u8; 20]);
    let params = TotpParams::default();
    let now = i64::from(seconds);
    if let Ok(code) = totp::normalize_code(typed, params.digits) {
        let verdict = totp::verify(&secret, &params, &code, now, None).expect("verifies");
        let expected = totp::code_at(&secret, &params, u64::from(seconds)).expect("generates");
        if code.expose() == expected.expose() {
            assert!(matches!(verdict, Verification::Accepted { .. }));
        }
    }
    match totp::otpauth_uri(&secret, &params, issuer, account) {
        Ok(uri) => assert!(uri.expose().starts_with("otpauth://totp/")),
        Err(error) => assert_eq!(error.reason(), "INVALID_ARGUMENT"),
    }
});
