//! Where CPU-heavy work runs (argon2 hashing, on a few dedicated threads)
//! and the use cases wired to the real store: what the gRPC services and
//! the dispatcher share, so neither imports the other.
use std::sync::Arc;

use tollgate_domain::DomainError;
use tollgate_domain::ports::Offload;
use tollgate_domain::service::Service;
use tollgate_storage::SeaStore;

/// How long a worker thread waits for more work before it gives its argon2
/// memory (7 MiB) back: enrolments and recovery redemptions come in bursts,
/// and between them the server should not hold 7 MiB per thread.
const RELEASE_IDLE_MEMORY_AFTER: std::time::Duration = std::time::Duration::from_secs(1);

/// Jobs that may wait per worker thread (each an argon2 hash of tens of
/// milliseconds): about a second of work queued on a 2-core machine.
const QUEUED_PER_THREAD: usize = 32;

/// What a caller refused for a full queue is told to wait.
const OVERLOADED_RETRY_AFTER: std::time::Duration = std::time::Duration::from_secs(1);

/// Runs argon2 and other CPU-heavy work on a few dedicated threads (one
/// per core, at most four), not on tokio's blocking pool: each argon2
/// verification takes 7 MiB, and hundreds of blocking threads each keeping
/// their allocator arena would grow the server's memory without bound.
/// Work queues when every thread is busy.
#[derive(Clone)]
pub struct WorkerPool {
    queue: Arc<Closing>,
}

type Job = Box<dyn FnOnce() + Send>;

/// Jobs waiting for a worker, shared by the workers and the handles.
/// Idle workers wait on the condition variable, not on the lock, so each
/// one's idle timer runs: with a lock held across the wait, a worker queued
/// behind another's wait never saw its own idle period pass and kept its
/// argon2 memory for good.
struct Queue {
    pending: std::sync::Mutex<Pending>,
    /// Jobs that may wait at most; more are refused, not queued.
    capacity: usize,
    ready: std::sync::Condvar,
    /// Jobs started so far, for tests that prove work was not done.
    ran: std::sync::atomic::AtomicU64,
    /// Times a worker gave its argon2 memory back, for tests that wait for
    /// it without giving the workers work.
    released: std::sync::atomic::AtomicU64,
}

struct Pending {
    jobs: std::collections::VecDeque<Job>,
    /// Every handle is gone: the workers end once the jobs left are done.
    closed: bool,
}

/// The queue as the handles hold it; the last one to go closes it.
struct Closing(Arc<Queue>);

impl Drop for Closing {
    fn drop(&mut self) {
        self.0.pending().closed = true;
        self.0.ready.notify_all();
    }
}

/// What a worker does next.
enum Next {
    Run(Job),
    /// No job came for the idle period.
    Idle,
    Stop,
}

impl Queue {
    fn pending(&self) -> std::sync::MutexGuard<'_, Pending> {
        // Jobs run outside the lock (and their panics are caught), so a
        // poisoned lock still guards a consistent queue.
        self.pending
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The next job; `Idle` if none came within `idle` (when given).
    fn next(&self, idle: Option<std::time::Duration>) -> Next {
        let mut pending = self.pending();
        loop {
            if let Some(job) = pending.jobs.pop_front() {
                return Next::Run(job);
            }
            if pending.closed {
                return Next::Stop;
            }
            pending = match idle {
                Some(idle) => {
                    let (pending, waited) = self
                        .ready
                        .wait_timeout(pending, idle)
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                    if waited.timed_out() && pending.jobs.is_empty() && !pending.closed {
                        return Next::Idle;
                    }
                    pending
                }
                None => self
                    .ready
                    .wait(pending)
                    .unwrap_or_else(std::sync::PoisonError::into_inner),
            };
        }
    }
}

impl WorkerPool {
    /// Starts the threads; they end when the last handle is dropped.
    pub fn start() -> std::io::Result<Self> {
        let threads = std::thread::available_parallelism()
            .map_or(1, std::num::NonZeroUsize::get)
            .min(4);
        Self::with_threads(threads, RELEASE_IDLE_MEMORY_AFTER)
    }

    /// `threads` threads, each giving back its argon2 memory after
    /// `release_after` without work.
    fn with_threads(threads: usize, release_after: std::time::Duration) -> std::io::Result<Self> {
        let queue = Arc::new(Queue {
            pending: std::sync::Mutex::new(Pending {
                jobs: std::collections::VecDeque::new(),
                closed: false,
            }),
            ready: std::sync::Condvar::new(),
            ran: std::sync::atomic::AtomicU64::new(0),
            released: std::sync::atomic::AtomicU64::new(0),
            capacity: threads * QUEUED_PER_THREAD,
        });
        for n in 0..threads {
            let queue = queue.clone();
            std::thread::Builder::new()
                .name(format!("tollgate-work-{n}"))
                .spawn(move || {
                    // Whether this thread has worked since it last gave
                    // back its argon2 memory.
                    let mut worked = false;
                    loop {
                        match queue.next(worked.then_some(release_after)) {
                            Next::Run(job) => {
                                // Counted before it runs: whoever gets the
                                // job's answer sees the count include it.
                                queue.ran.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                                // A panicking job loses its answer, not the thread.
                                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                                worked = true;
                            }
                            Next::Idle => {
                                tollgate_domain::recovery::release_working_memory();
                                queue
                                    .released
                                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                                worked = false;
                            }
                            Next::Stop => return,
                        }
                    }
                })?;
        }
        Ok(Self {
            queue: Arc::new(Closing(queue)),
        })
    }
}

impl WorkerPool {
    /// How many jobs the workers have started.
    pub fn jobs_run(&self) -> u64 {
        self.queue.0.ran.load(std::sync::atomic::Ordering::Relaxed)
    }
}

impl Offload for WorkerPool {
    async fn run<T, F>(&self, work: F) -> Result<T, DomainError>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let (done, result) = tokio::sync::oneshot::channel();
        let queue = &self.queue.0;
        {
            let mut pending = queue.pending();
            if pending.jobs.len() >= queue.capacity {
                // Hashes queued without limit would stall every recovery,
                // enrolment and regeneration behind them (and hold their
                // callers' memory): past the limit the caller retries.
                return Err(DomainError::Overloaded {
                    retry_after: OVERLOADED_RETRY_AFTER,
                });
            }
            pending.jobs.push_back(Box::new(move || {
                // The caller has gone (cancelled, timed out): its work is
                // dropped, not done.
                if !done.is_closed() {
                    let _ = done.send(work());
                }
            }));
        }
        queue.ready.notify_one();
        result
            .await
            .map_err(|_| DomainError::Internal("a background task failed"))
    }
}

/// The use cases, as the gRPC services see them.
pub type Core = Service<SeaStore, WorkerPool>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
    use tollgate_domain::recovery;

    /// Past the queue's capacity work is refused (OVERLOADED, with a delay
    /// to retry after), and queued work whose caller has gone never runs.
    #[tokio::test]
    async fn a_full_queue_refuses_work_and_abandoned_work_is_dropped() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let pool = WorkerPool::with_threads(1, Duration::from_secs(60)).unwrap();
        // The one worker is held until `release` sends.
        let (release, held) = std::sync::mpsc::channel::<()>();
        let (started, running) = tokio::sync::oneshot::channel();
        let blocker = tokio::spawn({
            let pool = pool.clone();
            async move {
                pool.run(move || {
                    let _ = started.send(());
                    let _ = held.recv();
                })
                .await
            }
        });
        running.await.unwrap();
        let done = Arc::new(AtomicUsize::new(0));
        for _ in 0..QUEUED_PER_THREAD {
            let done = done.clone();
            let job = pool.run(move || {
                done.fetch_add(1, Ordering::SeqCst);
            });
            // Queued, then its caller gives up.
            assert!(
                tokio::time::timeout(Duration::from_millis(1), job)
                    .await
                    .is_err()
            );
        }
        let refused = pool.run(|| ()).await.unwrap_err();
        assert_eq!(refused.reason(), "OVERLOADED");
        release.send(()).unwrap();
        blocker.await.unwrap().unwrap();
        // Behind the abandoned jobs (the worker drops them as it reaches
        // them, so the queue may still be full a moment), a new one runs;
        // they did not.
        let mut ran = false;
        for _ in 0..500 {
            match pool.run(|| ()).await {
                Ok(()) => {
                    ran = true;
                    break;
                }
                Err(e) if e.reason() == "OVERLOADED" => {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
                Err(e) => panic!("{e:?}"),
            }
        }
        assert!(ran, "the queue never drained");
        assert_eq!(done.load(Ordering::SeqCst), 0);
    }

    /// Waits until the workers have given their argon2 memory back
    /// `times` times in all, asking nothing of them meanwhile (a job would
    /// start their idle period over); gives up after ten seconds.
    async fn released(pool: &WorkerPool, times: u64) {
        let asked = std::time::Instant::now();
        while pool
            .queue
            .0
            .released
            .load(std::sync::atomic::Ordering::Relaxed)
            < times
            && asked.elapsed() < Duration::from_secs(10)
        {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// A worker holds its argon2 memory while hashes keep coming and gives it
    /// back once it has had no work for the idle period.
    #[tokio::test]
    async fn an_idle_worker_gives_its_argon2_memory_back() {
        let pool = WorkerPool::with_threads(1, Duration::from_millis(20)).unwrap();
        let held = pool
            .run(|| {
                let code = recovery::normalize("ABCD-EFGH").unwrap();
                recovery::hash(&code).unwrap();
                recovery::working_memory_blocks()
            })
            .await
            .unwrap();
        assert!(held > 0);
        released(&pool, 1).await;
        assert_eq!(
            pool.run(recovery::working_memory_blocks).await.unwrap(),
            0,
            "the worker kept its argon2 memory while idle"
        );
    }

    /// Every worker gives its memory back, not only the one that happens
    /// to wait first for the next job.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_idle_worker_gives_its_argon2_memory_back() {
        let pool = WorkerPool::with_threads(2, Duration::from_millis(20)).unwrap();
        // Each of the two jobs waits for the other, so each runs on a
        // worker of its own.
        let on_both_workers = |work: fn() -> usize| {
            let barrier = Arc::new(std::sync::Barrier::new(2));
            let job = |barrier: Arc<std::sync::Barrier>| {
                pool.run(move || {
                    barrier.wait();
                    work()
                })
            };
            let (a, b) = (job(barrier.clone()), job(barrier));
            async move {
                let (a, b) = tokio::join!(a, b);
                [a.unwrap(), b.unwrap()]
            }
        };
        let held = on_both_workers(|| {
            let code = recovery::normalize("ABCD-EFGH").unwrap();
            recovery::hash(&code).unwrap();
            recovery::working_memory_blocks()
        })
        .await;
        assert!(held.iter().all(|blocks| *blocks > 0), "{held:?}");
        // The workers are given no job meanwhile.
        released(&pool, 2).await;
        let kept = on_both_workers(recovery::working_memory_blocks).await;
        assert_eq!(kept, [0, 0], "argon2 blocks still held per worker");
    }
}
