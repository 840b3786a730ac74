//! Connections to the SQLite file through rusqlite, for the sign-in path's
//! reads (`sqlite_reads`) and writes (`group_commit`).
//!
//! sqlx runs every SQLite connection on a thread of its own and hands each
//! statement over to it: two context switches per statement, each dearer
//! than the statement (a few microseconds of SQLite work for rows found by
//! primary key). On a small machine under load those switches were most of
//! a sign-in's cost. rusqlite calls the same SQLite library (the one sqlx
//! links) on the caller's thread.
use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OpenFlags};
use sea_orm::sea_query::{Value, Values};

/// Why a statement failed: SQLite's message (never a bound value), for the
/// log.
pub(crate) type SqliteError = String;

/// What a connection is for.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Role {
    /// Runs only reads; SQLite refuses a write on it.
    Reader,
    /// The group commit's writer, which also checkpoints the WAL.
    Writer,
}

/// Statement shapes each connection keeps prepared.
const PREPARED_STATEMENTS: usize = 32;

/// Opens the SQLite file at `path` (which exists and is in WAL mode) with
/// the settings of the sqlx pools (see `connect_pool`).
pub(crate) fn open(path: &str, role: Role) -> Result<Connection, SqliteError> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(message)?;
    conn.busy_timeout(crate::SQLITE_BUSY_TIMEOUT)
        .map_err(message)?;
    // The writer keeps the sqlx pools' 512 KiB of page cache. A reader's
    // cache is emptied whenever another connection has written since its
    // last read (in WAL mode SQLite then starts afresh), which under load
    // is nearly every read: 64 KiB holds one read's pages.
    let cache_kib = match role {
        Role::Reader => 64,
        Role::Writer => 512,
    };
    conn.pragma_update(None, "cache_size", -cache_kib)
        .map_err(message)?;
    match role {
        Role::Reader => conn.pragma_update(None, "query_only", true),
        Role::Writer => conn
            .pragma_update(None, "synchronous", "NORMAL")
            .and_then(|()| conn.pragma_update(None, "foreign_keys", true))
            // The group commit checkpoints on a clock instead.
            .and_then(|()| conn.pragma_update(None, "wal_autocheckpoint", 0)),
    }
    .map_err(message)?;
    conn.set_prepared_statement_cache_capacity(PREPARED_STATEMENTS);
    Ok(conn)
}

pub(crate) fn message(error: rusqlite::Error) -> SqliteError {
    error.to_string()
}

/// sea-query's values as SQLite arguments.
pub(crate) fn bound(values: Values) -> Result<Vec<SqlValue>, SqliteError> {
    values.into_iter().map(bound_one).collect()
}

pub(crate) fn bound_one(value: Value) -> Result<SqlValue, SqliteError> {
    let integer = |i: Option<i64>| i.map_or(SqlValue::Null, SqlValue::Integer);
    Ok(match value {
        Value::Bool(v) => integer(v.map(i64::from)),
        Value::TinyInt(v) => integer(v.map(i64::from)),
        Value::SmallInt(v) => integer(v.map(i64::from)),
        Value::Int(v) => integer(v.map(i64::from)),
        Value::BigInt(v) => integer(v),
        Value::String(v) => v.map_or(SqlValue::Null, SqlValue::Text),
        Value::Bytes(v) => v.map_or(SqlValue::Null, SqlValue::Blob),
        _ => return Err("a statement bound a value of a type tollgate does not store".to_owned()),
    })
}
