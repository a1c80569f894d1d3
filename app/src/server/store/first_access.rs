//! First access: what identifies a borrower who has no password yet, and the short-lived,
//! single-use tickets that let them choose one. Only tickets' hashes are stored.

use sqlx::Row;

use crate::server::auth::session::hash_token;
use crate::server::db::{now_ms, Db, Tx};

/// What the first-access form is checked against, found by account reference.
pub struct Identity {
    pub user_id: i64,
    pub date_of_birth: Option<String>,
    pub phone: Option<String>,
    pub has_password: bool,
}

/// The borrower who owns the account with this reference, if any.
pub async fn identity_by_reference(db: &Db, reference: &str) -> Result<Option<Identity>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT u.id, u.date_of_birth, u.phone, u.password_hash FROM accounts a \
         JOIN users u ON u.id = a.borrower_id WHERE upper(a.reference) = upper($1) AND u.role = 'borrower'",
    )
    .bind(reference)
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let hash: Option<String> = row.try_get("password_hash")?;
    Ok(Some(Identity {
        user_id: row.try_get("id")?,
        date_of_birth: row.try_get("date_of_birth")?,
        phone: row.try_get("phone")?,
        has_password: hash.is_some(),
    }))
}

/// Stores a ticket for `user_id`, valid for `valid_ms`.
pub async fn create_ticket(tx: &mut Tx, token: &str, user_id: i64, valid_ms: i64) -> Result<(), sqlx::Error> {
    let now = now_ms();
    sqlx::query(
        "INSERT INTO first_access_tickets (token_hash, user_id, created_at, expires_at) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(hash_token(token))
    .bind(user_id)
    .bind(now)
    .bind(now + valid_ms)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Marks a live ticket used and returns its user; `None` when unknown, used or expired.
pub async fn redeem_ticket(tx: &mut Tx, token: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE first_access_tickets SET used_at = $1 \
         WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING user_id",
    )
    .bind(now_ms())
    .bind(hash_token(token))
    .fetch_optional(&mut **tx)
    .await
}

/// True while a ticket could still be redeemed (checked before hashing a password).
pub async fn ticket_is_live(db: &Db, token: &str) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT user_id FROM first_access_tickets \
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
    )
    .bind(hash_token(token))
    .bind(now_ms())
    .fetch_optional(&db.pool)
    .await?;
    Ok(found.is_some())
}

/// Sets the first password of a user who has none; false when one was set meanwhile.
pub async fn set_first_password(tx: &mut Tx, user_id: i64, password_hash: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2 AND password_hash IS NULL")
        .bind(password_hash)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}
