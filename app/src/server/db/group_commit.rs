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
//! A write of one step can go as a job instead (`jobs`), run by a thread of the writer's own on
//! a connection of its own (`direct`), in batches of jobs that alternate with the batches of
//! write transactions.
//!
//! For the same reason the write-ahead log is copied into the database file (a checkpoint, with
//! a sync of its own) by a task on a connection of the shared pool every `CHECKPOINT_EVERY`,
//! not by the writer: SQLite's automatic checkpoint runs inside the COMMIT that crosses its
//! threshold, with every queued writer waiting. A checkpoint runs alongside the writer (WAL
//! mode allows it); the writer's own automatic checkpoint stays as a backstop, at a threshold
//! the task keeps the log well under (see `prepare_connection`).

mod direct;
mod jobs;

use std::collections::VecDeque;
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use sqlx::any::AnyTransactionManager;
use sqlx::pool::PoolConnection;
use sqlx::AnyConnection;
use sqlx::{Any, AnyPool, Executor, TransactionManager};
use tokio::sync::{watch, Mutex, Notify, OwnedMutexGuard};

use direct::Direct;
use jobs::QueuedJob;
pub use jobs::WriteJob;

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
    jobs: std::sync::Mutex<VecDeque<QueuedJob>>,
    wake_jobs: Arc<Notify>,
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
    /// The write jobs' connection, once jobs ran (see `jobs`).
    direct: Option<Direct>,
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
                direct: None,
            })),
            queued: AtomicUsize::new(0),
            jobs: std::sync::Mutex::new(VecDeque::new()),
            wake_jobs: Arc::new(Notify::new()),
        });
        tokio::spawn(checkpoint_while_open(Arc::downgrade(&writer), shared));
        GroupWriter::start_job_thread(&writer);
        writer
    }

    fn queued_jobs(&self) -> std::sync::MutexGuard<'_, VecDeque<QueuedJob>> {
        self.jobs.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether someone will take the writer after the member holding it: a writer queued for
    /// it, or a job the job thread will come for.
    fn awaited(&self) -> bool {
        self.queued.load(Ordering::SeqCst) > 0 || !self.queued_jobs().is_empty()
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
        held.state().open_member(&self.pool).await?;
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

    /// Whether the open batch commits now even with more writers queued (see `MAX_MEMBERS`).
    fn batch_is_full(&self) -> bool {
        self.batch
            .as_ref()
            .is_some_and(|b| b.members >= MAX_MEMBERS || b.opened.elapsed() >= MAX_OPEN)
    }

    /// Opens a member's savepoint in the open batch (opening the batch first when there is
    /// none), unless the member before opened it as it released its own.
    async fn open_member(&mut self, pool: &AnyPool) -> Result<(), sqlx::Error> {
        self.undo_dropped_member().await?;
        self.open_batch(pool).await?;
        if std::mem::take(&mut self.next_savepoint_open) {
            return Ok(());
        }
        if let Err(e) = self.conn().execute(OPEN_MEMBER).await {
            self.fail_batch(&e);
            return Err(e);
        }
        Ok(())
    }

    /// Releases the current member's savepoint; with `hand_on`, opens the next member's in the
    /// same round trip. A failed release fails the batch.
    async fn release_member(&mut self, hand_on: bool) -> Result<(), sqlx::Error> {
        let release = if hand_on { RELEASE_AND_OPEN_NEXT } else { RELEASE_MEMBER };
        if let Err(e) = self.conn().execute(release).await {
            self.fail_batch(&e);
            return Err(e);
        }
        self.next_savepoint_open = hand_on;
        Ok(())
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
        let hand_on = !state.batch_is_full() && writer.awaited();
        state.release_member(hand_on).await?;
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
    use crate::server::db::Db;

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
