//! Sessions live in the database so that any replica can serve any request. The cookie holds
//! an opaque random token; only its SHA-256 is stored, so a database leak yields no sessions.

use std::time::Duration;

use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::model::{CurrentUser, Role};
use crate::server::db::{now_ms, Db, Tx};
use crate::server::store::policies;

pub const COOKIE_NAME: &str = "rd_session";

#[derive(Clone, Copy, Debug)]
pub struct SessionSettings {
    pub idle_timeout: Duration,
    pub absolute_timeout: Duration,
    /// Off only for plain http on localhost.
    pub secure_cookie: bool,
}

impl Default for SessionSettings {
    fn default() -> Self {
        SessionSettings {
            idle_timeout: Duration::from_secs(30 * 60),
            absolute_timeout: Duration::from_secs(12 * 60 * 60),
            secure_cookie: false,
        }
    }
}

/// Last-seen is written at most this often, so reads do not become writes on every request
/// (more often when the idle timeout is short, so activity keeps the session alive).
const TOUCH_EVERY_MS: i64 = 60_000;

fn touch_every_ms(settings: &SessionSettings) -> i64 {
    TOUCH_EVERY_MS.min(settings.idle_timeout.as_millis() as i64 / 4)
}

/// What is stored for a token: its SHA-256, so a database leak yields nothing usable.
pub(crate) fn hash_token(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// 256 random bits from the OS, hex-encoded.
pub(crate) fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

/// Starts a new session for `user_id` and returns the cookie token (shown once, never stored).
pub async fn create(tx: &mut Tx, user_id: i64, settings: &SessionSettings) -> Result<String, sqlx::Error> {
    let token = new_token();
    let now = now_ms();
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(hash_token(&token))
    .bind(user_id)
    .bind(now)
    .bind(now)
    .bind(now + settings.absolute_timeout.as_millis() as i64)
    .execute(&mut **tx)
    .await?;
    Ok(token)
}

/// A live session: its user, and the plan policy version in force when it was read. Every
/// signed-in page needs both, so one query reads them.
pub struct Resolved {
    pub user: CurrentUser,
    pub policy_in_force: Option<i64>,
}

/// The user behind a cookie token, if the session is alive; a dead one is deleted.
pub async fn resolve(db: &Db, token: &str, settings: &SessionSettings) -> Result<Option<Resolved>, sqlx::Error> {
    let token_hash = hash_token(token);
    let mut conn = db.read().await?;
    let row = sqlx::query(&format!(
        "SELECT s.last_seen_at, s.expires_at, u.id, u.role, u.full_name, ({}) AS policy_in_force \
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1",
        policies::CURRENT_ID
    ))
    .bind(&token_hash)
    .fetch_optional(&mut *conn)
    .await?;
    conn.done();
    let Some(row) = row else { return Ok(None) };
    let now = now_ms();
    let last_seen: i64 = row.try_get("last_seen_at")?;
    let expires: i64 = row.try_get("expires_at")?;
    if now >= expires || now - last_seen >= settings.idle_timeout.as_millis() as i64 {
        destroy(db, token).await?;
        return Ok(None);
    }
    if now - last_seen >= touch_every_ms(settings) {
        let mut tx = db.begin_write().await?;
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(now)
            .bind(&token_hash)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
    }
    let role: String = row.try_get("role")?;
    let policy_in_force = row.try_get("policy_in_force")?;
    Ok(Role::parse(&role).map(|role| Resolved {
        user: CurrentUser {
            id: row.try_get("id").unwrap_or_default(),
            role,
            display_name: row.try_get("full_name").unwrap_or_default(),
        },
        policy_in_force,
    }))
}

pub async fn destroy(db: &Db, token: &str) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(hash_token(token))
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// The `Set-Cookie` value carrying a session token.
pub fn cookie(token: &str, settings: &SessionSettings) -> String {
    let secure = if settings.secure_cookie { "; Secure" } else { "" };
    format!(
        "{COOKIE_NAME}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        settings.absolute_timeout.as_secs()
    )
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clearing_cookie(settings: &SessionSettings) -> String {
    let secure = if settings.secure_cookie { "; Secure" } else { "" };
    format!("{COOKIE_NAME}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}")
}
