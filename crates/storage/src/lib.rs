//! tollgate's storage: connecting to SQLite or Postgres, the migrations, and
//! [`SeaStore`], the implementation of the domain's `Store` port.
#![forbid(unsafe_code)]

pub mod entity;
pub mod migration;
mod sqlite;
mod store;

use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr, Statement,
    TransactionTrait,
};
use sea_orm_migration::MigratorTrait;

pub use store::SeaStore;

tokio::task_local! {
    /// The caller of the RPC being served, for the audit rows it writes.
    static CALLER: std::sync::Arc<str>;
}

/// Runs `work` on behalf of `caller`: every audit event it writes names
/// the caller. The server wraps each call in it, so no use case can write
/// an event without saying who asked.
pub async fn acting_as<F: std::future::Future>(caller: std::sync::Arc<str>, work: F) -> F::Output {
    CALLER.scope(caller, work).await
}

/// The caller set by [`acting_as`]; empty for the server's own work
/// (delivery, purges) and for commands run beside it.
fn current_caller() -> String {
    CALLER.try_with(|c| c.to_string()).unwrap_or_default()
}

/// Why storage could not be opened or migrated. The URL (which may carry a
/// password) is never part of the message.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("unsupported database URL: it must start with sqlite:// or postgres://")]
    UnsupportedUrl,
    #[error("could not connect to the database: {0}")]
    Connect(String),
    #[error("could not apply migrations: {0}")]
    Migrate(String),
}

/// Which database a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of_url(url: &str) -> Result<Self, StorageError> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres)
        } else {
            Err(StorageError::UnsupportedUrl)
        }
    }
}

/// Connects, applies every migration not yet applied, and returns the
/// store. On SQLite, writes get a pool of their own with one connection,
/// and the sign-in path reads and writes the file through rusqlite (see
/// `sqlite::conn`).
pub async fn open(url: &str) -> Result<SeaStore, StorageError> {
    let backend = Backend::of_url(url)?;
    if backend == Backend::Sqlite {
        // On a connection of its own, closed when done: what migrating
        // leaves in a SQLite connection (its page cache, the migrations'
        // prepared statements, a thread) would otherwise stay with the
        // server for its life.
        let migrations = connect_pool(url, 1, WalCheckpoints::OnCommit).await?;
        migrate(&migrations).await?;
        migrations
            .close()
            .await
            .map_err(|e| StorageError::Connect(e.to_string()))?;
    }
    let db = connect(url).await?;
    if backend == Backend::Postgres {
        migrate(&db).await?;
    }
    let (writes, sqlite_file) = match backend {
        Backend::Sqlite => {
            let file = sqlite_file(&db).await?.ok_or_else(|| {
                StorageError::Connect(
                    "a SQLite database in memory is not supported: name a file".to_owned(),
                )
            })?;
            (
                connect_pool(url, 1, WalCheckpoints::ByGroupCommit).await?,
                Some(file),
            )
        }
        Backend::Postgres => (db.clone(), None),
    };
    SeaStore::new(db, writes, sqlite_file.as_deref())
}

/// The path of the file a SQLite pool opened, as SQLite itself names it;
/// `None` for a database in memory (which only the pool's connections see).
async fn sqlite_file(db: &DatabaseConnection) -> Result<Option<String>, StorageError> {
    let statement = Statement::from_string(DbBackend::Sqlite, "PRAGMA database_list");
    let rows = db
        .query_all_raw(statement)
        .await
        .map_err(|e| StorageError::Connect(e.to_string()))?;
    for row in rows {
        let name: String = row
            .try_get("", "name")
            .map_err(|e| StorageError::Connect(e.to_string()))?;
        let file: String = row
            .try_get("", "file")
            .map_err(|e| StorageError::Connect(e.to_string()))?;
        if name == "main" {
            return Ok((!file.is_empty()).then_some(file));
        }
    }
    Ok(None)
}

/// Opens a pool. SQLite files are created if missing and run in WAL mode
/// with a busy timeout and foreign keys on; SQLite has one writer at a time,
/// and the sign-in path reads through connections of its own
/// (`sqlite::reads`), so this pool has two: a read need not wait behind one
/// slow read, and each connection is a thread and a page cache of its own.
pub async fn connect(url: &str) -> Result<DatabaseConnection, StorageError> {
    connect_pool(url, 2, WalCheckpoints::OnCommit).await
}

/// How long a SQLite connection waits for another's lock.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Who copies SQLite's WAL back into the database file.
#[derive(Clone, Copy, PartialEq)]
enum WalCheckpoints {
    /// The committing connection, when the WAL passes 1,000 pages
    /// (SQLite's default).
    OnCommit,
    /// The group-commit task, between batches, on a clock (see
    /// `sqlite::group_commit`).
    ByGroupCommit,
}

/// Opens a pool of at most `sqlite_connections` on SQLite (16 on Postgres).
async fn connect_pool(
    url: &str,
    sqlite_connections: u32,
    checkpoints: WalCheckpoints,
) -> Result<DatabaseConnection, StorageError> {
    let backend = Backend::of_url(url)?;
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .sqlx_logging(false)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(5));
    match backend {
        Backend::Sqlite => {
            options
                .max_connections(sqlite_connections)
                .min_connections(1)
                // A file connection does not go stale; a ping before
                // every statement would double the trips to the
                // connection's worker thread.
                .test_before_acquire(false)
                .map_sqlx_sqlite_opts(move |o| {
                    let o = o
                        .create_if_missing(true)
                        .journal_mode(SqliteJournalMode::Wal)
                        .synchronous(SqliteSynchronous::Normal)
                        .busy_timeout(SQLITE_BUSY_TIMEOUT)
                        .foreign_keys(true)
                        // 512 KiB of page cache per connection (SQLite's
                        // default is 2 MiB): a write by one connection
                        // empties the others' caches anyway, and the
                        // operating system caches the file.
                        .pragma("cache_size", "-512");
                    if checkpoints == WalCheckpoints::ByGroupCommit {
                        o.pragma("wal_autocheckpoint", "0")
                    } else {
                        o
                    }
                });
        }
        Backend::Postgres => {
            // Ping only a connection that sat idle (the server may have
            // closed it); a busy one proves itself with every statement.
            options
                .max_connections(16)
                .min_connections(1)
                .test_before_acquire_if_idle_for(Duration::from_secs(10));
        }
    }
    if backend == Backend::Sqlite {
        create_private_sqlite_file(url);
    }
    let db = Database::connect(options)
        .await
        .map_err(|e| StorageError::Connect(e.to_string()))?;
    debug_assert_eq!(
        db.get_database_backend(),
        match backend {
            Backend::Sqlite => DbBackend::Sqlite,
            Backend::Postgres => DbBackend::Postgres,
        }
    );
    Ok(db)
}

/// Creates a missing SQLite file readable and writable by its owner only
/// (0600) before SQLite opens it: it holds sealed secrets, keyed hashes and
/// the audit log, and SQLite gives the WAL and shared-memory files it makes
/// beside it the database file's permissions (its own default is 0644). A
/// file that exists keeps its permissions. Anything unusual (a database in
/// memory, a `file:` URI, a directory that does not exist) is left to SQLite,
/// which reports its own errors.
fn create_private_sqlite_file(url: &str) {
    use std::os::unix::fs::OpenOptionsExt;
    let Ok(options) = url.parse::<SqliteConnectOptions>() else {
        return;
    };
    let path = options.get_filename();
    let plain_file = path
        .to_str()
        .is_some_and(|p| !p.is_empty() && !p.starts_with("file:") && !p.starts_with(':'));
    let parent_exists = path
        .parent()
        .is_none_or(|dir| dir.as_os_str().is_empty() || dir.is_dir());
    if plain_file && parent_exists && !path.exists() {
        let created = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path);
        if let Err(error) = created {
            tracing::debug!(error = %error, "could not create the SQLite file; SQLite will");
        }
    }
}

/// The Postgres advisory lock migrators take turns on (any fixed number
/// will do: "tollgate" in ASCII).
const MIGRATION_LOCK: i64 = 0x746f_6c6c_6761_7465;

/// Applies every migration not yet applied. On Postgres, migrators started
/// together (replicas, or `tollgate migrate` beside a starting server) take
/// turns: each holds an advisory lock for its transaction, so one migrates
/// while the others wait and then find nothing left to do; without it they
/// raced to create the same tables and all but one failed. The lock ends
/// with the transaction, even if the process dies. Postgres changes its
/// schema transactionally, so the migrations commit together or not at all.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), StorageError> {
    let failed = |e: DbErr| StorageError::Migrate(e.to_string());
    if db.get_database_backend() != DbBackend::Postgres {
        return migration::Migrator::up(db, None).await.map_err(failed);
    }
    let txn = db.begin().await.map_err(failed)?;
    txn.execute_raw(Statement::from_string(
        DbBackend::Postgres,
        format!("SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"),
    ))
    .await
    .map_err(failed)?;
    migration::Migrator::up(&txn, None).await.map_err(failed)?;
    txn.commit().await.map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_sqlite_database_in_memory_is_refused_with_a_reason() {
        let Err(StorageError::Connect(reason)) = open("sqlite::memory:").await else {
            panic!("an in-memory SQLite database was accepted");
        };
        assert!(reason.contains("in memory"), "{reason}");
    }

    fn mode(path: &std::path::Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    /// A new SQLite file, and the WAL and shared-memory files SQLite makes
    /// beside it, are readable by their owner only; an existing file keeps
    /// the permissions it has.
    #[tokio::test]
    async fn a_new_sqlite_file_is_private_and_an_existing_one_keeps_its_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("private.db");
        let store = open(&format!("sqlite://{}", path.display())).await.unwrap();
        assert!(store.probe().await);
        for suffix in ["", "-wal", "-shm"] {
            let file = std::path::PathBuf::from(format!("{}{suffix}", path.display()));
            assert_eq!(mode(&file), 0o600, "{}", file.display());
        }
        store.close().await;

        let shared = dir.path().join("shared.db");
        std::fs::write(&shared, b"").unwrap();
        let mut permissions = std::fs::metadata(&shared).unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o640);
        std::fs::set_permissions(&shared, permissions).unwrap();
        let store = open(&format!("sqlite://{}", shared.display()))
            .await
            .unwrap();
        assert_eq!(mode(&shared), 0o640);
        store.close().await;
    }
}
