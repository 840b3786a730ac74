//! The purge: expired challenges, outbox messages and trusted devices go
//! once they have been expired longer than the retention, audit events once
//! older than theirs, in batches, and nothing still in use goes with them.
use std::time::Duration;

use chrono::TimeDelta;
use sea_orm::{EntityTrait, PaginatorTrait};
use tollgate::pb;
use tollgate::pb::challenge_service_client::ChallengeServiceClient;
use tollgate::pb::delivery_service_client::DeliveryServiceClient;
use tollgate_domain::Clock;
use tollgate_domain::retention::{PURGE_BATCH, Retention};
use tollgate_storage::entity::{audit_event, challenge, outbox, trusted_device};

use crate::challenge::{challenge_id, verify_request};
use crate::enrollment::enrol;
use crate::support::{TestDb, TestServer, authenticator_code, clock, on_both_databases, until};

/// Rows left in each purged table: challenges, messages, devices, audit events.
async fn rows(server: &TestServer) -> [u64; 4] {
    let db = server.app_store.connection();
    [
        challenge::Entity::find().count(db).await.unwrap(),
        outbox::Entity::find().count(db).await.unwrap(),
        trusted_device::Entity::find().count(db).await.unwrap(),
        audit_event::Entity::find().count(db).await.unwrap(),
    ]
}

/// Waits until the purges running in the background have left `expected`
/// rows.
async fn until_rows(server: &TestServer, expected: [u64; 4]) {
    let what = format!("the purge to leave {expected:?} rows");
    until(&what, async || rows(server).await == expected).await;
}

async fn expired_rows_and_old_audit_events_are_purged(db: &TestDb) {
    let retention = Retention {
        expired: TimeDelta::hours(1),
        audit: Some(TimeDelta::days(40)),
    };
    let server = TestServer::start_with(db, clock(), |config| {
        config.purge.interval = Some(Duration::from_millis(50));
        config.purge.retention = retention;
    })
    .await;
    let mut challenges = ChallengeServiceClient::new(server.channel().await);
    let mut delivery = DeliveryServiceClient::new(server.channel().await);

    // Day 0: an enrolment, a sign-in that trusts its browser, a contact
    // whose confirmation waits in the outbox, and more open challenges
    // than one batch deletes.
    let (secret, _) = enrol(&server, "nia").await;
    server.clock.advance(TimeDelta::seconds(30));
    let id = challenge_id(&mut challenges, "nia").await;
    let code = authenticator_code(&secret, server.clock.now().timestamp());
    let mut trusting = verify_request("nia", &id, pb::Method::Totp, &code);
    trusting.remember_device = true;
    let token = challenges
        .verify_challenge(trusting)
        .await
        .unwrap()
        .into_inner()
        .trusted_device_token;
    assert!(!token.is_empty());
    delivery
        .register_contact(pb::RegisterContactRequest {
            user_id: "nia".into(),
            kind: pb::ContactKind::Email as i32,
            address: "nia@example.com".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    delivery
        .send_confirmation(pb::SendConfirmationRequest {
            user_id: "nia".into(),
            kind: pb::ContactKind::Email as i32,
            ..Default::default()
        })
        .await
        .unwrap();
    let open = u64::from(PURGE_BATCH) + 20;
    for _ in 0..open {
        challenge_id(&mut challenges, "nia").await;
    }
    let [begun, messages, devices, day_zero_events] = rows(&server).await;
    assert_eq!((begun, messages, devices), (open + 1, 1, 1));

    // Purges run all along: nothing is old enough yet (a purge now, the
    // same as the server's, deletes nothing). Ten days on, the challenges
    // (five minutes) and the message (a day to confirm) have been expired
    // for longer than an hour and go; the device (trusted for 30 days) and
    // the audit events stay, and so does a challenge begun now.
    server.core.purge(&retention).await.unwrap();
    assert_eq!(rows(&server).await, [begun, 1, 1, day_zero_events]);
    server.clock.advance(TimeDelta::days(10));
    let fresh = challenge_id(&mut challenges, "nia").await;
    until_rows(&server, [1, 0, 1, day_zero_events]).await;
    // The challenge left is the live one: it still signs in.
    let code = authenticator_code(&secret, server.clock.now().timestamp());
    challenges
        .verify_challenge(verify_request("nia", &fresh, pb::Method::Totp, &code))
        .await
        .unwrap();
    let later_events = rows(&server).await[3] - day_zero_events;
    assert!(later_events > 0);

    // Day 49: the device expired 19 days ago and the day-0 audit events
    // are older than 40 days; the day-10 events are not.
    server.clock.advance(TimeDelta::days(39));
    until_rows(&server, [0, 0, 0, later_events]).await;
    server.stop().await;
}

on_both_databases!(expired_rows_and_old_audit_events_are_purged);
