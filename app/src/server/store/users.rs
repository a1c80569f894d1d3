//! Users: borrowers (signed in by phone or e-mail) and staff (by username).

use sqlx::Row;

use crate::model::Role;
use crate::server::db::{now_ms, Db};

/// What sign-in needs to know about a login; the hash never leaves the server.
pub struct Credentials {
    pub user_id: i64,
    pub role: Role,
    pub password_hash: Option<String>,
}

/// Finds the user whose phone, e-mail or staff username is `login`.
pub async fn find_credentials(db: &Db, login: &str) -> Result<Option<Credentials>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, role, password_hash FROM users WHERE phone = $1 OR lower(email) = lower($1) OR username = $1",
    )
    .bind(login)
    .fetch_optional(&db.pool)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let role: String = r.try_get("role")?;
    let role = Role::parse(&role).ok_or_else(|| sqlx::Error::Decode(format!("unknown role {role}").into()))?;
    Ok(Some(Credentials {
        user_id: r.try_get("id")?,
        role,
        password_hash: r.try_get("password_hash")?,
    }))
}

pub struct NewUser<'a> {
    pub role: Role,
    pub username: Option<&'a str>,
    pub full_name: &'a str,
    pub phone: Option<&'a str>,
    pub email: Option<&'a str>,
    pub date_of_birth: Option<&'a str>,
    pub password_hash: Option<&'a str>,
}

pub async fn insert<'c, E>(executor: E, user: &NewUser<'_>) -> Result<i64, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    sqlx::query_scalar(
        "INSERT INTO users (role, username, full_name, phone, email, date_of_birth, password_hash, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(user.role.code())
    .bind(user.username)
    .bind(user.full_name)
    .bind(user.phone)
    .bind(user.email)
    .bind(user.date_of_birth)
    .bind(user.password_hash)
    .bind(now_ms())
    .fetch_one(executor)
    .await
}

pub async fn count(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&db.pool)
        .await
}
