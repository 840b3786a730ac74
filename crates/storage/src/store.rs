//! [`SeaStore`]: the domain's `Store` port over sea-orm. Every change that
//! must not happen twice is one conditional statement or one transaction.
use std::any::TypeId;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, OnceLock};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{
    Alias, CommonTableExpression, Expr, ExprTrait, InsertStatement, JoinType, OnConflict,
    PostgresQueryBuilder, Query, QueryStatementWriter, SelectStatement, SqliteQueryBuilder,
    SubQueryStatement, UnionType, UpdateStatement, Value, Values, WithClause, WithQuery,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, EntityTrait, FromQueryResult,
    IdenStatic, Iterable, PaginatorTrait, QueryFilter, QueryOrder, QueryResult, QuerySelect,
    QueryTrait, SqliteTransactionMode, StatementBuilder, TransactionOptions, TransactionTrait,
};
use tollgate_domain::contact::ContactKind;
use tollgate_domain::lockout::LockoutState;
use tollgate_domain::policy::Method;
use tollgate_domain::ports::{
    AuditEvent, AuditQuery, AuditRecord, ChallengeRecord, ChallengeStatus, Channel, ClientInfo,
    CodeSend, Completion, ConfirmationSend, Consume, ContactRecord, LockoutGuard, MessageKind,
    NewChallenge, NewMessage, NewRecoverySet, NewTrustedDevice, OutboxFilter, OutboxRecord,
    PendingTotp, Purgeable, RecoveryCodeRecord, RecoveryOnEnable, RecoveryStatus, Store,
    StoredPolicy, StoredSeed, StoredTotpState, TotpRecord, UserFilter, UserMethods, UserQuery,
    UserSummary, VerificationContext,
};
use tollgate_domain::recovery::StoredCode;
use tollgate_domain::secret::Sealed;
use tollgate_domain::tenant_policy::TenantPolicy;
use tollgate_domain::totp::{Algorithm, TotpParams};
use tollgate_domain::{DomainError, TenantId, UserRef};

use crate::StorageError;
use crate::entity::{
    audit_event, challenge, contact, outbox, policy, recovery_code, totp_credential,
    trusted_device, user, user_lockout, user_method,
};
use crate::group_commit::{GroupCommit, Write, WriteTurn};
use crate::shape::Shape;
use crate::sqlite_reads::{Columns, SqliteReads};

/// The storage behind every use case.
#[derive(Clone)]
pub struct SeaStore {
    /// Reads (and, on Postgres, everything).
    pub(crate) db: DatabaseConnection,
    /// Writes and transactions. On SQLite a pool of one connection: the file
    /// takes one writer at a time, and writers queueing here wait their turn
    /// without SQLite's busy handler, which sleeps in steps of milliseconds.
    writes: DatabaseConnection,
    /// On SQLite, the queue that batches the sign-in path's writes.
    batches: Option<GroupCommit>,
    /// On a SQLite file, the sign-in path's reads, made on the calling
    /// thread.
    reads: Option<Arc<SqliteReads>>,
}

impl SeaStore {
    /// The user's row in `users`, if the tenant has seen them.
    async fn user_row(&self, user: &UserRef) -> Result<Option<user::Model>, DomainError> {
        user::Entity::find_by_id((
            user.tenant.as_str().to_owned(),
            user.user.as_str().to_owned(),
        ))
        .one(&self.db)
        .await
        .map_err(unavailable)
    }

    /// A store that reads from `db` and writes through `writes` (the same
    /// pool, or one connection to the same SQLite file). On SQLite it
    /// starts the group-commit task, so it must be called on a tokio
    /// runtime. `sqlite_file` is the SQLite file's path, whose sign-in reads
    /// then bypass the pools (see `sqlite_reads`).
    pub(crate) fn new(
        db: DatabaseConnection,
        writes: DatabaseConnection,
        sqlite_file: Option<&str>,
    ) -> Result<Self, StorageError> {
        let (batches, reads) = match sqlite_file {
            Some(path) => (
                Some(GroupCommit::start(path).map_err(StorageError::Connect)?),
                Some(Arc::new(SqliteReads::new(path.to_owned()))),
            ),
            None => (None, None),
        };
        Ok(Self {
            db,
            writes,
            batches,
            reads,
        })
    }

    /// On SQLite, waits for the write turn (see `group_commit`): every
    /// write through `writes` holds it, so the file's writers take turns
    /// in order.
    async fn turn(&self) -> Option<WriteTurn> {
        match &self.batches {
            Some(batches) => Some(batches.turn().await),
            None => None,
        }
    }

    /// A transaction on `writes`, with the write turn on SQLite (drop the
    /// turn after the transaction). On SQLite it takes the write lock at
    /// once (`BEGIN IMMEDIATE`): a transaction that read first could not
    /// then write if another connection had written in between.
    async fn begin_write(&self) -> Result<(DatabaseTransaction, Option<WriteTurn>), DomainError> {
        let turn = self.turn().await;
        let options = TransactionOptions {
            sqlite_transaction_mode: turn.is_some().then_some(SqliteTransactionMode::Immediate),
            ..TransactionOptions::default()
        };
        let txn = self
            .writes
            .begin_with_options(options)
            .await
            .map_err(unavailable)?;
        Ok((txn, turn))
    }

    /// Runs one insert or update and says how many rows it changed. On
    /// SQLite it joins the next group commit.
    pub(crate) async fn write<S>(&self, statement: &S) -> Result<u64, DomainError>
    where
        S: StatementBuilder + QueryStatementWriter,
    {
        match &self.batches {
            Some(batches) => {
                let sql = QueryStatementWriter::build(statement, SqliteQueryBuilder);
                let write = Write::counting_last([sql]).map_err(unavailable)?;
                let changed = batches.run(write).await.map_err(unavailable)?;
                Ok(u64::try_from(changed).unwrap_or(0))
            }
            None => Ok(self
                .writes
                .execute(statement)
                .await
                .map_err(unavailable)?
                .rows_affected()),
        }
    }

    /// Inserts one row. On SQLite it joins the next group commit.
    async fn insert<A>(&self, row: A) -> Result<(), DomainError>
    where
        A: ActiveModelTrait + Send,
        A::Entity: 'static,
    {
        match &self.batches {
            Some(batches) => {
                let write = Write::counting_last([sqlite_insert(row, InsertWhen::Always)?])
                    .map_err(unavailable)?;
                batches.run(write).await.map_err(unavailable)?;
            }
            None => {
                self.writes
                    .execute(&A::Entity::insert(row).into_query())
                    .await
                    .map_err(unavailable)?;
            }
        }
        Ok(())
    }

    /// Why a completion changed nothing: the code was used before, if the
    /// challenge is still open; otherwise the challenge was closed.
    async fn not_completed(
        &self,
        user: &UserRef,
        id_hash: &str,
        now: DateTime<Utc>,
        lockout: LockoutGuard,
    ) -> Result<Completion, DomainError> {
        if Store::lockout(self, user).await?.1 != lockout.version {
            return Ok(Completion::LockoutChanged);
        }
        let still_open = challenge::Entity::find()
            .filter(open_challenge(user, id_hash, now))
            .count(&self.db)
            .await
            .map_err(unavailable)?;
        Ok(if still_open == 1 {
            Completion::CodeAlreadyUsed
        } else {
            Completion::ChallengeClosed
        })
    }

    /// Closes the connections: readers, the writer thread, the pools.
    pub async fn close(&self) {
        if let Some(reads) = &self.reads {
            reads.close();
        }
        if let Some(batches) = &self.batches {
            batches.stop().await;
        }
        self.writes.clone().close().await.ok();
        self.db.clone().close().await.ok();
    }

    pub fn connection(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Whether the database takes work now. On Postgres a round trip
    /// tells; a SQLite file can still be read when it no longer takes
    /// writes (read-only, a full disk), so there the probe rewrites the
    /// header's `user_version` with the value it already has, through the
    /// sign-in path's writer thread and through the other writes'
    /// connection: if either cannot write, the server is not serving.
    pub async fn probe(&self) -> bool {
        if self.db.get_database_backend() != sea_orm::DbBackend::Sqlite {
            return self.db.ping().await.is_ok();
        }
        let statement =
            sea_orm::Statement::from_string(sea_orm::DbBackend::Sqlite, "PRAGMA user_version");
        let version = match self.db.query_one_raw(statement).await {
            Ok(Some(row)) => row.try_get_by_index::<i32>(0),
            _ => return false,
        };
        let Ok(version) = version else {
            return false;
        };
        let rewrite = format!("PRAGMA user_version = {version}");
        if let Some(batches) = &self.batches {
            let Ok(write) = Write::counting_last([(rewrite.clone(), Values(Vec::new()))]) else {
                return false;
            };
            // Before taking the write turn: the batch needs it.
            if batches.run(write).await.is_err() {
                return false;
            }
        }
        let _turn = self.turn().await;
        let Ok(mut conn) = self.writes.get_sqlite_connection_pool().acquire().await else {
            return false;
        };
        match sea_orm::sqlx::query(sea_orm::sqlx::AssertSqlSafe(rewrite))
            .execute(&mut *conn)
            .await
        {
            Ok(_) => true,
            Err(_) => {
                // SQLite opens a file it may not write read-only, and such
                // a connection stays read-only after the file is writable
                // again: let the pool open a fresh one next time.
                conn.close_on_drop();
                false
            }
        }
    }
}

/// Database failures (sea-orm's, or the SQLite group commit's)
/// become `StorageUnavailable`; the cause goes to the log (it never holds a
/// secret: secrets are stored sealed or hashed).
pub(crate) fn unavailable(error: impl std::fmt::Display) -> DomainError {
    tracing::warn!(error = %error, "storage operation failed");
    DomainError::StorageUnavailable
}

pub(crate) fn millis(at: DateTime<Utc>) -> i64 {
    at.timestamp_millis()
}

pub(crate) fn instant(ms: i64) -> DateTime<Utc> {
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
    challenge,
    user_method,
    contact,
    user
);

/// The rows of `E` that belong to `user`.
fn owned_by<E: PerUser>(user: &UserRef) -> sea_orm::Condition {
    sea_orm::Condition::all()
        .add(E::TENANT.eq(user.tenant.as_str()))
        .add(E::USER.eq(user.user.as_str()))
}

/// The rows of `E` that belong to any of `user_ids` of `tenant`.
fn page_rows<E: PerUser>(tenant: &TenantId, user_ids: &[String]) -> sea_orm::Select<E> {
    E::find()
        .filter(E::TENANT.eq(tenant.as_str()))
        .filter(E::USER.is_in(user_ids.iter().cloned()))
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
        caller: Set(truncate(&crate::current_caller(), 256)),
        ..Default::default()
    }
}

fn user_challenge(user: &UserRef, id_hash: &str) -> sea_orm::Condition {
    owned_by::<challenge::Entity>(user).add(challenge::Column::IdHash.eq(id_hash))
}

/// The user's challenge with this id hash, while it is open and unexpired.
fn open_challenge(user: &UserRef, id_hash: &str, now: DateTime<Utc>) -> Condition {
    user_challenge(user, id_hash)
        .add(challenge::Column::Status.eq(challenge::OPEN))
        .add(challenge::Column::ExpiresAt.gt(millis(now)))
}

/// Completes the open, unexpired challenge: one row changed, or none.
fn close_statement(user: &UserRef, id_hash: &str, now: DateTime<Utc>) -> UpdateStatement {
    use challenge::Column as C;
    challenge::Entity::update_many()
        .col_expr(C::Status, Expr::value(challenge::COMPLETED))
        .col_expr(C::CompletedAt, Expr::value(millis(now)))
        .filter(open_challenge(user, id_hash, now))
        .into_query()
}

/// Consumes the code: one row changed, or none when it was consumed before.
fn consume_statement(user: &UserRef, consume: &Consume, now: DateTime<Utc>) -> UpdateStatement {
    match consume {
        Consume::TotpStep(step) => {
            use totp_credential::Column as C;
            let step = i64::try_from(*step).unwrap_or(i64::MAX);
            // The used-step column only moves forward: a step at or
            // before the last used one is refused, on every replica.
            totp_credential::Entity::update_many()
                .col_expr(C::LastUsedStep, Expr::value(step))
                .filter(owned_by::<totp_credential::Entity>(user))
                .filter(C::State.eq(totp_credential::ENABLED))
                .filter(
                    Condition::any()
                        .add(C::LastUsedStep.is_null())
                        .add(C::LastUsedStep.lt(step)),
                )
                .into_query()
        }
        Consume::RecoveryCode(id) => {
            use recovery_code::Column as C;
            recovery_code::Entity::update_many()
                .col_expr(C::UsedAt, Expr::value(millis(now)))
                .filter(owned_by::<recovery_code::Entity>(user))
                .filter(C::Id.eq(*id))
                .filter(C::UsedAt.is_null())
                .into_query()
        }
        Consume::ChallengeCode(hash) => {
            use challenge::Column as C;
            // The code is consumed with the challenge that carries it; a
            // newer code (or none) means this one is dead.
            challenge::Entity::update_many()
                .col_expr(C::CodeHash, Expr::value(Option::<String>::None))
                .filter(owned_by::<challenge::Entity>(user))
                .filter(C::CodeHash.eq(hash.as_str()))
                .filter(C::CodeExpiresAt.gt(millis(now)))
                .into_query()
        }
    }
}

fn device_row(user: &UserRef, device: NewTrustedDevice) -> trusted_device::ActiveModel {
    trusted_device::ActiveModel {
        device_id: Set(device.device_id),
        token_hash: Set(device.token_hash),
        tenant_id: Set(user.tenant.as_str().to_owned()),
        user_id: Set(user.user.as_str().to_owned()),
        created_at: Set(millis(device.created_at)),
        expires_at: Set(millis(device.expires_at)),
        revoked_at: Set(None),
        client_ip: Set(truncate(&device.client.ip, 64)),
        user_agent: Set(truncate(&device.client.user_agent, 512)),
    }
}

/// `INSERT ... SELECT <the row's values> WHERE <condition>`: the row is
/// written only if the condition holds.
fn insert_if<A: ActiveModelTrait>(
    row: &A,
    condition: Expr,
) -> Result<InsertStatement, DomainError> {
    let mut columns = Vec::new();
    let mut values = Vec::new();
    for column in <A::Entity as EntityTrait>::Column::iter() {
        if let ActiveValue::Set(value) = row.get(column) {
            columns.push(column);
            values.push(Expr::val(value));
        }
    }
    let select = Query::select()
        .exprs(values)
        .and_where(condition)
        .to_owned();
    let mut insert = Query::insert();
    insert
        .into_table(A::Entity::default())
        .columns(columns)
        .select_from(select)
        .map_err(|_| DomainError::Internal("a conditional insert was malformed"))?;
    Ok(insert)
}

/// Consumes the code only while the challenge is open and unexpired.
fn consume_while_open(
    user: &UserRef,
    id_hash: &str,
    consume: &Consume,
    now: DateTime<Utc>,
) -> UpdateStatement {
    let open = Query::select()
        .expr(Expr::val(1))
        .from(challenge::Entity)
        .cond_where(open_challenge(user, id_hash, now))
        .to_owned();
    // After the lockout guard (see `completion_write`): only if it held.
    consume_statement(user, consume, now)
        .and_where(Expr::exists(open))
        .and_where(Expr::cust("changes() = 1"))
        .to_owned()
}

/// The guard of a completion on SQLite (see `complete_challenge`): a
/// statement that changes nothing, and counts one changed row exactly when
/// the user's lockout row is still at `version` (an update of the lockout
/// row to itself), or, with `version` 0, when there is no lockout row (the
/// open challenge's row updated to itself).
fn lockout_guard(
    user: &UserRef,
    id_hash: &str,
    now: DateTime<Utc>,
    version: i64,
) -> UpdateStatement {
    use user_lockout::Column as C;
    if version == 0 {
        let any_lockout = Query::select()
            .expr(Expr::val(1))
            .from(user_lockout::Entity)
            .cond_where(owned_by::<user_lockout::Entity>(user))
            .to_owned();
        return challenge::Entity::update_many()
            .col_expr(
                challenge::Column::Status,
                Expr::col(challenge::Column::Status),
            )
            .filter(open_challenge(user, id_hash, now))
            .filter(Expr::exists(any_lockout).not())
            .into_query();
    }
    user_lockout::Entity::update_many()
        .col_expr(C::Version, Expr::col(C::Version))
        .filter(owned_by::<user_lockout::Entity>(user))
        .filter(C::Version.eq(version))
        .into_query()
}

/// Clears the user's lockout row (after a success), moving its version on.
fn lockout_reset(user: &UserRef) -> UpdateStatement {
    use user_lockout::Column as C;
    user_lockout::Entity::update_many()
        .col_expr(C::Failures, Expr::value(0))
        .col_expr(C::Lockouts, Expr::value(0))
        .col_expr(C::LockedUntil, Expr::value(Option::<i64>::None))
        .col_expr(C::Version, Expr::col(C::Version).add(1))
        .filter(owned_by::<user_lockout::Entity>(user))
        .into_query()
}

/// Closes the challenge if the statement before it changed one row.
fn close_after_one_change(user: &UserRef, id_hash: &str, now: DateTime<Utc>) -> UpdateStatement {
    close_statement(user, id_hash, now)
        .and_where(Expr::cust("changes() = 1"))
        .to_owned()
}

/// Insert the first lockout row (version 0 means "none yet"), or update it
/// only if nobody changed the row since it was read at `version`.
fn lockout_swap(
    user: &UserRef,
    failures: i32,
    lockouts: i32,
    locked_until: Option<i64>,
    version: i64,
) -> InsertStatement {
    use user_lockout::Column as C;
    Query::insert()
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
        .to_owned()
}

/// Stand-ins for the integer arguments of the sign-in path's write shapes
/// (see `Shape`): values none of those statements has as a constant.
const STEP_STAND_IN: u64 = 0x7fff_ffff_ffff_ff01;
const MILLIS_STAND_INS: [i64; 4] = [
    -62_000_000_000_003,
    -62_000_000_000_005,
    -62_000_000_000_007,
    -62_000_000_000_009,
];
const COUNT_STAND_INS: [i32; 2] = [i32::MIN + 3, i32::MIN + 5];

/// The SQLite shapes of the sign-in path's hottest writes, each built on
/// first use. A mis-bound value here would be a security bug, so the
/// shapes are tested against statements built afresh.
static CONSUME_TOTP_STEP: OnceLock<Shape> = OnceLock::new();
static CLOSE_CHALLENGE: OnceLock<Shape> = OnceLock::new();
/// Lockout swaps with and without a lock end (a `None` cannot be a
/// stand-in: it is the constant of its own shape).
static LOCKOUT_SWAP: [OnceLock<Shape>; 2] = [OnceLock::new(), OnceLock::new()];

fn stand_in_user() -> Result<UserRef, DomainError> {
    UserRef::parse(STAND_INS[0], STAND_INS[1])
}

/// A shape from `cell`, made the first time from the statement and the
/// stand-ins `make` returns (nothing is built once the shape exists).
fn sqlite_shape<S: QueryStatementWriter>(
    cell: &'static OnceLock<Shape>,
    make: impl FnOnce() -> Result<(S, Vec<Value>), DomainError>,
) -> Result<&'static Shape, DomainError> {
    if let Some(shape) = cell.get() {
        return Ok(shape);
    }
    let (statement, stand_ins) = make()?;
    Ok(cell.get_or_init(|| Shape::of(&statement, SqliteQueryBuilder, &stand_ins)))
}

/// A challenge write built by `build` from stand-ins, with those stand-ins
/// in the order of `challenge_arguments`.
fn with_challenge_stand_ins<S>(
    build: impl FnOnce(&UserRef, &str, u64, DateTime<Utc>) -> S,
) -> Result<(S, Vec<Value>), DomainError> {
    let user = stand_in_user()?;
    let now = instant(MILLIS_STAND_INS[0]);
    let stand_ins = challenge_arguments(&user, STAND_INS[2], STEP_STAND_IN, now);
    Ok((
        build(&user, STAND_INS[2], STEP_STAND_IN, now),
        stand_ins.to_vec(),
    ))
}

/// The arguments of the challenge writes: tenant, user, challenge hash,
/// TOTP step, now.
fn challenge_arguments(user: &UserRef, id_hash: &str, step: u64, now: DateTime<Utc>) -> [Value; 5] {
    [
        user.tenant.as_str().into(),
        user.user.as_str().into(),
        id_hash.into(),
        i64::try_from(step).unwrap_or(i64::MAX).into(),
        millis(now).into(),
    ]
}

/// Consumes a TOTP step while the challenge is open (see
/// `consume_statement`), shaped.
fn sqlite_consume_totp_step(
    user: &UserRef,
    id_hash: &str,
    step: u64,
    now: DateTime<Utc>,
) -> Result<(String, Values), DomainError> {
    let shape = sqlite_shape(&CONSUME_TOTP_STEP, || {
        with_challenge_stand_ins(|user, id_hash, step, now| {
            consume_while_open(user, id_hash, &Consume::TotpStep(step), now)
        })
    })?;
    Ok(shape.bind(&challenge_arguments(user, id_hash, step, now)))
}

/// Closes the challenge if the statement before changed one row (see
/// `close_statement`), shaped.
fn sqlite_close_challenge(
    user: &UserRef,
    id_hash: &str,
    now: DateTime<Utc>,
) -> Result<(String, Values), DomainError> {
    let shape = sqlite_shape(&CLOSE_CHALLENGE, || {
        with_challenge_stand_ins(|user, id_hash, _, now| close_after_one_change(user, id_hash, now))
    })?;
    Ok(shape.bind(&challenge_arguments(user, id_hash, 0, now)))
}

/// The arguments of a lockout swap: tenant, user, failures, lockouts, lock
/// end, next version, version.
fn lockout_arguments(
    user: &UserRef,
    failures: i32,
    lockouts: i32,
    locked_until: Option<i64>,
    version: i64,
) -> [Value; 7] {
    [
        user.tenant.as_str().into(),
        user.user.as_str().into(),
        failures.into(),
        lockouts.into(),
        locked_until.into(),
        (version + 1).into(),
        version.into(),
    ]
}

/// `lockout_swap`, shaped.
fn sqlite_lockout_swap(
    user: &UserRef,
    failures: i32,
    lockouts: i32,
    locked_until: Option<i64>,
    version: i64,
) -> Result<(String, Values), DomainError> {
    let cell = &LOCKOUT_SWAP[usize::from(locked_until.is_some())];
    let shape = sqlite_shape(cell, || {
        let user = stand_in_user()?;
        let [failures, lockouts] = COUNT_STAND_INS;
        let [_, until, version, _] = MILLIS_STAND_INS;
        let until = locked_until.map(|_| until);
        Ok((
            lockout_swap(&user, failures, lockouts, until, version),
            lockout_arguments(&user, failures, lockouts, until, version).to_vec(),
        ))
    })?;
    Ok(shape.bind(&lockout_arguments(
        user,
        failures,
        lockouts,
        locked_until,
        version,
    )))
}

/// When a shaped insert writes its row: always, or only if the statement
/// before it (in the same group-commit write) changed exactly one row.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum InsertWhen {
    Always,
    AfterOneChange,
}

/// Texts of SQLite inserts already built, by entity, the columns the row
/// sets (a bit per column) and when it writes.
type InsertTexts = HashMap<(TypeId, u64, InsertWhen), Arc<str>>;
static INSERT_TEXTS: LazyLock<Mutex<InsertTexts>> = LazyLock::new(Mutex::default);

/// `row` inserted on SQLite, as text and values for the group commit. The
/// text depends only on the entity, which columns the row sets and `when`,
/// so sea-query builds it once for each (building cost more than SQLite
/// took to run it); the values are the row's, in the order of the entity's
/// columns, which is the order the built statement binds them in.
fn sqlite_insert<A>(row: A, when: InsertWhen) -> Result<(String, Values), DomainError>
where
    A: ActiveModelTrait,
    A::Entity: 'static,
{
    let mut set_columns = Some(0u64);
    let mut values = Vec::new();
    for (i, column) in <A::Entity as EntityTrait>::Column::iter().enumerate() {
        if let ActiveValue::Set(value) = row.get(column) {
            set_columns =
                set_columns.and_then(|set| Some(set | 1u64.checked_shl(u32::try_from(i).ok()?)?));
            values.push(value);
        }
    }
    let key = set_columns.map(|set| (TypeId::of::<A::Entity>(), set, when));
    let texts = || {
        INSERT_TEXTS
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    };
    if let Some(text) = key.and_then(|key| texts().get(&key).cloned()) {
        return Ok((text.to_string(), Values(values)));
    }
    let built = match when {
        InsertWhen::Always => A::Entity::insert(row)
            .into_query()
            .build(SqliteQueryBuilder),
        InsertWhen::AfterOneChange => {
            insert_if(&row, Expr::cust("changes() = 1"))?.build(SqliteQueryBuilder)
        }
    };
    if let Some(key) = key {
        texts().insert(key, Arc::from(built.0.as_str()));
    }
    Ok(built)
}

/// complete_challenge on SQLite, as one write for the group commit. Each
/// statement runs only if the one before it changed exactly one row
/// (`changes()`), and the code is consumed only while the challenge is open,
/// so the write makes either every change or none.
fn completion_write(
    user: &UserRef,
    id_hash: &str,
    consume: &Consume,
    now: DateTime<Utc>,
    device: Option<NewTrustedDevice>,
    audit: AuditEvent,
    lockout: LockoutGuard,
) -> Result<Write, DomainError> {
    // The guard first: every later statement runs only after one change,
    // so nothing happens unless the lockout row is still as read; the guard
    // itself changes nothing (see lockout_guard).
    let guard = lockout_guard(user, id_hash, now, lockout.version).build(SqliteQueryBuilder);
    let consumed = match consume {
        Consume::TotpStep(step) => sqlite_consume_totp_step(user, id_hash, *step, now)?,
        _ => consume_while_open(user, id_hash, consume, now).build(SqliteQueryBuilder),
    };
    let mut statements = vec![guard, consumed, sqlite_close_challenge(user, id_hash, now)?];
    if lockout.reset {
        statements.push(
            lockout_reset(user)
                .and_where(Expr::cust("changes() = 1"))
                .to_owned()
                .build(SqliteQueryBuilder),
        );
    }
    if let Some(device) = device {
        statements.push(sqlite_insert(
            device_row(user, device),
            InsertWhen::AfterOneChange,
        )?);
    }
    statements.push(sqlite_insert(audit_row(audit), InsertWhen::AfterOneChange)?);
    Write::counting_last(statements).map_err(unavailable)
}

/// A named step of a `WITH` statement.
fn step(name: impl Into<String>, query: impl Into<SubQueryStatement>) -> CommonTableExpression {
    CommonTableExpression::new()
        .query(query)
        .table_name(Alias::new(name.into()))
        .to_owned()
}

/// Whether the `WITH` step `name` returned a row.
fn any_row_in(name: &str) -> Expr {
    Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from(Alias::new(name.to_owned()))
            .to_owned(),
    )
}

/// complete_challenge on Postgres, as one statement: `locked` locks the
/// challenge row while it is open, `consumed` uses the code only then,
/// `closed` completes the challenge if the code was consumed, the device
/// and audit rows are inserted if it was closed, and the statement answers
/// how many audit rows it wrote (one or none). Because nobody can cancel
/// the locked challenge in between, a consumed code always closes it: the
/// statement makes every change or none, with no transaction around it.
fn completion_statement(
    user: &UserRef,
    id_hash: &str,
    consume: &Consume,
    now: DateTime<Utc>,
    device: Option<NewTrustedDevice>,
    audit: AuditEvent,
    lockout: LockoutGuard,
) -> Result<WithQuery, DomainError> {
    let one = || Query::returning().expr(Expr::val(1));
    let mut with = WithClause::new();
    // The guard: the lockout row still at the version read, locked until
    // the statement commits (a parallel failure's swap waits, then finds
    // the version moved on); or no row at all.
    let guard = if lockout.version == 0 {
        Query::select()
            .expr(Expr::val(1))
            .and_where(
                Expr::exists(
                    Query::select()
                        .expr(Expr::val(1))
                        .from(user_lockout::Entity)
                        .cond_where(owned_by::<user_lockout::Entity>(user))
                        .to_owned(),
                )
                .not(),
            )
            .to_owned()
    } else {
        Query::select()
            .expr(Expr::val(1))
            .from(user_lockout::Entity)
            .cond_where(owned_by::<user_lockout::Entity>(user))
            .and_where(Expr::col(user_lockout::Column::Version).eq(lockout.version))
            .lock_exclusive()
            .to_owned()
    };
    with.cte(step("guarded", guard));
    if let Consume::ChallengeCode(_) = consume {
        // The code is kept on the challenge row, and one statement can
        // change a row only once: consume it and close the challenge in
        // the same update.
        let mut both = consume_statement(user, consume, now);
        both.value(challenge::Column::Status, challenge::COMPLETED)
            .value(challenge::Column::CompletedAt, millis(now))
            .cond_where(open_challenge(user, id_hash, now))
            .and_where(any_row_in("guarded"))
            .returning(one());
        with.cte(step("closed", both));
    } else {
        with.cte(step(
            "locked",
            Query::select()
                .expr(Expr::val(1))
                .from(challenge::Entity)
                .cond_where(open_challenge(user, id_hash, now))
                .and_where(any_row_in("guarded"))
                .lock_exclusive()
                .to_owned(),
        ));
        with.cte(step(
            "consumed",
            consume_statement(user, consume, now)
                .and_where(any_row_in("locked"))
                .returning(one())
                .to_owned(),
        ));
        with.cte(step(
            "closed",
            close_statement(user, id_hash, now)
                .and_where(any_row_in("consumed"))
                .returning(one())
                .to_owned(),
        ));
    }
    if lockout.reset {
        with.cte(step(
            "reset",
            lockout_reset(user)
                .and_where(any_row_in("closed"))
                .to_owned(),
        ));
    }
    if let Some(device) = device {
        with.cte(step(
            "device",
            insert_if(&device_row(user, device), any_row_in("closed"))?,
        ));
    }
    with.cte(step(
        "audited",
        insert_if(&audit_row(audit), any_row_in("closed"))?
            .returning(one())
            .to_owned(),
    ));
    // The name is ours; no value is spliced into the text.
    let answer = Query::select()
        .expr_as(Expr::cust("(SELECT count(*) FROM audited)"), "audited")
        .to_owned();
    Ok(with.query(answer))
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
async fn hold_method_changes<C: ConnectionTrait>(conn: &C, user: &UserRef) -> Result<(), DbErr> {
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
async fn enabling_first_method<C: ConnectionTrait>(
    conn: &C,
    user: &UserRef,
) -> Result<bool, DbErr> {
    hold_method_changes(conn, user).await?;
    Ok(!has_any_method(conn, user).await?)
}

/// Inside `conn`'s transaction, once a method is enabled: stores the set
/// offered when the method is the user's `first`, and says what became of
/// recovery codes (on `Needed` the caller rolls back).
async fn recovery_on_enable<C: ConnectionTrait>(
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
async fn finish_enable(
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

/// Deletes up to `limit` rows of `E` that meet `chosen`, naming them by
/// `key` (a one-column primary key), in `conn`; returns how many.
async fn delete_chosen<E: EntityTrait, C: ConnectionTrait>(
    conn: &C,
    key: E::Column,
    chosen: Condition,
    limit: u32,
) -> Result<u64, DbErr> {
    let keys = Query::select()
        .column(key)
        .from(E::default())
        .cond_where(chosen)
        .limit(u64::from(limit))
        .to_owned();
    let deleted = E::delete_many()
        .filter(key.in_subquery(keys))
        .exec(conn)
        .await?;
    Ok(deleted.rows_affected)
}

/// Deletes the oldest audit events, up to `limit`, that occurred before
/// `before` (Unix milliseconds), walking the key: events are numbered in the
/// order they are written, so the old ones come first and no index on the
/// time is needed (one would cost every sign-in's audit row). The walk stops
/// at the first younger event, so an event written after a clock step back
/// waits for the events numbered before it.
async fn purge_audit_events<C: ConnectionTrait>(
    conn: &C,
    before: i64,
    limit: u32,
) -> Result<u64, DbErr> {
    use audit_event::Column as C;
    let oldest: Vec<(i64, i64)> = audit_event::Entity::find()
        .select_only()
        .columns([C::Id, C::OccurredAt])
        .order_by_asc(C::Id)
        .limit(u64::from(limit))
        .into_tuple()
        .all(conn)
        .await?;
    let Some(&(last, _)) = oldest.iter().take_while(|(_, at)| *at < before).last() else {
        return Ok(0);
    };
    let deleted = audit_event::Entity::delete_many()
        .filter(C::Id.lte(last))
        .exec(conn)
        .await?;
    Ok(deleted.rows_affected)
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
async fn forget_second_factor_if_none<C: ConnectionTrait>(
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

fn to_challenge(row: challenge::Model) -> ChallengeRecord {
    let status = match row.status.as_str() {
        challenge::OPEN => ChallengeStatus::Open,
        challenge::COMPLETED => ChallengeStatus::Completed,
        _ => ChallengeStatus::Cancelled,
    };
    let code = match (
        row.code_hash,
        Method::parse(&row.code_method),
        row.code_expires_at,
    ) {
        (Some(hash), Some(method), Some(expires_at)) => Some((hash, method, instant(expires_at))),
        _ => None,
    };
    ChallengeRecord {
        methods: row.methods.split(',').filter_map(Method::parse).collect(),
        code,
        audience: row.audience,
        status,
        created_at: instant(row.created_at),
        expires_at: instant(row.expires_at),
    }
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

/// Column prefixes of the verification read, one per joined table.
const CHALLENGE: &str = "c_";
const TOTP: &str = "t_";
const LOCKOUT: &str = "l_";
const RECOVERY_REMAINING: &str = "recovery_remaining";

/// Selects every column of `E`, from the table aliased `table`, as
/// `{table}_{column}` (the prefix sea-orm's models read back).
fn select_all_as<E: EntityTrait>(select: &mut SelectStatement, table: &str) {
    for column in E::Column::iter() {
        select.expr_as(
            Expr::col((Alias::new(table.trim_end_matches('_')), column)),
            Alias::new(format!("{table}{}", column.as_str())),
        );
    }
}

/// `E`'s row from a LEFT JOIN, or `None` where the join found none.
fn joined<M: FromQueryResult>(row: &QueryResult, table: &str) -> Result<Option<M>, DomainError> {
    let tenant: Option<String> = row.try_get(table, "tenant_id").map_err(unavailable)?;
    tenant
        .map(|_| M::from_query_result(row, table))
        .transpose()
        .map_err(unavailable)
}

/// Joins `table` to the challenge on the challenge's tenant and user.
fn same_user_as_challenge<E: PerUser>(table: &str) -> Condition {
    let (c, t) = (Alias::new("c"), Alias::new(table.trim_end_matches('_')));
    Condition::all()
        .add(Expr::col((t.clone(), E::TENANT)).equals((c.clone(), challenge::Column::TenantId)))
        .add(Expr::col((t, E::USER)).equals((c, challenge::Column::UserId)))
}

/// The challenge with its lockout row, TOTP credential and count of unspent
/// recovery codes: everything a verification reads, as one statement.
fn verification_query(user: &UserRef, id_hash: &str) -> SelectStatement {
    let c = Alias::new("c");
    let mut select = Query::select();
    select.from_as(challenge::Entity, c.clone());
    select_all_as::<challenge::Entity>(&mut select, CHALLENGE);
    select_all_as::<totp_credential::Entity>(&mut select, TOTP);
    select_all_as::<user_lockout::Entity>(&mut select, LOCKOUT);
    select.join_as(
        JoinType::LeftJoin,
        totp_credential::Entity,
        Alias::new("t"),
        same_user_as_challenge::<totp_credential::Entity>(TOTP),
    );
    select.join_as(
        JoinType::LeftJoin,
        user_lockout::Entity,
        Alias::new("l"),
        same_user_as_challenge::<user_lockout::Entity>(LOCKOUT),
    );
    let remaining = Query::select()
        .expr(Expr::col(recovery_code::Column::Id).count())
        .from(recovery_code::Entity)
        .cond_where(owned_by::<recovery_code::Entity>(user))
        .and_where(recovery_code::Column::UsedAt.is_null())
        .to_owned();
    select.expr_as(
        Expr::SubQuery(None, Box::new(remaining.into())),
        Alias::new(RECOVERY_REMAINING),
    );
    select
        .and_where(Expr::col((c.clone(), challenge::Column::TenantId)).eq(user.tenant.as_str()))
        .and_where(Expr::col((c.clone(), challenge::Column::UserId)).eq(user.user.as_str()))
        .and_where(Expr::col((c, challenge::Column::IdHash)).eq(id_hash));
    select
}

/// Stand-ins for the per-call arguments of a read's shape (see `Shape`): a
/// tenant, a user and a challenge hash.
const STAND_INS: [&str; 3] = ["shape.tenant", "shape.user", "shape.challenge"];

/// A per-user read's shapes, one per database, each built on first use.
struct Shapes {
    build: fn(&UserRef, &str) -> SelectStatement,
    sqlite: OnceLock<Shape>,
    postgres: OnceLock<Shape>,
}

static VERIFICATION: Shapes = Shapes::new(verification_query);
static METHODS: Shapes = Shapes::new(methods_query_shaped);

impl Shapes {
    const fn new(build: fn(&UserRef, &str) -> SelectStatement) -> Self {
        Self {
            build,
            sqlite: OnceLock::new(),
            postgres: OnceLock::new(),
        }
    }

    /// The shape for `backend`; its arguments are the tenant, the user and
    /// the challenge hash, in that order.
    fn get(&'static self, backend: DbBackend) -> Result<&'static Shape, DomainError> {
        let cell = match backend {
            DbBackend::Sqlite => &self.sqlite,
            _ => &self.postgres,
        };
        if let Some(shape) = cell.get() {
            return Ok(shape);
        }
        // The stand-ins are valid ids: this fails only if the id rules
        // change under them, and then on the first call.
        let [tenant, user, id_hash] = STAND_INS;
        let statement = (self.build)(&UserRef::parse(tenant, user)?, id_hash);
        Ok(cell.get_or_init(|| match backend {
            DbBackend::Sqlite => Shape::of(&statement, SqliteQueryBuilder, &STAND_INS),
            _ => Shape::of(&statement, PostgresQueryBuilder, &STAND_INS),
        }))
    }
}

/// Runs a shaped read on the pool `db`.
async fn query_shaped(
    db: &DatabaseConnection,
    shapes: &'static Shapes,
    arguments: &[&str],
) -> Result<Vec<QueryResult>, DomainError> {
    let backend = db.get_database_backend();
    let shape = shapes.get(backend)?;
    let statement =
        sea_orm::Statement::from_sql_and_values(backend, shape.sql(), shape.values(arguments));
    db.query_all_raw(statement).await.map_err(unavailable)
}

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
        let turn = self.turn().await;
        let result = self.writes.execute(&insert).await.map_err(unavailable)?;
        drop(turn);
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

    async fn create_challenge(&self, user: &UserRef, new: NewChallenge) -> Result<(), DomainError> {
        let methods: Vec<&str> = new.methods.iter().map(|m| m.as_str()).collect();
        let row = challenge::ActiveModel {
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
            ..Default::default()
        };
        self.insert(row).await
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
        Ok(Some(to_challenge(row)))
    }

    async fn verification(
        &self,
        user: &UserRef,
        id_hash: &str,
    ) -> Result<Option<VerificationContext>, DomainError> {
        let arguments = [user.tenant.as_str(), user.user.as_str(), id_hash];
        let row = match &self.reads {
            Some(reads) => reads
                .query(VERIFICATION.get(DbBackend::Sqlite)?, &arguments, |row| {
                    let mut columns = Columns::first();
                    Ok((
                        columns.model::<challenge::Entity>(row)?,
                        columns.joined::<totp_credential::Entity>(row)?,
                        columns.joined::<user_lockout::Entity>(row)?,
                        columns.next::<i64>(row)?,
                    ))
                })
                .map_err(unavailable)?
                .pop(),
            None => match query_shaped(&self.db, &VERIFICATION, &arguments)
                .await?
                .pop()
            {
                Some(row) => Some((
                    challenge::Model::from_query_result(&row, CHALLENGE).map_err(unavailable)?,
                    joined::<totp_credential::Model>(&row, TOTP)?,
                    joined::<user_lockout::Model>(&row, LOCKOUT)?,
                    row.try_get::<i64>("", RECOVERY_REMAINING)
                        .map_err(unavailable)?,
                )),
                None => None,
            },
        };
        let Some((challenge, totp, lockout, remaining)) = row else {
            return Ok(None);
        };
        Ok(Some(VerificationContext {
            challenge: to_challenge(challenge),
            lockout: to_lockout(lockout),
            totp: totp.map(to_record).transpose()?,
            recovery_remaining: u32::try_from(remaining).unwrap_or(0),
        }))
    }

    async fn purge(
        &self,
        what: Purgeable,
        before: DateTime<Utc>,
        limit: u32,
    ) -> Result<u64, DomainError> {
        let before = millis(before);
        let (txn, _turn) = self.begin_write().await?;
        let deleted = match what {
            Purgeable::Challenges => {
                use challenge::Column as C;
                // Every status, named, so the (status, expires_at) index
                // finds the rows.
                let statuses = [challenge::OPEN, challenge::COMPLETED, challenge::CANCELLED];
                let expired = Condition::all()
                    .add(C::Status.is_in(statuses))
                    .add(C::ExpiresAt.lt(before));
                delete_chosen::<challenge::Entity, _>(&txn, C::IdHash, expired, limit).await
            }
            Purgeable::Messages => {
                use outbox::Column as C;
                let expired = Condition::all().add(C::ExpiresAt.lt(before));
                delete_chosen::<outbox::Entity, _>(&txn, C::Id, expired, limit).await
            }
            Purgeable::TrustedDevices => {
                use trusted_device::Column as C;
                let expired = Condition::all().add(C::ExpiresAt.lt(before));
                delete_chosen::<trusted_device::Entity, _>(&txn, C::DeviceId, expired, limit).await
            }
            Purgeable::AuditEvents => purge_audit_events(&txn, before, limit).await,
        }
        .map_err(unavailable)?;
        txn.commit().await.map_err(unavailable)?;
        Ok(deleted)
    }

    async fn seeds_sealed_by_other_keys(
        &self,
        key_id: &str,
        after: Option<&UserRef>,
        limit: u32,
    ) -> Result<Vec<StoredSeed>, DomainError> {
        use totp_credential::Column as C;
        let mut query = totp_credential::Entity::find().filter(C::KeyId.ne(key_id));
        if let Some(after) = after {
            let (tenant, user) = (after.tenant.as_str(), after.user.as_str());
            query = query.filter(
                Condition::any()
                    .add(C::TenantId.gt(tenant))
                    .add(C::TenantId.eq(tenant).and(C::UserId.gt(user))),
            );
        }
        let rows = query
            .order_by_asc(C::TenantId)
            .order_by_asc(C::UserId)
            .limit(u64::from(limit))
            .all(&self.db)
            .await
            .map_err(unavailable)?;
        rows.into_iter()
            .map(|row| {
                Ok(StoredSeed {
                    user: UserRef::parse(&row.tenant_id, &row.user_id)?,
                    sealed: Sealed {
                        key_id: row.key_id,
                        blob: row.sealed_secret,
                    },
                })
            })
            .collect()
    }

    async fn reseal_seed(
        &self,
        user: &UserRef,
        old: &Sealed,
        new: Sealed,
    ) -> Result<bool, DomainError> {
        use totp_credential::Column as C;
        let reseal = totp_credential::Entity::update_many()
            .col_expr(C::KeyId, Expr::value(new.key_id))
            .col_expr(C::SealedSecret, Expr::value(new.blob))
            .filter(owned_by::<totp_credential::Entity>(user))
            .filter(C::KeyId.eq(old.key_id.as_str()))
            .filter(C::SealedSecret.eq(old.blob.clone()))
            .into_query();
        Ok(self.write(&reseal).await? == 1)
    }

    async fn users_with_recovery_codes_of_other_keys(
        &self,
        key_id: &str,
    ) -> Result<u64, DomainError> {
        use recovery_code::Column as C;
        // Counted in the database (over the distinct users), not fetched.
        recovery_code::Entity::find()
            .select_only()
            .columns([C::TenantId, C::UserId])
            .filter(C::KeyId.ne(key_id))
            .filter(C::UsedAt.is_null())
            .distinct()
            .count(&self.db)
            .await
            .map_err(unavailable)
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
            .count(&self.db)
            .await
            .map_err(unavailable)
    }

    async fn count_open_challenges(&self, now: DateTime<Utc>) -> Result<u64, DomainError> {
        challenge::Entity::find()
            .filter(challenge::Column::Status.eq(challenge::OPEN))
            .filter(challenge::Column::ExpiresAt.gt(millis(now)))
            .count(&self.db)
            .await
            .map_err(unavailable)
    }

    async fn cancel_challenge(&self, user: &UserRef, id_hash: &str) -> Result<bool, DomainError> {
        let cancel = challenge::Entity::update_many()
            .col_expr(challenge::Column::Status, Expr::value(challenge::CANCELLED))
            .filter(user_challenge(user, id_hash))
            .filter(challenge::Column::Status.eq(challenge::OPEN))
            .into_query();
        Ok(self.write(&cancel).await? == 1)
    }

    #[allow(clippy::too_many_arguments)] // each is one part of the one write
    async fn complete_challenge(
        &self,
        user: &UserRef,
        id_hash: &str,
        consume: Consume,
        now: DateTime<Utc>,
        device: Option<NewTrustedDevice>,
        audit: AuditEvent,
        lockout: LockoutGuard,
    ) -> Result<Completion, DomainError> {
        if let Some(batches) = &self.batches {
            let write = completion_write(user, id_hash, &consume, now, device, audit, lockout)?;
            // Whether the last statement (the audit event) was written, and
            // so every one before it.
            if batches.run(write).await.map_err(unavailable)? == 1 {
                return Ok(Completion::Completed);
            }
            return self.not_completed(user, id_hash, now, lockout).await;
        }
        // Postgres: one statement, one trip (see completion_statement).
        let audited = self
            .writes
            .query_one(&completion_statement(
                user, id_hash, &consume, now, device, audit, lockout,
            )?)
            .await
            .map_err(unavailable)?
            .ok_or_else(|| unavailable("the completion statement returned no row"))?
            .try_get::<i64>("", "audited")
            .map_err(unavailable)?;
        if audited == 1 {
            return Ok(Completion::Completed);
        }
        self.not_completed(user, id_hash, now, lockout).await
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
        audit: Vec<AuditEvent>,
    ) -> Result<bool, DomainError> {
        let failures = i32::try_from(state.failures).unwrap_or(i32::MAX);
        let lockouts = i32::try_from(state.lockouts).unwrap_or(i32::MAX);
        let locked_until = state.locked_until.map(millis);
        if let Some(batches) = &self.batches {
            let mut statements = vec![sqlite_lockout_swap(
                user,
                failures,
                lockouts,
                locked_until,
                version,
            )?];
            for event in audit {
                statements.push(sqlite_insert(audit_row(event), InsertWhen::AfterOneChange)?);
            }
            // Each event is written only if the statement before it changed
            // a row, so the last statement's count says whether all were.
            let written = batches
                .run(Write::counting_last(statements).map_err(unavailable)?)
                .await
                .map_err(unavailable)?;
            return Ok(written == 1);
        }
        let mut statement = lockout_swap(user, failures, lockouts, locked_until, version);
        if audit.is_empty() {
            return Ok(self.write(&statement).await? == 1);
        }
        // Postgres: one statement, each event inserted only if the step
        // before it returned a row.
        let mut with = WithClause::new();
        with.cte(step(
            "swapped",
            statement
                .returning(Query::returning().expr(Expr::val(1)))
                .to_owned(),
        ));
        // Each event after the one before (which also keeps their ids in
        // order).
        let mut before = "swapped".to_owned();
        for (i, event) in audit.into_iter().enumerate() {
            let insert = insert_if(&audit_row(event), any_row_in(&before))?
                .returning(Query::returning().expr(Expr::val(1)))
                .to_owned();
            before = format!("audit_{i}");
            with.cte(step(before.clone(), insert));
        }
        // The name is ours; no value is spliced into the text.
        let swap = with.query(
            Query::select()
                .expr_as(Expr::cust("(SELECT count(*) FROM swapped)"), "swapped")
                .to_owned(),
        );
        let swapped = self
            .writes
            .query_one(&swap)
            .await
            .map_err(unavailable)?
            .ok_or_else(|| unavailable("the lockout statement returned no row"))?
            .try_get::<i64>("", "swapped")
            .map_err(unavailable)?;
        Ok(swapped == 1)
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
        let _turn = self.turn().await;
        revoke_devices(&self.writes, user, device_id, now)
            .await
            .map_err(unavailable)
    }

    async fn record_audit(&self, event: AuditEvent) -> Result<(), DomainError> {
        self.insert(audit_row(event)).await
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
        let (txn, _turn) = self.begin_write().await?;
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
        let statement = insert_user(user, now, 0)
            .on_conflict(
                OnConflict::columns([C::TenantId, C::UserId])
                    .do_nothing()
                    .to_owned(),
            )
            .to_owned();
        self.write(&statement).await?;
        Ok(())
    }

    async fn grace_logins_used(&self, user: &UserRef) -> Result<u32, DomainError> {
        let row = self.user_row(user).await?;
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
        let statement = insert_user(user, now, 1)
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
        let turn = self.turn().await;
        let row = self
            .writes
            .query_one(&statement)
            .await
            .map_err(unavailable)?;
        drop(turn);
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
        let (txn, _turn) = self.begin_write().await?;
        // Challenges first: a verification on Postgres locks its challenge
        // before it consumes a code, and taking the locks in the same order
        // keeps the two from deadlocking.
        challenge::Entity::update_many()
            .col_expr(challenge::Column::Status, Expr::value(challenge::CANCELLED))
            .filter(owned_by::<challenge::Entity>(user))
            .filter(challenge::Column::Status.eq(challenge::OPEN))
            .exec(&txn)
            .await
            .map_err(unavailable)?;
        hold_method_changes(&txn, user).await.map_err(unavailable)?;
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
        user_method::Entity::delete_many()
            .filter(owned_by::<user_method::Entity>(user))
            .exec(&txn)
            .await
            .map_err(unavailable)?;
        user::Entity::update_many()
            .col_expr(user::Column::DefaultMethod, Expr::value(""))
            .filter(user::Column::TenantId.eq(user.tenant.as_str()))
            .filter(user::Column::UserId.eq(user.user.as_str()))
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
        let same_user = |table: Alias| {
            Expr::col((table.clone(), Alias::new("tenant_id")))
                .equals((users.clone(), Alias::new("tenant_id")))
                .and(
                    Expr::col((table, Alias::new("user_id")))
                        .equals((users.clone(), Alias::new("user_id"))),
                )
        };
        let has_methods = Query::select()
            .expr(Expr::val(1))
            .from(Alias::new("user_methods"))
            .and_where(same_user(Alias::new("user_methods")))
            .to_owned();
        let unconfirmed = Query::select()
            .expr(Expr::val(1))
            .from(Alias::new("contacts"))
            .and_where(same_user(Alias::new("contacts")))
            .and_where(Expr::col((Alias::new("contacts"), Alias::new("confirmed_at"))).is_null())
            .to_owned();
        match query.filter {
            UserFilter::All => {}
            UserFilter::Enrolled => {
                select.and_where(
                    state
                        .eq(totp_credential::ENABLED)
                        .or(Expr::exists(has_methods)),
                );
            }
            UserFilter::NotEnrolled => {
                select.and_where(
                    state
                        .clone()
                        .is_null()
                        .or(state.ne(totp_credential::ENABLED))
                        .and(Expr::exists(has_methods).not()),
                );
            }
            UserFilter::UnconfirmedContact => {
                select.and_where(Expr::exists(unconfirmed));
            }
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
                contact_methods: Vec::new(),
                has_unconfirmed_contact: false,
            });
        }
        if page.is_empty() {
            return Ok(page);
        }
        // The page's recovery codes, lockouts, methods and contacts.
        let ids: Vec<String> = page.iter().map(|u| u.user_id.clone()).collect();
        let codes = page_rows::<recovery_code::Entity>(&query.tenant, &ids)
            .filter(recovery_code::Column::UsedAt.is_null())
            .all(&self.db)
            .await
            .map_err(unavailable)?;
        let locks = page_rows::<user_lockout::Entity>(&query.tenant, &ids)
            .all(&self.db)
            .await
            .map_err(unavailable)?;
        let methods = page_rows::<user_method::Entity>(&query.tenant, &ids)
            .all(&self.db)
            .await
            .map_err(unavailable)?;
        let unconfirmed = page_rows::<contact::Entity>(&query.tenant, &ids)
            .filter(contact::Column::ConfirmedAt.is_null())
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
            summary.contact_methods = methods
                .iter()
                .filter(|m| m.user_id == summary.user_id)
                .filter_map(|m| Method::parse(&m.method))
                .collect();
            summary.has_unconfirmed_contact =
                unconfirmed.iter().any(|c| c.user_id == summary.user_id);
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
                caller: r.caller,
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
        use user_method::Column as C;
        let (txn, _turn) = self.begin_write().await?;
        let first = enabling_first_method(&txn, user)
            .await
            .map_err(unavailable)?;
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
        txn.execute(&statement).await.map_err(unavailable)?;
        let outcome = recovery_on_enable(&txn, user, first, recovery)
            .await
            .map_err(unavailable)?;
        finish_enable(txn, outcome).await
    }

    async fn disable_contact_method(
        &self,
        user: &UserRef,
        method: Method,
        now: DateTime<Utc>,
    ) -> Result<bool, DomainError> {
        let (txn, _turn) = self.begin_write().await?;
        hold_method_changes(&txn, user).await.map_err(unavailable)?;
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
}

/// An insert of a new `users` row.
fn insert_user(
    user: &UserRef,
    now: DateTime<Utc>,
    grace_logins_used: i32,
) -> sea_orm::sea_query::InsertStatement {
    use user::Column as C;
    Query::insert()
        .into_table(user::Entity)
        .columns([C::TenantId, C::UserId, C::CreatedAt, C::GraceLoginsUsed])
        .values_panic([
            user.tenant.as_str().into(),
            user.user.as_str().into(),
            millis(now).into(),
            grace_logins_used.into(),
        ])
        .to_owned()
}

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

fn to_outbox_record(row: outbox::Model) -> Option<OutboxRecord> {
    Some(OutboxRecord {
        kind: MessageKind::parse(&row.kind)?,
        channel: Channel::parse(&row.channel)?,
        id: row.id,
        tenant: row.tenant_id,
        user_id: row.user_id,
        recipient: row.recipient,
        sealed_payload: Sealed {
            key_id: row.key_id,
            blob: row.sealed_payload,
        },
        created_at: instant(row.created_at),
        expires_at: instant(row.expires_at),
        attempts: u32::try_from(row.attempts).unwrap_or(0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What SQLite plans for a shaped read, one line per step.
    fn sqlite_plan(path: &str, shapes: &'static Shapes) -> Vec<String> {
        let shape = shapes.get(DbBackend::Sqlite).unwrap();
        let conn = rusqlite::Connection::open(path).unwrap();
        let values = crate::sqlite_conn::bound(shape.values(&STAND_INS)).unwrap();
        let mut explain = conn
            .prepare(&format!("EXPLAIN QUERY PLAN {}", shape.sql()))
            .unwrap();
        explain
            .query_map(rusqlite::params_from_iter(values), |row| {
                row.get::<_, String>(3)
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    /// Both sign-in reads count the user's unspent recovery codes; that count
    /// must come from the index alone, not one table lookup per code. Each
    /// per-user row is found by its primary key.
    #[tokio::test]
    async fn the_sign_in_reads_use_keys_and_covering_indexes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.db").to_string_lossy().into_owned();
        let store = crate::open(&format!("sqlite://{path}")).await.unwrap();
        for shapes in [&VERIFICATION, &METHODS] {
            let plan = sqlite_plan(&path, shapes);
            let counting: Vec<_> = plan
                .iter()
                .filter(|step| step.contains("recovery_codes"))
                .collect();
            assert!(!counting.is_empty(), "{plan:?}");
            for step in counting {
                assert!(step.contains("COVERING INDEX"), "{plan:?}");
            }
            // The per-user tables are found by their key alone, not through
            // a separate index on it and then the table.
            for step in &plan {
                assert!(
                    !step.contains("sqlite_autoindex") || step.contains("challenges"),
                    "{plan:?}"
                );
            }
        }
        store.close().await;
    }

    fn event(user: &str, kind: &'static str, details: usize) -> AuditEvent {
        let user = UserRef::parse("acme", user).unwrap();
        AuditEvent {
            tenant: user.tenant.clone(),
            user: Some(user.user.clone()),
            kind,
            actor_id: "admin".to_owned(),
            method: Some(Method::Totp),
            outcome: tollgate_domain::ports::Outcome::Failure,
            reason: "CODE_MISMATCH",
            client: ClientInfo {
                ip: "192.0.2.7".to_owned(),
                user_agent: "a'gent \"?\"".to_owned(),
            },
            occurred_at: DateTime::from_timestamp_millis(1_795_000_000_123).unwrap(),
            details: (0..details)
                .map(|i| (format!("k{i}"), "?".to_owned()))
                .collect(),
        }
    }

    fn challenge_row(id_hash: &str, completed_at: Option<i64>) -> challenge::ActiveModel {
        challenge::ActiveModel {
            id_hash: Set(id_hash.to_owned()),
            tenant_id: Set("acme".to_owned()),
            user_id: Set("alice".to_owned()),
            methods: Set("totp,recovery_code".to_owned()),
            status: Set(challenge::OPEN.to_owned()),
            created_at: Set(1),
            expires_at: Set(2),
            completed_at: Set(completed_at),
            client_ip: Set(String::new()),
            user_agent: Set("?".to_owned()),
            audience: Set("admin".to_owned()),
            ..Default::default()
        }
    }

    /// A shaped insert (text built once, values bound from the row) is the
    /// statement sea-query would build for that row, on the first call and
    /// on every call after it.
    #[test]
    fn a_shaped_insert_is_the_statement_built_afresh() {
        for when in [InsertWhen::Always, InsertWhen::AfterOneChange] {
            let built = |row: audit_event::ActiveModel| match when {
                InsertWhen::Always => audit_event::Entity::insert(row)
                    .into_query()
                    .build(SqliteQueryBuilder),
                InsertWhen::AfterOneChange => insert_if(&row, Expr::cust("changes() = 1"))
                    .unwrap()
                    .build(SqliteQueryBuilder),
            };
            for (user, kind, details) in [
                ("alice", "a", 0),
                ("bob", "challenge.failed", 3),
                ("?", "", 1),
            ] {
                let row = audit_row(event(user, kind, details));
                assert_eq!(sqlite_insert(row.clone(), when).unwrap(), built(row));
            }
        }
        for (id_hash, completed_at) in [("h1", None), ("h2", Some(5)), ("h3", None)] {
            let row = challenge_row(id_hash, completed_at);
            let built = challenge::Entity::insert(row.clone())
                .into_query()
                .build(SqliteQueryBuilder);
            assert_eq!(sqlite_insert(row, InsertWhen::Always).unwrap(), built);
        }
        // A row setting other columns gets its own text.
        let mut row = challenge_row("h4", None);
        row.audience = ActiveValue::NotSet;
        let built = challenge::Entity::insert(row.clone())
            .into_query()
            .build(SqliteQueryBuilder);
        assert!(!built.0.contains("audience"));
        assert_eq!(sqlite_insert(row, InsertWhen::Always).unwrap(), built);
    }

    /// The shaped sign-in writes bind each call's values where sea-query
    /// would put them, including values equal to the statements' constants
    /// or to the stand-ins themselves.
    #[test]
    fn the_shaped_sign_in_writes_are_the_statements_built_afresh() {
        let users = [
            UserRef::parse("acme", "alice").unwrap(),
            UserRef::parse("open", "completed").unwrap(),
            stand_in_user().unwrap(),
        ];
        let times = [
            DateTime::from_timestamp_millis(1_795_000_000_123).unwrap(),
            DateTime::from_timestamp_millis(1).unwrap(),
            instant(MILLIS_STAND_INS[0]),
        ];
        for user in &users {
            for (i, now) in times.iter().enumerate() {
                for id_hash in ["0193a1b2c3d4ffff", "enabled", STAND_INS[2]] {
                    for step in [59_833_333, 1, STEP_STAND_IN, u64::MAX] {
                        assert_eq!(
                            sqlite_consume_totp_step(user, id_hash, step, *now).unwrap(),
                            consume_while_open(user, id_hash, &Consume::TotpStep(step), *now)
                                .build(SqliteQueryBuilder)
                        );
                    }
                    assert_eq!(
                        sqlite_close_challenge(user, id_hash, *now).unwrap(),
                        close_after_one_change(user, id_hash, *now).build(SqliteQueryBuilder)
                    );
                }
                let until = [None, Some(millis(*now)), Some(MILLIS_STAND_INS[1])];
                for locked_until in until {
                    for (failures, lockouts, version) in [
                        (0, 0, 0),
                        (4, 1, 7),
                        (COUNT_STAND_INS[0], COUNT_STAND_INS[1], MILLIS_STAND_INS[2]),
                    ] {
                        let version = version + i64::try_from(i).unwrap();
                        assert_eq!(
                            sqlite_lockout_swap(user, failures, lockouts, locked_until, version)
                                .unwrap(),
                            lockout_swap(user, failures, lockouts, locked_until, version)
                                .build(SqliteQueryBuilder)
                        );
                    }
                }
            }
        }
    }

    /// The health probe writes through the sign-in path's writer thread too:
    /// with that thread gone, sign-ins could not be written, and the probe
    /// says so.
    #[tokio::test]
    async fn the_probe_fails_when_the_sign_in_writer_has_stopped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("probe.db").to_string_lossy().into_owned();
        let store = crate::open(&format!("sqlite://{path}")).await.unwrap();
        assert!(store.probe().await);
        store.batches.as_ref().unwrap().stop().await;
        assert!(!store.probe().await);
        store.close().await;
    }
}
