//! Group commit on SQLite. The small writes of a sign-in (a challenge begun
//! or completed, a failure counted, an audit event) queue for the one write
//! connection, and one task hands them to it in batches: every write that
//! queued while the previous batch ran goes in the next, as one script in
//! one transaction. A busy server then commits, and passes the connection
//! between tasks, once per batch instead of once per write.
//!
//! The same task checkpoints the WAL between batches, on a clock rather
//! than by SQLite's page count, and in RESTART mode: under steady load a
//! passive checkpoint (SQLite's automatic kind) never catches up with the
//! writer, so the WAL is never started over and grows without bound (by
//! hundreds of MiB a minute).
//!
//! Each write is a few statements that end by selecting one integer (its
//! answer, usually `changes()`); the batch's rows are the writes' answers in
//! order. A batch that fails is rolled back and its writes are run again
//! one by one, so one bad write fails alone.
use std::time::Duration;

use sea_orm::sea_query::{Value, Values};
use sea_orm::sqlx::pool::PoolConnection;
use sea_orm::sqlx::{self, Sqlite, SqlitePool};
use sea_query_sqlx::SqlxValues;
use tokio::sync::{mpsc, oneshot};

/// At most this many writes share a transaction (and its bound values:
/// SQLite allows 32,766).
const MAX_BATCH: usize = 32;

/// Writes waiting for the writer, at most; callers wait beyond it.
const QUEUE: usize = 1024;

/// How often the WAL is copied back into the database file and started
/// over. Until then it grows by the pages written (tens of MiB per second
/// under full load).
const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);

/// How long a checkpoint waits for readers to leave the WAL.
const CHECKPOINT_PATIENCE: Duration = Duration::from_millis(10);

/// One write: SQL text built by sea-query (every value bound), whose last
/// statement selects the write's answer.
pub(crate) struct Write {
    sql: String,
    values: Vec<Value>,
}

impl Write {
    /// `statements` in order, then `SELECT changes()`: how many rows the
    /// last of them changed.
    pub(crate) fn counting_last(statements: impl IntoIterator<Item = (String, Values)>) -> Self {
        let mut sql = String::new();
        let mut values = Vec::new();
        for (text, args) in statements {
            sql.push_str(&text);
            sql.push(';');
            values.extend(args.0);
        }
        sql.push_str("SELECT changes();");
        Self { sql, values }
    }
}

/// Why a write failed: the database's message, for the log.
pub(crate) type WriteError = String;

struct Queued {
    write: Write,
    answer: oneshot::Sender<Result<i64, WriteError>>,
}

/// The queue in front of the write connection.
#[derive(Clone)]
pub(crate) struct GroupCommit {
    queue: mpsc::Sender<Queued>,
}

impl GroupCommit {
    /// Starts the writer task on the current tokio runtime: it writes and
    /// checkpoints through `writes` (whose connection should not also
    /// checkpoint by itself). It ends when every handle is dropped.
    pub(crate) fn start(writes: SqlitePool) -> Self {
        let (queue, receiver) = mpsc::channel(QUEUE);
        tokio::spawn(write_batches(writes, receiver));
        Self { queue }
    }

    /// Runs `write` in the next batch and returns its answer. The write
    /// happens even if the caller stops waiting.
    pub(crate) async fn run(&self, write: Write) -> Result<i64, WriteError> {
        let (answer, answered) = oneshot::channel();
        self.queue
            .send(Queued { write, answer })
            .await
            .map_err(|_| "the SQLite writer has stopped".to_owned())?;
        answered
            .await
            .map_err(|_| "the SQLite writer has stopped".to_owned())?
    }
}

async fn write_batches(writes: SqlitePool, mut receiver: mpsc::Receiver<Queued>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    let mut checkpoints = tokio::time::interval(CHECKPOINT_EVERY);
    checkpoints.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            received = receiver.recv_many(&mut batch, MAX_BATCH) => {
                if received == 0 {
                    break;
                }
                write_batch(&writes, &mut batch).await;
            }
            _ = checkpoints.tick() => checkpoint(&writes).await,
        }
    }
}

async fn write_batch(pool: &SqlitePool, batch: &mut Vec<Queued>) {
    let writes: Vec<Write>;
    let answers: Vec<_>;
    (writes, answers) = batch
        .drain(..)
        .map(|queued| (queued.write, queued.answer))
        .unzip();
    let results = match pool.acquire().await {
        Ok(mut conn) => commit(&mut conn, writes).await,
        Err(error) => vec![Err(error.to_string()); answers.len()],
    };
    for (answer, result) in answers.into_iter().zip(results) {
        // A caller that stopped waiting has nobody to tell.
        let _ = answer.send(result);
    }
}

/// Copies the WAL into the database file and has the next write start it
/// over. While it runs nothing else is written, so it waits for readers
/// still on the WAL for at most `CHECKPOINT_PATIENCE` (a long read, such as
/// a big audit listing, would otherwise hold every sign-in up to the busy
/// timeout); a checkpoint cut short copied what it could, and the next tick
/// tries again. A failure is logged.
async fn checkpoint(writes: &SqlitePool) {
    let Ok(mut conn) = writes.acquire().await else {
        return;
    };
    let script = format!(
        "PRAGMA busy_timeout = {};PRAGMA wal_checkpoint(RESTART);PRAGMA busy_timeout = {};",
        CHECKPOINT_PATIENCE.as_millis(),
        crate::SQLITE_BUSY_TIMEOUT.as_millis(),
    );
    if let Err(error) = sqlx::query(sqlx::AssertSqlSafe(script))
        .execute(&mut *conn)
        .await
    {
        tracing::debug!(error = %error, "WAL checkpoint failed");
        // Its busy timeout may not have been restored: start afresh.
        conn.close_on_drop();
    }
}

/// Commits `writes` in one transaction; if that fails, each in its own.
async fn commit(
    conn: &mut PoolConnection<Sqlite>,
    writes: Vec<Write>,
) -> Vec<Result<i64, WriteError>> {
    let count = writes.len();
    if count == 1 {
        return vec![transaction(conn, &writes).await.map(|answers| answers[0])];
    }
    match transaction(conn, &writes).await {
        Ok(answers) => answers.into_iter().map(Ok).collect(),
        Err(_) => {
            let mut results = Vec::with_capacity(count);
            for write in writes {
                let one = std::slice::from_ref(&write);
                results.push(transaction(conn, one).await.map(|answers| answers[0]));
            }
            results
        }
    }
}

/// `BEGIN`, the writes, `COMMIT`: the writes' answers, or the error after
/// the transaction was rolled back. Each write is its own trip to the
/// connection's thread, so that its few statement shapes stay prepared;
/// one script for the whole batch would be a new text, prepared anew, for
/// nearly every batch.
async fn transaction(
    conn: &mut PoolConnection<Sqlite>,
    writes: &[Write],
) -> Result<Vec<i64>, WriteError> {
    let result = async {
        sqlx::query("BEGIN").execute(&mut **conn).await?;
        let mut answers = Vec::with_capacity(writes.len());
        for write in writes {
            let rows = sqlx::query_scalar_with::<_, i64, _>(
                // Only sea-query's own SQL text; every value is a bound argument.
                sqlx::AssertSqlSafe(write.sql.clone()),
                SqlxValues(Values(write.values.clone())),
            )
            .fetch_all(&mut **conn)
            .await?;
            answers.push(rows.last().copied());
        }
        sqlx::query("COMMIT").execute(&mut **conn).await?;
        Ok::<_, sqlx::Error>(answers)
    }
    .await;
    match result {
        Ok(answers) => answers
            .into_iter()
            .map(|answer| answer.ok_or_else(|| "a write selected no answer".to_owned()))
            .collect(),
        Err(error) => {
            // A statement failed: end the transaction here, before the
            // connection serves anyone else.
            if sqlx::query("ROLLBACK").execute(&mut **conn).await.is_err() {
                conn.close_on_drop();
            }
            Err(error.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};

    /// A real SQLite file with one table, behind a one-connection pool as
    /// in the server.
    async fn database(dir: &tempfile::TempDir) -> SqlitePool {
        let options = SqliteConnectOptions::new()
            .filename(dir.path().join("t.db"))
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .unwrap();
        sqlx::query("CREATE TABLE codes (k INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE, used INTEGER NOT NULL DEFAULT 0)")
            .execute(&pool)
            .await
            .unwrap();
        pool
    }

    fn insert(k: i64, v: &str) -> Write {
        Write::counting_last([(
            "INSERT INTO codes (k, v) VALUES (?, ?)".to_owned(),
            Values(vec![k.into(), v.into()]),
        )])
    }

    fn consume(k: i64) -> Write {
        Write::counting_last([(
            "UPDATE codes SET used = 1 WHERE k = ? AND used = 0".to_owned(),
            Values(vec![k.into()]),
        )])
    }

    async fn rows(pool: &SqlitePool) -> Vec<(i64, String, i64)> {
        sqlx::query_as("SELECT k, v, used FROM codes ORDER BY k")
            .fetch_all(pool)
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn a_failing_write_fails_alone_and_the_rest_of_its_batch_commits() {
        let dir = tempfile::tempdir().unwrap();
        let pool = database(&dir).await;
        let mut conn = pool.acquire().await.unwrap();

        let results = commit(
            &mut conn,
            vec![insert(1, "a"), insert(2, "a"), insert(3, "c")],
        )
        .await;

        assert_eq!(results[0], Ok(1));
        let error = results[1].as_ref().unwrap_err();
        assert!(error.contains("UNIQUE"), "{error}");
        assert_eq!(results[2], Ok(1));
        drop(conn);
        assert_eq!(
            rows(&pool).await,
            [(1, "a".to_owned(), 0), (3, "c".to_owned(), 0)]
        );
    }

    #[tokio::test]
    async fn a_code_consumed_twice_in_one_batch_is_consumed_once() {
        let dir = tempfile::tempdir().unwrap();
        let pool = database(&dir).await;
        let mut conn = pool.acquire().await.unwrap();

        let results = commit(&mut conn, vec![insert(1, "a"), consume(1), consume(1)]).await;

        assert_eq!(results, [Ok(1), Ok(1), Ok(0)]);
    }

    #[tokio::test]
    async fn a_checkpoint_does_not_hold_writes_up_while_a_long_read_runs() {
        use sea_orm::sqlx::{Connection, SqliteConnection};
        let dir = tempfile::tempdir().unwrap();
        let pool = database(&dir).await;
        let mut conn = pool.acquire().await.unwrap();
        assert_eq!(commit(&mut conn, vec![insert(1, "a")]).await, [Ok(1)]);
        // A reader in the middle of a long read, on a snapshot the writer
        // has since moved past.
        let mut reader = SqliteConnection::connect_with(
            &SqliteConnectOptions::new().filename(dir.path().join("t.db")),
        )
        .await
        .unwrap();
        sqlx::query("BEGIN").execute(&mut reader).await.unwrap();
        let seen: i64 = sqlx::query_scalar("SELECT count(*) FROM codes")
            .fetch_one(&mut reader)
            .await
            .unwrap();
        assert_eq!(seen, 1);
        assert_eq!(commit(&mut conn, vec![insert(2, "b")]).await, [Ok(1)]);
        drop(conn);

        // The checkpoint gives up on the reader long before the busy
        // timeout (5 s), and leaves the write connection as it found it.
        tokio::time::timeout(Duration::from_secs(3), checkpoint(&pool))
            .await
            .expect("the checkpoint waited for the reader");
        let mut conn = pool.acquire().await.unwrap();
        let busy_timeout: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        assert_eq!(busy_timeout, 5000);
        assert_eq!(commit(&mut conn, vec![insert(3, "c")]).await, [Ok(1)]);
        sqlx::query("COMMIT").execute(&mut reader).await.unwrap();
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_writes_each_get_their_own_answer_and_none_is_lost() {
        let dir = tempfile::tempdir().unwrap();
        let pool = database(&dir).await;
        let writer = GroupCommit::start(pool.clone());
        assert_eq!(writer.run(insert(1000, "taken")).await, Ok(1));
        // Hold the one connection while the writes queue, so they meet in
        // batches; one of them breaks the UNIQUE constraint.
        let held = pool.acquire().await.unwrap();
        let tasks: Vec<_> = (0..200_i64)
            .map(|k| {
                let writer = writer.clone();
                let v = if k == 150 {
                    "taken".to_owned()
                } else {
                    format!("v{k}")
                };
                tokio::spawn(async move { writer.run(insert(k, &v)).await })
            })
            .collect();
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        drop(held);

        let mut answers = Vec::new();
        for task in tasks {
            answers.push(task.await.unwrap());
        }
        for (k, answer) in answers.iter().enumerate() {
            if k == 150 {
                assert!(answer.as_ref().is_err_and(|e| e.contains("UNIQUE")));
            } else {
                assert_eq!(answer, &Ok(1), "write {k}");
            }
        }
        let stored = rows(&pool).await;
        assert_eq!(stored.len(), 200);
        assert!(
            stored
                .iter()
                .all(|(k, v, _)| *k == 1000 || (*k != 150 && v == &format!("v{k}")))
        );
    }
}
