//! Failed sign-in and first-access attempts, one row each, keyed by what is throttled. The
//! rows live in the database so that a limit holds whichever replica answers.

use crate::server::db::{Db, Tx};

/// The instant (Unix ms) at which `key` may try again, when it has `limit` or more failures
/// in the `window_ms` before `now`: the `limit`-th most recent failure plus the window.
pub async fn locked_until(
    db: &Db,
    scope: &str,
    key: &str,
    limit: u32,
    window_ms: i64,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let nth: Option<i64> = sqlx::query_scalar(
        "SELECT at FROM auth_failures WHERE scope = $1 AND key = $2 AND at > $3 \
         ORDER BY at DESC LIMIT 1 OFFSET $4",
    )
    .bind(scope)
    .bind(key)
    .bind(now - window_ms)
    .bind(i64::from(limit.max(1)) - 1)
    .fetch_optional(&db.pool)
    .await?;
    Ok(nth.map(|at| at + window_ms).filter(|until| *until > now))
}

/// Records one failure on each of `keys` (scope, key) in one transaction, returning their ids,
/// and forgets those keys' failures that no longer count.
pub async fn record(db: &Db, keys: &[(&str, &str)], now: i64, window_ms: i64) -> Result<Vec<i64>, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let mut ids = Vec::with_capacity(keys.len());
    for (scope, key) in keys {
        sqlx::query("DELETE FROM auth_failures WHERE scope = $1 AND key = $2 AND at <= $3")
            .bind(scope)
            .bind(key)
            .bind(now - window_ms)
            .execute(&mut *tx)
            .await?;
        let id = sqlx::query_scalar("INSERT INTO auth_failures (scope, key, at) VALUES ($1, $2, $3) RETURNING id")
            .bind(scope)
            .bind(key)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
        ids.push(id);
    }
    tx.commit().await?;
    Ok(ids)
}

/// How many failures `key` has had since `since` (Unix ms, exclusive).
pub async fn count_since(db: &Db, scope: &str, key: &str, since: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM auth_failures WHERE scope = $1 AND key = $2 AND at > $3")
        .bind(scope)
        .bind(key)
        .bind(since)
        .fetch_one(&db.pool)
        .await
}

/// Forgets the failures with these ids, and every failure of `key` in `scope` when given (after
/// a success), in one statement of the caller's write transaction.
pub async fn forget(tx: &mut Tx, ids: &[i64], all_of: Option<(&str, &str)>) -> Result<(), sqlx::Error> {
    let mut clauses = Vec::new();
    if !ids.is_empty() {
        let params: Vec<String> = (1..=ids.len()).map(|n| format!("${n}")).collect();
        clauses.push(format!("id IN ({})", params.join(", ")));
    }
    if all_of.is_some() {
        clauses.push(format!("(scope = ${} AND key = ${})", ids.len() + 1, ids.len() + 2));
    }
    if clauses.is_empty() {
        return Ok(());
    }
    let sql = format!("DELETE FROM auth_failures WHERE {}", clauses.join(" OR "));
    let mut delete = sqlx::query(&sql);
    for id in ids {
        delete = delete.bind(id);
    }
    if let Some((scope, key)) = all_of {
        delete = delete.bind(scope).bind(key);
    }
    delete.execute(&mut **tx).await?;
    Ok(())
}
