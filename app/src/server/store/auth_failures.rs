//! Failed sign-in and first-access attempts, one row each, keyed by what is throttled. The
//! rows live in the database so that a limit holds whichever replica answers.

use sha2::{Digest, Sha256};

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

/// One throttled key of an attempt: its scope, the key, and the failures it may have.
pub struct Limited<'a> {
    pub scope: &'a str,
    pub key: &'a str,
    pub limit: u32,
}

/// Reserves one provisional failure on each key, unless a key already has `limit` failures
/// (judged or in flight) within the window: then nothing is reserved and the index of that key
/// is returned. Reservations are counted and made one attempt at a time per key (SQLite's
/// single writer; a transaction-scoped advisory lock per key on PostgreSQL, so replicas queue
/// too), so a burst of simultaneous attempts lets exactly the first `limit` through.
pub async fn reserve(
    db: &Db,
    keys: &[Limited<'_>],
    now: i64,
    window_ms: i64,
) -> Result<Result<Vec<i64>, usize>, sqlx::Error> {
    let mut tx = db.begin_write_locking(advisory_locks(keys)).await?;
    for (index, limited) in keys.iter().enumerate() {
        sqlx::query("DELETE FROM auth_failures WHERE scope = $1 AND key = $2 AND at <= $3")
            .bind(limited.scope)
            .bind(limited.key)
            .bind(now - window_ms)
            .execute(&mut *tx)
            .await?;
        let counted: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM auth_failures WHERE scope = $1 AND key = $2")
            .bind(limited.scope)
            .bind(limited.key)
            .fetch_one(&mut *tx)
            .await?;
        if counted >= i64::from(limited.limit) {
            // Only stale rows were deleted: keeping that tidy-up is harmless.
            tx.commit().await?;
            return Ok(Err(index));
        }
    }
    let mut ids = Vec::with_capacity(keys.len());
    for limited in keys {
        let id = sqlx::query_scalar("INSERT INTO auth_failures (scope, key, at) VALUES ($1, $2, $3) RETURNING id")
            .bind(limited.scope)
            .bind(limited.key)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
        ids.push(id);
    }
    tx.commit().await?;
    Ok(Ok(ids))
}

/// The PostgreSQL statement taking one advisory lock per key, in ascending order so that two
/// attempts sharing keys can never wait on each other crosswise. Lock ids are integers derived
/// from the keys here, as `begin_write_locking` takes no parameters.
fn advisory_locks(keys: &[Limited<'_>]) -> String {
    let mut ids: Vec<i64> = keys
        .iter()
        .map(|limited| {
            let digest = Sha256::digest(format!("auth_failures\0{}\0{}", limited.scope, limited.key).as_bytes());
            i64::from_be_bytes(digest[..8].try_into().expect("a SHA-256 digest has 8 bytes to spare"))
        })
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids.iter()
        .map(|id| format!("SELECT pg_advisory_xact_lock({id})"))
        .collect::<Vec<_>>()
        .join("; ")
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
