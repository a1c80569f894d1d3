//! Group commit for a SQLite file. Write transactions queue for the one writer connection, as
//! before; what changes is that those arriving while others run share one SQLite transaction,
//! each in a savepoint of its own, and one sync to disk (`synchronous = FULL`) makes the whole
//! batch durable. A member hears "committed" only after the COMMIT that covers its writes; a
//! member that fails or is dropped rolls back to its savepoint and leaves the others' writes
//! alone. The sync is most of what a small write transaction costs here, so under load this
//! is most of the writer's time given back.
//!
//! Members' savepoints are plain SQL (`OPEN_MEMBER`), not sqlx's nested transactions, so
//! that a member handing the batch on releases its savepoint and opens the next member's in one
//! round trip: every statement a member waits for is a hand-off to SQLite's connection thread
//! and back while everyone queued behind it waits too.
//!
//! A write that is one step (statements prepared beforehand, no reads between them in Rust)
//! can go as a job instead (`run_job`): a thread of its own runs the queued jobs back to back,
//! each in its savepoint, without handing the writer from task to task in between. Those
//! hand-offs (a task woken on a busy runtime, then the connection thread woken again) took as
//! long as the statements themselves.
//!
//! For the same reason the write-ahead log is copied into the database file (a checkpoint, with
//! a sync of its own) by a task on a connection of the shared pool every `CHECKPOINT_EVERY`,
//! not by the writer: SQLite's automatic checkpoint runs inside the COMMIT that crosses its
//! threshold, with every queued writer waiting. A checkpoint runs alongside the writer (WAL
//! mode allows it); the writer's own automatic checkpoint stays as a backstop, at a threshold
//! the task keeps the log well under (see `prepare_connection`).

use std::collections::VecDeque;
use std::future::Future;
use std::ops::{Deref, DerefMut};
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use sqlx::any::AnyTransactionManager;
use sqlx::pool::PoolConnection;
use sqlx::AnyConnection;
use sqlx::{Any, AnyPool, Executor, TransactionManager};
use tokio::sync::{oneshot, watch, Mutex, Notify, OwnedMutexGuard};

/// A batch commits once it has this many members or has been open this long, even with more
/// writers queued: that bounds how long its first member waits for the sync.
const MAX_MEMBERS: usize = 64;
const MAX_OPEN: Duration = Duration::from_millis(20);
/// A member still without its batch's outcome after this long makes sure the batch was not
/// stranded (the writer it was handed to left the queue) and commits it itself.
const STRANDED_AFTER: Duration = Duration::from_millis(50);

/// How long a write transaction waits for the writer before giving up (as long as for a
/// pooled connection).
const WAIT_FOR_WRITER: Duration = Duration::from_secs(10);

/// How often the write-ahead log is checkpointed. Under the heaviest write load measured this
/// keeps the log to a few hundred KiB per checkpoint.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(100);

/// Each member's savepoint. One is open at a time (members hold the writer in turn); what a
/// member nests inside it (sqlx savepoints) has names of its own.
const OPEN_MEMBER: &str = "SAVEPOINT repaydesk_member";
const RELEASE_MEMBER: &str = "RELEASE repaydesk_member";
const UNDO_MEMBER: &str = "ROLLBACK TO repaydesk_member; RELEASE repaydesk_member";
const RELEASE_AND_OPEN_NEXT: &str = "RELEASE repaydesk_member; SAVEPOINT repaydesk_member";

/// What a batch's members learn when it ends: `None` while it is open.
type Outcome = Option<Result<(), Arc<str>>>;

/// The writer of one SQLite file, shared by every clone of the database handle.
pub(crate) struct GroupWriter {
    /// A pool of one connection: it opens the connection with the file's pragmas and opens a
    /// new one after a failure.
    pool: AnyPool,
    state: Arc<Mutex<State>>,
    /// Writers waiting for `state`: while there are some, a finished member hands the open
    /// batch on instead of committing it.
    queued: AtomicUsize,
    /// Jobs waiting for the job thread, which `wake_jobs` wakes.
    jobs: std::sync::Mutex<VecDeque<Box<dyn Job>>>,
    wake_jobs: Arc<Notify>,
}

/// The future a write job's statements run as, on the writer's connection.
pub type JobFuture<'c, T> = Pin<Box<dyn Future<Output = Result<Option<T>, sqlx::Error>> + Send + 'c>>;

/// A write transaction of one step: it runs its statements on the connection and returns what
/// its caller gets, or `None` to have them rolled back.
pub type WriteJob<T> = Box<dyn for<'c> FnOnce(&'c mut AnyConnection) -> JobFuture<'c, T> + Send>;

/// A queued job, whatever it returns.
trait Job: Send {
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
struct Joined {
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

struct State {
    conn: Option<PoolConnection<Any>>,
    batch: Option<Batch>,
    batches_opened: u64,
    /// A member was dropped inside its savepoint: roll back to it before the connection is
    /// used again.
    savepoint_to_undo: bool,
    /// The member before opened the next member's savepoint as it released its own.
    next_savepoint_open: bool,
}

struct Batch {
    id: u64,
    members: usize,
    opened: Instant,
    outcome: watch::Sender<Outcome>,
}

impl std::fmt::Debug for GroupWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GroupWriter")
            .field("queued", &self.queued.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl GroupWriter {
    /// The writer of the file `pool` (one connection) opens; `shared`, the pool for everything
    /// else, lends a connection for checkpoints.
    pub(crate) fn new(pool: AnyPool, shared: AnyPool) -> Arc<GroupWriter> {
        let writer = Arc::new(GroupWriter {
            pool,
            state: Arc::new(Mutex::new(State {
                conn: None,
                batch: None,
                batches_opened: 0,
                savepoint_to_undo: false,
                next_savepoint_open: false,
            })),
            queued: AtomicUsize::new(0),
            jobs: std::sync::Mutex::new(VecDeque::new()),
            wake_jobs: Arc::new(Notify::new()),
        });
        tokio::spawn(checkpoint_while_open(Arc::downgrade(&writer), shared));
        let (weak, wake) = (Arc::downgrade(&writer), Arc::clone(&writer.wake_jobs));
        let started = std::thread::Builder::new()
            .name("write-jobs".into())
            .spawn(move || job_thread(weak, wake));
        if let Err(e) = started {
            tracing::error!("the write-job thread did not start: {e}");
        }
        writer
    }

    fn queued_jobs(&self) -> std::sync::MutexGuard<'_, VecDeque<Box<dyn Job>>> {
        self.jobs.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether someone will take the writer after the member holding it: a writer queued for
    /// it, or a job the job thread will come for.
    fn awaited(&self) -> bool {
        self.queued.load(Ordering::SeqCst) > 0 || !self.queued_jobs().is_empty()
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

    /// Takes the writer in turn, counted as queued meanwhile (so a member finishing hands the
    /// open batch on instead of committing it). Gives up after as long as a pooled connection
    /// would: a writer that never comes back must not hang requests forever.
    async fn wait_for_writer(&self) -> Result<OwnedMutexGuard<State>, sqlx::Error> {
        let _queued = Queued::enter(&self.queued);
        tokio::time::timeout(WAIT_FOR_WRITER, self.state.clone().lock_owned())
            .await
            .map_err(|_| sqlx::Error::PoolTimedOut)
    }

    /// Joins the open batch (opening one when there is none) in a savepoint of its own.
    pub(crate) async fn begin(self: &Arc<Self>) -> Result<Member, sqlx::Error> {
        let guard = self.wait_for_writer().await?;
        let mut held = Held {
            guard: Some(guard),
            writer: Arc::clone(self),
        };
        let state = held.state();
        state.undo_dropped_member().await?;
        state.open_batch(&self.pool).await?;
        if !std::mem::take(&mut state.next_savepoint_open) {
            if let Err(e) = state.conn().execute(OPEN_MEMBER).await {
                state.fail_batch(&e);
                return Err(e);
            }
        }
        Ok(Member { held: Some(held) })
    }

    /// Commits the open batch, if any, without waiting for it to fill.
    pub(crate) async fn settle(self: &Arc<Self>) -> Result<(), sqlx::Error> {
        let state = self.wait_for_writer().await?;
        end_batch(state).await
    }

    /// Waits for the outcome of batch `id`, which this member has handed on.
    async fn outcome_of(&self, id: u64, mut outcome: watch::Receiver<Outcome>) -> Result<(), sqlx::Error> {
        loop {
            let waited = tokio::time::timeout(STRANDED_AFTER, outcome.wait_for(Option::is_some))
                .await
                .map(|ended| ended.map(|outcome| outcome.clone()));
            match waited {
                Ok(Ok(ended)) => {
                    return match ended {
                        Some(Err(e)) => Err(batch_failed(&e)),
                        _ => Ok(()),
                    }
                }
                Ok(Err(_)) => return Err(batch_failed("the writer stopped before the batch ended")),
                Err(_) => {
                    let state = self.wait_for_writer().await?;
                    if state.batch.as_ref().is_some_and(|b| b.id == id) {
                        // Nobody carried the batch on: end it here (its outcome reaches us
                        // through the channel like any other member).
                        let _ = end_batch(state).await;
                    }
                }
            }
        }
    }
}

/// Checkpoints the write-ahead log every `CHECKPOINT_EVERY` for as long as the writer exists.
/// PASSIVE: it copies what no reader still needs and never waits for readers or the writer.
/// With nothing new in the log it returns at once, without a sync.
async fn checkpoint_while_open(writer: Weak<GroupWriter>, shared: AnyPool) {
    loop {
        tokio::time::sleep(CHECKPOINT_EVERY).await;
        if writer.strong_count() == 0 {
            return;
        }
        if let Err(e) = shared.execute("PRAGMA wal_checkpoint(PASSIVE)").await {
            tracing::warn!("checkpointing the write-ahead log failed: {e}");
        }
    }
}

impl Drop for GroupWriter {
    fn drop(&mut self) {
        // The job thread sees the writer gone and stops.
        self.wake_jobs.notify_one();
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
        let full = state
            .batch
            .as_ref()
            .is_some_and(|b| b.members >= MAX_MEMBERS || b.opened.elapsed() >= MAX_OPEN);
        if !batch_alive || full || writer.queued.load(Ordering::SeqCst) > 0 {
            break;
        }
    }
    let full = state
        .batch
        .as_ref()
        .is_some_and(|b| b.members >= MAX_MEMBERS || b.opened.elapsed() >= MAX_OPEN);
    if state.batch.is_some() && (full || !writer.awaited()) {
        let _ = end_batch(state).await;
    }
}

fn batch_failed(cause: &str) -> sqlx::Error {
    sqlx::Error::Io(std::io::Error::other(format!(
        "the write batch could not be committed: {cause}"
    )))
}

impl State {
    fn conn(&mut self) -> &mut AnyConnection {
        self.conn.as_deref_mut().expect("an open batch has its connection")
    }

    async fn open_batch(&mut self, pool: &AnyPool) -> Result<(), sqlx::Error> {
        if self.batch.is_some() {
            return Ok(());
        }
        if self.conn.is_none() {
            self.conn = Some(pool.acquire().await?);
        }
        // IMMEDIATE: the batch takes the write lock up front (see `Db::begin_write`).
        let begun = AnyTransactionManager::begin(self.conn(), Some("BEGIN IMMEDIATE".into())).await;
        if let Err(e) = begun {
            if !is_busy(&e) {
                self.discard_connection();
            }
            return Err(e);
        }
        self.batches_opened += 1;
        self.batch = Some(Batch {
            id: self.batches_opened,
            members: 0,
            opened: Instant::now(),
            outcome: watch::channel(None).0,
        });
        Ok(())
    }

    /// Runs one job in a savepoint of the open batch (opening one if needed) and tells its caller.
    /// With `more` jobs behind it, a kept job's release opens the next one's savepoint. False
    /// when the batch failed with it.
    async fn run_job(&mut self, pool: &AnyPool, mut job: Box<dyn Job>, more: bool) -> bool {
        let opened = async {
            self.undo_dropped_member().await?;
            self.open_batch(pool).await?;
            if !std::mem::take(&mut self.next_savepoint_open) {
                if let Err(e) = self.conn().execute(OPEN_MEMBER).await {
                    self.fail_batch(&e);
                    return Err(e);
                }
            }
            Ok(())
        };
        if let Err(e) = opened.await {
            job.finish(Err(e));
            return false;
        }
        // Left set only if the job panics: the writer's next user rolls its writes back.
        self.savepoint_to_undo = true;
        let ran = job.run(self.conn()).await;
        self.savepoint_to_undo = false;
        let batch = self.batch.as_ref().expect("open while a member runs");
        let (id, outcome) = (batch.id, batch.outcome.subscribe());
        let ended = match ran {
            Ok(true) => {
                let release = if more { RELEASE_AND_OPEN_NEXT } else { RELEASE_MEMBER };
                match self.conn().execute(release).await {
                    Ok(_) => {
                        self.next_savepoint_open = more;
                        if let Some(batch) = self.batch.as_mut() {
                            batch.members += 1;
                        }
                        Ok(())
                    }
                    Err(e) => {
                        self.fail_batch(&e);
                        Err(e)
                    }
                }
            }
            Ok(false) => self.undo_member().await,
            Err(e) => self.undo_member().await.and(Err(e)),
        };
        job.finish(ended.map(|()| Joined { batch: id, outcome }));
        self.batch.is_some()
    }

    /// Rolls back to the savepoint of a member dropped before it committed.
    async fn undo_dropped_member(&mut self) -> Result<(), sqlx::Error> {
        if !std::mem::take(&mut self.savepoint_to_undo) {
            return Ok(());
        }
        self.undo_member().await
    }

    /// Rolls back to the current member's savepoint and closes it.
    async fn undo_member(&mut self) -> Result<(), sqlx::Error> {
        match self.conn().execute(UNDO_MEMBER).await {
            Ok(_) => Ok(()),
            Err(e) => {
                self.fail_batch(&e);
                Err(e)
            }
        }
    }

    /// Commits the open batch and tells its members.
    async fn commit_batch(&mut self) -> Result<(), sqlx::Error> {
        self.undo_dropped_member().await?;
        let Some(batch) = self.batch.take() else {
            return Ok(());
        };
        let committed = self.commit_all_levels().await;
        let outcome = match &committed {
            Ok(()) => Ok(()),
            Err(e) => {
                self.discard_connection();
                Err(Arc::from(e.to_string()))
            }
        };
        batch.outcome.send_replace(Some(outcome));
        committed
    }

    /// COMMIT, which also closes a member savepoint still open: one opened for a next member
    /// who never came, or that of a member whose own release was cancelled after its last
    /// statement had run (its writes are whole, so they stand). An sqlx savepoint left open
    /// inside a member is released first, so sqlx's count of levels stays true.
    async fn commit_all_levels(&mut self) -> Result<(), sqlx::Error> {
        self.next_savepoint_open = false;
        loop {
            AnyTransactionManager::commit(self.conn()).await?;
            if AnyTransactionManager::get_transaction_depth(self.conn()) == 0 {
                return Ok(());
            }
        }
    }

    /// Abandons the open batch after a failure that leaves its connection in doubt: closing the
    /// connection rolls the transaction back, and every member hears why.
    fn fail_batch(&mut self, cause: &sqlx::Error) {
        if let Some(batch) = self.batch.take() {
            batch.outcome.send_replace(Some(Err(Arc::from(cause.to_string()))));
        }
        self.discard_connection();
    }

    fn discard_connection(&mut self) {
        // Closing the connection rolls back whatever it had open, savepoints included.
        self.savepoint_to_undo = false;
        self.next_savepoint_open = false;
        if let Some(mut conn) = self.conn.take() {
            conn.close_on_drop();
        }
    }
}

/// Commits the open batch on a task of its own: once the COMMIT is sent its outcome must reach
/// the members even if the request that sent it is cancelled.
async fn end_batch(mut state: OwnedMutexGuard<State>) -> Result<(), sqlx::Error> {
    let ending = tokio::spawn(async move { state.commit_batch().await });
    ending.await.unwrap_or_else(|e| Err(batch_failed(&e.to_string())))
}

fn is_busy(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.code().is_some_and(|c| c == "5" || c == "517"))
}

/// Counts a writer as queued for as long as it waits for the writer (also when it gives up).
struct Queued<'a>(&'a AtomicUsize);

impl<'a> Queued<'a> {
    fn enter(count: &'a AtomicUsize) -> Queued<'a> {
        count.fetch_add(1, Ordering::SeqCst);
        Queued(count)
    }
}

impl Drop for Queued<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The writer, held by one member. Let go with a batch open and nobody queued to carry it on
/// (a member dropped on an error path, a cancelled request), it has the batch committed.
struct Held {
    guard: Option<OwnedMutexGuard<State>>,
    writer: Arc<GroupWriter>,
}

impl Held {
    fn state(&mut self) -> &mut State {
        self.guard.as_mut().expect("held until dropped")
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        let Some(mut state) = self.guard.take() else { return };
        if state.batch.is_none() || self.writer.awaited() {
            return;
        }
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                if let Err(e) = state.commit_batch().await {
                    tracing::error!("committing a write batch failed: {e}");
                }
            });
        }
    }
}

/// One write transaction: a savepoint in the open batch, holding the writer until it commits.
/// Dropped without committing, it rolls back to its savepoint.
pub(crate) struct Member {
    held: Option<Held>,
}

impl Member {
    fn state(&self) -> &State {
        self.held
            .as_ref()
            .and_then(|h| h.guard.as_deref())
            .expect("held until committed")
    }

    fn state_mut(&mut self) -> &mut State {
        self.held.as_mut().expect("held until committed").state()
    }

    /// Releases the savepoint, then commits the batch, or hands it to the next queued writer
    /// (with that writer's savepoint already open) and waits for the commit that covers this
    /// member's writes.
    pub(crate) async fn commit(mut self) -> Result<(), sqlx::Error> {
        let mut held = self.held.take().expect("held until committed");
        let writer = Arc::clone(&held.writer);
        let state = held.state();
        // Counted before the release: if that fails, the batch fails with it.
        let batch = state
            .batch
            .as_mut()
            .expect("a member's batch stays open until it commits");
        batch.members += 1;
        let (id, outcome) = (batch.id, batch.outcome.subscribe());
        let full = batch.members >= MAX_MEMBERS || batch.opened.elapsed() >= MAX_OPEN;
        let hand_on = !full && writer.awaited();
        let release = if hand_on { RELEASE_AND_OPEN_NEXT } else { RELEASE_MEMBER };
        if let Err(e) = state.conn().execute(release).await {
            state.fail_batch(&e);
            return Err(e);
        }
        state.next_savepoint_open = hand_on;
        if !hand_on {
            let guard = held.guard.take().expect("held until committed");
            return end_batch(guard).await;
        }
        drop(held);
        writer.outcome_of(id, outcome).await
    }

    /// Rolls back to this member's savepoint, leaving the batch to the others.
    pub(crate) async fn rollback(mut self) -> Result<(), sqlx::Error> {
        let mut held = self.held.take().expect("held until it ends");
        held.state().undo_member().await
    }
}

impl Drop for Member {
    fn drop(&mut self) {
        if let Some(held) = self.held.as_mut() {
            // Undone, awaited, before the writer's next statement (by the next member or by
            // whoever commits the batch).
            held.state().savepoint_to_undo = true;
        }
    }
}

impl Deref for Member {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        self.state()
            .conn
            .as_deref()
            .expect("a member's batch has its connection")
    }
}

impl DerefMut for Member {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        self.state_mut().conn()
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use crate::server::db::tests::scratch_file;
    use crate::server::db::{Db, WriteJob};

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
        let db = Db::open(&scratch_file("jobs"), 8).await.expect("open");
        sqlx::query("CREATE TABLE scratch (n INTEGER NOT NULL)")
            .execute(&db.pool)
            .await
            .expect("create");
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
        let rows: Vec<i64> = sqlx::query_scalar("SELECT n FROM scratch ORDER BY n")
            .fetch_all(&db.pool)
            .await
            .expect("read");
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
        let db = Db::open(&scratch_file("panic"), 4).await.expect("open");
        sqlx::query("CREATE TABLE scratch (n INTEGER NOT NULL)")
            .execute(&db.pool)
            .await
            .expect("create");
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
        let rows: Vec<i64> = sqlx::query_scalar("SELECT n FROM scratch ORDER BY n")
            .fetch_all(&db.pool)
            .await
            .expect("read");
        assert_eq!(rows, vec![1, 1], "only the next job's writes are committed");
    }

    #[tokio::test]
    async fn a_job_whose_caller_gave_up_before_it_ran_never_runs() {
        let db = Db::open(&scratch_file("abandoned"), 4).await.expect("open");
        sqlx::query("CREATE TABLE scratch (n INTEGER NOT NULL)")
            .execute(&db.pool)
            .await
            .expect("create");
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

    #[tokio::test]
    async fn the_log_is_copied_into_the_file_by_the_checkpoint_task() {
        let url = scratch_file("checkpoint");
        let db = Db::open(&url, 4).await.expect("open");
        let file = std::path::PathBuf::from(url.trim_start_matches("sqlite:"));
        let size = || std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
        // 1 MiB of rows: far below the writer's own automatic checkpoint (10,000 pages).
        let mut tx = db.begin_write().await.expect("begin");
        sqlx::query("CREATE TABLE scratch (b BLOB NOT NULL)")
            .execute(&mut *tx)
            .await
            .expect("create");
        sqlx::query(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 256) \
             INSERT INTO scratch SELECT randomblob(4000) FROM n",
        )
        .execute(&mut *tx)
        .await
        .expect("insert");
        let before = size();
        tx.commit().await.expect("commit");
        let deadline = Instant::now() + Duration::from_secs(5);
        while size() < before + 1_000_000 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert!(
            size() >= before + 1_000_000,
            "the database file grew from {before} to {} bytes: the log was not checkpointed",
            size()
        );
    }
}
