//! Recovery codes: generation, normalisation, hashing and the lookup tag.
//!
//! A code is 8 symbols from a 31-symbol alphabet without look-alikes (no 0/O,
//! no 1/I/L), shown as `XXXX-XXXX` (about 39.6 bits). We store, per code:
//! - an argon2id hash of the canonical code (the only thing that can confirm
//!   it), and
//! - a 16-bit *lookup tag*: a keyed hash of the code under the server key,
//!   truncated. A redemption computes the tag of what was typed and runs
//!   argon2 only against the row with that tag; the tags of one set are
//!   made distinct when it is generated, so one attempt costs at most one
//!   argon2 verification. Sixteen bits are enough to pick among a handful of
//!   codes. Without the key the tag tells nothing (it is a keyed hash). With
//!   the database *and* the key it does help: it narrows one code's
//!   31^8 (about 2^39.6) candidates to about 2^23.6 argon2id verifications,
//!   some 90 CPU-hours at 25 ms each, which is within reach. Such an
//!   attacker already holds every TOTP seed, though: after a key
//!   compromise users are reset anyway (docs/security.md, "Key theft").
//!   Fewer bits would cost more argon2 per honest attempt; more would
//!   shorten the search further.
use std::cell::RefCell;

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm as ArgonAlgorithm, Argon2, Block, Params, Version};
use subtle::ConstantTimeEq;
use zeroize::Zeroize;

use crate::error::DomainError;
use crate::ids::UserRef;
use crate::random;
use crate::secret::{MasterKey, SecretString};

/// The symbols a code is made of.
pub const ALPHABET: &[u8; 31] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
/// Symbols per code.
pub const SYMBOLS: usize = 8;

/// argon2id cost: 7 MiB, 5 passes, 1 lane, one of OWASP's recommended
/// equivalent settings; it keeps peak memory low for a sidecar while a
/// guess costs tens of milliseconds.
const M_COST_KIB: u32 = 7 * 1024;
const T_COST: u32 = 5;
const P_COST: u32 = 1;
/// Bytes of argon2 output kept in the PHC string.
const OUTPUT_LEN: usize = 32;

thread_local! {
    /// argon2's working memory, one block per KiB of the memory cost, kept
    /// by each thread that hashes between hashes (see
    /// [`release_working_memory`]).
    static MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Blocks reserved for a thread's working memory: 33 MiB, more than the
/// largest hash verified (four times the memory cost) and more than the
/// 32 MiB above which glibc's allocator always gives an allocation a
/// mapping of its own. A smaller buffer, once freed, raises glibc's mapping
/// threshold, and the next one is carved from the thread's arena, where it
/// stays resident after it is freed. Reserved but untouched pages are not
/// resident: a hash touches only the blocks its memory cost needs.
const RESERVED_BLOCKS: usize = 33 * 1024;
const _: () = assert!(RESERVED_BLOCKS * 1024 > 32 << 20);
const _: () = assert!(RESERVED_BLOCKS >= M_COST_KIB as usize * 4);

/// Blocks of argon2 working memory this thread holds (reserved, touched or
/// not).
pub fn working_memory_blocks() -> usize {
    MEMORY.with_borrow(Vec::capacity)
}

/// Frees this thread's argon2 working memory, returning it to the system
/// (see [`RESERVED_BLOCKS`]). Threads that hash call it when they go idle:
/// the memory is needed only while hashes come in.
pub fn release_working_memory() {
    MEMORY.with_borrow_mut(|memory| *memory = Vec::new());
}

fn params() -> Result<Params, DomainError> {
    Params::new(M_COST_KIB, T_COST, P_COST, Some(OUTPUT_LEN))
        .map_err(|_| DomainError::Internal("argon2 parameters were rejected"))
}

/// argon2id (version 0x13) of `password` into `out`, in this thread's
/// working memory, which is wiped afterwards.
fn argon2id_into(
    params: Params,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> Result<(), argon2::Error> {
    let blocks = params.block_count();
    let argon = Argon2::new(ArgonAlgorithm::Argon2id, Version::V0x13, params);
    MEMORY.with_borrow_mut(|memory| {
        if memory.len() < blocks {
            if memory.capacity() < RESERVED_BLOCKS {
                *memory = Vec::with_capacity(RESERVED_BLOCKS);
            }
            memory.resize(blocks, Block::default());
        }
        let result =
            argon.hash_password_into_with_memory(password, salt, out, &mut memory[..blocks]);
        memory.iter_mut().for_each(Zeroize::zeroize);
        result
    })
}

/// A freshly generated code: what the user sees once, and what we keep.
#[derive(Debug)]
pub struct GeneratedCode {
    /// `XXXX-XXXX`, shown once.
    pub display: SecretString,
    /// The canonical form (`XXXXXXXX`) that is hashed.
    pub canonical: SecretString,
    pub lookup_tag: u16,
}

/// What storage keeps of one code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCode {
    pub lookup_tag: u16,
    /// Id of the key that computed the tag.
    pub key_id: String,
    /// argon2id PHC string.
    pub hash: String,
}

/// The 16-bit lookup tag of a canonical code for one user.
pub fn lookup_tag(key: &MasterKey, user: &UserRef, canonical: &SecretString) -> u16 {
    let digest = key.keyed_hash(
        &user.binding("tollgate/v1/recovery-tag"),
        canonical.expose().as_bytes(),
    );
    u16::from_be_bytes([digest[0], digest[1]])
}

fn random_code() -> Result<String, DomainError> {
    let mut out = String::with_capacity(SYMBOLS);
    for _ in 0..SYMBOLS {
        out.push(char::from(
            ALPHABET[usize::from(random::below(ALPHABET.len() as u8)?)],
        ));
    }
    Ok(out)
}

/// `count` fresh, distinct codes with distinct lookup tags.
pub fn generate_set(
    count: usize,
    key: &MasterKey,
    user: &UserRef,
) -> Result<Vec<GeneratedCode>, DomainError> {
    let mut codes: Vec<GeneratedCode> = Vec::with_capacity(count);
    while codes.len() < count {
        let canonical = SecretString::new(random_code()?);
        let lookup_tag = lookup_tag(key, user, &canonical);
        if codes.iter().any(|c| c.lookup_tag == lookup_tag) {
            continue;
        }
        let c = canonical.expose();
        let display = SecretString::new(format!("{}-{}", &c[..SYMBOLS / 2], &c[SYMBOLS / 2..]));
        codes.push(GeneratedCode {
            display,
            canonical,
            lookup_tag,
        });
    }
    Ok(codes)
}

/// What is typed, without surrounding whitespace, dashes and spaces, in
/// upper case (`Zeroizing`: it may be a code).
fn canonical(input: &str) -> zeroize::Zeroizing<String> {
    zeroize::Zeroizing::new(
        input
            .trim()
            .chars()
            .filter(|c| *c != '-' && *c != ' ')
            .map(|c| c.to_ascii_uppercase())
            .collect(),
    )
}

/// A code as typed: case-insensitive, dashes and inner spaces optional,
/// surrounding whitespace ignored. `None` when it cannot be a recovery code.
pub fn normalize(input: &str) -> Option<SecretString> {
    let canonical = canonical(input);
    (canonical.len() == SYMBOLS && canonical.bytes().all(|b| ALPHABET.contains(&b)))
        .then(|| SecretString::new(canonical.to_string()))
}

/// Symbols in a code imported from another system: at least 6 (shorter
/// ones are too easy to guess even under the lockout), at most 32.
pub const IMPORTED_SYMBOLS: std::ops::RangeInclusive<usize> = 6..=32;

/// A code imported from another system, or typed at sign-in: tollgate's
/// own form, else 6 to 32 ASCII letters and digits, with the same
/// normalisation (case, dashes and spaces ignored), so a tollgate code
/// canonicalises the same either way. `None` when it can be neither.
pub fn normalize_any(input: &str) -> Option<SecretString> {
    let canonical = canonical(input);
    let ours = canonical.len() == SYMBOLS && canonical.bytes().all(|b| ALPHABET.contains(&b));
    let imported = IMPORTED_SYMBOLS.contains(&canonical.len())
        && canonical.bytes().all(|b| b.is_ascii_alphanumeric());
    (ours || imported).then(|| SecretString::new(canonical.to_string()))
}

/// argon2id hash (PHC string) of a canonical code. CPU-heavy: run it off the
/// async executor.
pub fn hash(canonical: &SecretString) -> Result<String, DomainError> {
    let failed = || DomainError::Internal("hashing a recovery code failed");
    let mut salt = [0u8; 16];
    random::fill(&mut salt)?;
    let params = params()?;
    let mut out = [0u8; OUTPUT_LEN];
    argon2id_into(
        params.clone(),
        canonical.expose().as_bytes(),
        &salt,
        &mut out,
    )
    .map_err(|_| failed())?;
    let phc = PasswordHash {
        algorithm: ArgonAlgorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|_| failed())?,
        salt: Some(Salt::new(&salt).map_err(|_| failed())?),
        hash: Some(Output::new(&out).map_err(|_| failed())?),
    };
    Ok(phc.to_string())
}

/// Whether a canonical code matches a stored hash (the hash's own
/// parameters, outputs compared in constant time). CPU-heavy: run it off
/// the async executor.
pub fn verify(canonical: &SecretString, stored_hash: &str) -> bool {
    let Ok(phc) = PasswordHash::new(stored_hash) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&phc.salt, &phc.hash) else {
        return false;
    };
    let argon2id = phc.algorithm == ArgonAlgorithm::Argon2id.ident()
        && phc.version == Some(Version::V0x13.into());
    let Ok(params) = Params::try_from(&phc) else {
        return false;
    };
    if !argon2id || params.block_count() > M_COST_KIB as usize * 4 {
        // Not ours, or a cost no one here chose.
        return false;
    }
    let mut out = vec![0u8; expected.len()];
    argon2id_into(
        params,
        canonical.expose().as_bytes(),
        salt.as_ref(),
        &mut out,
    )
    .is_ok()
        && bool::from(out.as_slice().ct_eq(expected.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn user() -> UserRef {
        UserRef::parse("t", "alice").unwrap()
    }

    #[test]
    fn alphabet_has_no_look_alikes() {
        for c in b"0O1IL" {
            assert!(!ALPHABET.contains(c));
        }
        let mut sorted = ALPHABET.to_vec();
        sorted.dedup();
        assert_eq!(sorted.len(), ALPHABET.len());
    }

    #[test]
    fn a_set_is_formatted_and_distinct() {
        let key = MasterKey::from_bytes(&[3; 32]);
        let set = generate_set(8, &key, &user()).unwrap();
        assert_eq!(set.len(), 8);
        let mut tags: Vec<_> = set.iter().map(|c| c.lookup_tag).collect();
        tags.sort_unstable();
        tags.dedup();
        assert_eq!(tags.len(), 8);
        for code in &set {
            let d = code.display.expose();
            assert_eq!(d.len(), 9);
            assert_eq!(&d[4..5], "-");
            assert_eq!(normalize(d).unwrap(), code.canonical);
        }
    }

    #[test]
    fn hash_verifies_only_the_right_code() {
        let code = normalize("ABCD-EFGH").unwrap();
        let stored = hash(&code).unwrap();
        assert!(stored.starts_with("$argon2id$v=19$m=7168,t=5,p=1$"));
        assert!(verify(&code, &stored));
        assert!(!verify(&normalize("ABCD-EFGJ").unwrap(), &stored));
        assert!(!verify(&code, "not a hash"));
    }

    /// A hash reserves more than glibc's largest mapping threshold, so the
    /// buffer is a mapping of its own; releasing it frees it, and the next
    /// hash reserves it again.
    #[test]
    fn working_memory_is_reserved_whole_and_released() {
        let code = normalize("MNPQ-RSTU").unwrap();
        let stored = hash(&code).unwrap();
        assert!(working_memory_blocks() >= RESERVED_BLOCKS);
        release_working_memory();
        assert_eq!(working_memory_blocks(), 0);
        assert!(verify(&code, &stored));
        assert!(working_memory_blocks() >= RESERVED_BLOCKS);
        release_working_memory();
    }

    #[test]
    fn hashes_made_by_the_argon2_crate_itself_still_verify() {
        // Codes stored before the working memory was kept per thread were
        // hashed by the crate's own PasswordHasher; they must still redeem.
        use argon2::PasswordHasher;
        let code = normalize("WXYZ-2345").unwrap();
        let argon = Argon2::new(ArgonAlgorithm::Argon2id, Version::V0x13, params().unwrap());
        let stored = argon
            .hash_password_with_salt(code.expose().as_bytes(), b"sixteen-byte-slt")
            .unwrap()
            .to_string();
        assert!(verify(&code, &stored));
        assert!(!verify(&normalize("WXYZ-2346").unwrap(), &stored));
        // Another variant of argon2 with the same output is not ours.
        let argon2i = Argon2::new(ArgonAlgorithm::Argon2i, Version::V0x13, params().unwrap());
        let other = argon2i
            .hash_password_with_salt(code.expose().as_bytes(), b"sixteen-byte-slt")
            .unwrap()
            .to_string();
        assert!(!verify(&code, &other));
        // Nor is a cost far above ours (it would take memory no one chose).
        let huge = stored.replace("m=7168", "m=1048576");
        assert!(!verify(&code, &huge));
    }

    #[test]
    fn typed_forms_normalise() {
        for typed in ["abcd-efgh", "  ABCDEFGH ", "abcd efgh", "ABCD--EFGH"] {
            assert_eq!(normalize(typed).unwrap().expose(), "ABCDEFGH", "{typed:?}");
        }
        for bad in [
            "",
            "ABCD-EFG",
            "ABCD-EFGHJ",
            "ABCD-EFG0",
            "ABCD-EFGO",
            "ABCD-EFGI",
            "ÄBCD-EFGH",
        ] {
            assert!(normalize(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn imported_forms_normalise_and_ours_are_unchanged() {
        assert_eq!(normalize_any("abcd-efgh").unwrap().expose(), "ABCDEFGH");
        for (typed, canonical) in [
            ("a1b2-c3d4-e5f6", "A1B2C3D4E5F6"),
            ("123456", "123456"),
            ("0O1I-L000", "0O1IL000"),
        ] {
            assert_eq!(normalize_any(typed).unwrap().expose(), canonical);
        }
        for bad in ["12345", "", "ABCD_EFGH", "ÄBCDEFGH", &"A".repeat(33)] {
            assert!(normalize_any(bad).is_none(), "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn ours_canonicalise_alike_either_way(input in "\\PC{0,24}") {
            if let Some(canonical) = normalize(&input) {
                prop_assert_eq!(normalize_any(&input), Some(canonical));
            }
        }

        #[test]
        fn normalise_never_panics_and_is_idempotent(input in "\\PC{0,24}") {
            if let Some(canonical) = normalize(&input) {
                prop_assert_eq!(canonical.expose().len(), SYMBOLS);
                prop_assert_eq!(normalize(canonical.expose()), Some(canonical.clone()));
            }
        }

        #[test]
        fn any_code_survives_case_and_dashes(code in "[ABCDEFGHJKMNPQRSTUVWXYZ2-9]{8}", lower in any::<bool>(), spaces in 0usize..3) {
            let mut typed = format!("{}-{}", &code[..4], &code[4..]);
            if lower { typed = typed.to_lowercase(); }
            let typed = format!("{}{}{}", " ".repeat(spaces), typed, " ".repeat(spaces));
            let canonical = normalize(&typed).unwrap();
            prop_assert_eq!(canonical.expose(), code.as_str());
        }
    }
}
