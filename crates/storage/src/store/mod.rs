//! [`SeaStore`]: the domain's storage ports over sea-orm, one file per area
//! (each holding both dialects of its statements side by side), with the
//! statement helpers they share in `sql` and row conversions in `rows`.
//! Every change that must not happen twice is one conditional statement or
//! one transaction.
pub(crate) mod admin;
mod api_keys;
pub(crate) mod challenge;
pub(crate) mod delivery;
pub(crate) mod enrollment;
mod erasure;
mod import;
pub(crate) mod lockout;
pub(crate) mod notification;
pub(crate) mod rows;
pub(crate) mod session;
pub(crate) mod sql;
#[cfg(test)]
mod tests;
pub(crate) mod webauthn;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{QueryStatementWriter, Values};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    QueryTrait, SqliteTransactionMode, StatementBuilder, TransactionOptions, TransactionTrait,
};
use tollgate_domain::{DomainError, UserRef};

use crate::StorageError;
use crate::entity::user;
use crate::sqlite::group_commit::{GroupCommit, Write, WriteTurn};
use crate::sqlite::reads::SqliteReads;
use crate::sqlite::statements::{InsertWhen, sqlite_built, sqlite_insert};

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
                let write = Write::counting_last([sqlite_built(statement)]).map_err(unavailable)?;
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
