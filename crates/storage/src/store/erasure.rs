//! Moving out: a user's erasure in one transaction (every per-user table,
//! then their audit events but the records of erasures), and the reads an
//! export needs beyond the other areas' (trusted devices, the user row).
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use tollgate_domain::ports::{AuditEvent, ClientInfo, Erasure, TrustedDeviceRecord, UserRecord};
use tollgate_domain::{DomainError, UserRef};

use super::enrollment::hold_method_changes;
use super::rows::audit_row;
use super::sql::{delete_user_rows, owned_by};
use super::{SeaStore, instant, unavailable};
use crate::entity::{audit_event, trusted_device};

/// The audit kind that records an erasure: the one kind of a user's events
/// an erasure keeps.
const ERASED: &str = "user.erased";

impl SeaStore {
    /// See `AdminStore::erase_user`.
    pub(crate) async fn erase(
        &self,
        user: &UserRef,
        mut audit: AuditEvent,
    ) -> Result<Erasure, DomainError> {
        let (txn, _turn) = self.begin_write().await?;
        // Before any row lock: an enrolment or a method change waits for
        // the erasure to commit, and then finds nothing to build on.
        hold_method_changes(&txn, user).await.map_err(unavailable)?;
        let mut rows = delete_user_rows(&txn, user).await.map_err(unavailable)?;
        let events = audit_event::Entity::delete_many()
            .filter(audit_event::Column::TenantId.eq(user.tenant.as_str()))
            .filter(audit_event::Column::UserId.eq(user.user.as_str()))
            .filter(audit_event::Column::Kind.ne(ERASED))
            .exec(&txn)
            .await
            .map_err(unavailable)?;
        rows.push(("audit_events".to_owned(), events.rows_affected));
        rows.retain(|(_, n)| *n > 0);
        audit.details.extend(
            rows.iter()
                .map(|(table, n)| (format!("rows.{table}"), n.to_string())),
        );
        let event_id = audit_event::Entity::insert(audit_row(audit))
            .exec(&txn)
            .await
            .map_err(unavailable)?
            .last_insert_id;
        txn.commit().await.map_err(unavailable)?;
        Ok(Erasure { rows, event_id })
    }

    /// See `AdminStore::trusted_devices`.
    pub(crate) async fn devices_of(
        &self,
        user: &UserRef,
    ) -> Result<Vec<TrustedDeviceRecord>, DomainError> {
        let rows = trusted_device::Entity::find()
            .filter(owned_by::<trusted_device::Entity>(user))
            .order_by_asc(trusted_device::Column::CreatedAt)
            .all(&self.db)
            .await
            .map_err(unavailable)?;
        Ok(rows
            .into_iter()
            .map(|row| TrustedDeviceRecord {
                device_id: row.device_id,
                created_at: instant(row.created_at),
                expires_at: instant(row.expires_at),
                revoked_at: row.revoked_at.map(instant),
                client: ClientInfo {
                    ip: row.client_ip,
                    user_agent: row.user_agent,
                },
            })
            .collect())
    }

    /// See `AdminStore::user_record`.
    pub(crate) async fn user_record_of(
        &self,
        user: &UserRef,
    ) -> Result<Option<UserRecord>, DomainError> {
        Ok(self.user_row(user).await?.map(|row| UserRecord {
            created_at: instant(row.created_at),
            grace_logins_used: u32::try_from(row.grace_logins_used).unwrap_or(0),
        }))
    }
}
