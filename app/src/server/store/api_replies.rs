//! The first successful reply to an idempotent API write, kept so that a replay (a retry after
//! a timeout, a duplicate delivery) gets exactly the same answer instead of a second effect.

use sqlx::Row;

use crate::server::db::now_ms;

/// A stored reply: what was asked (as a hash) and what was answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredReply {
    pub request_hash: String,
    pub status: u16,
    pub body: String,
}

pub async fn find<'c, E>(executor: E, operation: &str, key: &str) -> Result<Option<StoredReply>, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    let row = sqlx::query("SELECT request_hash, status, body FROM api_replies WHERE operation = $1 AND key = $2")
        .bind(operation)
        .bind(key)
        .fetch_optional(executor)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let status: i64 = row.try_get("status")?;
    Ok(Some(StoredReply {
        request_hash: row.try_get("request_hash")?,
        status: u16::try_from(status).map_err(|_| sqlx::Error::Decode("stored reply has a bad status".into()))?,
        body: row.try_get("body")?,
    }))
}

/// Stores the reply; call in the transaction that made the change, so both or neither last.
pub async fn insert<'c, E>(executor: E, operation: &str, key: &str, reply: &StoredReply) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    sqlx::query(
        "INSERT INTO api_replies (operation, key, request_hash, status, body, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(operation)
    .bind(key)
    .bind(&reply.request_hash)
    .bind(i64::from(reply.status))
    .bind(&reply.body)
    .bind(now_ms())
    .execute(executor)
    .await?;
    Ok(())
}
