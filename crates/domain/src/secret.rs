//! Keys and secrets at rest.
//!
//! A [`MasterKey`] is 32 random bytes from the operator's key file. From it we
//! derive (HMAC-SHA256 with a purpose label) one key for the AEAD that seals
//! TOTP seeds and one for keyed hashes of codes and tokens, so neither use can
//! be turned against the other. Each key has a short id derived from it; rows
//! store the id of the key that wrote them, so a [`Keyring`] with the new key
//! first and older keys after can still read old rows while new writes use
//! the new key.
//!
//! Sealing is ChaCha20-Poly1305 with a random 96-bit nonce and the owner's
//! tenant and user as associated data: a sealed seed copied into another
//! user's row fails to open.
use std::fmt;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::{DomainError, random};

type HmacSha256 = Hmac<Sha256>;

const NONCE_LEN: usize = 12;

/// Bytes that must not be printed: `Debug` shows only the length, and the
/// memory is zeroed on drop.
#[derive(Clone, Zeroize, ZeroizeOnDrop, PartialEq, Eq)]
pub struct SecretBytes(Vec<u8>);

impl SecretBytes {
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretBytes([redacted; {}])", self.0.len())
    }
}

/// A string that must not be printed (a code, a token, a base32 seed).
#[derive(Clone, Zeroize, ZeroizeOnDrop, PartialEq, Eq)]
pub struct SecretString(String);

impl SecretString {
    pub fn new(value: String) -> Self {
        Self(value)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretString([redacted])")
    }
}

/// The operator's 32-byte master key.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct MasterKey {
    #[zeroize(skip)]
    id: String,
    aead: [u8; 32],
    mac: [u8; 32],
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MasterKey")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

fn hmac_with(key: &[u8]) -> HmacSha256 {
    match <HmacSha256 as KeyInit>::new_from_slice(key) {
        Ok(mac) => mac,
        // HMAC takes keys of every length.
        Err(_) => unreachable!("HMAC accepts keys of any length"),
    }
}

fn derive(key: &[u8], label: &[u8]) -> [u8; 32] {
    let mut mac = hmac_with(key);
    mac.update(label);
    mac.finalize().into_bytes().into()
}

impl MasterKey {
    pub const LEN: usize = 32;

    pub fn from_bytes(bytes: &[u8; Self::LEN]) -> Self {
        let id_bytes = derive(bytes, b"tollgate/v1/key-id");
        Self {
            id: hex_lower(&id_bytes[..4]),
            aead: derive(bytes, b"tollgate/v1/seal"),
            mac: derive(bytes, b"tollgate/v1/keyed-hash"),
        }
    }

    /// A fresh key from the OS random generator, with its hex text for a key
    /// file.
    pub fn generate() -> Result<(Self, SecretString), DomainError> {
        let mut bytes = Zeroizing::new([0u8; Self::LEN]);
        random::fill(bytes.as_mut())?;
        Ok((
            Self::from_bytes(&bytes),
            SecretString::new(hex_lower(bytes.as_ref())),
        ))
    }

    /// Reads a key file's text: 64 hex digits, surrounding whitespace ignored.
    /// The bytes are decoded in place into memory zeroed afterwards (no
    /// growing buffer leaves copies behind); zeroing `text` is the caller's
    /// part.
    pub fn from_hex(text: &str) -> Result<Self, KeyFileError> {
        let text = text.trim();
        if text.len() != Self::LEN * 2 {
            return Err(KeyFileError::WrongLength(text.len()));
        }
        let mut bytes = Zeroizing::new([0u8; Self::LEN]);
        for (byte, pair) in bytes.iter_mut().zip(text.as_bytes().chunks_exact(2)) {
            let (high, low) = hex_value(pair[0])
                .zip(hex_value(pair[1]))
                .ok_or(KeyFileError::NotHex)?;
            *byte = high << 4 | low;
        }
        Ok(Self::from_bytes(&bytes))
    }

    /// The short id stored beside everything this key wrote.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Seals `plaintext` for the owner described by `binding`.
    pub fn seal(&self, plaintext: &[u8], binding: &[u8]) -> Result<Sealed, DomainError> {
        let cipher = ChaCha20Poly1305::new(&self.aead.into());
        let mut nonce = [0u8; NONCE_LEN];
        random::fill(&mut nonce)?;
        let ciphertext = cipher
            .encrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: plaintext,
                    aad: binding,
                },
            )
            .map_err(|_| DomainError::Internal("sealing a secret failed"))?;
        let mut blob = Vec::with_capacity(NONCE_LEN + ciphertext.len());
        blob.extend_from_slice(&nonce);
        blob.extend_from_slice(&ciphertext);
        Ok(Sealed {
            key_id: self.id.clone(),
            blob,
        })
    }

    fn open(&self, blob: &[u8], binding: &[u8]) -> Option<SecretBytes> {
        let (nonce, ciphertext) = blob.split_at_checked(NONCE_LEN)?;
        let nonce: [u8; NONCE_LEN] = nonce.try_into().ok()?;
        let cipher = ChaCha20Poly1305::new(&self.aead.into());
        cipher
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: ciphertext,
                    aad: binding,
                },
            )
            .ok()
            .map(SecretBytes::new)
    }

    /// A keyed hash (HMAC-SHA256) of `value` for the owner in `binding`:
    /// what we store in place of one-time codes and tokens.
    pub fn keyed_hash(&self, binding: &[u8], value: &[u8]) -> [u8; 32] {
        let mut mac = hmac_with(&self.mac);
        mac.update(&(binding.len() as u64).to_be_bytes());
        mac.update(binding);
        mac.update(value);
        mac.finalize().into_bytes().into()
    }
}

/// A secret sealed by the key with id `key_id`: nonce followed by ciphertext
/// and tag.
#[derive(Clone, PartialEq, Eq)]
pub struct Sealed {
    pub key_id: String,
    pub blob: Vec<u8>,
}

impl fmt::Debug for Sealed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sealed")
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

/// Why a key file could not be read. Never echoes the file's content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyFileError {
    #[error("a key file must hold 64 hexadecimal digits (32 bytes); it holds {0} characters")]
    WrongLength(usize),
    #[error("a key file must hold only hexadecimal digits")]
    NotHex,
}

/// The current key (used for every new write) and older keys (read only).
#[derive(Debug, Clone)]
pub struct Keyring {
    current: MasterKey,
    previous: Vec<MasterKey>,
}

impl Keyring {
    pub fn new(current: MasterKey, previous: Vec<MasterKey>) -> Self {
        Self { current, previous }
    }

    pub fn current(&self) -> &MasterKey {
        &self.current
    }

    /// Every key, current first.
    pub fn all(&self) -> impl Iterator<Item = &MasterKey> {
        std::iter::once(&self.current).chain(&self.previous)
    }

    /// The key with this id, current or previous.
    pub fn get(&self, key_id: &str) -> Option<&MasterKey> {
        self.all()
            .find(|k| k.id.as_bytes().ct_eq(key_id.as_bytes()).into())
    }

    /// Opens a sealed secret with the key that sealed it. Fails when that key
    /// is not in the ring or the secret is bound to another owner.
    pub fn open(&self, sealed: &Sealed, binding: &[u8]) -> Result<SecretBytes, DomainError> {
        let key = self.get(&sealed.key_id).ok_or(DomainError::Internal(
            "a stored secret was sealed with a key that is not configured",
        ))?;
        key.open(&sealed.blob, binding)
            .ok_or(DomainError::Internal("a stored secret failed to open"))
    }
}

fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

/// Bytes from hexadecimal (either case); `None` if it is not.
pub fn from_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    text.as_bytes()
        .chunks_exact(2)
        .map(|pair| Some(hex_value(pair[0])? << 4 | hex_value(pair[1])?))
        .collect()
}

/// Lower-case hexadecimal.
pub fn hex_lower(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0xf)] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> MasterKey {
        MasterKey::from_bytes(&[byte; 32])
    }

    #[test]
    fn sealed_secret_opens_only_for_its_owner() {
        let ring = Keyring::new(key(1), vec![]);
        let sealed = ring.current().seal(b"seed", b"tenant\0alice").unwrap();
        assert_eq!(
            ring.open(&sealed, b"tenant\0alice").unwrap().expose(),
            b"seed"
        );
        assert!(ring.open(&sealed, b"tenant\0bob").is_err());
    }

    #[test]
    fn old_rows_open_after_rotation() {
        let old = key(1);
        let sealed = old.seal(b"seed", b"x").unwrap();
        let ring = Keyring::new(key(2), vec![old]);
        assert_eq!(ring.open(&sealed, b"x").unwrap().expose(), b"seed");
        let fresh = ring.current().seal(b"seed", b"x").unwrap();
        assert_ne!(fresh.key_id, sealed.key_id);
    }

    #[test]
    fn key_file_round_trip_and_errors() {
        let (k, text) = MasterKey::generate().unwrap();
        let again = MasterKey::from_hex(&format!("  {}\n", text.expose())).unwrap();
        assert_eq!(k.id(), again.id());
        assert_eq!(
            MasterKey::from_hex("abc").unwrap_err(),
            KeyFileError::WrongLength(3)
        );
        assert_eq!(
            MasterKey::from_hex(&"zz".repeat(32)).unwrap_err(),
            KeyFileError::NotHex
        );
    }

    /// Compiles only for a type that zeroes its memory when dropped.
    fn zeroes_on_drop<T: ZeroizeOnDrop>() {}

    #[test]
    fn secrets_in_memory_are_zeroed_on_drop() {
        zeroes_on_drop::<SecretBytes>();
        zeroes_on_drop::<SecretString>();
        zeroes_on_drop::<MasterKey>();
        // What the libraries hold while they use a secret: the TOTP engine
        // (with the seed) and its seed type, the AEAD cipher (with the
        // sealing key), and SHA-256 with its core, two of which an HMAC
        // holds keyed (as good as the key itself).
        zeroes_on_drop::<totp_rs::Totp>();
        zeroes_on_drop::<totp_rs::Secret>();
        zeroes_on_drop::<ChaCha20Poly1305>();
        zeroes_on_drop::<Sha256>();
        zeroes_on_drop::<<Sha256 as sha2::digest::block_api::CoreProxy>::Core>();
    }

    #[test]
    fn debug_never_shows_secrets() {
        let text = format!("{:?} {:?}", SecretString::new("123456".into()), key(7));
        assert!(!text.contains("123456"));
        assert!(!text.contains("[7, 7"));
    }
}
