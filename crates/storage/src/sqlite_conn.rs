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
use sea_orm::sea_query::{QueryStatementWriter, SqliteQueryBuilder, Value, Values};

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
    conn.pragma_update(None, "cache_size", -512)
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

fn bound_one(value: Value) -> Result<SqlValue, SqliteError> {
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

/// A statement's SQLite text with the places of its per-call values, built
/// by sea-query once and bound afresh for each call: building a statement
/// (and cloning its parts) cost more than SQLite takes to run it.
pub(crate) struct Shape {
    sql: String,
    slots: Vec<Slot>,
}

enum Slot {
    /// A value the statement always binds (a constant of the query).
    Fixed(SqlValue),
    /// The call's argument at this index.
    Argument(usize),
}

impl Shape {
    /// The shape of `statement`, which was made with `stand_ins` where the
    /// per-call arguments go (in that order). Its other values are
    /// constants of the query, which a stand-in must not equal.
    pub(crate) fn of<S: QueryStatementWriter>(
        statement: &S,
        stand_ins: &[&str],
    ) -> Result<Self, SqliteError> {
        let (sql, values) = statement.build(SqliteQueryBuilder);
        let slots = values
            .into_iter()
            .map(|value| {
                let argument = match &value {
                    Value::String(Some(text)) => stand_ins.iter().position(|s| s == text),
                    _ => None,
                };
                match argument {
                    Some(index) => Ok(Slot::Argument(index)),
                    None => bound_one(value).map(Slot::Fixed),
                }
            })
            .collect::<Result<_, SqliteError>>()?;
        Ok(Self { sql, slots })
    }

    pub(crate) fn sql(&self) -> &str {
        &self.sql
    }

    /// The statement's values for `arguments` (in the order of the
    /// stand-ins).
    pub(crate) fn values(&self, arguments: &[&str]) -> Vec<SqlValue> {
        self.slots
            .iter()
            .map(|slot| match slot {
                Slot::Fixed(value) => value.clone(),
                Slot::Argument(index) => arguments
                    .get(*index)
                    .map_or(SqlValue::Null, |a| SqlValue::Text((*a).to_owned())),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};

    fn query(tenant: &str, user: &str) -> SelectStatement {
        Query::select()
            .expr(Expr::val("kind"))
            .from(Alias::new("t"))
            .and_where(Expr::col(Alias::new("tenant")).eq(tenant))
            .and_where(Expr::col(Alias::new("user")).eq(user))
            .and_where(Expr::col(Alias::new("owner")).eq(tenant))
            .and_where(Expr::col(Alias::new("n")).eq(7))
            .to_owned()
    }

    #[test]
    fn a_shape_binds_each_calls_arguments_where_its_stand_ins_were() {
        let shape = Shape::of(&query("T?", "U?"), &["T?", "U?"]).unwrap();
        for (tenant, user) in [("acme", "alice"), ("kind", "T?")] {
            let (sql, values) = query(tenant, user).build(SqliteQueryBuilder);
            assert_eq!(shape.sql(), sql);
            assert_eq!(shape.values(&[tenant, user]), bound(values).unwrap());
        }
    }
}
