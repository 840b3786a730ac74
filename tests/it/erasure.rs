//! Moving out, attacked, on SQLite and Postgres: a user holding every kind
//! of data is exported (no seed, code, hash, token or full address in it)
//! and erased (every table with a user_id column empty for them, counted in
//! the database itself, and their old credentials dead), while another user
//! of the tenant and the same user id in another tenant keep everything;
//! callers without the administration permission, or without the tenant,
//! are refused; an erasure racing sign-ins and enrolments leaves nothing
//! half-erased; a stranger's made-up user ids leave no rows; and the CLI
//! asks before erasing.
use std::collections::BTreeMap;

use chrono::TimeDelta;
use prost::Message;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use tollgate::access::CallerIdentity;
use tollgate::pb;
use tollgate::pb::challenge_service_client::ChallengeServiceClient;
use tollgate::pb::delivery_service_client::DeliveryServiceClient;
use tollgate::pb::policy_service_client::PolicyServiceClient;
use tollgate::pb::recovery_service_client::RecoveryServiceClient;
use tollgate_domain::Clock;
use tonic::Code;
use tonic::transport::Channel;

use crate::access::{NOBODY, authorized, configured, create_key};
use crate::challenge::{challenge_id, verify_request};
use crate::delivery::{Outbox, confirmed_contact, contact};
use crate::enrollment::{begin, confirm, enrol};
use crate::soft_authenticator::SoftAuthenticator;
use crate::support::{TestDb, TestServer, authenticator_code, clock, on_both_databases, reason};
use crate::webauthn::{ORIGIN, begin_registration, register, with_relying_party};

on_both_databases!(
    a_user_with_everything_is_exported_without_secrets_and_erased_alone,
    only_an_administrator_of_the_tenant_may_erase_or_export,
    an_erasure_racing_sign_ins_and_enrolments_leaves_nothing_half_erased,
    made_up_user_ids_leave_no_rows,
);

/// The rows of `tenant`/`user` in every table that has a `user_id` column,
/// by table: the tables are found in the schema, so a table added later is
/// counted without this test knowing of it.
async fn rows_of(server: &TestServer, tenant: &str, user: &str) -> BTreeMap<String, i64> {
    let db = server.app_store.connection();
    let backend = db.get_database_backend();
    let tables = match backend {
        DbBackend::Sqlite => {
            "SELECT m.name FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND p.name = 'user_id' ORDER BY 1"
        }
        _ => {
            "SELECT table_name::text FROM information_schema.columns \
             WHERE table_schema = current_schema() AND column_name = 'user_id' ORDER BY 1"
        }
    };
    let tables: Vec<String> = db
        .query_all_raw(Statement::from_string(backend, tables))
        .await
        .unwrap()
        .iter()
        .map(|row| row.try_get_by_index(0).unwrap())
        .collect();
    assert!(tables.len() >= 12, "tables with a user_id: {tables:?}");
    let mut counts = BTreeMap::new();
    for table in tables {
        // The ids are this test's own constants, without quotes.
        let sql = format!(
            "SELECT count(*) FROM {table} WHERE tenant_id = '{tenant}' AND user_id = '{user}'"
        );
        let row = db
            .query_one_raw(Statement::from_string(backend, sql))
            .await
            .unwrap()
            .unwrap();
        counts.insert(table, row.try_get_by_index::<i64>(0).unwrap());
    }
    counts
}

/// The first column of every row `sql` selects, as text.
async fn column(server: &TestServer, sql: &str) -> Vec<String> {
    let db = server.app_store.connection();
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .iter()
        .map(|row| row.try_get_by_index::<String>(0).unwrap())
        .collect()
}

fn policy(server_channel: Channel) -> PolicyServiceClient<Channel> {
    PolicyServiceClient::new(server_channel)
}

fn erase_request(tenant: &str, user: &str) -> pb::EraseUserRequest {
    pb::EraseUserRequest {
        tenant_id: tenant.to_owned(),
        user_id: user.to_owned(),
        actor_id: "dpo-1".into(),
        reason: "ticket 4711".into(),
    }
}

fn export_request(tenant: &str, user: &str) -> pb::ExportUserRequest {
    pb::ExportUserRequest {
        tenant_id: tenant.to_owned(),
        user_id: user.to_owned(),
        actor_id: "dpo-1".into(),
        reason: "access request".into(),
        audit_event_limit: 0,
    }
}

/// What a user holds that must never leave tollgate again.
struct Held {
    secret: String,
    recovery_codes: Vec<String>,
    device_token: String,
    open_challenge: String,
    sent_code: String,
}

const EMAIL: &str = "erin.private@example.com";
const PHONE: &str = "+442079460123";

/// Gives `user` every kind of data: TOTP and recovery codes, a passkey and
/// a registration never finished, confirmed email and phone (both on as
/// methods), a trusted device, an open challenge with an emailed code in
/// the outbox, a failed attempt on the lockout row, and audit events.
async fn hold_everything(server: &TestServer, outbox: &mut Outbox, user: &str) -> Held {
    let (secret, recovery_codes) = enrol(server, user).await;
    let mut passkey = SoftAuthenticator::new(ORIGIN);
    register(server, user, &mut passkey, pb::WebAuthnKind::Passkey).await;
    begin_registration(server, user, pb::WebAuthnKind::SecurityKey)
        .await
        .unwrap();
    confirmed_contact(server, outbox, user, pb::ContactKind::Email, EMAIL).await;
    confirmed_contact(server, outbox, user, pb::ContactKind::Phone, PHONE).await;
    let mut enrollment = server.enrollment().await;
    for method in [pb::Method::Email, pb::Method::Sms] {
        enrollment
            .enable_method(pb::EnableMethodRequest {
                user_id: user.to_owned(),
                method: method as i32,
                ..Default::default()
            })
            .await
            .unwrap();
    }
    let mut challenges = ChallengeServiceClient::new(server.channel().await);
    server.clock.advance(TimeDelta::seconds(30));
    let id = challenge_id(&mut challenges, user).await;
    let code = authenticator_code(&secret, server.clock.now().timestamp());
    let mut trusting = verify_request(user, &id, pb::Method::Totp, &code);
    trusting.remember_device = true;
    // The app's session passed a second factor (a step-up record).
    trusting.session_id = format!("{user}-session");
    let device_token = challenges
        .verify_challenge(trusting)
        .await
        .unwrap()
        .into_inner()
        .trusted_device_token;
    let open_challenge = challenge_id(&mut challenges, user).await;
    challenges
        .send_code(pb::SendCodeRequest {
            user_id: user.to_owned(),
            challenge_id: open_challenge.clone(),
            method: pb::Method::Email as i32,
            ..Default::default()
        })
        .await
        .unwrap();
    let sent_code = outbox.next().await.code;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let refused = challenges
        .verify_challenge(verify_request(
            user,
            &open_challenge,
            pb::Method::Totp,
            wrong,
        ))
        .await
        .unwrap_err();
    assert_eq!(reason(&refused), "CODE_MISMATCH");
    Held {
        secret,
        recovery_codes,
        device_token,
        open_challenge,
        sent_code,
    }
}

/// Enrols `user` of `tenant` in TOTP.
async fn enrol_in(server: &TestServer, tenant: &str, user: &str) {
    let mut enrollment = server.enrollment().await;
    let mut request = begin(user);
    request.tenant_id = tenant.to_owned();
    let setup = enrollment.begin_totp(request).await.unwrap().into_inner();
    let code = authenticator_code(&setup.secret_base32, server.clock.now().timestamp());
    let mut request = confirm(user, &code);
    request.tenant_id = tenant.to_owned();
    enrollment.confirm_totp(request).await.unwrap();
}

/// Fails when `response`, encoded or printed, holds any of `secrets`.
fn assert_holds_none<M: Message + std::fmt::Debug>(response: &M, secrets: &[String]) {
    let bytes = response.encode_to_vec();
    let printed = format!("{response:?}");
    for secret in secrets {
        assert!(secret.len() >= 6, "{secret:?} is too short to look for");
        let in_bytes = bytes.windows(secret.len()).any(|w| w == secret.as_bytes());
        assert!(
            !in_bytes && !printed.contains(secret.as_str()),
            "the export holds {secret:?}"
        );
    }
}

/// Everything secret about `user` that the database or the user holds: the
/// seed, the codes, the token and id, the full addresses, and the hashes
/// stored in their place.
async fn secrets_of(server: &TestServer, user: &str, held: &Held) -> Vec<String> {
    let mut secrets = vec![
        held.secret.clone(),
        held.device_token.clone(),
        held.open_challenge.clone(),
        held.sent_code.clone(),
        EMAIL.to_owned(),
        PHONE.to_owned(),
        PHONE.trim_start_matches("+44").to_owned(),
    ];
    for code in &held.recovery_codes {
        secrets.push(code.clone());
        secrets.push(code.replace('-', ""));
    }
    let owned = format!("tenant_id = 'default' AND user_id = '{user}'");
    for sql in [
        format!("SELECT token_hash FROM trusted_devices WHERE {owned}"),
        format!("SELECT code_hash FROM recovery_codes WHERE {owned}"),
        format!("SELECT code_hash FROM challenges WHERE {owned} AND code_hash IS NOT NULL"),
        format!("SELECT id_hash FROM challenges WHERE {owned}"),
        format!("SELECT credential FROM webauthn_credentials WHERE {owned}"),
    ] {
        let found = column(server, &sql).await;
        assert!(!found.is_empty(), "{sql}");
        secrets.extend(found);
    }
    secrets
}

/// The export of erin: masked contacts, the methods, devices and events;
/// no secret of any kind.
async fn assert_exported_without_secrets(
    server: &TestServer,
    admin: &mut PolicyServiceClient<Channel>,
    held: &Held,
) {
    let export = admin
        .export_user(export_request("", "erin"))
        .await
        .unwrap()
        .into_inner();
    assert_holds_none(&export, &secrets_of(server, "erin", held).await);
    assert!(export.found);
    let masked: Vec<&str> = export
        .contacts
        .iter()
        .map(|c| c.masked_address.as_str())
        .collect();
    assert_eq!(masked, ["e***@example.com", "+44 ******* 123"]);
    assert!(export.contacts.iter().all(|c| c.confirmed_at.is_some()));
    assert_eq!(export.totp_state(), pb::TotpState::Enabled);
    assert_eq!(export.enabled_methods.len(), 4, "{export:?}");
    assert_eq!(export.webauthn_credentials.len(), 1);
    assert_eq!(export.trusted_devices.len(), 1);
    assert_eq!(export.trusted_devices[0].user_agent, "Firefox/140");
    assert_eq!(
        (export.recovery_codes_remaining, export.failed_attempts),
        (8, 1)
    );
    let kinds: Vec<&str> = export
        .audit_events
        .iter()
        .map(|e| e.kind.as_str())
        .collect();
    assert_eq!(kinds[0], "user.exported", "newest first, itself included");
    assert!(kinds.contains(&"totp.enabled") && kinds.contains(&"challenge.verified"));
}

/// Erin's former credentials sign in no more: the open challenge and its
/// emailed code are gone, and under a policy requiring 2FA her trusted
/// device lets nobody in (and the refusals store nothing).
async fn assert_former_credentials_dead(
    server: &TestServer,
    admin: &mut PolicyServiceClient<Channel>,
    held: &Held,
    erased: &BTreeMap<String, i64>,
) {
    let mut challenges = ChallengeServiceClient::new(server.channel().await);
    let gone = challenges
        .verify_challenge(verify_request(
            "erin",
            &held.open_challenge,
            pb::Method::Email,
            &held.sent_code,
        ))
        .await
        .unwrap_err();
    assert_eq!(reason(&gone), "CHALLENGE_NOT_FOUND");
    require_two_factor(admin, "", 0).await;
    let begun = challenges
        .begin_challenge(pb::BeginChallengeRequest {
            user_id: "erin".into(),
            trusted_device_token: held.device_token.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(begun.decision(), pb::Decision::EnrollmentRequired);
    assert_eq!(&rows_of(server, "default", "erin").await, erased);
}

/// Erasing erin again: nothing to erase, and the record of the first
/// erasure stays; an export finds nothing.
async fn assert_erasing_again_erases_nothing(admin: &mut PolicyServiceClient<Channel>) {
    let again = admin
        .erase_user(erase_request("", "erin"))
        .await
        .unwrap()
        .into_inner();
    assert!(!again.found && again.erased_rows.is_empty(), "{again:?}");
    let erasures = admin
        .list_audit_events(pb::ListAuditEventsRequest {
            user_id: "erin".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .events;
    assert_eq!(erasures.len(), 2);
    assert!(erasures.iter().all(|e| e.kind == "user.erased"));
    let export = admin
        .export_user(export_request("", "erin"))
        .await
        .unwrap()
        .into_inner();
    assert!(!export.found && export.contacts.is_empty() && export.enabled_methods.is_empty());
}

async fn a_user_with_everything_is_exported_without_secrets_and_erased_alone(db: &TestDb) {
    let server = TestServer::start_with(db, clock(), with_relying_party).await;
    let mut outbox = Outbox::open(server.channel().await).await;
    let mut admin = policy(server.channel().await);
    let held = hold_everything(&server, &mut outbox, "erin").await;
    let (frank_secret, _) = enrol(&server, "frank").await;
    enrol_in(&server, "acme", "erin").await;
    let erin = rows_of(&server, "default", "erin").await;
    for (table, rows) in &erin {
        assert!(*rows > 0, "erin has nothing in {table}: {erin:?}");
    }
    let frank = rows_of(&server, "default", "frank").await;
    let acme_erin = rows_of(&server, "acme", "erin").await;

    assert_exported_without_secrets(&server, &mut admin, &held).await;

    // The erasure: every table is empty for erin but for one event.
    let erased = admin
        .erase_user(erase_request("", "erin"))
        .await
        .unwrap()
        .into_inner();
    assert!(erased.found);
    assert_eq!(erased.erased_rows["recovery_codes"], 8);
    assert_eq!(erased.erased_rows["totp_credentials"], 1);
    let event = erased.event.unwrap();
    assert_eq!(
        (
            event.kind.as_str(),
            event.actor_id.as_str(),
            event.user_id.as_str()
        ),
        ("user.erased", "dpo-1", "erin")
    );
    assert!(event.caller.starts_with("uid:"), "{event:?}");
    assert_eq!(event.details["reason"], "ticket 4711");
    assert_eq!(event.details["rows.contacts"], "2");
    let after = rows_of(&server, "default", "erin").await;
    let mut expected: BTreeMap<String, i64> = after.keys().map(|t| (t.clone(), 0)).collect();
    expected.insert("audit_events".into(), 1);
    assert_eq!(after, expected);
    let kinds = column(
        &server,
        "SELECT kind FROM audit_events WHERE tenant_id = 'default' AND user_id = 'erin'",
    )
    .await;
    assert_eq!(kinds, ["user.erased"]);

    // The other user and the same id in another tenant keep everything.
    assert_eq!(rows_of(&server, "default", "frank").await, frank);
    assert_eq!(rows_of(&server, "acme", "erin").await, acme_erin);
    let mut challenges = ChallengeServiceClient::new(server.channel().await);
    server.clock.advance(TimeDelta::seconds(30));
    let id = challenge_id(&mut challenges, "frank").await;
    let code = authenticator_code(&frank_secret, server.clock.now().timestamp());
    challenges
        .verify_challenge(verify_request("frank", &id, pb::Method::Totp, &code))
        .await
        .unwrap();

    assert_former_credentials_dead(&server, &mut admin, &held, &expected).await;

    assert_erasing_again_erases_nothing(&mut admin).await;
    server.stop().await;
}

/// Sets the tenant's policy to require 2FA of everyone, with `grace`
/// logins.
async fn require_two_factor(admin: &mut PolicyServiceClient<Channel>, tenant: &str, grace: u32) {
    admin
        .update_policy(pb::UpdatePolicyRequest {
            tenant_id: tenant.to_owned(),
            policy: Some(pb::Policy {
                enforcement: pb::Enforcement::RequiredForAll as i32,
                grace_logins: grace,
                ..Default::default()
            }),
            update_mask: Some(prost_types::FieldMask {
                paths: vec!["enforcement".into(), "grace_logins".into()],
            }),
            actor_id: "admin-1".into(),
            ..Default::default()
        })
        .await
        .unwrap();
}

async fn only_an_administrator_of_the_tenant_may_erase_or_export(db: &TestDb) {
    let server = TestServer::start(db, clock()).await;
    enrol(&server, "gus").await;
    enrol_in(&server, "acme", "gus").await;
    server.stop().await;
    let signer = create_key(db, "signer", &["sign_in"], &["*"]);
    let acme_admin = create_key(db, "acme-admin", &["admin"], &["acme"]);
    // Only a process of uid NOBODY is configured: this test gets in with a
    // key or not at all.
    let server = TestServer::start_with(db, clock(), |config| {
        config.callers = vec![configured(
            "nobody",
            CallerIdentity::Uid(NOBODY),
            &["sign_in"],
        )];
    })
    .await;
    let before = rows_of(&server, "default", "gus").await;
    let mut admin = policy(server.channel().await);
    for (key, tenant) in [
        (None, ""),
        (Some(signer.as_str()), ""),
        (Some(signer.as_str()), "acme"),
        (Some(acme_admin.as_str()), ""),
        (Some(acme_admin.as_str()), "other"),
    ] {
        let erase = admin
            .erase_user(authorized(erase_request(tenant, "gus"), key))
            .await
            .unwrap_err();
        let export = admin
            .export_user(authorized(export_request(tenant, "gus"), key))
            .await
            .unwrap_err();
        for refused in [erase, export] {
            assert_eq!(refused.code(), Code::PermissionDenied, "{key:?} {tenant}");
            assert_eq!(reason(&refused), "CALLER_NOT_ALLOWED");
        }
    }
    assert_eq!(rows_of(&server, "default", "gus").await, before);

    // The administrator of acme erases acme's gus, and default's stays.
    let erased = admin
        .erase_user(authorized(erase_request("acme", "gus"), Some(&acme_admin)))
        .await
        .unwrap()
        .into_inner();
    assert!(erased.found);
    assert_eq!(erased.event.unwrap().caller, "key:acme-admin");
    assert_eq!(rows_of(&server, "default", "gus").await, before);
    // An administrator must say who they are.
    let mut nameless = erase_request("acme", "gus");
    nameless.actor_id.clear();
    let refused = admin
        .erase_user(authorized(nameless, Some(&acme_admin)))
        .await
        .unwrap_err();
    assert_eq!(
        (refused.code(), reason(&refused).as_str()),
        (Code::InvalidArgument, "INVALID_ARGUMENT")
    );
    server.stop().await;
}

/// Each round races erasures against a sign-in that asks to trust its
/// browser, a regeneration of recovery codes, the confirmation of a pending
/// authenticator app, email turned on as a method, and a newcomer's first
/// secret and contact. Whichever
/// wins, nothing a user held before the erasure survives it, nothing is
/// built on it afterwards, and what was begun beside it is whole.
async fn an_erasure_racing_sign_ins_and_enrolments_leaves_nothing_half_erased(db: &TestDb) {
    let server = TestServer::start(db, clock()).await;
    let mut outbox = Outbox::open(server.channel().await).await;
    for round in 0..6 {
        race_round(&server, &mut outbox, round).await;
    }
    server.stop().await;
}

/// One round of the race above.
async fn race_round(server: &TestServer, outbox: &mut Outbox, round: u32) {
    let channel = || server.channel();
    let user = format!("racer{round}");
    let emailed = format!("{user}d");
    confirmed_contact(server, outbox, &emailed, pb::ContactKind::Email, EMAIL).await;
    let (secret, _) = enrol(server, &user).await;
    server.clock.advance(TimeDelta::seconds(30));
    let mut challenges = ChallengeServiceClient::new(channel().await);
    let id = challenge_id(&mut challenges, &user).await;
    let code = authenticator_code(&secret, server.clock.now().timestamp());
    let setup = server
        .enrollment()
        .await
        .begin_totp(begin(&format!("{user}b")))
        .await
        .unwrap()
        .into_inner();
    let pending_code = authenticator_code(&setup.secret_base32, server.clock.now().timestamp());
    let mut trusting = verify_request(&user, &id, pb::Method::Totp, &code);
    trusting.remember_device = true;
    let (mut c, mut r, mut e) = (
        challenges,
        RecoveryServiceClient::new(channel().await),
        server.enrollment().await,
    );
    let (mut admin_a, mut admin_b) = (policy(channel().await), policy(channel().await));
    let (mut admin_c, mut starting) = (policy(channel().await), server.enrollment().await);
    let mut delivery = DeliveryServiceClient::new(channel().await);
    let newcomer = format!("{user}c");
    let mut enabling = server.enrollment().await;
    let mut admin_d = policy(channel().await);
    let enable = pb::EnableMethodRequest {
        user_id: emailed.clone(),
        method: pb::Method::Email as i32,
        ..Default::default()
    };
    let (verified, regenerated, confirmed, enabled, started, registered, erased) = tokio::join!(
        c.verify_challenge(trusting),
        r.regenerate_codes(pb::RegenerateCodesRequest {
            user_id: user.clone(),
            ..Default::default()
        }),
        e.confirm_totp(confirm(&format!("{user}b"), &pending_code)),
        enabling.enable_method(enable),
        starting.begin_totp(begin(&newcomer)),
        delivery.register_contact(contact(&newcomer, pb::ContactKind::Email, EMAIL)),
        async {
            tokio::try_join!(
                admin_a.erase_user(erase_request("", &user)),
                admin_b.erase_user(erase_request("", &format!("{user}b"))),
                admin_c.erase_user(erase_request("", &newcomer)),
                admin_d.erase_user(erase_request("", &emailed)),
            )
        },
    );
    erased.unwrap();
    started.unwrap();
    assert_whole_or_gone(server, round, &newcomer).await;
    assert_refused_only_with(
        round,
        [
            ("verify", verified.map(|_| ()), "CHALLENGE_NOT_FOUND"),
            ("regenerate", regenerated.map(|_| ()), "NOT_ENROLLED"),
            ("confirm", confirmed.map(|_| ()), "NO_PENDING_ENROLLMENT"),
            ("enable", enabled.map(|_| ()), "CONTACT_UNCONFIRMED"),
            // Registered, then erased before it was read back.
            ("register", registered.map(|_| ()), "CONTACT_NOT_FOUND"),
        ],
    );
    for racer in [user.clone(), format!("{user}b"), emailed] {
        assert_erased(server, round, &racer).await;
    }
}

/// What was begun beside an erasure is whole or gone: the user's row
/// exactly when there is something to keep.
async fn assert_whole_or_gone(server: &TestServer, round: u32, user: &str) {
    let left = rows_of(server, "default", user).await;
    let kept: i64 = left
        .iter()
        .filter(|(table, _)| !["users", "audit_events"].contains(&table.as_str()))
        .map(|(_, n)| n)
        .sum();
    assert_eq!(left["users"] == 1, kept > 0, "round {round}: {left:?}");
}

/// Each call succeeded, or was refused with the one reason the race
/// allows it.
fn assert_refused_only_with<const N: usize>(
    round: u32,
    outcomes: [(&str, Result<(), tonic::Status>, &str); N],
) {
    for (call, outcome, allowed) in outcomes {
        if let Err(refused) = outcome {
            assert_eq!(
                reason(&refused),
                allowed,
                "round {round}, {call}: {refused:?}"
            );
        }
    }
}

/// Nothing of `user` is left but audit events, and of those none older
/// than the erasure's (a call in flight may still record what it did just
/// after).
async fn assert_erased(server: &TestServer, round: u32, user: &str) {
    let left = rows_of(server, "default", user).await;
    for (table, rows) in &left {
        if table != "audit_events" {
            assert_eq!(*rows, 0, "round {round}: {user} keeps {table}: {left:?}");
        }
    }
    let sql = format!(
        "SELECT kind FROM audit_events WHERE tenant_id = 'default' AND user_id = '{user}' \
         AND id < (SELECT max(id) FROM audit_events WHERE kind = 'user.erased' \
         AND tenant_id = 'default' AND user_id = '{user}')"
    );
    assert_eq!(column(server, &sql).await, Vec::<String>::new());
}

async fn made_up_user_ids_leave_no_rows(db: &TestDb) {
    let server = TestServer::start_with(db, clock(), with_relying_party).await;
    let mut challenges = ChallengeServiceClient::new(server.channel().await);
    let mut admin = policy(server.channel().await);
    let strangers: Vec<String> = (0..20).map(|i| format!("made-up-{i}")).collect();
    let begin_all = async |challenges: &mut ChallengeServiceClient<Channel>| {
        let mut decisions = Vec::new();
        for user in &strangers {
            let begun = challenges
                .begin_challenge(pb::BeginChallengeRequest {
                    user_id: user.clone(),
                    ..Default::default()
                })
                .await
                .unwrap()
                .into_inner();
            decisions.push(begun.decision());
        }
        decisions
    };
    // Not required, then required without grace logins: nothing to keep.
    let optional = begin_all(&mut challenges).await;
    assert!(optional.iter().all(|d| *d == pb::Decision::Allow));
    require_two_factor(&mut admin, "", 0).await;
    let required = begin_all(&mut challenges).await;
    assert!(
        required
            .iter()
            .all(|d| *d == pb::Decision::EnrollmentRequired)
    );
    for user in &strangers {
        let rows = rows_of(&server, "default", user).await;
        assert!(rows.values().all(|n| *n == 0), "{user}: {rows:?}");
    }
    let users = column(&server, "SELECT user_id FROM users").await;
    assert_eq!(users, Vec::<String>::new());
    let listed = admin
        .list_users(pb::ListUsersRequest::default())
        .await
        .unwrap()
        .into_inner()
        .users;
    assert!(listed.is_empty(), "{listed:?}");

    // A grace login is counted, and that needs the user's row.
    require_two_factor(&mut admin, "", 2).await;
    for left in [1, 0] {
        let begun = challenges
            .begin_challenge(pb::BeginChallengeRequest {
                user_id: "newcomer".into(),
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        assert_eq!(begun.allow_reason(), pb::AllowReason::GraceLogin);
        assert_eq!(begun.grace_logins_left, left);
    }
    // So does a passkey, even as the user's only method.
    let mut passkey = SoftAuthenticator::new(ORIGIN);
    register(&server, "pat", &mut passkey, pb::WebAuthnKind::Passkey).await;
    let listed = admin
        .list_users(pb::ListUsersRequest::default())
        .await
        .unwrap()
        .into_inner()
        .users;
    let seen: Vec<(&str, u32)> = listed
        .iter()
        .map(|u| (u.user_id.as_str(), u.grace_logins_used))
        .collect();
    assert_eq!(seen, [("newcomer", 2), ("pat", 0)]);
    server.stop().await;
}

/// `tollgate user export` and `tollgate user erase` against a server
/// (SQLite): the export is JSON with nothing secret; erasing asks first, so
/// without a terminal it needs --yes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_exports_and_erases_only_when_told_to() {
    let db = TestDb::sqlite().await;
    let server = TestServer::start(&db, clock()).await;
    let (secret, codes) = enrol(&server, "hal").await;
    let run = |args: &'static [&'static str]| crate::cli::run(&server.socket, args, "");

    let export = run(&["user", "export", "--user", "hal", "--reason", "DSAR-9"]).await;
    assert_eq!(export.status.code(), Some(0), "{export:?}");
    let printed = String::from_utf8(export.stdout).unwrap();
    let document: serde_json::Value = serde_json::from_str(&printed).unwrap();
    assert_eq!(document["totp"]["state"], "enabled");
    assert_eq!(document["recovery_codes"]["remaining"], 8);
    assert_eq!(document["audit_events"][0]["kind"], "user.exported");
    assert_eq!(document["audit_events"][0]["details"]["reason"], "DSAR-9");
    assert!(!printed.contains(&secret) && !codes.iter().any(|c| printed.contains(c)));

    // stdin is a pipe, not a terminal: nothing is erased without --yes.
    let refused = run(&["user", "erase", "--user", "hal"]).await;
    assert_eq!(refused.status.code(), Some(1), "{refused:?}");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--yes"));
    assert_eq!(
        rows_of(&server, "default", "hal").await["totp_credentials"],
        1
    );

    let erased = run(&["user", "erase", "--user", "hal", "--yes", "--json"]).await;
    assert_eq!(erased.status.code(), Some(0), "{erased:?}");
    let document: serde_json::Value = serde_json::from_slice(&erased.stdout).unwrap();
    assert_eq!(document["found"], true);
    assert_eq!(document["erased_rows"]["recovery_codes"], 8);
    assert!(document["actor_id"].as_str().unwrap().starts_with("cli:"));
    let left = rows_of(&server, "default", "hal").await;
    assert!(
        left.iter()
            .all(|(table, n)| *n == i64::from(table == "audit_events")),
        "{left:?}"
    );
    server.stop().await;
    db.cleanup().await;
}
