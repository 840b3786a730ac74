//! Authenticator-app credentials, recovery codes and the user's methods, with
//! the rule that the first method brings recovery codes and the last takes them
//! (and trusted devices) away.
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Query, SelectStatement, UnionType};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbBackend, DbErr,
    EntityTrait, PaginatorTrait, QueryFilter,
};
use tollgate_domain::policy::Method;
use tollgate_domain::ports::{
    AdminStore, AuditEvent, EnrollmentStore, ImportPlan, ImportWrite, NewRecoverySet, PendingTotp,
    RecoveryCodeRecord, RecoveryOnEnable, RecoveryStatus, TotpRecord, UserMethods,
};
use tollgate_domain::recovery::StoredCode;
use tollgate_domain::{DomainError, UserRef};

use super::admin::keep_user;
use super::challenge::revoke_devices;
use super::rows::to_record;
use super::sql::{PerUser, Shapes, owned_by, query_shaped};
use super::webauthn::delete_webauthn_credentials;
use super::{SeaStore, instant, millis, unavailable};
use crate::entity::{contact, recovery_code, totp_credential, user, user_method};
use crate::sqlite::reads::Columns;

/// Replaces the user's recovery codes inside `txn`.
pub(crate) async fn put_recovery_set<C: ConnectionTrait>(
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

/// The class half of the Postgres advisory locks that hold a user's method
/// changes (the other half is a hash of the user). Two-key advisory locks
/// never meet the one-key lock migrators take.
const METHOD_CHANGES_LOCK: i32 = 0x746f_6c6c; // "toll"

/// Holds off, until `conn`'s transaction ends, every other transaction that
/// turns this user's methods on or off, so that whether a method is the
/// user's first (it brings recovery codes) or last (it takes them and the
/// trusted devices away) cannot change under the transaction deciding it.
/// SQLite's writes already take turns (`BEGIN IMMEDIATE`); on Postgres,
/// whose transactions read what others committed a moment ago, a
/// transaction-scoped advisory lock on the user does. Take it before any
/// row lock of the transaction; a hash collision only makes two users'
/// changes take turns.
pub(crate) async fn hold_method_changes<C: ConnectionTrait>(
    conn: &C,
    user: &UserRef,
) -> Result<(), DbErr> {
    if conn.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    // Length-prefixed, so no two (tenant, user) pairs make the same text.
    let key = format!(
        "{}:{}{}",
        user.tenant.as_str().len(),
        user.tenant.as_str(),
        user.user.as_str()
    );
    conn.execute_raw(sea_orm::Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT pg_advisory_xact_lock($1, hashtext($2))",
        [METHOD_CHANGES_LOCK.into(), key.into()],
    ))
    .await?;
    Ok(())
}

/// Inside `conn`'s transaction, before a method is enabled: holds the
/// user's method changes and says whether the method will be the first.
/// Turns `method` on for the user inside `conn`'s transaction (on
/// already: nothing changes).
pub(crate) async fn turn_method_on<C: ConnectionTrait>(
    conn: &C,
    user: &UserRef,
    method: Method,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    use user_method::Column as C;
    let statement = Query::insert()
        .into_table(user_method::Entity)
        .columns([C::TenantId, C::UserId, C::Method, C::EnabledAt])
        .values_panic([
            user.tenant.as_str().into(),
            user.user.as_str().into(),
            method.as_str().into(),
            millis(now).into(),
        ])
        .on_conflict(
            OnConflict::columns([C::TenantId, C::UserId, C::Method])
                .do_nothing()
                .to_owned(),
        )
        .to_owned();
    conn.execute(&statement).await?;
    Ok(())
}

pub(crate) async fn enabling_first_method<C: ConnectionTrait>(
    conn: &C,
    user: &UserRef,
) -> Result<bool, DbErr> {
    hold_method_changes(conn, user).await?;
    Ok(!has_any_method(conn, user).await?)
}

/// Inside `conn`'s transaction, once a method is enabled: stores the set
/// offered when the method is the user's `first`, and says what became of
/// recovery codes (on `Needed` the caller rolls back).
pub(crate) async fn recovery_on_enable<C: ConnectionTrait>(
    conn: &C,
    user: &UserRef,
    first: bool,
    recovery: Option<NewRecoverySet>,
) -> Result<RecoveryOnEnable, DbErr> {
    match (first, recovery) {
        (false, _) => Ok(RecoveryOnEnable::Kept),
        (true, None) => Ok(RecoveryOnEnable::Needed),
        (true, Some(set)) => {
            put_recovery_set(conn, user, set).await?;
            Ok(RecoveryOnEnable::Stored)
        }
    }
}

/// Commits `txn`, or rolls it back when the enabling needs a recovery set.
pub(crate) async fn finish_enable(
    txn: DatabaseTransaction,
    outcome: RecoveryOnEnable,
) -> Result<RecoveryOnEnable, DomainError> {
    if outcome == RecoveryOnEnable::Needed {
        txn.rollback().await.map_err(unavailable)?;
    } else {
        txn.commit().await.map_err(unavailable)?;
    }
    Ok(outcome)
}

/// Whether the user has any method enabled, inside `conn`.
async fn has_any_method<C: ConnectionTrait>(conn: &C, user: &UserRef) -> Result<bool, DbErr> {
    let totp = totp_credential::Entity::find()
        .filter(owned_by::<totp_credential::Entity>(user))
        .filter(totp_credential::Column::State.eq(totp_credential::ENABLED))
        .count(conn)
        .await?;
    let others = user_method::Entity::find()
        .filter(owned_by::<user_method::Entity>(user))
        .count(conn)
        .await?;
    Ok(totp + others > 0)
}

/// With no method left, recovery codes and trusted devices protect nothing.
/// Call it having held the user's method changes (see
/// [`hold_method_changes`]) before changing any.
pub(crate) async fn forget_second_factor_if_none<C: ConnectionTrait>(
    conn: &C,
    user: &UserRef,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if has_any_method(conn, user).await? {
        return Ok(());
    }
    revoke_devices(conn, user, None, now).await?;
    recovery_code::Entity::delete_many()
        .filter(owned_by::<recovery_code::Entity>(user))
        .exec(conn)
        .await?;
    Ok(())
}

pub(crate) static METHODS: Shapes = Shapes::new(methods_query_shaped);

fn methods_query_shaped(user: &UserRef, _: &str) -> SelectStatement {
    methods_query(user)
}

/// The user's TOTP state, contact methods, default method and count of
/// unspent recovery codes, as `(kind, value)` rows of one statement.
fn methods_query(user: &UserRef) -> SelectStatement {
    fn rows<E: PerUser>(kind: &str, value: Expr) -> SelectStatement {
        Query::select()
            .expr_as(Expr::val(kind), Alias::new("kind"))
            .expr_as(value, Alias::new("value"))
            .from(E::default())
            .to_owned()
    }
    let mut totp =
        rows::<totp_credential::Entity>("totp", Expr::col(totp_credential::Column::State));
    totp.cond_where(owned_by::<totp_credential::Entity>(user));
    let mut contact =
        rows::<user_method::Entity>("contact", Expr::col(user_method::Column::Method));
    contact.cond_where(owned_by::<user_method::Entity>(user));
    let mut default = rows::<user::Entity>("default", Expr::col(user::Column::DefaultMethod));
    default.cond_where(owned_by::<user::Entity>(user));
    let mut recovery = rows::<recovery_code::Entity>(
        "recovery",
        Expr::col(recovery_code::Column::Id)
            .count()
            .cast_as(Alias::new("TEXT")),
    );
    recovery
        .cond_where(owned_by::<recovery_code::Entity>(user))
        .and_where(recovery_code::Column::UsedAt.is_null());
    totp.union(UnionType::All, contact)
        .union(UnionType::All, default)
        .union(UnionType::All, recovery)
        .to_owned()
}

impl EnrollmentStore for SeaStore {
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
        // With the user's row, in one transaction that holds off an
        // erasure: never a secret without its user, nor the other way.
        let (txn, _turn) = self.begin_write().await?;
        hold_method_changes(&txn, user).await.map_err(unavailable)?;
        txn.execute(&keep_user(user, pending.created_at))
            .await
            .map_err(unavailable)?;
        let result = txn.execute(&insert).await.map_err(unavailable)?;
        if result.rows_affected() == 0 {
            txn.rollback().await.map_err(unavailable)?;
            return Err(DomainError::AlreadyEnabled);
        }
        txn.commit().await.map_err(unavailable)
    }

    async fn enable_totp(
        &self,
        user: &UserRef,
        version: i64,
        now: DateTime<Utc>,
        used_step: u64,
        recovery: Option<NewRecoverySet>,
    ) -> Result<RecoveryOnEnable, DomainError> {
        use totp_credential::Column as C;
        let (txn, _turn) = self.begin_write().await?;
        let first = enabling_first_method(&txn, user)
            .await
            .map_err(unavailable)?;
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
        let outcome = recovery_on_enable(&txn, user, first, recovery)
            .await
            .map_err(unavailable)?;
        finish_enable(txn, outcome).await
    }

    async fn disable_totp(&self, user: &UserRef, now: DateTime<Utc>) -> Result<bool, DomainError> {
        let (txn, _turn) = self.begin_write().await?;
        hold_method_changes(&txn, user).await.map_err(unavailable)?;
        let deleted = totp_credential::Entity::delete_many()
            .filter(owned_by::<totp_credential::Entity>(user))
            .exec(&txn)
            .await
            .map_err(unavailable)?;
        forget_second_factor_if_none(&txn, user, now)
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
        let (txn, _turn) = self.begin_write().await?;
        hold_method_changes(&txn, user).await.map_err(unavailable)?;
        if !has_any_method(&txn, user).await.map_err(unavailable)? {
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

    async fn methods(&self, user: &UserRef) -> Result<UserMethods, DomainError> {
        let arguments = [user.tenant.as_str(), user.user.as_str()];
        let rows = match &self.reads {
            Some(reads) => reads
                .query(METHODS.get(DbBackend::Sqlite)?, &arguments, |row| {
                    let mut columns = Columns::first();
                    Ok((columns.next(row)?, columns.next(row)?))
                })
                .map_err(unavailable)?,
            None => query_shaped(&self.db, &METHODS, &arguments)
                .await?
                .into_iter()
                .map(|row| Ok((row.try_get("", "kind")?, row.try_get("", "value")?)))
                .collect::<Result<Vec<(String, Option<String>)>, DbErr>>()
                .map_err(unavailable)?,
        };
        let mut methods = UserMethods::default();
        for (kind, value) in rows {
            let value = value.unwrap_or_default();
            match kind.as_str() {
                "totp" if value == totp_credential::ENABLED => methods.enabled.push(Method::Totp),
                "contact" => methods.enabled.extend(Method::parse(&value)),
                "default" => methods.default = Method::parse(&value),
                "recovery" => methods.recovery_remaining = value.parse().unwrap_or(0),
                _ => {}
            }
        }
        Ok(methods)
    }

    async fn set_default_method(
        &self,
        user: &UserRef,
        method: Method,
        now: DateTime<Utc>,
    ) -> Result<(), DomainError> {
        self.ensure_user(user, now).await?;
        let _turn = self.turn().await;
        user::Entity::update_many()
            .col_expr(user::Column::DefaultMethod, Expr::value(method.as_str()))
            .filter(user::Column::TenantId.eq(user.tenant.as_str()))
            .filter(user::Column::UserId.eq(user.user.as_str()))
            .exec(&self.writes)
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn enable_contact_method(
        &self,
        user: &UserRef,
        method: Method,
        now: DateTime<Utc>,
        recovery: Option<NewRecoverySet>,
    ) -> Result<RecoveryOnEnable, DomainError> {
        let (txn, _turn) = self.begin_write().await?;
        let first = enabling_first_method(&txn, user)
            .await
            .map_err(unavailable)?;
        // Checked again here, with the user's changes held: the contact may
        // have changed, or the user been erased, since it was read.
        let kind = if method == Method::Sms {
            "phone"
        } else {
            "email"
        };
        let confirmed = contact::Entity::find()
            .filter(owned_by::<contact::Entity>(user))
            .filter(contact::Column::Kind.eq(kind))
            .filter(contact::Column::ConfirmedAt.is_not_null())
            .count(&txn)
            .await
            .map_err(unavailable)?;
        if confirmed == 0 {
            txn.rollback().await.map_err(unavailable)?;
            return Err(DomainError::ContactUnconfirmed);
        }
        turn_method_on(&txn, user, method, now)
            .await
            .map_err(unavailable)?;
        let outcome = recovery_on_enable(&txn, user, first, recovery)
            .await
            .map_err(unavailable)?;
        finish_enable(txn, outcome).await
    }

    async fn import_user(
        &self,
        user: &UserRef,
        plan: ImportPlan,
        audit: AuditEvent,
    ) -> Result<ImportWrite, DomainError> {
        self.write_import(user, plan, audit).await
    }

    async fn disable_contact_method(
        &self,
        user: &UserRef,
        method: Method,
        now: DateTime<Utc>,
    ) -> Result<bool, DomainError> {
        let (txn, _turn) = self.begin_write().await?;
        hold_method_changes(&txn, user).await.map_err(unavailable)?;
        if method == Method::WebAuthn {
            // Off means the credentials go: none may sign in again.
            delete_webauthn_credentials(&txn, user, None)
                .await
                .map_err(unavailable)?;
        }
        let deleted = user_method::Entity::delete_many()
            .filter(owned_by::<user_method::Entity>(user))
            .filter(user_method::Column::Method.eq(method.as_str()))
            .exec(&txn)
            .await
            .map_err(unavailable)?;
        forget_second_factor_if_none(&txn, user, now)
            .await
            .map_err(unavailable)?;
        txn.commit().await.map_err(unavailable)?;
        Ok(deleted.rows_affected > 0)
    }
}
