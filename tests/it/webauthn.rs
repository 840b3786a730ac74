//! Passkeys and security keys (WebAuthn), end to end over the Unix socket on
//! SQLite and Postgres, with the software authenticator of
//! `soft_authenticator` signing real P-256 assertions: registration, sign-in,
//! the counter, and the attacks (a replayed assertion, one made for another
//! challenge, another user's credential, an origin not allowed, an expired
//! or reused ceremony, a counter that goes backwards).
use chrono::TimeDelta;
use sea_orm::{EntityTrait, PaginatorTrait};
use tollgate::config::{RelyingPartyEntry, ServerConfig};
use tollgate::pb;
use tollgate::pb::challenge_service_client::ChallengeServiceClient;
use tollgate::pb::policy_service_client::PolicyServiceClient;
use tollgate_domain::ports::{
    AuditEvent, ClientInfo, CredentialAdded, NewRecoverySet, NewWebAuthnCredential, Outcome,
    RecoveryOnEnable, WebAuthnKind, WebAuthnStore,
};
use tollgate_domain::recovery::StoredCode;
use tollgate_domain::retention::Retention;
use tollgate_domain::{Clock, UserRef};
use tollgate_storage::entity::webauthn_ceremony;
use tonic::Code;

use crate::enrollment::enrol;
use crate::soft_authenticator::SoftAuthenticator;
use crate::support::{TestDb, TestServer, clock, on_both_databases, reason};

pub(crate) const ORIGIN: &str = "http://localhost:8080";

/// The test relying party: "localhost", used from `ORIGIN`.
pub(crate) fn with_relying_party(config: &mut ServerConfig) {
    config.relying_parties = vec![RelyingPartyEntry {
        tenant: "*".to_owned(),
        audience: String::new(),
        id: "localhost".to_owned(),
        name: "tollgate tests".to_owned(),
        origins: vec![ORIGIN.to_owned()],
    }];
}

async fn start(db: &TestDb) -> TestServer {
    TestServer::start_with(db, clock(), with_relying_party).await
}

pub(crate) async fn begin_registration(
    server: &TestServer,
    user: &str,
    kind: pb::WebAuthnKind,
) -> Result<pb::BeginWebAuthnRegistrationResponse, tonic::Status> {
    server
        .enrollment()
        .await
        .begin_web_authn_registration(pb::BeginWebAuthnRegistrationRequest {
            user_id: user.to_owned(),
            user_name: format!("{user}@example.com"),
            kind: kind as i32,
            ..Default::default()
        })
        .await
        .map(tonic::Response::into_inner)
}

async fn finish_registration(
    server: &TestServer,
    user: &str,
    registration_id: &str,
    credential_json: &str,
) -> Result<pb::FinishWebAuthnRegistrationResponse, tonic::Status> {
    server
        .enrollment()
        .await
        .finish_web_authn_registration(pb::FinishWebAuthnRegistrationRequest {
            user_id: user.to_owned(),
            registration_id: registration_id.to_owned(),
            credential_json: credential_json.to_owned(),
            label: "My key".to_owned(),
            ..Default::default()
        })
        .await
        .map(tonic::Response::into_inner)
}

/// Registers a credential of `kind` on `authenticator` for `user`.
pub(crate) async fn register(
    server: &TestServer,
    user: &str,
    authenticator: &mut SoftAuthenticator,
    kind: pb::WebAuthnKind,
) -> pb::FinishWebAuthnRegistrationResponse {
    let begun = begin_registration(server, user, kind).await.unwrap();
    let response = authenticator
        .register(&begun.creation_options_json)
        .unwrap();
    finish_registration(server, user, &begun.registration_id, &response)
        .await
        .unwrap()
}

async fn challenge_client(
    server: &TestServer,
) -> ChallengeServiceClient<tonic::transport::Channel> {
    ChallengeServiceClient::new(server.channel().await)
}

/// Begins a sign-in challenge for `user`: its id and request options.
async fn begin_sign_in(server: &TestServer, user: &str) -> (String, String) {
    let begun = challenge_client(server)
        .await
        .begin_challenge(pb::BeginChallengeRequest {
            user_id: user.to_owned(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(begun.decision(), pb::Decision::Challenge);
    assert!(begun.methods.contains(&(pb::Method::Webauthn as i32)));
    assert!(!begun.webauthn_request_options_json.is_empty());
    (begun.challenge_id, begun.webauthn_request_options_json)
}

async fn verify(
    server: &TestServer,
    user: &str,
    challenge_id: &str,
    assertion: &str,
) -> Result<pb::VerifyChallengeResponse, tonic::Status> {
    challenge_client(server)
        .await
        .verify_challenge(pb::VerifyChallengeRequest {
            user_id: user.to_owned(),
            challenge_id: challenge_id.to_owned(),
            method: pb::Method::Webauthn as i32,
            webauthn_assertion_json: assertion.to_owned(),
            ..Default::default()
        })
        .await
        .map(tonic::Response::into_inner)
}

async fn credentials(server: &TestServer, user: &str) -> Vec<pb::WebAuthnCredential> {
    server
        .enrollment()
        .await
        .list_web_authn_credentials(pb::ListWebAuthnCredentialsRequest {
            user_id: user.to_owned(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .credentials
}

/// A passkey registers (the first method brings recovery codes), signs in,
/// and each sign-in moves its counter and last use on.
async fn a_passkey_registers_and_signs_in(db: &TestDb) {
    let server = start(db).await;
    let mut passkey = SoftAuthenticator::new(ORIGIN);
    let registered = register(&server, "alice", &mut passkey, pb::WebAuthnKind::Passkey).await;
    assert_eq!(registered.recovery_codes.len(), 8);
    let credential = registered.credential.unwrap();
    assert_eq!(credential.label, "My key");
    assert_eq!(credential.kind(), pb::WebAuthnKind::Passkey);
    assert!(credential.last_used_at.is_none());

    for expected_counter in [1, 2] {
        let (challenge_id, options) = begin_sign_in(&server, "alice").await;
        let assertion = passkey.assert(&options).unwrap();
        let verified = verify(&server, "alice", &challenge_id, &assertion)
            .await
            .unwrap();
        assert_eq!(verified.methods_used, [pb::Method::Webauthn as i32]);
        let id = passkey.last_credential_id().unwrap().to_vec();
        assert_eq!(passkey.counter(&id), Some(expected_counter));
    }
    let listed = credentials(&server, "alice").await;
    assert_eq!(listed.len(), 1);
    assert!(listed[0].last_used_at.is_some());
    server.stop().await;
}

/// An assertion is good for its own challenge, once: sent again to the
/// same challenge it finds the challenge closed; sent to a new challenge,
/// it signs the wrong challenge and counts as a failure.
async fn an_assertion_is_good_once_and_for_its_own_challenge(db: &TestDb) {
    let server = start(db).await;
    let mut passkey = SoftAuthenticator::new(ORIGIN);
    register(&server, "bob", &mut passkey, pb::WebAuthnKind::Passkey).await;
    let (first, options) = begin_sign_in(&server, "bob").await;
    let assertion = passkey.assert(&options).unwrap();
    verify(&server, "bob", &first, &assertion).await.unwrap();

    let replay = verify(&server, "bob", &first, &assertion)
        .await
        .unwrap_err();
    assert_eq!(reason(&replay), "CHALLENGE_NOT_FOUND");
    let (second, _) = begin_sign_in(&server, "bob").await;
    let elsewhere = verify(&server, "bob", &second, &assertion)
        .await
        .unwrap_err();
    assert_eq!(elsewhere.code(), Code::InvalidArgument);
    assert_eq!(reason(&elsewhere), "CODE_MISMATCH");
    server.stop().await;
}

/// Carol's key cannot answer Dave's challenge, and an origin the relying
/// party does not list is refused at registration and at sign-in.
async fn another_users_key_and_a_foreign_origin_are_refused(db: &TestDb) {
    let server = start(db).await;
    let mut carols = SoftAuthenticator::new(ORIGIN);
    let mut daves = SoftAuthenticator::new(ORIGIN);
    register(&server, "carol", &mut carols, pb::WebAuthnKind::Passkey).await;
    register(&server, "dave", &mut daves, pb::WebAuthnKind::Passkey).await;
    let carols_id = carols.last_credential_id().unwrap().to_vec();
    let (challenge_id, options) = begin_sign_in(&server, "dave").await;
    let forged = carols.assert_with_credential(&options, &carols_id).unwrap();
    let refused = verify(&server, "dave", &challenge_id, &forged)
        .await
        .unwrap_err();
    assert_eq!(reason(&refused), "CODE_MISMATCH");

    let from_elsewhere = daves
        .assert_from_origin(&options, "http://localhost:9999")
        .unwrap();
    let refused = verify(&server, "dave", &challenge_id, &from_elsewhere)
        .await
        .unwrap_err();
    assert_eq!(reason(&refused), "CODE_MISMATCH");
    // The right answer still works: refusals counted, nothing spent.
    let right = daves.assert(&options).unwrap();
    verify(&server, "dave", &challenge_id, &right)
        .await
        .unwrap();

    let begun = begin_registration(&server, "erin", pb::WebAuthnKind::Passkey)
        .await
        .unwrap();
    let mut erins = SoftAuthenticator::new(ORIGIN);
    let response = erins
        .register_from_origin(&begun.creation_options_json, "http://localhost:9999")
        .unwrap();
    let refused = finish_registration(&server, "erin", &begun.registration_id, &response)
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::InvalidArgument);
    assert_eq!(reason(&refused), "WEBAUTHN_REJECTED");
    assert!(credentials(&server, "erin").await.is_empty());
    server.stop().await;
}

/// A registration ceremony finishes once, before it expires, and only for
/// the user who began it.
async fn a_registration_finishes_once_before_it_expires(db: &TestDb) {
    let server = start(db).await;
    let mut key = SoftAuthenticator::new(ORIGIN);
    let begun = begin_registration(&server, "frank", pb::WebAuthnKind::SecurityKey)
        .await
        .unwrap();
    let response = key.register(&begun.creation_options_json).unwrap();
    let stranger = finish_registration(&server, "mallory", &begun.registration_id, &response)
        .await
        .unwrap_err();
    assert_eq!(reason(&stranger), "NO_PENDING_ENROLLMENT");
    finish_registration(&server, "frank", &begun.registration_id, &response)
        .await
        .unwrap();
    let again = finish_registration(&server, "frank", &begun.registration_id, &response)
        .await
        .unwrap_err();
    assert_eq!(again.code(), Code::FailedPrecondition);
    assert_eq!(reason(&again), "NO_PENDING_ENROLLMENT");

    let late = begin_registration(&server, "frank", pb::WebAuthnKind::SecurityKey)
        .await
        .unwrap();
    let mut other = SoftAuthenticator::security_key(ORIGIN);
    let response = other.register(&late.creation_options_json).unwrap();
    server.clock.advance(TimeDelta::minutes(6));
    let expired = finish_registration(&server, "frank", &late.registration_id, &response)
        .await
        .unwrap_err();
    assert_eq!(reason(&expired), "NO_PENDING_ENROLLMENT");
    assert_eq!(credentials(&server, "frank").await.len(), 1);
    server.stop().await;
}

/// A security key whose counter goes backwards is refused (a cloned key);
/// renaming and removing work, and removing the last key turns 2FA off.
async fn a_counter_going_backwards_is_refused_and_keys_are_managed(db: &TestDb) {
    let server = start(db).await;
    let mut key = SoftAuthenticator::security_key(ORIGIN);
    let registered = register(&server, "grace", &mut key, pb::WebAuthnKind::SecurityKey).await;
    let credential_id = registered.credential.unwrap().credential_id;
    let (challenge_id, options) = begin_sign_in(&server, "grace").await;
    let assertion = key.assert(&options).unwrap();
    verify(&server, "grace", &challenge_id, &assertion)
        .await
        .unwrap();
    key.counter_step = -1;
    let (challenge_id, options) = begin_sign_in(&server, "grace").await;
    let cloned = key.assert(&options).unwrap();
    let refused = verify(&server, "grace", &challenge_id, &cloned)
        .await
        .unwrap_err();
    assert_eq!(reason(&refused), "CODE_MISMATCH");

    let mut enrollment = server.enrollment().await;
    let renamed = enrollment
        .rename_web_authn_credential(pb::RenameWebAuthnCredentialRequest {
            user_id: "grace".to_owned(),
            credential_id: credential_id.clone(),
            label: "Blue key".to_owned(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(renamed.credential.unwrap().label, "Blue key");
    let not_hers = enrollment
        .remove_web_authn_credential(pb::RemoveWebAuthnCredentialRequest {
            user_id: "heidi".to_owned(),
            credential_id: credential_id.clone(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(reason(&not_hers), "CREDENTIAL_NOT_FOUND");
    let removed = enrollment
        .remove_web_authn_credential(pb::RemoveWebAuthnCredentialRequest {
            user_id: "grace".to_owned(),
            credential_id,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(!removed.two_factor_enabled);
    assert!(credentials(&server, "grace").await.is_empty());
    server.stop().await;
}

/// The tenant holds each credential id once: a second user's row with the
/// same id is refused in the database, whoever registered it first.
async fn a_credential_id_is_held_by_one_user(db: &TestDb) {
    let server = start(db).await;
    let now = server.clock.now();
    let credential = |label: &str| NewWebAuthnCredential {
        credential_id: "c2FtZS1pZA".to_owned(),
        kind: WebAuthnKind::Passkey,
        label: label.to_owned(),
        credential: "{}".to_owned(),
        created_at: now,
    };
    let audit = |user: &UserRef| AuditEvent {
        tenant: user.tenant.clone(),
        user: Some(user.user.clone()),
        kind: "webauthn.registered",
        actor_id: user.user.as_str().to_owned(),
        method: None,
        outcome: Outcome::Success,
        reason: "",
        client: ClientInfo::default(),
        occurred_at: now,
        details: Vec::new(),
    };
    let ivan = UserRef::parse("", "ivan").unwrap();
    let judy = UserRef::parse("", "judy").unwrap();
    // Both users' first method: each brings a recovery set.
    let recovery = || {
        Some(NewRecoverySet {
            codes: vec![StoredCode {
                lookup_tag: 1,
                key_id: "k".to_owned(),
                hash: "h".to_owned(),
            }],
            generated_at: now,
        })
    };
    let store = &server.app_store;
    let first = store
        .add_webauthn_credential(&ivan, credential("first"), recovery(), audit(&ivan))
        .await
        .unwrap();
    assert_eq!(first, CredentialAdded::Added(RecoveryOnEnable::Stored));
    let second = store
        .add_webauthn_credential(&judy, credential("second"), recovery(), audit(&judy))
        .await
        .unwrap();
    assert_eq!(second, CredentialAdded::Taken);
    server.stop().await;
}

/// A registration begun and never finished is deleted by the purge once
/// it has been expired longer than the retention; a fresh one stays.
async fn an_unfinished_registration_is_purged(db: &TestDb) {
    let server = start(db).await;
    let ceremonies = || async {
        webauthn_ceremony::Entity::find()
            .count(server.app_store.connection())
            .await
            .unwrap()
    };
    begin_registration(&server, "liam", pb::WebAuthnKind::Passkey)
        .await
        .unwrap();
    server.clock.advance(TimeDelta::hours(2));
    begin_registration(&server, "mia", pb::WebAuthnKind::Passkey)
        .await
        .unwrap();
    assert_eq!(ceremonies().await, 2);
    let retention = Retention {
        expired: TimeDelta::hours(1),
        audit: None,
    };
    let purged = server.core.purge(&retention).await.unwrap();
    assert_eq!(purged.webauthn_ceremonies, 1);
    assert_eq!(ceremonies().await, 1);
    server.stop().await;
}

/// With passkeys required of admins, an admin whose only method is TOTP
/// must enrol one (EvaluateUser MUST_ENROLL, BeginChallenge
/// ENROLLMENT_REQUIRED) and is compliant once they have; others still sign
/// in with TOTP.
async fn policy_can_require_a_phishing_resistant_method(db: &TestDb) {
    let server = start(db).await;
    let mut policies = PolicyServiceClient::new(server.channel().await);
    policies
        .update_policy(pb::UpdatePolicyRequest {
            policy: Some(pb::Policy {
                phishing_resistant: pb::Enforcement::RequiredForAdmins as i32,
                ..Default::default()
            }),
            update_mask: Some(prost_types::FieldMask {
                paths: vec!["phishing_resistant".to_owned()],
            }),
            actor_id: "admin-1".to_owned(),
            ..Default::default()
        })
        .await
        .unwrap();
    enrol(&server, "olga").await;
    enrol(&server, "pete").await;
    let admin = vec!["administrator".to_owned()];
    let evaluate = |user: &str, roles: Vec<String>| {
        let mut policies = policies.clone();
        let user = user.to_owned();
        async move {
            policies
                .evaluate_user(pb::EvaluateUserRequest {
                    user_id: user,
                    roles,
                    ..Default::default()
                })
                .await
                .unwrap()
                .into_inner()
                .verdict
                .unwrap()
                .state()
        }
    };
    let begin = |user: &str, roles: Vec<String>| {
        let server = &server;
        let user = user.to_owned();
        async move {
            challenge_client(server)
                .await
                .begin_challenge(pb::BeginChallengeRequest {
                    user_id: user,
                    roles,
                    ..Default::default()
                })
                .await
                .unwrap()
                .into_inner()
                .decision()
        }
    };
    assert_eq!(
        evaluate("olga", admin.clone()).await,
        pb::ComplianceState::MustEnroll
    );
    assert_eq!(
        begin("olga", admin.clone()).await,
        pb::Decision::EnrollmentRequired
    );
    assert_eq!(
        evaluate("pete", vec![]).await,
        pb::ComplianceState::NotRequired
    );
    assert_eq!(begin("pete", vec![]).await, pb::Decision::Challenge);

    let mut passkey = SoftAuthenticator::new(ORIGIN);
    register(&server, "olga", &mut passkey, pb::WebAuthnKind::Passkey).await;
    assert_eq!(
        evaluate("olga", admin.clone()).await,
        pb::ComplianceState::Compliant
    );
    assert_eq!(begin("olga", admin).await, pb::Decision::Challenge);
    server.stop().await;
}

/// A user may hold several credentials of both kinds: the second
/// registration excludes the first, each is listed with its label, and
/// either signs in (with a security key among them, presence is enough).
async fn a_user_holds_a_passkey_and_a_security_key(db: &TestDb) {
    let server = start(db).await;
    let mut passkey = SoftAuthenticator::new(ORIGIN);
    let mut key = SoftAuthenticator::security_key(ORIGIN);
    let first = register(&server, "nora", &mut passkey, pb::WebAuthnKind::Passkey).await;
    assert_eq!(first.recovery_codes.len(), 8);
    let begun = begin_registration(&server, "nora", pb::WebAuthnKind::SecurityKey)
        .await
        .unwrap();
    // The passkey's authenticator refuses to register twice for the user.
    assert!(passkey.register(&begun.creation_options_json).is_err());
    let response = key.register(&begun.creation_options_json).unwrap();
    let second = finish_registration(&server, "nora", &begun.registration_id, &response)
        .await
        .unwrap();
    assert!(
        second.recovery_codes.is_empty(),
        "codes come with the first method only"
    );
    let kinds: Vec<pb::WebAuthnKind> = credentials(&server, "nora")
        .await
        .iter()
        .map(pb::WebAuthnCredential::kind)
        .collect();
    assert_eq!(
        kinds,
        [pb::WebAuthnKind::Passkey, pb::WebAuthnKind::SecurityKey]
    );
    for authenticator in [&mut key, &mut passkey] {
        let (challenge_id, options) = begin_sign_in(&server, "nora").await;
        let assertion = authenticator.assert(&options).unwrap();
        verify(&server, "nora", &challenge_id, &assertion)
            .await
            .unwrap();
    }
    server.stop().await;
}

on_both_databases!(
    a_user_holds_a_passkey_and_a_security_key,
    policy_can_require_a_phishing_resistant_method,
    an_unfinished_registration_is_purged,
    a_passkey_registers_and_signs_in,
    an_assertion_is_good_once_and_for_its_own_challenge,
    another_users_key_and_a_foreign_origin_are_refused,
    a_registration_finishes_once_before_it_expires,
    a_counter_going_backwards_is_refused_and_keys_are_managed,
    a_credential_id_is_held_by_one_user,
);

/// Two servers on one Postgres database: a registration begun on one
/// finishes on the other, and so does a sign-in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ceremonies_cross_servers_on_postgres() {
    let Some(db) = TestDb::postgres("webauthn::ceremonies_cross_servers_on_postgres").await else {
        return;
    };
    let (one, two) = (start(&db).await, start(&db).await);
    let mut passkey = SoftAuthenticator::new(ORIGIN);
    let begun = begin_registration(&one, "kate", pb::WebAuthnKind::Passkey)
        .await
        .unwrap();
    let response = passkey.register(&begun.creation_options_json).unwrap();
    finish_registration(&two, "kate", &begun.registration_id, &response)
        .await
        .unwrap();
    let (challenge_id, options) = begin_sign_in(&two, "kate").await;
    let assertion = passkey.assert(&options).unwrap();
    verify(&one, "kate", &challenge_id, &assertion)
        .await
        .unwrap();
    one.stop().await;
    two.stop().await;
    db.cleanup().await;
}
