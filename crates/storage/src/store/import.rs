//! ImportUser's write: a user's imported credential, contacts, methods,
//! recovery codes and default method, in one transaction with the user's
//! method changes held off, so a half-imported user is never seen.
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait,
    QueryFilter,
};
use tollgate_domain::contact::ContactKind;
use tollgate_domain::policy::Method;
use tollgate_domain::ports::{
    AuditEvent, ImportPlan, ImportWrite, ImportedContactRow, ImportedTotpRow,
};
use tollgate_domain::{DomainError, UserRef};

use super::admin::insert_user;
use super::enrollment::{hold_method_changes, put_recovery_set, turn_method_on};
use super::rows::audit_row;
use super::sql::owned_by;
use super::{SeaStore, millis, unavailable};
use crate::entity::{audit_event, contact, recovery_code, totp_credential, user, user_method};

/// Why an import stopped before committing.
enum Stop {
    Raced,
    Refused(DomainError),
    Failed(DbErr),
}

impl From<DbErr> for Stop {
    fn from(error: DbErr) -> Self {
        Self::Failed(error)
    }
}

impl SeaStore {
    pub(crate) async fn write_import(
        &self,
        user: &UserRef,
        plan: ImportPlan,
        audit: AuditEvent,
    ) -> Result<ImportWrite, DomainError> {
        let (txn, _turn) = self.begin_write().await?;
        match import_in(&txn, user, plan).await {
            Ok(None) => {
                txn.rollback().await.map_err(unavailable)?;
                Ok(ImportWrite::Unchanged)
            }
            Ok(Some(replaced)) => {
                audit_event::Entity::insert(audit_row(audit))
                    .exec_without_returning(&txn)
                    .await
                    .map_err(unavailable)?;
                txn.commit().await.map_err(unavailable)?;
                Ok(ImportWrite::Written { replaced })
            }
            Err(stop) => {
                txn.rollback().await.map_err(unavailable)?;
                match stop {
                    Stop::Raced => Ok(ImportWrite::Raced),
                    Stop::Refused(error) => Err(error),
                    Stop::Failed(error) => Err(unavailable(error)),
                }
            }
        }
    }
}

/// The import's statements inside `txn`: `None` when nothing needed
/// writing, else whether a contact was overwritten.
async fn import_in(
    txn: &DatabaseTransaction,
    user: &UserRef,
    plan: ImportPlan,
) -> Result<Option<bool>, Stop> {
    hold_method_changes(txn, user).await?;
    let mut changed = false;
    let mut replaced = false;
    if let Some(totp) = plan.totp {
        // TOTP is on by its enabled credential (no method row).
        put_totp(txn, user, totp, plan.now).await?;
        changed = true;
    }
    for imported in &plan.contacts {
        let (wrote, overwrote) = put_contact(txn, user, imported, plan.replace, plan.now).await?;
        changed |= wrote;
        replaced |= overwrote;
        if imported.enable {
            changed |= turn_on(txn, user, contact_method(imported.kind), plan.now).await?;
        }
    }
    if let Some(set) = plan.recovery {
        // Planned for a user without codes (unless replacing): codes by now
        // (a parallel import) are a race, not something to overwrite.
        if !plan.replace && holds_recovery_codes(txn, user).await? {
            return Err(Stop::Raced);
        }
        put_recovery_set(txn, user, set).await?;
        changed = true;
    }
    let users = txn
        .execute(
            &insert_user(user, plan.now, 0)
                .on_conflict(
                    OnConflict::columns([user::Column::TenantId, user::Column::UserId])
                        .do_nothing()
                        .to_owned(),
                )
                .to_owned(),
        )
        .await?;
    changed |= users.rows_affected() > 0;
    if let Some(method) = plan.default_method {
        let updated = user::Entity::update_many()
            .col_expr(user::Column::DefaultMethod, Expr::value(method.as_str()))
            .filter(owned_by::<user::Entity>(user))
            .filter(user::Column::DefaultMethod.ne(method.as_str()))
            .exec(txn)
            .await?;
        changed |= updated.rows_affected > 0;
    }
    Ok(changed.then_some(replaced))
}

/// Whether the user has recovery codes, spent or not.
async fn holds_recovery_codes(txn: &DatabaseTransaction, user: &UserRef) -> Result<bool, DbErr> {
    let held = recovery_code::Entity::find()
        .filter(owned_by::<recovery_code::Entity>(user))
        .one(txn)
        .await?;
    Ok(held.is_some())
}

/// Stores the credential as enabled in place of the one the plan was made
/// against; another one by now is a race.
async fn put_totp(
    txn: &DatabaseTransaction,
    user: &UserRef,
    totp: ImportedTotpRow,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), Stop> {
    let existing = totp_credential::Entity::find()
        .filter(owned_by::<totp_credential::Entity>(user))
        .one(txn)
        .await?;
    if existing.as_ref().map(|r| r.version) != totp.seen_version {
        return Err(Stop::Raced);
    }
    totp_credential::Entity::delete_many()
        .filter(owned_by::<totp_credential::Entity>(user))
        .exec(txn)
        .await?;
    totp_credential::Entity::insert(totp_credential::ActiveModel {
        tenant_id: Set(user.tenant.as_str().to_owned()),
        user_id: Set(user.user.as_str().to_owned()),
        state: Set(totp_credential::ENABLED.to_owned()),
        key_id: Set(totp.sealed_secret.key_id),
        sealed_secret: Set(totp.sealed_secret.blob),
        algorithm: Set(totp.params.algorithm.as_str().to_owned()),
        digits: Set(i16::from(totp.params.digits)),
        period: Set(i32::try_from(totp.params.period).unwrap_or(i32::MAX)),
        skew: Set(i16::from(totp.params.skew)),
        version: Set(totp.seen_version.unwrap_or(0) + 1),
        created_at: Set(millis(now)),
        pending_expires_at: Set(None),
        confirmed_at: Set(Some(millis(totp.enabled_at))),
        last_used_step: Set(None),
    })
    .exec_without_returning(txn)
    .await?;
    Ok(())
}

fn contact_method(kind: ContactKind) -> Method {
    match kind {
        ContactKind::Email => Method::Email,
        ContactKind::Phone => Method::Sms,
    }
}

/// Turns a contact's `method` on; whether it was off.
async fn turn_on(
    txn: &DatabaseTransaction,
    user: &UserRef,
    method: Method,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<bool, DbErr> {
    let on = user_method::Entity::find()
        .filter(owned_by::<user_method::Entity>(user))
        .filter(user_method::Column::Method.eq(method.as_str()))
        .one(txn)
        .await?
        .is_some();
    if !on {
        turn_method_on(txn, user, method, now).await?;
    }
    Ok(!on)
}

/// Stores one contact: the same address is confirmed if the import says so,
/// a different one is refused unless `replace`. Returns (wrote, overwrote).
async fn put_contact(
    txn: &DatabaseTransaction,
    user: &UserRef,
    imported: &ImportedContactRow,
    replace: bool,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(bool, bool), Stop> {
    use contact::Column as C;
    let existing = contact::Entity::find()
        .filter(owned_by::<contact::Entity>(user))
        .filter(C::Kind.eq(imported.kind.as_str()))
        .one(txn)
        .await?;
    let confirmed_at = imported.confirmed.then(|| millis(now));
    match existing {
        Some(row) if row.address == imported.address => {
            if row.confirmed_at.is_some() || confirmed_at.is_none() {
                return Ok((false, false));
            }
            contact::Entity::update_many()
                .col_expr(C::ConfirmedAt, Expr::value(confirmed_at))
                .col_expr(C::ConfirmationHash, Expr::value(Option::<String>::None))
                .col_expr(C::ConfirmationExpiresAt, Expr::value(Option::<i64>::None))
                .filter(owned_by::<contact::Entity>(user))
                .filter(C::Kind.eq(imported.kind.as_str()))
                .exec(txn)
                .await?;
            Ok((true, false))
        }
        Some(_) if !replace => Err(Stop::Refused(DomainError::ImportConflict {
            part: imported.kind.as_str(),
        })),
        Some(_) => {
            contact::Entity::update_many()
                .col_expr(C::Address, Expr::value(imported.address.clone()))
                .col_expr(C::ConfirmedAt, Expr::value(confirmed_at))
                .col_expr(C::ConfirmationHash, Expr::value(Option::<String>::None))
                .col_expr(C::ConfirmationExpiresAt, Expr::value(Option::<i64>::None))
                .col_expr(C::LastDeliveryError, Expr::value(""))
                .filter(owned_by::<contact::Entity>(user))
                .filter(C::Kind.eq(imported.kind.as_str()))
                .exec(txn)
                .await?;
            // The old address's method goes with it (the import may turn
            // it on again for the new one).
            user_method::Entity::delete_many()
                .filter(owned_by::<user_method::Entity>(user))
                .filter(user_method::Column::Method.eq(contact_method(imported.kind).as_str()))
                .exec(txn)
                .await?;
            Ok((true, true))
        }
        None => {
            contact::Entity::insert(contact::ActiveModel {
                tenant_id: Set(user.tenant.as_str().to_owned()),
                user_id: Set(user.user.as_str().to_owned()),
                kind: Set(imported.kind.as_str().to_owned()),
                address: Set(imported.address.clone()),
                created_at: Set(millis(now)),
                confirmed_at: Set(confirmed_at),
                confirmation_hash: Set(None),
                confirmation_expires_at: Set(None),
                confirmation_sent_at: Set(None),
                last_delivery_error: Set(String::new()),
                confirmation_failures: Set(0),
            })
            .exec_without_returning(txn)
            .await?;
            Ok((true, false))
        }
    }
}
