//! Email addresses and phone numbers as users type them: normalising never
//! panics, is idempotent, and masking whatever was accepted never panics
//! and shows only the local part's first character and the domain.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tollgate_domain::contact::{self, ContactKind};

fuzz_target!(|input: &str| {
    if let Ok(email) = contact::normalize_email(input) {
        assert_eq!(contact::normalize_email(&email).as_deref(), Ok(email.as_str()));
        let (_, domain) = email.rsplit_once('@').expect("an accepted address has an @");
        assert_eq!(domain, domain.to_lowercase(), "the domain is lower case");
        // The mask keeps the first character of the local part and the
        // domain: nothing else of the local part shows.
        let (local, _) = email.rsplit_once('@').expect("an accepted address has an @");
        let first: String = local.chars().take(1).collect();
        let masked = ContactKind::Email.mask(&email);
        assert_eq!(masked, format!("{first}***@{domain}"), "{email:?}");
    }
    if let Ok(phone) = contact::normalize_phone(input) {
        assert!(phone.starts_with('+'), "{phone:?} is not E.164");
        assert_eq!(contact::normalize_phone(&phone).as_deref(), Ok(phone.as_str()));
        let _ = ContactKind::Phone.mask(&phone);
    }
    for kind in [ContactKind::Email, ContactKind::Phone] {
        let _ = kind.normalize(input);
        let _ = kind.mask(input);
    }
});
