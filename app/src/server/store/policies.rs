//! Plan policy versions: added, never changed. The newest row is the policy in force.

use sqlx::Row;

use crate::server::db::now_ms;

/// The row id of the version in force (the newest), as a scalar subquery other reads embed.
pub const CURRENT_ID: &str = "SELECT id FROM policy_versions ORDER BY id DESC LIMIT 1";

/// The id of the version in force, if any was stored yet.
pub async fn current_id(pool: &sqlx::AnyPool) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(CURRENT_ID).fetch_optional(pool).await
}

/// The version in force and its stored TOML, if any was stored yet.
pub async fn newest<'c, E>(executor: E) -> Result<Option<(i64, String)>, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    sqlx::query_as("SELECT id, body FROM policy_versions ORDER BY id DESC LIMIT 1")
        .fetch_optional(executor)
        .await
}

/// The stored TOML of one version.
pub async fn body(pool: &sqlx::AnyPool, id: i64) -> Result<String, sqlx::Error> {
    sqlx::query_scalar("SELECT body FROM policy_versions WHERE id = $1")
        .bind(id)
        .fetch_one(pool)
        .await
}

/// Adds a version; a version id already used is a unique violation.
pub async fn insert<'c, E>(
    executor: E,
    version: &str,
    body: &str,
    published_by: Option<i64>,
) -> Result<i64, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    sqlx::query_scalar(
        "INSERT INTO policy_versions (version, body, published_by, published_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(version)
    .bind(body)
    .bind(published_by)
    .bind(now_ms())
    .fetch_one(executor)
    .await
}

/// Stores the start-up policy when the table is empty; true if it was stored. Replicas
/// starting together may race: the loser's insert finds the row and does nothing.
pub async fn store_if_none(pool: &sqlx::AnyPool, version: &str, body: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO policy_versions (version, body, published_by, published_at) \
         SELECT $1, $2, NULL, $3 WHERE NOT EXISTS (SELECT 1 FROM policy_versions) \
         ON CONFLICT (version) DO NOTHING",
    )
    .bind(version)
    .bind(body)
    .bind(now_ms())
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// One published version, for the history list.
pub struct VersionRow {
    pub id: i64,
    pub version: String,
    pub published_by: Option<String>,
    pub published_at: i64,
}

/// Every version, newest first.
pub async fn history(pool: &sqlx::AnyPool) -> Result<Vec<VersionRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT p.id, p.version, p.published_at, u.full_name FROM policy_versions p \
         LEFT JOIN users u ON u.id = p.published_by ORDER BY p.id DESC",
    )
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(VersionRow {
                id: r.try_get("id")?,
                version: r.try_get("version")?,
                published_by: r.try_get("full_name")?,
                published_at: r.try_get("published_at")?,
            })
        })
        .collect()
}
