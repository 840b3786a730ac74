//! The sign-in path's reads on SQLite, made on the calling thread from a
//! small set of rusqlite connections kept open (see `sqlite_conn` for why).
//! In WAL mode a reader never waits for the writer, so a read holds its
//! thread no longer than its work.
//!
//! Statements are built by sea-query (every value bound) once per shape
//! (see `Shape`), and rows are read back into the same sea-orm models,
//! column by column in the order the statement selected them.
use std::sync::{Mutex, PoisonError};

use crate::sqlite::conn::{Role, SqliteError, bound, message, open};
use crate::sqlite::shape::Shape;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, Row};
use sea_orm::sea_query::{ColumnType, Value};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IdenStatic, IntoActiveModel, Iterable, TryIntoModel,
};

/// Connections kept open between reads; more are opened when more reads
/// run at once, and closed after.
const IDLE_CONNECTIONS: usize = 4;

/// Why a read failed.
pub(crate) type ReadError = SqliteError;

/// Connections for reading one SQLite file.
pub(crate) struct SqliteReads {
    path: String,
    idle: Mutex<Vec<Connection>>,
}

impl SqliteReads {
    /// Reads of the SQLite file at `path`, which exists and is in WAL mode.
    /// No connection is opened until the first read.
    pub(crate) fn new(path: String) -> Self {
        Self {
            path,
            idle: Mutex::new(Vec::new()),
        }
    }

    /// Runs the statement of `shape` with `arguments` and maps each row
    /// with `each`.
    pub(crate) fn query<T>(
        &self,
        shape: &Shape,
        arguments: &[&str],
        mut each: impl FnMut(&Row<'_>) -> Result<T, ReadError>,
    ) -> Result<Vec<T>, ReadError> {
        let values = bound(shape.values(arguments))?;
        let conn = self.connection()?;
        let result = (|| {
            let mut prepared = conn.prepare_cached(shape.sql()).map_err(message)?;
            let mut rows = prepared
                .query(rusqlite::params_from_iter(values))
                .map_err(message)?;
            let mut mapped = Vec::new();
            while let Some(row) = rows.next().map_err(message)? {
                mapped.push(each(row)?);
            }
            Ok(mapped)
        })();
        // A connection that failed is closed: the next read starts afresh.
        if result.is_ok() {
            self.give_back(conn);
        }
        result
    }

    /// Closes the connections kept open.
    pub(crate) fn close(&self) {
        self.idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    fn connection(&self) -> Result<Connection, ReadError> {
        let idle = self
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        match idle {
            Some(conn) => Ok(conn),
            None => open(&self.path, Role::Reader),
        }
    }

    fn give_back(&self, conn: Connection) {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < IDLE_CONNECTIONS {
            idle.push(conn);
        }
    }
}

/// Where the next model's columns start in a row.
pub(crate) struct Columns(usize);

impl Columns {
    pub(crate) fn first() -> Self {
        Self(0)
    }

    /// The next column as `T`.
    pub(crate) fn next<T: rusqlite::types::FromSql>(
        &mut self,
        row: &Row<'_>,
    ) -> Result<T, ReadError> {
        let value = row.get(self.0).map_err(message)?;
        self.0 += 1;
        Ok(value)
    }

    /// `E`'s model from the next columns, one per column of `E` in
    /// declaration order (as `select_all_as` selects them).
    pub(crate) fn model<E>(&mut self, row: &Row<'_>) -> Result<E::Model, ReadError>
    where
        E: EntityTrait,
        E::Model: IntoActiveModel<E::ActiveModel>,
        E::ActiveModel: TryIntoModel<E::Model>,
    {
        let mut active = <E::ActiveModel as ActiveModelTrait>::default();
        for column in E::Column::iter() {
            let raw = row.get_ref(self.0).map_err(message)?;
            self.0 += 1;
            let value = sea_value(raw, column.def().get_column_type()).ok_or_else(|| {
                format!("column {} holds a value of another type", column.as_str())
            })?;
            active.try_set(column, value).map_err(|e| e.to_string())?;
        }
        active.try_into_model().map_err(|e| e.to_string())
    }

    /// Like [`Columns::model`] for a LEFT JOIN: `None` where it found no
    /// row (the first column, part of every table's key, is NULL).
    pub(crate) fn joined<E>(&mut self, row: &Row<'_>) -> Result<Option<E::Model>, ReadError>
    where
        E: EntityTrait,
        E::Model: IntoActiveModel<E::ActiveModel>,
        E::ActiveModel: TryIntoModel<E::Model>,
    {
        if row.get_ref(self.0).map_err(message)? == ValueRef::Null {
            self.0 += E::Column::iter().count();
            return Ok(None);
        }
        self.model::<E>(row).map(Some)
    }
}

/// A SQLite value as the sea-query value a column of type `column` holds;
/// `None` if it cannot be one.
fn sea_value(raw: ValueRef<'_>, column: &ColumnType) -> Option<Value> {
    use ColumnType as C;
    Some(match (raw, column) {
        (ValueRef::Null, C::BigInteger) => Value::BigInt(None),
        (ValueRef::Null, C::Integer) => Value::Int(None),
        (ValueRef::Null, C::SmallInteger) => Value::SmallInt(None),
        (ValueRef::Null, C::Boolean) => Value::Bool(None),
        (ValueRef::Null, C::String(_) | C::Text | C::Char(_)) => Value::String(None),
        (ValueRef::Null, C::Binary(_) | C::VarBinary(_) | C::Blob) => Value::Bytes(None),
        (ValueRef::Integer(i), C::BigInteger) => Value::BigInt(Some(i)),
        (ValueRef::Integer(i), C::Integer) => Value::Int(Some(i32::try_from(i).ok()?)),
        (ValueRef::Integer(i), C::SmallInteger) => Value::SmallInt(Some(i16::try_from(i).ok()?)),
        (ValueRef::Integer(i), C::Boolean) => Value::Bool(Some(i != 0)),
        (ValueRef::Text(t), C::String(_) | C::Text | C::Char(_)) => {
            Value::String(Some(std::str::from_utf8(t).ok()?.to_owned()))
        }
        (ValueRef::Blob(b), C::Binary(_) | C::VarBinary(_) | C::Blob) => {
            Value::Bytes(Some(b.to_vec()))
        }
        _ => return None,
    })
}
