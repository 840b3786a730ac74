//! DeliveryService: contacts and their confirmation, and the outbox for
//! applications that deliver messages themselves.
use std::ops::ControlFlow;
use std::time::Duration;

use tollgate_domain::contact::ContactKind;
use tollgate_domain::delivery::{ContactView, Payload, Queued};
use tollgate_domain::ports::{Channel, MessageKind, OutboxFilter, OutboxRecord};
use tollgate_domain::{DomainError, TenantId};
use tonic::{Request, Response, Status};

use super::{Api, method_to_pb, timestamp, user};
use crate::dispatch::{Dispatcher, Leased, Leasing};
use crate::pb;
use crate::pb::delivery_service_server::DeliveryService;
use crate::status::to_status;

/// How often an open outbox stream looks for new or re-offered messages.
const OUTBOX_POLL: Duration = Duration::from_millis(250);
/// Messages leased per round.
const OUTBOX_BATCH: u32 = 32;

fn kind_from_pb(value: i32) -> Result<Option<ContactKind>, DomainError> {
    match pb::ContactKind::try_from(value) {
        Ok(pb::ContactKind::Unspecified) => Ok(None),
        Ok(pb::ContactKind::Email) => Ok(Some(ContactKind::Email)),
        Ok(pb::ContactKind::Phone) => Ok(Some(ContactKind::Phone)),
        Err(_) => Err(DomainError::invalid("kind", "is not a known contact kind")),
    }
}

pub(super) fn required_kind(value: i32) -> Result<ContactKind, DomainError> {
    kind_from_pb(value)?.ok_or_else(|| {
        DomainError::invalid("kind", "must be CONTACT_KIND_EMAIL or CONTACT_KIND_PHONE")
    })
}

fn kind_to_pb(kind: ContactKind) -> pb::ContactKind {
    match kind {
        ContactKind::Email => pb::ContactKind::Email,
        ContactKind::Phone => pb::ContactKind::Phone,
    }
}

fn contact_to_pb(view: &ContactView) -> pb::Contact {
    pb::Contact {
        kind: kind_to_pb(view.kind) as i32,
        masked_address: view.masked_address.clone(),
        confirmed_at: view.confirmed_at.map(timestamp),
        confirmation_sent_at: view.confirmation_sent_at.map(timestamp),
        last_delivery_error: view.last_delivery_error.clone(),
    }
}

/// What StreamOutbox returns (the generated trait's stream type).
type OutboxStream = tonic::codegen::BoxStream<pb::OutboxMessage>;

/// A leased message as StreamOutbox hands it out, rendered from the
/// templates.
fn outbox_message_to_pb(
    dispatcher: &Dispatcher,
    record: &OutboxRecord,
    payload: &Payload,
) -> pb::OutboxMessage {
    let rendered = dispatcher.render(record, payload);
    pb::OutboxMessage {
        message_id: record.id.clone(),
        tenant_id: record.tenant.clone(),
        user_id: record.user_id.clone(),
        kind: kind_of_message(record.kind) as i32,
        channel: match record.channel {
            Channel::Email => pb::ContactKind::Email,
            Channel::Sms => pb::ContactKind::Phone,
        } as i32,
        recipient: record.recipient.clone(),
        subject: rendered.subject,
        text_body: rendered.text.expose().to_owned(),
        html_body: rendered
            .html
            .map(|h| h.expose().to_owned())
            .unwrap_or_default(),
        code: payload.code.expose().to_owned(),
        link: payload.link.expose().to_owned(),
        created_at: Some(timestamp(record.created_at)),
        attempt: record.attempts,
        notice: payload.notice.as_ref().map(|n| pb::SecurityNotice {
            occurred_at: Some(timestamp(record.created_at)),
            client_ip: n.client_ip.clone(),
            user_agent: n.user_agent.clone(),
            method: n.method.map_or(pb::Method::Unspecified, method_to_pb) as i32,
            recovery_codes_remaining: n.recovery_codes_remaining.unwrap_or(0),
            locked_until: n.locked_until.map(timestamp),
            by_administrator: n.by_administrator,
        }),
    }
}

fn kind_of_message(kind: MessageKind) -> pb::MessageKind {
    match kind {
        MessageKind::SignInCode => pb::MessageKind::SignInCode,
        MessageKind::ContactConfirmation => pb::MessageKind::ContactConfirmation,
        MessageKind::TwoFactorEnabled => pb::MessageKind::TwoFactorEnabled,
        MessageKind::TwoFactorDisabled => pb::MessageKind::TwoFactorDisabled,
        MessageKind::MethodAdded => pb::MessageKind::MethodAdded,
        MessageKind::MethodRemoved => pb::MessageKind::MethodRemoved,
        MessageKind::RecoveryCodesRegenerated => pb::MessageKind::RecoveryCodesRegenerated,
        MessageKind::RecoveryCodeUsed => pb::MessageKind::RecoveryCodeUsed,
        MessageKind::RecoveryCodesLow => pb::MessageKind::RecoveryCodesLow,
        MessageKind::TrustedDeviceAdded => pb::MessageKind::TrustedDeviceAdded,
        MessageKind::LockedOut => pb::MessageKind::LockedOut,
    }
}

impl Api {
    /// Hands a queued message to its transport now, within the configured
    /// timeout; with no transport for its channel it waits in the outbox.
    async fn hand_over(&self, queued: &Queued) -> Result<(), DomainError> {
        self.dispatcher
            .deliver_now(&self.core, &queued.message_id)
            .await
    }
}

#[tonic::async_trait]
impl DeliveryService for Api {
    async fn register_contact(
        &self,
        request: Request<pb::RegisterContactRequest>,
    ) -> Result<Response<pb::RegisterContactResponse>, Status> {
        let req = request.into_inner();
        self.handle("RegisterContact", &req.tenant_id, async {
            let user = user(&req.tenant_id, &req.user_id)?;
            let kind = required_kind(req.kind)?;
            let view = self
                .core
                .register_contact(&user, kind, &req.address)
                .await?;
            Ok(pb::RegisterContactResponse {
                contact: Some(contact_to_pb(&view)),
            })
        })
        .await
    }

    async fn send_confirmation(
        &self,
        request: Request<pb::SendConfirmationRequest>,
    ) -> Result<Response<pb::SendConfirmationResponse>, Status> {
        let req = request.into_inner();
        self.handle("SendConfirmation", &req.tenant_id, async {
            let user = user(&req.tenant_id, &req.user_id)?;
            let kind = required_kind(req.kind)?;
            let queued = self.core.send_confirmation(&user, kind).await?;
            self.hand_over(&queued).await?;
            Ok(pb::SendConfirmationResponse {
                masked_destination: queued.masked_destination,
                sent_at: Some(timestamp(queued.sent_at)),
            })
        })
        .await
    }

    async fn resend_confirmations(
        &self,
        request: Request<pb::ResendConfirmationsRequest>,
    ) -> Result<Response<pb::ResendConfirmationsResponse>, Status> {
        let req = request.into_inner();
        self.handle("ResendConfirmations", &req.tenant_id, async {
            let tenant = TenantId::parse(&req.tenant_id)
                .map_err(|v| DomainError::InvalidArgument(vec![v]))?;
            let kind = kind_from_pb(req.kind)?;
            let resent = self
                .core
                .resend_confirmations(&tenant, &req.user_ids, kind)
                .await?;
            // Bulk sends are queued; the dispatcher delivers them in the
            // background rather than holding this call.
            self.dispatcher.wake();
            Ok(pb::ResendConfirmationsResponse {
                sent_count: u32::try_from(resent.queued.len()).unwrap_or(u32::MAX),
                already_confirmed_count: resent.already_confirmed,
                too_soon_count: resent.too_soon,
                limited_count: resent.limited,
            })
        })
        .await
    }

    async fn confirm_contact(
        &self,
        request: Request<pb::ConfirmContactRequest>,
    ) -> Result<Response<pb::ConfirmContactResponse>, Status> {
        let req = request.into_inner();
        self.handle("ConfirmContact", &req.tenant_id, async {
            let user = user(&req.tenant_id, &req.user_id)?;
            let kind = required_kind(req.kind)?;
            let view = self
                .core
                .confirm_contact(&user, kind, &req.token_or_code)
                .await?;
            Ok(pb::ConfirmContactResponse {
                contact: Some(contact_to_pb(&view)),
            })
        })
        .await
    }

    async fn list_contacts(
        &self,
        request: Request<pb::ListContactsRequest>,
    ) -> Result<Response<pb::ListContactsResponse>, Status> {
        let req = request.into_inner();
        self.handle("ListContacts", &req.tenant_id, async {
            let user = user(&req.tenant_id, &req.user_id)?;
            let contacts = self.core.list_contacts(&user).await?;
            Ok(pb::ListContactsResponse {
                contacts: contacts.iter().map(contact_to_pb).collect(),
            })
        })
        .await
    }

    async fn stream_outbox(
        &self,
        request: Request<pb::StreamOutboxRequest>,
    ) -> Result<Response<OutboxStream>, Status> {
        let req = request.into_inner();
        // `*` streams every tenant's messages; empty is the default tenant.
        let tenant_filter = match req.tenant_id.as_str() {
            "*" => crate::access::check_all_tenants().map(|()| None),
            raw => crate::access::check_tenant(raw).and_then(|()| {
                TenantId::parse(raw)
                    .map(Some)
                    .map_err(|v| DomainError::InvalidArgument(vec![v]))
            }),
        }
        .map_err(|e| to_status(e, self.core.clock().now()))?;
        let filter = OutboxFilter {
            tenant: tenant_filter,
            channels: self.dispatcher.outbox_channels(),
            id: None,
        };
        // With a transport for every channel the filter names none: nothing
        // comes this way, and the stream only waits.
        let leasing = Leasing {
            filter,
            lease: self.dispatcher.ack_timeout(),
            batch: OUTBOX_BATCH,
            poll: OUTBOX_POLL,
        };
        let (tx, rx) = tokio::sync::mpsc::channel(OUTBOX_BATCH as usize);
        let core = self.core.clone();
        let dispatcher = self.dispatcher.clone();
        tokio::spawn(async move {
            let each_round = |leased: Result<Vec<Leased>, DomainError>| {
                let (tx, core, dispatcher) = (tx.clone(), core.clone(), dispatcher.clone());
                async move {
                    let messages = match leased {
                        Ok(messages) => messages,
                        Err(error) => {
                            let _ = tx.send(Err(to_status(error, core.clock().now()))).await;
                            return ControlFlow::Break(());
                        }
                    };
                    for (record, payload) in messages {
                        let message = outbox_message_to_pb(&dispatcher, &record, &payload);
                        if tx.send(Ok(message)).await.is_err() {
                            // The client went away; its leases run out and
                            // the messages are offered again.
                            return ControlFlow::Break(());
                        }
                    }
                    ControlFlow::Continue(())
                }
            };
            dispatcher
                .lease_rounds(&core, &leasing, tx.closed(), each_round)
                .await;
        });
        Ok(Response::new(Box::pin(
            tokio_stream::wrappers::ReceiverStream::new(rx),
        )))
    }

    async fn ack_message(
        &self,
        request: Request<pb::AckMessageRequest>,
    ) -> Result<Response<pb::AckMessageResponse>, Status> {
        let req = request.into_inner();
        self.handle("AckMessage", &req.tenant_id, async {
            let tenant = TenantId::parse(&req.tenant_id)
                .map_err(|v| DomainError::InvalidArgument(vec![v]))?;
            self.core
                .ack_message(Some(&tenant), &req.message_id)
                .await?;
            Ok(pb::AckMessageResponse {})
        })
        .await
    }
}
