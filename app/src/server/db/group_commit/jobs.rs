//! Write jobs: a write transaction of one step (statements prepared beforehand, no reads
//! between them in Rust) queued for the writer instead of taking it in turn. A thread of the
//! writer's own runs the queued jobs back to back, each in its savepoint of the open batch,
//! without handing the writer from task to task in between: those hand-offs (a task woken on a
//! busy runtime, then the connection thread woken again) took as long as the statements.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};

use sqlx::{AnyConnection, AnyPool};
use tokio::sync::{oneshot, watch, Notify, OwnedMutexGuard};

use super::{batch_failed, end_batch, GroupWriter, Outcome, State, WAIT_FOR_WRITER};

/// The future a write job's statements run as, on the writer's connection.
pub type JobFuture<'c, T> = Pin<Box<dyn Future<Output = Result<Option<T>, sqlx::Error>> + Send + 'c>>;

/// A write transaction of one step: it runs its statements on the connection and returns what
/// its caller gets, or `None` to have them rolled back.
pub type WriteJob<T> = Box<dyn for<'c> FnOnce(&'c mut AnyConnection) -> JobFuture<'c, T> + Send>;

/// A queued job, whatever it returns.
pub(super) trait Job: Send {
    /// Its caller gave up waiting (a cancelled request): it is not run.
    fn abandoned(&self) -> bool;
    /// Runs the statements: `Ok(true)` to keep them, `Ok(false)` to roll them back.
    fn run<'c>(
        &'c mut self,
        conn: &'c mut AnyConnection,
    ) -> Pin<Box<dyn Future<Output = Result<bool, sqlx::Error>> + Send + 'c>>;
    /// Tells the caller how it ended: in which batch its writes are, or why it failed.
    fn finish(self: Box<Self>, ended: Result<Joined, sqlx::Error>);
}

/// The batch a kept job's writes joined.
pub(super) struct Joined {
    batch: u64,
    outcome: watch::Receiver<Outcome>,
}

struct TypedJob<T> {
    work: Option<WriteJob<T>>,
    output: Option<T>,
    reply: oneshot::Sender<Result<(Option<T>, Joined), sqlx::Error>>,
}

impl<T: Send + 'static> Job for TypedJob<T> {
    fn abandoned(&self) -> bool {
        self.reply.is_closed()
    }

    fn run<'c>(
        &'c mut self,
        conn: &'c mut AnyConnection,
    ) -> Pin<Box<dyn Future<Output = Result<bool, sqlx::Error>> + Send + 'c>> {
        let work = self.work.take().expect("a job runs once");
        Box::pin(async move {
            self.output = work(conn).await?;
            Ok(self.output.is_some())
        })
    }

    fn finish(self: Box<Self>, ended: Result<Joined, sqlx::Error>) {
        let TypedJob { output, reply, .. } = *self;
        let _ = reply.send(ended.map(|joined| (output, joined)));
    }
}

impl GroupWriter {
    /// Starts the job thread of `writer`; it stops once the writer is dropped.
    pub(super) fn start_job_thread(writer: &Arc<GroupWriter>) {
        let (weak, wake) = (Arc::downgrade(writer), Arc::clone(&writer.wake_jobs));
        let started = std::thread::Builder::new()
            .name("write-jobs".into())
            .spawn(move || job_thread(weak, wake));
        if let Err(e) = started {
            tracing::error!("the write-job thread did not start: {e}");
        }
    }

    /// Runs `work` as a write transaction of its own, on the job thread, and returns once its
    /// writes are committed (at once when it returns `None`, its writes rolled back).
    pub(crate) async fn run_job<T: Send + 'static>(&self, work: WriteJob<T>) -> Result<Option<T>, sqlx::Error> {
        let (reply, answer) = oneshot::channel();
        self.queued_jobs().push_back(Box::new(TypedJob {
            work: Some(work),
            output: None,
            reply,
        }));
        self.wake_jobs.notify_one();
        // Dropped on a timeout (or with a cancelled request), `answer` marks the job abandoned:
        // if it has not run yet, it never will.
        let answered = tokio::time::timeout(WAIT_FOR_WRITER, answer)
            .await
            .map_err(|_| sqlx::Error::PoolTimedOut)?
            .map_err(|_| batch_failed("the write-job thread stopped"))?;
        match answered? {
            (Some(output), joined) => {
                self.outcome_of(joined.batch, joined.outcome).await?;
                Ok(Some(output))
            }
            (None, _) => Ok(None),
        }
    }
}

/// The job thread's body. A job that panics loses its own answer (its caller hears the thread
/// stopped), not the thread: it starts over on a fresh runtime.
fn job_thread(writer: Weak<GroupWriter>, wake: Arc<Notify>) {
    loop {
        let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
            Ok(runtime) => runtime,
            Err(e) => return tracing::error!("the write-job thread has no runtime: {e}"),
        };
        let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            runtime.block_on(run_jobs_while_open(writer.clone(), Arc::clone(&wake)))
        }));
        if ran.is_ok() {
            return;
        }
        tracing::error!("a write job panicked; the write-job thread starts over");
    }
}

/// Takes the writer whenever jobs are queued and runs them back to back.
async fn run_jobs_while_open(writer: Weak<GroupWriter>, wake: Arc<Notify>) {
    loop {
        let Some(writer) = writer.upgrade() else { return };
        if writer.queued_jobs().is_empty() {
            drop(writer);
            wake.notified().await;
            continue;
        }
        match writer.wait_for_writer().await {
            Ok(state) => run_queued_jobs(&writer, state).await,
            Err(e) => {
                let waiting: Vec<_> = writer.queued_jobs().drain(..).collect();
                for job in waiting {
                    job.finish(Err(batch_failed(&e.to_string())));
                }
            }
        }
    }
}

/// Runs queued jobs while there are some and nobody else waits for the writer, then commits the
/// batch, or hands it on to a writer queued meanwhile (or when it is full, commits it).
async fn run_queued_jobs(writer: &GroupWriter, mut state: OwnedMutexGuard<State>) {
    loop {
        let Some(job) = writer.queued_jobs().pop_front() else {
            break;
        };
        if job.abandoned() {
            continue;
        }
        let more = !writer.queued_jobs().is_empty();
        let batch_alive = state.run_job(&writer.pool, job, more).await;
        if !batch_alive || state.batch_is_full() || writer.queued.load(Ordering::SeqCst) > 0 {
            break;
        }
    }
    if state.batch.is_some() && (state.batch_is_full() || !writer.awaited()) {
        let _ = end_batch(state).await;
    }
}

impl State {
    /// Runs one job in a savepoint of the open batch (opening one if needed) and tells its caller.
    /// With `more` jobs behind it, a kept job's release opens the next one's savepoint. False
    /// when the batch failed with it.
    async fn run_job(&mut self, pool: &AnyPool, mut job: Box<dyn Job>, more: bool) -> bool {
        if let Err(e) = self.open_member(pool).await {
            job.finish(Err(e));
            return false;
        }
        // Left set only if the job panics: the writer's next user rolls its writes back.
        self.savepoint_to_undo = true;
        let ran = job.run(self.conn()).await;
        self.savepoint_to_undo = false;
        let batch = self.batch.as_mut().expect("open while a member runs");
        let (id, outcome) = (batch.id, batch.outcome.subscribe());
        let ended = match ran {
            Ok(true) => {
                // Counted before the release: if that fails, the batch fails with it.
                batch.members += 1;
                self.release_member(more).await
            }
            Ok(false) => self.undo_member().await,
            Err(e) => self.undo_member().await.and(Err(e)),
        };
        job.finish(ended.map(|()| Joined { batch: id, outcome }));
        self.batch.is_some()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crate::server::db::tests::scratch_file;
    use crate::server::db::{Db, WriteJob};

    /// A new database with an empty table `scratch (n)` for the jobs to write.
    async fn scratch_db(name: &str) -> Db {
        let db = Db::open(&scratch_file(name), 8).await.expect("open");
        sqlx::query("CREATE TABLE scratch (n INTEGER NOT NULL)")
            .execute(&db.pool)
            .await
            .expect("create");
        db
    }

    async fn scratch_rows(db: &Db) -> Vec<i64> {
        sqlx::query_scalar("SELECT n FROM scratch ORDER BY n")
            .fetch_all(&db.pool)
            .await
            .expect("read")
    }

    /// A job inserting `n` twice, then failing, declining or keeping its writes as `n` says.
    fn job(n: i64) -> WriteJob<i64> {
        Box::new(move |conn| {
            Box::pin(async move {
                sqlx::query("INSERT INTO scratch (n) VALUES ($1); INSERT INTO scratch (n) VALUES ($1)")
                    .bind(n)
                    .execute(&mut *conn)
                    .await?;
                if n % 5 == 0 {
                    sqlx::query("INSERT INTO no_such_table VALUES (1)")
                        .execute(&mut *conn)
                        .await?;
                }
                Ok((n % 7 != 0).then_some(n))
            })
        })
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn jobs_and_transactions_share_batches_and_each_keeps_only_its_own_writes() {
        let db = scratch_db("jobs").await;
        let mut tasks = Vec::new();
        for n in 1..=200_i64 {
            let db = db.clone();
            tasks.push(tokio::spawn(async move {
                if n % 3 == 0 {
                    // A transaction of its own, between the jobs.
                    let mut tx = db.begin_write().await?;
                    sqlx::query("INSERT INTO scratch (n) VALUES ($1)")
                        .bind(-n)
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    Ok(Some(-n))
                } else {
                    db.write_job(String::new(), job(n)).await
                }
            }));
        }
        for (n, task) in (1..=200_i64).zip(tasks) {
            let answer = task.await.expect("joined");
            match answer {
                _ if n % 3 == 0 => assert_eq!(answer.ok(), Some(Some(-n))),
                Err(_) => assert_eq!(n % 5, 0, "job {n} failed"),
                Ok(None) => assert!(n % 7 == 0 && n % 5 != 0, "job {n} declined"),
                Ok(Some(kept)) => assert!(kept == n && n % 7 != 0 && n % 5 != 0),
            }
        }
        let rows = scratch_rows(&db).await;
        let mut expected: Vec<i64> = (1..=200_i64)
            .flat_map(|n| match n {
                _ if n % 3 == 0 => vec![-n],
                _ if n % 5 == 0 || n % 7 == 0 => vec![],
                _ => vec![n, n],
            })
            .collect();
        expected.sort_unstable();
        assert_eq!(rows, expected, "exactly the kept writes are committed");
    }

    #[tokio::test]
    async fn a_job_that_panics_loses_its_writes_and_answer_but_not_the_writer() {
        let db = scratch_db("panic").await;
        let panicking: WriteJob<i64> = Box::new(|conn| {
            Box::pin(async move {
                sqlx::query("INSERT INTO scratch (n) VALUES (-1)")
                    .execute(&mut *conn)
                    .await?;
                panic!("a bug in a job");
            })
        });
        assert!(db.write_job(String::new(), panicking).await.is_err());
        assert_eq!(
            db.write_job(String::new(), job(1)).await.expect("the next job runs"),
            Some(1)
        );
        let rows = scratch_rows(&db).await;
        assert_eq!(rows, vec![1, 1], "only the next job's writes are committed");
    }

    #[tokio::test]
    async fn a_job_whose_caller_gave_up_before_it_ran_never_runs() {
        let db = scratch_db("abandoned").await;
        // Hold the writer, so the job waits in the queue; then drop its caller.
        let tx = db.begin_write().await.expect("begin");
        let queued = tokio::time::timeout(Duration::from_millis(100), db.write_job(String::new(), job(1))).await;
        assert!(queued.is_err(), "the job waited for the writer");
        tx.commit().await.expect("commit");
        db.settle().await.expect("settle");
        tokio::time::sleep(Duration::from_millis(100)).await;
        db.settle().await.expect("settle");
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM scratch")
            .fetch_one(&db.pool)
            .await
            .expect("count");
        assert_eq!(count, 0, "the abandoned job wrote nothing");
    }
}
