//! The database handle for both backends: SQLite (the default, one file, WAL) and PostgreSQL
//! (several stateless replicas can share one). Queries are written once, in the dialect both
//! accept (`$n` placeholders, `RETURNING`, `ON CONFLICT`), and run through sqlx's `Any` driver.

mod group_commit;
mod readers;

use std::ops::{Deref, DerefMut};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{install_default_drivers, AnyPoolOptions};
use sqlx::{AnyConnection, AnyPool, Connection, Executor};

pub use group_commit::WriteJob;
use group_commit::{GroupWriter, Member};
pub use readers::ReadConnection;
use readers::Readers;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A connection pool plus which backend it talks to (some statements differ).
#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    /// The hot reads' own connections (`read`); `None` for an in-memory database, which lives
    /// in the pool's one connection.
    readers: Option<Arc<Readers>>,
    writer: Writer,
    pub backend: Backend,
}

/// Where write transactions run.
#[derive(Clone, Debug)]
enum Writer {
    /// A SQLite file: one connection, writers queue in turn for it (instead of spinning in
    /// SQLite's busy handler, which serves them in no fair order) and commit in groups.
    Grouped(Arc<GroupWriter>),
    /// PostgreSQL (which groups concurrent commits itself) and in-memory SQLite (tests): a
    /// transaction of its own on a pooled connection.
    Pooled(AnyPool),
}

/// A write transaction. It derefs to the connection its statements run on; dropped without
/// `commit`, it rolls back.
pub struct Tx(TxKind);

enum TxKind {
    Pooled(sqlx::Transaction<'static, sqlx::Any>),
    Grouped(Member),
}

impl Tx {
    /// Returns once the writes are durable (on a SQLite file, once the batch they joined is).
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self.0 {
            TxKind::Pooled(tx) => tx.commit().await,
            TxKind::Grouped(member) => member.commit().await,
        }
    }

    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        match self.0 {
            TxKind::Pooled(tx) => tx.rollback().await,
            TxKind::Grouped(member) => member.rollback().await,
        }
    }
}

impl Deref for Tx {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        match &self.0 {
            TxKind::Pooled(tx) => tx,
            TxKind::Grouped(member) => member,
        }
    }
}

impl DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        match &mut self.0 {
            TxKind::Pooled(tx) => tx,
            TxKind::Grouped(member) => member,
        }
    }
}

/// Why the database could not be opened: each reads as one specific line for an operator.
#[derive(Debug)]
pub enum DbOpenError {
    UnsupportedUrl(String),
    Unwritable { path: PathBuf, reason: String },
    Unreachable { url: String, reason: String },
    Migration(String),
}

impl std::fmt::Display for DbOpenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::UnsupportedUrl(url) => write!(
                f,
                "database URL {url:?} is not understood: use sqlite:PATH or postgres://USER@HOST/DB"
            ),
            Self::Unwritable { path, reason } => {
                write!(f, "cannot open the SQLite database at {}: {reason}", path.display())
            }
            Self::Unreachable { url, reason } => {
                write!(f, "cannot connect to the database at {url}: {reason}")
            }
            Self::Migration(reason) => write!(f, "database migration failed: {reason}"),
        }
    }
}

impl std::error::Error for DbOpenError {}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// A pooled connection idle longer than this is pinged before it is handed out.
pub(crate) const IDLE_BEFORE_PING: Duration = Duration::from_secs(10);

/// How a URL is to be opened, decided before any I/O.
enum Target {
    SqliteFile(PathBuf),
    SqliteMemory,
    Postgres(String),
}

fn parse_url(url: &str) -> Result<Target, DbOpenError> {
    let unsupported = || DbOpenError::UnsupportedUrl(redact(url));
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let rest = url.split_once("://").map(|(_, r)| r).unwrap_or_default();
        if rest.is_empty() || rest.starts_with('/') && rest.len() == 1 {
            return Err(unsupported());
        }
        return Ok(Target::Postgres(url.to_owned()));
    }
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .ok_or_else(unsupported)?;
    let path = path.split('?').next().unwrap_or_default();
    match path {
        "" => Err(unsupported()),
        ":memory:" => Ok(Target::SqliteMemory),
        p => Ok(Target::SqliteFile(PathBuf::from(p))),
    }
}

/// Hides a password in a URL before it is shown or logged.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

fn check_sqlite_path(path: &Path) -> Result<(), DbOpenError> {
    let unwritable = |reason: String| DbOpenError::Unwritable {
        path: path.to_owned(),
        reason,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    if !dir.is_dir() {
        return Err(unwritable(format!("the folder {} does not exist", dir.display())));
    }
    // Opening for append creates the file when missing and proves we may write to it.
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map(drop)
        .map_err(|e| unwritable(e.to_string()))
}

fn open_error(target: &Target, url: &str, e: sqlx::Error) -> DbOpenError {
    match target {
        Target::SqliteFile(path) => DbOpenError::Unwritable {
            path: path.clone(),
            reason: e.to_string(),
        },
        _ => DbOpenError::Unreachable {
            url: redact(url),
            reason: e.to_string(),
        },
    }
}

impl Db {
    /// Opens (creating a SQLite file when missing) and migrates to the current schema.
    pub async fn open(url: &str, max_connections: u32) -> Result<Db, DbOpenError> {
        install_default_drivers();
        let target = parse_url(url)?;
        let (connect_url, backend) = match &target {
            Target::SqliteFile(path) => {
                check_sqlite_path(path)?;
                (format!("sqlite://{}?mode=rwc", path.display()), Backend::Sqlite)
            }
            // One shared in-memory database for the whole pool (tests).
            Target::SqliteMemory => ("sqlite::memory:".to_owned(), Backend::Sqlite),
            Target::Postgres(u) => (u.clone(), Backend::Postgres),
        };
        let in_memory = matches!(target, Target::SqliteMemory);
        // The connection budget is shared between the hot reads and the pool every other query
        // uses. A SQLite read is work for a thread of this process, so a few connections keep
        // the cores busy (more only add thread switches); a PostgreSQL read is mostly a wait
        // for the database, so half the budget overlaps those waits.
        let readers_size = match backend {
            Backend::Sqlite => (max_connections / 4).clamp(1, 4),
            Backend::Postgres => (max_connections / 2).max(1),
        };
        let pool_size = max_connections.saturating_sub(readers_size).max(1);
        let pool = Self::pool_options(backend, in_memory, pool_size, Role::Shared)
            .connect(&connect_url)
            .await
            .map_err(|e| open_error(&target, url, e))?;
        let readers = if in_memory {
            None
        } else {
            let readers = Readers::new(&connect_url, backend, readers_size).map_err(|e| open_error(&target, url, e))?;
            Some(Arc::new(readers))
        };
        let writer = match target {
            Target::SqliteFile(_) => Writer::Grouped(GroupWriter::new(
                Self::pool_options(backend, in_memory, 1, Role::Writer)
                    .connect(&connect_url)
                    .await
                    .map_err(|e| open_error(&target, url, e))?,
                pool.clone(),
            )),
            Target::SqliteMemory | Target::Postgres(_) => Writer::Pooled(pool.clone()),
        };
        let db = Db {
            pool,
            readers,
            writer,
            backend,
        };
        db.migrate().await?;
        Ok(db)
    }

    fn pool_options(backend: Backend, in_memory: bool, max_connections: u32, role: Role) -> AnyPoolOptions {
        AnyPoolOptions::new()
            .max_connections(if in_memory { 1 } else { max_connections })
            .min_connections(if in_memory { 1 } else { 0 })
            .idle_timeout(if in_memory {
                None
            } else {
                Some(Duration::from_secs(600))
            })
            .max_lifetime(if in_memory {
                None
            } else {
                Some(Duration::from_secs(1800))
            })
            .acquire_timeout(Duration::from_secs(10))
            // sqlx pings a connection on every acquire by default, a full round trip (to the
            // SQLite thread, or to PostgreSQL) for each query a page makes. A connection used
            // within the last few seconds is alive (it was pinged on release, too): only a
            // longer-idle one is checked before use.
            .test_before_acquire(false)
            .before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for >= IDLE_BEFORE_PING {
                        conn.ping().await?;
                    }
                    Ok(true)
                })
            })
            .after_connect(move |conn, _meta| Box::pin(prepare_connection(conn, backend, role)))
    }

    /// A connection for a request's reads, put back with `done` once they succeeded: unlike a
    /// pooled one, without a liveness round trip.
    pub async fn read(&self) -> Result<ReadConnection<'_>, sqlx::Error> {
        match &self.readers {
            Some(readers) => readers.take().await,
            None => Ok(ReadConnection::pooled(self.pool.acquire().await?)),
        }
    }

    async fn migrate(&self) -> Result<(), DbOpenError> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        let failed = |e: &dyn std::fmt::Display| DbOpenError::Migration(e.to_string());
        let mut conn = self.pool.acquire().await.map_err(|e| failed(&e))?;
        let migrated = migrator.run(&mut *conn).await.map_err(|e| failed(&e));
        // A migration may rewrite a table's definition in place (sqlite/0010), which the
        // connection that ran it does not read again: it is closed, not handed out again.
        // Except an in-memory database's: the database lives and dies with it (tests only).
        if self.readers.is_some() {
            conn.close_on_drop();
        }
        migrated
    }

    /// Starts a transaction that will write. SQLite must take the write lock up front:
    /// a deferred transaction that reads first fails with SQLITE_BUSY when it later writes.
    pub async fn begin_write(&self) -> Result<Tx, sqlx::Error> {
        let kind = match (&self.writer, self.backend) {
            (Writer::Grouped(writer), _) => TxKind::Grouped(writer.begin().await?),
            (Writer::Pooled(pool), Backend::Sqlite) => TxKind::Pooled(pool.begin_with("BEGIN IMMEDIATE").await?),
            (Writer::Pooled(pool), Backend::Postgres) => TxKind::Pooled(pool.begin().await?),
        };
        Ok(Tx(kind))
    }

    /// Starts a write transaction whose first statement, on PostgreSQL, is `lock_sql` (a row or
    /// advisory lock), sent with BEGIN in one round trip. That goes by the simple query
    /// protocol, which takes no parameters: only integers may be written into `lock_sql`.
    /// SQLite needs no lock: its write transactions already run one at a time.
    pub async fn begin_write_locking(&self, lock_sql: String) -> Result<Tx, sqlx::Error> {
        match (&self.writer, self.backend) {
            (Writer::Pooled(pool), Backend::Postgres) => {
                Ok(Tx(TxKind::Pooled(pool.begin_with(format!("BEGIN; {lock_sql}")).await?)))
            }
            _ => self.begin_write().await,
        }
    }

    /// Runs `job` as a write transaction of its own and returns what it returned once its writes
    /// are committed; when it returns `None`, its writes are rolled back. On a SQLite file the
    /// job is queued for the writer's job thread (see `group_commit`). On PostgreSQL it runs as
    /// one statement without an explicit transaction around it (one round trip), so a job
    /// declines by failing with `JOB_DECLINED`, which undoes the whole statement; one that
    /// answers no row there is an error, as its writes were kept.
    pub async fn write_job(&self, job: WriteJob) -> Result<Option<i64>, sqlx::Error> {
        match (&self.writer, self.backend) {
            (Writer::Grouped(writer), _) => writer.run_job(job).await,
            (Writer::Pooled(pool), Backend::Postgres) => {
                let mut conn = pool.acquire().await?;
                match job.run_on(&mut conn).await {
                    Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some(JOB_DECLINED) => Ok(None),
                    Ok(None) => Err(sqlx::Error::Protocol(
                        "a write job on PostgreSQL answered no row instead of declining: its writes were kept".into(),
                    )),
                    answer => answer,
                }
            }
            (Writer::Pooled(_), Backend::Sqlite) => {
                let mut tx = self.begin_write().await?;
                match job.run_on(&mut tx).await? {
                    Some(answer) => {
                        tx.commit().await?;
                        Ok(Some(answer))
                    }
                    None => {
                        tx.rollback().await?;
                        Ok(None)
                    }
                }
            }
        }
    }

    /// Returns once every write transaction committed before the call is visible to readers:
    /// on a SQLite file, the writer's open batch is committed now. A request that lost a race
    /// to another writer calls this before it reads the winner's writes.
    pub async fn settle(&self) -> Result<(), sqlx::Error> {
        match &self.writer {
            Writer::Grouped(writer) => writer.settle().await,
            Writer::Pooled(_) => Ok(()),
        }
    }

    /// Whether the database answers a trivial query within two seconds (a probe must not hang).
    pub async fn is_ready(&self) -> bool {
        let probe = sqlx::query("SELECT 1").execute(&self.pool);
        matches!(tokio::time::timeout(Duration::from_secs(2), probe).await, Ok(Ok(_)))
    }
}

/// Applies a connection's settings before its first use.
async fn prepare_connection(conn: &mut AnyConnection, backend: Backend, role: Role) -> Result<(), sqlx::Error> {
    if backend == Backend::Sqlite {
        conn.execute(SQLITE_SETTINGS).await?;
        if role == Role::Writer {
            conn.execute(WRITER_SETTINGS).await?;
        }
    }
    Ok(())
}

/// The SQLSTATE a write job on PostgreSQL raises to decline: its statement is undone and
/// `write_job` answers `None` (see `claim_account_for_new_plan`, migration 0009).
pub(crate) const JOB_DECLINED: &str = "RD409";

/// Settings every new SQLite connection gets. `temp_store = MEMORY` keeps the savepoint journal
/// of a write batch (see `group_commit`) in memory: past 64 KiB SQLite spilled it to a temporary
/// file, and the writer thread spent much of its time in the kernel writing it.
const SQLITE_SETTINGS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
     PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY;";

/// The writer of a SQLite file: a page cache big enough for a full write batch (SQLite's
/// default 2 MiB made a batch of 64 submissions spill pages into the log mid-transaction), and
/// its own automatic checkpoint only as a backstop (40 MiB of log) behind `group_commit`'s.
const WRITER_SETTINGS: &str = "PRAGMA cache_size = -32768; PRAGMA wal_autocheckpoint = 10000;";

/// What a connection is for: the writer of a SQLite file has settings of its own.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Role {
    Shared,
    Writer,
}

/// Milliseconds since the Unix epoch: how instants are stored on both backends.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The URL of a new SQLite file in a folder of its own, emptied first.
    pub(crate) fn scratch_file(name: &str) -> String {
        let dir = std::env::temp_dir().join(format!("repaydesk-db-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch folder");
        format!("sqlite:{}", dir.join("db.sqlite").display())
    }

    #[test]
    fn a_password_in_a_postgres_url_is_redacted() {
        assert_eq!(redact("postgres://app:secret@db/rd"), "postgres://app:***@db/rd");
        assert_eq!(redact("sqlite:repaydesk.db"), "sqlite:repaydesk.db");
    }

    #[test]
    fn unknown_url_schemes_are_refused_before_any_io() {
        assert!(matches!(parse_url("mysql://x/y"), Err(DbOpenError::UnsupportedUrl(_))));
        assert!(matches!(parse_url("sqlite:"), Err(DbOpenError::UnsupportedUrl(_))));
        assert!(matches!(parse_url("sqlite://data/r.db"), Ok(Target::SqliteFile(_))));
        assert!(matches!(parse_url("postgres://u@h/db"), Ok(Target::Postgres(_))));
    }

    /// `.cargo/config.toml` builds the bundled SQLite without the locks the writer paid for.
    #[tokio::test]
    async fn sqlite_is_built_without_the_global_memory_counters_and_page_cache_mutex() {
        let db = Db::open(&scratch_file("options"), 1).await.expect("open");
        let options: Vec<String> = sqlx::query_scalar("PRAGMA compile_options")
            .fetch_all(&db.pool)
            .await
            .expect("compile options");
        assert!(options.iter().any(|o| o == "DEFAULT_MEMSTATUS=0"), "{options:?}");
        assert!(!options.iter().any(|o| o == "ENABLE_MEMORY_MANAGEMENT"), "{options:?}");
    }

    /// sqlite/0010 rewrote the status and origin checks as comparisons: they refuse what they
    /// refused, and writing a proposal no longer builds a temporary index of the allowed values.
    #[tokio::test]
    async fn proposal_and_agreement_checks_refuse_bad_values_without_a_temporary_index() {
        let db = Db::open(&scratch_file("checks"), 4).await.expect("open");
        let definitions: Vec<String> =
            sqlx::query_scalar("SELECT sql FROM sqlite_schema WHERE name IN ('proposals', 'agreements')")
                .fetch_all(&db.pool)
                .await
                .expect("definitions");
        assert_eq!(definitions.len(), 2);
        assert!(definitions.iter().all(|sql| !sql.contains(" IN (")), "{definitions:?}");

        let mut conn = db.pool.acquire().await.expect("a connection");
        // Without the foreign keys, so that the check is the only thing that can refuse.
        conn.execute("PRAGMA foreign_keys = OFF").await.expect("pragma");
        let proposal = |status: &str| {
            format!(
                "INSERT INTO proposals (account_id, borrower_id, idempotency_key, request_hash, status, currency, \
                 balance_minor, down_payment_minor, installments, frequency, first_payment_date, hardship_note, \
                 affordability, review_reasons, stage, dpd, policy_version, created_at, updated_at) \
                 VALUES (1, 1, 'key-{status}', 'hash', '{status}', 'CNY', 100, 0, 2, 'monthly', '2026-12-10', '', \
                 'ok', '[]', 'early', 10, 'v1', 0, 0)"
            )
        };
        let refused = conn.execute(proposal("pending ").as_str()).await;
        assert!(
            refused
                .as_ref()
                .is_err_and(|e| e.to_string().contains("CHECK constraint failed")),
            "{refused:?}"
        );
        conn.execute(proposal("pending").as_str())
            .await
            .expect("a pending proposal");
        let agreement = |origin: &str, status: &str| {
            format!(
                "INSERT INTO agreements (reference, account_id, borrower_id, proposal_id, origin, status, currency, \
                 total_minor, down_payment_minor, installments, frequency, first_payment_date, policy_version, \
                 accepted_by, accepted_at, updated_at) \
                 VALUES ('AG-{origin}-{status}', 1, 1, 1, '{origin}', '{status}', 'CNY', 100, 0, 2, 'monthly', \
                 '2026-12-10', 'v1', 1, 0, 0)"
            )
        };
        for (origin, status) in [("self-service", "active"), ("self_service", "Active")] {
            let refused = conn.execute(agreement(origin, status).as_str()).await;
            assert!(
                refused
                    .as_ref()
                    .is_err_and(|e| e.to_string().contains("CHECK constraint failed")),
                "{origin} {status}: {refused:?}"
            );
        }
        conn.execute(agreement("self_service", "active").as_str())
            .await
            .expect("an agreement");

        let plan: Vec<String> = sqlx::query(&format!("EXPLAIN {}", proposal("approved")))
            .fetch_all(&mut *conn)
            .await
            .expect("explain")
            .iter()
            .map(|step| sqlx::Row::try_get(step, "opcode").expect("opcode"))
            .collect();
        assert!(!plan.is_empty());
        assert!(!plan.iter().any(|op| op == "OpenEphemeral"), "{plan:?}");
        conn.close_on_drop();
    }
}
