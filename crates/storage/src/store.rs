//! [`SeaStore`]: the domain's `Store` port over sea-orm. Every change that
//! must not happen twice is one conditional statement or one transaction.
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use tollgate_domain::lockout::LockoutState;
use tollgate_domain::policy::Method;
use tollgate_domain::ports::{
    AuditEvent, AuditQuery, AuditRecord, ChallengeRecord, ChallengeStatus, ClientInfo, Completion,
    Consume, NewChallenge, NewRecoverySet, NewTrustedDevice, PendingTotp, RecoveryCodeRecord,
    RecoveryStatus, Store, StoredPolicy, StoredTotpState, TotpRecord, UserFilter, UserQuery,
    UserSummary,
};
use tollgate_domain::recovery::StoredCode;
use tollgate_domain::secret::Sealed;
use tollgate_domain::tenant_policy::TenantPolicy;
use tollgate_domain::totp::{Algorithm, TotpParams};
use tollgate_domain::{DomainError, TenantId, UserRef};

use crate::entity::{
    audit_event, challenge, policy, recovery_code, totp_credential, trusted_device, user,
    user_lockout,
};

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

/// Tables whose rows belong to one user of one tenant.
trait PerUser: EntityTrait {
    const TENANT: Self::Column;
    const USER: Self::Column;
}

macro_rules! per_user {
    ($($module:ident),*) => {$(
        impl PerUser for $module::Entity {
            const TENANT: Self::Column = $module::Column::TenantId;
            const USER: Self::Column = $module::Column::UserId;
        }
    )*};
}
per_user!(
    recovery_code,
    totp_credential,
    trusted_device,
    user_lockout,
    challenge
);

/// The rows of `E` that belong to `user`.
fn owned_by<E: PerUser>(user: &UserRef) -> sea_orm::Condition {
    sea_orm::Condition::all()
        .add(E::TENANT.eq(user.tenant.as_str()))
        .add(E::USER.eq(user.user.as_str()))
}

/// Replaces the user's recovery codes inside `txn`.
async fn put_recovery_set<C: ConnectionTrait>(
    txn: &C,
    user: &UserRef,
    set: NewRecoverySet,
) -> Result<(), DbErr> {
    recovery_code::Entity::delete_many()
        .filter(owned_by::<recovery_code::Entity>(user))
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

fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => text[..at].to_owned(),
        None => text.to_owned(),
    }
}

fn audit_row(event: AuditEvent) -> audit_event::ActiveModel {
    // A JSON list of [key, value] pairs: values may hold any text.
    let details = serde_json::to_string(&event.details).unwrap_or_else(|_| "[]".to_owned());
    audit_event::ActiveModel {
        tenant_id: Set(event.tenant.as_str().to_owned()),
        user_id: Set(event
            .user
            .map(|u| u.as_str().to_owned())
            .unwrap_or_default()),
        kind: Set(event.kind.to_owned()),
        actor_id: Set(truncate(&event.actor_id, 256)),
        method: Set(event
            .method
            .map(|m| m.as_str())
            .unwrap_or_default()
            .to_owned()),
        outcome: Set(event.outcome.as_str().to_owned()),
        reason: Set(event.reason.to_owned()),
        client_ip: Set(truncate(&event.client.ip, 64)),
        user_agent: Set(truncate(&event.client.user_agent, 512)),
        occurred_at: Set(millis(event.occurred_at)),
        details: Set(details),
        ..Default::default()
    }
}

fn user_challenge(user: &UserRef, id_hash: &str) -> sea_orm::Condition {
    owned_by::<challenge::Entity>(user).add(challenge::Column::IdHash.eq(id_hash))
}

/// Completes the challenge inside `txn`; false if it was not open and
/// unexpired.
async fn close_challenge<C: ConnectionTrait>(
    txn: &C,
    user: &UserRef,
    id_hash: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    use challenge::Column as C;
    let updated = challenge::Entity::update_many()
        .col_expr(C::Status, Expr::value(challenge::COMPLETED))
        .col_expr(C::CompletedAt, Expr::value(millis(now)))
        .filter(user_challenge(user, id_hash))
        .filter(C::Status.eq(challenge::OPEN))
        .filter(C::ExpiresAt.gt(millis(now)))
        .exec(txn)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// Consumes the code inside `txn`; false if it was consumed before.
async fn consume_code<C: ConnectionTrait>(
    txn: &C,
    user: &UserRef,
    consume: Consume,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let updated = match consume {
        Consume::TotpStep(step) => {
            use totp_credential::Column as C;
            let step = i64::try_from(step).unwrap_or(i64::MAX);
            // The used-step column only moves forward: a step at or
            // before the last used one is refused, on every replica.
            totp_credential::Entity::update_many()
                .col_expr(C::LastUsedStep, Expr::value(step))
                .filter(owned_by::<totp_credential::Entity>(user))
                .filter(C::State.eq(totp_credential::ENABLED))
                .filter(
                    sea_orm::Condition::any()
                        .add(C::LastUsedStep.is_null())
                        .add(C::LastUsedStep.lt(step)),
                )
                .exec(txn)
                .await?
        }
        Consume::RecoveryCode(id) => {
            use recovery_code::Column as C;
            recovery_code::Entity::update_many()
                .col_expr(C::UsedAt, Expr::value(millis(now)))
                .filter(owned_by::<recovery_code::Entity>(user))
                .filter(C::Id.eq(id))
                .filter(C::UsedAt.is_null())
                .exec(txn)
                .await?
        }
    };
    Ok(updated.rows_affected == 1)
}

fn to_lockout(row: Option<user_lockout::Model>) -> (LockoutState, i64) {
    match row {
        Some(r) => (
            LockoutState {
                failures: u32::try_from(r.failures).unwrap_or(0),
                lockouts: u32::try_from(r.lockouts).unwrap_or(0),
                locked_until: r.locked_until.map(instant),
            },
            r.version,
        ),
        None => (LockoutState::default(), 0),
    }
}

/// Revokes one or all of the user's devices inside `conn`.
async fn revoke_devices<C: ConnectionTrait>(
    conn: &C,
    user: &UserRef,
    device_id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<u32, DbErr> {
    use trusted_device::Column as Col;
    let mut update = trusted_device::Entity::update_many()
        .col_expr(Col::RevokedAt, Expr::value(millis(now)))
        .filter(owned_by::<trusted_device::Entity>(user))
        .filter(Col::RevokedAt.is_null());
    if let Some(id) = device_id {
        update = update.filter(Col::DeviceId.eq(id));
    }
    let result = update.exec(conn).await?;
    Ok(u32::try_from(result.rows_affected).unwrap_or(u32::MAX))
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
            .filter(owned_by::<totp_credential::Entity>(user))
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

    async fn disable_totp(&self, user: &UserRef, now: DateTime<Utc>) -> Result<bool, DomainError> {
        let txn = self.db.begin().await.map_err(unavailable)?;
        let deleted = totp_credential::Entity::delete_many()
            .filter(owned_by::<totp_credential::Entity>(user))
            .exec(&txn)
            .await
            .map_err(unavailable)?;
        // TOTP is the only method that can be enabled so far: without it the
        // recovery codes and trusted devices protect nothing.
        revoke_devices(&txn, user, None, now)
            .await
            .map_err(unavailable)?;
        recovery_code::Entity::delete_many()
            .filter(owned_by::<recovery_code::Entity>(user))
            .exec(&txn)
            .await
            .map_err(unavailable)?;
        txn.commit().await.map_err(unavailable)?;
        Ok(deleted.rows_affected > 0)
    }

    async fn recovery_status(&self, user: &UserRef) -> Result<RecoveryStatus, DomainError> {
        let codes = recovery_code::Entity::find()
            .filter(owned_by::<recovery_code::Entity>(user))
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
            .filter(owned_by::<totp_credential::Entity>(user))
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
    async fn recovery_codes(&self, user: &UserRef) -> Result<Vec<RecoveryCodeRecord>, DomainError> {
        let rows = recovery_code::Entity::find()
            .filter(owned_by::<recovery_code::Entity>(user))
            .all(&self.db)
            .await
            .map_err(unavailable)?;
        Ok(rows
            .into_iter()
            .map(|r| RecoveryCodeRecord {
                id: r.id,
                spent: r.used_at.is_some(),
                code: StoredCode {
                    lookup_tag: u16::try_from(r.lookup_tag).unwrap_or(u16::MAX),
                    key_id: r.key_id,
                    hash: r.code_hash,
                },
            })
            .collect())
    }

    async fn create_challenge(&self, user: &UserRef, new: NewChallenge) -> Result<(), DomainError> {
        let methods: Vec<&str> = new.methods.iter().map(|m| m.as_str()).collect();
        challenge::Entity::insert(challenge::ActiveModel {
            id_hash: Set(new.id_hash),
            tenant_id: Set(user.tenant.as_str().to_owned()),
            user_id: Set(user.user.as_str().to_owned()),
            methods: Set(methods.join(",")),
            status: Set(challenge::OPEN.to_owned()),
            created_at: Set(millis(new.created_at)),
            expires_at: Set(millis(new.expires_at)),
            completed_at: Set(None),
            client_ip: Set(truncate(&new.client.ip, 64)),
            user_agent: Set(truncate(&new.client.user_agent, 512)),
            audience: Set(truncate(&new.audience, 64)),
        })
        .exec_without_returning(&self.db)
        .await
        .map_err(unavailable)?;
        Ok(())
    }

    async fn challenge(
        &self,
        user: &UserRef,
        id_hash: &str,
    ) -> Result<Option<ChallengeRecord>, DomainError> {
        let Some(row) = challenge::Entity::find()
            .filter(user_challenge(user, id_hash))
            .one(&self.db)
            .await
            .map_err(unavailable)?
        else {
            return Ok(None);
        };
        let status = match row.status.as_str() {
            challenge::OPEN => ChallengeStatus::Open,
            challenge::COMPLETED => ChallengeStatus::Completed,
            _ => ChallengeStatus::Cancelled,
        };
        Ok(Some(ChallengeRecord {
            methods: row.methods.split(',').filter_map(Method::parse).collect(),
            audience: row.audience,
            status,
            created_at: instant(row.created_at),
            expires_at: instant(row.expires_at),
        }))
    }

    async fn cancel_challenge(&self, user: &UserRef, id_hash: &str) -> Result<bool, DomainError> {
        let updated = challenge::Entity::update_many()
            .col_expr(challenge::Column::Status, Expr::value(challenge::CANCELLED))
            .filter(user_challenge(user, id_hash))
            .filter(challenge::Column::Status.eq(challenge::OPEN))
            .exec(&self.db)
            .await
            .map_err(unavailable)?;
        Ok(updated.rows_affected == 1)
    }

    async fn complete_challenge(
        &self,
        user: &UserRef,
        id_hash: &str,
        consume: Consume,
        now: DateTime<Utc>,
        device: Option<NewTrustedDevice>,
        audit: AuditEvent,
    ) -> Result<Completion, DomainError> {
        let txn = self.db.begin().await.map_err(unavailable)?;
        // The code first: on SQLite the first write takes the database's
        // write lock, so racing verifications queue here.
        if !consume_code(&txn, user, consume, now)
            .await
            .map_err(unavailable)?
        {
            txn.rollback().await.map_err(unavailable)?;
            return Ok(Completion::CodeAlreadyUsed);
        }
        if !close_challenge(&txn, user, id_hash, now)
            .await
            .map_err(unavailable)?
        {
            txn.rollback().await.map_err(unavailable)?;
            return Ok(Completion::ChallengeClosed);
        }
        if let Some(device) = device {
            trusted_device::Entity::insert(trusted_device::ActiveModel {
                device_id: Set(device.device_id),
                token_hash: Set(device.token_hash),
                tenant_id: Set(user.tenant.as_str().to_owned()),
                user_id: Set(user.user.as_str().to_owned()),
                created_at: Set(millis(device.created_at)),
                expires_at: Set(millis(device.expires_at)),
                revoked_at: Set(None),
                client_ip: Set(truncate(&device.client.ip, 64)),
                user_agent: Set(truncate(&device.client.user_agent, 512)),
            })
            .exec_without_returning(&txn)
            .await
            .map_err(unavailable)?;
        }
        audit_event::Entity::insert(audit_row(audit))
            .exec_without_returning(&txn)
            .await
            .map_err(unavailable)?;
        txn.commit().await.map_err(unavailable)?;
        Ok(Completion::Completed)
    }

    async fn lockout(&self, user: &UserRef) -> Result<(LockoutState, i64), DomainError> {
        let row = user_lockout::Entity::find()
            .filter(owned_by::<user_lockout::Entity>(user))
            .one(&self.db)
            .await
            .map_err(unavailable)?;
        Ok(to_lockout(row))
    }

    async fn swap_lockout(
        &self,
        user: &UserRef,
        version: i64,
        state: LockoutState,
    ) -> Result<bool, DomainError> {
        use user_lockout::Column as C;
        let failures = i32::try_from(state.failures).unwrap_or(i32::MAX);
        let lockouts = i32::try_from(state.lockouts).unwrap_or(i32::MAX);
        let locked_until = state.locked_until.map(millis);
        // Insert the first row (version 0 means "none yet"), or update
        // only if nobody changed the row since it was read.
        let statement = Query::insert()
            .into_table(user_lockout::Entity)
            .columns([
                C::TenantId,
                C::UserId,
                C::Failures,
                C::Lockouts,
                C::LockedUntil,
                C::Version,
            ])
            .values_panic([
                user.tenant.as_str().into(),
                user.user.as_str().into(),
                failures.into(),
                lockouts.into(),
                locked_until.into(),
                (version + 1).into(),
            ])
            .on_conflict(
                OnConflict::columns([C::TenantId, C::UserId])
                    .update_columns([C::Failures, C::Lockouts, C::LockedUntil, C::Version])
                    .action_and_where(Expr::col((user_lockout::Entity, C::Version)).eq(version))
                    .to_owned(),
            )
            .to_owned();
        let result = self.db.execute(&statement).await.map_err(unavailable)?;
        Ok(result.rows_affected() == 1)
    }

    async fn trusted_device(
        &self,
        user: &UserRef,
        token_hashes: &[String],
        now: DateTime<Utc>,
    ) -> Result<Option<String>, DomainError> {
        use trusted_device::Column as C;
        let row = trusted_device::Entity::find()
            .filter(owned_by::<trusted_device::Entity>(user))
            .filter(C::TokenHash.is_in(token_hashes.iter().cloned()))
            .filter(C::RevokedAt.is_null())
            .filter(C::ExpiresAt.gt(millis(now)))
            .one(&self.db)
            .await
            .map_err(unavailable)?;
        Ok(row.map(|r| r.device_id))
    }

    async fn revoke_trusted_devices(
        &self,
        user: &UserRef,
        device_id: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<u32, DomainError> {
        revoke_devices(&self.db, user, device_id, now)
            .await
            .map_err(unavailable)
    }

    async fn record_audit(&self, event: AuditEvent) -> Result<(), DomainError> {
        audit_event::Entity::insert(audit_row(event))
            .exec_without_returning(&self.db)
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn tenant_policy(&self, tenant: &TenantId) -> Result<Option<StoredPolicy>, DomainError> {
        let Some(row) = policy::Entity::find_by_id(tenant.as_str().to_owned())
            .one(&self.db)
            .await
            .map_err(unavailable)?
        else {
            return Ok(None);
        };
        let document = serde_json::from_str(&row.document)
            .map_err(|_| DomainError::Internal("a stored policy document is malformed"))?;
        Ok(Some(StoredPolicy {
            policy: document,
            version: row.version,
            updated_at: instant(row.updated_at),
        }))
    }

    async fn save_tenant_policy(
        &self,
        tenant: &TenantId,
        expected_version: Option<i64>,
        document: &TenantPolicy,
        now: DateTime<Utc>,
        audit: AuditEvent,
    ) -> Result<Option<i64>, DomainError> {
        use policy::Column as C;
        let json = serde_json::to_string(document)
            .map_err(|_| DomainError::Internal("a policy could not be serialised"))?;
        let txn = self.db.begin().await.map_err(unavailable)?;
        let insert = |version: i64| {
            Query::insert()
                .into_table(policy::Entity)
                .columns([C::TenantId, C::Document, C::Version, C::UpdatedAt])
                .values_panic([
                    tenant.as_str().into(),
                    json.clone().into(),
                    version.into(),
                    millis(now).into(),
                ])
                .to_owned()
        };
        let written = match expected_version {
            // Nothing stored yet: only the first writer may create the row.
            Some(0) => {
                let statement = insert(1)
                    .on_conflict(OnConflict::column(C::TenantId).do_nothing().to_owned())
                    .to_owned();
                txn.execute(&statement)
                    .await
                    .map_err(unavailable)?
                    .rows_affected()
                    == 1
            }
            Some(version) => {
                policy::Entity::update_many()
                    .col_expr(C::Document, Expr::value(json.clone()))
                    .col_expr(C::Version, Expr::value(version + 1))
                    .col_expr(C::UpdatedAt, Expr::value(millis(now)))
                    .filter(C::TenantId.eq(tenant.as_str()))
                    .filter(C::Version.eq(version))
                    .exec(&txn)
                    .await
                    .map_err(unavailable)?
                    .rows_affected
                    == 1
            }
            None => {
                let statement = insert(1)
                    .on_conflict(
                        OnConflict::column(C::TenantId)
                            .update_columns([C::Document, C::UpdatedAt])
                            .value(C::Version, Expr::col((policy::Entity, C::Version)).add(1))
                            .to_owned(),
                    )
                    .to_owned();
                txn.execute(&statement).await.map_err(unavailable)?;
                true
            }
        };
        if !written {
            txn.rollback().await.map_err(unavailable)?;
            return Ok(None);
        }
        let version = policy::Entity::find_by_id(tenant.as_str().to_owned())
            .one(&txn)
            .await
            .map_err(unavailable)?
            .map(|row| row.version);
        audit_event::Entity::insert(audit_row(audit))
            .exec_without_returning(&txn)
            .await
            .map_err(unavailable)?;
        txn.commit().await.map_err(unavailable)?;
        Ok(version)
    }

    async fn ensure_user(&self, user: &UserRef, now: DateTime<Utc>) -> Result<(), DomainError> {
        use user::Column as C;
        let statement = Query::insert()
            .into_table(user::Entity)
            .columns([C::TenantId, C::UserId, C::CreatedAt, C::GraceLoginsUsed])
            .values_panic([
                user.tenant.as_str().into(),
                user.user.as_str().into(),
                millis(now).into(),
                0i32.into(),
            ])
            .on_conflict(
                OnConflict::columns([C::TenantId, C::UserId])
                    .do_nothing()
                    .to_owned(),
            )
            .to_owned();
        self.db.execute(&statement).await.map_err(unavailable)?;
        Ok(())
    }

    async fn grace_logins_used(&self, user: &UserRef) -> Result<u32, DomainError> {
        let row = user::Entity::find_by_id((
            user.tenant.as_str().to_owned(),
            user.user.as_str().to_owned(),
        ))
        .one(&self.db)
        .await
        .map_err(unavailable)?;
        Ok(row.map_or(0, |r| u32::try_from(r.grace_logins_used).unwrap_or(0)))
    }

    async fn take_grace_login(
        &self,
        user: &UserRef,
        limit: u32,
        now: DateTime<Utc>,
    ) -> Result<Option<u32>, DomainError> {
        use user::Column as C;
        if limit == 0 {
            return Ok(None);
        }
        let limit = i32::try_from(limit).unwrap_or(i32::MAX);
        // One statement: count a login only while fewer than `limit` were
        // counted, so replicas racing on the same user never grant more.
        let statement = Query::insert()
            .into_table(user::Entity)
            .columns([C::TenantId, C::UserId, C::CreatedAt, C::GraceLoginsUsed])
            .values_panic([
                user.tenant.as_str().into(),
                user.user.as_str().into(),
                millis(now).into(),
                1i32.into(),
            ])
            .on_conflict(
                OnConflict::columns([C::TenantId, C::UserId])
                    .value(
                        C::GraceLoginsUsed,
                        Expr::col((user::Entity, C::GraceLoginsUsed)).add(1),
                    )
                    .action_and_where(Expr::col((user::Entity, C::GraceLoginsUsed)).lt(limit))
                    .to_owned(),
            )
            .returning_col(C::GraceLoginsUsed)
            .to_owned();
        let row = self.db.query_one(&statement).await.map_err(unavailable)?;
        match row {
            Some(row) => {
                let used: i32 = row.try_get("", "grace_logins_used").map_err(unavailable)?;
                Ok(Some(u32::try_from(used).unwrap_or(0)))
            }
            None => Ok(None),
        }
    }

    async fn reset_user(
        &self,
        user: &UserRef,
        now: DateTime<Utc>,
        audit: AuditEvent,
    ) -> Result<(), DomainError> {
        let txn = self.db.begin().await.map_err(unavailable)?;
        totp_credential::Entity::delete_many()
            .filter(owned_by::<totp_credential::Entity>(user))
            .exec(&txn)
            .await
            .map_err(unavailable)?;
        recovery_code::Entity::delete_many()
            .filter(owned_by::<recovery_code::Entity>(user))
            .exec(&txn)
            .await
            .map_err(unavailable)?;
        revoke_devices(&txn, user, None, now)
            .await
            .map_err(unavailable)?;
        user_lockout::Entity::delete_many()
            .filter(owned_by::<user_lockout::Entity>(user))
            .exec(&txn)
            .await
            .map_err(unavailable)?;
        challenge::Entity::update_many()
            .col_expr(challenge::Column::Status, Expr::value(challenge::CANCELLED))
            .filter(owned_by::<challenge::Entity>(user))
            .filter(challenge::Column::Status.eq(challenge::OPEN))
            .exec(&txn)
            .await
            .map_err(unavailable)?;
        audit_event::Entity::insert(audit_row(audit))
            .exec_without_returning(&txn)
            .await
            .map_err(unavailable)?;
        txn.commit().await.map_err(unavailable)
    }

    async fn list_users(&self, query: UserQuery) -> Result<Vec<UserSummary>, DomainError> {
        use sea_orm::sea_query::{Alias, JoinType, Order};
        let users = Alias::new("users");
        let totp = Alias::new("totp_credentials");
        let mut select = Query::select();
        select
            .column((users.clone(), Alias::new("user_id")))
            .column((users.clone(), Alias::new("grace_logins_used")))
            .expr_as(
                Expr::col((totp.clone(), Alias::new("state"))),
                Alias::new("totp_state"),
            )
            .from(users.clone())
            .join(
                JoinType::LeftJoin,
                totp.clone(),
                Expr::col((totp.clone(), Alias::new("tenant_id")))
                    .equals((users.clone(), Alias::new("tenant_id")))
                    .and(
                        Expr::col((totp.clone(), Alias::new("user_id")))
                            .equals((users.clone(), Alias::new("user_id"))),
                    ),
            )
            .and_where(
                Expr::col((users.clone(), Alias::new("tenant_id"))).eq(query.tenant.as_str()),
            )
            .order_by((users.clone(), Alias::new("user_id")), Order::Asc)
            .limit(u64::from(query.limit));
        if let Some(after) = &query.after {
            select.and_where(Expr::col((users.clone(), Alias::new("user_id"))).gt(after.as_str()));
        }
        let state = Expr::col((totp.clone(), Alias::new("state")));
        match query.filter {
            UserFilter::All => {}
            UserFilter::Enrolled => {
                select.and_where(state.eq(totp_credential::ENABLED));
            }
            UserFilter::NotEnrolled => {
                select.and_where(
                    state
                        .clone()
                        .is_null()
                        .or(state.ne(totp_credential::ENABLED)),
                );
            }
            // No contacts can be registered yet, so no user has an
            // unconfirmed one.
            UserFilter::UnconfirmedContact => return Ok(Vec::new()),
        }
        let rows = self.db.query_all(&select).await.map_err(unavailable)?;
        let mut page = Vec::with_capacity(rows.len());
        for row in rows {
            let user_id: String = row.try_get("", "user_id").map_err(unavailable)?;
            let grace: i32 = row.try_get("", "grace_logins_used").map_err(unavailable)?;
            let state: Option<String> = row.try_get("", "totp_state").map_err(unavailable)?;
            page.push(UserSummary {
                user_id,
                totp_state: match state.as_deref() {
                    Some(totp_credential::ENABLED) => Some(StoredTotpState::Enabled),
                    Some(_) => Some(StoredTotpState::Pending),
                    None => None,
                },
                recovery_codes_remaining: 0,
                grace_logins_used: u32::try_from(grace).unwrap_or(0),
                locked_until: None,
            });
        }
        if page.is_empty() {
            return Ok(page);
        }
        // The page's recovery codes and lockouts, in two queries.
        let ids: Vec<String> = page.iter().map(|u| u.user_id.clone()).collect();
        let codes = recovery_code::Entity::find()
            .filter(recovery_code::Column::TenantId.eq(query.tenant.as_str()))
            .filter(recovery_code::Column::UserId.is_in(ids.clone()))
            .filter(recovery_code::Column::UsedAt.is_null())
            .all(&self.db)
            .await
            .map_err(unavailable)?;
        let locks = user_lockout::Entity::find()
            .filter(user_lockout::Column::TenantId.eq(query.tenant.as_str()))
            .filter(user_lockout::Column::UserId.is_in(ids))
            .all(&self.db)
            .await
            .map_err(unavailable)?;
        for summary in &mut page {
            summary.recovery_codes_remaining = codes
                .iter()
                .filter(|c| c.user_id == summary.user_id)
                .count() as u32;
            summary.locked_until = locks
                .iter()
                .find(|l| l.user_id == summary.user_id)
                .and_then(|l| l.locked_until)
                .map(instant);
        }
        Ok(page)
    }

    async fn list_audit_events(
        &self,
        tenant: &TenantId,
        query: AuditQuery,
    ) -> Result<Vec<AuditRecord>, DomainError> {
        use audit_event::Column as C;
        let mut select = audit_event::Entity::find()
            .filter(C::TenantId.eq(tenant.as_str()))
            .order_by_desc(C::Id)
            .limit(u64::from(query.limit));
        if let Some(user_id) = &query.user_id {
            select = select.filter(C::UserId.eq(user_id.as_str()));
        }
        if !query.kinds.is_empty() {
            select = select.filter(C::Kind.is_in(query.kinds.clone()));
        }
        if let Some(start) = query.start {
            select = select.filter(C::OccurredAt.gte(millis(start)));
        }
        if let Some(end) = query.end {
            select = select.filter(C::OccurredAt.lt(millis(end)));
        }
        if let Some(before) = query.before_id {
            select = select.filter(C::Id.lt(before));
        }
        let rows = select.all(&self.db).await.map_err(unavailable)?;
        Ok(rows
            .into_iter()
            .map(|r| AuditRecord {
                id: r.id,
                user_id: r.user_id,
                kind: r.kind,
                actor_id: r.actor_id,
                method: Method::parse(&r.method),
                outcome: r.outcome,
                reason: r.reason,
                client: ClientInfo {
                    ip: r.client_ip,
                    user_agent: r.user_agent,
                },
                occurred_at: instant(r.occurred_at),
                details: serde_json::from_str(&r.details).unwrap_or_default(),
            })
            .collect())
    }
}
