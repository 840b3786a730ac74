//! Security notifications end to end, each over a real SMTP server on a
//! loopback port (the one tests/it/transports.rs runs), on SQLite and
//! Postgres: one scenario per kind of event, each checking the recipient,
//! the subject, and that the body names the event, its time, the client's
//! IP and user agent and holds no code; and the attacks: a tenant that did
//! not opt in, an unconfirmed address, another tenant's opt-in, a replayed
//! and a parallel recovery code. Without an email transport the notice
//! waits on StreamOutbox.
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sea_orm::ConnectionTrait;
use tollgate::config::{EmailTransportKind, SmtpSecurityKind};
use tollgate::pb;
use tollgate::pb::challenge_service_client::ChallengeServiceClient;
use tollgate::pb::delivery_service_client::DeliveryServiceClient;
use tollgate::pb::enrollment_service_client::EnrollmentServiceClient;
use tollgate::pb::policy_service_client::PolicyServiceClient;
use tollgate::pb::recovery_service_client::RecoveryServiceClient;
use tollgate_domain::Clock;

use crate::challenge::{challenge_id, verify_request};
use crate::support::{TestDb, TestServer, authenticator_code, clock, on_both_databases, until};
use crate::transports::{smtp_server, token_in, unfold};

/// The client every request here names (as `verify_request` does).
const IP: &str = "203.0.113.7";
const AGENT: &str = "Firefox/140";
/// The test clock's start, as a notice writes it.
const WHEN: &str = "2027-01-15 08:00 UTC";

/// A server delivering email over a real SMTP server, and that server's
/// mailbox.
struct Mailroom {
    server: TestServer,
    mails: Arc<Mutex<Vec<String>>>,
}

impl Mailroom {
    async fn start(db: &TestDb) -> Self {
        let (port, mails) = smtp_server().await;
        let server = TestServer::start_with(db, clock(), move |config| {
            config.delivery.email_transport = EmailTransportKind::Smtp;
            config.delivery.smtp_host = Some("127.0.0.1".to_owned());
            config.delivery.smtp_port = Some(port);
            config.delivery.smtp_security = SmtpSecurityKind::None;
            config.delivery.smtp_from = Some("Acme <no-reply@acme.test>".to_owned());
        })
        .await;
        Self { server, mails }
    }

    fn count(&self) -> usize {
        self.mails.lock().unwrap().len()
    }

    /// The next mail after the first `seen`, with line folding undone.
    async fn mail_after(&self, seen: usize) -> String {
        until("a mail to arrive", async || self.count() > seen).await;
        let mail = self.mails.lock().unwrap()[seen].clone();
        unfold(&mail).replace("\r\n ", " ")
    }

    /// `user` of `tenant` registers and confirms `address`.
    async fn confirmed_email(&self, tenant: &str, user: &str, address: &str) {
        let seen = self.count();
        self.register_email(tenant, user, address).await;
        let mut delivery = DeliveryServiceClient::new(self.server.channel().await);
        delivery
            .send_confirmation(pb::SendConfirmationRequest {
                tenant_id: tenant.to_owned(),
                user_id: user.to_owned(),
                kind: pb::ContactKind::Email as i32,
            })
            .await
            .unwrap();
        let token = token_in(&self.mail_after(seen).await);
        delivery
            .confirm_contact(pb::ConfirmContactRequest {
                tenant_id: tenant.to_owned(),
                user_id: user.to_owned(),
                kind: pb::ContactKind::Email as i32,
                token_or_code: token,
            })
            .await
            .unwrap();
    }

    async fn register_email(&self, tenant: &str, user: &str, address: &str) {
        DeliveryServiceClient::new(self.server.channel().await)
            .register_contact(pb::RegisterContactRequest {
                tenant_id: tenant.to_owned(),
                user_id: user.to_owned(),
                kind: pb::ContactKind::Email as i32,
                address: address.to_owned(),
            })
            .await
            .unwrap();
    }

    /// The security notifications queued so far: (tenant, user, kind), by
    /// kind (the test clock does not move, so they share a time).
    async fn queued(&self) -> Vec<(String, String, String)> {
        queued(&self.server).await
    }
}

async fn queued(server: &TestServer) -> Vec<(String, String, String)> {
    let db = server.app_store.connection();
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT tenant_id, user_id, kind FROM outbox \
             WHERE kind NOT IN ('sign_in_code', 'contact_confirmation') \
             ORDER BY kind, tenant_id, user_id",
        ))
        .await
        .unwrap();
    rows.iter()
        .map(|r| {
            let text = |i| r.try_get_by_index::<String>(i).unwrap();
            (text(0), text(1), text(2))
        })
        .collect()
}

/// Opts `tenant` in (with `also` set as well: policy field paths and values).
async fn opt_in(server: &TestServer, tenant: &str, also: impl FnOnce(&mut pb::Policy)) {
    let mut policy = pb::Policy {
        security_notifications: true,
        ..Default::default()
    };
    also(&mut policy);
    let mut paths = vec!["security_notifications".to_owned()];
    if policy.recovery_code_count != 0 {
        paths.push("recovery_code_count".to_owned());
    }
    PolicyServiceClient::new(server.channel().await)
        .update_policy(pb::UpdatePolicyRequest {
            tenant_id: tenant.to_owned(),
            policy: Some(policy),
            update_mask: Some(prost_types::FieldMask { paths }),
            actor_id: "admin-1".to_owned(),
            ..Default::default()
        })
        .await
        .unwrap();
}

/// Enrols `user` of `tenant` with an authenticator app, naming the client;
/// returns the secret and the recovery codes.
async fn enrol(server: &TestServer, tenant: &str, user: &str) -> (String, Vec<String>) {
    let mut client = EnrollmentServiceClient::new(server.channel().await);
    let setup = client
        .begin_totp(pb::BeginTotpRequest {
            tenant_id: tenant.to_owned(),
            user_id: user.to_owned(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let code = authenticator_code(&setup.secret_base32, server.clock.now().timestamp());
    let confirmed = client
        .confirm_totp(pb::ConfirmTotpRequest {
            tenant_id: tenant.to_owned(),
            user_id: user.to_owned(),
            code,
            client_ip: IP.into(),
            user_agent: AGENT.into(),
        })
        .await
        .unwrap()
        .into_inner();
    (setup.secret_base32, confirmed.recovery_codes)
}

/// Checks a delivered notice: to `address`, with `subject`, naming the
/// event (`says`), the time and the client, and holding none of `secrets`.
fn check(mail: &str, address: &str, subject: &str, says: &str, secrets: &[&str]) {
    assert!(mail.contains(&format!("To: {address}")), "{mail}");
    assert!(mail.contains(&format!("Subject: {subject}")), "{mail}");
    assert!(mail.contains(says), "{mail}");
    assert!(mail.contains(WHEN), "{mail}");
    assert!(mail.contains(&format!("IP address: {IP}")), "{mail}");
    assert!(mail.contains(&format!("Browser or app: {AGENT}")), "{mail}");
    for secret in secrets {
        assert!(!mail.contains(secret), "{secret} in {mail}");
    }
}

/// A user opted in, with a confirmed address, mail counted from here.
async fn opted_in_user(db: &TestDb, user: &str) -> (Mailroom, String) {
    let room = Mailroom::start(db).await;
    opt_in(&room.server, "", |_| {}).await;
    let address = format!("{user}@example.com");
    room.confirmed_email("", user, &address).await;
    (room, address)
}

async fn turning_two_factor_on_is_told(db: &TestDb) {
    let (room, address) = opted_in_user(db, "ann").await;
    let seen = room.count();
    let (secret, codes) = enrol(&room.server, "", "ann").await;
    let mail = room.mail_after(seen).await;
    let mut secrets = vec![secret.as_str()];
    secrets.extend(codes.iter().map(String::as_str));
    check(
        &mail,
        &address,
        "Two-factor authentication is on for your tollgate account",
        "Two-factor authentication was turned on for your tollgate account (authenticator app).",
        &secrets,
    );
    assert_eq!(room.queued().await.len(), 1);
    room.server.stop().await;
}

async fn a_method_added_is_told(db: &TestDb) {
    let (room, address) = opted_in_user(db, "ben").await;
    enrol(&room.server, "", "ben").await;
    let seen = room.count() + 1; // after the 2FA-on notice
    EnrollmentServiceClient::new(room.server.channel().await)
        .enable_method(pb::EnableMethodRequest {
            user_id: "ben".into(),
            method: pb::Method::Email as i32,
            client_ip: IP.into(),
            user_agent: AGENT.into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let mail = room.mail_after(seen).await;
    check(
        &mail,
        &address,
        "A second factor was added to your tollgate account",
        "A second factor was added to your tollgate account: codes by email.",
        &[],
    );
    // Turning it on again changes nothing, and tells nothing.
    EnrollmentServiceClient::new(room.server.channel().await)
        .enable_method(pb::EnableMethodRequest {
            user_id: "ben".into(),
            method: pb::Method::Email as i32,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(room.queued().await.len(), 2, "2FA on, email added");
    room.server.stop().await;
}

async fn disable(server: &TestServer, user: &str, method: pb::Method) {
    EnrollmentServiceClient::new(server.channel().await)
        .disable_method(pb::DisableMethodRequest {
            user_id: user.into(),
            method: method as i32,
            client_ip: IP.into(),
            user_agent: AGENT.into(),
            ..Default::default()
        })
        .await
        .unwrap();
}

async fn a_method_removed_and_two_factor_turned_off_are_told(db: &TestDb) {
    let (room, address) = opted_in_user(db, "cat").await;
    enrol(&room.server, "", "cat").await;
    EnrollmentServiceClient::new(room.server.channel().await)
        .enable_method(pb::EnableMethodRequest {
            user_id: "cat".into(),
            method: pb::Method::Email as i32,
            ..Default::default()
        })
        .await
        .unwrap();
    let seen = room.count() + 2; // after 2FA on, email added
    until("both notices", async || room.count() >= seen).await;
    disable(&room.server, "cat", pb::Method::Totp).await;
    let mail = room.mail_after(seen).await;
    check(
        &mail,
        &address,
        "A second factor was removed from your tollgate account",
        "A second factor was removed from your tollgate account: authenticator app.",
        &[],
    );
    // The last method off: 2FA is off, one notice for it.
    disable(&room.server, "cat", pb::Method::Unspecified).await;
    let mail = room.mail_after(seen + 1).await;
    check(
        &mail,
        &address,
        "Two-factor authentication was turned off for your tollgate account",
        "Two-factor authentication was turned off for your tollgate account.",
        &[],
    );
    let kinds: Vec<String> = room.queued().await.into_iter().map(|q| q.2).collect();
    assert_eq!(
        kinds,
        [
            "method_added",
            "method_removed",
            "two_factor_disabled",
            "two_factor_enabled"
        ]
    );
    room.server.stop().await;
}

async fn an_administrator_reset_is_told(db: &TestDb) {
    let (room, address) = opted_in_user(db, "dan").await;
    enrol(&room.server, "", "dan").await;
    let seen = room.count() + 1;
    room.server
        .enrollment()
        .await
        .reset_user(pb::ResetUserRequest {
            user_id: "dan".into(),
            actor_id: "helpdesk-7".into(),
            reason: "lost phone, ticket 4711".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let mail = room.mail_after(seen).await;
    assert!(mail.contains(&format!("To: {address}")), "{mail}");
    assert!(
        mail.contains("An administrator turned off two-factor authentication"),
        "{mail}"
    );
    assert!(mail.contains("IP address: unknown"), "{mail}");
    // The reason and who did it stay in the audit log.
    assert!(
        !mail.contains("4711") && !mail.contains("helpdesk"),
        "{mail}"
    );
    // Nothing to tell after a second reset: 2FA was off already.
    room.server
        .enrollment()
        .await
        .reset_user(pb::ResetUserRequest {
            user_id: "dan".into(),
            actor_id: "helpdesk-7".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(room.queued().await.len(), 2);
    room.server.stop().await;
}

async fn regenerated_recovery_codes_are_told(db: &TestDb) {
    let (room, address) = opted_in_user(db, "eve").await;
    enrol(&room.server, "", "eve").await;
    let seen = room.count() + 1;
    let fresh = RecoveryServiceClient::new(room.server.channel().await)
        .regenerate_codes(pb::RegenerateCodesRequest {
            user_id: "eve".into(),
            client_ip: IP.into(),
            user_agent: AGENT.into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .codes;
    let mail = room.mail_after(seen).await;
    let secrets: Vec<&str> = fresh.iter().map(String::as_str).collect();
    check(
        &mail,
        &address,
        "New recovery codes for your tollgate account",
        "New recovery codes were generated for your tollgate account",
        &secrets,
    );
    room.server.stop().await;
}

/// Signs `user` in with `code` of `method`; the verification's outcome.
async fn sign_in(
    server: &TestServer,
    user: &str,
    method: pb::Method,
    code: &str,
    remember: bool,
) -> Result<pb::VerifyChallengeResponse, tonic::Status> {
    let mut challenge = ChallengeServiceClient::new(server.channel().await);
    let id = challenge_id(&mut challenge, user).await;
    let mut request = verify_request(user, &id, method, code);
    request.remember_device = remember;
    challenge
        .verify_challenge(request)
        .await
        .map(|r| r.into_inner())
}

async fn a_recovery_code_used_is_told_once(db: &TestDb) {
    let (room, address) = opted_in_user(db, "fay").await;
    let (_, codes) = enrol(&room.server, "", "fay").await;
    let seen = room.count() + 1;
    sign_in(
        &room.server,
        "fay",
        pb::Method::RecoveryCode,
        &codes[0],
        false,
    )
    .await
    .unwrap();
    let mail = room.mail_after(seen).await;
    check(
        &mail,
        &address,
        "A recovery code was used for your tollgate account",
        "A recovery code was used to sign in to your tollgate account. 7 recovery codes are left.",
        &[&codes[0], &codes[1]],
    );
    // A replay is refused and tells nothing.
    let replay = sign_in(
        &room.server,
        "fay",
        pb::Method::RecoveryCode,
        &codes[0],
        false,
    )
    .await;
    assert_eq!(
        crate::support::reason(&replay.unwrap_err()),
        "CODE_ALREADY_USED"
    );
    // The same code in two sign-ins at once: one passes, one notice.
    let (a, b) = tokio::join!(
        sign_in(
            &room.server,
            "fay",
            pb::Method::RecoveryCode,
            &codes[1],
            false
        ),
        sign_in(
            &room.server,
            "fay",
            pb::Method::RecoveryCode,
            &codes[1],
            false
        ),
    );
    assert!(a.is_ok() != b.is_ok(), "exactly one passes: {a:?} {b:?}");
    let kinds: Vec<String> = room.queued().await.into_iter().map(|q| q.2).collect();
    assert_eq!(
        kinds,
        [
            "recovery_code_used",
            "recovery_code_used",
            "two_factor_enabled"
        ]
    );
    room.server.stop().await;
}

async fn few_recovery_codes_left_is_a_warning(db: &TestDb) {
    let room = Mailroom::start(db).await;
    opt_in(&room.server, "", |p| p.recovery_code_count = 3).await;
    room.confirmed_email("", "gil", "gil@example.com").await;
    let (_, codes) = enrol(&room.server, "", "gil").await;
    assert_eq!(codes.len(), 3);
    let seen = room.count() + 1;
    sign_in(
        &room.server,
        "gil",
        pb::Method::RecoveryCode,
        &codes[2],
        false,
    )
    .await
    .unwrap();
    let mail = room.mail_after(seen).await;
    check(
        &mail,
        "gil@example.com",
        "Only 2 recovery codes left for tollgate",
        "and only 2 are left. Generate new ones soon",
        &[&codes[0], &codes[1], &codes[2]],
    );
    room.server.stop().await;
}

async fn a_new_trusted_device_is_told(db: &TestDb) {
    let (room, address) = opted_in_user(db, "hal").await;
    let (secret, _) = enrol(&room.server, "", "hal").await;
    let seen = room.count() + 1;
    // The next step's code: the enrolment used this step's.
    let now = room.server.clock.now().timestamp();
    let code = authenticator_code(&secret, now + 30);
    let verified = sign_in(&room.server, "hal", pb::Method::Totp, &code, true)
        .await
        .unwrap();
    assert!(!verified.trusted_device_token.is_empty());
    let mail = room.mail_after(seen).await;
    check(
        &mail,
        &address,
        "A new trusted device for your tollgate account",
        "A browser or device was trusted to sign in to your tollgate account",
        &[&verified.trusted_device_token, &code, &secret],
    );
    room.server.stop().await;
}

async fn a_lockout_is_told(db: &TestDb) {
    let (room, address) = opted_in_user(db, "ida").await;
    let (secret, _) = enrol(&room.server, "", "ida").await;
    let right = authenticator_code(&secret, room.server.clock.now().timestamp());
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    let seen = room.count() + 1;
    let mut challenge = ChallengeServiceClient::new(room.server.channel().await);
    let id = challenge_id(&mut challenge, "ida").await;
    for _ in 0..5 {
        let _ = challenge
            .verify_challenge(verify_request("ida", &id, pb::Method::Totp, wrong))
            .await
            .unwrap_err();
    }
    let mail = room.mail_after(seen).await;
    check(
        &mail,
        &address,
        "Your tollgate account is locked for now",
        "Too many wrong codes were entered for your tollgate account, so it is locked until \
         2027-01-15 08:15 UTC.",
        &[wrong],
    );
    // Attempts while locked tell nothing more.
    let _ = challenge
        .verify_challenge(verify_request("ida", &id, pb::Method::Totp, wrong))
        .await
        .unwrap_err();
    assert_eq!(room.queued().await.len(), 2, "2FA on, locked out");
    room.server.stop().await;
}

async fn nothing_is_sent_without_opting_in_or_a_confirmed_address(db: &TestDb) {
    let room = Mailroom::start(db).await;
    // Not opted in: a confirmed address, and every event.
    room.confirmed_email("", "jon", "jon@example.com").await;
    let (_, codes) = enrol(&room.server, "", "jon").await;
    sign_in(
        &room.server,
        "jon",
        pb::Method::RecoveryCode,
        &codes[0],
        true,
    )
    .await
    .unwrap();
    disable(&room.server, "jon", pb::Method::Unspecified).await;
    assert_eq!(room.queued().await, []);

    // Opted in, but the address is not confirmed: nothing, and nothing fails.
    opt_in(&room.server, "", |_| {}).await;
    room.register_email("", "kay", "kay@example.com").await;
    let (_, codes) = enrol(&room.server, "", "kay").await;
    sign_in(
        &room.server,
        "kay",
        pb::Method::RecoveryCode,
        &codes[0],
        true,
    )
    .await
    .unwrap();
    disable(&room.server, "kay", pb::Method::Unspecified).await;
    assert_eq!(room.queued().await, []);
    assert_eq!(room.count(), 1, "the confirmation only");
    room.server.stop().await;
}

async fn another_tenants_opt_in_tells_this_tenants_users_nothing(db: &TestDb) {
    let room = Mailroom::start(db).await;
    opt_in(&room.server, "acme", |_| {}).await;
    // The same user id in both tenants, each with a confirmed address.
    room.confirmed_email("", "lee", "lee@default.example").await;
    room.confirmed_email("acme", "lee", "lee@acme.example")
        .await;
    enrol(&room.server, "", "lee").await;
    enrol(&room.server, "acme", "lee").await;
    assert_eq!(
        room.queued().await,
        [("acme".into(), "lee".into(), "two_factor_enabled".into())]
    );
    let mail = room.mail_after(2).await;
    assert!(mail.contains("To: lee@acme.example"), "{mail}");
    room.server.stop().await;
}

async fn notices_wait_on_stream_outbox_without_an_email_transport(db: &TestDb) {
    let server = TestServer::start(db, clock()).await;
    opt_in(&server, "", |_| {}).await;
    let mut delivery = DeliveryServiceClient::new(server.channel().await);
    let mut stream = delivery
        .stream_outbox(pb::StreamOutboxRequest::default())
        .await
        .unwrap()
        .into_inner();
    let mut next = async || {
        tokio::time::timeout(Duration::from_secs(10), stream.message())
            .await
            .expect("a message within 10 s")
            .unwrap()
            .unwrap()
    };
    delivery
        .register_contact(pb::RegisterContactRequest {
            user_id: "max".into(),
            kind: pb::ContactKind::Email as i32,
            address: "max@example.com".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    delivery
        .send_confirmation(pb::SendConfirmationRequest {
            user_id: "max".into(),
            kind: pb::ContactKind::Email as i32,
            ..Default::default()
        })
        .await
        .unwrap();
    let confirmation = next().await;
    delivery
        .confirm_contact(pb::ConfirmContactRequest {
            user_id: "max".into(),
            kind: pb::ContactKind::Email as i32,
            token_or_code: confirmation.code.clone(),
            ..Default::default()
        })
        .await
        .unwrap();
    let (secret, _) = enrol(&server, "", "max").await;
    let notice = next().await;
    assert_eq!(notice.kind(), pb::MessageKind::TwoFactorEnabled);
    assert_eq!(
        (notice.channel(), notice.recipient.as_str()),
        (pb::ContactKind::Email, "max@example.com")
    );
    assert!(notice.code.is_empty() && notice.link.is_empty());
    let facts = notice.notice.clone().unwrap();
    assert_eq!(
        (facts.client_ip.as_str(), facts.user_agent.as_str()),
        (IP, AGENT)
    );
    assert_eq!(facts.method(), pb::Method::Totp);
    assert_eq!(facts.occurred_at, notice.created_at);
    assert!(notice.text_body.contains(WHEN) && notice.text_body.contains(IP));
    assert!(!notice.text_body.contains(&secret));
    delivery
        .ack_message(pb::AckMessageRequest {
            message_id: notice.message_id,
            ..Default::default()
        })
        .await
        .unwrap();
    server.stop().await;
}

on_both_databases!(
    turning_two_factor_on_is_told,
    a_method_added_is_told,
    a_method_removed_and_two_factor_turned_off_are_told,
    an_administrator_reset_is_told,
    regenerated_recovery_codes_are_told,
    a_recovery_code_used_is_told_once,
    few_recovery_codes_left_is_a_warning,
    a_new_trusted_device_is_told,
    a_lockout_is_told,
    nothing_is_sent_without_opting_in_or_a_confirmed_address,
    another_tenants_opt_in_tells_this_tenants_users_nothing,
    notices_wait_on_stream_outbox_without_an_email_transport,
);
