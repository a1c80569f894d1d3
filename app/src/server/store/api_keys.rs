//! API keys of lenders' systems. Only the SHA-256 of a key is stored; revoked keys are kept so
//! the audit trail can still name them.

use sqlx::any::AnyRow;
use sqlx::Row;

use crate::server::db::{now_ms, Db};

/// A key as the store holds it (never the key itself).
#[derive(Clone, Debug)]
pub struct ApiKeyRow {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    /// Space-separated scope codes.
    pub scopes: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

const COLUMNS: &str = "id, name, prefix, scopes, created_at, revoked_at";

fn parse(row: &AnyRow) -> Result<ApiKeyRow, sqlx::Error> {
    Ok(ApiKeyRow {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        prefix: row.try_get("prefix")?,
        scopes: row.try_get("scopes")?,
        created_at: row.try_get("created_at")?,
        revoked_at: row.try_get("revoked_at")?,
    })
}

pub struct NewApiKey<'a> {
    pub name: &'a str,
    pub key_hash: &'a str,
    pub prefix: &'a str,
    pub scopes: &'a str,
}

pub async fn insert<'c, E>(executor: E, key: &NewApiKey<'_>) -> Result<i64, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    sqlx::query_scalar(
        "INSERT INTO api_keys (name, key_hash, prefix, scopes, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(key.name)
    .bind(key.key_hash)
    .bind(key.prefix)
    .bind(key.scopes)
    .bind(now_ms())
    .fetch_one(executor)
    .await
}

/// The key with this hash, unless it was revoked.
pub async fn active_by_hash(db: &Db, key_hash: &str) -> Result<Option<ApiKeyRow>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL"
    ))
    .bind(key_hash)
    .fetch_optional(&db.pool)
    .await?;
    row.as_ref().map(parse).transpose()
}

pub async fn all(db: &Db) -> Result<Vec<ApiKeyRow>, sqlx::Error> {
    let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM api_keys ORDER BY id"))
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(parse).collect()
}

/// Revokes the active key with this name or id; `None` when there is no such active key.
pub async fn revoke<'c, E>(executor: E, name: Option<&str>, id: Option<i64>) -> Result<Option<ApiKeyRow>, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    let row = sqlx::query(&format!(
        "UPDATE api_keys SET revoked_at = $3 WHERE (name = $1 OR id = $2) AND revoked_at IS NULL RETURNING {COLUMNS}"
    ))
    .bind(name.unwrap_or_default())
    .bind(id.unwrap_or(-1))
    .bind(now_ms())
    .fetch_optional(executor)
    .await?;
    row.as_ref().map(parse).transpose()
}
