//! Unit tests of the challenge use cases that need no store: challenge
//! ids and the hashes they are stored under.
use super::*;

fn key() -> MasterKey {
    MasterKey::from_hex(&"ab".repeat(32)).unwrap()
}

fn at(millis: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(millis).unwrap()
}

#[test]
fn challenges_begun_later_are_stored_under_later_hashes() {
    let user = UserRef::parse("acme", "alice").unwrap();
    let start = 1_795_000_000_000;
    let mut previous = String::new();
    for millis in [start, start + 1, start + 1_000, start + 86_400_000] {
        let id = new_challenge_id(at(millis)).unwrap();
        assert_eq!(id.len(), 44);
        let hash = challenge_hash(&key(), &user, &id).unwrap();
        assert_eq!(hash.len(), CHALLENGE_HASH_DIGITS);
        assert!(hash > previous, "{hash} after {previous}");
        previous = hash;
    }
}

#[test]
fn a_challenge_hash_is_bound_to_the_whole_id_and_the_user() {
    let alice = UserRef::parse("acme", "alice").unwrap();
    let bob = UserRef::parse("acme", "bob").unwrap();
    let id = new_challenge_id(at(1_795_000_000_000)).unwrap();
    let other = new_challenge_id(at(1_795_000_000_000)).unwrap();
    let hash = challenge_hash(&key(), &alice, &id).unwrap();
    assert_ne!(hash, challenge_hash(&key(), &alice, &other).unwrap());
    assert_ne!(hash, challenge_hash(&key(), &bob, &id).unwrap());
    assert_eq!(&hash[..12], &id[..12]);
}

#[test]
fn an_id_from_before_ids_led_with_their_time_keeps_its_hash() {
    let user = UserRef::parse("acme", "alice").unwrap();
    let old = "0123456789abcdef0123456789abcdef";
    let whole = hex_lower(&key().keyed_hash(&user.binding(CHALLENGE_PURPOSE), old.as_bytes()));
    assert_eq!(challenge_hash(&key(), &user, old).unwrap(), whole);
}

#[test]
fn a_malformed_challenge_id_is_refused() {
    let user = UserRef::parse("acme", "alice").unwrap();
    let id = new_challenge_id(at(1_795_000_000_000)).unwrap();
    for bad in [
        "",
        &id[..43],
        &format!("{id}0"),
        &id.to_uppercase(),
        &format!("{}é", &id[..42]),
        "0123456789abcdef0123456789abcdeg",
    ] {
        let error = challenge_hash(&key(), &user, bad).unwrap_err();
        assert!(
            matches!(error, DomainError::InvalidArgument(_)),
            "{bad:?}: {error:?}"
        );
    }
}
