//! Contacts and their confirmation, codes sent by message, the sending limits'
//! counts, and the outbox.
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait,
};
use tollgate_domain::contact::ContactKind;
use tollgate_domain::policy::Method;
use tollgate_domain::ports::{
    Channel, CodeSend, ConfirmationSend, ContactRecord, DeliveryStore, MessageKind, NewMessage,
    OutboxFilter, OutboxRecord,
};
use tollgate_domain::{DomainError, TenantId, UserRef};

use super::admin::keep_user;
use super::challenge::user_challenge;
use super::enrollment::{forget_second_factor_if_none, hold_method_changes};
use super::rows::{to_outbox_record, truncate};
use super::sql::owned_by;
use super::{SeaStore, instant, millis, unavailable};
use crate::entity::{challenge, contact, outbox, user_method};

/// Puts a message in the outbox inside `conn`.
async fn enqueue<C: ConnectionTrait>(
    conn: &C,
    user: &UserRef,
    message: NewMessage,
) -> Result<(), DbErr> {
    outbox::Entity::insert(outbox::ActiveModel {
        id: Set(message.id),
        tenant_id: Set(user.tenant.as_str().to_owned()),
        user_id: Set(user.user.as_str().to_owned()),
        kind: Set(message.kind.as_str().to_owned()),
        channel: Set(message.channel.as_str().to_owned()),
        recipient: Set(message.recipient),
        key_id: Set(message.sealed_payload.key_id),
        sealed_payload: Set(message.sealed_payload.blob),
        created_at: Set(millis(message.created_at)),
        expires_at: Set(millis(message.expires_at)),
        attempts: Set(0),
        next_attempt_at: Set(millis(message.created_at)),
        lease_until: Set(None),
        delivered_at: Set(None),
        last_error: Set(String::new()),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Records the last delivery outcome on the contact the message went to,
/// so ListContacts shows failures.
async fn set_contact_error<C: ConnectionTrait>(
    conn: &C,
    row: &outbox::Model,
    error: &str,
) -> Result<(), DbErr> {
    let kind = match Channel::parse(&row.channel) {
        Some(Channel::Email) => ContactKind::Email,
        Some(Channel::Sms) => ContactKind::Phone,
        None => return Ok(()),
    };
    contact::Entity::update_many()
        .col_expr(contact::Column::LastDeliveryError, Expr::value(error))
        .filter(contact::Column::TenantId.eq(row.tenant_id.as_str()))
        .filter(contact::Column::UserId.eq(row.user_id.as_str()))
        .filter(contact::Column::Kind.eq(kind.as_str()))
        .filter(contact::Column::Address.eq(row.recipient.as_str()))
        .exec(conn)
        .await?;
    Ok(())
}

impl DeliveryStore for SeaStore {
    async fn contacts(&self, user: &UserRef) -> Result<Vec<ContactRecord>, DomainError> {
        let rows = contact::Entity::find()
            .filter(owned_by::<contact::Entity>(user))
            .order_by_asc(contact::Column::Kind)
            .all(&self.db)
            .await
            .map_err(unavailable)?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                Some(ContactRecord {
                    kind: ContactKind::parse(&r.kind)?,
                    address: r.address,
                    confirmed_at: r.confirmed_at.map(instant),
                    confirmation_sent_at: r.confirmation_sent_at.map(instant),
                    last_delivery_error: r.last_delivery_error,
                    confirmation_failures: u32::try_from(r.confirmation_failures).unwrap_or(0),
                })
            })
            .collect())
    }

    async fn put_contact(
        &self,
        user: &UserRef,
        kind: ContactKind,
        address: &str,
        now: DateTime<Utc>,
    ) -> Result<(), DomainError> {
        use contact::Column as C;
        let (txn, _turn) = self.begin_write().await?;
        // A changed address turns its method off.
        hold_method_changes(&txn, user).await.map_err(unavailable)?;
        txn.execute(&keep_user(user, now))
            .await
            .map_err(unavailable)?;
        let existing = contact::Entity::find()
            .filter(owned_by::<contact::Entity>(user))
            .filter(C::Kind.eq(kind.as_str()))
            .one(&txn)
            .await
            .map_err(unavailable)?;
        match existing {
            Some(row) if row.address == address => {}
            Some(_) => {
                // A changed address is unconfirmed, and carries no codes.
                contact::Entity::update_many()
                    .col_expr(C::Address, Expr::value(address))
                    .col_expr(C::ConfirmedAt, Expr::value(Option::<i64>::None))
                    .col_expr(C::ConfirmationHash, Expr::value(Option::<String>::None))
                    .col_expr(C::ConfirmationExpiresAt, Expr::value(Option::<i64>::None))
                    .col_expr(C::LastDeliveryError, Expr::value(""))
                    .filter(owned_by::<contact::Entity>(user))
                    .filter(C::Kind.eq(kind.as_str()))
                    .exec(&txn)
                    .await
                    .map_err(unavailable)?;
                let method = match kind {
                    ContactKind::Email => Method::Email,
                    ContactKind::Phone => Method::Sms,
                };
                user_method::Entity::delete_many()
                    .filter(owned_by::<user_method::Entity>(user))
                    .filter(user_method::Column::Method.eq(method.as_str()))
                    .exec(&txn)
                    .await
                    .map_err(unavailable)?;
                forget_second_factor_if_none(&txn, user, now)
                    .await
                    .map_err(unavailable)?;
            }
            None => {
                contact::Entity::insert(contact::ActiveModel {
                    tenant_id: Set(user.tenant.as_str().to_owned()),
                    user_id: Set(user.user.as_str().to_owned()),
                    kind: Set(kind.as_str().to_owned()),
                    address: Set(address.to_owned()),
                    created_at: Set(millis(now)),
                    confirmed_at: Set(None),
                    confirmation_hash: Set(None),
                    confirmation_expires_at: Set(None),
                    confirmation_sent_at: Set(None),
                    last_delivery_error: Set(String::new()),
                    confirmation_failures: Set(0),
                })
                .exec_without_returning(&txn)
                .await
                .map_err(unavailable)?;
            }
        }
        txn.commit().await.map_err(unavailable)
    }

    async fn start_confirmation(
        &self,
        user: &UserRef,
        kind: ContactKind,
        secret_hash: &str,
        expires_at: DateTime<Utc>,
        cooldown: chrono::TimeDelta,
        message: NewMessage,
    ) -> Result<ConfirmationSend, DomainError> {
        use contact::Column as C;
        let now = message.created_at;
        let (txn, _turn) = self.begin_write().await?;
        // One conditional update enforces the cool-down, so two replicas
        // cannot both send.
        let updated = contact::Entity::update_many()
            .col_expr(C::ConfirmationHash, Expr::value(secret_hash))
            .col_expr(C::ConfirmationExpiresAt, Expr::value(millis(expires_at)))
            .col_expr(C::ConfirmationSentAt, Expr::value(millis(now)))
            .col_expr(C::ConfirmationFailures, Expr::value(0))
            .filter(owned_by::<contact::Entity>(user))
            .filter(C::Kind.eq(kind.as_str()))
            .filter(C::ConfirmedAt.is_null())
            .filter(
                sea_orm::Condition::any()
                    .add(C::ConfirmationSentAt.is_null())
                    .add(C::ConfirmationSentAt.lte(millis(now - cooldown))),
            )
            .exec(&txn)
            .await
            .map_err(unavailable)?;
        if updated.rows_affected != 1 {
            txn.rollback().await.map_err(unavailable)?;
            let row = contact::Entity::find()
                .filter(owned_by::<contact::Entity>(user))
                .filter(C::Kind.eq(kind.as_str()))
                .one(&self.db)
                .await
                .map_err(unavailable)?;
            return Ok(match row {
                Some(row) if row.confirmed_at.is_none() => ConfirmationSend::TooSoon {
                    available_at: row
                        .confirmation_sent_at
                        .map_or(now, |at| instant(at) + cooldown),
                },
                _ => ConfirmationSend::NoUnconfirmedContact,
            });
        }
        enqueue(&txn, user, message).await.map_err(unavailable)?;
        txn.commit().await.map_err(unavailable)?;
        Ok(ConfirmationSend::Sent)
    }

    async fn confirm_contact(
        &self,
        user: &UserRef,
        kind: ContactKind,
        secret_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, DomainError> {
        use contact::Column as C;
        let _turn = self.turn().await;
        let updated = contact::Entity::update_many()
            .col_expr(C::ConfirmedAt, Expr::value(millis(now)))
            .col_expr(C::ConfirmationHash, Expr::value(Option::<String>::None))
            .filter(owned_by::<contact::Entity>(user))
            .filter(C::Kind.eq(kind.as_str()))
            .filter(C::ConfirmedAt.is_null())
            .filter(C::ConfirmationHash.eq(secret_hash))
            .filter(C::ConfirmationExpiresAt.gt(millis(now)))
            .exec(&self.writes)
            .await
            .map_err(unavailable)?;
        Ok(updated.rows_affected == 1)
    }

    async fn take_confirmation_attempt(
        &self,
        user: &UserRef,
        kind: ContactKind,
        limit: u32,
        now: DateTime<Utc>,
    ) -> Result<bool, DomainError> {
        use contact::Column as C;
        // Counted before the code is looked at, in one conditional
        // statement: parallel guesses get no more looks than `limit`.
        let take = contact::Entity::update_many()
            .col_expr(
                C::ConfirmationFailures,
                Expr::col(C::ConfirmationFailures).add(1),
            )
            .filter(owned_by::<contact::Entity>(user))
            .filter(C::Kind.eq(kind.as_str()))
            .filter(C::ConfirmedAt.is_null())
            .filter(C::ConfirmationHash.is_not_null())
            .filter(C::ConfirmationExpiresAt.gt(millis(now)))
            .filter(C::ConfirmationFailures.lt(i64::from(limit)))
            .into_query();
        Ok(self.write(&take).await? == 1)
    }

    async fn unconfirmed_contacts(
        &self,
        tenant: &TenantId,
        user_ids: &[String],
        kind: Option<ContactKind>,
    ) -> Result<(Vec<(String, ContactKind)>, u32), DomainError> {
        use contact::Column as C;
        let mut select = contact::Entity::find()
            .filter(C::TenantId.eq(tenant.as_str()))
            .order_by_asc(C::UserId)
            .order_by_asc(C::Kind);
        if !user_ids.is_empty() {
            select = select.filter(C::UserId.is_in(user_ids.iter().cloned()));
        }
        if let Some(kind) = kind {
            select = select.filter(C::Kind.eq(kind.as_str()));
        }
        let rows = select.all(&self.db).await.map_err(unavailable)?;
        let confirmed = rows.iter().filter(|r| r.confirmed_at.is_some()).count() as u32;
        let pending = rows
            .into_iter()
            .filter(|r| r.confirmed_at.is_none())
            .filter_map(|r| Some((r.user_id, ContactKind::parse(&r.kind)?)))
            .collect();
        Ok((pending, confirmed))
    }

    async fn send_challenge_code(
        &self,
        user: &UserRef,
        id_hash: &str,
        method: Method,
        code_hash: &str,
        cooldown: chrono::TimeDelta,
        max_sends: u32,
        message: NewMessage,
    ) -> Result<CodeSend, DomainError> {
        use challenge::Column as C;
        let now = message.created_at;
        let (txn, _turn) = self.begin_write().await?;
        // One conditional update enforces the cool-down and the cap, so two
        // replicas cannot both send.
        let updated = challenge::Entity::update_many()
            .col_expr(C::CodeHash, Expr::value(code_hash))
            .col_expr(C::CodeMethod, Expr::value(method.as_str()))
            .col_expr(C::CodeExpiresAt, Expr::value(millis(message.expires_at)))
            .col_expr(C::CodeSentAt, Expr::value(millis(now)))
            .col_expr(C::CodeSends, Expr::col(C::CodeSends).add(1))
            .filter(user_challenge(user, id_hash))
            .filter(C::Status.eq(challenge::OPEN))
            .filter(C::ExpiresAt.gt(millis(now)))
            .filter(C::CodeSends.lt(i32::try_from(max_sends).unwrap_or(i32::MAX)))
            .filter(
                sea_orm::Condition::any()
                    .add(C::CodeSentAt.is_null())
                    .add(C::CodeSentAt.lte(millis(now - cooldown))),
            )
            .exec(&txn)
            .await
            .map_err(unavailable)?;
        if updated.rows_affected != 1 {
            txn.rollback().await.map_err(unavailable)?;
            let Some(row) = challenge::Entity::find()
                .filter(user_challenge(user, id_hash))
                .one(&self.db)
                .await
                .map_err(unavailable)?
            else {
                return Ok(CodeSend::ChallengeClosed);
            };
            if row.status != challenge::OPEN || row.expires_at <= millis(now) {
                return Ok(CodeSend::ChallengeClosed);
            }
            if row.code_sends >= i32::try_from(max_sends).unwrap_or(i32::MAX) {
                return Ok(CodeSend::LimitReached);
            }
            let available_at = row.code_sent_at.map_or(now, |at| instant(at) + cooldown);
            return Ok(CodeSend::TooSoon { available_at });
        }
        enqueue(&txn, user, message).await.map_err(unavailable)?;
        txn.commit().await.map_err(unavailable)?;
        Ok(CodeSend::Sent)
    }

    async fn lease_messages(
        &self,
        filter: &OutboxFilter,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<OutboxRecord>, DomainError> {
        use outbox::Column as C;
        let mut select = outbox::Entity::find()
            .filter(C::DeliveredAt.is_null())
            .filter(C::ExpiresAt.gt(millis(now)))
            .filter(C::NextAttemptAt.lte(millis(now)))
            .filter(
                sea_orm::Condition::any()
                    .add(C::LeaseUntil.is_null())
                    .add(C::LeaseUntil.lte(millis(now))),
            )
            .order_by_asc(C::CreatedAt)
            .limit(u64::from(limit));
        if let Some(tenant) = &filter.tenant {
            select = select.filter(C::TenantId.eq(tenant.as_str()));
        }
        if !filter.channels.is_empty() {
            select = select.filter(C::Channel.is_in(filter.channels.iter().map(|c| c.as_str())));
        }
        if let Some(id) = &filter.id {
            select = select.filter(C::Id.eq(id.as_str()));
        }
        let candidates = select.all(&self.db).await.map_err(unavailable)?;
        let mut leased = Vec::with_capacity(candidates.len());
        for row in candidates {
            // Take the lease only if nobody took it meanwhile.
            let turn = self.turn().await;
            let taken = outbox::Entity::update_many()
                .col_expr(C::LeaseUntil, Expr::value(millis(lease_until)))
                .col_expr(C::Attempts, Expr::col(C::Attempts).add(1))
                .filter(C::Id.eq(row.id.as_str()))
                .filter(C::DeliveredAt.is_null())
                .filter(match row.lease_until {
                    Some(lease) => C::LeaseUntil.eq(lease),
                    None => C::LeaseUntil.is_null(),
                })
                .exec(&self.writes)
                .await
                .map_err(unavailable)?;
            drop(turn);
            if taken.rows_affected == 1
                && let Some(record) = to_outbox_record(row)
            {
                leased.push(OutboxRecord {
                    attempts: record.attempts + 1,
                    ..record
                });
            }
        }
        Ok(leased)
    }

    async fn ack_message(
        &self,
        tenant: Option<&TenantId>,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, DomainError> {
        let (txn, _turn) = self.begin_write().await?;
        let updated = outbox::Entity::update_many()
            .col_expr(outbox::Column::DeliveredAt, Expr::value(millis(now)))
            .col_expr(outbox::Column::LastError, Expr::value(""))
            .filter(outbox::Column::Id.eq(id))
            .filter(outbox::Column::DeliveredAt.is_null())
            .apply_if(tenant, |q, t| {
                q.filter(outbox::Column::TenantId.eq(t.as_str()))
            })
            .exec(&txn)
            .await
            .map_err(unavailable)?;
        if let Some(row) = outbox::Entity::find_by_id(id.to_owned())
            .one(&txn)
            .await
            .map_err(unavailable)?
        {
            set_contact_error(&txn, &row, "")
                .await
                .map_err(unavailable)?;
        }
        txn.commit().await.map_err(unavailable)?;
        Ok(updated.rows_affected == 1)
    }

    async fn message_failed(
        &self,
        id: &str,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
    ) -> Result<(), DomainError> {
        use outbox::Column as C;
        let (txn, _turn) = self.begin_write().await?;
        let error = truncate(error, 512);
        outbox::Entity::update_many()
            .col_expr(C::LastError, Expr::value(error.as_str()))
            .col_expr(C::LeaseUntil, Expr::value(Option::<i64>::None))
            .col_expr(
                C::NextAttemptAt,
                Expr::value(retry_at.map_or(i64::MAX, millis)),
            )
            .filter(C::Id.eq(id))
            .filter(C::DeliveredAt.is_null())
            .exec(&txn)
            .await
            .map_err(unavailable)?;
        if let Some(row) = outbox::Entity::find_by_id(id.to_owned())
            .one(&txn)
            .await
            .map_err(unavailable)?
        {
            set_contact_error(&txn, &row, &error)
                .await
                .map_err(unavailable)?;
        }
        txn.commit().await.map_err(unavailable)
    }

    async fn sends_since(
        &self,
        tenant: &TenantId,
        user: Option<&tollgate_domain::UserId>,
        since: DateTime<Utc>,
    ) -> Result<u64, DomainError> {
        outbox::Entity::find()
            .filter(outbox::Column::TenantId.eq(tenant.as_str()))
            .apply_if(user, |q, u| q.filter(outbox::Column::UserId.eq(u.as_str())))
            .filter(outbox::Column::CreatedAt.gt(millis(since)))
            // Security notifications do not use up the user's sends.
            .filter(outbox::Column::Kind.is_in(MessageKind::CODES.map(MessageKind::as_str)))
            .count(&self.db)
            .await
            .map_err(unavailable)
    }
}
