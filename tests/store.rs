//! The store suite: one set of checks, run on SQLite and on PostgreSQL.

use app::domain::proposal::HardshipReason;
use app::model::Role;
use app::server::auth::session::{self, SessionSettings};
use app::server::db::{Backend as DbBackend, Db};
use app::server::store::accounts::AccountRow;
use app::server::store::{accounts, hardship, overview, policies, users};
use app::server::{demo, Viewer};
use chrono::NaiveDate;
use tests::{fresh_database, Backend};

/// A borrower's accounts as the overview reads them (one query on SQLite, in turn on PostgreSQL).
async fn accounts_of(db: &Db, borrower: i64) -> Vec<AccountRow> {
    let mut conn = db.pool.acquire().await.expect("a connection");
    overview::for_borrower(&mut conn, borrower, chrono_tz::Asia::Shanghai)
        .await
        .expect("the borrower's records")
        .accounts
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).expect("date")
}

async fn open(backend: Backend) -> Option<Db> {
    open_with(backend, 4).await
}

async fn open_with(backend: Backend, max_connections: u32) -> Option<Db> {
    let url = fresh_database(backend).await?;
    Some(
        Db::open(&url, max_connections)
            .await
            .unwrap_or_else(|e| panic!("open {url}: {e}")),
    )
}

async fn run_suite(backend: Backend) {
    let Some(db) = open(backend).await else {
        return;
    };
    assert_eq!(
        db.backend,
        if backend == Backend::Sqlite {
            DbBackend::Sqlite
        } else {
            DbBackend::Postgres
        }
    );
    assert!(db.is_ready().await);

    // Demo data loads once, into an empty database only.
    assert!(demo::seed_if_empty(&db, today()).await.expect("seed"));
    assert!(!demo::seed_if_empty(&db, today()).await.expect("second seed is a no-op"));

    // Credentials are found by phone, e-mail (any case) and staff username.
    let by_phone = users::find_credentials(&db, "13800000001")
        .await
        .expect("query")
        .expect("borrower by phone");
    let by_email = users::find_credentials(&db, "LI.WEI@example.cn")
        .await
        .expect("query")
        .expect("borrower by e-mail");
    assert_eq!(by_phone.user_id, by_email.user_id);
    assert_eq!(by_phone.role, Role::Borrower);
    let staff = users::find_credentials(&db, "supervisor")
        .await
        .expect("query")
        .expect("staff by username");
    assert_eq!(staff.role, Role::Supervisor);
    assert!(users::find_credentials(&db, "nobody").await.expect("query").is_none());

    // A borrower's accounts, with breakdowns that add up; others' accounts are invisible.
    let borrower = by_phone.user_id;
    let mine = accounts_of(&db, borrower).await;
    assert_eq!(mine.len(), 2);
    for account in &mine {
        let b = &account.balance;
        assert_eq!(b.principal.minor + b.interest.minor + b.fees.minor, b.total.minor);
        assert!(account.oldest_unpaid_due < today());
    }
    let theirs = users::find_credentials(&db, "13800000002")
        .await
        .expect("query")
        .expect("borrower B");
    let their_accounts = accounts_of(&db, theirs.user_id).await;
    assert!(accounts::owned_by(&db.pool, their_accounts[0].id, borrower)
        .await
        .expect("query")
        .is_none());
    assert!(accounts::owned_by(&db.pool, mine[0].id, borrower)
        .await
        .expect("query")
        .is_some());

    // Sessions: created, resolved to their user with the policy version in force, destroyed.
    let settings = SessionSettings::default();
    let mut tx = db.begin_write().await.expect("begin");
    let token = session::create(&mut tx, borrower, &settings).await.expect("session");
    tx.commit().await.expect("commit");
    policies::store_if_none(&db.pool, "store-test-1", "version = \"store-test-1\"")
        .await
        .expect("a policy version");
    let resolved = session::resolve(&db, &token, &settings)
        .await
        .expect("resolve")
        .expect("live session");
    assert_eq!(resolved.user.id, borrower);
    let in_force = policies::current_id(&db.pool).await.expect("policy id");
    assert!(in_force.is_some());
    assert_eq!(resolved.policy_in_force, in_force);
    assert!(session::resolve(&db, "not-a-token", &settings)
        .await
        .expect("resolve")
        .is_none());
    session::destroy(&db, &token).await.expect("destroy");
    assert!(session::resolve(&db, &token, &settings)
        .await
        .expect("resolve")
        .is_none());

    // Hardship reports: appended in a transaction with their audit entry; the latest is shown.
    let mut tx = db.begin_write().await.expect("begin");
    hardship::insert(&mut *tx, mine[0].id, HardshipReason::Illness, "in hospital", borrower)
        .await
        .expect("insert");
    hardship::insert(&mut *tx, mine[0].id, HardshipReason::JobLoss, "", borrower)
        .await
        .expect("insert");
    app::server::store::audit::append(
        &mut *tx,
        &Viewer::anonymous(),
        Some(&resolved.user),
        app::server::store::audit::Entry {
            action: "test",
            subject_kind: "account",
            subject_id: mine[0].id.to_string(),
            detail: serde_json::json!({}),
        },
    )
    .await
    .expect("audit");
    tx.commit().await.expect("commit");
    let latest = hardship::latest(&db.pool, mine[0].id, chrono_tz::Asia::Shanghai)
        .await
        .expect("latest")
        .expect("a report");
    assert_eq!(latest.reason, HardshipReason::JobLoss);
    assert!(hardship::latest(&db.pool, mine[1].id, chrono_tz::Asia::Shanghai)
        .await
        .expect("latest")
        .is_none());

    // A rolled-back write leaves nothing behind.
    let mut tx = db.begin_write().await.expect("begin");
    hardship::insert(&mut *tx, mine[1].id, HardshipReason::Other, "", borrower)
        .await
        .expect("insert");
    tx.rollback().await.expect("rollback");
    assert!(hardship::latest(&db.pool, mine[1].id, chrono_tz::Asia::Shanghai)
        .await
        .expect("latest")
        .is_none());
}

/// First-access tickets are single-use and first passwords are set once; failed attempts
/// lock a key once the limit is reached within the window, and a success clears the account.
async fn identity_suite(backend: Backend) {
    use app::server::auth::throttle::{self, Attempt, Door, LockedBy, ThrottleSettings};
    use app::server::store::first_access;
    // Connections enough for a burst of attempts to run side by side.
    let Some(db) = open_with(backend, 20).await else {
        return;
    };
    demo::seed_if_empty(&db, today()).await.expect("seed");
    let chen = first_access::identity_by_reference(&db, "cl-2026-000301")
        .await
        .expect("query")
        .expect("found by reference in any case");
    assert!(!chen.has_password);
    assert_eq!(chen.date_of_birth.as_deref(), Some("1990-05-17"));
    assert!(first_access::identity_by_reference(&db, "CL-0000-000000")
        .await
        .expect("query")
        .is_none());

    let mut tx = db.begin_write().await.expect("begin");
    first_access::create_ticket(&mut tx, "ticket-1", chen.user_id, 60_000)
        .await
        .expect("ticket");
    first_access::create_ticket(&mut tx, "ticket-old", chen.user_id, -1)
        .await
        .expect("expired ticket");
    tx.commit().await.expect("commit");
    assert!(first_access::ticket_is_live(&db, "ticket-1").await.expect("live"));
    assert!(!first_access::ticket_is_live(&db, "ticket-old").await.expect("expired"));
    let mut tx = db.begin_write().await.expect("begin");
    assert_eq!(
        first_access::redeem_ticket(&mut tx, "ticket-1").await.expect("redeem"),
        Some(chen.user_id)
    );
    assert_eq!(
        first_access::redeem_ticket(&mut tx, "ticket-1").await.expect("again"),
        None
    );
    assert_eq!(
        first_access::redeem_ticket(&mut tx, "ticket-old").await.expect("old"),
        None
    );
    assert!(first_access::set_first_password(&mut tx, chen.user_id, "$argon2id$x")
        .await
        .expect("set"));
    assert!(!first_access::set_first_password(&mut tx, chen.user_id, "$argon2id$y")
        .await
        .expect("set once"));
    tx.commit().await.expect("commit");

    let settings = ThrottleSettings {
        per_account: 3,
        per_address: 5,
        ..ThrottleSettings::default()
    };
    let attempt = |account| Attempt {
        door: Door::SignIn,
        account,
        address: "192.0.2.7",
    };
    for _ in 0..2 {
        assert_eq!(fail(&db, &settings, &attempt("user:1")).await, None);
    }
    let lock = fail(&db, &settings, &attempt("user:1"))
        .await
        .expect("locked at the limit");
    assert_eq!((lock.by, lock.minutes), (LockedBy::Account, 15));
    // While locked, an attempt is refused before any password is checked.
    let refused = throttle::admit(&db, &settings, &attempt("user:1"))
        .await
        .expect("admit");
    assert_eq!(refused.err().map(|l| l.by), Some(LockedBy::Account));
    // Another account from the same address is still open, until the address limit.
    assert_eq!(fail(&db, &settings, &attempt("user:2")).await, None);
    // A success forgets that account's failures and leaves nothing of itself on the address.
    let admitted = throttle::admit(&db, &settings, &attempt("user:2"))
        .await
        .expect("admit")
        .expect("user:2 may try");
    let mut tx = db.begin_write().await.expect("begin");
    admitted.succeeded(&mut tx, &attempt("user:2")).await.expect("succeed");
    tx.commit().await.expect("commit");
    let failures = |key: &'static str| {
        let db = db.clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM auth_failures WHERE key = $1")
                .bind(key)
                .fetch_one(&db.pool)
                .await
                .expect("count")
        }
    };
    assert_eq!(failures("user:2").await, 0);
    assert_eq!(
        failures("192.0.2.7").await,
        4,
        "the address keeps its real failures only"
    );
    let by_address = fail(&db, &settings, &attempt("user:3"))
        .await
        .expect("the address is locked");
    assert_eq!(by_address.by, LockedBy::Address);
    let refused = throttle::admit(&db, &settings, &attempt("user:4"))
        .await
        .expect("admit");
    assert_eq!(refused.err().map(|l| l.by), Some(LockedBy::Address));
    // A burst of simultaneous attempts on one account lets exactly its limit through, however
    // they interleave: each counts the reservations of those before it.
    let burst_attempt = Attempt {
        door: Door::SignIn,
        account: "user:5",
        address: "192.0.2.8",
    };
    let burst = (0..20).map(|_| throttle::admit(&db, &settings, &burst_attempt));
    let admitted = futures::future::join_all(burst)
        .await
        .into_iter()
        .map(|answer| answer.expect("admit"))
        .filter(Result::is_ok)
        .count();
    assert_eq!(admitted, 3, "exactly the account's limit of attempts goes through");
    assert_eq!(failures("user:5").await, 3);
    // The other door keeps its own counters.
    let first_access_attempt = Attempt {
        door: Door::FirstAccess,
        account: "user:1",
        address: "192.0.2.7",
    };
    assert!(throttle::check(&db, &settings, &first_access_attempt)
        .await
        .expect("check")
        .is_none());
}

/// One attempt that fails: the lock it meets or brings about, if any.
async fn fail(
    db: &Db,
    settings: &app::server::auth::throttle::ThrottleSettings,
    attempt: &app::server::auth::throttle::Attempt<'_>,
) -> Option<app::server::auth::throttle::Lock> {
    use app::server::auth::throttle;
    match throttle::admit(db, settings, attempt).await.expect("admit") {
        Ok(admission) => admission.failed(db, settings, attempt).await.expect("record"),
        Err(lock) => Some(lock),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn identity_store_passes_on_sqlite() {
    identity_suite(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn identity_store_passes_on_postgres() {
    identity_suite(Backend::Postgres).await;
}

#[tokio::test]
async fn store_suite_passes_on_sqlite() {
    run_suite(Backend::Sqlite).await;
}

#[tokio::test]
async fn store_suite_passes_on_postgres() {
    run_suite(Backend::Postgres).await;
}

#[tokio::test]
async fn a_sqlite_database_file_is_created_when_missing_and_uses_wal() {
    let url = fresh_database(Backend::Sqlite).await.expect("sqlite");
    let path = url.trim_start_matches("sqlite:").to_owned();
    assert!(!std::path::Path::new(&path).exists());
    let db = Db::open(&url, 2).await.expect("open");
    assert!(std::path::Path::new(&path).exists());
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&db.pool)
        .await
        .expect("pragma");
    assert_eq!(mode, "wal");
}

/// Many write transactions at once (on SQLite they share commits): each one that commits is
/// there afterwards, whole, also after the database is opened again; each one that fails,
/// is rolled back, dropped or cancelled midway leaves nothing, and takes nobody else's
/// writes with it.
async fn concurrent_writes_suite(backend: Backend) {
    let Some(url) = fresh_database(backend).await else {
        return;
    };
    let db = Db::open(&url, 4).await.expect("open");
    sqlx::query("CREATE TABLE write_probe (n BIGINT NOT NULL, part BIGINT NOT NULL)")
        .execute(&db.pool)
        .await
        .expect("probe table");
    #[derive(Clone, Copy, PartialEq, Debug)]
    enum End {
        Commit,
        Drop,
        Rollback,
        FailedStatement,
    }
    let end_of = |n: i64| match n % 4 {
        0 | 1 => End::Commit,
        2 if n % 3 == 0 => End::FailedStatement,
        2 => End::Drop,
        _ => End::Rollback,
    };
    let insert = |n: i64, part: i64| {
        sqlx::query("INSERT INTO write_probe (n, part) VALUES ($1, $2)")
            .bind(n)
            .bind(part)
    };
    // One writer is cancelled while it holds the writer, halfway through its writes.
    let stuck = {
        let db = db.clone();
        tokio::spawn(async move {
            let mut tx = db.begin_write().await.expect("begin");
            insert(-1, 1).execute(&mut *tx).await.expect("insert");
            std::future::pending::<()>().await;
        })
    };
    let mut writers = Vec::new();
    for n in 0..200_i64 {
        let db = db.clone();
        writers.push(tokio::spawn(async move {
            let mut tx = db.begin_write().await.expect("begin");
            insert(n, 1).execute(&mut *tx).await.expect("first insert");
            tokio::task::yield_now().await;
            insert(n, 2).execute(&mut *tx).await.expect("second insert");
            match end_of(n) {
                End::Commit => tx.commit().await.expect("commit"),
                End::Rollback => tx.rollback().await.expect("rollback"),
                End::Drop => drop(tx),
                End::FailedStatement => {
                    let failed = sqlx::query("INSERT INTO no_such_table VALUES (1)")
                        .execute(&mut *tx)
                        .await;
                    assert!(failed.is_err());
                }
            }
        }));
    }
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    stuck.abort();
    for writer in writers {
        writer.await.expect("writer");
    }
    drop(db);
    let db = Db::open(&url, 4).await.expect("open again");
    let rows: Vec<(i64, i64)> = sqlx::query_as("SELECT n, COUNT(*) FROM write_probe GROUP BY n ORDER BY n")
        .fetch_all(&db.pool)
        .await
        .expect("count");
    let expected: Vec<(i64, i64)> = (0..200).filter(|&n| end_of(n) == End::Commit).map(|n| (n, 2)).collect();
    assert_eq!(rows, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writes_keep_exactly_what_committed_on_sqlite() {
    concurrent_writes_suite(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writes_keep_exactly_what_committed_on_postgres() {
    concurrent_writes_suite(Backend::Postgres).await;
}
