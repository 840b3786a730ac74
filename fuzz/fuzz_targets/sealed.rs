//! Sealed secrets and key files: a key file's text never panics the parser;
//! opening arbitrary bytes, or a sealed secret with one bit flipped or
//! under another binding, fails instead of returning plaintext.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tollgate_domain::secret::{Keyring, MasterKey, Sealed};

fuzz_target!(|data: &[u8]| {
    let _ = MasterKey::from_hex(&String::from_utf8_lossy(data));
    let key = MasterKey::from_bytes(&[7u8; MasterKey::LEN]);
    let keyring = Keyring::new(key.clone(), Vec::new());

    // Whatever is stored, opening it never panics.
    let forged = Sealed {
        key_id: key.id().to_owned(),
        blob: data.to_vec(),
    };
    assert!(keyring.open(&forged, b"binding").is_err(), "forged bytes opened");

    // A real seal of the input opens, and only as sealed.
    let (binding, plaintext) = data.split_at(data.len().min(16));
    let sealed = key.seal(plaintext, binding).expect("sealing works");
    let opened = keyring.open(&sealed, binding).expect("opens with its binding");
    assert_eq!(opened.expose(), plaintext);
    assert!(keyring.open(&sealed, b"another user").is_err() || binding == b"another user");
    let bit = data.len() % (sealed.blob.len() * 8);
    let mut tampered = sealed.clone();
    tampered.blob[bit / 8] ^= 1 << (bit % 8);
    assert!(keyring.open(&tampered, binding).is_err(), "a flipped bit opened");
});
