//! The SQLite shapes of the sign-in path's hottest writes and of inserts:
//! statements built once with stand-ins, then bound per call (building cost
//! more than SQLite took to run them). A mis-bound value would be a security
//! bug, so the tests compare each shape with the statement built afresh.
use std::any::TypeId;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{LazyLock, Mutex, OnceLock};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, QueryStatementWriter, SqliteQueryBuilder, Value, Values};
use sea_orm::{ActiveModelTrait, ActiveValue, EntityTrait, Iterable, QueryTrait};
use tollgate_domain::ports::Consume;
use tollgate_domain::{DomainError, UserRef};

use crate::sqlite::group_commit::Statement;
use crate::sqlite::shape::Shape;
use crate::store::challenge::{close_after_one_change, consume_while_open, lockout_guard};
use crate::store::lockout::lockout_swap;
use crate::store::sql::{STAND_INS, insert_if};
use crate::store::{instant, millis};

/// Stand-ins for the integer arguments of the sign-in path's write shapes
/// (see `Shape`): values none of those statements has as a constant.
pub(crate) const STEP_STAND_IN: u64 = 0x7fff_ffff_ffff_ff01;

pub(crate) const MILLIS_STAND_INS: [i64; 4] = [
    -62_000_000_000_003,
    -62_000_000_000_005,
    -62_000_000_000_007,
    -62_000_000_000_009,
];

pub(crate) const COUNT_STAND_INS: [i32; 2] = [i32::MIN + 3, i32::MIN + 5];

/// The SQLite shapes of the sign-in path's hottest writes, each built on
/// first use. A mis-bound value here would be a security bug, so the
/// shapes are tested against statements built afresh.
static CONSUME_TOTP_STEP: OnceLock<Shape> = OnceLock::new();

static CLOSE_CHALLENGE: OnceLock<Shape> = OnceLock::new();

/// The completion's lockout guards: without a lockout row (version 0),
/// and at a lockout row's version.
static LOCKOUT_GUARD: [OnceLock<Shape>; 2] = [OnceLock::new(), OnceLock::new()];

/// Lockout swaps with and without a lock end (a `None` cannot be a
/// stand-in: it is the constant of its own shape).
static LOCKOUT_SWAP: [OnceLock<Shape>; 2] = [OnceLock::new(), OnceLock::new()];

pub(crate) fn stand_in_user() -> Result<UserRef, DomainError> {
    UserRef::parse(STAND_INS[0], STAND_INS[1])
}

/// `statement` built for SQLite, for a write that is not shaped.
pub(crate) fn sqlite_built(statement: &impl QueryStatementWriter) -> Statement {
    let (sql, values) = statement.build(SqliteQueryBuilder);
    (Cow::Owned(sql), values)
}

/// A shape's statement for one call: its text is the shape's, not a copy.
fn bound_shape(shape: &'static Shape, arguments: &[Value]) -> Statement {
    let (sql, values) = shape.bind(arguments);
    (Cow::Borrowed(sql), values)
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
pub(crate) fn sqlite_consume_totp_step(
    user: &UserRef,
    id_hash: &str,
    step: u64,
    now: DateTime<Utc>,
) -> Result<Statement, DomainError> {
    let shape = sqlite_shape(&CONSUME_TOTP_STEP, || {
        with_challenge_stand_ins(|user, id_hash, step, now| {
            consume_while_open(user, id_hash, &Consume::TotpStep(step), now)
        })
    })?;
    Ok(bound_shape(
        shape,
        &challenge_arguments(user, id_hash, step, now),
    ))
}

/// Closes the challenge if the statement before changed one row (see
/// `close_statement`), shaped.
pub(crate) fn sqlite_close_challenge(
    user: &UserRef,
    id_hash: &str,
    now: DateTime<Utc>,
) -> Result<Statement, DomainError> {
    let shape = sqlite_shape(&CLOSE_CHALLENGE, || {
        with_challenge_stand_ins(|user, id_hash, _, now| close_after_one_change(user, id_hash, now))
    })?;
    Ok(bound_shape(
        shape,
        &challenge_arguments(user, id_hash, 0, now),
    ))
}

/// The completion's guard (see `lockout_guard`), shaped.
pub(crate) fn sqlite_lockout_guard(
    user: &UserRef,
    id_hash: &str,
    now: DateTime<Utc>,
    version: i64,
) -> Result<Statement, DomainError> {
    if version == 0 {
        let shape = sqlite_shape(&LOCKOUT_GUARD[0], || {
            with_challenge_stand_ins(|user, id_hash, _, now| lockout_guard(user, id_hash, now, 0))
        })?;
        return Ok(bound_shape(
            shape,
            &challenge_arguments(user, id_hash, 0, now),
        ));
    }
    let arguments = |user: &UserRef, version: i64| -> [Value; 3] {
        [
            user.tenant.as_str().into(),
            user.user.as_str().into(),
            version.into(),
        ]
    };
    let shape = sqlite_shape(&LOCKOUT_GUARD[1], || {
        let user = stand_in_user()?;
        let [_, _, version, _] = MILLIS_STAND_INS;
        let now = instant(MILLIS_STAND_INS[0]);
        Ok((
            lockout_guard(&user, STAND_INS[2], now, version),
            arguments(&user, version).to_vec(),
        ))
    })?;
    Ok(bound_shape(shape, &arguments(user, version)))
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
pub(crate) fn sqlite_lockout_swap(
    user: &UserRef,
    failures: i32,
    lockouts: i32,
    locked_until: Option<i64>,
    version: i64,
) -> Result<Statement, DomainError> {
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
    Ok(bound_shape(
        shape,
        &lockout_arguments(user, failures, lockouts, locked_until, version),
    ))
}

/// When a shaped insert writes its row: always, or only if the statement
/// before it (in the same group-commit write) changed exactly one row.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub(crate) enum InsertWhen {
    Always,
    AfterOneChange,
}

/// Texts of SQLite inserts already built, by entity, the columns the row
/// sets (a bit per column) and when it writes. They live as long as the
/// process: there are as many as the code has kinds of insert (a few
/// dozen), each a few hundred bytes.
type InsertTexts = HashMap<(TypeId, u64, InsertWhen), &'static str>;

static INSERT_TEXTS: LazyLock<Mutex<InsertTexts>> = LazyLock::new(Mutex::default);

/// `row` inserted on SQLite, as text and values for the group commit. The
/// text depends only on the entity, which columns the row sets and `when`,
/// so sea-query builds it once for each (building cost more than SQLite
/// took to run it); the values are the row's, in the order of the entity's
/// columns, which is the order the built statement binds them in.
pub(crate) fn sqlite_insert<A>(row: A, when: InsertWhen) -> Result<Statement, DomainError>
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
    if let Some(text) = key.and_then(|key| texts().get(&key).copied()) {
        return Ok((Cow::Borrowed(text), Values(values)));
    }
    let built = match when {
        InsertWhen::Always => A::Entity::insert(row)
            .into_query()
            .build(SqliteQueryBuilder),
        InsertWhen::AfterOneChange => {
            insert_if(&row, Expr::cust("changes() = 1"))?.build(SqliteQueryBuilder)
        }
    };
    let Some(key) = key else {
        return Ok((Cow::Owned(built.0), built.1));
    };
    let text = *texts()
        .entry(key)
        .or_insert_with(|| Box::leak(built.0.into_boxed_str()));
    Ok((Cow::Borrowed(text), built.1))
}
