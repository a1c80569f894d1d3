//! Fresh databases for tests: a new SQLite file, or a new PostgreSQL database on the server
//! named by REPAYDESK_TEST_POSTGRES. Without that variable the PostgreSQL tests say loudly
//! that they skipped, unless REPAYDESK_REQUIRE_POSTGRES=1 (CI), where they fail instead.

use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::Connection;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The admin URL of the test PostgreSQL server, or `None` (after a loud notice) to skip.
pub fn postgres_admin_url() -> Option<String> {
    match std::env::var("REPAYDESK_TEST_POSTGRES") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("REPAYDESK_REQUIRE_POSTGRES").as_deref() == Ok("1") => {
            panic!(
                "REPAYDESK_REQUIRE_POSTGRES=1 but REPAYDESK_TEST_POSTGRES is not set: the PostgreSQL suite cannot run"
            )
        }
        _ => {
            eprintln!("\n!!! SKIPPED: PostgreSQL tests (set REPAYDESK_TEST_POSTGRES=postgres://... or run scripts/test) !!!\n");
            None
        }
    }
}

/// A URL to a new, empty database on `backend`; `None` when PostgreSQL is skipped.
pub async fn fresh_database(backend: Backend) -> Option<String> {
    static N: AtomicU32 = AtomicU32::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    match backend {
        Backend::Sqlite => {
            let dir = crate::scratch_dir("db");
            Some(format!("sqlite:{}", dir.join("repaydesk.db").display()))
        }
        Backend::Postgres => {
            let admin = postgres_admin_url()?;
            // `prune_test_leftovers` (scripts/lib.sh) reads the creation time from the end of the name.
            let name = format!(
                "rd_test_{}_{}_{}",
                std::process::id(),
                n,
                chrono::Utc::now().timestamp_micros()
            );
            let mut conn = sqlx::PgConnection::connect(&admin)
                .await
                .unwrap_or_else(|e| panic!("PostgreSQL at {admin} is unreachable: {e}"));
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .await
                .expect("create test database");
            let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
            Some(format!("{base}/{name}"))
        }
    }
}
