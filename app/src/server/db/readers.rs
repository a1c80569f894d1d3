//! Connections for the reads every request makes (its session, the dashboard's accounts, a
//! submission's facts). sqlx's pool pings each connection it takes back, a round trip as dear
//! as a query (a hand-off to the SQLite thread, or to PostgreSQL): a signed-in page paid two
//! and a submission's reads two. These connections go back to their shelf untested once their reads
//! succeeded; one whose reads failed, or were abandoned mid-way, is closed instead, and one
//! idle for a while is pinged before it is handed out again.

use std::ops::{Deref, DerefMut};
use std::str::FromStr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use sqlx::any::AnyConnectOptions;
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, ConnectOptions, Connection};
use tokio::sync::{Semaphore, SemaphorePermit};

use super::{prepare_connection, Backend, Role, IDLE_BEFORE_PING};

/// Connections are replaced after this long, as the pool's are (a server restart, a failover
/// or a changed setting reaches every connection in time).
const MAX_LIFETIME: Duration = Duration::from_secs(30 * 60);
/// A connection left unused this long is closed when the next one is put back, as the pool
/// closes its idle ones: after a busy hour a quiet server keeps only what it uses.
const IDLE_TIMEOUT: Duration = Duration::from_secs(10 * 60);
/// How long a read waits for a free connection before it fails.
const WAIT_FOR_CONNECTION: Duration = Duration::from_secs(10);

pub(crate) struct Readers {
    options: AnyConnectOptions,
    backend: Backend,
    /// Most recently used last: that one is handed out first, warm in every cache.
    shelf: Mutex<Vec<Shelved>>,
    permits: Semaphore,
    idle_timeout: Duration,
}

struct Shelved {
    conn: AnyConnection,
    opened: Instant,
    since: Instant,
}

impl std::fmt::Debug for Readers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Readers")
            .field("available", &self.permits.available_permits())
            .finish_non_exhaustive()
    }
}

impl Readers {
    pub(crate) fn new(connect_url: &str, backend: Backend, size: u32) -> Result<Readers, sqlx::Error> {
        Ok(Readers {
            options: AnyConnectOptions::from_str(connect_url)?,
            backend,
            shelf: Mutex::new(Vec::new()),
            permits: Semaphore::new(size.max(1) as usize),
            idle_timeout: IDLE_TIMEOUT,
        })
    }

    /// A connection for reads, at most `size` at a time; waits for one as long as the pool would.
    pub(crate) async fn take(&self) -> Result<ReadConnection<'_>, sqlx::Error> {
        let permit = tokio::time::timeout(WAIT_FOR_CONNECTION, self.permits.acquire())
            .await
            .map_err(|_| sqlx::Error::PoolTimedOut)?
            .map_err(|_| sqlx::Error::PoolClosed)?;
        while let Some(mut shelved) = self.pop() {
            if shelved.opened.elapsed() >= MAX_LIFETIME {
                close(shelved.conn);
                continue;
            }
            if shelved.since.elapsed() >= IDLE_BEFORE_PING && shelved.conn.ping().await.is_err() {
                continue;
            }
            return Ok(ReadConnection(Some(Held::Shelf {
                conn: shelved.conn,
                opened: shelved.opened,
                readers: self,
                _permit: permit,
            })));
        }
        let mut conn = self.options.connect().await?;
        prepare_connection(&mut conn, self.backend, Role::Shared).await?;
        Ok(ReadConnection(Some(Held::Shelf {
            conn,
            opened: Instant::now(),
            readers: self,
            _permit: permit,
        })))
    }

    fn pop(&self) -> Option<Shelved> {
        self.shelf.lock().unwrap_or_else(|e| e.into_inner()).pop()
    }
}

/// Closes a connection politely (PostgreSQL hears the client leave) without making the
/// request wait for it; outside a runtime (at shutdown) it is simply dropped.
fn close(conn: AnyConnection) {
    if let Ok(runtime) = tokio::runtime::Handle::try_current() {
        runtime.spawn(async move {
            let _ = conn.close().await;
        });
    }
}

/// A connection taken for reads. `done` puts it back for the next request; dropped without
/// `done` (its reads failed or the request was abandoned), a shelf connection is closed, since
/// it may still be busy with what it was asked.
pub struct ReadConnection<'a>(Option<Held<'a>>);

enum Held<'a> {
    Shelf {
        conn: AnyConnection,
        opened: Instant,
        readers: &'a Readers,
        _permit: SemaphorePermit<'a>,
    },
    /// An in-memory database (tests) exists only in the pool's one connection.
    Pooled(PoolConnection<Any>),
}

impl ReadConnection<'_> {
    pub(crate) fn pooled(conn: PoolConnection<Any>) -> ReadConnection<'static> {
        ReadConnection(Some(Held::Pooled(conn)))
    }

    pub fn done(mut self) {
        if let Some(Held::Shelf {
            conn, opened, readers, ..
        }) = self.0.take()
        {
            let shelved = Shelved {
                conn,
                opened,
                since: Instant::now(),
            };
            let mut shelf = readers.shelf.lock().unwrap_or_else(|e| e.into_inner());
            // Put back in turn and taken from the top, the shelf is ordered by time put back:
            // the longest unused are at the bottom.
            let expired = shelf
                .iter()
                .take_while(|s| s.since.elapsed() >= readers.idle_timeout)
                .count();
            for unused in shelf.drain(..expired) {
                close(unused.conn);
            }
            shelf.push(shelved);
        }
    }
}

impl Drop for ReadConnection<'_> {
    fn drop(&mut self) {
        if let Some(Held::Shelf { conn, .. }) = self.0.take() {
            close(conn);
        }
    }
}

const TAKEN: &str = "a read connection is present until it is put back";

impl Deref for ReadConnection<'_> {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        match self.0.as_ref().expect(TAKEN) {
            Held::Shelf { conn, .. } => conn,
            Held::Pooled(conn) => conn,
        }
    }
}

impl DerefMut for ReadConnection<'_> {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        match self.0.as_mut().expect(TAKEN) {
            Held::Shelf { conn, .. } => conn,
            Held::Pooled(conn) => conn,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::db::tests::scratch_file;
    use crate::server::db::Db;

    /// A TEMP table lives in one connection only: whether it is still there tells whether the
    /// next read got the same connection back.
    async fn marked(db: &Db) -> bool {
        let mut conn = db.read().await.expect("a read connection");
        let found = sqlx::query("SELECT COUNT(*) FROM marker")
            .execute(&mut *conn)
            .await
            .is_ok();
        conn.done();
        found
    }

    async fn mark(db: &Db) -> super::ReadConnection<'_> {
        let mut conn = db.read().await.expect("a read connection");
        sqlx::query("CREATE TEMP TABLE IF NOT EXISTS marker (x INTEGER)")
            .execute(&mut *conn)
            .await
            .expect("create a temp table");
        conn
    }

    #[tokio::test]
    async fn a_connection_put_back_is_handed_out_again_and_one_dropped_is_not() {
        // One read connection (four in all), so the next read can only get that one or a new one.
        let db = Db::open(&scratch_file("reuse"), 4).await.expect("open");
        mark(&db).await.done();
        assert!(marked(&db).await, "the connection put back was reused");
        drop(mark(&db).await);
        assert!(
            !marked(&db).await,
            "a connection dropped without `done` is closed, not reused"
        );
    }

    #[tokio::test]
    async fn connections_left_unused_too_long_are_closed_when_another_is_put_back() {
        let url = scratch_file("idle");
        Db::open(&url, 4).await.expect("create and migrate");
        let path = url.trim_start_matches("sqlite:");
        let mut readers = Readers::new(&format!("sqlite://{path}?mode=rwc"), Backend::Sqlite, 2).expect("readers");
        readers.idle_timeout = Duration::ZERO;
        let first = readers.take().await.expect("a connection");
        let second = readers.take().await.expect("another");
        first.done();
        assert_eq!(readers.shelf.lock().unwrap().len(), 1);
        second.done();
        assert_eq!(
            readers.shelf.lock().unwrap().len(),
            1,
            "the one put back first was unused too long: closed"
        );
    }

    #[tokio::test]
    async fn an_in_memory_database_is_read_through_its_one_pooled_connection() {
        let db = Db::open("sqlite::memory:", 4).await.expect("open");
        let mut conn = db.read().await.expect("a read connection");
        let migrated = sqlx::query("SELECT COUNT(*) FROM accounts").execute(&mut *conn).await;
        assert!(
            migrated.is_ok(),
            "reads see the migrated in-memory database: {migrated:?}"
        );
        conn.done();
    }
}
