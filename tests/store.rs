//! The store suite: one set of checks, run on SQLite and on PostgreSQL.

use app::domain::proposal::HardshipReason;
use app::model::Role;
use app::server::auth::session::{self, SessionSettings};
use app::server::db::{Backend as DbBackend, Db};
use app::server::store::{accounts, hardship, users};
use app::server::{demo, Viewer};
use chrono::NaiveDate;
use tests::{fresh_database, Backend};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).expect("date")
}

async fn open(backend: Backend) -> Option<Db> {
    let url = fresh_database(backend).await?;
    Some(Db::open(&url, 4).await.unwrap_or_else(|e| panic!("open {url}: {e}")))
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
    let mine = accounts::for_borrower(&db, borrower).await.expect("accounts");
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
    let their_accounts = accounts::for_borrower(&db, theirs.user_id).await.expect("accounts");
    assert!(accounts::owned_by(&db.pool, their_accounts[0].id, borrower)
        .await
        .expect("query")
        .is_none());
    assert!(accounts::owned_by(&db.pool, mine[0].id, borrower)
        .await
        .expect("query")
        .is_some());

    // Sessions: created, resolved to their user, destroyed.
    let settings = SessionSettings::default();
    let token = session::create(&db, borrower, &settings).await.expect("session");
    let user = session::resolve(&db, &token, &settings)
        .await
        .expect("resolve")
        .expect("live session");
    assert_eq!(user.id, borrower);
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
        Some(&user),
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
    let latest = hardship::latest(&db, mine[0].id, chrono_tz::Asia::Shanghai)
        .await
        .expect("latest")
        .expect("a report");
    assert_eq!(latest.reason, HardshipReason::JobLoss);
    assert!(hardship::latest(&db, mine[1].id, chrono_tz::Asia::Shanghai)
        .await
        .expect("latest")
        .is_none());

    // A rolled-back write leaves nothing behind.
    let mut tx = db.begin_write().await.expect("begin");
    hardship::insert(&mut *tx, mine[1].id, HardshipReason::Other, "", borrower)
        .await
        .expect("insert");
    tx.rollback().await.expect("rollback");
    assert!(hardship::latest(&db, mine[1].id, chrono_tz::Asia::Shanghai)
        .await
        .expect("latest")
        .is_none());
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
