//! A software WebAuthn authenticator, together with the browser's part of a
//! ceremony, for the end-to-end tests of passkeys and security keys (#23).
//!
//! It takes the options JSON tollgate hands the application for
//! `navigator.credentials.create` / `.get` (`{"publicKey": {...}}`, binary
//! values in unpadded base64url) and returns the JSON a browser's
//! `credential.toJSON()` gives, so the tests send over the socket what the
//! example application's page will send. Everything in it is real: a P-256
//! key pair per credential, the CBOR attestation object with a COSE key and
//! "none" attestation, and ES256 (ECDSA P-256, SHA-256, DER) signatures over
//! `authenticatorData || SHA-256(clientDataJSON)` (WebAuthn Level 3, §6.1,
//! §6.5, §7). Like a browser it refuses a relying-party id that is not its
//! origin's host or a parent domain of it and an origin that is not a secure
//! context; like an authenticator it refuses to create a second credential
//! for a relying party that lists one of its credentials in
//! `excludeCredentials`, and it signs only with a credential it holds.
//!
//! What it does not do, on purpose, so that the tests can watch the server
//! refuse: it answers `userVerification: "required"` with whatever
//! [`SoftAuthenticator::user_verified`] says, its counter moves by
//! [`SoftAuthenticator::counter_step`] (0 for a synced passkey, negative for a
//! cloned key), it can sign from another origin of the same site
//! ([`SoftAuthenticator::assert_from_origin`]) or with a credential the
//! options did not allow ([`SoftAuthenticator::assert_with_credential`]), and
//! the strings it returns can be sent again (a replay). Extensions are not
//! processed (every extension is optional; `clientExtensionResults` is `{}`).
//!
//! The test at the end runs it against webauthn-rs itself, without a server,
//! which shows that its output is what the library accepts.
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::{Signature, SigningKey};
use p256::elliptic_curve::Generate as _;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

/// Authenticator data flags (WebAuthn §6.1): user present, user verified,
/// backup eligible, backup state, attested credential data included.
const UP: u8 = 0x01;
const UV: u8 = 0x04;
const BE: u8 = 0x08;
const BS: u8 = 0x10;
const AT: u8 = 0x40;
/// COSE algorithm ES256: ECDSA with P-256 and SHA-256.
const ES256: i64 = -7;

/// One authenticator (a phone's passkey store, or a security key) in one
/// browser at one origin.
pub struct SoftAuthenticator {
    origin: String,
    /// The UV flag it reports: a passkey verifies the user (PIN, biometrics),
    /// a security key used with a password only shows presence (UP is always
    /// set).
    pub user_verified: bool,
    /// The BE flag: the credential may be synced to other devices.
    pub backup_eligible: bool,
    /// The BS flag: the credential is synced now.
    pub backup_state: bool,
    /// Added to a credential's signature counter before each assertion: 1
    /// like most hardware, 0 for synced passkeys (which report 0 always), and
    /// negative for a counter that goes backwards (a cloned key). The counter
    /// stays within 0..=u32::MAX.
    pub counter_step: i64,
    /// A platform authenticator (transport "internal", attachment
    /// "platform") or a roaming one ("usb", "cross-platform").
    pub platform: bool,
    credentials: Vec<Credential>,
}

struct Credential {
    id: Vec<u8>,
    key: SigningKey,
    rp_id: String,
    user_handle: Vec<u8>,
    counter: u32,
}

impl SoftAuthenticator {
    /// A device-bound passkey at `origin` (e.g. "http://localhost:8080"), as
    /// Chromium's virtual authenticator behaves: user verified, not backed
    /// up, counter counting up by one.
    pub fn new(origin: &str) -> Self {
        Self {
            origin: origin.to_owned(),
            user_verified: true,
            backup_eligible: false,
            backup_state: false,
            counter_step: 1,
            platform: true,
            credentials: Vec::new(),
        }
    }

    /// A synced passkey (iCloud Keychain, Google Password Manager): user
    /// verified, backup eligible and backed up, counter always 0.
    pub fn synced_passkey(origin: &str) -> Self {
        Self {
            backup_eligible: true,
            backup_state: true,
            counter_step: 0,
            ..Self::new(origin)
        }
    }

    /// A USB security key used with a password: presence only, no backup,
    /// counter counting up by one.
    pub fn security_key(origin: &str) -> Self {
        Self {
            user_verified: false,
            platform: false,
            ..Self::new(origin)
        }
    }

    /// The id of the credential created last, if any.
    pub fn last_credential_id(&self) -> Option<&[u8]> {
        self.credentials.last().map(|c| c.id.as_slice())
    }

    /// A credential's signature counter as the authenticator holds it.
    pub fn counter(&self, credential_id: &[u8]) -> Option<u32> {
        self.credentials
            .iter()
            .find(|c| c.id == credential_id)
            .map(|c| c.counter)
    }

    /// `navigator.credentials.create({publicKey})` at this authenticator's
    /// origin: takes the creation options JSON, returns the registration
    /// response JSON or the browser's refusal.
    pub fn register(&mut self, creation_options_json: &str) -> Result<String, String> {
        let origin = self.origin.clone();
        self.register_from_origin(creation_options_json, &origin)
    }

    /// [`register`](Self::register) from a page at `origin`.
    pub fn register_from_origin(
        &mut self,
        creation_options_json: &str,
        origin: &str,
    ) -> Result<String, String> {
        let options = public_key_options(creation_options_json)?;
        let rp_id = relying_party_id(origin, options["rp"]["id"].as_str())?;
        let challenge = binary(&options["challenge"], "challenge")?;
        let user_handle = binary(&options["user"]["id"], "user.id")?;
        let es256 = options["pubKeyCredParams"]
            .as_array()
            .is_some_and(|params| {
                params
                    .iter()
                    .any(|p| p["type"] == "public-key" && p["alg"] == ES256)
            });
        if !es256 {
            return Err("NotSupportedError: the relying party does not accept ES256".into());
        }
        let excluded = descriptor_ids(&options["excludeCredentials"])?;
        if self
            .credentials
            .iter()
            .any(|c| c.rp_id == rp_id && excluded.contains(&c.id))
        {
            return Err(
                "InvalidStateError: this authenticator already holds a credential the relying party excludes"
                    .into(),
            );
        }

        let mut id = vec![0u8; 32];
        rand::fill(&mut id[..]);
        let key = SigningKey::generate_from_rng(&mut rand::rng());
        let client_data = client_data_json("webauthn.create", &challenge, origin);
        let mut authenticator_data = self.authenticator_data(&rp_id, AT, 0);
        attested_credential_data(&id, &key, &mut authenticator_data)?;
        let mut attestation_object = Vec::new();
        cbor(
            &Cbor::Map(vec![
                (Cbor::Text("fmt"), Cbor::Text("none")),
                (Cbor::Text("attStmt"), Cbor::Map(Vec::new())),
                (Cbor::Text("authData"), Cbor::Bytes(&authenticator_data)),
            ]),
            &mut attestation_object,
        );
        let response = json!({
            "id": b64(&id),
            "rawId": b64(&id),
            "type": "public-key",
            "authenticatorAttachment": self.attachment(),
            "response": {
                "clientDataJSON": b64(client_data.as_bytes()),
                "attestationObject": b64(&attestation_object),
                "authenticatorData": b64(&authenticator_data),
                "publicKeyAlgorithm": ES256,
                "transports": [self.transport()],
            },
            "clientExtensionResults": {},
        });
        self.credentials.push(Credential {
            id,
            key,
            rp_id,
            user_handle,
            counter: 0,
        });
        Ok(response.to_string())
    }

    /// `navigator.credentials.get({publicKey})` at this authenticator's
    /// origin: signs with a credential it holds from `allowCredentials` (or,
    /// when that list is empty, the newest credential for the relying party,
    /// as in a discoverable sign-in) and returns the assertion JSON.
    pub fn assert(&mut self, request_options_json: &str) -> Result<String, String> {
        let origin = self.origin.clone();
        self.get(request_options_json, &origin, None)
    }

    /// [`assert`](Self::assert) from a page at `origin`. The browser's own
    /// check still applies, so `origin` must be of the relying party's site
    /// (another port or subdomain); that the server accepts only its allowed
    /// origins is what a test of this shows.
    pub fn assert_from_origin(
        &mut self,
        request_options_json: &str,
        origin: &str,
    ) -> Result<String, String> {
        self.get(request_options_json, origin, None)
    }

    /// An assertion signed with `credential_id` whether or not the options
    /// allow it, as a tampered client could send: the server must check that
    /// the credential belongs to the user signing in.
    pub fn assert_with_credential(
        &mut self,
        request_options_json: &str,
        credential_id: &[u8],
    ) -> Result<String, String> {
        let origin = self.origin.clone();
        self.get(request_options_json, &origin, Some(credential_id))
    }

    fn get(
        &mut self,
        request_options_json: &str,
        origin: &str,
        chosen: Option<&[u8]>,
    ) -> Result<String, String> {
        let options = public_key_options(request_options_json)?;
        let rp_id = relying_party_id(origin, options["rpId"].as_str())?;
        let challenge = binary(&options["challenge"], "challenge")?;
        let allowed = descriptor_ids(&options["allowCredentials"])?;
        let flags = self.flags(0);
        let (attachment, step) = (self.attachment(), self.counter_step);
        let credential = self
            .credentials
            .iter_mut()
            .rev()
            .find(|c| match chosen {
                Some(id) => c.id == id,
                None => c.rp_id == rp_id && (allowed.is_empty() || allowed.contains(&c.id)),
            })
            .ok_or("NotAllowedError: this authenticator holds none of the allowed credentials")?;
        let counter = (i64::from(credential.counter) + step).clamp(0, i64::from(u32::MAX));
        credential.counter = u32::try_from(counter).map_err(|e| e.to_string())?;

        let client_data = client_data_json("webauthn.get", &challenge, origin);
        let mut authenticator_data = rp_id_hash(&rp_id).to_vec();
        authenticator_data.push(flags);
        authenticator_data.extend_from_slice(&credential.counter.to_be_bytes());
        let mut signed = authenticator_data.clone();
        signed.extend_from_slice(&Sha256::digest(client_data.as_bytes()));
        let signature: Signature = credential.key.sign(&signed);
        Ok(json!({
            "id": b64(&credential.id),
            "rawId": b64(&credential.id),
            "type": "public-key",
            "authenticatorAttachment": attachment,
            "response": {
                "clientDataJSON": b64(client_data.as_bytes()),
                "authenticatorData": b64(&authenticator_data),
                "signature": b64(signature.to_der().as_bytes()),
                "userHandle": b64(&credential.user_handle),
            },
            "clientExtensionResults": {},
        })
        .to_string())
    }

    fn flags(&self, extra: u8) -> u8 {
        let set = |on: bool, flag: u8| if on { flag } else { 0 };
        UP | extra
            | set(self.user_verified, UV)
            | set(self.backup_eligible, BE)
            | set(self.backup_state, BS)
    }

    /// rpIdHash, flags and the counter: the 37 bytes every authenticator
    /// data starts with.
    fn authenticator_data(&self, rp_id: &str, extra_flags: u8, counter: u32) -> Vec<u8> {
        let mut data = rp_id_hash(rp_id).to_vec();
        data.push(self.flags(extra_flags));
        data.extend_from_slice(&counter.to_be_bytes());
        data
    }

    fn attachment(&self) -> &'static str {
        if self.platform {
            "platform"
        } else {
            "cross-platform"
        }
    }

    fn transport(&self) -> &'static str {
        if self.platform { "internal" } else { "usb" }
    }
}

/// The attested credential data (§6.5.2): an all-zero AAGUID (as with "none"
/// attestation), the credential id's length and the id, and the public key as
/// a COSE_Key (RFC 9053: kty EC2, alg ES256, crv P-256, x, y).
fn attested_credential_data(id: &[u8], key: &SigningKey, out: &mut Vec<u8>) -> Result<(), String> {
    out.extend_from_slice(&[0; 16]);
    let length = u16::try_from(id.len()).map_err(|e| e.to_string())?;
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(id);
    let point = key.verifying_key().to_sec1_point(false);
    // Uncompressed SEC1: 0x04, then x and y, 32 bytes each.
    let (x, y) = point.as_bytes()[1..].split_at(32);
    cbor(
        &Cbor::Map(vec![
            (Cbor::Int(1), Cbor::Int(2)),
            (Cbor::Int(3), Cbor::Int(ES256)),
            (Cbor::Int(-1), Cbor::Int(1)),
            (Cbor::Int(-2), Cbor::Bytes(x)),
            (Cbor::Int(-3), Cbor::Bytes(y)),
        ]),
        out,
    );
    Ok(())
}

/// What the browser writes as clientDataJSON, in its member order.
fn client_data_json(kind: &str, challenge: &[u8], origin: &str) -> String {
    format!(
        r#"{{"type":{},"challenge":{},"origin":{},"crossOrigin":false}}"#,
        Value::from(kind),
        Value::from(b64(challenge)),
        Value::from(origin),
    )
}

fn rp_id_hash(rp_id: &str) -> [u8; 32] {
    Sha256::digest(rp_id.as_bytes()).into()
}

/// The `publicKey` member of the options JSON.
fn public_key_options(options_json: &str) -> Result<Value, String> {
    let mut options: Value = serde_json::from_str(options_json)
        .map_err(|e| format!("TypeError: the options are not JSON: {e}"))?;
    match options.get_mut("publicKey") {
        Some(public_key) if public_key.is_object() => Ok(public_key.take()),
        _ => Err("TypeError: the options have no publicKey object".into()),
    }
}

/// The relying-party id a page at `origin` may use, as the browser decides
/// it (§5.1.3, §5.1.4): the origin must be a secure context (https, or http
/// on localhost) and the id, by default the origin's host, must be that host
/// or a parent domain of it.
fn relying_party_id(origin: &str, requested: Option<&str>) -> Result<String, String> {
    let (scheme, authority) = origin
        .split_once("://")
        .filter(|(_, rest)| !rest.is_empty() && !rest.contains('/'))
        .ok_or_else(|| format!("TypeError: {origin:?} is not an origin"))?;
    let host = authority
        .rsplit_once(':')
        .map_or(authority, |(host, _port)| host)
        .to_ascii_lowercase();
    let local = host == "localhost" || host.ends_with(".localhost") || host == "127.0.0.1";
    if !(scheme == "https" || (scheme == "http" && local)) {
        return Err(format!("NotAllowedError: {origin} is not a secure context"));
    }
    let rp_id = requested.map_or_else(|| host.clone(), str::to_ascii_lowercase);
    if host == rp_id || host.ends_with(&format!(".{rp_id}")) {
        Ok(rp_id)
    } else {
        Err(format!(
            "SecurityError: the relying party id {rp_id:?} is not valid for {origin}"
        ))
    }
}

/// The ids of a list of PublicKeyCredentialDescriptors (absent: none).
fn descriptor_ids(descriptors: &Value) -> Result<Vec<Vec<u8>>, String> {
    match descriptors {
        Value::Null => Ok(Vec::new()),
        Value::Array(list) => list
            .iter()
            .filter(|d| d["type"] == "public-key")
            .map(|d| binary(&d["id"], "credential id"))
            .collect(),
        _ => Err("TypeError: a credential list is not an array".into()),
    }
}

fn binary(value: &Value, what: &str) -> Result<Vec<u8>, String> {
    let text = value
        .as_str()
        .ok_or_else(|| format!("TypeError: {what} is missing"))?;
    URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|e| format!("TypeError: {what} is not base64url: {e}"))
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Just enough CBOR (RFC 8949) for an attestation object and a COSE key.
/// Maps are written in the order given; the callers give CTAP2's canonical
/// order (shorter keys first, then bytewise).
enum Cbor<'a> {
    Int(i64),
    Bytes(&'a [u8]),
    Text(&'a str),
    Map(Vec<(Cbor<'a>, Cbor<'a>)>),
}

fn cbor(item: &Cbor<'_>, out: &mut Vec<u8>) {
    match item {
        Cbor::Int(n) if *n >= 0 => cbor_head(0, n.unsigned_abs(), out),
        Cbor::Int(n) => cbor_head(1, (-1 - n).unsigned_abs(), out),
        Cbor::Bytes(bytes) => {
            cbor_head(2, bytes.len() as u64, out);
            out.extend_from_slice(bytes);
        }
        Cbor::Text(text) => {
            cbor_head(3, text.len() as u64, out);
            out.extend_from_slice(text.as_bytes());
        }
        Cbor::Map(entries) => {
            cbor_head(5, entries.len() as u64, out);
            for (key, value) in entries {
                cbor(key, out);
                cbor(value, out);
            }
        }
    }
}

/// A data item's head: the major type and its argument in the shortest form.
fn cbor_head(major: u8, argument: u64, out: &mut Vec<u8>) {
    let major = major << 5;
    let bytes = argument.to_be_bytes();
    match argument {
        0..=23 => out.push(major | bytes[7]),
        24..=0xff => out.extend_from_slice(&[major | 24, bytes[7]]),
        0x100..=0xffff => {
            out.push(major | 25);
            out.extend_from_slice(&bytes[6..]);
        }
        0x1_0000..=0xffff_ffff => {
            out.push(major | 26);
            out.extend_from_slice(&bytes[4..]);
        }
        _ => {
            out.push(major | 27);
            out.extend_from_slice(&bytes);
        }
    }
}

/// The authenticator against webauthn-rs itself, no server: what it sends is
/// what the library accepts, and what the library refuses it refuses.
mod tests {
    use super::*;
    use webauthn_rs::prelude::{
        AuthenticationResult, Credential, Passkey, PublicKeyCredential,
        RegisterPublicKeyCredential, SecurityKey, Url, Uuid, Webauthn, WebauthnBuilder,
        WebauthnError,
    };

    const ORIGIN: &str = "http://localhost:8080";

    fn relying_party() -> Webauthn {
        let origin = Url::parse(ORIGIN).unwrap();
        WebauthnBuilder::new("localhost", &origin)
            .unwrap()
            .build()
            .unwrap()
    }

    fn register_passkey(webauthn: &Webauthn, soft: &mut SoftAuthenticator, user: &str) -> Passkey {
        let (options, state) = webauthn
            .start_passkey_registration(Uuid::new_v4(), user, user, None)
            .unwrap();
        let response = soft
            .register(&serde_json::to_string(&options).unwrap())
            .unwrap();
        let response: RegisterPublicKeyCredential = serde_json::from_str(&response).unwrap();
        webauthn
            .finish_passkey_registration(&response, &state)
            .unwrap()
    }

    /// One passkey sign-in: the options, the authenticator's answer from
    /// `answer`, the library's verdict.
    fn passkey_sign_in(
        webauthn: &Webauthn,
        passkey: &Passkey,
        answer: impl FnOnce(&str) -> Result<String, String>,
    ) -> Result<AuthenticationResult, WebauthnError> {
        let (options, state) = webauthn
            .start_passkey_authentication(std::slice::from_ref(passkey))
            .unwrap();
        let response = answer(&serde_json::to_string(&options).unwrap()).unwrap();
        let response: PublicKeyCredential = serde_json::from_str(&response).unwrap();
        webauthn.finish_passkey_authentication(&response, &state)
    }

    fn credential(passkey: &Passkey) -> Credential {
        Credential::from(passkey.clone())
    }

    #[test]
    fn a_passkey_registers_and_signs_in_and_its_counter_counts_up() {
        let webauthn = relying_party();
        let mut soft = SoftAuthenticator::new(ORIGIN);
        let mut passkey = register_passkey(&webauthn, &mut soft, "alice");
        assert_eq!(
            Some(passkey.cred_id().as_slice()),
            soft.last_credential_id()
        );
        assert_eq!(credential(&passkey).counter, 0);

        for expected in 1..=2 {
            let result = passkey_sign_in(&webauthn, &passkey, |o| soft.assert(o)).unwrap();
            assert!(result.user_verified());
            assert_eq!(result.counter(), expected);
            assert!(result.needs_update());
            assert_eq!(passkey.update_credential(&result), Some(true));
        }
        assert_eq!(credential(&passkey).counter, 2);
        assert_eq!(soft.counter(passkey.cred_id()), Some(2));
    }

    #[test]
    fn a_synced_passkey_reports_counter_zero_and_is_accepted_every_time() {
        let webauthn = relying_party();
        let mut soft = SoftAuthenticator::synced_passkey(ORIGIN);
        let passkey = register_passkey(&webauthn, &mut soft, "alice");
        let stored = credential(&passkey);
        assert!(stored.backup_eligible && stored.backup_state);

        for _ in 0..2 {
            let result = passkey_sign_in(&webauthn, &passkey, |o| soft.assert(o)).unwrap();
            assert_eq!(result.counter(), 0);
            assert!(result.backup_eligible() && result.backup_state());
            assert!(!result.needs_update());
        }
    }

    #[test]
    fn a_security_key_signs_in_with_presence_only_but_is_no_passkey() {
        let webauthn = relying_party();
        let mut key = SoftAuthenticator::security_key(ORIGIN);
        let (options, state) = webauthn
            .start_securitykey_registration(Uuid::new_v4(), "bob", "Bob", None, None, None)
            .unwrap();
        let response = key
            .register(&serde_json::to_string(&options).unwrap())
            .unwrap();
        let response: RegisterPublicKeyCredential = serde_json::from_str(&response).unwrap();
        let security_key: SecurityKey = webauthn
            .finish_securitykey_registration(&response, &state)
            .unwrap();

        let (options, state) = webauthn
            .start_securitykey_authentication(std::slice::from_ref(&security_key))
            .unwrap();
        let response = key
            .assert(&serde_json::to_string(&options).unwrap())
            .unwrap();
        let response: PublicKeyCredential = serde_json::from_str(&response).unwrap();
        let result = webauthn
            .finish_securitykey_authentication(&response, &state)
            .unwrap();
        assert!(!result.user_verified());
        assert_eq!(result.counter(), 1);

        // A passkey ceremony requires user verification, which this key lacks.
        let (options, state) = webauthn
            .start_passkey_registration(Uuid::new_v4(), "bob", "Bob", None)
            .unwrap();
        let response = key
            .register(&serde_json::to_string(&options).unwrap())
            .unwrap();
        let response: RegisterPublicKeyCredential = serde_json::from_str(&response).unwrap();
        assert!(matches!(
            webauthn.finish_passkey_registration(&response, &state),
            Err(WebauthnError::UserNotVerified)
        ));
    }

    #[test]
    fn an_excluded_credential_is_not_created_twice_on_one_authenticator() {
        let webauthn = relying_party();
        let mut soft = SoftAuthenticator::new(ORIGIN);
        let passkey = register_passkey(&webauthn, &mut soft, "alice");
        let (options, _state) = webauthn
            .start_passkey_registration(
                Uuid::new_v4(),
                "alice",
                "alice",
                Some(vec![passkey.cred_id().clone()]),
            )
            .unwrap();
        let options = serde_json::to_string(&options).unwrap();

        let refusal = soft.register(&options).unwrap_err();
        assert!(refusal.starts_with("InvalidStateError"), "{refusal}");
        // Another authenticator holds no excluded credential.
        assert!(SoftAuthenticator::new(ORIGIN).register(&options).is_ok());
    }

    #[test]
    fn an_origin_the_relying_party_does_not_allow_is_refused() {
        let webauthn = relying_party();
        let mut soft = SoftAuthenticator::new(ORIGIN);
        let passkey = register_passkey(&webauthn, &mut soft, "alice");

        // Pages of the same site the browser lets use the id; the library does not.
        for origin in [
            "http://localhost:9999",
            "https://localhost:8080",
            "http://app.localhost:8080",
        ] {
            let refused =
                passkey_sign_in(&webauthn, &passkey, |o| soft.assert_from_origin(o, origin));
            assert!(
                matches!(refused, Err(WebauthnError::InvalidRPOrigin)),
                "{origin}: {refused:?}"
            );
        }
        let (options, state) = webauthn
            .start_passkey_registration(Uuid::new_v4(), "alice", "alice", None)
            .unwrap();
        let options = serde_json::to_string(&options).unwrap();
        let response = soft
            .register_from_origin(&options, "http://localhost:9999")
            .unwrap();
        let response: RegisterPublicKeyCredential = serde_json::from_str(&response).unwrap();
        assert!(matches!(
            webauthn.finish_passkey_registration(&response, &state),
            Err(WebauthnError::InvalidRPOrigin)
        ));

        // Another site, or a page that is no secure context: the browser refuses.
        let (options, _state) = webauthn
            .start_passkey_authentication(std::slice::from_ref(&passkey))
            .unwrap();
        let options = serde_json::to_string(&options).unwrap();
        let refusal = soft
            .assert_from_origin(&options, "https://evil.example")
            .unwrap_err();
        assert!(refusal.starts_with("SecurityError"), "{refusal}");
        let refusal = soft
            .assert_from_origin(&options, "http://example.com")
            .unwrap_err();
        assert!(refusal.starts_with("NotAllowedError"), "{refusal}");
    }

    #[test]
    fn an_assertion_replayed_for_another_challenge_is_refused() {
        let webauthn = relying_party();
        let mut soft = SoftAuthenticator::new(ORIGIN);
        let passkey = register_passkey(&webauthn, &mut soft, "alice");
        let (options, first) = webauthn
            .start_passkey_authentication(std::slice::from_ref(&passkey))
            .unwrap();
        let assertion = soft
            .assert(&serde_json::to_string(&options).unwrap())
            .unwrap();
        let assertion: PublicKeyCredential = serde_json::from_str(&assertion).unwrap();
        assert!(
            webauthn
                .finish_passkey_authentication(&assertion, &first)
                .is_ok()
        );

        let (_options, second) = webauthn
            .start_passkey_authentication(std::slice::from_ref(&passkey))
            .unwrap();
        assert!(matches!(
            webauthn.finish_passkey_authentication(&assertion, &second),
            Err(WebauthnError::MismatchedChallenge)
        ));
        // The library keeps no record of finished ceremonies: the same state
        // accepts the same assertion again. Single use is the server's to keep.
        assert!(
            webauthn
                .finish_passkey_authentication(&assertion, &first)
                .is_ok()
        );
    }

    #[test]
    fn a_counter_that_does_not_count_up_is_refused_once_it_has_counted() {
        let webauthn = relying_party();
        let mut soft = SoftAuthenticator::new(ORIGIN);
        let mut passkey = register_passkey(&webauthn, &mut soft, "alice");
        for _ in 0..2 {
            let result = passkey_sign_in(&webauthn, &passkey, |o| soft.assert(o)).unwrap();
            passkey.update_credential(&result);
        }

        soft.counter_step = -1;
        let backwards = passkey_sign_in(&webauthn, &passkey, |o| soft.assert(o));
        assert!(matches!(
            backwards,
            Err(WebauthnError::CredentialPossibleCompromise)
        ));
        assert_eq!(soft.counter(passkey.cred_id()), Some(1));
        // Back up to the stored value, not past it: refused as well.
        soft.counter_step = 1;
        let equal = passkey_sign_in(&webauthn, &passkey, |o| soft.assert(o));
        assert!(matches!(
            equal,
            Err(WebauthnError::CredentialPossibleCompromise)
        ));
    }

    #[test]
    fn a_credential_the_options_do_not_allow_is_refused() {
        let webauthn = relying_party();
        let mut soft = SoftAuthenticator::new(ORIGIN);
        let alice = register_passkey(&webauthn, &mut soft, "alice");
        let carol = register_passkey(&webauthn, &mut soft, "carol");

        // The authenticator answers alice's options with alice's credential,
        // though carol's is newer.
        let result = passkey_sign_in(&webauthn, &alice, |o| soft.assert(o)).unwrap();
        assert_eq!(result.cred_id(), alice.cred_id());
        // A tampered client signing with carol's.
        let refused = passkey_sign_in(&webauthn, &alice, |o| {
            soft.assert_with_credential(o, carol.cred_id())
        });
        assert!(matches!(refused, Err(WebauthnError::CredentialNotFound)));

        let (options, _state) = webauthn
            .start_passkey_authentication(std::slice::from_ref(&alice))
            .unwrap();
        let refusal = SoftAuthenticator::new(ORIGIN)
            .assert(&serde_json::to_string(&options).unwrap())
            .unwrap_err();
        assert!(refusal.starts_with("NotAllowedError"), "{refusal}");
    }

    #[test]
    fn user_verification_and_backup_flags_are_checked() {
        let webauthn = relying_party();
        let mut soft = SoftAuthenticator::new(ORIGIN);
        let mut passkey = register_passkey(&webauthn, &mut soft, "alice");

        soft.user_verified = false;
        let refused = passkey_sign_in(&webauthn, &passkey, |o| soft.assert(o));
        assert!(matches!(refused, Err(WebauthnError::UserNotVerified)));
        soft.user_verified = true;

        // Backed up without being eligible: refused.
        soft.backup_state = true;
        let refused = passkey_sign_in(&webauthn, &passkey, |o| soft.assert(o));
        assert!(matches!(
            refused,
            Err(WebauthnError::CredentialMayNotBeHardwareBound)
        ));
        // A passkey may become eligible for backup (a passkey sign-in allows
        // it), but not be backed up in the same sign-in: the flags are
        // checked against the stored credential, which is not eligible yet.
        soft.backup_eligible = true;
        let refused = passkey_sign_in(&webauthn, &passkey, |o| soft.assert(o));
        assert!(matches!(
            refused,
            Err(WebauthnError::CredentialMayNotBeHardwareBound)
        ));
        soft.backup_state = false;
        let result = passkey_sign_in(&webauthn, &passkey, |o| soft.assert(o)).unwrap();
        assert!(result.backup_eligible() && !result.backup_state() && result.needs_update());
        assert_eq!(passkey.update_credential(&result), Some(true));
        soft.backup_state = true;
        let result = passkey_sign_in(&webauthn, &passkey, |o| soft.assert(o)).unwrap();
        assert!(result.backup_eligible() && result.backup_state());
        // An eligible one that stops being eligible: refused.
        let mut synced = SoftAuthenticator::synced_passkey(ORIGIN);
        let synced_passkey = register_passkey(&webauthn, &mut synced, "alice");
        synced.backup_eligible = false;
        synced.backup_state = false;
        let refused = passkey_sign_in(&webauthn, &synced_passkey, |o| synced.assert(o));
        assert!(matches!(
            refused,
            Err(WebauthnError::CredentialBackupEligibilityInconsistent)
        ));
    }

    #[test]
    fn the_signature_covers_the_authenticator_data_and_the_client_data() {
        let webauthn = relying_party();
        let mut soft = SoftAuthenticator::new(ORIGIN);
        let passkey = register_passkey(&webauthn, &mut soft, "alice");

        // Changed after signing: the counter's low byte, one up (still
        // counting up), or one more member in the client data (still JSON).
        for field in ["authenticatorData", "clientDataJSON"] {
            let tampered = passkey_sign_in(&webauthn, &passkey, |o| {
                let mut assertion: Value = serde_json::from_str(&soft.assert(o)?).unwrap();
                let mut bytes = binary(&assertion["response"][field], field)?;
                if field == "authenticatorData" {
                    *bytes.last_mut().unwrap() += 1;
                } else {
                    bytes.splice(bytes.len() - 1.., *br#","x":1}"#);
                }
                assertion["response"][field] = b64(&bytes).into();
                Ok(assertion.to_string())
            });
            assert!(
                matches!(tampered, Err(WebauthnError::AuthenticationFailure)),
                "{field}: {tampered:?}"
            );
        }
    }

    #[test]
    fn the_json_is_what_a_browser_sends() {
        let webauthn = relying_party();
        let (options, _state) = webauthn
            .start_passkey_registration(Uuid::new_v4(), "alice", "Alice", None)
            .unwrap();
        let options_json = serde_json::to_string(&options).unwrap();
        let mut soft = SoftAuthenticator::new(ORIGIN);
        let response: Value = serde_json::from_str(&soft.register(&options_json).unwrap()).unwrap();

        let id = soft.last_credential_id().unwrap().to_vec();
        assert_eq!(id.len(), 32);
        assert_eq!(response["id"], b64(&id));
        assert_eq!(response["rawId"], b64(&id));
        assert_eq!(response["type"], "public-key");
        assert_eq!(response["clientExtensionResults"], json!({}));
        let client_data = binary(&response["response"]["clientDataJSON"], "").unwrap();
        assert_eq!(
            String::from_utf8(client_data).unwrap(),
            format!(
                r#"{{"type":"webauthn.create","challenge":"{}","origin":"http://localhost:8080","crossOrigin":false}}"#,
                b64(&options.public_key.challenge)
            )
        );
        let data = binary(&response["response"]["authenticatorData"], "").unwrap();
        assert_eq!(data[..32], rp_id_hash("localhost"));
        assert_eq!(data[32], UP | UV | AT);
        assert_eq!(data[33..37], [0, 0, 0, 0]);
        assert_eq!(data[37..53], [0; 16]);
        assert_eq!(data[53..55], [0, 32]);
        assert_eq!(data[55..87], id[..]);
        // COSE_Key: a map of 5; 1: 2 (EC2), 3: -7 (ES256), -1: 1 (P-256), -2: x.
        assert_eq!(
            data[87..95],
            [0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21]
        );
        assert_eq!(data[95..97], [0x58, 32]);
        // x (32 bytes), then -3: y (32 bytes), and nothing after.
        assert_eq!(data[129..132], [0x22, 0x58, 32]);
        assert_eq!(data.len(), 164);
        let attestation = binary(&response["response"]["attestationObject"], "").unwrap();
        assert_eq!(attestation[..5], [0xa3, 0x63, b'f', b'm', b't']);
        assert!(attestation.ends_with(&data));
    }
}
