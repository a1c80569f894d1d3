//! Endpoints mounted only with `--bench-endpoints`, so the load benchmark can measure each real
//! figure next to its floor on the same server in the same run: a trivial plain-text answer
//! beside the dashboard, and a bare four-statement write transaction beside a plan submission.

use std::sync::atomic::{AtomicI64, Ordering};

use app::server::db::{Backend, Db};
use app::server::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/bench/plaintext", get(plaintext))
        .route("/bench/transaction", post(bare_transaction))
        .with_state(state)
}

/// The scratch table the bare transaction writes to; created at start-up, outside migrations,
/// because a production database never needs it.
pub async fn prepare(db: &Db) -> Result<(), sqlx::Error> {
    let id = match db.backend {
        Backend::Sqlite => "INTEGER PRIMARY KEY AUTOINCREMENT",
        Backend::Postgres => "BIGSERIAL PRIMARY KEY",
    };
    sqlx::query(&format!(
        "CREATE TABLE IF NOT EXISTS bench_scratch (id {id}, n BIGINT NOT NULL, note TEXT NOT NULL)"
    ))
    .execute(&db.pool)
    .await?;
    sqlx::query("CREATE INDEX IF NOT EXISTS bench_scratch_by_n ON bench_scratch (n)")
        .execute(&db.pool)
        .await?;
    Ok(())
}

async fn plaintext() -> &'static str {
    "ok"
}

/// Insert, read, update, insert, in one write transaction opened the way a submission opens
/// its own.
async fn bare_transaction(State(state): State<AppState>) -> Result<&'static str, StatusCode> {
    static NEXT: AtomicI64 = AtomicI64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let failed = |e: sqlx::Error| {
        tracing::error!("bench transaction failed: {e}");
        StatusCode::INTERNAL_SERVER_ERROR
    };
    let mut tx = state.db.begin_write().await.map_err(failed)?;
    sqlx::query("INSERT INTO bench_scratch (n, note) VALUES ($1, 'first')")
        .bind(n)
        .execute(&mut *tx)
        .await
        .map_err(failed)?;
    let _: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM bench_scratch WHERE n = $1")
        .bind(n)
        .fetch_one(&mut *tx)
        .await
        .map_err(failed)?;
    sqlx::query("UPDATE bench_scratch SET note = 'updated' WHERE n = $1")
        .bind(n)
        .execute(&mut *tx)
        .await
        .map_err(failed)?;
    sqlx::query("INSERT INTO bench_scratch (n, note) VALUES ($1, 'second')")
        .bind(n)
        .execute(&mut *tx)
        .await
        .map_err(failed)?;
    tx.commit().await.map_err(failed)?;
    Ok("ok")
}
