//! [`SeaStore`]: the domain's `Store` port over sea-orm. Every change that
//! must not happen twice is one conditional statement or one transaction.
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, TransactionTrait,
};
use tollgate_domain::ports::{
    NewRecoverySet, PendingTotp, RecoveryStatus, Store, StoredTotpState, TotpRecord,
};
use tollgate_domain::secret::Sealed;
use tollgate_domain::totp::{Algorithm, TotpParams};
use tollgate_domain::{DomainError, UserRef};

use crate::entity::{recovery_code, totp_credential};

/// The storage behind every use case.
#[derive(Clone)]
pub struct SeaStore {
    db: DatabaseConnection,
}

impl SeaStore {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    pub fn connection(&self) -> &DatabaseConnection {
        &self.db
    }
}

/// Database failures become `StorageUnavailable`; the cause goes to the log
/// (it never holds a secret: secrets are stored sealed or hashed).
fn unavailable(error: DbErr) -> DomainError {
    tracing::warn!(error = %error, "storage operation failed");
    DomainError::StorageUnavailable
}

fn millis(at: DateTime<Utc>) -> i64 {
    at.timestamp_millis()
}

fn instant(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

fn to_record(m: totp_credential::Model) -> Result<TotpRecord, DomainError> {
    let corrupt = || DomainError::Internal("a stored TOTP credential is malformed");
    let state = match m.state.as_str() {
        totp_credential::PENDING => StoredTotpState::Pending,
        totp_credential::ENABLED => StoredTotpState::Enabled,
        _ => return Err(corrupt()),
    };
    Ok(TotpRecord {
        state,
        sealed_secret: Sealed {
            key_id: m.key_id,
            blob: m.sealed_secret,
        },
        params: TotpParams {
            algorithm: Algorithm::parse(&m.algorithm).ok_or_else(corrupt)?,
            digits: u8::try_from(m.digits).map_err(|_| corrupt())?,
            period: u32::try_from(m.period).map_err(|_| corrupt())?,
            skew: u8::try_from(m.skew).map_err(|_| corrupt())?,
        },
        version: m.version,
        created_at: instant(m.created_at),
        pending_expires_at: m.pending_expires_at.map(instant),
        confirmed_at: m.confirmed_at.map(instant),
        last_used_step: m.last_used_step.and_then(|s| u64::try_from(s).ok()),
    })
}

fn of_user<E: EntityTrait>(
    user: &UserRef,
    tenant: E::Column,
    user_col: E::Column,
) -> sea_orm::Condition
where
    E::Column: ColumnTrait,
{
    sea_orm::Condition::all()
        .add(tenant.eq(user.tenant.as_str()))
        .add(user_col.eq(user.user.as_str()))
}

fn user_codes(user: &UserRef) -> sea_orm::Condition {
    of_user::<recovery_code::Entity>(
        user,
        recovery_code::Column::TenantId,
        recovery_code::Column::UserId,
    )
}

fn user_totp(user: &UserRef) -> sea_orm::Condition {
    of_user::<totp_credential::Entity>(
        user,
        totp_credential::Column::TenantId,
        totp_credential::Column::UserId,
    )
}

/// Replaces the user's recovery codes inside `txn`.
async fn put_recovery_set<C: ConnectionTrait>(
    txn: &C,
    user: &UserRef,
    set: NewRecoverySet,
) -> Result<(), DbErr> {
    recovery_code::Entity::delete_many()
        .filter(user_codes(user))
        .exec(txn)
        .await?;
    let generated_at = millis(set.generated_at);
    let rows = set.codes.into_iter().map(|c| recovery_code::ActiveModel {
        tenant_id: Set(user.tenant.as_str().to_owned()),
        user_id: Set(user.user.as_str().to_owned()),
        lookup_tag: Set(i32::from(c.lookup_tag)),
        key_id: Set(c.key_id),
        code_hash: Set(c.hash),
        generated_at: Set(generated_at),
        used_at: Set(None),
        ..Default::default()
    });
    recovery_code::Entity::insert_many(rows)
        .exec_without_returning(txn)
        .await?;
    Ok(())
}

impl Store for SeaStore {
    async fn totp(&self, user: &UserRef) -> Result<Option<TotpRecord>, DomainError> {
        totp_credential::Entity::find_by_id((
            user.tenant.as_str().to_owned(),
            user.user.as_str().to_owned(),
        ))
        .one(&self.db)
        .await
        .map_err(unavailable)?
        .map(to_record)
        .transpose()
    }

    async fn save_pending_totp(
        &self,
        user: &UserRef,
        pending: PendingTotp,
    ) -> Result<(), DomainError> {
        use totp_credential::Column as C;
        // One statement: insert, or replace a pending row; an enabled row is
        // left alone (the WHERE on the conflict action), which shows as zero
        // rows affected.
        let insert = Query::insert()
            .into_table(totp_credential::Entity)
            .columns([
                C::TenantId,
                C::UserId,
                C::State,
                C::KeyId,
                C::SealedSecret,
                C::Algorithm,
                C::Digits,
                C::Period,
                C::Skew,
                C::Version,
                C::CreatedAt,
                C::PendingExpiresAt,
            ])
            .values_panic([
                user.tenant.as_str().into(),
                user.user.as_str().into(),
                totp_credential::PENDING.into(),
                pending.sealed_secret.key_id.into(),
                pending.sealed_secret.blob.into(),
                pending.params.algorithm.as_str().into(),
                i16::from(pending.params.digits).into(),
                i32::try_from(pending.params.period)
                    .unwrap_or(i32::MAX)
                    .into(),
                i16::from(pending.params.skew).into(),
                1i64.into(),
                millis(pending.created_at).into(),
                millis(pending.expires_at).into(),
            ])
            .on_conflict(
                OnConflict::columns([C::TenantId, C::UserId])
                    .update_columns([
                        C::KeyId,
                        C::SealedSecret,
                        C::Algorithm,
                        C::Digits,
                        C::Period,
                        C::Skew,
                        C::CreatedAt,
                        C::PendingExpiresAt,
                    ])
                    .value(
                        C::Version,
                        Expr::col((totp_credential::Entity, C::Version)).add(1),
                    )
                    .action_and_where(
                        Expr::col((totp_credential::Entity, C::State)).eq(totp_credential::PENDING),
                    )
                    .to_owned(),
            )
            .to_owned();
        let result = self.db.execute(&insert).await.map_err(unavailable)?;
        if result.rows_affected() == 0 {
            return Err(DomainError::AlreadyEnabled);
        }
        Ok(())
    }

    async fn enable_totp(
        &self,
        user: &UserRef,
        version: i64,
        now: DateTime<Utc>,
        used_step: u64,
        recovery: Option<NewRecoverySet>,
    ) -> Result<(), DomainError> {
        use totp_credential::Column as C;
        let txn = self.db.begin().await.map_err(unavailable)?;
        let updated = totp_credential::Entity::update_many()
            .col_expr(C::State, Expr::value(totp_credential::ENABLED))
            .col_expr(C::ConfirmedAt, Expr::value(millis(now)))
            .col_expr(C::PendingExpiresAt, Expr::value(Option::<i64>::None))
            .col_expr(
                C::LastUsedStep,
                Expr::value(i64::try_from(used_step).unwrap_or(i64::MAX)),
            )
            .filter(user_totp(user))
            .filter(C::State.eq(totp_credential::PENDING))
            .filter(C::Version.eq(version))
            .filter(C::PendingExpiresAt.gt(millis(now)))
            .exec(&txn)
            .await
            .map_err(unavailable)?;
        if updated.rows_affected != 1 {
            txn.rollback().await.map_err(unavailable)?;
            return Err(DomainError::NoPendingEnrollment);
        }
        if let Some(set) = recovery {
            put_recovery_set(&txn, user, set)
                .await
                .map_err(unavailable)?;
        }
        txn.commit().await.map_err(unavailable)
    }

    async fn disable_totp(&self, user: &UserRef) -> Result<bool, DomainError> {
        let txn = self.db.begin().await.map_err(unavailable)?;
        let deleted = totp_credential::Entity::delete_many()
            .filter(user_totp(user))
            .exec(&txn)
            .await
            .map_err(unavailable)?;
        // TOTP is the only method that can be enabled so far: without it the
        // recovery codes protect nothing.
        recovery_code::Entity::delete_many()
            .filter(user_codes(user))
            .exec(&txn)
            .await
            .map_err(unavailable)?;
        txn.commit().await.map_err(unavailable)?;
        Ok(deleted.rows_affected > 0)
    }

    async fn recovery_status(&self, user: &UserRef) -> Result<RecoveryStatus, DomainError> {
        let codes = recovery_code::Entity::find()
            .filter(user_codes(user))
            .all(&self.db)
            .await
            .map_err(unavailable)?;
        Ok(RecoveryStatus {
            remaining: codes.iter().filter(|c| c.used_at.is_none()).count() as u32,
            total: codes.len() as u32,
            generated_at: codes.iter().map(|c| c.generated_at).max().map(instant),
        })
    }

    async fn replace_recovery_codes(
        &self,
        user: &UserRef,
        set: NewRecoverySet,
    ) -> Result<(), DomainError> {
        use totp_credential::Column as C;
        let txn = self.db.begin().await.map_err(unavailable)?;
        let enabled = totp_credential::Entity::find()
            .filter(user_totp(user))
            .filter(C::State.eq(totp_credential::ENABLED))
            .count(&txn)
            .await
            .map_err(unavailable)?;
        if enabled == 0 {
            txn.rollback().await.map_err(unavailable)?;
            return Err(DomainError::NotEnrolled);
        }
        put_recovery_set(&txn, user, set)
            .await
            .map_err(unavailable)?;
        txn.commit().await.map_err(unavailable)
    }
}
