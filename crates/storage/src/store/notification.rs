//! Security notifications into the outbox: the statement that queues a
//! notice to the user's confirmed email address, taken from `contacts` in
//! the same statement (no confirmed address: no row), which the sign-in
//! writes (completion, lockout swap) and the reset add to theirs; and
//! [`NotificationStore`] for the rest.
use sea_orm::sea_query::{Expr, InsertStatement, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait};
use tollgate_domain::contact::ContactKind;
use tollgate_domain::ports::{AuditEvent, Channel, NewNotice, NotificationStore};
use tollgate_domain::{DomainError, UserRef};

use super::rows::audit_row;
use super::sql::owned_by;
use super::{SeaStore, millis, unavailable};
use crate::entity::{audit_event, contact, outbox};

/// `INSERT INTO outbox ... SELECT ... FROM contacts WHERE <the user's
/// confirmed email address> [AND condition]`: the notice, addressed to
/// the user's confirmed email address, or nothing when there is none (or
/// the condition does not hold).
pub(crate) fn notice_insert(
    user: &UserRef,
    notice: &NewNotice,
    condition: Option<Expr>,
) -> Result<InsertStatement, DomainError> {
    use outbox::Column as O;
    let values: [(O, Expr); 12] = [
        (O::Id, Expr::val(notice.id.as_str())),
        (O::TenantId, Expr::val(user.tenant.as_str())),
        (O::UserId, Expr::val(user.user.as_str())),
        (O::Kind, Expr::val(notice.kind.as_str())),
        (O::Channel, Expr::val(Channel::Email.as_str())),
        (O::KeyId, Expr::val(notice.sealed_payload.key_id.as_str())),
        (
            O::SealedPayload,
            Expr::val(notice.sealed_payload.blob.clone()),
        ),
        (O::CreatedAt, Expr::val(millis(notice.created_at))),
        (O::ExpiresAt, Expr::val(millis(notice.expires_at))),
        (O::Attempts, Expr::val(0)),
        (O::NextAttemptAt, Expr::val(millis(notice.created_at))),
        (O::LastError, Expr::val("")),
    ];
    let (mut columns, mut exprs): (Vec<O>, Vec<Expr>) = values.into_iter().unzip();
    columns.push(O::Recipient);
    exprs.push(Expr::col((contact::Entity, contact::Column::Address)));
    let mut select = Query::select();
    select
        .exprs(exprs)
        .from(contact::Entity)
        .cond_where(owned_by::<contact::Entity>(user))
        .and_where(contact::Column::Kind.eq(ContactKind::Email.as_str()))
        .and_where(contact::Column::ConfirmedAt.is_not_null());
    if let Some(condition) = condition {
        select.and_where(condition);
    }
    let mut insert = Query::insert();
    insert
        .into_table(outbox::Entity)
        .columns(columns)
        .select_from(select)
        .map_err(|_| DomainError::Internal("a notification insert was malformed"))?;
    Ok(insert)
}

/// Queues each of `notices` inside `conn`.
pub(crate) async fn queue_notices<C: ConnectionTrait>(
    conn: &C,
    user: &UserRef,
    notices: &[NewNotice],
) -> Result<(), DomainError> {
    for notice in notices {
        conn.execute(&notice_insert(user, notice, None)?)
            .await
            .map_err(unavailable)?;
    }
    Ok(())
}

async fn insert_audit<C: ConnectionTrait>(conn: &C, event: AuditEvent) -> Result<(), DbErr> {
    audit_event::Entity::insert(audit_row(event))
        .exec_without_returning(conn)
        .await
        .map(|_| ())
}

impl NotificationStore for SeaStore {
    async fn record_noticed(
        &self,
        user: &UserRef,
        audit: Option<AuditEvent>,
        notices: Vec<NewNotice>,
    ) -> Result<(), DomainError> {
        let (txn, _turn) = self.begin_write().await?;
        if let Some(event) = audit {
            insert_audit(&txn, event).await.map_err(unavailable)?;
        }
        queue_notices(&txn, user, &notices).await?;
        txn.commit().await.map_err(unavailable)
    }
}
