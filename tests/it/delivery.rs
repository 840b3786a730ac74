//! Email and SMS end to end through the outbox transport: contacts and their
//! confirmation, the contact methods, codes for a challenge (expiry,
//! cool-down, cap, single use), and outbox redelivery across a restart, on
//! SQLite and Postgres.
use std::time::Duration;

use chrono::TimeDelta;
use tollgate::pb;
use tollgate::pb::challenge_service_client::ChallengeServiceClient;
use tollgate::pb::delivery_service_client::DeliveryServiceClient;
use tollgate::pb::enrollment_service_client::EnrollmentServiceClient;
use tollgate_domain::Clock;
use tonic::Code;
use tonic::transport::Channel;

use crate::challenge::{challenge_id, verify_request};
use crate::enrollment::{begin, confirm, enrol};
use crate::support::{
    TestDb, TestServer, authenticator_code, clock, metadata, on_both_databases, reason,
    violated_fields,
};

/// The application's side of StreamOutbox.
pub(crate) struct Outbox {
    stream: tonic::Streaming<pb::OutboxMessage>,
    client: DeliveryServiceClient<Channel>,
}

impl Outbox {
    pub(crate) async fn open(channel: Channel) -> Self {
        let mut client = DeliveryServiceClient::new(channel);
        let stream = client
            .stream_outbox(pb::StreamOutboxRequest::default())
            .await
            .unwrap()
            .into_inner();
        Self { stream, client }
    }

    /// The next message (waits on the stream, bounded).
    pub(crate) async fn next(&mut self) -> pb::OutboxMessage {
        tokio::time::timeout(Duration::from_secs(10), self.stream.message())
            .await
            .expect("a message within 10 s")
            .unwrap()
            .unwrap()
    }

    /// Nothing arrives for a while.
    async fn quiet(&mut self) {
        let next = tokio::time::timeout(Duration::from_millis(700), self.stream.message()).await;
        assert!(next.is_err(), "unexpected message: {next:?}");
    }

    async fn ack(&mut self, message: &pb::OutboxMessage) {
        self.client
            .ack_message(pb::AckMessageRequest {
                message_id: message.message_id.clone(),
                tenant_id: message.tenant_id.clone(),
            })
            .await
            .unwrap();
    }
}

pub(crate) fn contact(
    user: &str,
    kind: pb::ContactKind,
    address: &str,
) -> pb::RegisterContactRequest {
    pb::RegisterContactRequest {
        user_id: user.to_owned(),
        kind: kind as i32,
        address: address.to_owned(),
        ..Default::default()
    }
}

/// `ResendConfirmations` for `users`: how many it sent, how many were
/// confirmed already, and how many it skipped within the cool-down.
async fn resend_confirmations(
    delivery: &mut DeliveryServiceClient<Channel>,
    users: &[&str],
) -> (u32, u32, u32) {
    let bulk = delivery
        .resend_confirmations(pb::ResendConfirmationsRequest {
            user_ids: users.iter().map(|u| (*u).to_owned()).collect(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    (
        bulk.sent_count,
        bulk.already_confirmed_count,
        bulk.too_soon_count,
    )
}

/// A server, with clients for enrolment and sign-in and its outbox.
async fn signing_in(
    db: &TestDb,
) -> (
    TestServer,
    EnrollmentServiceClient<Channel>,
    ChallengeServiceClient<Channel>,
    Outbox,
) {
    let server = TestServer::start(db, clock()).await;
    let enrollment = EnrollmentServiceClient::new(server.channel().await);
    let challenge = ChallengeServiceClient::new(server.channel().await);
    let outbox = Outbox::open(server.channel().await).await;
    (server, enrollment, challenge, outbox)
}

/// Registers and confirms a contact through the outbox.
pub(crate) async fn confirmed_contact(
    server: &TestServer,
    outbox: &mut Outbox,
    user: &str,
    kind: pb::ContactKind,
    address: &str,
) {
    let mut delivery = DeliveryServiceClient::new(server.channel().await);
    delivery
        .register_contact(contact(user, kind, address))
        .await
        .unwrap();
    delivery
        .send_confirmation(pb::SendConfirmationRequest {
            user_id: user.to_owned(),
            kind: kind as i32,
            ..Default::default()
        })
        .await
        .unwrap();
    let message = outbox.next().await;
    outbox.ack(&message).await;
    delivery
        .confirm_contact(pb::ConfirmContactRequest {
            user_id: user.to_owned(),
            kind: kind as i32,
            token_or_code: message.code,
            ..Default::default()
        })
        .await
        .unwrap();
}

async fn contacts_are_validated_masked_and_confirmed(db: &TestDb) {
    let server = TestServer::start(db, clock()).await;
    let mut delivery = DeliveryServiceClient::new(server.channel().await);
    let mut outbox = Outbox::open(server.channel().await).await;

    for (kind, bad) in [
        (pb::ContactKind::Email, "not-an-address"),
        (pb::ContactKind::Phone, "020 7946 0123"),
    ] {
        let err = delivery
            .register_contact(contact("alice", kind, bad))
            .await
            .unwrap_err();
        assert_eq!(
            (err.code(), violated_fields(&err)),
            (Code::InvalidArgument, vec!["address".to_owned()])
        );
    }
    let email = delivery
        .register_contact(contact(
            "alice",
            pb::ContactKind::Email,
            " Alice@Example.COM ",
        ))
        .await
        .unwrap()
        .into_inner()
        .contact
        .unwrap();
    assert_eq!(email.masked_address, "A***@example.com");
    assert!(email.confirmed_at.is_none());
    let phone = delivery
        .register_contact(contact("alice", pb::ContactKind::Phone, "+44 20 7946 0123"))
        .await
        .unwrap()
        .into_inner()
        .contact
        .unwrap();
    assert_eq!(phone.masked_address, "+44 ******* 123");

    // Email: a token in the message (a link when configured).
    let sent = delivery
        .send_confirmation(pb::SendConfirmationRequest {
            user_id: "alice".into(),
            kind: pb::ContactKind::Email as i32,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(sent.masked_destination, "A***@example.com");
    let message = outbox.next().await;
    assert_eq!(message.kind(), pb::MessageKind::ContactConfirmation);
    assert_eq!(
        (message.channel(), message.recipient.as_str()),
        (pb::ContactKind::Email, "Alice@example.com")
    );
    assert_eq!(message.code.len(), 40);
    assert!(message.text_body.contains(&message.code));
    assert!(message.subject.contains("Confirm your email address"));
    outbox.ack(&message).await;

    let confirm = |code: &str| pb::ConfirmContactRequest {
        user_id: "alice".into(),
        kind: pb::ContactKind::Email as i32,
        token_or_code: code.to_owned(),
        ..Default::default()
    };
    let err = delivery
        .confirm_contact(confirm("0".repeat(40).as_str()))
        .await
        .unwrap_err();
    assert_eq!(reason(&err), "CODE_MISMATCH");
    let confirmed = delivery
        .confirm_contact(confirm(&message.code))
        .await
        .unwrap()
        .into_inner()
        .contact
        .unwrap();
    assert!(confirmed.confirmed_at.is_some());
    let err = delivery
        .confirm_contact(confirm(&message.code))
        .await
        .unwrap_err();
    assert_eq!(reason(&err), "CONTACT_ALREADY_CONFIRMED", "single use");

    // SMS: a six-digit code that expires.
    delivery
        .send_confirmation(pb::SendConfirmationRequest {
            user_id: "alice".into(),
            kind: pb::ContactKind::Phone as i32,
            ..Default::default()
        })
        .await
        .unwrap();
    let sms = outbox.next().await;
    assert_eq!(
        (sms.channel(), sms.recipient.as_str()),
        (pb::ContactKind::Phone, "+442079460123")
    );
    assert_eq!(sms.code.len(), 6);
    assert!(sms.text_body.starts_with(&sms.code));
    outbox.ack(&sms).await;
    server.clock.advance(TimeDelta::minutes(16));
    let err = delivery
        .confirm_contact(pb::ConfirmContactRequest {
            user_id: "alice".into(),
            kind: pb::ContactKind::Phone as i32,
            token_or_code: sms.code.clone(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(
        reason(&err),
        "CODE_EXPIRED",
        "an expired code confirms nothing"
    );

    // A changed address is unconfirmed again.
    let changed = delivery
        .register_contact(contact(
            "alice",
            pb::ContactKind::Email,
            "alice@example.org",
        ))
        .await
        .unwrap()
        .into_inner()
        .contact
        .unwrap();
    assert!(changed.confirmed_at.is_none());
    let listed = delivery
        .list_contacts(pb::ListContactsRequest {
            user_id: "alice".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .contacts;
    let masked: Vec<&str> = listed.iter().map(|c| c.masked_address.as_str()).collect();
    assert_eq!(masked, ["a***@example.org", "+44 ******* 123"]);

    // Bulk: every unconfirmed contact among the listed users.
    delivery
        .register_contact(contact("bob", pb::ContactKind::Email, "bob@example.com"))
        .await
        .unwrap();
    let bulk = resend_confirmations(&mut delivery, &["alice", "bob", "nobody"]).await;
    assert_eq!(bulk, (3, 0, 0));
    let mut recipients = Vec::new();
    for _ in 0..3 {
        let message = outbox.next().await;
        recipients.push(message.recipient.clone());
        outbox.ack(&message).await;
    }
    recipients.sort();
    assert_eq!(
        recipients,
        ["+442079460123", "alice@example.org", "bob@example.com"]
    );
    server.stop().await;
}

async fn sign_in_with_an_emailed_code(db: &TestDb) {
    let (server, mut enrollment, mut challenge, mut outbox) = signing_in(db).await;
    let mut delivery = DeliveryServiceClient::new(server.channel().await);

    delivery
        .register_contact(contact(
            "carol",
            pb::ContactKind::Email,
            "carol@example.com",
        ))
        .await
        .unwrap();
    let enable = pb::EnableMethodRequest {
        user_id: "carol".into(),
        method: pb::Method::Email as i32,
        ..Default::default()
    };
    let err = enrollment.enable_method(enable.clone()).await.unwrap_err();
    assert_eq!(
        (err.code(), reason(&err).as_str()),
        (Code::FailedPrecondition, "CONTACT_UNCONFIRMED")
    );
    confirmed_contact(
        &server,
        &mut outbox,
        "carol",
        pb::ContactKind::Email,
        "carol@example.com",
    )
    .await;
    let enabled = enrollment.enable_method(enable).await.unwrap().into_inner();
    assert_eq!(enabled.enabled_methods, [pb::Method::Email as i32]);
    assert_eq!(
        enabled.recovery_codes.len(),
        8,
        "the first method brings recovery codes"
    );

    let started = challenge
        .begin_challenge(pb::BeginChallengeRequest {
            user_id: "carol".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(started.decision(), pb::Decision::Challenge);
    assert_eq!(
        started.methods,
        [pb::Method::Email as i32, pb::Method::RecoveryCode as i32]
    );
    let send = pb::SendCodeRequest {
        user_id: "carol".into(),
        challenge_id: started.challenge_id.clone(),
        method: pb::Method::Email as i32,
        ..Default::default()
    };
    let sent = challenge
        .send_code(send.clone())
        .await
        .unwrap()
        .into_inner();
    let now = chrono::DateTime::from_timestamp(crate::support::START_UNIX, 0)
        .unwrap()
        .timestamp();
    assert_eq!(sent.masked_destination, "c***@example.com");
    assert_eq!(sent.code_expires_at.unwrap().seconds, now + 90);
    assert_eq!(sent.resend_available_at.unwrap().seconds, now + 30);
    let first = outbox.next().await;
    assert_eq!(first.kind(), pb::MessageKind::SignInCode);
    assert_eq!(first.code.len(), 6);
    outbox.ack(&first).await;

    // Too soon to resend; after the cool-down a new code replaces the old.
    let err = challenge.send_code(send.clone()).await.unwrap_err();
    assert_eq!(
        (err.code(), reason(&err).as_str()),
        (Code::ResourceExhausted, "RESEND_TOO_SOON")
    );
    server.clock.advance(TimeDelta::seconds(30));
    challenge.send_code(send.clone()).await.unwrap();
    let second = outbox.next().await;
    outbox.ack(&second).await;
    let verify = |code: &str| pb::VerifyChallengeRequest {
        user_id: "carol".into(),
        challenge_id: started.challenge_id.clone(),
        method: pb::Method::Email as i32,
        code: code.to_owned(),
        ..Default::default()
    };
    if first.code != second.code {
        let err = challenge
            .verify_challenge(verify(&first.code))
            .await
            .unwrap_err();
        assert_eq!(
            reason(&err),
            "CODE_MISMATCH",
            "a new code invalidates the previous one"
        );
    }
    // Expired after 90 seconds.
    server.clock.advance(TimeDelta::seconds(91));
    let err = challenge
        .verify_challenge(verify(&second.code))
        .await
        .unwrap_err();
    assert_eq!(
        (err.code(), reason(&err).as_str()),
        (Code::FailedPrecondition, "CODE_EXPIRED")
    );
    // A fresh one works, once.
    challenge.send_code(send.clone()).await.unwrap();
    let third = outbox.next().await;
    outbox.ack(&third).await;
    let verified = challenge
        .verify_challenge(verify(&third.code))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(verified.methods_used, [pb::Method::Email as i32]);
    let err = challenge
        .verify_challenge(verify(&third.code))
        .await
        .unwrap_err();
    assert_eq!(reason(&err), "CHALLENGE_NOT_FOUND");
    server.stop().await;
}

async fn sends_are_capped_and_methods_ordered(db: &TestDb) {
    let (server, mut enrollment, mut challenge, mut outbox) = signing_in(db).await;
    confirmed_contact(
        &server,
        &mut outbox,
        "dave",
        pb::ContactKind::Phone,
        "+1 415 555 2671",
    )
    .await;
    confirmed_contact(
        &server,
        &mut outbox,
        "dave",
        pb::ContactKind::Email,
        "dave@example.com",
    )
    .await;
    for method in [pb::Method::Email, pb::Method::Sms] {
        enrollment
            .enable_method(pb::EnableMethodRequest {
                user_id: "dave".into(),
                method: method as i32,
                ..Default::default()
            })
            .await
            .unwrap();
    }
    enrollment
        .set_default_method(pb::SetDefaultMethodRequest {
            user_id: "dave".into(),
            method: pb::Method::Sms as i32,
            ..Default::default()
        })
        .await
        .unwrap();
    let err = enrollment
        .set_default_method(pb::SetDefaultMethodRequest {
            user_id: "dave".into(),
            method: pb::Method::Totp as i32,
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(reason(&err), "NOT_ENROLLED");
    let view = enrollment
        .get_enrollment(pb::GetEnrollmentRequest {
            user_id: "dave".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(view.default_method(), pb::Method::Sms);
    let sms = view.sms.unwrap();
    assert!(sms.enabled && sms.contact_confirmed);
    assert_eq!(sms.masked_address, "+1 ******* 671");

    let started = challenge
        .begin_challenge(pb::BeginChallengeRequest {
            user_id: "dave".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        started.methods,
        [
            pb::Method::Sms as i32,
            pb::Method::Email as i32,
            pb::Method::RecoveryCode as i32
        ],
        "the default first, the others as \"try another way\""
    );
    let send = pb::SendCodeRequest {
        user_id: "dave".into(),
        challenge_id: started.challenge_id.clone(),
        method: pb::Method::Sms as i32,
        ..Default::default()
    };
    for _ in 0..5 {
        challenge.send_code(send.clone()).await.unwrap();
        let message = outbox.next().await;
        outbox.ack(&message).await;
        server.clock.advance(TimeDelta::seconds(31));
    }
    let err = challenge.send_code(send).await.unwrap_err();
    assert_eq!(reason(&err), "RESEND_TOO_SOON", "five codes per challenge");

    // Disabling both contact methods turns 2FA off (policy is optional
    // here) and takes the recovery codes along.
    for method in [pb::Method::Email, pb::Method::Sms] {
        enrollment
            .disable_method(pb::DisableMethodRequest {
                user_id: "dave".into(),
                method: method as i32,
                ..Default::default()
            })
            .await
            .unwrap();
    }
    let view = enrollment
        .get_enrollment(pb::GetEnrollmentRequest {
            user_id: "dave".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(view.enabled_methods.is_empty());
    assert_eq!(view.recovery_codes_remaining, 0);
    server.stop().await;
}

async fn unacknowledged_messages_are_offered_again_even_after_a_restart(db: &TestDb) {
    let server = TestServer::start(db, clock()).await;
    let mut delivery = DeliveryServiceClient::new(server.channel().await);
    delivery
        .register_contact(contact("erin", pb::ContactKind::Email, "erin@example.com"))
        .await
        .unwrap();
    delivery
        .send_confirmation(pb::SendConfirmationRequest {
            user_id: "erin".into(),
            kind: pb::ContactKind::Email as i32,
            ..Default::default()
        })
        .await
        .unwrap();
    let mut outbox = Outbox::open(server.channel().await).await;
    let first = outbox.next().await;
    assert_eq!(first.attempt, 1);
    outbox.quiet().await;
    // Not acknowledged: after the ack timeout it comes again.
    server.clock.advance(TimeDelta::seconds(61));
    let again = outbox.next().await;
    assert_eq!(
        (again.message_id.as_str(), again.attempt),
        (first.message_id.as_str(), 2)
    );
    drop(outbox);
    server.stop().await;

    // Still there after a restart; acknowledged, it is gone for good.
    let server = TestServer::start(db, clock()).await;
    server.clock.advance(TimeDelta::seconds(125));
    let mut outbox = Outbox::open(server.channel().await).await;
    let after_restart = outbox.next().await;
    assert_eq!(after_restart.message_id, first.message_id);
    assert_eq!(after_restart.code, first.code);
    outbox.ack(&after_restart).await;
    let err = outbox
        .client
        .ack_message(pb::AckMessageRequest {
            message_id: first.message_id.clone(),
            tenant_id: first.tenant_id.clone(),
        })
        .await
        .unwrap_err();
    assert_eq!(reason(&err), "MESSAGE_NOT_FOUND");
    server.clock.advance(TimeDelta::seconds(125));
    outbox.quiet().await;
    server.stop().await;
}

async fn confirmations_wait_for_the_cool_down(db: &TestDb) {
    let server = TestServer::start(db, clock()).await;
    let mut delivery = DeliveryServiceClient::new(server.channel().await);
    let mut outbox = Outbox::open(server.channel().await).await;
    let start = chrono::DateTime::from_timestamp(crate::support::START_UNIX, 0).unwrap();
    let dave = |number: &str| contact("dave", pb::ContactKind::Phone, number);
    let send = pb::SendConfirmationRequest {
        user_id: "dave".into(),
        kind: pb::ContactKind::Phone as i32,
        ..Default::default()
    };
    let too_soon = |err: tonic::Status| {
        assert_eq!(
            (err.code(), reason(&err).as_str()),
            (Code::ResourceExhausted, "RESEND_TOO_SOON")
        );
        metadata(&err)["available_at"].clone()
    };

    delivery
        .register_contact(dave("+44 20 7946 0124"))
        .await
        .unwrap();
    delivery.send_confirmation(send.clone()).await.unwrap();
    let first = outbox.next().await;
    outbox.ack(&first).await;
    let available_at = (start + TimeDelta::seconds(30)).to_rfc3339();
    let err = delivery.send_confirmation(send.clone()).await.unwrap_err();
    assert_eq!(too_soon(err), available_at);
    // A changed number does not reset the cool-down: flipping between
    // numbers is no way to send more messages.
    delivery
        .register_contact(dave("+44 20 7946 0125"))
        .await
        .unwrap();
    let err = delivery.send_confirmation(send.clone()).await.unwrap_err();
    assert_eq!(too_soon(err), available_at);
    let bulk = resend_confirmations(&mut delivery, &["dave"]).await;
    assert_eq!(bulk, (0, 0, 1), "the bulk resend skips it and says so");
    outbox.quiet().await;

    server.clock.advance(TimeDelta::seconds(30));
    delivery.send_confirmation(send.clone()).await.unwrap();
    let second = outbox.next().await;
    assert_eq!(second.recipient, "+442079460125");
    outbox.ack(&second).await;

    // Two sends at once after the cool-down: the database lets one through.
    server.clock.advance(TimeDelta::seconds(30));
    let mut other = DeliveryServiceClient::new(server.channel().await);
    let (a, b) = tokio::join!(
        delivery.send_confirmation(send.clone()),
        other.send_confirmation(send.clone())
    );
    let refused = match (a, b) {
        (Ok(_), Err(err)) | (Err(err), Ok(_)) => err,
        other => panic!("exactly one send must pass: {other:?}"),
    };
    too_soon(refused);
    let third = outbox.next().await;
    outbox.ack(&third).await;
    outbox.quiet().await;

    // Confirming still works with the one code that was sent.
    delivery
        .confirm_contact(pb::ConfirmContactRequest {
            user_id: "dave".into(),
            kind: pb::ContactKind::Phone as i32,
            token_or_code: third.code.clone(),
            ..Default::default()
        })
        .await
        .unwrap();
    server.stop().await;
}

async fn a_second_method_keeps_the_recovery_codes(db: &TestDb) {
    let (server, mut enrollment, mut challenge, mut outbox) = signing_in(db).await;
    confirmed_contact(
        &server,
        &mut outbox,
        "erin",
        pb::ContactKind::Email,
        "erin@example.com",
    )
    .await;
    let first = enrollment
        .enable_method(pb::EnableMethodRequest {
            user_id: "erin".into(),
            method: pb::Method::Email as i32,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .recovery_codes;
    assert_eq!(first.len(), 8, "the first method turns 2FA on");

    // Adding the authenticator app later neither shows nor replaces codes:
    // the set the user printed with the first method stays good.
    let (_, second) = enrol(&server, "erin").await;
    assert!(second.is_empty(), "{second:?}");
    let id = challenge_id(&mut challenge, "erin").await;
    let verified = challenge
        .verify_challenge(verify_request(
            "erin",
            &id,
            pb::Method::RecoveryCode,
            &first[0],
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(verified.recovery_codes_remaining, 7);
    server.stop().await;
}

/// Three methods enabled at once for a user who has none: each request
/// finds no method when it starts, but the database decides which one is
/// first, so exactly one brings a set, and that set is the one stored.
async fn methods_enabled_at_once_bring_one_recovery_set(db: &TestDb) {
    let (server, _, mut challenge, mut outbox) = signing_in(db).await;
    let now = server.clock.now().timestamp();
    for user in ["gus", "hal", "ivy"] {
        for (kind, address) in [
            (pb::ContactKind::Email, format!("{user}@example.com")),
            (pb::ContactKind::Phone, "+44 20 7946 0123".to_owned()),
        ] {
            confirmed_contact(&server, &mut outbox, user, kind, &address).await;
        }
        let mut totp = EnrollmentServiceClient::new(server.channel().await);
        let secret = totp.begin_totp(begin(user)).await.unwrap().into_inner();
        let code = authenticator_code(&secret.secret_base32, now);
        let enable = |method: pb::Method| {
            let channel = server.channel();
            async move {
                EnrollmentServiceClient::new(channel.await)
                    .enable_method(pb::EnableMethodRequest {
                        user_id: user.to_owned(),
                        method: method as i32,
                        ..Default::default()
                    })
                    .await
                    .unwrap()
                    .into_inner()
                    .recovery_codes
            }
        };
        let (email, sms, app) =
            tokio::join!(enable(pb::Method::Email), enable(pb::Method::Sms), async {
                totp.confirm_totp(confirm(user, &code))
                    .await
                    .unwrap()
                    .into_inner()
                    .recovery_codes
            },);
        let sets: Vec<&Vec<String>> = [&email, &sms, &app]
            .into_iter()
            .filter(|codes| !codes.is_empty())
            .collect();
        assert_eq!(
            sets.len(),
            1,
            "{user}: {:?}",
            [&email, &sms, &app].map(Vec::len)
        );
        assert_eq!(sets[0].len(), 8);

        let id = challenge_id(&mut challenge, user).await;
        let verified = challenge
            .verify_challenge(verify_request(
                user,
                &id,
                pb::Method::RecoveryCode,
                &sets[0][0],
            ))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(verified.recovery_codes_remaining, 7, "{user}: one set of 8");
    }
    server.stop().await;
}

/// The user's only method turned off while another is turned on: whichever
/// the database runs first, the user ends with the new method and one
/// good set of recovery codes (the old set when the new method came first,
/// a new one, shown by EnableMethod, when it came last).
async fn a_method_enabled_as_the_last_one_goes_keeps_a_recovery_set(db: &TestDb) {
    let (server, mut enrollment, mut challenge, mut outbox) = signing_in(db).await;
    for user in ["jay", "kim", "lou", "max"] {
        let address = format!("{user}@example.com");
        confirmed_contact(&server, &mut outbox, user, pb::ContactKind::Email, &address).await;
        let (_, app_set) = enrol(&server, user).await;
        let mut other = EnrollmentServiceClient::new(server.channel().await);
        let (disabled, enabled) = tokio::join!(
            other.disable_method(pb::DisableMethodRequest {
                user_id: user.to_owned(),
                method: pb::Method::Totp as i32,
                ..Default::default()
            }),
            enrollment.enable_method(pb::EnableMethodRequest {
                user_id: user.to_owned(),
                method: pb::Method::Email as i32,
                ..Default::default()
            }),
        );
        disabled.unwrap();
        let shown = enabled.unwrap().into_inner().recovery_codes;
        let set = if shown.is_empty() { app_set } else { shown };
        let id = challenge_id(&mut challenge, user).await;
        let verified = challenge
            .verify_challenge(verify_request(user, &id, pb::Method::RecoveryCode, &set[0]))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(verified.recovery_codes_remaining, 7, "{user}");
    }
    server.stop().await;
}

/// Codes sent before a key rotation work after it, while the old key is a
/// previous key: a sign-in code for a challenge begun before, and a
/// contact confirmation code.
async fn codes_sent_before_a_key_rotation_work_after_it(db: &TestDb) {
    let [old_key, new_key] = db.new_key_files(["old.key", "new.key"]);
    let server =
        TestServer::start_with(db, clock(), |c| c.secret_key_file = Some(old_key.clone())).await;
    let mut outbox = Outbox::open(server.channel().await).await;
    let address = "olga@example.com";
    confirmed_contact(
        &server,
        &mut outbox,
        "olga",
        pb::ContactKind::Email,
        address,
    )
    .await;
    EnrollmentServiceClient::new(server.channel().await)
        .enable_method(pb::EnableMethodRequest {
            user_id: "olga".into(),
            method: pb::Method::Email as i32,
            ..Default::default()
        })
        .await
        .unwrap();
    let mut challenge = ChallengeServiceClient::new(server.channel().await);
    let id = challenge_id(&mut challenge, "olga").await;
    challenge
        .send_code(pb::SendCodeRequest {
            user_id: "olga".into(),
            challenge_id: id.clone(),
            method: pb::Method::Email as i32,
            ..Default::default()
        })
        .await
        .unwrap();
    let sign_in_code = outbox.next().await;
    outbox.ack(&sign_in_code).await;
    let mut delivery = DeliveryServiceClient::new(server.channel().await);
    let phone = contact("olga", pb::ContactKind::Phone, "+44 20 7946 0123");
    delivery.register_contact(phone).await.unwrap();
    delivery
        .send_confirmation(pb::SendConfirmationRequest {
            user_id: "olga".into(),
            kind: pb::ContactKind::Phone as i32,
            ..Default::default()
        })
        .await
        .unwrap();
    let confirmation = outbox.next().await;
    outbox.ack(&confirmation).await;
    drop(outbox);
    server.stop().await;

    let server = TestServer::start_with(db, clock(), |c| {
        c.secret_key_file = Some(new_key.clone());
        c.previous_secret_key_files = vec![old_key.clone()];
    })
    .await;
    DeliveryServiceClient::new(server.channel().await)
        .confirm_contact(pb::ConfirmContactRequest {
            user_id: "olga".into(),
            kind: pb::ContactKind::Phone as i32,
            token_or_code: confirmation.code,
            ..Default::default()
        })
        .await
        .unwrap();
    ChallengeServiceClient::new(server.channel().await)
        .verify_challenge(verify_request(
            "olga",
            &id,
            pb::Method::Email,
            &sign_in_code.code,
        ))
        .await
        .unwrap();
    server.stop().await;
}

on_both_databases!(
    contacts_are_validated_masked_and_confirmed,
    codes_sent_before_a_key_rotation_work_after_it,
    a_method_enabled_as_the_last_one_goes_keeps_a_recovery_set,
    a_second_method_keeps_the_recovery_codes,
    methods_enabled_at_once_bring_one_recovery_set,
    confirmations_wait_for_the_cool_down,
    sign_in_with_an_emailed_code,
    sends_are_capped_and_methods_ordered,
    unacknowledged_messages_are_offered_again_even_after_a_restart,
);
