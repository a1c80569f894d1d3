//! Write jobs: a write transaction of one step (statements prepared beforehand, no reads
//! between them in Rust) queued for the writer instead of taking it in turn. A thread of the
//! writer's own runs the queued jobs back to back in one transaction, each in a savepoint, on a
//! connection it drives itself (`direct`), and commits them together: no job waits for a task
//! to be woken or for SQLite's connection thread between its statements.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};
use std::time::Instant;

use sqlx::any::AnyArguments;
use sqlx::{Any, AnyConnection, Execute, Row};
use tokio::sync::{oneshot, Notify, OwnedMutexGuard};

use super::direct::{Direct, Session};
use super::{
    batch_failed, GroupWriter, State, MAX_MEMBERS, MAX_OPEN, OPEN_MEMBER, RELEASE_MEMBER, UNDO_MEMBER, WAIT_FOR_WRITER,
};

/// A write transaction of one step, as its statements: one query (statements separated by
/// semicolons, sharing numbered parameters) with its parameters bound. It answers the first
/// column of the first row a statement returns, an id; a job whose statements return no row
/// at all has its writes rolled back and answers `None`. On PostgreSQL a job is one statement
/// with nothing around it, so it declines by failing with `db::JOB_DECLINED` instead.
pub struct WriteJob {
    query: sqlx::query::Query<'static, Any, AnyArguments<'static>>,
}

impl WriteJob {
    pub fn new(query: sqlx::query::Query<'static, Any, AnyArguments<'static>>) -> WriteJob {
        WriteJob { query }
    }

    /// Runs the statements through sqlx (PostgreSQL, an in-memory database), in the caller's
    /// transaction.
    pub(crate) async fn run_on(self, conn: &mut AnyConnection) -> Result<Option<i64>, sqlx::Error> {
        // Not `fetch_optional`: on SQLite it stops at the first row, before the statements after it.
        let rows = self.query.fetch_all(conn).await?;
        rows.first().map(|row| row.try_get::<i64, _>(0)).transpose()
    }

    fn run_direct(mut self, session: &mut Session<'_>) -> Result<Option<i64>, sqlx::Error> {
        let sql = self.query.sql();
        let arguments = self.query.take_arguments().map_err(sqlx::Error::Encode)?;
        session.run_job(sql, arguments)
    }
}

type Answer = Result<Option<i64>, sqlx::Error>;

/// A job waiting for the job thread, and where its caller waits for the answer.
pub(super) struct QueuedJob {
    job: WriteJob,
    reply: oneshot::Sender<Answer>,
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

    /// Runs `job` as a write transaction of its own, on the job thread, and returns once its
    /// writes are committed (at once when it answers `None`, its writes rolled back).
    pub(crate) async fn run_job(&self, job: WriteJob) -> Answer {
        let (reply, answer) = oneshot::channel();
        self.queued_jobs().push_back(QueuedJob { job, reply });
        self.wake_jobs.notify_one();
        // Dropped on a timeout (or with a cancelled request), `answer` marks the job abandoned:
        // if it has not run yet, it never will.
        tokio::time::timeout(WAIT_FOR_WRITER, answer)
            .await
            .map_err(|_| sqlx::Error::PoolTimedOut)?
            .map_err(|_| batch_failed("the write-job thread stopped"))?
    }
}

/// The job thread's body. A bug that panics loses the answers of the batch it ran (their
/// callers hear the thread stopped, and nothing of the batch is committed), not the thread: it
/// starts over on a fresh runtime.
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
        tracing::error!("the write-job thread panicked; it starts over");
    }
}

/// Takes the writer whenever jobs are queued and runs them.
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
            Err(e) => fail_queued(&writer, &e),
        }
    }
}

/// Answers every queued job with `cause`.
fn fail_queued(writer: &GroupWriter, cause: &sqlx::Error) {
    let waiting: Vec<_> = writer.queued_jobs().drain(..).collect();
    for queued in waiting {
        let _ = queued.reply.send(Err(batch_failed(&cause.to_string())));
    }
}

/// Commits what write transactions left in the writer's batch (the file has one writer at a
/// time), then runs queued jobs in a batch of their own and commits it before letting go of
/// the writer.
async fn run_queued_jobs(writer: &GroupWriter, mut state: OwnedMutexGuard<State>) {
    if state.batch.is_some() {
        // Its members hear the outcome themselves. After a failure its connection is being
        // closed by a task of this thread's runtime, still holding the file's write lock: the
        // jobs wait for the next turn rather than for the lock here.
        if let Err(e) = state.commit_batch().await {
            tracing::warn!("committing a write batch before the jobs failed: {e}");
            return;
        }
    }
    if state.direct.is_none() {
        match Direct::open(&writer.pool).await {
            Ok(direct) => state.direct = Some(direct),
            Err(e) => return fail_queued(writer, &e),
        }
    }
    let direct = state.direct.as_mut().expect("opened above");
    let mut answered = Vec::new();
    let committed = match direct.session().await {
        Ok(mut session) => run_batch(writer, &mut session, &mut answered),
        Err(e) => Err(e),
    };
    if let Err(e) = &committed {
        // Closing the connection rolls back whatever it had open.
        state.direct = None;
        tracing::error!("a batch of write jobs failed: {e}");
        if answered.is_empty() {
            // It failed before any job ran (the connection, or BEGIN): the queued jobs hear
            // why instead of waiting for a writer that may keep failing.
            fail_queued(writer, e);
        }
    }
    for (reply, answer) in answered {
        let answer = match (&committed, answer) {
            (Err(e), Ok(_)) => Err(batch_failed(&e.to_string())),
            (_, answer) => answer,
        };
        let _ = reply.send(answer);
    }
}

/// Runs queued jobs in one transaction, each in a savepoint, while there are some, up to a full
/// batch; it stops early for a write transaction waiting for the writer, but only after a job
/// ran (with transactions always waiting, jobs would otherwise never run). Then commits. Each
/// job's answer goes into `answered`, to be sent once the batch's outcome is known.
fn run_batch(
    writer: &GroupWriter,
    session: &mut Session<'_>,
    answered: &mut Vec<(oneshot::Sender<Answer>, Answer)>,
) -> Result<(), sqlx::Error> {
    session.execute("BEGIN IMMEDIATE")?;
    let opened = Instant::now();
    let mut kept = 0;
    let mut ran = false;
    while kept < MAX_MEMBERS && opened.elapsed() < MAX_OPEN && !(ran && writer.queued.load(Ordering::SeqCst) > 0) {
        let Some(QueuedJob { job, reply }) = writer.queued_jobs().pop_front() else {
            break;
        };
        if reply.is_closed() {
            continue;
        }
        ran = true;
        let answer = session.execute(OPEN_MEMBER).and_then(|()| job.run_direct(session));
        let ended = if matches!(answer, Ok(Some(_))) {
            kept += 1;
            session.execute(RELEASE_MEMBER)
        } else {
            session.execute(UNDO_MEMBER)
        };
        answered.push((reply, answer));
        ended?;
    }
    session.execute("COMMIT")
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crate::server::db::tests::scratch_file;
    use crate::server::db::{Db, WriteJob};

    /// A new database file with an empty table `scratch (n)` for the jobs to write.
    async fn scratch_db(name: &str) -> Db {
        with_scratch_table(&scratch_file(name)).await
    }

    async fn with_scratch_table(url: &str) -> Db {
        let db = Db::open(url, 8).await.expect("open");
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

    /// A job inserting `n` twice, then failing (the third insert breaks `NOT NULL`), declining
    /// (no row) or keeping its writes (answering `n`), as `n` says.
    fn job(n: i64) -> WriteJob {
        let sql: &'static str = match n {
            _ if n % 5 == 0 => {
                "INSERT INTO scratch (n) VALUES ($1); INSERT INTO scratch (n) VALUES ($1); \
                                INSERT INTO scratch (n) VALUES (NULL)"
            }
            _ if n % 7 == 0 => {
                "INSERT INTO scratch (n) VALUES ($1); INSERT INTO scratch (n) VALUES ($1); \
                                SELECT $1 WHERE 0"
            }
            _ => "INSERT INTO scratch (n) VALUES ($1); INSERT INTO scratch (n) VALUES ($1); SELECT $1",
        };
        WriteJob::new(sqlx::query(sql).bind(n))
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn jobs_and_transactions_share_the_writer_and_each_keeps_only_its_own_writes() {
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
                    db.write_job(job(n)).await
                }
            }));
        }
        for (n, task) in (1..=200_i64).zip(tasks) {
            let answer = task.await.expect("joined");
            match answer {
                _ if n % 3 == 0 => assert_eq!(answer.ok(), Some(Some(-n))),
                Err(e) => assert_eq!(n % 5, 0, "job {n} failed: {e}"),
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
    async fn a_job_breaking_a_unique_key_is_told_so_as_sqlx_would_tell_it() {
        let db = scratch_db("unique").await;
        sqlx::query("CREATE UNIQUE INDEX scratch_once ON scratch (n)")
            .execute(&db.pool)
            .await
            .expect("index");
        let insert = |n: i64| WriteJob::new(sqlx::query("INSERT INTO scratch (n) VALUES ($1); SELECT $1").bind(n));
        assert_eq!(db.write_job(insert(1)).await.expect("first"), Some(1));
        match db.write_job(insert(1)).await {
            Err(sqlx::Error::Database(e)) => {
                assert!(e.is_unique_violation(), "{e}");
                assert_eq!(e.code().as_deref(), Some("2067"));
            }
            other => panic!("expected a unique violation, got {other:?}"),
        }
        let bad = WriteJob::new(sqlx::query("INSERT INTO no_such_table VALUES ($1)").bind(1_i64));
        assert!(db.write_job(bad).await.is_err());
        let not_an_id = WriteJob::new(sqlx::query("INSERT INTO scratch (n) VALUES ($1); SELECT NULL").bind(3_i64));
        assert!(
            db.write_job(not_an_id).await.is_err(),
            "an answer that is not an integer is refused, as sqlx refuses it"
        );
        assert_eq!(db.write_job(insert(2)).await.expect("the writer goes on"), Some(2));
        assert_eq!(
            scratch_rows(&db).await,
            vec![1, 2],
            "only the kept jobs' writes are there"
        );
    }

    #[tokio::test]
    async fn an_in_memory_database_runs_the_same_jobs_through_sqlx() {
        let db = with_scratch_table("sqlite::memory:").await;
        assert_eq!(db.write_job(job(1)).await.expect("kept"), Some(1));
        assert_eq!(db.write_job(job(7)).await.expect("declined"), None);
        assert!(db.write_job(job(5)).await.is_err());
        assert_eq!(
            scratch_rows(&db).await,
            vec![1, 1],
            "only the kept job's writes are there"
        );
    }

    #[tokio::test]
    async fn a_job_whose_caller_gave_up_before_it_ran_never_runs() {
        let db = scratch_db("abandoned").await;
        // Hold the writer, so the job waits in the queue; then drop its caller.
        let tx = db.begin_write().await.expect("begin");
        let queued = tokio::time::timeout(Duration::from_millis(100), db.write_job(job(1))).await;
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
