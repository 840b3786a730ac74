//! Group commit on SQLite. The small writes of a sign-in (a challenge begun
//! or completed, a failure counted, an audit event) queue for one writer
//! thread, which owns a rusqlite connection to the file (see `sqlite_conn`)
//! and commits them in batches: every write that queued while the previous
//! batch ran goes in the next, in one transaction, each write with its own
//! answer. A busy server then commits, and wakes the writer, once per batch
//! instead of once per write. A batch that fails is rolled back and its
//! writes are run again one by one, so one bad write fails alone.
//!
//! The file has one writer at a time. The other writes (enrolment, admin,
//! contacts) still go through sea-orm's write connection; they and the
//! batches take turns through one fair lock, the write turn, rather than
//! through SQLite's busy handler, which polls in sleeps of milliseconds and
//! would let a steady stream of batches starve them.
//!
//! The WAL is checkpointed on a clock rather than by SQLite's page count, in
//! two steps. A second thread with its own connection first copies the WAL
//! into the database file in PASSIVE mode, beside the writer and without
//! holding it up (this is most of the work: syncing the WAL, copying, syncing
//! the file). Then the writer, between batches, checkpoints in RESTART mode,
//! which copies only what was written since and has the next write start
//! the WAL over; writes wait meanwhile. RESTART is needed because under
//! steady load a passive checkpoint alone never catches up with the writer,
//! so the WAL would never start over and would grow without bound (by
//! hundreds of MiB a minute).
use std::borrow::Cow;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, TryRecvError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, ErrorCode};
use sea_orm::sea_query::Values;
use tokio::sync::{Mutex, OwnedMutexGuard, oneshot};

use crate::sqlite::conn::{Role, SqliteError, bound, message, open};

/// At most this many writes share a transaction.
const MAX_BATCH: usize = 32;

/// How often the WAL is copied back into the database file and started
/// over. Until then it grows by the pages written (tens of MiB per second
/// under full load).
const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);

/// How long a checkpoint waits for readers to leave the WAL.
const CHECKPOINT_PATIENCE: Duration = Duration::from_millis(10);

/// How often the writer looks whether the passive checkpoint has finished
/// while no write arrives.
const BACKFILL_POLL: Duration = Duration::from_millis(2);

/// A statement's text and values: the text borrowed from a shape built
/// once (see `statements`), or built for this call.
pub(crate) type Statement = (Cow<'static, str>, Values);

/// One write: statements built by sea-query (every value bound), run in
/// order; its answer is how many rows one of them (usually the last)
/// changed.
pub(crate) struct Write {
    statements: Vec<(Cow<'static, str>, Vec<SqlValue>)>,
    /// Which statement the answer counts.
    counted: usize,
}

impl Write {
    /// `statements` in order; the answer counts the rows the last changed.
    pub(crate) fn counting_last<S: Into<Cow<'static, str>>>(
        statements: impl IntoIterator<Item = (S, Values)>,
    ) -> Result<Self, WriteError> {
        Self::counting(statements, usize::MAX)
    }

    /// `statements` in order; the answer counts the rows statement number
    /// `counted` (from 0; past the end: the last) changed. The statements
    /// after it may change rows or not without changing the answer (a
    /// security notification queued only when the user has an address).
    pub(crate) fn counting<S: Into<Cow<'static, str>>>(
        statements: impl IntoIterator<Item = (S, Values)>,
        counted: usize,
    ) -> Result<Self, WriteError> {
        let statements: Vec<_> = statements
            .into_iter()
            .map(|(sql, values)| Ok((sql.into(), bound(values)?)))
            .collect::<Result<_, WriteError>>()?;
        let counted = counted.min(statements.len().saturating_sub(1));
        Ok(Self {
            statements,
            counted,
        })
    }
}

/// Why a write failed: the database's message, for the log.
pub(crate) type WriteError = SqliteError;

/// A write's answer, with the write itself handed back: its caller's thread
/// allocated it and frees it there (freeing it on the writer thread took
/// the allocating thread's arena lock, a measurable cost per sign-in).
type Answer = (Result<i64, WriteError>, Write);

struct Queued {
    write: Write,
    answer: oneshot::Sender<Answer>,
}

/// What the writer thread is asked to do.
enum Message {
    Write(Queued),
    /// Write what is queued, close the connection, answer, and end.
    Stop(oneshot::Sender<()>),
}

/// The queue in front of the writer thread.
#[derive(Clone)]
pub(crate) struct GroupCommit {
    queue: Sender<Message>,
    turn: Arc<Mutex<()>>,
}

/// The right to write to the file, held by one writer at a time.
pub(crate) type WriteTurn = OwnedMutexGuard<()>;

impl GroupCommit {
    /// Opens the writer's connection to the SQLite file at `path` and
    /// starts its thread, which ends when every handle is dropped.
    pub(crate) fn start(path: &str) -> Result<Self, WriteError> {
        let conn = open(path, Role::Writer)?;
        let (queue, receiver) = mpsc::channel();
        let turn = Arc::new(Mutex::new(()));
        let writer = Writer {
            path: path.to_owned(),
            conn: Some(conn),
            turn: turn.clone(),
        };
        std::thread::Builder::new()
            .name("sqlite-writer".to_owned())
            .spawn(move || writer.write_batches(&receiver))
            .map_err(|e| e.to_string())?;
        Ok(Self { queue, turn })
    }

    /// Runs `write` in the next batch and returns its answer. The write
    /// happens even if the caller stops waiting.
    pub(crate) async fn run(&self, write: Write) -> Result<i64, WriteError> {
        let (answer, answered) = oneshot::channel();
        self.queue
            .send(Message::Write(Queued { write, answer }))
            .map_err(|_| "the SQLite writer has stopped".to_owned())?;
        let (result, write) = answered
            .await
            .map_err(|_| "the SQLite writer has stopped".to_owned())?;
        drop(write);
        result
    }

    /// Writes what is queued and ends the writer thread, closing its
    /// connection; later writes fail.
    pub(crate) async fn stop(&self) {
        let (done, stopped) = oneshot::channel();
        if self.queue.send(Message::Stop(done)).is_ok() {
            let _ = stopped.await;
        }
    }

    /// Waits for the write turn: until it is dropped, no batch is written,
    /// so the caller's connection can write without waiting on SQLite.
    pub(crate) async fn turn(&self) -> WriteTurn {
        self.turn.clone().lock_owned().await
    }
}

/// The writer thread's state.
struct Writer {
    path: String,
    /// `None` after a failure that may have left it unusable (a file that
    /// was read-only when opened stays so for the connection): reopened
    /// for the next batch.
    conn: Option<Connection>,
    turn: Arc<Mutex<()>>,
}

impl Writer {
    fn write_batches(mut self, receiver: &Receiver<Message>) {
        let mut batch = Vec::with_capacity(MAX_BATCH);
        let mut next_checkpoint = Instant::now() + CHECKPOINT_EVERY;
        let mut backfiller = Backfiller::start(&self.path);
        loop {
            let mut stop = None;
            let wait = if backfiller.in_flight {
                BACKFILL_POLL
            } else {
                next_checkpoint.saturating_duration_since(Instant::now())
            };
            match receiver.recv_timeout(wait) {
                Ok(first) => {
                    let mut next = Some(first);
                    while let Some(message) = next.take() {
                        match message {
                            Message::Write(queued) => batch.push(queued),
                            Message::Stop(done) => {
                                stop = Some(done);
                                break;
                            }
                        }
                        if batch.len() < MAX_BATCH {
                            next = receiver.try_recv().ok();
                        }
                    }
                    if !batch.is_empty() {
                        self.write_batch(&mut batch);
                    }
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => break,
            }
            if let Some(done) = stop {
                backfiller.stop();
                self.conn = None;
                let _ = done.send(());
                return;
            }
            if backfiller.in_flight {
                if backfiller.finished() {
                    self.checkpoint();
                    next_checkpoint = Instant::now() + CHECKPOINT_EVERY;
                }
            } else if Instant::now() >= next_checkpoint && !backfiller.request() {
                // No second thread: the restart does all the work.
                self.checkpoint();
                next_checkpoint = Instant::now() + CHECKPOINT_EVERY;
            }
        }
        backfiller.stop();
    }

    fn write_batch(&mut self, batch: &mut Vec<Queued>) {
        let writes: Vec<Write>;
        let answers: Vec<_>;
        (writes, answers) = batch
            .drain(..)
            .map(|queued| (queued.write, queued.answer))
            .unzip();
        let turn = self.turn.clone();
        let results = {
            let _turn = turn.blocking_lock();
            match self.connection() {
                Ok(conn) => commit(conn, &writes),
                Err(error) => vec![Err(error); answers.len()],
            }
        };
        if results
            .iter()
            .any(|r| r.as_ref().is_err_and(|e| !is_constraint(e)))
        {
            self.conn = None;
        }
        for ((answer, write), result) in answers.into_iter().zip(writes).zip(results) {
            // A caller that stopped waiting has nobody to tell.
            let _ = answer.send((result.map_err(|e| e.to_string()), write));
        }
    }

    fn connection(&mut self) -> Result<&Connection, Failure> {
        if self.conn.is_none() {
            self.conn = Some(open(&self.path, Role::Writer).map_err(Failure::Other)?);
        }
        self.conn
            .as_ref()
            .ok_or_else(|| Failure::Other("no SQLite connection".to_owned()))
    }

    /// Copies the WAL into the database file and has the next write start
    /// it over. While it runs nothing else is written, so it waits for
    /// readers still on the WAL for at most `CHECKPOINT_PATIENCE` (a long
    /// read, such as a big audit listing, would otherwise hold every
    /// sign-in up to the busy timeout); a checkpoint cut short copied what
    /// it could, and the next tries again. A failure is logged.
    fn checkpoint(&mut self) {
        let turn = self.turn.clone();
        let _turn = turn.blocking_lock();
        let Ok(conn) = self.connection() else {
            return;
        };
        let result = conn
            .busy_timeout(CHECKPOINT_PATIENCE)
            .and_then(|()| conn.query_row("PRAGMA wal_checkpoint(RESTART)", [], |_| Ok(())))
            .and_then(|()| conn.busy_timeout(crate::SQLITE_BUSY_TIMEOUT));
        if let Err(error) = result {
            tracing::debug!(error = %error, "WAL checkpoint failed");
            // Its busy timeout may not have been restored: start afresh.
            self.conn = None;
        }
    }
}

/// The thread that copies the WAL into the database file in PASSIVE mode,
/// on its own connection, when the writer asks.
struct Backfiller {
    requests: Option<Sender<()>>,
    finished: Receiver<()>,
    thread: Option<JoinHandle<()>>,
    /// A checkpoint was asked for and has not finished.
    in_flight: bool,
}

impl Backfiller {
    fn start(path: &str) -> Self {
        let (requests, asked) = mpsc::channel::<()>();
        let (done, finished) = mpsc::channel();
        let path = path.to_owned();
        let thread = std::thread::Builder::new()
            .name("sqlite-backfill".to_owned())
            .spawn(move || {
                let mut conn = None;
                while asked.recv().is_ok() {
                    if conn.is_none() {
                        conn = open(&path, Role::Writer)
                            .inspect_err(|error| {
                                tracing::debug!(error = %error, "WAL backfill could not connect");
                            })
                            .ok();
                    }
                    if let Some(c) = &conn
                        && let Err(error) =
                            c.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
                    {
                        tracing::debug!(error = %error, "WAL backfill failed");
                        conn = None;
                    }
                    if done.send(()).is_err() {
                        return;
                    }
                }
            })
            .inspect_err(|error| tracing::warn!(error = %error, "no WAL backfill thread"))
            .ok();
        Self {
            requests: thread.as_ref().map(|_| requests),
            finished,
            thread,
            in_flight: false,
        }
    }

    /// Asks for a passive checkpoint; false if there is no thread to run it.
    fn request(&mut self) -> bool {
        self.in_flight = self
            .requests
            .as_ref()
            .is_some_and(|requests| requests.send(()).is_ok());
        self.in_flight
    }

    /// Whether the checkpoint asked for has finished (or its thread ended).
    fn finished(&mut self) -> bool {
        if matches!(
            self.finished.try_recv(),
            Ok(()) | Err(TryRecvError::Disconnected)
        ) {
            self.in_flight = false;
        }
        !self.in_flight
    }

    /// Ends the thread once its checkpoint is done, closing its connection.
    fn stop(&mut self) {
        self.requests = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        self.in_flight = false;
    }
}

/// A write's failure: a constraint it broke (the write's own fault), or
/// anything else (the file's or the connection's).
#[derive(Clone, Debug, PartialEq)]
enum Failure {
    Constraint(String),
    Other(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Constraint(m) | Self::Other(m) => f.write_str(m),
        }
    }
}

impl From<rusqlite::Error> for Failure {
    fn from(error: rusqlite::Error) -> Self {
        if error.sqlite_error_code() == Some(ErrorCode::ConstraintViolation) {
            Self::Constraint(message(error))
        } else {
            Self::Other(message(error))
        }
    }
}

fn is_constraint(failure: &Failure) -> bool {
    matches!(failure, Failure::Constraint(_))
}

/// Commits `writes` in one transaction; if that fails, each in its own.
fn commit(conn: &Connection, writes: &[Write]) -> Vec<Result<i64, Failure>> {
    if writes.len() == 1 {
        return vec![transaction(conn, writes).map(|answers| answers[0])];
    }
    match transaction(conn, writes) {
        Ok(answers) => answers.into_iter().map(Ok).collect(),
        Err(_) => writes
            .iter()
            .map(|write| transaction(conn, std::slice::from_ref(write)).map(|answers| answers[0]))
            .collect(),
    }
}

/// `BEGIN`, the writes, `COMMIT`: the writes' answers, or the error after
/// the transaction was rolled back.
fn transaction(conn: &Connection, writes: &[Write]) -> Result<Vec<i64>, Failure> {
    let result = (|| {
        // Prepared once, like the writes: parsing is most of their cost.
        conn.prepare_cached("BEGIN IMMEDIATE")?.execute([])?;
        let mut answers = Vec::with_capacity(writes.len());
        for write in writes {
            let mut changed = 0;
            for (i, (sql, values)) in write.statements.iter().enumerate() {
                let rows = conn
                    .prepare_cached(sql)?
                    .execute(rusqlite::params_from_iter(values))?;
                if i == write.counted {
                    changed = rows;
                }
            }
            answers.push(i64::try_from(changed).unwrap_or(i64::MAX));
        }
        conn.prepare_cached("COMMIT")?.execute([])?;
        Ok::<_, rusqlite::Error>(answers)
    })();
    result.map_err(|error| {
        let failure = Failure::from(error);
        // A statement failed: end the transaction here, before the next;
        // a connection that cannot is replaced.
        if !conn.is_autocommit() && conn.execute_batch("ROLLBACK").is_err() {
            return Failure::Other(failure.to_string());
        }
        failure
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A real SQLite file in WAL mode with one table.
    fn database(dir: &tempfile::TempDir) -> String {
        let path = dir.path().join("t.db").to_string_lossy().into_owned();
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             CREATE TABLE codes (k INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE, used INTEGER NOT NULL DEFAULT 0);",
        )
        .unwrap();
        path
    }

    fn insert(k: i64, v: &str) -> Write {
        Write::counting_last([(
            "INSERT INTO codes (k, v) VALUES (?, ?)".to_owned(),
            Values(vec![k.into(), v.into()]),
        )])
        .unwrap()
    }

    fn consume(k: i64) -> Write {
        Write::counting_last([(
            "UPDATE codes SET used = 1 WHERE k = ? AND used = 0".to_owned(),
            Values(vec![k.into()]),
        )])
        .unwrap()
    }

    fn rows(path: &str) -> Vec<(i64, String, i64)> {
        let conn = Connection::open(path).unwrap();
        let mut select = conn
            .prepare("SELECT k, v, used FROM codes ORDER BY k")
            .unwrap();
        select
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    fn writer(path: &str) -> Writer {
        Writer {
            path: path.to_owned(),
            conn: Some(open(path, Role::Writer).unwrap()),
            turn: Arc::new(Mutex::new(())),
        }
    }

    #[test]
    fn a_failing_write_fails_alone_and_the_rest_of_its_batch_commits() {
        let dir = tempfile::tempdir().unwrap();
        let path = database(&dir);
        let conn = open(&path, Role::Writer).unwrap();

        let results = commit(&conn, &[insert(1, "a"), insert(2, "a"), insert(3, "c")]);

        assert_eq!(results[0], Ok(1));
        assert!(
            matches!(&results[1], Err(Failure::Constraint(e)) if e.contains("UNIQUE")),
            "{:?}",
            results[1]
        );
        assert_eq!(results[2], Ok(1));
        assert_eq!(
            rows(&path),
            [(1, "a".to_owned(), 0), (3, "c".to_owned(), 0)]
        );
    }

    #[test]
    fn a_code_consumed_twice_in_one_batch_is_consumed_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = database(&dir);
        let conn = open(&path, Role::Writer).unwrap();

        let results = commit(&conn, &[insert(1, "a"), consume(1), consume(1)]);

        assert_eq!(results, [Ok(1), Ok(1), Ok(0)]);
    }

    /// The answer counts the statement asked for, whatever the ones after
    /// it change (a notice queued only when the user has an address).
    #[test]
    fn a_write_answers_for_the_statement_it_counts() {
        let dir = tempfile::tempdir().unwrap();
        let path = database(&dir);
        let conn = open(&path, Role::Writer).unwrap();
        let statement = |sql: &str| (sql.to_owned(), Values(Vec::new()));
        let write = |counted| {
            Write::counting(
                [
                    statement("UPDATE codes SET used = 1 WHERE k = 1 AND used = 0"),
                    statement("INSERT INTO codes (k, v) SELECT 2, 'b' WHERE changes() = 1"),
                    statement("INSERT INTO codes (k, v) SELECT 3, 'c' WHERE 0"),
                ],
                counted,
            )
            .unwrap()
        };

        assert_eq!(commit(&conn, &[insert(1, "a"), write(1)]), [Ok(1), Ok(1)]);
        assert_eq!(
            rows(&path).len(),
            2,
            "the uncounted last statement wrote nothing"
        );
        // Past the end: the last statement.
        assert_eq!(commit(&conn, &[write(0), write(9)]), [Ok(0), Ok(0)]);
    }

    /// The WAL header's checkpoint sequence number: it changes each time
    /// the WAL is started over.
    fn wal_sequence(path: &str) -> [u8; 4] {
        let header = std::fs::read(format!("{path}-wal")).unwrap();
        header[12..16].try_into().unwrap()
    }

    fn file_size(path: &str) -> u64 {
        std::fs::metadata(path).unwrap().len()
    }

    #[test]
    fn a_backfill_beside_the_writer_then_a_restart_starts_the_wal_over() {
        let dir = tempfile::tempdir().unwrap();
        let path = database(&dir);
        let mut writer = writer(&path);
        let mut backfiller = Backfiller::start(&path);
        let conn = writer.conn.take().unwrap();
        // Rows big enough to need pages the file does not have yet.
        for k in 0..200 {
            assert_eq!(commit(&conn, &[insert(k, &format!("{k:0>200}"))]), [Ok(1)]);
        }
        let (size, sequence) = (file_size(&path), wal_sequence(&path));

        assert!(backfiller.request());
        // Writes go on while the backfill runs.
        assert_eq!(commit(&conn, &[insert(1000, "during")]), [Ok(1)]);
        let asked = Instant::now();
        while !backfiller.finished() {
            assert!(asked.elapsed() < Duration::from_secs(10), "no backfill");
            std::thread::sleep(BACKFILL_POLL);
        }
        assert!(file_size(&path) > size, "the backfill copied nothing");
        assert_eq!(wal_sequence(&path), sequence);

        writer.conn = Some(conn);
        writer.checkpoint();
        let conn = writer.conn.take().expect("the connection was kept");
        assert_eq!(commit(&conn, &[insert(1001, "after")]), [Ok(1)]);
        assert_ne!(
            wal_sequence(&path),
            sequence,
            "the WAL was not started over"
        );
        assert_eq!(rows(&path).len(), 202);

        backfiller.stop();
        assert!(!backfiller.request(), "a stopped backfiller took a request");
    }

    #[test]
    fn a_checkpoint_does_not_hold_writes_up_while_a_long_read_runs() {
        let dir = tempfile::tempdir().unwrap();
        let path = database(&dir);
        let mut writer = writer(&path);
        let conn = writer.conn.take().unwrap();
        assert_eq!(commit(&conn, &[insert(1, "a")]), [Ok(1)]);
        // A reader in the middle of a long read, on a snapshot the writer
        // has since moved past.
        let reader = Connection::open(&path).unwrap();
        reader.execute_batch("BEGIN").unwrap();
        let seen: i64 = reader
            .query_row("SELECT count(*) FROM codes", [], |r| r.get(0))
            .unwrap();
        assert_eq!(seen, 1);
        assert_eq!(commit(&conn, &[insert(2, "b")]), [Ok(1)]);
        writer.conn = Some(conn);

        // The checkpoint gives up on the reader long before the busy
        // timeout (5 s), and leaves the write connection as it found it.
        let started = Instant::now();
        writer.checkpoint();
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "the checkpoint waited for the reader"
        );
        let conn = writer.conn.as_ref().expect("the connection was kept");
        let busy_timeout: i64 = conn
            .query_row("PRAGMA busy_timeout", [], |r| r.get(0))
            .unwrap();
        assert_eq!(busy_timeout, 5000);
        assert_eq!(commit(conn, &[insert(3, "c")]), [Ok(1)]);
        reader.execute_batch("COMMIT").unwrap();
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_writes_each_get_their_own_answer_and_none_is_lost() {
        let dir = tempfile::tempdir().unwrap();
        let path = database(&dir);
        let writer = GroupCommit::start(&path).unwrap();
        assert_eq!(writer.run(insert(1000, "taken")).await, Ok(1));
        // Hold the write turn while the writes queue, so they meet in
        // batches; one of them breaks the UNIQUE constraint.
        let held = writer.turn().await;
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
        tokio::time::sleep(Duration::from_millis(50)).await;
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
        let stored = rows(&path);
        assert_eq!(stored.len(), 200);
        assert!(
            stored
                .iter()
                .all(|(k, v, _)| *k == 1000 || (*k != 150 && v == &format!("v{k}")))
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_writer_waiting_for_its_turn_is_not_starved_by_batches() {
        let dir = tempfile::tempdir().unwrap();
        let path = database(&dir);
        let writer = GroupCommit::start(&path).unwrap();
        // A steady stream of batches...
        let stream = {
            let writer = writer.clone();
            tokio::spawn(async move {
                for k in 0..2_000_i64 {
                    writer.run(insert(k, &format!("v{k}"))).await.unwrap();
                }
            })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        // ...and another connection that writes in its turn, without
        // waiting on SQLite's busy handler.
        let turn = writer.turn().await;
        let other = open(&path, Role::Writer).unwrap();
        other.busy_timeout(Duration::ZERO).unwrap();
        other
            .execute("INSERT INTO codes (k, v) VALUES (-1, 'other')", [])
            .unwrap();
        drop(turn);
        stream.await.unwrap();
        assert_eq!(rows(&path).len(), 2_001);
    }
}
